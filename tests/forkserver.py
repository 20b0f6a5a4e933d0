"""``docket`` in a real process, without paying Python's start-up and Docket's imports for every run.

A fresh ``python -m generator`` spends about 0.6 s of CPU importing Docket and its libraries
before it reads a file, and the tests run hundreds of builds. A *zygote* pays that once: it is
``python tests/forkserver.py``, started with the environment the tests' runs get, which imports
``generator`` and then only waits. For each run it forks a child that sets up what a new process
would have (the arguments, the current folder, the environment, the umask, stdin from /dev/null,
stdout and stderr into files, a new random seed) and runs ``python -m generator``'s ``__main__``,
then exits the way the interpreter would (non-daemon threads joined, ``atexit`` run, a traceback
and status 1 for an exception escaping it). So every run is still its own process, with its own
exit status, and nothing one run does (caches, globals, the current folder, signal handlers,
forked render workers) can reach another or the test process; the zygote itself never runs
Docket.

Two zygotes take the runs in turn. Each has its own hash seed, as fresh processes would, so two
builds that a test compares (a cached build against one from scratch, say) come from processes
whose set and dict orders differ, and a result that depends on them still shows.

A run whose environment differs from the zygotes' in anything read at interpreter start-up
(``PYTHON*``, the locale) runs as a fresh process instead; so do the runs a test asks for with
``fresh=True`` (the installed entry point, the interpreter's own start-up), and every run when
``DOCKET_TEST_FRESH_PROCESS=1`` is set, to compare.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

# The variables a Python process reads when it starts, and so cannot change in a forked one.
STARTUP_PREFIXES = ("PYTHON", "LC_")
STARTUP_NAMES = ("LANG", "LANGUAGE")


def startup_environment(env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if k.startswith(STARTUP_PREFIXES) or k in STARTUP_NAMES}


# --------------------------------------------------------------------------
# The test process's side


class Zygote:
    """One zygote process and the files its runs write their output into."""

    def __init__(self, env: dict[str, str]) -> None:
        self.startup = startup_environment(env)
        self.folder = Path(tempfile.mkdtemp(prefix="docket-zygote-"))
        self.lock = threading.Lock()
        self.proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve())], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.pending = b""

    def run(self, argv: list[str], env: dict[str, str], cwd: str, timeout: float) -> tuple[int, bytes, bytes]:
        """(exit status, stdout, stderr) of ``python -m generator ARGV``; TimeoutExpired after ``timeout`` s."""
        with self.lock:
            out, err = self.folder / "stdout", self.folder / "stderr"
            umask = os.umask(0o022)
            os.umask(umask)
            request = {"argv": argv, "env": env, "cwd": cwd, "umask": umask, "stdout": str(out), "stderr": str(err)}
            assert self.proc.stdin is not None
            self.proc.stdin.write((json.dumps(request) + "\n").encode())
            self.proc.stdin.flush()
            pid = self._reply(None)["pid"]
            try:
                returncode = self._reply(timeout)["returncode"]
            except subprocess.TimeoutExpired:
                os.kill(pid, signal.SIGKILL)  # as subprocess.run does: the child, not its own children
                self._reply(None)
                raise subprocess.TimeoutExpired(["docket", *argv], timeout, out.read_bytes(), err.read_bytes()) \
                    from None
            return returncode, out.read_bytes(), err.read_bytes()

    def _reply(self, timeout: float | None) -> dict:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.pending:
            ready, _, _ = select.select([fd], [], [], timeout)
            if not ready:
                raise subprocess.TimeoutExpired("docket", timeout or 0)
            chunk = os.read(fd, 4096)
            if not chunk:
                raise RuntimeError(f"the zygote (tests/forkserver.py) exited with status {self.proc.wait()}")
            self.pending += chunk
        line, self.pending = self.pending.split(b"\n", 1)
        reply: dict = json.loads(line)
        return reply

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()  # the zygote stops at the end of its input
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


_zygotes: list[Zygote] = []
_turn = 0


def usable(env: dict[str, str]) -> bool:
    """Whether a run with ``env`` can be forked from the zygotes (started with the first such env)."""
    if os.environ.get("DOCKET_TEST_FRESH_PROCESS", "") not in ("", "0"):
        return False
    return not _zygotes or _zygotes[0].startup == startup_environment(env)


def run(argv: list[str], env: dict[str, str], cwd: str, timeout: float) -> tuple[int, bytes, bytes]:
    global _turn
    if not _zygotes:
        _zygotes.extend(Zygote(env) for _ in range(2))
        atexit.register(_close_all)
    zygote = _zygotes[_turn % len(_zygotes)]
    _turn += 1
    return zygote.run(argv, env, cwd, timeout)


def _close_all() -> None:
    for zygote in _zygotes:
        zygote.close()


# --------------------------------------------------------------------------
# The zygote (this file run as a script)


def serve() -> None:
    """Read one JSON request per line from stdin; for each, fork a run, say its pid, then its exit status."""
    del sys.path[0]  # this folder (the tests'): a run of `python -m generator` does not see it
    import generator.cli  # noqa: F401 - the point of the zygote: imported once, shared by every run
    import generator.scaffold  # noqa: F401 - `docket new` imports it when it runs

    requests = os.fdopen(os.dup(0), "rb", buffering=0)
    replies = os.dup(1)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)  # nothing printed by accident reaches the replies
    os.close(null)
    for line in iter(requests.readline, b""):
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            requests.close()
            os.close(replies)
            _run(request)  # never returns
        os.write(replies, (json.dumps({"pid": pid}) + "\n").encode())
        _, status = os.waitpid(pid, 0)
        os.write(replies, (json.dumps({"returncode": os.waitstatus_to_exitcode(status)}) + "\n").encode())


def _run(request: dict) -> None:
    """In the forked child: become ``python -m generator ARGS`` as started with the request's setup; exit."""
    code = 1
    try:
        code = _run_main(request)
    finally:
        os._exit(code)


def _run_main(request: dict) -> int:
    import random
    import runpy
    import time
    import traceback

    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
        out = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(out, fd)
        os.close(out)
    os.umask(request["umask"])
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    time.tzset()  # TZ, as a new process reads it
    random.seed()  # a new process's own, not the zygote's
    sys.argv = ["-m", *request["argv"]]  # runpy puts __main__.py's path first, as `python -m` does
    code = 0
    try:
        runpy.run_module("generator", run_name="__main__", alter_sys=True)
    except SystemExit as exc:  # as the interpreter reads the status
        if exc.code is None:
            code = 0
        elif isinstance(exc.code, int):
            code = exc.code
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    except BaseException:
        traceback.print_exc()
        code = 1
    # What the interpreter does on the way out.
    threading._shutdown()  # type: ignore[attr-defined]
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 120
    return code & 0xFF


if __name__ == "__main__":
    serve()
