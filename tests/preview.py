"""`docket serve` in a subprocess, for the tests that need a live preview.

The server is started with ``--port 0``, so the system picks a free port and
nothing can take it between choosing and listening (a bind-then-release
"free port" helper is racy under pytest-xdist); the port is read back from the
``docket: serving … at http://HOST:PORT/`` line the preview prints on stdout.

Every preview runs under coreutils ``timeout``, so even if a test is killed
before its ``finally`` the server stops by itself; ``timeout`` passes the
SIGTERM of ``stop()`` on to docket.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

REPO = Path(__file__).resolve().parents[1]
SERVING = re.compile(r"^docket: serving .* at (?P<url>http://(?P<host>\S+):(?P<port>\d+)/)", re.MULTILINE)
LIFETIME = 300  # seconds: the longest any preview in the tests may live
T = TypeVar("T")


@dataclass
class Preview:
    proc: subprocess.Popen[bytes]
    log: Path
    url: str  # "http://127.0.0.1:PORT/"
    port: int

    def output(self) -> str:
        """Everything the preview printed so far (stdout and stderr)."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def fetch(self, path: str = "") -> str | None:
        """The page at ``path`` (no leading slash), or None if it cannot be fetched."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as response:
                return str(response.read().decode("utf-8"))
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return None

    def response(self, path: str = "") -> tuple[int, str] | None:
        """The status and text at ``path``, error statuses included, or None if nothing answers."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as response:
                return int(response.status), str(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            return int(error.code), error.read().decode("utf-8", errors="replace")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return None

    def count(self, needle: str) -> int:
        return self.output().count(needle)


def wait_for(predicate: Callable[[], T], timeout: float = 20.0) -> T | None:
    """Poll ``predicate`` until it gives a true value (returned) or ``timeout`` seconds pass (None)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value or None
        time.sleep(0.1)


@contextmanager
def preview(site: Path, *args: str, log: Path, timeout: float = 60.0) -> Iterator[Preview]:
    """Run ``docket serve SITE --port 0 ARGS`` until the block ends; yield it once it listens."""
    env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    command = ["timeout", "-k", "5", str(LIFETIME), sys.executable, "-m", "generator", "serve", str(site),
               "--port", "0", *args]
    with log.open("wb") as sink:
        proc = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        try:
            found = wait_for(lambda: SERVING.search(log.read_text(encoding="utf-8", errors="replace"))
                             or proc.poll() is not None, timeout)
            assert isinstance(found, re.Match), f"docket serve printed no URL:\n{log.read_text(errors='replace')}"
            yield Preview(proc, log, found["url"], int(found["port"]))
        finally:
            stop(proc)


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def wait_for_heading(page, text: str, timeout_ms: int = 20_000) -> None:
    """Until the page's h1 reads `text`. Mid-reload there is no h1 at all, which is not yet, not an error."""
    page.wait_for_function("text => document.querySelector('h1')?.innerText === text", arg=text, timeout=timeout_ms)
