"""The cross-linked site: backlinks, taxonomies, related incidents, drafts and embargoes.

Small newsrooms are written inline and built with the real CLI (and, where
time matters, with ``build(now=...)`` so no test depends on the clock); the
built pages are parsed with BeautifulSoup and their links resolved to files.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers import build_ok, docket, main_content, page, resolve_href, snapshot, write_site

from generator.build import build

NEWSROOM = {
    "content/incidents/fire.md": """
        ---
        title: Fire at the detention centre
        date: 2023-03-27
        tags: [migration, detention]
        location: {place: Ciudad Juárez, country: Mexico}
        entities: [inm, andres-manuel-lopez-obrador]
        sources:
          - id: cctv
            title: CCTV footage
            type: video
            publisher: Univision
          - id: letter
        claims:
          - text: The migrants started the fire themselves.
            by: andres-manuel-lopez-obrador
            status: disputed
            sources: [letter]
        ---
        The fire began at night [@cctv].
        """,
    "content/incidents/raid.md": """
        ---
        title: Raid on the shelter
        date: 2023-02-10
        tags: [migration]
        location: {place: San Juan, country: Mexico}
        entities: [inm]
        sources: [letter]
        ---
        The raid was filmed too [@cctv].
        """,
    "content/incidents/crossing.md": """
        ---
        title: Deaths at the river crossing
        date: 2022-11-05
        tags: [river]
        location: {place: San Juan, country: Argentina}
        claims:
          - text: No one was detained at the crossing.
            by: inm
            status: "false"
        ---
        Body.
        """,
    "content/incidents/secret.md": """
        ---
        title: Zebra draft incident
        date: 2023-03-29
        draft: true
        tags: [migration, zebratag]
        location: {place: Zebraville, country: Zebraland}
        entities: [inm, zebra-person]
        sources:
          - id: letter
          - id: zebra-memo
            title: Zebra leaked memo
            publisher: Zebra Press
        claims:
          - text: Zebra claim that must stay hidden.
            by: inm
        ---
        Draft body [@cctv].
        """,
    "content/incidents/later.md": """
        ---
        title: Zebra embargoed incident
        date: 2023-03-30
        publish_after: 2999-01-01T00:00:00Z
        tags: [migration]
        entities: [inm]
        sources: [letter]
        ---
        Embargoed body.
        """,
    "content/sources/letter.md": """
        ---
        title: AP open letter
        type: document
        publisher: Associated Press
        ---
        The letter.
        """,
    "content/entities/inm.md": """
        ---
        name: Instituto Nacional de Migración
        kind: organisation
        ---
        """,
    "content/reports/review.md": """
        ---
        title: Review of the year
        date: 2023-12-01
        incidents: [fire, raid]
        sources: [letter]
        tags: [migration]
        ---
        A review.
        """,
    "content/reports/footage.md": """
        ---
        title: What the footage shows
        date: 2023-12-05
        ---
        Only the body cites it [@cctv].
        """,
    "content/reports/zebra-report.md": """
        ---
        title: Zebra draft report
        date: 2023-12-06
        draft: true
        incidents: [fire]
        sources: [letter]
        tags: [migration]
        ---
        Draft report.
        """,
}


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory) -> Path:
    site = write_site(tmp_path_factory.mktemp("newsroom"), NEWSROOM)
    build_ok(site)
    return site


def site_path_of(output: Path, file: Path) -> str:
    rel = file.relative_to(output.resolve()).as_posix()
    return rel[: -len("index.html")] if rel.endswith("index.html") else rel


def links(site: Path, page_path: str, within: str | None = None, *, output: Path | None = None) -> set[str]:
    """Site paths of the internal pages linked from a page's main content (or from one element id in it)."""
    output = output or site / "output"
    soup = page(output, page_path)
    scope = main_content(soup)
    if within is not None:
        scope = soup.find(id=within)
        assert scope is not None, f"no #{within} on {page_path}"
    out = set()
    for a in scope.find_all("a", href=True):
        href = a["href"]
        if href.startswith(("#", "http://", "https://", "mailto:")):
            continue
        target = _resolve_in(output, page_path, href)
        assert target.is_file(), f"{page_path}: broken link {href}"
        out.add(site_path_of(output, target))
    return out


def _resolve_in(output: Path, page_path: str, href: str) -> Path:
    """The file a link on the page at ``page_path`` points to (the base path is "/" in these sites)."""
    href = href.split("#", 1)[0]
    if href.startswith("/"):
        here, href = output, href.lstrip("/")
    else:
        here = (output / page_path) if page_path.endswith("/") or page_path == "" else (output / page_path).parent
    target = (here / href).resolve()
    return target / "index.html" if target.is_dir() else target


def incidents_in(paths: set[str]) -> set[str]:
    return {p.split("/")[1] for p in paths if p.startswith("incidents/") and p.count("/") == 2}


def reports_in(paths: set[str]) -> set[str]:
    return {p.split("/")[1] for p in paths if p.startswith("reports/") and p.count("/") == 2}


def text(element) -> str:
    return " ".join(element.get_text(" ", strip=True).split())


# ---------------------------------------------------------------------------
# Backlinks


def test_source_page_lists_every_incident_and_report_citing_it(newsroom):
    letter = links(newsroom, "sources/letter/")
    # fire: '- id: letter' and a claim; raid: 'sources: [letter]'; review: report 'sources'.
    assert incidents_in(letter) == {"fire", "raid"}
    assert reports_in(letter) == {"review"}
    cctv = links(newsroom, "sources/cctv/")
    # fire defines it inline; raid and the footage report cite it only in their bodies.
    assert incidents_in(cctv) == {"fire", "raid"}
    assert reports_in(cctv) == {"footage"}


def test_source_file_cited_from_two_incidents_has_one_page(newsroom):
    out = newsroom / "output"
    assert (out / "sources/letter/index.html").is_file()
    assert sorted(p.parent.name for p in out.glob("sources/*/index.html")).count("letter") == 1
    listing = [a for a in main_content(page(out, "sources/")).find_all("a", href=True)
               if resolve_href(newsroom, "sources/", a["href"]) == (out / "sources/letter/index.html").resolve()]
    assert len(listing) == 1, "the sources index lists the letter once"


def test_entity_page_lists_its_incidents_and_claims(newsroom):
    inm = links(newsroom, "entities/inm/")
    assert incidents_in(inm) == {"fire", "raid", "crossing"}  # crossing: a claim made by the INM
    timeline = page(newsroom, "entities/inm/").select_one(".entity-timeline")  # its incidents and claims
    assert timeline is not None
    assert "No one was detained at the crossing." in text(timeline)
    assert "crossing" in incidents_in(links(newsroom, "entities/inm/", "incidents"))  # the timeline holds its claims
    main = main_content(page(newsroom, "entities/inm/"))
    assert text(main.find("h1")) == "Instituto Nacional de Migración"


def test_entity_without_a_file_gets_a_page_titled_from_its_id(newsroom):
    soup = page(newsroom, "entities/andres-manuel-lopez-obrador/")
    assert text(main_content(soup).find("h1")) == "Andres Manuel Lopez Obrador"
    assert incidents_in(links(newsroom, "entities/andres-manuel-lopez-obrador/")) == {"fire"}
    assert "The migrants started the fire themselves." in text(main_content(soup))


def test_claims_appear_on_the_incident_and_link_to_who_made_them(newsroom):
    claims = page(newsroom, "incidents/fire/").find(id="claims")
    assert claims is not None and "The migrants started the fire themselves." in text(claims)
    assert "entities/andres-manuel-lopez-obrador/" in links(newsroom, "incidents/fire/", "claims")


@pytest.mark.parametrize("term_page, expected_incidents, expected_reports", [
    ("tags/migration/", {"fire", "raid"}, {"review"}),
    ("tags/detention/", {"fire"}, set()),
    ("tags/river/", {"crossing"}, set()),
    ("countries/mexico/", {"fire", "raid"}, set()),
    ("countries/argentina/", {"crossing"}, set()),
    ("places/ciudad-juarez-mexico/", {"fire"}, set()),
    ("years/2023/", {"fire", "raid"}, set()),
    ("years/2022/", {"crossing"}, set()),
    ("publishers/associated-press/", {"fire", "raid"}, {"review"}),
    ("publishers/univision/", {"fire", "raid"}, {"footage"}),
])
def test_term_pages_list_their_incidents(newsroom, term_page, expected_incidents, expected_reports):
    found = links(newsroom, term_page)
    assert incidents_in(found) == expected_incidents
    assert reports_in(found) == expected_reports


def test_incident_pages_link_to_their_terms(newsroom):
    fire = links(newsroom, "incidents/fire/")
    assert {"tags/migration/", "tags/detention/", "places/ciudad-juarez-mexico/", "countries/mexico/"} <= fire
    assert {"sources/cctv/", "sources/letter/", "entities/inm/", "entities/andres-manuel-lopez-obrador/"} <= fire


def test_same_place_name_in_two_countries_gets_two_pages(newsroom):
    out = newsroom / "output"
    by_incident = {}
    for slug in ("raid", "crossing"):
        places = {p for p in links(newsroom, f"incidents/{slug}/") if p.startswith("places/")}
        assert len(places) == 1, (slug, places)
        by_incident[slug] = places.pop()
    assert by_incident["raid"] != by_incident["crossing"]
    assert incidents_in(links(newsroom, by_incident["raid"])) == {"raid"}
    assert incidents_in(links(newsroom, by_incident["crossing"])) == {"crossing"}
    for place in by_incident.values():
        assert "San Juan" in text(main_content(page(out, place)).find("h1"))
    index = links(newsroom, "places/")
    assert set(by_incident.values()) <= index


def test_reports_appear_as_related_coverage_on_their_incidents(newsroom):
    for slug in ("fire", "raid"):
        assert reports_in(links(newsroom, f"incidents/{slug}/", "coverage")) == {"review"}
    assert "review" not in reports_in(links(newsroom, "incidents/crossing/"))
    assert incidents_in(links(newsroom, "reports/review/")) >= {"fire", "raid"}


def test_no_internal_link_is_broken(newsroom):
    out = (newsroom / "output").resolve()
    broken = []
    for html in sorted(out.rglob("*.html")):
        page_path = site_path_of(out, html)
        soup = page(out, page_path)
        for tag in soup.find_all(["a", "link"], href=True):
            href = tag["href"]
            if href.startswith(("http://", "https://", "mailto:")) or href.startswith("#"):
                continue
            if not _resolve_in(out, page_path, href).is_file():
                broken.append(f"{page_path}: {href}")
    assert broken == []


# ---------------------------------------------------------------------------
# Drafts and embargoes

HIDDEN_WORDS = ("Zebra", "zebra")


def test_drafts_and_embargoed_items_are_not_built_or_listed(newsroom):
    out = newsroom / "output"
    files = snapshot(out)
    for path in ("incidents/secret/index.html", "incidents/later/index.html", "reports/zebra-report/index.html"):
        assert path not in files
    leaks = sorted(path for path, data in files.items()
                   if any(word.encode() in data for word in HIDDEN_WORDS))
    assert leaks == [], f"draft or embargoed content leaked into {leaks}"
    for html in out.rglob("*.html"):
        page_path = site_path_of(out, html)
        found = links(newsroom, page_path)
        assert not incidents_in(found) & {"secret", "later"}, page_path
        assert "zebra-report" not in reports_in(found), page_path


def test_drafts_are_built_and_listed_with_drafts_true(newsroom, tmp_path):
    out = tmp_path / "with-drafts"
    run = docket("build", newsroom, "--drafts", "--output", out)
    assert run.returncode == 0 and "Traceback" not in run.output, run.describe()
    assert (out / "incidents/secret/index.html").is_file()
    assert (out / "incidents/later/index.html").is_file()
    assert (out / "reports/zebra-report/index.html").is_file()
    tag = links(newsroom, "tags/migration/", output=out)
    assert incidents_in(tag) >= {"fire", "raid", "secret", "later"}
    assert incidents_in(links(newsroom, "entities/inm/", output=out)) >= {"secret", "later"}
    assert (out / "sources/zebra-memo/index.html").is_file()
    assert "zebra-report" in reports_in(links(newsroom, "incidents/fire/", "coverage", output=out))


EMBARGO_SITE = {
    "content/incidents/public.md": "---\ntitle: Public incident\ndate: 2023-03-27\ntags: [t]\n---\nBody.\n",
    "content/incidents/embargoed.md": """
        ---
        title: Embargoed incident
        date: 2023-03-27
        tags: [t]
        publish_after: 2023-03-28T06:00:00Z
        ---
        Body.
        """,
    "content/incidents/local-date.md": """
        ---
        title: Embargoed to a date
        date: 2023-03-27
        publish_after: 2023-03-29
        ---
        Body.
        """,
}


@pytest.mark.parametrize("now, visible", [
    (dt.datetime(2023, 3, 28, 5, 59, tzinfo=dt.UTC), {"public"}),
    (dt.datetime(2023, 3, 28, 6, 0, tzinfo=dt.UTC), {"public", "embargoed"}),
    (dt.datetime(2023, 3, 28, 23, 59, tzinfo=dt.UTC), {"public", "embargoed"}),
    (dt.datetime(2023, 3, 29, 0, 0, tzinfo=dt.UTC), {"public", "embargoed", "local-date"}),
], ids=["before", "at", "after", "next-day"])
def test_embargo_follows_the_build_time(tmp_path, now, visible):
    site = write_site(tmp_path / "site", EMBARGO_SITE)
    result = build(site, tmp_path / "out", now=now)
    assert result.ok, result.diagnostics.report()
    out = tmp_path / "out"
    built = {p.parent.name for p in out.glob("incidents/*/index.html")}
    assert built == visible
    assert incidents_in(links(site, "tags/t/", output=out)) == visible & {"public", "embargoed"}
    assert incidents_in(links(site, "incidents/", output=out)) == visible


def test_embargoed_items_are_built_with_drafts_true(tmp_path):
    site = write_site(tmp_path / "site", EMBARGO_SITE)
    before = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
    result = build(site, tmp_path / "out", now=before, drafts=True)
    assert result.ok, result.diagnostics.report()
    assert {p.parent.name for p in (tmp_path / "out").glob("incidents/*/index.html")} == {
        "public", "embargoed", "local-date"}


@pytest.mark.parametrize("now, visible", [
    (dt.datetime(2023, 3, 29, 5, 59, tzinfo=dt.UTC), False),
    (dt.datetime(2023, 3, 29, 6, 0, tzinfo=dt.UTC), True),
], ids=["05:59Z", "06:00Z"])
def test_date_only_embargo_uses_the_site_timezone(tmp_path, now, visible):
    # Mexico City is UTC-6 in March 2023: midnight there is 06:00 UTC.
    site_yaml = "title: Test site\nbase_url: https://example.org/\ntimezone: America/Mexico_City\n"
    site = write_site(tmp_path / "site", {
        "content/incidents/a.md": "---\ntitle: A\ndate: 2023-03-27\npublish_after: 2023-03-29\n---\n",
        "content/incidents/b.md": "---\ntitle: B\ndate: 2023-03-27\n---\n",
    }, site_yaml=site_yaml)
    result = build(site, tmp_path / "out", now=now)
    assert result.ok, result.diagnostics.report()
    assert (tmp_path / "out/incidents/a/index.html").is_file() is visible


# ---------------------------------------------------------------------------
# Related incidents


def related_site(root: Path, site_yaml_extra: str = "") -> Path:
    files = {
        "content/incidents/hub.md": """
            ---
            title: Hub incident
            date: 2023-06-15
            tags: [common]
            related: [far]
            sources:
              - id: s1
                title: Source one
              - id: s2
                title: Source two
            ---
            Body.
            """,
        "content/incidents/far.md": "---\ntitle: Far incident\ndate: 2010-01-01\n---\nNothing shared.\n",
        "content/incidents/twin.md": "---\ntitle: Twin incident\ndate: 2021-01-01\nsources: [s1, s2]\n---\nBody.\n",
    }
    for k in range(1, 8):
        files[f"content/incidents/c{k}.md"] = f"---\ntitle: Common {k}\ndate: 2022-01-{k:02d}\ntags: [common]\n---\n"
    site_yaml = "title: Test site\nbase_url: https://example.org/\n" + site_yaml_extra
    return write_site(root, files, site_yaml=site_yaml)


def related_items(output: Path, slug: str) -> list[tuple[str, str]]:
    """(incident slug, the item's text) for each entry of an incident's related list, in order."""
    soup = page(output, f"incidents/{slug}/")
    section = soup.find(id="related")
    if section is None:
        return []
    items = []
    for li in section.find_all("li"):
        a = li.find("a", href=True)
        if a is None:
            continue
        target = _resolve_in(output, f"incidents/{slug}/", a["href"])
        items.append((target.parent.name, text(li)))
    return items


def test_related_incidents_explicit_first_then_computed_at_most_six(tmp_path):
    site = related_site(tmp_path)
    build_ok(site)
    items = related_items(site / "output", "hub")
    slugs = [s for s, _ in items]
    assert slugs[:2] == ["far", "twin"], items
    assert len(slugs) == 6 and len(set(slugs)) == 6, items
    assert set(slugs[2:]) <= {f"c{k}" for k in range(1, 8)}
    reasons = dict(items)
    assert "2 shared sources" in reasons["twin"]
    assert all("1 shared tag" in reasons[s] for s in slugs[2:]), items
    # Ties on score break on nearness in time: the latest of c1..c7 are the nearest to the hub.
    assert slugs[2:] == ["c7", "c6", "c5", "c4"], items


def test_related_limit_from_site_yaml(tmp_path):
    site = related_site(tmp_path, "related_limit: 3\n")
    build_ok(site)
    assert [s for s, _ in related_items(site / "output", "hub")] == ["far", "twin", "c7"]


def test_related_incidents_are_deterministic(tmp_path):
    site = related_site(tmp_path / "site")
    first, second = tmp_path / "one", tmp_path / "two"
    for out in (first, second):
        run = docket("build", site, "--output", out)
        assert run.returncode == 0, run.describe()
    pages_one = {k: v for k, v in snapshot(first).items() if k.startswith("incidents/") and k.endswith(".html")}
    pages_two = {k: v for k, v in snapshot(second).items() if k.startswith("incidents/") and k.endswith(".html")}
    assert pages_one == pages_two and len(pages_one) == 11


def test_related_never_lists_the_incident_itself_or_unpublished_ones(tmp_path):
    site = write_site(tmp_path, {
        "content/incidents/a.md": "---\ntitle: A\ndate: 2023-01-01\ntags: [x]\nrelated: [a]\n---\n",
        "content/incidents/b.md": "---\ntitle: B\ndate: 2023-01-02\ntags: [x]\n---\n",
        "content/incidents/c.md": "---\ntitle: C draft\ndate: 2023-01-03\ntags: [x]\ndraft: true\n---\n",
    })
    build_ok(site)
    assert [s for s, _ in related_items(site / "output", "a")] == ["b"]
    assert [s for s, _ in related_items(site / "output", "b")] == ["a"]
