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


# -- publication dates -------------------------------------------------------------------------------

PUBLISHED = {
    "content/incidents/fire.md": """
        ---
        title: Fire at the depot
        date: 2022-06-27
        published: 2022-07-03
        authors: [Ana Ruiz]
        updates:
          - date: 2022-07-10
            type: correction
            note: The toll was 3, not 4.
        ---
        Body.
        """,
    "content/incidents/flood.md": """
        ---
        title: Flood in the valley
        date: 2022-05-02
        ---
        Body.
        """,
}


def _byline(soup: object) -> str:
    byline = soup.select_one(".byline")  # type: ignore[attr-defined]
    return byline.get_text(" ", strip=True) if byline is not None else ""


def _cite(soup: object) -> tuple[str, str, dict[str, object]]:
    cite = soup.find("section", id="cite_this")  # type: ignore[attr-defined]
    bibtex, csl = (pre.get_text() for pre in cite.find_all("pre"))
    (entry,) = json.loads(csl)
    return cite.find("p", class_="cite-text").get_text(), bibtex, entry


def _jsonld(soup: object) -> list[dict[str, object]]:
    script = soup.find("script", type="application/ld+json")  # type: ignore[attr-defined]
    data = json.loads(script.string)
    return data if isinstance(data, list) else [data]


def _feed_entries(site: Path) -> dict[str, str | None]:
    """The site feed's entries: title -> the text of its <published>, or None."""
    from xml.etree import ElementTree as ET
    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.parse(site / "output" / "feed.xml").getroot()
    return {e.findtext(atom + "title") or "": e.findtext(atom + "published") for e in root.iter(atom + "entry")}


def test_the_byline_citation_json_ld_and_feed_give_the_publication_date_not_the_events(tmp_path: Path) -> None:
    site = write_site(tmp_path, PUBLISHED)
    build_ok(site)
    soup = page(site, "incidents/fire/")
    assert soup.select_one(".dateline time")["datetime"] == "2022-06-27"  # the event keeps its date
    byline = soup.select_one(".byline")
    assert byline.get_text(" ", strip=True) == "By Ana Ruiz · Published 3 July 2022 · Updated 10 July 2022"
    text, bibtex, csl = _cite(soup)
    assert text.startswith("Ana Ruiz. (2022, July 3). Fire at the depot [Incident record fire].")
    assert "Last updated 10 July 2022." in text
    assert "year = {2022}" in bibtex and "month = jul" in bibtex
    assert csl["issued"] == {"date-parts": [[2022, 7, 3]]}
    event = _jsonld(soup)[0]
    assert event["startDate"] == "2022-06-27"
    assert event["subjectOf"]["datePublished"] == "2022-07-03"  # type: ignore[index]
    assert event["subjectOf"]["dateModified"] == "2022-07-10"  # type: ignore[index]
    assert _feed_entries(site)["Fire at the depot"] == "2022-07-03T00:00:00+00:00"


def test_without_a_publication_date_the_byline_says_nothing_false(tmp_path: Path) -> None:
    site = write_site(tmp_path, PUBLISHED)
    build_ok(site)
    soup = page(site, "incidents/flood/")
    assert soup.select_one(".byline") is None  # no author, no date: no byline at all
    text, bibtex, csl = _cite(soup)
    assert "(n.d.)" in text and "year =" not in bibtex and "issued" not in csl
    assert "datePublished" not in _jsonld(soup)[0].get("subjectOf", {})  # type: ignore[operator]
    assert _feed_entries(site)["Flood in the valley"] is None
    # Nor is the event's date given as the record's last change, on the page or in the sitemap.
    assert "Last updated" not in soup.select_one(".facts").get_text()
    sitemap = (site / "output" / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.org/incidents/flood/</loc></url>" in sitemap.replace("\n", "").replace(" ", "")
    assert "<loc>https://example.org/incidents/fire/</loc><lastmod>2022-07-10</lastmod>" in (
        sitemap.replace("\n", "").replace(" ", ""))


def _git(site: Path, *args: str, when: str = "") -> None:
    env = {"GIT_AUTHOR_NAME": "Ed", "GIT_AUTHOR_EMAIL": "ed@example.org", "GIT_COMMITTER_NAME": "Ed",
           "GIT_COMMITTER_EMAIL": "ed@example.org", "PATH": "/usr/bin:/bin", "HOME": str(site)}
    if when:
        env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", *args], cwd=site, env=env, check=True, capture_output=True)


def test_a_git_sites_publication_date_is_the_files_first_commit_and_an_input_of_the_build(tmp_path: Path) -> None:
    site = write_site(tmp_path, PUBLISHED)
    _git(site, "init", "-q")
    _git(site, "add", "site.yaml", "content/incidents/flood.md")
    _git(site, "commit", "-qm", "flood", when="2022-05-09T10:00:00+00:00")
    _git(site, "commit", "-qm", "nothing", "--allow-empty", when="2022-06-01T10:00:00+00:00")
    build_ok(site)
    flood = page(site, "incidents/flood/")
    assert _byline(flood) == "Published 9 May 2022"
    assert _cite(flood)[2]["issued"] == {"date-parts": [[2022, 5, 9]]}
    # published: in the front matter wins over the commit; a file not committed yet has no date from git.
    assert "Published 3 July 2022" in _byline(page(site, "incidents/fire/"))
    # A file renamed keeps the date it was first committed under its old name.
    _git(site, "mv", "content/incidents/flood.md", "content/incidents/valley-flood.md")
    _git(site, "commit", "-qm", "rename", when="2023-01-01T10:00:00+00:00")
    # The next build (from the cache) sees a commit as the change it is.
    (site / "content/incidents/new.md").write_text("---\ntitle: New\ndate: 2023-02-01\n---\nB.\n", encoding="utf-8")
    build_ok(site)
    assert "Published" not in _byline(page(site, "incidents/new/"))
    _git(site, "add", "content/incidents/new.md")
    _git(site, "commit", "-qm", "new", when="2023-02-05T23:30:00-05:00")
    build_ok(site)
    assert "Published 6 February 2023" in _byline(page(site, "incidents/new/"))
    assert "Published 9 May 2022" in _byline(page(site, "incidents/valley-flood/"))


def test_a_site_in_a_subfolder_of_a_repository_takes_no_dates_from_git(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    site = write_site(tmp_path / "site", PUBLISHED)
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "all", when="2022-05-09T10:00:00+00:00")
    build_ok(site)
    assert "Published" not in _byline(page(site, "incidents/flood/"))


def test_a_published_date_that_is_no_date_is_an_error(tmp_path: Path) -> None:
    files = {"content/incidents/fire.md": "---\ntitle: Fire\ndate: 2022-06-27\npublished: soon\n---\nB.\n",
             "content/pages/about.md": "---\ntitle: About\npublished: 2022-06\n---\nB.\n"}
    site = write_site(tmp_path, files)
    run = build_fails(site)
    expect(run, "content/incidents/fire.md", 4, "published", "soon", "YYYY-MM-DD")
    expect(run, "content/pages/about.md", 3, "published", "2022-06", "YYYY-MM-DD")


def test_a_reports_published_date_takes_the_place_of_its_date_in_byline_facts_and_json_ld(tmp_path: Path) -> None:
    site = write_site(tmp_path, {
        "content/reports/review.md": """
            ---
            title: The year in review
            date: 2024-01-01
            published: 2024-01-05
            ---
            Body.
            """,
        "content/reports/plain.md": "---\ntitle: Plain\ndate: 2024-02-01\n---\nBody.\n",
    })
    run = build_ok(site)
    assert not run.warnings, run.describe()
    review = page(site, "reports/review/")
    assert _byline(review) == "Published 5 January 2024"
    facts = review.select_one(".facts").get_text(" ", strip=True)
    assert "Published 5 January 2024" in facts
    assert _jsonld(review)[0]["datePublished"] == "2024-01-05"
    assert _cite(review)[2]["issued"] == {"date-parts": [[2024, 1, 5]]}
    # Without it, a report's date is its publication date, as documented.
    assert _byline(page(site, "reports/plain/")) == "Published 1 February 2024"


def test_the_previews_fast_render_of_an_edit_keeps_the_date_git_gave(tmp_path: Path) -> None:
    from generator.build import build
    from generator.serve import fast
    from generator.session import BuildSession

    site = write_site(tmp_path, PUBLISHED)
    _git(site, "init", "-q")
    _git(site, "add", ".")
    _git(site, "commit", "-qm", "all", when="2022-05-09T10:00:00+00:00")
    session = BuildSession(site, cache=False, drafts=True, jobs=1)
    assert build(site, session=session).ok
    flood = site / "content/incidents/flood.md"
    flood.write_text(flood.read_text(encoding="utf-8").replace("Flood in the valley", "Flood"), encoding="utf-8")
    assert session.last is not None
    checked = fast._check(session.last, site, "content/incidents/flood.md")  # the page rendered before the build
    assert checked.job is not None and checked.job.context.incident.title == "Flood"  # type: ignore[attr-defined]
    meta = checked.job.context.meta  # type: ignore[attr-defined]
    assert meta.published is not None and meta.published.iso() == "2022-05-09"
