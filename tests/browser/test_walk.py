"""Walk the built example site in headless Chromium the way a reader would.

home → the Ciudad Juárez fire → a citation → that source's own page → back to
the incident from the source's "Cited by" list → an entity → a tag → the
corrections log. Every page must log no console error, throw no uncaught
exception and make no request that leaves loopback.

Screenshots of the home, an incident and a source page at phone (390 px) and
desktop (1280 px) widths go to test-artifacts/screenshots/ (ignored by git).
"""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

INCIDENT = "incidents/ciudad-juarez-detention-centre-fire/"
INCIDENT_TITLE = "Fire at the Ciudad Juárez migrant detention centre"
ENTITY = "entities/instituto-nacional-de-migracion/"
TAG = "tags/detention/"
SOURCE_WITH_BODY = "sources/ap-open-letter/"

SCREENSHOT_PAGES = {
    "home": "",
    "incident": INCIDENT,
    "source": SOURCE_WITH_BODY,
}


def link_to(page, site_path: str, within: str = "body"):
    """The first link inside ``within`` whose resolved href is the page at ``site_path``."""
    links = page.locator(f"{within} a[href]")
    # Resolved from the attribute: an SVG map's <a>.href is an object, not a string.
    hrefs = links.evaluate_all("els => els.map(a => new URL(a.getAttribute('href'), document.baseURI).href)")
    for index, href in enumerate(hrefs):
        if urlsplit(href).path.endswith("/" + site_path):
            return links.nth(index)
    raise AssertionError(f"no link to /{site_path} inside {within!r} on {page.url}; links: {hrefs[:40]}")


def follow(page, link, server, expected: str) -> None:
    """Click ``link`` and check that the browser lands on the site path ``expected``."""
    link.scroll_into_view_if_needed()
    link.click()
    page.wait_for_url(lambda url: server.site_path(url) == expected)
    page.wait_for_load_state("load")
    assert server.site_path(page.url) == expected


def h1(page) -> str:
    heading = page.locator("main h1")
    expect(heading).to_have_count(1)
    return heading.inner_text().strip()


def test_server_serves_404_page_for_missing_paths(site_server):
    not_found = (site_server.root / "404.html").read_bytes()
    for url in (site_server.url("no-such-page/"), site_server.url("incidents/nope/"),
                site_server.origin + "/outside-the-base-path"):
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(url, timeout=10)
        assert caught.value.code == 404, url
        assert caught.value.read() == not_found, f"{url} did not get the site's 404.html"
    with urllib.request.urlopen(site_server.url(""), timeout=10) as response:
        assert response.status == 200


def test_reader_walk(open_page, site_server):
    page, watch = open_page(1280)
    visited = []

    def check(where: str) -> None:
        visited.append(where)
        watch.assert_clean(f"after visiting {' → '.join(visited)}")

    # Home
    response = page.goto(site_server.url(""))
    assert response is not None and response.status == 200
    assert page.title(), "the home page has no <title>"
    check("home")

    # → the Ciudad Juárez fire
    follow(page, link_to(page, INCIDENT, "main"), site_server, INCIDENT)
    assert h1(page) == INCIDENT_TITLE
    check("incident")

    # → its first citation
    cite = page.locator("sup.cite:not(.cite-note) a").first  # a source's number, not a note's [a]
    expect(cite).to_be_visible()
    fragment = cite.get_attribute("href") or ""
    assert fragment.startswith("#source-"), f"citation links to {fragment!r}, not #source-<id>"
    source_id = fragment[len("#source-"):]
    number = int(cite.inner_text().strip().strip("[]"))
    cite.click()
    page.wait_for_function("h => location.hash === h", arg=fragment)
    assert urlsplit(page.url).fragment == f"source-{source_id}"
    entry = page.locator(f"[id='source-{source_id}']")
    expect(entry).to_have_count(1)
    expect(entry).to_be_in_viewport()
    shown = entry.evaluate(
        """e => {
            if (e.tagName !== 'LI' || e.parentElement.tagName !== 'OL') return null;
            if (e.hasAttribute('value')) return e.value;
            const list = e.parentElement;
            const start = list.hasAttribute('start') ? list.start : 1;
            return start + Array.from(list.children).indexOf(e);
        }"""
    )
    assert shown == number, (f"citation [{number}] lands on #source-{source_id}, "
                             f"which is entry {shown} of the sources list")
    check("citation")

    # → the source's own page
    source_path = f"sources/{source_id}/"
    follow(page, link_to(page, source_path, f"[id='source-{source_id}']"), site_server, source_path)
    assert h1(page), "the source page has no heading"
    check("source")

    # → back to the incident from the "Cited by" list
    cited_by = page.get_by_role("heading", name="Cited by")
    expect(cited_by).to_have_count(1)
    section = cited_by.locator("xpath=ancestor::*[self::section or self::aside or self::div][1]")
    section_id = section.get_attribute("id")
    within = f"[id='{section_id}']" if section_id else "main"
    follow(page, link_to(page, INCIDENT, within), site_server, INCIDENT)
    assert h1(page) == INCIDENT_TITLE
    check("incident via Cited by")

    # → an entity, then back to the incident
    follow(page, link_to(page, ENTITY, "main"), site_server, ENTITY)
    entity_name = h1(page)
    assert entity_name, "the entity page has no heading"
    assert page.locator(f"main a[href$='{INCIDENT}']").count() >= 1, \
        f"{entity_name}'s page does not list the incident"
    check("entity")
    page.go_back()
    page.wait_for_url(lambda url: site_server.site_path(url) == INCIDENT)

    # → a tag
    follow(page, link_to(page, TAG, "main"), site_server, TAG)
    assert h1(page)
    assert page.locator(f"main a[href$='{INCIDENT}']").count() >= 1, "the tag page does not list the incident"
    check("tag")

    # → the corrections log, from the header navigation (or the footer)
    for where in ("header nav", "footer"):
        if page.locator(f"{where} a[href$='corrections/']").count():
            follow(page, link_to(page, "corrections/", where), site_server, "corrections/")
            break
    else:
        raise AssertionError("neither the navigation nor the footer links to the corrections log")
    assert h1(page)
    check("corrections")

    local = [u for u in watch.requests if urlsplit(u).scheme in {"http", "https"}]
    assert local, "the walk made no requests at all?"


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
@pytest.mark.parametrize("name", list(SCREENSHOT_PAGES))
def test_screenshot_and_no_horizontal_scroll(open_page, site_server, screenshot_dir, name, width):
    page, watch = open_page(width)
    response = page.goto(site_server.url(SCREENSHOT_PAGES[name]))
    assert response is not None and response.status == 200
    page.wait_for_load_state("load")
    page.evaluate("document.fonts ? document.fonts.ready.then(() => true) : true")
    page.screenshot(path=str(screenshot_dir / f"{name}-{width}.png"), full_page=True)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if width == 390:
        wide = page.evaluate(
            """w => Array.from(document.querySelectorAll('body *'))
                   .filter(e => e.getBoundingClientRect().right > w + 1)
                   .slice(0, 10)
                   .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                             + (e.className && typeof e.className === 'string'
                                ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
                             + ' right=' + Math.round(e.getBoundingClientRect().right))""",
            width,
        )
        assert scroll_width <= width, (f"{name} scrolls sideways at {width}px: scrollWidth {scroll_width}; "
                                       f"elements past the right edge: {wide}")
    watch.assert_clean(f"{name} at {width}px")


def test_watch_catches_console_errors_and_off_loopback_requests(open_page, site_server):
    """The gate is not vacuous: a page that logs an error, throws, and asks for an
    off-machine resource is caught on all three counts, and the request is aborted
    before it leaves (".invalid" never resolves either)."""
    page, watch = open_page(1280)
    page.goto(site_server.url(""))
    page.evaluate("""() => {
        console.error('deliberate test error');
        setTimeout(() => { throw new Error('deliberate uncaught error'); }, 0);
        const img = document.createElement('img');
        img.src = 'http://offsite.invalid/pixel.png';
        img.alt = '';
        document.body.append(img);
    }""")
    page.wait_for_timeout(300)
    problems = "\n".join(watch.problems())
    assert "deliberate test error" in problems
    assert "deliberate uncaught error" in problems
    assert "http://offsite.invalid/pixel.png" in problems
