#!/usr/bin/env python3
"""Benchmark a full Docket build of a synthetic site: wall time and peak memory.

    python bench/build_bench.py --incidents 1000 [--runs 3] [--corpus ../shared/bench/make_corpus.py]

Each run is a fresh process (`python -m generator build`), so the figures are
what a writer waits for. Peak memory is the child's maximum resident set size.
Results go to stdout as a Markdown table row for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "bench" / "make_corpus.py"


def one_run(site: Path, out: Path) -> tuple[float, float]:
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: become the build, so rusage measures it alone
        os.execv(sys.executable, [sys.executable, "-m", "generator", "build", str(site), "--output", str(out)])
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build failed for {site}")
    return elapsed, usage.ru_maxrss / 1024  # KiB -> MiB on Linux


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--incidents", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site, out = Path(tmp) / "site", Path(tmp) / "out"
        subprocess.run([sys.executable, str(args.corpus), "--incidents", str(args.incidents), "--out", str(site)],
                       check=True, capture_output=True)
        results = [one_run(site, out) for _ in range(args.runs)]
        pages = sum(1 for _ in out.rglob("*.html"))
    times = [t for t, _ in results]
    peak = max(m for _, m in results)
    print("| incidents | pages | runs | median s | min s | peak RSS MiB |")
    print("|---:|---:|---:|---:|---:|---:|")
    print(f"| {args.incidents} | {pages} | {args.runs} | {statistics.median(times):.2f} | {min(times):.2f} | {peak:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
