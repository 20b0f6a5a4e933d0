"""``kill -9`` at any moment of a build leaves a whole site in output/, and the next build tidies up.

Two ways of killing a real ``docket build`` process with SIGKILL:

- at every step of publishing: an audit hook (``sys.addaudithook``) in the
  child process counts the filesystem events of the swap and the clean-up
  (renames, removals, the staging folder being made) and kills the process
  just before the Nth one, for every N;
- anywhere: a site of a few hundred incidents is rebuilt again and again and
  killed after delays spread over the whole length of a build.

After every kill, output/ must exist and hold one complete site, the old
edition or the new one (each edition has its own site title, so every page
says which it belongs to): its manifest lists exactly the files present, with
their sizes and SHA-256, and index.html parses. After one more normal build,
no staging folder may remain.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import REPO, build_ok, snapshot, stray_build_folders

# Dozens of builds killed and run again: left out of the fast loop (`python -m pytest -m "not slow"`).
pytestmark = pytest.mark.slow

MANIFEST = ".docket-manifest.json"
EDITION = re.compile(rb"Kill-test edition (\d{3})")


def write_site(root: Path, incidents: int) -> Path:
    (root / "content" / "incidents").mkdir(parents=True)
    for i in range(incidents):
        (root / "content" / "incidents" / f"incident-{i:03d}.md").write_text(
            f"---\ntitle: Incident number {i}\ndate: 2023-{1 + i % 12:02d}-{1 + i % 28:02d}\n"
            f"{'tags: [fire]' if i % 10 == 0 else 'summary: One line.'}\n---\n"
            f"What happened at incident {i}.\n", encoding="utf-8")
    set_edition(root, 0)
    return root


def set_edition(site: Path, edition: int) -> None:
    (site / "site.yaml").write_text(f"title: Kill-test edition {edition:03d}\nbase_url: https://example.org/\n",
                                    encoding="utf-8")


def child_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), **extra}
    env.pop("PYTHONWARNINGS", None)
    return env


def edition_of(out: Path) -> int:
    """The one edition that output/ wholly holds; fails on a missing, partial or mixed site."""
    assert out.is_dir() and not out.is_symlink(), f"{out} is missing"
    files = snapshot(out)
    manifest = json.loads(files.pop(MANIFEST))
    listed = {item["path"]: (item["size"], item["sha256"]) for item in manifest["files"]}
    present = {rel: (len(data), hashlib.sha256(data).hexdigest()) for rel, data in files.items()}
    assert listed == present, "the manifest does not list exactly the files present"
    soup = BeautifulSoup(files["index.html"].decode("utf-8"), "html.parser")
    assert soup.title and soup.find("main"), "index.html does not parse as a page"
    editions = {m for rel, data in files.items() if rel.endswith(".html") for m in EDITION.findall(data)}
    assert len(editions) == 1, f"pages from several editions: {sorted(editions)}"
    return int(editions.pop())


def leftovers(site: Path) -> list[str]:
    return [name for name in stray_build_folders(site) if re.fullmatch(r"\.output\.(new|old)-\w+", name)]


# --------------------------------------------------------------------------
# Killed at every step of publishing

HOOK = r"""
import os, re, runpy, signal, sys
kill_at = int(os.environ["KILL_AT"])
trace = os.environ.get("KILL_TRACE")
watch = os.environ["KILL_WATCH"]
staging = re.compile(r"\.output\.(new|old)-")
seen = 0
made = set()
armed = False  # from the moment the staging folder is made: the clean-up of leftovers before it varies

def about_output(args):
    return any(watch in os.fsdecode(a) for a in args if isinstance(a, (str, bytes, os.PathLike)))

def hook(event, args):
    global seen, armed
    if event in ("os.rename", "os.replace", "os.chmod"):
        counted = about_output(args)
        if event == "os.rename" and len(args) > 1 and isinstance(args[1], (str, bytes, os.PathLike)):
            # adopting the spare edition as the staging folder: a rename to .output.new-*
            armed = armed or bool(re.search(r"^\.output\.new-", os.path.basename(os.fsdecode(args[1]))))
    elif event == "os.mkdir":  # staging and old folders, once each; page folders are not counted
        path = os.fsdecode(args[0])
        counted = about_output(args) and bool(staging.search(os.path.basename(path))) and path not in made
        made.add(path)
        armed = armed or bool(re.search(r"^\.output\.new-", os.path.basename(path)))
    else:  # removals: inside shutil.rmtree they name entries relative to a folder descriptor
        counted = event in ("os.remove", "os.rmdir", "shutil.rmtree")
    if not (counted and armed):
        return
    seen += 1
    if trace:
        with open(trace, "a") as f:
            f.write(event + " " + repr(args)[:200] + "\n")
    if seen == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)

sys.addaudithook(hook)
sys.argv = ["docket", "build", sys.argv[1]]
runpy.run_module("generator", run_name="__main__", alter_sys=True)
"""


def run_with_hook(site: Path, kill_at: int, trace: Path | None = None) -> int:
    env = child_env(KILL_AT=str(kill_at), KILL_WATCH=str(site), **({"KILL_TRACE": str(trace)} if trace else {}))
    proc = subprocess.run([sys.executable, "-c", HOOK, str(site)], env=env, capture_output=True, text=True,
                          timeout=120)
    return proc.returncode


def kill_points(events: list[str]) -> list[int]:
    """Before every rename, mkdir and chmod; before the first, middle and last few removals."""
    removal = ("os.remove", "os.rmdir", "shutil.rmtree")
    removals = [n for n, event in enumerate(events, 1) if event.split()[0] in removal]
    sampled = set(removals[:3] + removals[len(removals) // 2:len(removals) // 2 + 1] + removals[-3:])
    return sorted({n for n, event in enumerate(events, 1) if event.split()[0] not in removal} | sampled)


def test_kill_at_every_step_of_publishing(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", 12)
    build_ok(site)
    set_edition(site, 1)
    build_ok(site)  # the edition it replaces becomes the spare, which every later build adopts
    set_edition(site, 2)
    trace = tmp_path / "trace.txt"
    assert run_with_hook(site, 0, trace) == 0  # a whole build, counting the events
    events = trace.read_text().splitlines()
    assert edition_of(site / "output") == 2
    points = kill_points(events)
    assert len(points) >= 3, events
    complete = 2
    for edition, point in enumerate(points, start=3):
        set_edition(site, edition)
        assert run_with_hook(site, point) == -signal.SIGKILL, f"not killed at event {point} ({events[point - 1]})"
        now = edition_of(site / "output")  # the old or the new edition, wholly
        assert now in (complete, edition), f"killed before #{point} {events[point - 1]}: edition {now}"
        complete = now
        # Each build removes what the one killed before it left, before making its own staging folder.
        assert len(leftovers(site)) <= 1, f"after a kill before #{point} {events[point - 1]}: {leftovers(site)}"
    build_ok(site)
    assert leftovers(site) == []


# --------------------------------------------------------------------------
# Killed anywhere


def test_kill_anywhere_leaves_a_whole_site(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", 300)
    build_ok(site)
    durations = []
    for warm_up in ("first", "second"):  # full rebuilds into the spare, like the ones killed below
        set_edition(site, 0)
        (site / "site.yaml").write_text((site / "site.yaml").read_text() + f"description: {warm_up}\n",
                                        encoding="utf-8")
        started = time.perf_counter()
        build_ok(site)
        durations.append(time.perf_counter() - started)
    duration = min(durations)
    rng = random.Random(20230327)
    kills = 20
    # Spread over the whole build (start-up, loading, rendering, the swap, deleting the old output),
    # a little past its usual end because builds vary in length.
    delays = [duration * 1.1 * (i + rng.random()) / kills for i in range(kills)]
    complete, killed = 0, 0
    for edition, delay in enumerate(delays, start=1):
        set_edition(site, edition)
        proc = subprocess.Popen([sys.executable, "-m", "generator", "build", str(site)], env=child_env(),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        proc.wait(timeout=60)
        now = edition_of(site / "output")
        assert now in (complete, edition), f"killed after {delay:.2f} s: edition {now}, not {complete} or {edition}"
        complete = now
        assert len(leftovers(site)) <= 1, leftovers(site)  # each build tidies up after the one killed before it
    assert killed >= kills * 3 // 4, f"only {killed} of {kills} builds were still running when killed"
    set_edition(site, 999)
    build_ok(site)
    assert edition_of(site / "output") == 999
    assert leftovers(site) == []
    print(f"\n{killed} kills of a {duration:.2f} s build")
