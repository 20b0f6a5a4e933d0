#!/usr/bin/env python3
"""Edit-to-served latency of `docket serve` on an existing site, edit after edit.

    python bench/serve_latency.py SITE [EDITS]

Starts the preview, then changes the first incident's title (a file written
beside the site and renamed over the incident, as editors save) and polls its
page every 5 ms until the new title is served. Edits are a second apart, so
later ones land while the full rebuild of an earlier one is still running.
Prints each latency and the end of the preview's log; the incident file is
restored afterwards. Standard library only.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def main() -> int:
    site = Path(sys.argv[1]).resolve()
    edits = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", str(site), "--port", "0"], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    assert proc.stdout is not None
    started, url = time.perf_counter(), ""
    for line in proc.stdout:
        found = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        if found:
            url = found.group(1)
            break
    print(f"serving after {time.perf_counter() - started:.1f} s at {url}", flush=True)
    incident = sorted((site / "content" / "incidents").glob("*.md"))[0]
    original = incident.read_text(encoding="utf-8")
    page = f"{url}incidents/{incident.stem}/"
    try:
        for n in range(edits):
            marker = f"Latency marker {n} {time.time()}"
            scratch = site.parent / f".{site.name}.edit.tmp"
            scratch.write_text(re.sub(r"(?m)^title: .*$", f"title: {marker}", original, count=1), encoding="utf-8")
            saved = time.perf_counter()
            os.replace(scratch, incident)
            while marker not in fetch(page):
                time.sleep(0.005)
            print(f"edit {n + 1}: {(time.perf_counter() - saved) * 1000:.0f} ms", flush=True)
            time.sleep(1)
    finally:
        incident.write_text(original, encoding="utf-8")
        os.killpg(proc.pid, signal.SIGTERM)
        output = proc.communicate(timeout=120)[0]
    print(output[-2000:])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
