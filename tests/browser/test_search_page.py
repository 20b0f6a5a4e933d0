"""The search page of the built example site, in headless Chromium.

A word that only one incident uses finds that incident, and its result leads to its page; the
kind filter narrows the results; search/?q=word (where the header's search form sends a reader)
searches at once; without JavaScript the page offers the site's lists instead; the same bundle
works when the site is served at the root of a host (the preview) as well as under the path of
``base_url``; no request leaves loopback; axe-core finds nothing wrong with results showing.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect
from test_a11y import AXE_RUN, describe

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser

WORD = "planks"  # in one incident's text, nowhere else on the site
INCIDENT = "incidents/tecun-uman-river-crossing-deaths/"
COMMON = "shelter"  # in incidents, reports, sources and entities alike
FALLBACK_LISTS = ("incidents/", "sources/", "entities/", "tags/", "countries/", "years/")


def test_the_word_occurs_in_exactly_one_incident():
    content = REPO / "content"
    holders = [p.relative_to(content).as_posix() for p in sorted(content.rglob("*.md"))
               if WORD in p.read_text(encoding="utf-8").lower()]
    assert holders == ["incidents/" + Path(INCIDENT.rstrip("/")).name + ".md"], holders


def open_search(page, server, query: str = ""):
    response = page.goto(server.url("search/") + (f"?q={query}" if query else ""))
    assert response is not None and response.status == 200
    form = page.locator("form[data-search-form]")
    expect(form).to_be_visible()  # shown once Pagefind has loaded
    expect(page.locator("[data-search-fallback]")).to_be_hidden()
    return form


def results(page):
    return page.locator("[data-search-results] > li")


def result_paths(page, server) -> list[str]:
    hrefs = page.locator("[data-search-results] .item-title a").evaluate_all("els => els.map(a => a.href)")
    return [server.site_path(href) for href in hrefs]


def test_a_rare_word_finds_its_incident_and_the_result_leads_there(open_page, site_server):
    page, watch = open_page(1280)
    open_search(page, site_server)
    page.get_by_label(re.compile("^Search incidents")).fill(WORD)
    page.keyboard.press("Enter")
    expect(results(page)).to_have_count(1)
    expect(page.locator("[data-search-status]")).to_have_text(f"1 result for “{WORD}”.")
    assert result_paths(page, site_server) == [INCIDENT]
    first = results(page).first
    expect(first.locator(".item-kind")).to_have_text("Incident")
    expect(first.locator("mark").first).to_have_text(re.compile(WORD, re.I))
    assert parse_qs(urlsplit(page.url).query) == {"q": [WORD]}, "the query is not in the address"
    first.locator(".item-title a").click()
    page.wait_for_url(lambda url: site_server.site_path(url) == INCIDENT)
    expect(page.locator("main h1")).to_contain_text("Tecún Umán")
    watch.assert_clean("searching and following a result")
    fetched = [u for u in watch.requests if "/pagefind/" in u]
    assert any(u.endswith("/pagefind/pagefind.js") for u in fetched), watch.requests
    assert any(".pf_fragment" in u for u in fetched), "the result's fragment was not fetched from the bundle"


def test_the_kind_filter_narrows_the_results(open_page, site_server):
    page, watch = open_page(1280)
    open_search(page, site_server, COMMON)
    expect(results(page).first).to_be_visible()
    kinds = set(page.locator("[data-search-results] .item-kind").all_inner_texts())
    assert {"Incident", "Source"} <= kinds, f"a search for {COMMON!r} should find several kinds: {kinds}"
    everything = results(page).count()
    page.get_by_role("checkbox", name=re.compile(r"^Incident \(\d+\)$")).check()
    expect(page.locator("[data-search-status]")).to_contain_text("(Incident)")
    expect(results(page)).not_to_have_count(everything)
    assert set(page.locator("[data-search-results] .item-kind").all_inner_texts()) == {"Incident"}
    assert parse_qs(urlsplit(page.url).query) == {"q": [COMMON], "kind": ["Incident"]}
    # A filter alone, without words, lists everything of that kind.
    page.get_by_label(re.compile("^Search incidents")).fill("")
    page.keyboard.press("Enter")
    published = json.loads((site_server.root / "data" / "incidents.json").read_text(encoding="utf-8"))["count"]
    expect(results(page)).to_have_count(min(published, 10))
    watch.assert_clean("filtering by kind")


def test_search_in_the_address_runs_at_once(open_page, site_server):
    page, watch = open_page(390)
    open_search(page, site_server, WORD)
    expect(page.get_by_label(re.compile("^Search incidents"))).to_have_value(WORD)
    expect(results(page)).to_have_count(1)
    assert result_paths(page, site_server) == [INCIDENT]
    watch.assert_clean(f"search/?q={WORD}")


def test_without_javascript_the_page_offers_the_lists(chromium, site_server):
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_server.url("search/") + f"?q={WORD}")
        fallback = page.locator("[data-search-fallback]")
        expect(fallback).to_be_visible()
        expect(fallback).to_contain_text("needs JavaScript")
        expect(page.locator("form[data-search-form]")).to_be_hidden()
        hrefs = fallback.locator("a").evaluate_all("els => els.map(a => a.href)")
        assert [site_server.site_path(h) for h in hrefs] == list(FALLBACK_LISTS)
        for href in hrefs:  # each is a page of the site
            assert (site_server.root / site_server.site_path(href) / "index.html").is_file(), href
    finally:
        context.close()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def root_origin(example_site):
    """The same built site served at the root of a host, as the preview serves it: its origin."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(example_site)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_results_resolve_when_the_site_is_served_at_the_root(open_page, root_origin):
    page, watch = open_page(1280)
    page.goto(f"{root_origin}/search/?q={WORD}")
    expect(results(page)).to_have_count(1)
    href = results(page).first.locator(".item-title a").evaluate("a => a.href")
    assert href == f"{root_origin}/{INCIDENT}"
    watch.assert_clean("search at the root of the host")


@pytest.mark.parametrize("width", [390, 1280], ids=["phone", "desktop"])
def test_axe_finds_no_violations_with_results_showing(open_page, site_server, axe_js, width):
    page, watch = open_page(width)
    open_search(page, site_server, COMMON)
    expect(results(page).first).to_be_visible()
    page.locator("details.search-filter").evaluate_all("els => els.forEach(d => d.open = true)")
    page.add_script_tag(path=str(axe_js))
    found = page.evaluate(AXE_RUN)
    violations = found.get("violations", [])
    assert not violations, f"axe-core found {len(violations)} violation(s) on search/ at {width}px:\n" + describe(
        violations)
    watch.assert_clean(f"search/ at {width}px")
