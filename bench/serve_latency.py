#!/usr/bin/env python3
"""Save-to-reload latency of `docket serve` on an existing site, edit after edit.

    python bench/serve_latency.py SITE [EDITS] [--breaks N] [--gap SECONDS]

Starts the preview and connects to its livereload socket as the browser's
script does (hello, then info with the first incident's URL). Then, EDITS
times, it changes that incident's title (the new text written beside the site
and renamed over the file, as editors save) and measures two things from the
save:

- **save → reload**: the first livereload ``reload`` message after which the
  page served has the edit: the signal the browser acts on;
- **save → served**: the page at its URL has the edit (polled every 5 ms, in
  parallel).

Then, N times (``--breaks``, default 5), it breaks a citation in the same
incident (``[@no-such-source-K]``) and fixes it again, measuring save →
reload until the page carries the error overlay, and save → reload until the
overlay is gone. Saves are ``--gap`` seconds apart (default 1), so on a large
site later ones land while the full rebuild of an earlier one is still running.
Prints each figure, the median and maximum of each kind, and the end of the
preview's log; the incident file is restored afterwards. Needs tornado (a
dependency of Docket) for the WebSocket client.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tornado.httpclient import HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

REPO = Path(__file__).resolve().parents[1]
OVERLAY = 'id="docket-errors"'


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (OSError, http.client.HTTPException):  # a page replaced while it was read: poll again
        return ""


@dataclass
class Preview:
    proc: subprocess.Popen[str]
    url: str
    log: list[str] = field(default_factory=list)


def start(site: Path) -> Preview:
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", str(site), "--port", "0"], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    assert proc.stdout is not None
    log: list[str] = []
    for line in proc.stdout:
        log.append(line)
        found = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        if found:
            preview = Preview(proc, found.group(1), log)
            # Keep reading, so the preview never blocks on a full pipe.
            threading.Thread(target=lambda: log.extend(proc.stdout or ()), daemon=True).start()
            return preview
    raise SystemExit("docket serve stopped before serving:\n" + "".join(log))


async def connect(url: str, page: str) -> WebSocketClientConnection:
    conn = await websocket_connect(HTTPRequest(url.replace("http://", "ws://") + "livereload",
                                               headers={"Origin": url.rstrip("/")}))
    await conn.write_message(json.dumps({"command": "hello", "protocols": [
        "http://livereload.com/protocols/official-7"]}))
    await conn.read_message()
    await conn.write_message(json.dumps({"command": "info", "url": page, "plugins": {}}))
    await asyncio.sleep(0.3)
    return conn


async def drain(conn: WebSocketClientConnection) -> None:
    """Drop the reloads of earlier edits (the full builds after them) still queued."""
    while True:
        try:
            await asyncio.wait_for(conn.read_message(), 0.01)
        except TimeoutError:
            return


def served_after(page: str, shows: Callable[[str], bool], saved: float, deadline: float) -> float:
    while time.perf_counter() < deadline:
        if shows(fetch(page)):
            return time.perf_counter() - saved
        time.sleep(0.005)
    return float("inf")


async def measure(conn: WebSocketClientConnection, incident: Path, text: str, page: str,
                  shows: Callable[[str], bool]) -> tuple[float, float]:
    """Save ``text``; seconds until a reload after which the page shows it, and until it is served."""
    await drain(conn)
    scratch = incident.parents[3] / f".{incident.name}.edit.tmp"  # beside the site: not watched
    scratch.write_text(text, encoding="utf-8")
    saved = time.perf_counter()
    os.replace(scratch, incident)
    deadline = saved + 120
    served = asyncio.create_task(asyncio.to_thread(served_after, page, shows, saved, deadline))
    reload = float("inf")
    while time.perf_counter() < deadline:
        try:
            message = await asyncio.wait_for(conn.read_message(), deadline - time.perf_counter())
        except TimeoutError:
            break
        if message is None:
            break
        arrived = time.perf_counter()
        if json.loads(str(message)).get("command") == "reload" and shows(await asyncio.to_thread(fetch, page)):
            reload = arrived - saved
            break
    return reload, await served


def summary(name: str, figures: list[float]) -> str:
    ms = [f * 1000 for f in figures]
    return (f"{name}: median {statistics.median(ms):.0f} ms, max {max(ms):.0f} ms over {len(ms)} saves "
            f"({', '.join(f'{m:.0f}' for m in ms)})")


async def run(site: Path, edits: int, breaks: int, gap: float) -> list[str]:
    preview = start(site)
    incident = sorted((site / "content" / "incidents").glob("*.md"))[0]
    original = incident.read_text(encoding="utf-8")
    page = f"{preview.url}incidents/{incident.stem}/"
    print(f"serving at {preview.url}; editing {incident.relative_to(site)}", flush=True)
    results: dict[str, list[float]] = {"save → reload": [], "save → served": [], "break → overlay reload": [],
                                       "fix → clean reload": []}
    try:
        conn = await connect(preview.url, page)
        for n in range(edits):
            marker = f"Latency marker {n} {time.time()}"
            text = re.sub(r"(?m)^title: .*$", f"title: {marker}", original, count=1)
            reload, served = await measure(conn, incident, text, page, lambda html, m=marker: m in html)
            results["save → reload"].append(reload)
            results["save → served"].append(served)
            print(f"edit {n + 1}: reload {reload * 1000:.0f} ms, served {served * 1000:.0f} ms", flush=True)
            await asyncio.sleep(gap)
        for n in range(breaks):
            bad = f"no-such-source-{n}"
            text = original.rstrip("\n") + f"\n\nA sentence citing [@{bad}].\n"
            reload, _ = await measure(conn, incident, text, page, lambda html, b=bad: OVERLAY in html and b in html)
            results["break → overlay reload"].append(reload)
            await asyncio.sleep(gap)
            marker = f"Fixed marker {n} {time.time()}"
            text = re.sub(r"(?m)^title: .*$", f"title: {marker}", original, count=1)
            fixed, _ = await measure(conn, incident, text, page,
                                     lambda html, m=marker: m in html and OVERLAY not in html)
            results["fix → clean reload"].append(fixed)
            print(f"break {n + 1}: overlay {reload * 1000:.0f} ms, fixed {fixed * 1000:.0f} ms", flush=True)
            await asyncio.sleep(gap)
        conn.close()
    finally:
        incident.write_text(original, encoding="utf-8")
        os.killpg(preview.proc.pid, signal.SIGTERM)
        preview.proc.wait(timeout=120)
    print("".join(preview.log)[-2000:])
    return [summary(name, figures) for name, figures in results.items() if figures]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("edits", type=int, nargs="?", default=10)
    parser.add_argument("--breaks", type=int, default=5, help="break/fix pairs (default 5)")
    parser.add_argument("--gap", type=float, default=1.0, help="seconds between saves (default 1)")
    args = parser.parse_args()
    for line in asyncio.run(run(args.site.resolve(), args.edits, args.breaks, args.gap)):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
