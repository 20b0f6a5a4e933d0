"""The default theme's layout, in headless Chromium at phone (390 px) and desktop (1280 px) widths.

On one page of every kind: no horizontal scroll, a compact header on a phone (at most 64 px,
with the search form and the menu behind a no-JavaScript "Menu" disclosure), and every link
and button big enough or far enough from the next one (axe-core's ``target-size`` rule, WCAG
2.2's 2.5.8). On the incident and entity pages: the facts panel beside the story on a desktop
and above it on a phone. Claims are statements, never quotations; a citation marker follows its
word without a space; a corrected incident opens with a correction banner that links to its
entry in the page's updates and to the corrections log, and marks the figures it changed; a
source title in another language carries ``lang``; a fictional incident says so by its title.

Screenshots of the home, an incident and an entity page at both widths go to
test-artifacts/screenshots/ (ignored by git).
"""

from __future__ import annotations

import functools
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from helpers import docket, write_site
from playwright.sync_api import expect
from test_a11y import describe

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]

INCIDENT = "incidents/ciudad-juarez-detention-centre-fire/"
CORRECTED = "incidents/ciudad-juarez-riverbank-camp-eviction/"  # its updates hold a correction
FICTIONAL = CORRECTED
ENTITY = "entities/instituto-nacional-de-migracion/"

# One page of every kind the example site has.
PAGES = {
    "home": "",
    "incident": INCIDENT,
    "incident-corrected": CORRECTED,
    "report": "reports/deaths-in-migrant-detention/",
    "source": "sources/ap-open-letter/",
    "entity": ENTITY,
    "entity-person": "entities/andres-manuel-lopez-obrador/",
    "tag": "tags/migration/",
    "place": "places/ciudad-juarez-mexico/",
    "country": "countries/mexico/",
    "year": "years/2023/",
    "publisher": "publishers/associated-press/",
    "incidents": "incidents/",
    "reports": "reports/",
    "sources": "sources/",
    "entities": "entities/",
    "tags": "tags/",
    "countries": "countries/",
    "places": "places/",
    "years": "years/",
    "publishers": "publishers/",
    "table": "table/",
    "timeline": "timeline/",
    "timeline-year": "timeline/2023/",
    "map": "map/",
    "statistics": "statistics/",
    "search": "search/",
    "corrections": "corrections/",
    "data": "data/",
    "about": "about/",
    "404": "this-page-does-not-exist/",
}

SCREENSHOT_PAGES = {"home": "", "incident": INCIDENT, "entity": ENTITY}

HEADER_MAX = 64  # px, at 390 px wide: a phone keeps its screen for the page

AXE_TARGET_SIZE = ("async () => await axe.run(document, "
                   "{runOnly: {type: 'rule', values: ['target-size']}, resultTypes: ['violations']})")


def goto(page, watch, server, path: str) -> None:
    status = 404 if path == PAGES["404"] else 200
    if status == 404:
        watch.allow_failed_load(server.url(path))
    response = page.goto(server.url(path))
    assert response is not None and response.status == status, \
        f"/{path} answered {response and response.status}, expected {status}"
    page.wait_for_load_state("load")


def box(page, selector: str) -> dict:
    found = page.locator(selector).first
    expect(found).to_be_visible()
    rect = found.bounding_box()
    assert rect is not None, selector
    return rect


# --------------------------------------------------------------------------- every page


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_horizontal_scroll_and_a_compact_header(open_page, site_server, name, width):
    page, watch = open_page(width)
    goto(page, watch, site_server, PAGES[name])
    sizes = page.evaluate("() => ({scroll: document.documentElement.scrollWidth, inner: innerWidth})")
    assert sizes["scroll"] <= sizes["inner"], f"{name} scrolls sideways at {width}px: {sizes}"
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.checkVisibility() && e.getBoundingClientRect().right > innerWidth + 1)
        .filter(e => !e.closest('.table-wrap, .visually-hidden'))
        .slice(0, 5).map(e => e.tagName + '.' + e.className)""")
    assert not wide, f"{name} at {width}px: elements reach past the right edge: {wide}"
    header = box(page, "header.site-header")
    if width == 390:
        assert header["height"] <= HEADER_MAX, f"{name}: the header is {header['height']:.0f}px tall at 390px"
    # A search form in the header of every page, labelled, sending q to the search page.
    form = page.locator("header.site-header form[role=search]:visible")
    if width == 390:
        expect(form).to_have_count(0)  # behind the menu until it is opened
        page.locator("header .site-menu > summary").click()
    expect(form).to_have_count(1)
    search = form.locator("input[type=search][name=q]")
    expect(search).to_be_visible()
    assert search.evaluate("i => i.labels.length") == 1
    action = form.get_attribute("action") or ""
    assert site_server.site_path(page.evaluate("a => new URL(a, location.href).href", action)) == "search/"
    watch.assert_clean(f"{name} at {width}px")


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
@pytest.mark.parametrize("name", list(PAGES))
def test_targets_are_big_enough_or_far_enough_apart(open_page, site_server, axe_js, name, width):
    page, watch = open_page(width)
    goto(page, watch, site_server, PAGES[name])
    page.add_script_tag(path=str(axe_js))
    violations = page.evaluate(AXE_TARGET_SIZE).get("violations", [])
    assert not violations, f"target-size on {name} (/{PAGES[name]}) at {width}px:\n" + describe(violations)
    if width == 390:  # and in the opened menu
        page.locator("header .site-menu > summary").click()
        violations = page.evaluate(AXE_TARGET_SIZE).get("violations", [])
        assert not violations, f"target-size in the open menu on {name}:\n" + describe(violations)


def test_every_index_is_reachable_from_the_header_or_the_footer(open_page, site_server):
    page, watch = open_page(1280)
    goto(page, watch, site_server, "")
    hrefs = page.locator("header.site-header a[href], footer.site-footer a[href]").evaluate_all(
        "els => els.map(a => a.href)")
    reached = {site_server.site_path(h) for h in hrefs if h.startswith(site_server.base)}
    wanted = {"incidents/", "timeline/", "map/", "statistics/", "reports/", "sources/", "entities/", "tags/",
              "countries/", "places/", "years/", "publishers/", "corrections/", "data/", "search/"}
    assert wanted <= reached, f"not linked from the header or footer: {sorted(wanted - reached)}"


# --------------------------------------------------------------------------- article layout


@pytest.mark.parametrize("path", [INCIDENT, ENTITY], ids=["incident", "entity"])
def test_facts_panel_beside_the_story_on_a_desktop_above_it_on_a_phone(open_page, site_server, path):
    page, watch = open_page(1280)
    goto(page, watch, site_server, path)
    panel, story = box(page, "main .facts-panel"), box(page, "main .story")
    assert panel["x"] >= story["x"] + story["width"], f"desktop: the panel is not beside the story: {panel} {story}"
    assert panel["y"] < story["y"] + story["height"] and story["y"] < panel["y"] + panel["height"], \
        "desktop: the panel and the story do not sit side by side"
    measure = story["width"] / 16
    assert 34 <= measure <= 44, f"desktop: the reading column is {measure:.1f}rem wide"
    page, watch = open_page(390)
    goto(page, watch, site_server, path)
    panel, story = box(page, "main .facts-panel"), box(page, "main .story")
    assert panel["y"] + panel["height"] <= story["y"] + 1, f"phone: the panel is not above the story: {panel} {story}"
    assert abs(panel["width"] - story["width"]) < 24, "phone: the panel does not take the column's width"
    watch.assert_clean(path)


def test_incident_facts_panel_has_the_facts(open_page, site_server):
    page, watch = open_page(1280)
    goto(page, watch, site_server, INCIDENT)
    panel = page.locator("main .facts-panel").first
    for label in ("Date", "Place", "Status", "Sources", "Last updated"):
        expect(panel.locator("dt", has_text=re.compile(f"^{label}$"))).to_have_count(1)
    hrefs = {site_server.site_path(h) for h in panel.locator("a[href]").evaluate_all("els => els.map(a => a.href)")}
    assert {"places/ciudad-juarez-mexico/", "countries/mexico/"} <= hrefs, hrefs
    expect(panel.locator("#figures dd").first).to_be_visible()
    expect(page.locator("main .facts-more svg.map")).to_have_count(1)


# --------------------------------------------------------------------------- claims and citations


def test_claims_are_statements_not_quotations(open_page, site_server):
    page, watch = open_page(1280)
    goto(page, watch, site_server, INCIDENT)
    claims = page.locator("#claims .claim")
    assert claims.count() == 2
    expect(page.locator("#claims blockquote, #claims q, #claims figure")).to_have_count(0)
    texts = [" ".join(t.split()) for t in claims.locator(".claim-statement").all_inner_texts()]
    assert texts[0].startswith("Andrés Manuel López Obrador said, 28 March 2023: Migrants inside"), texts[0]
    assert texts[1].startswith("Unattributed claim, 28 March 2023: Guards let"), texts[1]
    assert [" ".join(t.split()) for t in claims.locator(".claim-status").all_inner_texts()] == [
        "Status: disputed", "Status: supported"]
    page, watch = open_page(1280)
    goto(page, watch, site_server, "entities/andres-manuel-lopez-obrador/")
    expect(page.locator("main blockquote")).to_have_count(0)
    expect(page.locator("main .claim-statement", has_text="sleeping mats")).to_have_count(1)


def test_citation_markers_follow_their_word(open_page, site_server):
    page, watch = open_page(1280)
    goto(page, watch, site_server, INCIDENT)
    before = page.locator(".prose sup.cite").evaluate_all("""els => els.map(sup => {
        const prev = sup.previousSibling;
        return prev ? prev.textContent.slice(-12) : '';
    })""")
    assert before, "no citation in the body"
    assert all(text and not text[-1].isspace() for text in before), before
    # "starts[1]" on screen: the marker begins where the word ends.
    gaps = page.locator(".prose sup.cite").evaluate_all("""els => els.map(sup => {
        const range = document.createRange();
        const prev = sup.previousSibling;
        range.setStart(prev, prev.textContent.length - 1);
        range.setEnd(prev, prev.textContent.length);
        return sup.getBoundingClientRect().left - range.getBoundingClientRect().right;
    })""")
    assert all(gap < 3 for gap in gaps), gaps
    # One marker style: sources numbered in brackets, notes lettered in brackets, so they never look alike.
    assert page.locator(".prose sup.cite:not(.cite-note) a").first.inner_text() == "[1]"
    assert page.locator(".prose sup.cite-note a").first.inner_text() == "[a]"
    expect(page.locator(".footnotes ol")).to_have_attribute("type", "a")


# --------------------------------------------------------------------------- corrections and flags


def test_corrected_incident_opens_with_a_correction_banner(open_page, site_server):
    page, watch = open_page(390)
    goto(page, watch, site_server, CORRECTED)
    banner = page.locator("main .correction-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Corrected 10 November 2023:")
    assert box(page, "main .correction-banner")["y"] < box(page, "main .story")["y"], "the banner is not at the top"
    anchor = banner.locator("a[href^='#update_']").first.get_attribute("href")
    entry = page.locator(anchor)
    expect(entry).to_have_class("update-correction")
    expect(entry).to_contain_text("The correct figure is 120")
    log = banner.locator("a", has_text="corrections")
    assert site_server.site_path(log.evaluate("a => a.href")) == "corrections/"


def test_fictional_incident_is_labelled(open_page, site_server):
    page, watch = open_page(390)
    goto(page, watch, site_server, FICTIONAL)
    expect(page.locator("main .page-header .kicker .badge-fictional")).to_have_text("Fictional example")
    expect(page.locator("main .facts-panel .flag-fictional")).to_contain_text("Not counted in the site's totals")


# A small site for what the example does not have: a source in Spanish, a correction that
# changed a figure, an incident the editors left out of the totals.
MINI = {
    "site.yaml": """
        title: Theme test
        base_url: https://example.org/
        language: en
        """,
    "content/sources/incendio.md": """
        ---
        title: Incendio en la estación migratoria
        type: article
        publisher: Diario Ejemplo
        language: es
        ---
        """,
    "content/incidents/fire.md": """
        ---
        title: Fire at the station
        date: 2023-03-27
        location: {place: Ciudad Juárez, country: Mexico}
        figures: {killed: 40, injured: 28}
        sources: [incendio]
        claims:
          - text: Nobody was inside.
            date: 2023-03-28
            status: false
            sources: [incendio]
        updates:
          - date: 2023-03-28
            note: First published.
          - date: 2023-03-30
            type: correction
            note: The death toll was 38, not 40.
            figures: [killed]
        exclude_from_totals: true
        ---
        The fire started at night [@incendio].
        """,
}


@pytest.fixture(scope="module")
def mini_site(tmp_path_factory):
    root = write_site(tmp_path_factory.mktemp("theme-mini"), MINI, site_yaml=None)
    out = root / "out"
    run = docket("build", root, "--output", out, cwd=REPO, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_foreign_language_source_titles_carry_lang(open_page, mini_site):
    page, _ = open_page(1280)
    page.goto(mini_site + "incidents/fire/")
    expect(page.locator("#sources .source-title a")).to_have_attribute("lang", "es")
    expect(page.locator(".claim-sources [lang='es']")).to_have_text("Incendio en la estación migratoria")
    page.goto(mini_site + "sources/incendio/")
    expect(page.locator("main h1")).to_have_attribute("lang", "es")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_corrected_figures_are_marked_and_excluded_incidents_say_so(open_page, mini_site):
    page, _ = open_page(1280)
    page.goto(mini_site + "incidents/fire/")
    killed = page.locator("#figures .figure", has_text="Killed")
    expect(killed).to_have_class("figure figure-corrected")
    mark = killed.locator("a.corrected-mark")
    expect(mark).to_have_text("corrected 30 March 2023")
    expect(page.locator(mark.get_attribute("href") or "#missing")).to_contain_text("The death toll was 38")
    expect(page.locator("#figures .figure", has_text="Injured").locator(".corrected-mark")).to_have_count(0)
    expect(page.locator("main .facts-panel")).to_contain_text("Not counted in the site's totals")
    expect(page.locator("main .correction-banner")).to_contain_text("Corrected 30 March 2023: The death toll was 38")


# --------------------------------------------------------------------------- screenshots


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
@pytest.mark.parametrize("name", list(SCREENSHOT_PAGES))
def test_screenshots(open_page, site_server, screenshot_dir, name, width):
    page, watch = open_page(width)
    goto(page, watch, site_server, SCREENSHOT_PAGES[name])
    page.screenshot(path=str(screenshot_dir / f"theme-{name}-{width}.png"), full_page=True)
    watch.assert_clean(f"{name} at {width}px")
