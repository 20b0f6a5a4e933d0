"""Page order and balance, measured in Chromium at 390 and 1280 px.

An incident page: on a phone the people and places and the location map come before the sources and
"Cite this"; on a desktop the side column keeps going as far as the story's sources (no empty column
below the facts panel). The home page: the incidents and the side column (figures, map, reports) end
near each other. A date with its time never breaks across lines. A body table scrolls in its box on a
phone, the page does not.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest
from conftest import SiteHandler, build_site
from helpers import write_site

pytestmark = pytest.mark.browser

INCIDENT = "incidents/ciudad-juarez-detention-centre-fire/"
REPORT = "reports/deaths-in-migrant-detention/"


def top(page, selector: str) -> float:
    rect = page.locator(selector).first.bounding_box()
    assert rect is not None, f"{selector} is not shown"
    return rect["y"]


def test_on_a_phone_people_and_places_come_before_sources_and_cite(open_page, site_server):
    page, watch = open_page(390)
    page.goto(site_server.url(INCIDENT))
    people, where = top(page, "#entities"), top(page, ".location-map")
    sources, cite = top(page, "#sources"), top(page, "#cite_this")
    assert people < sources and where < sources, (people, where, sources)
    assert people < cite and where < cite
    watch.assert_clean(INCIDENT)


# The lowest bottom edge of what sits in each column of an article, at the page's scroll top.
COLUMNS = """() => {
  const story = document.querySelector('main .story').getBoundingClientRect();
  let main = 0, side = 0;
  for (const el of document.querySelectorAll('main article > *')) {
    const r = el.getBoundingClientRect();
    if (!r.height) continue;
    if (r.left >= story.right) side = Math.max(side, r.bottom + scrollY);
    else main = Math.max(main, r.bottom + scrollY);
  }
  return {main, side};
}"""


@pytest.mark.parametrize("path", [INCIDENT, REPORT], ids=["incident", "report"])
def test_on_a_desktop_the_side_column_is_not_empty_below_the_facts(open_page, site_server, path):
    page, watch = open_page(1280)
    page.goto(site_server.url(path))
    cols = page.evaluate(COLUMNS)
    assert cols["side"] > 1800, f"the side column ends at {cols['side']:.0f}px: {cols}"
    # What is left empty beside the story's end is less than a screen.
    assert cols["main"] - cols["side"] < 800, cols
    watch.assert_clean(path)


HOME_COLUMNS = """() => {
  const bottom = s => document.querySelector(s).getBoundingClientRect().bottom + scrollY;
  return {incidents: bottom('.latest-incidents'), side: bottom('.home-side')};
}"""


def test_the_home_columns_end_near_each_other_on_the_example(open_page, site_server):
    page, watch = open_page(1280)
    page.goto(site_server.url(""))
    cols = page.evaluate(HOME_COLUMNS)
    assert abs(cols["incidents"] - cols["side"]) < 400, cols
    watch.assert_clean("home")


SITE = "title: Busy desk\nbase_url: https://example.org/\ndescription: Many incidents, many reports.\n"


def busy_files() -> dict[str, str]:
    words = "guards left the building as the fire spread through the cells and the yard".split()
    files = {}
    for n in range(14):
        summary = " ".join(words[: 6 + (n * 5) % len(words)]).capitalize() + "."
        files[f"content/incidents/i{n}.md"] = (
            f"---\ntitle: Incident number {n} at the crossing near the river\n"
            f"date: 2024-03-{n + 1:02d}T0{n % 10}:50:00Z\n"
            f"summary: {summary}\nlocation: {{place: Town {n}, country: Mexico, lat: {20 + n}, lon: -100}}\n"
            f"figures: {{killed: {n}, injured: {n * 2}}}\n---\nBody.\n")
        files[f"content/reports/r{n}.md"] = (
            f"---\ntitle: A long report on the crossings, part {n}, with its findings\ndate: 2024-04-{n + 1:02d}\n"
            f"summary: {summary} {summary} {summary}\n---\nBody.\n")
    return files


@pytest.fixture(scope="module")
def busy_site(tmp_path_factory) -> Iterator[str]:
    site = write_site(tmp_path_factory.mktemp("busy") / "site", busy_files(), site_yaml=SITE)
    out = build_site(site, site / "output")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SiteHandler, root=out, prefix="/"))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_the_home_columns_end_near_each_other_with_many_reports(open_page, busy_site):
    page, watch = open_page(1280)
    page.goto(busy_site)
    cols = page.evaluate(HOME_COLUMNS)
    assert abs(cols["incidents"] - cols["side"]) < 400, cols
    assert page.locator(".latest-reports .item").count() >= 1
    assert page.locator(".latest-reports .more-link a").count() == 1  # the others one click away
    watch.assert_clean("home")


@pytest.mark.parametrize("path", ["", "incidents/", "incidents/i3/", "table/"])
def test_a_date_and_its_time_stay_on_one_line_on_a_phone(open_page, busy_site, path):
    page, watch = open_page(390)
    page.goto(busy_site + path)
    broken = page.evaluate("""() => [...document.querySelectorAll('main time')]
      .filter(t => t.dateTime.includes('T') && t.checkVisibility())
      .filter(t => { const r = t.getClientRects(); return r.length > 1 && r[0].top !== r[r.length - 1].top; })
      .map(t => t.textContent)""")
    assert not broken, f"/{path} breaks a date from its time: {broken[:3]}"
    watch.assert_clean(path)


def test_a_body_table_scrolls_in_its_box_on_a_phone(open_page, site_server):
    page, watch = open_page(390)
    page.goto(site_server.url(REPORT))
    wrap = page.locator(".prose .table-wrap").first
    assert wrap.evaluate("w => getComputedStyle(w).overflowX") == "auto"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # not innerWidth: it widens
    watch.assert_clean("report")


def test_on_a_phone_only_the_incidents_table_scrolls_not_the_page(open_page, site_server):
    # A cell's visually hidden label is absolutely positioned: unless the table's box contains it, it
    # escapes the box's scrolling and widens the whole page (957 px at 390 on the example site).
    page, watch = open_page(390)
    page.goto(site_server.url("table/"))
    assert page.locator(".table-wrap .visually-hidden").count() > 0
    # Against the screen's 390 px: a phone's layout viewport (innerWidth) widens to hold what overflows.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    watch.assert_clean("table")


def test_the_feed_link_is_small_sans_serif_and_not_underlined(open_page, site_server):
    page, watch = open_page(1280)
    page.goto(site_server.url("incidents/"))
    link = page.locator("main .feed-link a")
    style = link.evaluate("""a => { const s = getComputedStyle(a);
      return {family: s.fontFamily, line: s.textDecorationLine, size: parseFloat(s.fontSize)}; }""")
    assert "serif" not in style["family"].replace("sans-serif", ""), style
    assert style["line"] == "none", style
    assert 12 <= style["size"] <= 16, style
    watch.assert_clean("incidents")


def test_printed_an_incident_is_one_column_in_reading_order(open_page, site_server):
    page, watch = open_page(1280)
    page.emulate_media(media="print")
    page.goto(site_server.url(INCIDENT))
    boxes = page.evaluate("""() => ['.page-header', '.facts-panel', '.facts-more', '.story', '.story-more',
        '.story-end', '.cite-this'].map(s => { const r = document.querySelector('main ' + s).getBoundingClientRect();
        return [s, r.left, r.top, r.bottom]; })""")
    lefts = {round(left) for _, left, _, _ in boxes}
    assert len(lefts) == 1, f"printed, the parts do not share one column: {boxes}"
    for (name, _, _, bottom), (following, _, top, _) in zip(boxes, boxes[1:], strict=False):
        assert bottom <= top + 1, f"printed, {name} overlaps {following}: {boxes}"
    assert not page.locator("header .site-nav").is_visible()
    watch.assert_clean("print")
