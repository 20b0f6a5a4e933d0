"""The timeline places every published incident in time: year pages listing each incident under its month,
with its date, linked title and figures in the one order the whole site uses, paginated at stable URLs;
the overview (the year chart and the months) links into them.

Small sites written inline, built with the real CLI; the HTML is parsed, not grepped.
"""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup
from helpers import build_ok, write_site
from tools import generate_corpus

SITE = "title: Timeline test\nbase_url: https://example.org/\nper_page: 2\n"


def incident(n: int, date: str, figures: str = "", extra: str = "") -> str:
    fig = f"figures: {{{figures}}}\n" if figures else ""
    return (f"---\ntitle: Incident {n}\ndate: {date}\nlocation:\n  place: Juárez\n  country: Mexico\n"
            f"tags: [fire]\n{fig}{extra}---\nBody {n}.\n")


def page(out: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((out / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def build(tmp_path: Path, files: dict[str, str]) -> Path:
    site = write_site(tmp_path / "site", files, site_yaml=SITE)
    build_ok(site)
    return site / "output"


FILES = {
    # Writers list injured before killed here, and arrested last: the site's order is injured, killed, arrested.
    "content/incidents/a.md": incident(1, "2023-03-04", "injured: 2, killed: 1"),
    "content/incidents/b.md": incident(2, "2023-01-20", "injured: 5, killed: 3, arrested: 4"),
    "content/incidents/c.md": incident(3, "2023-03-01", "killed: 9"),
    "content/incidents/d.md": incident(4, "2023-11-30", "injured: 1, killed: 0"),
    "content/incidents/e.md": incident(5, "2021-06-15", "injured: 7, killed: 2", extra="fictional: true\n"),
}


def entries(soup: BeautifulSoup) -> list[tuple[str, str, str, list[str]]]:
    """(month heading, date, title, figure labels) of each incident on a timeline page, in page order."""
    out = []
    for month in soup.select(".timeline-page .tl-month"):
        heading = month.select_one(".tl-month-heading").get_text(" ", strip=True)
        for item in month.select(".tl-incident"):
            labels = [dt.get_text(strip=True) for dt in item.select(".tl-figures dt")]
            out.append((heading, item.time["datetime"], item.select_one("a").get_text(strip=True), labels))
    return out


def test_a_year_page_lists_every_incident_under_its_month_in_time_order_paginated(tmp_path):
    out = build(tmp_path, FILES)
    first, second = page(out, "timeline/2023"), page(out, "timeline/2023/page/2")
    assert entries(first) == [("January 2023", "2023-01-20", "Incident 2", ["Injured", "Killed", "Arrested"]),
                              ("March 2023", "2023-03-01", "Incident 3", ["Killed"])]
    assert entries(second) == [("March 2023 (continued)", "2023-03-04", "Incident 1", ["Injured", "Killed"]),
                               ("November 2023", "2023-11-30", "Incident 4", ["Injured", "Killed"])]
    link = first.select_one(".tl-incident a")["href"]
    assert (out / "timeline/2023" / link / "index.html").resolve() == (out / "incidents/b/index.html").resolve()
    # The fictional incident is placed in time too, on its own year's page.
    assert [e[2] for e in entries(page(out, "timeline/2021"))] == ["Incident 5"]
    assert not (out / "timeline/2022").exists()  # a year with no incident has no page


def test_the_overview_links_every_month_to_where_its_year_page_lists_it(tmp_path):
    out = build(tmp_path, FILES)
    soup = page(out, "timeline")
    months = soup.select(".timeline-month a")
    assert [m.select_one(".month-name").get_text(strip=True) for m in months] == [
        "November 2023", "March 2023", "January 2023", "June 2021"]
    for link in months:
        target, anchor = link["href"].split("#")
        listed = BeautifulSoup((out / "timeline" / target / "index.html").resolve().read_text(), "html.parser")
        assert listed.select_one(".timeline-page") is not None, link["href"]
        assert listed.find(id=anchor) is not None, link["href"]
    # A month links to the page its first incident is on: November is on page 2, March starts on page 1.
    assert [m["href"].split("#")[0] for m in months] == ["2023/page/2/", "2023/", "2023/", "2021/"]


def test_figures_keep_one_order_everywhere_the_table_s(tmp_path):
    out = build(tmp_path, FILES)
    table = [th.get_text(strip=True) for th in page(out, "table").select("thead th.num")]
    assert table == ["Injured", "Killed", "Arrested"]
    stats = [th.get_text(strip=True) for th in page(out, "statistics").select("#table-year thead th.num")]
    assert stats == ["Incidents", *table]
    totals = [dt.get_text(strip=True) for dt in page(out, "statistics").select(".stat-totals dt")]
    assert totals == ["Incidents", *table]
    for month in page(out, "timeline").select(".timeline-month"):
        labels = [dt.get_text(strip=True) for dt in month.select(".month-figures dt")]
        assert labels == [key for key in table if key in labels], labels


def test_the_chart_covers_every_year_the_list_covers(tmp_path):
    out = build(tmp_path, FILES)
    soup = page(out, "timeline")
    listed = [h.get_text(" ", strip=True).split()[0] for h in soup.select(".timeline-year > h2")]
    assert listed == ["2023", "2021"]
    labels = [t.get_text(strip=True) for t in soup.select(".chart-figure .chart-wide .bar-label")]
    assert labels == ["2021", "2022", "2023"]  # 2022, with none, is shown as none, not skipped


def test_on_a_generated_site_the_timeline_pages_link_every_published_incident(tmp_path):
    site = tmp_path / "corpus"
    generate_corpus(site, 300)
    build_ok(site)
    out = site / "output"
    published = {p.parent.name for p in (out / "incidents").glob("*/index.html") if p.parent.name != "page"}
    linked: set[str] = set()
    for file in (out / "timeline").rglob("index.html"):
        assert file.stat().st_size <= 100 * 1024, file
        for a in BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser").select(".tl-incident a"):
            target = (file.parent / a["href"]).resolve()
            linked.add(target.name)
    assert len(published) >= 290 and linked == published
