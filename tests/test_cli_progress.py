"""Progress while a long build renders (a terminal only) and the summary line every build ends with."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from helpers import INCIDENT, docket, write_site

from generator import parallel
from generator.build import build
from generator.parallel import fork_map
from generator.terminal import MIN_PAGES, ProgressLine


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def many_incidents(root: Path, n: int) -> Path:
    files: dict[str, str | bytes | None] = {}
    for i in range(n):
        files[f"content/incidents/fire-{i:04d}.md"] = INCIDENT.replace("Fire at the depot", f"Fire number {i}")
    return write_site(root, files)


def square(x: int) -> int:
    return x * x


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_fork_map_keeps_order_and_reports_every_unit(workers: int) -> None:
    seen: list[tuple[int, int]] = []
    items = list(range(1001))
    assert fork_map(square, items, workers, 10, lambda done, total: seen.append((done, total))) == \
        [x * x for x in items]
    dones = [done for done, _ in seen]
    assert dones == sorted(dones) and dones[-1] == len(items)
    assert {total for _, total in seen} == {len(items)}


@pytest.mark.parametrize("jobs", [1, 2])
def test_build_reports_pages_rendered_of_total(tmp_path: Path, jobs: int) -> None:
    site = many_incidents(tmp_path / "site", 120)
    seen: list[tuple[int, int]] = []
    result = build(site, tmp_path / "out", jobs=jobs, cache=False,
                   progress=lambda done, total: seen.append((done, total)))
    assert result.ok, result.diagnostics.report()
    assert seen, "no progress was reported"
    assert seen[-1][0] == seen[-1][1] == result.rendered
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:], strict=False))


def test_progress_line_redraws_in_place_on_a_terminal_and_clears() -> None:
    screen = Terminal()
    line = ProgressLine.for_terminal(screen)
    assert line is not None
    line(10, 1000)
    line(1000, 1000)  # the last one is always drawn, however soon after the one before
    line.clear()
    text = screen.getvalue()
    assert text.startswith("\rdocket: rendering pages 10 of 1,000")
    assert "\rdocket: rendering pages 1,000 of 1,000" in text
    assert text.endswith("\r\x1b[K")


def test_no_progress_line_off_a_terminal_or_for_a_small_build() -> None:
    assert ProgressLine.for_terminal(io.StringIO()) is None
    screen = Terminal()
    line = ProgressLine(screen)
    line(MIN_PAGES - 1, MIN_PAGES - 1)
    line.clear()
    assert screen.getvalue() == ""


def test_build_off_a_terminal_prints_one_summary_line_and_says_what_drafts_it_left_out(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "content/incidents/fire.md": INCIDENT,
        "content/incidents/unfinished.md": """
            ---
            title: Unfinished
            date: 2023-03-28
            draft: true
            ---
            Not yet.
            """,
    })
    run = docket("build", site)
    assert run.returncode == 0, run.describe()
    assert "\r" not in run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 1, run.describe()
    assert lines[0].startswith("docket: built ")
    assert "1 draft or embargoed item left out" in lines[0]
    again = docket("build", site)  # the no-change short cut says the same
    assert "1 draft or embargoed item left out" in again.stdout, again.describe()
    assert not (site / "output" / "incidents" / "unfinished").exists()


def test_build_strict_fails_on_a_warning_and_writes_nothing(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "content/incidents/fire.md": """
            ---
            title: Fire at the depot
            date: 2023-03-27
            unknown_field: 1
            ---
            The fire began at night.
            """,
    })
    plain = docket("build", site, "--output", tmp_path / "plain")
    assert plain.returncode == 0 and plain.warnings, plain.describe()
    strict = docket("build", site, "--strict", "--output", tmp_path / "strict")
    assert strict.returncode == 1, strict.describe()
    assert [d.severity for d in strict.diagnostics] == ["error"] * len(plain.warnings)
    assert "--strict" in strict.stderr
    assert not (tmp_path / "strict").exists()


def niceness(_: int) -> int:
    return os.nice(0)


def test_workers_can_yield_the_cpu_to_the_preview(monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview lowers its full builds' workers' priority, so the fast render keeps a core."""
    ours = os.nice(0)
    monkeypatch.setattr(parallel, "WORKER_NICENESS", 5)
    assert set(fork_map(niceness, list(range(40)), 2, 10)) == {min(ours + 5, 19)}
    monkeypatch.setattr(parallel, "WORKER_NICENESS", 0)
    assert set(fork_map(niceness, list(range(40)), 2, 10)) == {ours}
