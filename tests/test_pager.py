"""The compact pager: "1 … 4 5 6 … 15" and "Page 5 of 15", not every page number in rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import INCIDENT, docket, page, write_site

from generator.contexts import Pager


def pager_of(number: int, total: int) -> Pager:
    paths = tuple((n, f"incidents/page/{n}/") for n in range(1, total + 1))
    return Pager(number, total, None, None, paths)


def shown(number: int, total: int) -> list[str]:
    return ["…" if entry is None else str(entry[0]) for entry in pager_of(number, total).window()]


@pytest.mark.parametrize(("number", "total", "expected"), [
    (5, 15, "1 … 4 5 6 … 15"),
    (1, 15, "1 2 … 15"),
    (15, 15, "1 … 14 15"),
    (3, 15, "1 2 3 4 … 15"),  # a gap of one page shows the page: "1 … 3" would hide only "2"
    (2, 3, "1 2 3"),
    (1, 2, "1 2"),
    (7, 7, "1 … 6 7"),
])
def test_window(number: int, total: int, expected: str) -> None:
    assert " ".join(shown(number, total)) == expected


def test_window_keeps_each_page_path() -> None:
    entries = [e for e in pager_of(5, 15).window() if e is not None]
    assert entries == [(n, f"incidents/page/{n}/") for n in (1, 4, 5, 6, 15)]


def test_list_pages_show_a_compact_pager_and_where_the_reader_is(tmp_path: Path) -> None:
    files: dict[str, str | bytes | None] = {
        f"content/incidents/fire-{i:02d}.md": INCIDENT.replace("2023-03-27", f"2023-03-{i + 1:02d}")
        for i in range(15)
    }
    site = write_site(tmp_path / "site", files,
                      site_yaml="title: Test site\nbase_url: https://example.org/\nper_page: 1\n")
    run = docket("build", site)
    assert run.returncode == 0, run.describe()
    soup = page(site, "incidents/page/5/")
    nav = soup.select_one("nav.pager")
    assert nav is not None
    assert nav.select_one(".pager-status").get_text(strip=True) == "Page 5 of 15"
    items = [li.get_text(" ", strip=True) for li in nav.select("li")]
    numbers = [text.removeprefix("Page ") for text in items if "Previous" not in text and "Next" not in text]
    assert numbers == ["1", "…", "4", "5", "6", "…", "15"]
    current = nav.select('a[aria-current="page"]')
    assert [a.get_text(" ", strip=True) for a in current] == ["Page 5"]
    gaps = nav.select("li.pager-gap")
    assert len(gaps) == 2 and all(g.get("aria-hidden") == "true" for g in gaps)
    hrefs = {a.get_text(" ", strip=True): a["href"] for a in nav.select("a")}
    assert (site / "output" / "incidents" / "page" / "5" / hrefs["Page 15"]).resolve() == \
        (site / "output" / "incidents" / "page" / "15").resolve()
