"""The incidents' views read on a phone and a desktop: the incidents list starts within the first
screen at 390 x 844 (its filters folded away), the table shows every column or says it scrolls and
sorts from its headers, and no chart text is drawn smaller than 12 px on a phone.

The example site serves the list and the charts; the table is tried on a small site written here
with six figures and long names, as wide as a large site's table.
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

PHONE = {"width": 390, "height": 844}


def test_the_first_incident_of_the_list_is_on_the_first_screen_of_a_phone(open_page, site_server):
    page, watch = open_page(390)
    page.goto(site_server.url("incidents/"))
    first = page.locator(".item-list > li").first.bounding_box()
    assert first is not None and first["y"] < PHONE["height"] - 40, \
        f"the first incident starts {first and first['y']:.0f}px down, below the first screen"
    # The filters are still there, one tap away.
    summary = page.locator(".filter-bar > summary")
    summary.click()
    assert page.locator(".filter-bar .filter-list a").first.is_visible()
    watch.assert_clean("incidents at 390px")


def test_the_filters_are_open_beside_the_list_on_a_desktop(open_page, site_server):
    page, watch = open_page(1280)
    page.goto(site_server.url("incidents/"))
    assert page.locator(".filter-bar .filter-list a").first.is_visible()
    watch.assert_clean("incidents at 1280px")


FIGURES = ("killed", "injured", "missing", "detained", "arrested", "displaced")
WIDE_SITE = "title: Wide table\nbase_url: https://example.org/\nper_page: 20\n"


def wide_incident(n: int) -> str:
    # The corpus's widest rows: six figures (killed written last), dates with a time, long titles and places.
    figures = ", ".join(f"{key}: {n * 37 + i}" for i, key in enumerate(reversed(FIGURES)))
    return (f"---\ntitle: Landslide at the checkpoint in Santiago de los Caballeros number {n}\n"
            f"date: 2024-11-{n + 10:02d}T22:55:00Z\nlocation:\n  place: Santiago de los Caballeros\n"
            f"  country: Democratic Republic of the Congo\nfigures: {{{figures}}}\n---\nBody {n}.\n")


@pytest.fixture(scope="module")
def wide_table(tmp_path_factory) -> Iterator[str]:
    """The wide site, built and served on the loopback; yields its base URL."""
    site = write_site(tmp_path_factory.mktemp("wide") / "site",
                      {f"content/incidents/i{n}.md": wide_incident(n) for n in range(12)}, site_yaml=WIDE_SITE)
    out = build_site(site, site / "output")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(SiteHandler, root=out, prefix="/"))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def open_file(chromium, base: str, path: str, width: int):
    context = chromium.new_context(viewport={"width": width, "height": 844 if width < 600 else 800},
                                   device_scale_factor=1, is_mobile=width < 600, has_touch=width < 600)
    page = context.new_page()
    page.goto(base + path + "/")
    return context, page


def test_every_column_of_the_table_fits_a_desktop(chromium, wide_table):
    context, page = open_file(chromium, wide_table, "table", 1280)
    try:
        killed = page.locator("table.data-table thead th", has_text="Killed")
        rect, wrap = killed.bounding_box(), page.locator(".table-wrap").bounding_box()
        assert rect is not None and wrap is not None
        assert rect["x"] + rect["width"] <= min(1280, wrap["x"] + wrap["width"]) + 1, (rect, wrap)
        assert page.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
        assert page.evaluate("() => { const w = document.querySelector('.table-wrap');"
                             " return w.scrollWidth <= w.clientWidth; }"), "the table scrolls at 1280px"
    finally:
        context.close()


def test_on_a_phone_the_title_column_stays_and_the_table_says_it_scrolls(chromium, wide_table):
    context, page = open_file(chromium, wide_table, "table", 390)
    try:
        title = page.locator("table.data-table tbody th[scope=row]").first
        box = title.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        # Titles wrap between words: the cell is as wide as its longest word, nothing cut or hidden.
        assert title.evaluate("e => e.scrollWidth <= e.clientWidth")
        assert title.evaluate("e => getComputedStyle(e).wordBreak") != "break-all"
        page.locator(".table-wrap").evaluate("w => { w.scrollLeft = w.scrollWidth; }")
        moved = title.bounding_box()
        assert moved is not None and abs(moved["x"] - box["x"]) < 1, "the title column scrolled away"
        cue = page.locator(".table-cue")
        assert cue.is_visible() and "scroll" in cue.inner_text().lower()
        # Only the table scrolls: the page itself does not (a cell's hidden label, absolutely
        # positioned, once escaped the table's box and made the whole page 957 px wide).
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_the_table_sorts_from_its_column_headers(chromium, wide_table):
    context, page = open_file(chromium, wide_table, "table", 1280)
    try:
        date = page.locator("table.data-table thead th", has_text="Date")
        assert date.get_attribute("aria-sort") == "descending"
        page.locator("table.data-table thead th", has_text="Killed").locator("a").click()
        assert page.url == wide_table + "table/by-killed/"
        killed = page.locator("table.data-table thead th", has_text="Killed")
        assert killed.get_attribute("aria-sort") == "descending"
        assert page.locator("table.data-table thead th[aria-sort]").count() == 1
    finally:
        context.close()


# The drawn size of each visible chart text: its font size times the scale its SVG is drawn at.
CHART_TEXT_SIZES = """() => [...document.querySelectorAll('svg.chart')].filter(s => s.checkVisibility())
  .flatMap(svg => { const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return [...svg.querySelectorAll('text')].map(t => [t.textContent,
      parseFloat(getComputedStyle(t).fontSize) * scale]); })"""


@pytest.mark.parametrize("path", ["statistics/", "timeline/"])
def test_no_chart_text_is_under_12px_on_a_phone(open_page, site_server, path):
    page, watch = open_page(390)
    page.goto(site_server.url(path))
    sizes = page.evaluate(CHART_TEXT_SIZES)
    assert sizes, f"no chart is shown on /{path} at 390px"
    small = [(text, round(size, 1)) for text, size in sizes if size < 12]
    assert not small, f"/{path} at 390px draws chart text under 12px: {small[:5]}"
    watch.assert_clean(f"{path} at 390px")
