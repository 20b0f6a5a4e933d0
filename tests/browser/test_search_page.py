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
    # The ticked value keeps its count (Pagefind gives no counts without filters for a filter alone).
    expect(page.locator("[data-search-filters] label").filter(has_text=re.compile(r"^Incident \("))).to_have_text(
        f"Incident ({published})")
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


# --------------------------------------------------------------------------- recall, counts, results, form

ENTITY = "instituto-nacional-de-migracion"
# The colour of a link in a paragraph of the page's text.
LINK_COLOUR = """() => {
  const p = document.createElement("p"), a = document.createElement("a");
  a.href = "#"; a.textContent = "x"; p.append(a); document.querySelector("main").append(p);
  const colour = getComputedStyle(a).color; p.remove(); return colour;
}"""


def published_data(server, name: str) -> list[dict]:
    return json.loads((server.root / "data" / f"{name}.json").read_text(encoding="utf-8"))[name]


def test_an_entity_name_finds_the_incidents_that_name_it_after_its_own_page(open_page, site_server):
    entity = next(e for e in published_data(site_server, "entities") if e["id"] == ENTITY)
    naming = {f"incidents/{slug}/" for slug in entity["incidents"]}
    assert len(naming) >= 2, naming
    page, watch = open_page(1280)
    open_search(page, site_server, entity["name"].replace(" ", "+"))
    expect(results(page).first).to_be_visible()
    found = result_paths(page, site_server)
    assert found[0] == f"entities/{ENTITY}/", found
    assert naming <= set(found), f"incidents naming {entity['name']} not found: {naming - set(found)}"
    # The names that found an incident are not its excerpt: each shows its own text.
    for excerpt in page.locator("[data-search-results] .search-excerpt").all_inner_texts():
        assert "Instituto" not in excerpt and not excerpt.startswith(entity["name"]), excerpt
    watch.assert_clean("an entity's name as a query")


def test_places_countries_and_tags_are_found_and_filtered_by_kind(open_page, site_server):
    page, watch = open_page(1280)
    open_search(page, site_server, "Mexico")
    expect(results(page).first).to_be_visible()
    assert "countries/mexico/" in result_paths(page, site_server)
    for kind in ("Country", "Place"):
        expect(page.get_by_role("checkbox", name=re.compile(rf"^{kind} \(\d+\)$"))).to_have_count(1)
    watch.assert_clean("a country's name as a query")


def kind_count(page, kind: str) -> int:
    label = page.locator("[data-search-filters] label").filter(has_text=re.compile(rf"^{kind} \(")).inner_text()
    return int(re.search(r"\((\d+)\)", label).group(1))


def test_filter_counts_follow_the_query(open_page, site_server):
    page, watch = open_page(1280)
    open_search(page, site_server)
    published = len(published_data(site_server, "incidents"))
    expect(page.locator("[data-search-filters] label").filter(has_text=re.compile(r"^Incident \("))).to_have_text(
        f"Incident ({published})")  # no query: the site's totals
    page.get_by_label(re.compile("^Search incidents")).fill(WORD)
    page.keyboard.press("Enter")
    expect(page.locator("[data-search-status]")).to_have_text(f"1 result for “{WORD}”.")
    expect(page.locator("[data-search-filters] label").filter(has_text=re.compile(r"^Incident \("))).to_have_text(
        "Incident (1)")
    # A kind the query does not find is not offered.
    expect(page.locator("[data-search-filters] li:visible").filter(has_text=re.compile(r"^Source \("))).to_have_count(0)
    watch.assert_clean("filter counts")


def test_results_are_one_column_of_linked_titles_with_badges_and_a_meta_line(open_page, site_server):
    page, watch = open_page(1280)
    open_search(page, site_server, COMMON)
    expect(results(page).nth(2)).to_be_visible()
    lefts = {round(box["x"]) for box in results(page).evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().toJSON())")}
    assert len(lefts) == 1, f"results are not one column: left edges at {lefts}"
    link = results(page).first.locator(".item-title a")
    assert "underline" in link.evaluate("a => getComputedStyle(a).textDecorationLine")
    assert link.evaluate("a => getComputedStyle(a).color") == page.evaluate(LINK_COLOUR), \
        "a result's title is not in the colour of the page's links"
    incidents = {i["url"].rsplit("/docket/", 1)[-1]: i for i in published_data(site_server, "incidents")}
    seen_fictional = seen_real = False
    for item in results(page).all():
        href = site_server.site_path(item.locator(".item-title a").evaluate("a => a.href"))
        kind = item.locator(".badge.item-kind").inner_text()
        if href not in incidents:
            continue
        record = incidents[href]
        assert kind == "Incident"
        expect(item.locator(f".badge.status-{record['status']}")).to_have_count(1)
        expect(item.locator(".badge-fictional")).to_have_count(1 if record["fictional"] else 0)
        seen_fictional |= record["fictional"]
        seen_real |= not record["fictional"]
        meta = item.locator(".item-meta").inner_text()
        assert record["place"] in meta and re.search(r"\b\d{4}\b", meta), meta
    assert seen_fictional and seen_real, "the query should find real and fictional incidents"
    watch.assert_clean("result badges")


def test_the_form_works_before_the_script_loads(open_page, site_server):
    page, watch = open_page(390)
    page.route(re.compile(r".*/search(\.[0-9a-f]+)?\.js$"), lambda route, request: None)  # never answered
    page.goto(site_server.url("search/"), wait_until="commit")  # the module script holds DOMContentLoaded back
    form = page.locator("form[data-search-form]")
    expect(form).to_be_visible()
    expect(page.locator("[data-search-fallback]")).to_be_hidden()
    page.get_by_label(re.compile("^Search incidents")).fill(WORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: parse_qs(urlsplit(url).query) == {"q": [WORD]}, wait_until="commit")
    assert site_server.site_path(page.url) == "search/"
