"""Readers find things without JavaScript: every list paginated with its total, the incidents as a
sortable table, filter pages, the timeline, the map, the statistics, tag files, place <-> entity links.

Small sites written inline, built with the real CLI; the HTML is parsed, not grepped.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import build_ok, expect, write_site
from tools import generate_corpus

SITE = """\
title: Browse test
base_url: https://example.org/
per_page: 2
"""


def incident(n: int, *, year: int = 2023, month: int = 3, place: str = "Juárez", country: str = "Mexico",
             status: str = "confirmed", killed: int | None = None, tags: str = "[fire]", extra: str = "",
             lat: float | None = 31.69, lon: float | None = -106.42) -> str:
    figures = f"figures: {{killed: {killed}}}\n" if killed is not None else ""
    coords = f"  lat: {lat}\n  lon: {lon}\n" if lat is not None else ""
    return (f"---\ntitle: Incident {n}\ndate: {year}-{month:02d}-{n % 27 + 1:02d}\nstatus: {status}\n"
            f"location:\n  place: {place}\n  country: {country}\n{coords}tags: {tags}\n{figures}{extra}---\n"
            f"Body of incident {n}.\n")


def page(out: Path, path: str) -> BeautifulSoup:
    file = out / path / "index.html" if not path.endswith(".html") else out / path
    return BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")


def build(tmp_path: Path, files: dict[str, str], site_yaml: str = SITE) -> Path:
    site = write_site(tmp_path / "site", files, site_yaml=site_yaml)
    build_ok(site)
    return site / "output"


def five(tmp_path: Path) -> Path:
    files = {f"content/incidents/i{n}.md": incident(n, killed=n * 10 if n != 3 else None,
                                                    year=2022 + n % 2, month=n, status="disputed" if n == 2 else
                                                    "confirmed") for n in range(1, 6)}
    files["content/incidents/i5.md"] = incident(5, killed=7, year=2023, month=5, place="Tapachula",
                                                lat=14.9, lon=-92.26, extra="fictional: true\n")
    return build(tmp_path, files)


def titles(soup: BeautifulSoup, selector: str) -> list[str]:
    return [a.get_text(strip=True) for a in soup.select(selector)]


def test_incident_list_pages_hold_per_page_items_and_say_the_total(tmp_path):
    out = five(tmp_path)
    first, second, third = page(out, "incidents"), page(out, "incidents/page/2"), page(out, "incidents/page/3")
    assert len(first.select(".item-list > li")) == 2 and len(third.select(".item-list > li")) == 1
    assert first.select_one(".list-total").get_text(" ", strip=True) == "Showing 1–2 of 5 incidents."
    assert second.select_one(".list-total").get_text(" ", strip=True) == "Showing 3–4 of 5 incidents."
    status = second.select_one(".pager-status").get_text(strip=True)
    assert status == "Page 2 of 3"


def test_every_list_is_paginated(tmp_path):
    files = {f"content/incidents/i{n}.md": incident(n, tags=f"[t{n}, shared]", place=f"Town {n}",
                                                    extra=f"sources:\n  - id: s{n}\n    title: Source {n}\n"
                                                          f"entities: [e{n}]\nupdates:\n  - date: 2023-04-01\n"
                                                          f"    note: Note {n}\n")
             for n in range(1, 6)}
    out = build(tmp_path, files)
    for listing, item_selector in (("sources", ".source-index > li"), ("entities", ".entity-group li"),
                                   ("tags", "main tbody tr"), ("places", "main tbody tr"),
                                   ("corrections", ".corrections-list > li"), ("tags/shared", ".item-list > li")):
        soup = page(out, listing)
        assert 0 < len(soup.select(item_selector)) <= 2, listing
        assert (out / listing / "page" / "3" / "index.html").is_file(), listing
        want = "Showing 1–2 of 6 tags." if listing == "tags" else r"Showing 1–2 of 5 \w+\."
        assert re.fullmatch(want, soup.select_one(".list-total").get_text(" ", strip=True)), listing


def test_table_view_is_sorted_by_pre_built_pages(tmp_path):
    out = five(tmp_path)
    newest = page(out, "table")
    head = [th.get_text(strip=True) for th in newest.select("table.data-table thead th")]
    assert head == ["Incident", "Date↓", "Place", "Country", "Status", "Killed"]
    # The headers sort too: Date goes to the other order, a figure to its own, the current one has aria-sort.
    links = {th.get_text(strip=True): (th.a["href"] if th.a else None, th.get("aria-sort"))
             for th in newest.select("table.data-table thead th")}
    assert links["Date↓"] == ("oldest/", "descending") and links["Killed"] == ("by-killed/", None)
    assert links["Incident"] == (None, None)
    by_killed = [page(out, "table/by-killed"), page(out, "table/by-killed/page/2"), page(out, "table/by-killed/page/3")]
    rows = [titles(p, "table.data-table tbody th a") for p in by_killed]
    assert sum(rows, []) == ["Incident 4", "Incident 2", "Incident 1", "Incident 5", "Incident 3"]  # 3 has none
    oldest = titles(page(out, "table/oldest"), "table.data-table tbody th a")
    assert oldest == ["Incident 2", "Incident 4"]  # 2022-02 and 2022-04 come first
    sort_links = {a.get_text(strip=True): a.get("aria-current") for a in newest.select(".sort-links a")}
    assert sort_links["Newest first"] == "page" and "Killed (highest first)" in sort_links


def test_table_figure_columns_follow_the_order_writers_list_them(tmp_path):
    def with_figures(n: int, figures: str) -> str:
        return incident(n, extra=f"figures: {{{figures}}}\n")
    out = build(tmp_path, {
        "content/incidents/i1.md": with_figures(1, "killed: 40, injured: 27, detained: 68"),
        "content/incidents/i2.md": with_figures(2, "killed: 2, injured: 5"),
        "content/incidents/i3.md": with_figures(3, "injured: 1, killed: 0, arrested: 3"),
    })
    head = [th.get_text(strip=True) for th in page(out, "table").select("table.data-table thead th")]
    # Killed is written first twice in three: not alphabetical, which put Arrested and Injured first.
    assert head[5:] == ["Killed", "Injured", "Arrested", "Detained"]
    assert (out / "table/by-arrested/index.html").is_file() and (out / "table/by-injured/index.html").is_file()


def test_filter_pages_by_status_year_country_and_tag_are_linked_from_the_list(tmp_path):
    out = five(tmp_path)
    links = {a["href"] for a in page(out, "incidents").select(".filter-bar a")}
    assert {"../status/disputed/", "../status/confirmed/", "../years/2023/", "../countries/mexico/",
            "../tags/fire/"} <= links
    disputed = titles(page(out, "status/disputed"), "table.data-table tbody th a")
    assert disputed == ["Incident 2"]
    assert not (out / "status" / "closed").exists()  # no incident has it


def test_statistics_never_count_fictional_incidents_and_say_so(tmp_path):
    out = five(tmp_path)
    soup = page(out, "statistics")
    note = soup.select_one(".stats-note").get_text(" ", strip=True)
    assert note == "Totals count 4 incidents; 1 fictional example is not counted."
    totals = {d.select_one("dt").get_text(strip=True): d.select_one("dd").get_text(strip=True)
              for d in soup.select(".stat-totals > div")}
    assert totals == {"Incidents": "4", "Killed": "70"}  # 10 + 20 + 40, not the fictional 7
    chart = soup.select_one("#by-year svg.chart")
    assert chart is not None and chart.get("role") == "img"
    years = {tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.select("td")]
             for tr in soup.select("#table-year tbody tr")}
    assert years == {"2022": ["2", "60"], "2023": ["2", "10"]}


def test_timeline_months_link_to_where_their_year_page_lists_them(tmp_path):
    out = five(tmp_path)
    soup = page(out, "timeline")
    months = soup.select(".timeline-month a")
    assert [m.select_one(".month-name").get_text(strip=True) for m in months] == [
        "May 2023", "March 2023", "January 2023", "April 2022", "February 2022"]
    for link in months:
        target, anchor = link["href"].split("#")
        year_page = BeautifulSoup((out / "timeline" / target / "index.html").resolve().read_text(), "html.parser")
        assert year_page.find(id=anchor) is not None, link["href"]


def svg_links(soup: BeautifulSoup, selector: str) -> list[tuple[str, str]]:
    svg = soup.select_one(selector)
    assert svg is not None, selector
    tree = ET.fromstring(str(svg))
    ns = "{http://www.w3.org/2000/svg}"
    return [(a.get("href", ""), a.get("aria-label", "")) for a in tree.iter(f"{ns}a")]


def test_map_points_link_to_incidents_and_to_places_with_several(tmp_path):
    out = five(tmp_path)
    links = svg_links(page(out, "map"), "svg.map")
    hrefs = {href for href, _ in links}
    assert hrefs == {"../places/juarez-mexico/", "../incidents/i5/"}
    assert any("4 incidents" in label for _, label in links)
    own = svg_links(page(out, "incidents/i1"), "svg[aria-labelledby=location-map-title]")
    assert own == [("./", "Incident 1 (2 January 2023, Juárez, Mexico)")]
    # The place's four incidents are at one spot: one mark with their count (geo/cluster.py).
    place_map = svg_links(page(out, "places/juarez-mexico"), "svg.map")
    assert len(place_map) == 1 and place_map[0][1].startswith("4 incidents"), place_map


def test_incidents_without_coordinates_are_counted_off_the_map(tmp_path):
    out = build(tmp_path, {"content/incidents/a.md": incident(1, lat=None, lon=None),
                           "content/incidents/b.md": incident(2)})
    soup = page(out, "map")
    assert "1 incident has no coordinates" in soup.get_text(" ", strip=True)
    assert page(out, "incidents/a").select_one("svg[aria-labelledby=location-map-title]") is None
    assert page(out, "incidents/b").select_one("svg[aria-labelledby=location-map-title]") is not None


def test_tag_files_give_titles_and_descriptions_and_ids_read_as_words(tmp_path):
    out = build(tmp_path, {
        "content/incidents/a.md": incident(1, tags="[law-enforcement, fire]"),
        "content/tags/fire.md": "---\ntitle: Fires\ndescription: Fires in shelters and detention centres.\n---\n",
    })
    fire = page(out, "tags/fire")
    assert fire.h1.get_text(strip=True) == "Tag: Fires"
    assert fire.select_one(".term-description").get_text(strip=True) == "Fires in shelters and detention centres."
    assert page(out, "tags/law-enforcement").h1.get_text(strip=True) == "Tag: Law enforcement"


def test_tag_file_with_an_unknown_field_warns_with_its_line(tmp_path):
    site = write_site(tmp_path / "site", {"content/incidents/a.md": incident(1),
                                          "content/tags/fire.md": "---\ntitle: Fires\ncolour: red\n---\n"},
                      site_yaml=SITE)
    run = build_ok(site)
    expect(run, "content/tags/fire.md", 3, "colour", severity="warning")


def test_place_entity_and_place_page_link_each_other(tmp_path):
    out = build(tmp_path, {
        "content/incidents/a.md": incident(1, extra="entities: [ciudad-juarez]\n", place="Ciudad Juárez"),
        "content/entities/ciudad-juarez.md": "---\nname: Ciudad Juárez\nkind: place\ncountry: Mexico\n---\nA city.\n",
    })
    entity = page(out, "entities/ciudad-juarez")
    assert "../../places/ciudad-juarez-mexico/" in {a["href"] for a in entity.select("a")}
    place = page(out, "places/ciudad-juarez-mexico")
    assert "../../entities/ciudad-juarez/" in {a["href"] for a in place.select("main a")}


def test_a_correction_naming_a_figure_the_incident_lacks_warns(tmp_path):
    text = incident(1, killed=3, extra="updates:\n  - date: 2023-04-01\n    type: correction\n"
                                       "    note: Fixed.\n    figures: [injured]\n")
    site = write_site(tmp_path / "site", {"content/incidents/a.md": text}, site_yaml=SITE)
    run = build_ok(site)
    line = text.splitlines().index("    figures: [injured]") + 1
    expect(run, "content/incidents/a.md", line, "updates[0].figures", "injured", "killed", severity="warning")


def test_a_report_update_naming_figures_warns_that_only_incidents_have_them(tmp_path):
    text = ("---\ntitle: A report\ndate: 2023-04-02\nupdates:\n  - date: 2023-04-03\n    type: correction\n"
            "    note: Fixed.\n    figures: [killed]\n---\nReport body.\n")
    site = write_site(tmp_path / "site", {"content/reports/r.md": text, "content/incidents/a.md": incident(1)},
                      site_yaml=SITE)
    run = build_ok(site)
    line = text.splitlines().index("    figures: [killed]") + 1
    expect(run, "content/reports/r.md", line, "updates[0].figures", "only an incident", severity="warning")


def map_box(soup: BeautifulSoup, title_id: str) -> tuple[float, float]:
    svg = soup.select_one(f"svg[aria-labelledby={title_id}]")
    assert svg is not None, f"no map {title_id}"
    _, _, width, height = (float(v) for v in svg["viewbox"].split())
    return width, height


def test_home_page_maps_where_the_incidents_happened(tmp_path):
    out = five(tmp_path)
    home = page(out, "")
    hrefs = {href for href, _ in svg_links(home, "svg[aria-labelledby=home-map-title]")}
    assert hrefs == {"places/juarez-mexico/", "incidents/i5/"}
    assert home.select_one(".home-map figcaption a")["href"] == "map/"


def test_maps_are_landscape_whatever_their_grid(tmp_path):
    out = five(tmp_path)
    for path, title_id in (("incidents/i1", "location-map-title"), ("places/juarez-mexico", "term-map-title"),
                           ("map", "world-map-title"), ("", "home-map-title")):
        width, height = map_box(page(out, path), title_id)
        assert height < width, f"{path}: a portrait map ({width} x {height})"


def basemap_uses(out: Path) -> dict[str, list[tuple[str, str]]]:
    """Each page's <use> references, resolved to (file in the output, fragment)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for file in sorted(out.rglob("*.html")):
        for use in BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser").select("svg.map use"):
            target, _, fragment = use["href"].partition("#")
            resolved = (file.parent / target).resolve().relative_to(out.resolve()).as_posix()
            found.setdefault(file.relative_to(out).as_posix(), []).append((resolved, fragment))
    return found


def test_maps_draw_their_land_from_one_shared_basemap_file(tmp_path):
    out = build(tmp_path, {
        **{f"content/incidents/i{n}.md": incident(n) for n in range(1, 4)},  # three at Juárez: one box
        "content/incidents/far.md": incident(9, place="Valencia", country="Spain", lat=39.47, lon=-0.38),
    })
    uses = basemap_uses(out)
    assert {"incidents/i1/index.html", "incidents/far/index.html", "map/index.html", "index.html"} <= set(uses)
    files = {path for refs in uses.values() for path, _ in refs}
    assert all(re.fullmatch(r"assets/basemap-[0-9a-f]{16}\.svg", path) for path in files), files
    # The incidents at one place share their map's file; the land is not inline in any page.
    def own_map(slug: str) -> str:
        use = page(out, f"incidents/{slug}").select_one("svg[aria-labelledby=location-map-title] use")
        return use["href"].partition("#")[0]

    assert own_map("i1") == own_map("i2")
    assert own_map("i1") != own_map("far")
    for path in uses:
        assert not page(out, path).select("svg.map path"), path
    written = {p.relative_to(out).as_posix() for p in (out / "assets").glob("basemap-*.svg")}
    assert written == files  # each one used, none missing
    manifest = {f["path"] for f in json.loads((out / ".docket-manifest.json").read_text())["files"]}
    assert files <= manifest
    for path, refs in uses.items():
        for target, fragment in refs:
            root = ET.fromstring((out / target).read_bytes())
            ids = {e.attrib.get("id") for e in root.iter()}
            assert fragment in ids, (path, target, fragment)
    # The incident's own map marks its country: a <use> of the Mexico path, drawn over the land.
    marked = page(out, "incidents/i1").select_one("svg[aria-labelledby=location-map-title] use.land-highlight")
    target, fragment = marked["href"].split("#")
    country = ET.fromstring((out / "incidents/i1" / target).resolve().read_bytes())
    titles = {e.attrib.get("id"): e.findtext("{http://www.w3.org/2000/svg}title") for e in country.iter()}
    assert titles[fragment] == "Mexico"


def test_a_page_with_maps_is_small(tmp_path):
    out = build(tmp_path, {f"content/incidents/i{n}.md": incident(n) for n in range(1, 4)})
    # Before, the location map and the related map each inlined the land of Juárez's box (2 x ~20 KB).
    assert (out / "incidents/i1/index.html").stat().st_size < 30_000


def test_related_map_shows_every_related_incident_and_only_when_there_are_some(tmp_path):
    out = build(tmp_path, {
        "content/incidents/a.md": incident(1, tags="[fire, shelter]"),
        "content/incidents/b.md": incident(2, tags="[fire, shelter]", place="Chihuahua", lat=28.63, lon=-106.07),
        "content/incidents/far.md": incident(3, tags="[flood]", place="Valencia", country="Spain",
                                             lat=39.47, lon=-0.38),
        "content/incidents/far2.md": incident(4, tags="[flood]", place="Madrid", country="Spain",
                                              lat=40.42, lon=-3.7, extra="entities: []\n"),
    })
    near = svg_links(page(out, "incidents/a"), "svg[aria-labelledby=related-map-title]")
    assert ("../b/", "Incident 2 (3 March 2023, Chihuahua, Mexico)") in near
    # Every incident the related list names is on the map, however far (the box fits them all).
    for slug in ("a", "far"):
        soup = page(out, f"incidents/{slug}")
        listed = {a["href"] for a in soup.select(".related-list li > a")}
        mapped = {href for href, _ in svg_links(soup, "svg[aria-labelledby=related-map-title]")}
        assert mapped == listed | {"./"}, slug


def test_source_language_must_be_a_language_tag(tmp_path):
    from helpers import build_fails
    text = "---\ntitle: Informe\nlanguage: spanish!\n---\n"
    site = write_site(tmp_path / "site", {"content/sources/informe.md": text}, site_yaml=SITE)
    run = build_fails(site)
    expect(run, "content/sources/informe.md", 3, "language", "not a language tag")


def test_first_pages_keep_their_urls_when_content_is_added(tmp_path):
    out = five(tmp_path)
    before = {p.relative_to(out).as_posix() for p in out.rglob("index.html") if "/page/" not in p.as_posix()}
    site = tmp_path / "site"
    for n in range(6, 12):
        (site / "content" / "incidents" / f"i{n}.md").write_text(incident(n, killed=n), encoding="utf-8")
    build_ok(site)
    after = {p.relative_to(out).as_posix() for p in out.rglob("index.html")}
    assert before <= after
    assert re.fullmatch(r"Showing 1–2 of 11 incidents\.",
                        page(out, "incidents").select_one(".list-total").get_text(" ", strip=True))


PAGE_BUDGET = 300 * 1024
# The size budget of each kind of file at 1,000 incidents, in KB (docs/performance.md, "Page-size budgets").
KIND_BUDGETS = {"home": 200, "incident": 250, "entity": 200, "report": 100, "source": 50, "term": 150,
                "list": 100, "map": 200, "statistics": 100, "timeline": 100, "feed": 50, "card": 5,
                "incident-json": 10, "basemap": 150}
LISTS = ("incidents/", "reports/", "sources/", "entities/", "corrections/", "table/", "status/")
TERMS = ("tags/", "countries/", "places/", "years/", "publishers/")


def kind_of(rel: str) -> str | None:
    """The budget a built file falls under ("incidents/x/index.html" -> "incident"), or None."""
    parts = rel.split("/")
    if rel == "index.html":
        return "home"
    if rel.endswith("/card.svg"):
        return "card"
    if rel.endswith("feed.xml"):
        return "feed"
    if rel.startswith("incidents/") and rel.endswith("/index.json"):
        return "incident-json"
    if rel.startswith("assets/basemap-"):
        return "basemap"
    if not rel.endswith(".html"):
        return None
    if parts[0] in ("map", "statistics", "timeline"):
        return parts[0]
    if "page" not in parts and len(parts) == 3 and parts[0] in ("incidents", "reports", "sources", "entities"):
        return {"incidents": "incident", "reports": "report", "sources": "source", "entities": "entity"}[parts[0]]
    if rel.startswith(TERMS):
        return "term"
    if rel.startswith(LISTS):
        return "list"
    return None


@pytest.mark.slow
def test_a_thousand_incidents_no_page_over_budget_and_no_list_over_the_page_size(tmp_path):

    site = tmp_path / "corpus"
    generate_corpus(site, 1000)
    build_ok(site)
    out = site / "output"
    pages = list(out.rglob("*.html"))
    assert len(pages) > 3000
    over = [(p.relative_to(out).as_posix(), p.stat().st_size) for p in pages if p.stat().st_size > PAGE_BUDGET]
    assert over == []
    seen: set[str] = set()
    for path in out.rglob("*"):
        kind = kind_of(path.relative_to(out).as_posix()) if path.is_file() else None
        if kind is not None:
            seen.add(kind)
            assert path.stat().st_size <= KIND_BUDGETS[kind] * 1024, \
                f"{path.relative_to(out)}: {path.stat().st_size / 1024:.0f} KB, over the {kind} budget"
    assert seen == set(KIND_BUDGETS), f"no file of kind {set(KIND_BUDGETS) - seen}: the budgets check nothing there"
    for p in pages:
        rel = p.relative_to(out).as_posix()
        if rel.startswith(("incidents/", "reports/", "sources/", "entities/")) and "/page/" not in rel \
                and rel.count("/") == 2:
            continue  # an item's own page, not a list
        soup = BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
        for listing in soup.select(".item-list, .compact-list"):
            assert len(listing.find_all("li", recursive=False)) <= 50, rel
        assert len(soup.select("table.data-table tbody tr")) <= 50 or rel.startswith("statistics/"), rel
        assert len(soup.select(".terms-table tbody tr")) <= 50, rel
        assert len(soup.select(".corrections-list > li")) <= 50, rel
        assert len(soup.select(".map-places > li")) <= 50, rel
