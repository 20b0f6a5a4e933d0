"""Markdown bodies as readers get them: citations, wiki-links, footnotes, tables, headings,
and raw HTML kept harmless.

Sites are written inline and built with the real CLI; pages are parsed with
BeautifulSoup ("html.parser") and checked element by element.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import build_fails, build_ok, dedent, expect_each, main_content, page, resolve_href, write_site

FIRE = """
    ---
    title: Fire at the detention centre
    date: 2023-03-27
    entities: [inm]
    sources:
      - id: cctv
        title: CCTV footage from inside the centre
        type: video
        url: https://example.org/cctv
      - id: letter
      - id: uncited
        title: A statement nobody cites in the text
        type: statement
    ---
    The fire began at night [@cctv].

    The institute denied it [@letter; @cctv], and repeated the denial [@letter].

    See [[depot-raid]], [[depot-raid|the earlier raid]], [[letter]], [[cctv|the footage]],
    [[entity:inm]], [[inm|the institute]], [[annual-review]] and [[report:annual-review|our review]].

    | Date     | Event             |
    |----------|-------------------|
    | 27 March | Fire starts [@cctv] |
    | 28 March | Video published   |

    The toll was revised twice.[^toll]

    [^toll]: Once on 28 March and again on 30 March.

    ## Timeline

    ### The night of the fire

    ## Aftermath

    ## Sources

    A heading named like a page section must not clash with it.
    """

DEPOT_RAID = """
    ---
    title: Raid on the depot
    date: 2023-02-01
    ---
    Short body.

    ## Only one heading

    ## And a second
    """

LETTER = """
    ---
    title: AP open letter
    type: document
    publisher: Associated Press
    ---
    The letter, described once.
    """

INM = """
    ---
    name: Instituto Nacional de Migración
    kind: organisation
    ---
    Covered in [[report:annual-review]].
    """

REVIEW = """
    ---
    title: Annual review
    date: 2023-12-01
    incidents: [fire-at-the-detention-centre]
    ---
    The year began with [[fire-at-the-detention-centre]] [@letter], and the footage [@cctv] showed it.
    Also see [[source:cctv]].
    """


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = write_site(tmp_path_factory.mktemp("markdown"), {
        "content/incidents/fire-at-the-detention-centre.md": FIRE,
        "content/incidents/depot-raid.md": DEPOT_RAID,
        "content/sources/letter.md": LETTER,
        "content/entities/inm.md": INM,
        "content/reports/annual-review.md": REVIEW,
    })
    build_ok(root)
    return root


FIRE_PATH = "incidents/fire-at-the-detention-centre/"


def citation_links(soup) -> list[tuple[str, str]]:
    """(href, text) of every citation link: links to #source-… inside a <sup>."""
    return [(a["href"], a.get_text(strip=True)) for a in main_content(soup).select("sup a[href^='#source-']")]


def source_list(soup) -> list:
    """The <li> items of the page's numbered source list, in order."""
    first = soup.select_one("li[id^='source-']")
    assert first is not None, "no source list"
    return [li for li in first.parent.find_all("li", recursive=False)]


def number_of(li, position: int) -> int:
    """The number a reader sees for a list item: its value attribute, else its position."""
    return int(li.get("value", position))


def text(element) -> str:
    return " ".join(element.get_text(" ", strip=True).split())


# ---------------------------------------------------------------------------
# Citations


def test_citations_are_numbered_superscript_links_to_the_source_list(site):
    soup = page(site, FIRE_PATH)
    assert citation_links(soup) == [
        ("#source-cctv", "[1]"),
        ("#source-letter", "[2]"), ("#source-cctv", "[1]"),
        ("#source-letter", "[2]"),
        ("#source-cctv", "[1]"),  # in the table
    ]
    for href, _ in citation_links(soup):
        target = soup.find(id=href[1:])
        assert target is not None and target.name == "li", href


def test_source_list_numbers_match_the_citations(site):
    soup = page(site, FIRE_PATH)
    items = source_list(soup)
    assert [li["id"] for li in items] == ["source-cctv", "source-letter", "source-uncited"]
    numbers = {li["id"]: number_of(li, i) for i, li in enumerate(items, start=1)}
    assert numbers == {"source-cctv": 1, "source-letter": 2, "source-uncited": 3}
    for href, label in citation_links(soup):
        assert label == f"[{numbers[href[1:]]}]"
    assert "CCTV footage from inside the centre" in text(items[0])
    assert "AP open letter" in text(items[1])  # defined in content/sources/letter.md


def test_uncited_front_matter_source_is_listed_after_the_cited_ones(site):
    soup = page(site, FIRE_PATH)
    items = source_list(soup)
    assert items[-1]["id"] == "source-uncited"
    assert "A statement nobody cites in the text" in text(items[-1])
    assert not main_content(soup).select("sup a[href='#source-uncited']")


def test_multiple_citations_in_one_bracket_share_one_superscript(site):
    soup = page(site, FIRE_PATH)
    sups = [sup for sup in main_content(soup).find_all("sup") if len(sup.select("a[href^='#source-']")) > 1]
    assert len(sups) == 1
    assert [(a["href"], a.get_text(strip=True)) for a in sups[0].find_all("a")] == [
        ("#source-letter", "[2]"), ("#source-cctv", "[1]")]


def test_citations_link_back_and_every_fragment_resolves(site):
    soup = page(site, FIRE_PATH)
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for a in soup.find_all("a", href=True):
        if a["href"].startswith("#") and len(a["href"]) > 1:
            assert soup.find(id=a["href"][1:]) is not None, f"dangling {a['href']}"
    # Each citation has an id the source list can jump back to.
    for a in main_content(soup).select("sup a[href^='#source-']"):
        assert a.get("id"), a


def test_report_body_has_its_own_numbering(site):
    soup = page(site, "reports/annual-review/")
    assert citation_links(soup) == [("#source-letter", "[1]"), ("#source-cctv", "[2]")]
    assert [li["id"] for li in source_list(soup)] == ["source-letter", "source-cctv"]


# ---------------------------------------------------------------------------
# Wiki-links


@pytest.mark.parametrize("link_text, target", [
    ("Raid on the depot", "incidents/depot-raid/"),
    ("the earlier raid", "incidents/depot-raid/"),
    ("AP open letter", "sources/letter/"),
    ("the footage", "sources/cctv/"),
    ("Instituto Nacional de Migración", "entities/inm/"),
    ("the institute", "entities/inm/"),
    ("Annual review", "reports/annual-review/"),
    ("our review", "reports/annual-review/"),
])
def test_wiki_links_use_the_title_or_the_given_text_and_resolve(site, link_text, target):
    soup = page(site, FIRE_PATH)
    body_links = [a for a in main_content(soup).find_all("a", href=True) if text(a) == link_text]
    assert body_links, f"no link with text {link_text!r}"
    for a in body_links:
        assert not re.match(r"^[a-z]+:|^/", a["href"]), f"expected a relative href, got {a['href']}"
        built = resolve_href(site, FIRE_PATH, a["href"])
        assert built == (site / "output" / target / "index.html").resolve()
        assert built.is_file()


def test_wiki_link_without_text_never_shows_the_raw_syntax(site):
    soup = page(site, FIRE_PATH)
    body = text(main_content(soup))
    assert "[[" not in body and "]]" not in body and "[@" not in body


@pytest.mark.parametrize("page_path, link_text, target", [
    ("reports/annual-review/", "Fire at the detention centre", FIRE_PATH),
    ("reports/annual-review/", "CCTV footage from inside the centre", "sources/cctv/"),
    ("entities/inm/", "Annual review", "reports/annual-review/"),
])
def test_wiki_links_from_other_sections_resolve(site, page_path, link_text, target):
    soup = page(site, page_path)
    links = [a for a in main_content(soup).find_all("a", href=True) if text(a) == link_text]
    assert links, f"no link with text {link_text!r} on {page_path}"
    assert {resolve_href(site, page_path, a["href"]) for a in links} == {
        (site / "output" / target / "index.html").resolve()}


# ---------------------------------------------------------------------------
# Footnotes, tables, headings


def test_footnotes(site):
    soup = page(site, FIRE_PATH)
    ref = main_content(soup).select_one("sup a[href^='#fn']")
    assert ref is not None
    note = soup.find(id=ref["href"][1:])
    assert note is not None and "Once on 28 March and again on 30 March." in text(note)
    back = [a for a in note.find_all("a", href=True) if a["href"] == "#" + ref["id"]]
    assert back, "the footnote links back to its reference"


def test_tables(site):
    soup = page(site, FIRE_PATH)
    [table] = main_content(soup).find_all("table")
    assert [text(th) for th in table.find_all("th")] == ["Date", "Event"]
    rows = [[text(td) for td in tr.find_all("td")] for tr in table.find_all("tr") if tr.find("td")]
    assert rows == [["27 March", "Fire starts [1]"], ["28 March", "Video published"]]
    assert table.select_one("td sup a[href='#source-cctv']") is not None


def test_heading_ids_and_table_of_contents(site):
    soup = page(site, FIRE_PATH)
    body_headings = [h for h in main_content(soup).find_all(["h2", "h3"])
                     if text(h) in {"Timeline", "The night of the fire", "Aftermath", "Sources"} and h.get("id")
                     and h.find_parent(id="toc") is None]
    assert [text(h) for h in body_headings] == ["Timeline", "The night of the fire", "Aftermath", "Sources"]
    ids = [h["id"] for h in body_headings]
    assert len(set(ids)) == 4
    toc = soup.find(id="toc")
    assert toc is not None, "a body with >= 3 headings gets a table of contents"
    toc_targets = [a["href"][1:] for a in toc.find_all("a", href=True)]
    assert [t for t in toc_targets if t in ids] == ids
    # A body heading named like a page section gets an id of its own, not the section's.
    assert soup.find(id="sources") is not None
    assert body_headings[-1]["id"] != "sources"


def test_short_body_has_no_table_of_contents(site):
    soup = page(site, "incidents/depot-raid/")
    headings = [h for h in main_content(soup).find_all("h2") if text(h) in {"Only one heading", "And a second"}]
    assert len(headings) == 2 and all(h.get("id") for h in headings)
    toc = soup.find(id="toc")
    if toc is not None:
        targets = {a["href"][1:] for a in toc.find_all("a", href=True)}
        assert not targets & {h["id"] for h in headings}


def test_repeated_headings_get_unique_ids(tmp_path):
    body = "## Notes\n\nA.\n\n## Notes\n\nB.\n\n## Notes\n\nC.\n"
    site = write_site(tmp_path, {"content/incidents/fire.md": f"---\ntitle: Fire\ndate: 2023-03-27\n---\n{body}"})
    build_ok(site)
    soup = page(site, "incidents/fire/")
    ids = [h["id"] for h in main_content(soup).find_all("h2") if text(h) == "Notes"]
    assert len(ids) == 3 and len(set(ids)) == 3
    all_ids = [t["id"] for t in soup.find_all(id=True)]
    assert len(all_ids) == len(set(all_ids))


# ---------------------------------------------------------------------------
# Raw HTML and unsafe links

UNSAFE_BODY = """\
Intro paragraph.

<script>alert("body-script")</script>

<img src="x.png" onerror="alert('img')"> and <a href="javascript:alert('raw-a')">raw link</a>

<p onclick="alert('p')">para with <em>emphasis</em></p>

<iframe src="https://evil.example/"></iframe>

[md-ok](https://fine.example/)
"""

# Markdown links with script URLs are build errors (see the test below), so they are not in UNSAFE_BODY.
SCRIPT_LINKS = """\
[md-js](javascript:alert('md')) [md-js-upper](JAVASCRIPT:alert('md2')) [md-vb](vbscript:msgbox(1))
[md-data](data:text/html;base64,PHNjcmlwdD4=) <javascript:alert('autolink')> [md-ok](https://fine.example/)
"""


def is_script_url(href: str) -> bool:
    """What a browser would run: tabs and newlines are dropped from a URL before its scheme is read."""
    cleaned = re.sub(r"[\t\n\r]", "", href).strip().lower()
    return cleaned.startswith(("javascript:", "vbscript:", "data:text/html"))


def unsafe_site(root: Path, allow_html: bool) -> Path:
    site_yaml = "title: Test site\nbase_url: https://example.org/\n" + ("allow_html: true\n" if allow_html else "")
    site = write_site(root, {"content/incidents/fire.md": "---\ntitle: Fire\ndate: 2023-03-27\n---\n" + UNSAFE_BODY},
                      site_yaml=site_yaml)
    build_ok(site)
    return site


def assert_nothing_runs(soup) -> None:
    main = main_content(soup)
    for script in soup.find_all("script"):
        if script.get("type") == "application/ld+json":  # data, never run: its text must parse as JSON
            json.loads(script.get_text())
            continue
        assert "alert" not in script.get_text(), script
    assert main.find("script") is None and main.find("iframe") is None
    for tag in soup.find_all(True):
        for attr in tag.attrs:
            assert not attr.lower().startswith("on"), f"{tag.name} has {attr}"
        for attr in ("href", "src", "action", "formaction"):
            if tag.get(attr):
                assert not is_script_url(tag[attr]), f"{tag.name} {attr}={tag[attr]}"


def test_raw_html_is_shown_as_text_by_default(tmp_path):
    soup = page(unsafe_site(tmp_path, allow_html=False), "incidents/fire/")
    assert_nothing_runs(soup)
    main = main_content(soup)
    shown = text(main)
    assert '<script>alert("body-script")</script>' in shown
    assert "<img src=\"x.png\" onerror=\"alert('img')\">" in shown
    assert main.find("img") is None and main.find("em") is None
    assert not [a for a in main.find_all("a") if text(a) == "raw link"]


def test_allowed_html_is_sanitised(tmp_path):
    soup = page(unsafe_site(tmp_path, allow_html=True), "incidents/fire/")
    assert_nothing_runs(soup)
    main = main_content(soup)
    assert 'alert("body-script")' not in text(main)
    em = main.find("em")
    assert em is not None and text(em) == "emphasis"
    img = main.find("img", src="x.png")
    assert img is not None and not any(a.startswith("on") for a in img.attrs)
    ok = [a for a in main.find_all("a", href=True) if text(a) == "md-ok"]
    assert ok and ok[0]["href"] == "https://fine.example/"


@pytest.mark.parametrize("allow_html", [False, True], ids=["escaped", "sanitised"])
def test_markdown_links_with_script_urls_are_not_links(tmp_path, allow_html):
    # A Markdown link the URL policy refuses is an error at its line, never a silently emptied link.
    site_yaml = "title: Test site\nbase_url: https://example.org/\n" + ("allow_html: true\n" if allow_html else "")
    fire = "---\ntitle: Fire\ndate: 2023-03-27\n---\n" + SCRIPT_LINKS
    run = build_fails(write_site(tmp_path, {"content/incidents/fire.md": fire}, site_yaml=site_yaml))
    expect_each(run, [("content/incidents/fire.md", 5, "body", "javascript:alert"),
                      ("content/incidents/fire.md", 5, "body", "JAVASCRIPT:alert"),
                      ("content/incidents/fire.md", 5, "body", "scheme vbscript"),
                      ("content/incidents/fire.md", 6, "body", "scheme data"),
                      ("content/incidents/fire.md", 6, "body", "javascript:alert(", "autolink")])


# ---------------------------------------------------------------------------
# Autoescaping of front-matter text

XSS = "<script>alert(1)</script>"


def test_front_matter_text_is_escaped_everywhere(tmp_path):
    site = write_site(tmp_path, {
        "content/incidents/fire.md": f"""
            ---
            title: "{XSS} Fire"
            date: 2023-03-27
            summary: "<img src=x onerror=alert(2)> summary"
            tags: ["<b>bold-tag</b>"]
            location:
              place: "<i>Place</i>"
              country: Mexico
            entities: [inm]
            sources:
              - id: src
                title: "<svg onload=alert(3)> source"
                publisher: "<u>Pub</u>"
            claims:
              - text: "<script>alert(4)</script> claim"
                by: inm
            ---
            Body [@src].
            """,
        "content/entities/inm.md": '---\nname: "<script>alert(5)</script> INM"\n---\n',
        "content/incidents/other.md": "---\ntitle: Other\ndate: 2023-03-28\nrelated: [fire]\n---\nSee [[fire]].\n",
    })
    build_ok(site)
    fire = page(site, "incidents/fire/")
    h1 = main_content(fire).find("h1")
    assert text(h1) == f"{XSS} Fire"
    assert XSS in fire.title.get_text()
    pages = sorted((site / "output").rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        soup = page(site / "output", path.relative_to(site / "output").as_posix())
        assert_nothing_runs(soup)
        main = main_content(soup)
        for name, injected in (("b", "bold-tag"), ("i", "Place"), ("u", "Pub")):
            assert not [tag for tag in main.find_all(name) if text(tag) == injected], (path, name)
    other = page(site, "incidents/other/")
    assert [text(a) for a in main_content(other).find_all("a") if "Fire" in text(a)], "linked with its title as text"
    assert all(XSS in text(a) for a in main_content(other).find_all("a") if "Fire" in text(a))


def test_non_ascii_urls_are_percent_encoded(tmp_path):
    site = write_site(tmp_path, {"content/incidents/fire.md": """
        ---
        title: Fire
        date: 2023-03-27
        sources:
          - id: cafe
            title: Café source
            url: https://example.org/café?q=niño
        ---
        Cited [@cafe].
        """})
    build_ok(site)
    soup = page(site, "incidents/fire/")
    hrefs = {a["href"] for a in main_content(soup).find_all("a", href=True)
             if "example.org" in a["href"] and not a.find_parent(id="cite_this")}  # not the permanent link
    assert hrefs == {"https://example.org/caf%C3%A9?q=ni%C3%B1o"}


# ---------------------------------------------------------------------------
# More numbering and syntax edge cases


def test_sources_cited_only_by_claims_come_last(tmp_path):
    site = write_site(tmp_path, {
        "content/incidents/fire.md": """
            ---
            title: Fire
            date: 2023-03-27
            entities: [inm]
            sources:
              - id: listed-first
                title: Listed first, never cited
              - id: cited
                title: Cited in the body
            claims:
              - text: It was an accident.
                by: inm
                sources: [claim-only]
            ---
            Only this one is cited [@cited].
            """,
        "content/sources/claim-only.md": "---\ntitle: Only the claim cites this\n---\n",
    })
    build_ok(site)
    soup = page(site, "incidents/fire/")
    items = source_list(soup)
    assert [li["id"] for li in items] == ["source-cited", "source-listed-first", "source-claim-only"]
    assert citation_links(soup) == [("#source-cited", "[1]")]
    claims = soup.find(id="claims")
    assert claims is not None
    claim_refs = [a for a in claims.find_all("a", href=True) if a["href"] == "#source-claim-only"]
    assert claim_refs and "[3]" in text(claim_refs[0])


def test_reference_syntax_in_code_and_escapes_stays_literal(tmp_path):
    body = dedent("""
        Code `[@missing]` and `[[missing]]`, escaped \\[@escaped] and \\[[escaped]].

        ```
        [@in-fence] [[in-fence]]
        ```
        """)
    site = write_site(tmp_path, {"content/incidents/fire.md": "---\ntitle: Fire\ndate: 2023-03-27\n---\n" + body})
    build_ok(site)
    main = main_content(page(site, "incidents/fire/"))
    codes = [text(c) for c in main.find_all("code")]
    assert "[@missing]" in codes and "[[missing]]" in codes and "[@in-fence] [[in-fence]]" in codes
    assert "[@escaped]" in text(main) and "[[escaped]]" in text(main)
    assert not main.select("sup a[href^='#source-']")


def test_citation_inside_link_text_never_nests_links(tmp_path):
    site = write_site(tmp_path, {"content/incidents/fire.md": """
        ---
        title: Fire
        date: 2023-03-27
        sources:
          - id: cctv
            title: CCTV
        ---
        [see [@cctv]](https://example.org/) and [[[cctv]]](https://example.org/y) and [text](https://example.org/z "t")
        """})
    build_ok(site)
    soup = page(site, "incidents/fire/")
    for a in soup.find_all("a"):
        assert a.find("a") is None, a


def test_headings_named_like_theme_ids_never_duplicate_an_id(tmp_path):
    incident = """
        ---
        title: Fire
        date: 2023-03-27
        summary: A fire.
        tags: [t]
        entities: [inm]
        figures: {killed: 1}
        sources:
          - id: cctv
            title: CCTV
        claims:
          - text: A claim.
            by: inm
            sources: [cctv]
        coverage:
          - title: Elsewhere
            url: https://example.org/c
        updates:
          - date: 2023-03-28
            note: Updated.
        related: [other]
        ---
        Body [@cctv].[^1]

        [^1]: Note.
        """
    files = {"content/incidents/fire.md": incident,
             "content/incidents/other.md": "---\ntitle: Other\ndate: 2023-03-01\ntags: [t]\n---\nBody.\n",
             "content/reports/review.md":
                 "---\ntitle: Review\ndate: 2023-04-01\nincidents: [fire]\ntags: [t]\n---\nR [@cctv].\n",
             "content/entities/inm.md": "---\nname: INM\n---\nAbout.\n"}
    first = write_site(tmp_path / "first", files)
    build_ok(first)
    pages = ["incidents/fire/", "reports/review/", "entities/inm/", "sources/cctv/"]
    theme_ids = set()
    for p in pages:
        theme_ids |= {t["id"] for t in page(first, p).find_all(id=True)}
    headings = "\n\n".join(f"## {i}\n\n### {i}" for i in sorted(theme_ids))
    second = {path: dedent(text_) for path, text_ in files.items()}
    for path in ("content/incidents/fire.md", "content/reports/review.md", "content/entities/inm.md"):
        second[path] = second[path] + "\n" + headings + "\n"
    site = write_site(tmp_path / "second", second)
    build_ok(site)
    for p in pages[:3]:
        ids = [t["id"] for t in page(site, p).find_all(id=True)]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        assert not dupes, f"{p}: duplicate ids {dupes}"
