"""Dates: an incident's approximate date (a month or a year), and a page's own publication date.

The event ``date`` says when something happened; ``published`` (or the file's first commit,
where the site is a git repository) says when the site first published the record. The byline,
the citation, the JSON-LD and the feeds use the second; the dateline, lists and timeline the first.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

from helpers import build_fails, build_ok, expect, line_of, page, write_site
from test_data_schemas import assert_every_export_is_valid

APPROXIMATE = {
    "content/incidents/day.md": """
        ---
        title: A known day
        date: 2022-06-15
        ---
        Body.
        """,
    "content/incidents/month.md": """
        ---
        title: Some day in June
        date: 2022-06
        location: {place: Tijuana, country: Mexico}
        ---
        Body.
        """,
    "content/incidents/year.md": """
        ---
        title: Some time in 2022
        date: 2022
        ---
        Body.
        """,
    "content/incidents/later.md": """
        ---
        title: The next year
        date: "2023-02"
        ---
        Body.
        """,
}


def _titles(soup: object) -> list[str]:
    return [a.get_text(strip=True) for a in soup.select(".item-title a")]  # type: ignore[attr-defined]


def test_an_approximate_date_is_shown_as_written_and_sorts_at_the_start_of_its_period(tmp_path: Path) -> None:
    site = write_site(tmp_path, APPROXIMATE)
    build_ok(site)
    month = page(site, "incidents/month/")
    assert month.select_one(".dateline time")["datetime"] == "2022-06"
    assert month.select_one(".dateline time").get_text() == "June 2022"
    year = page(site, "incidents/year/")
    assert year.select_one(".dateline time")["datetime"] == "2022"
    assert year.select_one(".dateline time").get_text() == "2022"
    assert "January" not in year.select_one(".facts").get_text()
    # Newest first; a month sorts as its first day and a year as 1 January.
    assert _titles(page(site, "incidents/")) == ["The next year", "A known day", "Some day in June",
                                                 "Some time in 2022"]
    table = page(site, "table/")
    cells = [row.select_one("time").get_text(strip=True) for row in table.select("tbody tr")]
    assert cells == ["February 2023", "15 June 2022", "June 2022", "2022"]
    # The year page groups by month; a year-only date is under its own heading, not January's.
    headings = [h.get_text(strip=True) for h in page(site, "years/2022/").select("h3.month-heading")]
    assert headings == ["June 2022", "2022, month not known"]
    timeline = page(site, "timeline/").select_one("#year-2022").get_text(" ", strip=True)
    assert "June 2022 2 incidents" in timeline and "2022, month not known 1 incident" in timeline
    assert "January" not in timeline
    feed = (site / "output" / "feed.xml").read_text(encoding="utf-8")
    assert "&lt;p&gt;June 2022, Tijuana" in feed
    card = (site / "output" / "incidents" / "month" / "card.svg").read_text(encoding="utf-8")
    assert "June 2022" in card


def test_exports_keep_an_approximate_date_as_written_with_its_precision(tmp_path: Path) -> None:
    site = write_site(tmp_path, APPROXIMATE)
    build_ok(site)
    out = site / "output"
    records = {r["id"]: r for r in json.loads((out / "data" / "incidents.json").read_text())["incidents"]}
    assert [(records[k]["date"], records[k]["date_precision"]) for k in ("day", "month", "year", "later")] == [
        ("2022-06-15", "day"), ("2022-06", "month"), ("2022", "year"), ("2023-02", "month")]
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO((out / "data" / "incidents.csv").read_text("utf-8-sig")))}
    assert (rows["year"]["date"], rows["year"]["date_precision"]) == ("2022", "year")
    assert_every_export_is_valid(out)


def test_a_date_that_is_no_month_or_year_is_an_error_naming_what_to_write(tmp_path: Path) -> None:
    files = {
        "content/incidents/bad-month.md": """
            ---
            title: Month thirteen
            date: 2022-13
            ---
            """,
        "content/incidents/words.md": """
            ---
            title: In words
            date: June 2022
            ---
            """,
        "content/incidents/tiny.md": """
            ---
            title: A year too small
            date: 22
            ---
            """,
    }
    site = write_site(tmp_path, files)
    run = build_fails(site)
    path = "content/incidents/bad-month.md"
    diag = expect(run, path, line_of(files[path], "date:"), "date", "2022-13")
    assert "YYYY-MM" in diag.text and "YYYY" in diag.text
    expect(run, "content/incidents/words.md", 3, "date", "June 2022", "2022-06")
    expect(run, "content/incidents/tiny.md", 3, "date", "22", "YYYY")
