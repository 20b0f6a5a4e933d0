"""Trust in what writers type: one URL policy, text escaped once, no control characters
after YAML decoding, linear-time heading ids, and no Windows device names as slugs.

Each test writes a small site inline, runs the real CLI and checks the
diagnostics (``path:line: error: field: ...``) or the built pages, parsed with
BeautifulSoup, and feed.xml, parsed with a strict XML parser.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from helpers import (
    build_fails,
    build_ok,
    dedent,
    docket,
    expect,
    expect_each,
    expect_only,
    line_of,
    main_content,
    page,
    write_site,
)

FIRE = "content/incidents/fire.md"
ATOM = "{http://www.w3.org/2005/Atom}"


def incident_with(*field_lines: str, body: str = "Body.\n") -> str:
    """An incident whose front matter is title, date, then the given lines (title on 2, date on 3)."""
    return "---\ntitle: Fire\ndate: 2023-03-27\n" + "".join(line + "\n" for line in field_lines) + "---\n" + body


def site_yaml_with(*lines: str) -> str:
    return "title: Test site\nbase_url: https://example.org/\n" + "".join(line + "\n" for line in lines)


def text(element) -> str:
    return " ".join(element.get_text(" ", strip=True).split())


def anchors(soup, label: str) -> list:
    return [a for a in soup.find_all("a") if text(a) == label]


# ---------------------------------------------------------------------------
# One URL policy: nav urls


@pytest.mark.parametrize("url", [
    "/javascript:alert(document.domain)",
    "/JavaScript:alert(1)",
    "/vbscript:msgbox(1)",
    "/data:text/html,<script>alert(1)</script>",
    "/javascript:alert(1)/",
])
def test_nav_site_path_whose_first_segment_holds_a_colon_is_refused(tmp_path, url):
    # On the home page "/javascript:..." became href="javascript:alert%28...%29", which runs.
    yaml = site_yaml_with("nav:", "  - title: Evil", f"    url: '{url}'")
    run = build_fails(write_site(tmp_path, {FIRE: incident_with()}, site_yaml=yaml))
    expect_only(run, "site.yaml", line_of(yaml, "    url:"), "nav[0].url", "first part contains ':'",
                "expected a site path like '/about/'")


@pytest.mark.parametrize("url, phrase", [
    ("//evil.example/", "protocol-relative"),
    ("/\\evil.example/", "backslash"),
    ("\\\\evil.example/", "backslash"),
    ("/a b/", "spaces"),
    ("about/", "must start with '/'"),
    ("ftp://example.org/", "scheme ftp"),
    ("tel:+123", "scheme tel"),
])
def test_nav_urls_outside_the_policy_are_refused(tmp_path, url, phrase):
    quoted = "'" + url.replace("'", "''") + "'"
    yaml = site_yaml_with("nav:", "  - title: Evil", f"    url: {quoted}")
    run = build_fails(write_site(tmp_path, {FIRE: incident_with()}, site_yaml=yaml))
    expect_only(run, "site.yaml", line_of(yaml, "    url:"), "nav[0].url", phrase, "expected a site path")


def test_nav_urls_inside_the_policy_are_written_once_escaped(tmp_path):
    yaml = site_yaml_with("nav:",
                          "  - {title: About, url: /about/}",
                          "  - {title: Search, url: 'https://example.org/search?q=a&b=c'}",
                          "  - {title: Write, url: 'mailto:desk@example.org'}",
                          "  - {title: Café, url: /café/}",
                          "  - {title: Encoded, url: /caf%C3%A9/}")
    site = write_site(tmp_path, {FIRE: incident_with(), "content/pages/about.md": "---\ntitle: About\n---\nText.\n"},
                      site_yaml=yaml)
    build_ok(site)
    home = page(site, "")
    nav = home.find("nav", id="site-nav")
    assert [a["href"] for a in nav.find_all("a")] == [
        "about/", "https://example.org/search?q=a&b=c", "mailto:desk@example.org", "caf%C3%A9/", "caf%C3%A9/"]
    raw = (site / "output/index.html").read_text(encoding="utf-8")
    assert "&amp;amp;" not in raw and "%25" not in raw


# ---------------------------------------------------------------------------
# One URL policy: base_url


@pytest.mark.parametrize("value, phrase", [
    ("https://example.org//evil.example/", "single '/'"),
    ("https://example.org/docket//x/", "single '/'"),
    ("https://example.org/./", "single '/'"),
    ("https://example.org/a/../", "single '/'"),
    ("https://example.org/\\evil.example/", "backslash"),
    ("https://example.org/?q=1", "query"),
    ("https://example.org/#top", "fragment"),
    ("https://user@example.org/", "user name"),
    ("//evil.example/", "protocol-relative"),
])
def test_base_url_must_be_plain_absolute_http(tmp_path, value, phrase):
    yaml = f'title: Test site\nbase_url: "{value}"\n'.replace("\\", "\\\\")
    run = build_fails(write_site(tmp_path, {FIRE: incident_with()}, site_yaml=yaml))
    expect_only(run, "site.yaml", 2, "base_url", phrase, "expected an absolute http:// or https:// URL")


def test_404_page_never_loads_from_another_host(tmp_path):
    site = write_site(tmp_path, {FIRE: incident_with()},
                      site_yaml="title: Test site\nbase_url: https://example.org/docket\n")
    build_ok(site)
    soup = page(site, "404.html")
    urls = [tag.get(attr) for tag in soup.find_all(True) for attr in ("href", "src") if tag.get(attr)]
    assert urls and all(not u.startswith("//") for u in urls), urls
    stylesheets = [link["href"] for link in soup.find_all("link", rel="stylesheet")]
    assert stylesheets and all(href.startswith("/docket/assets/") for href in stylesheets), stylesheets


# ---------------------------------------------------------------------------
# One URL policy: front-matter URL fields


@pytest.mark.parametrize("url, phrase", [
    ("//evil.example/x", "protocol-relative"),
    ("https://example.org\\@evil.example/", "backslash"),
    ("mailto:desk@example.org", "scheme mailto"),
    ("/javascript:alert(1)", "not allowed"),
])
def test_front_matter_urls_follow_the_policy(tmp_path, url, phrase):
    files = {
        FIRE: incident_with("sources:", "  - id: s", "    title: S", f"    url: '{url}'", f"    archive_url: '{url}'",
                            "coverage:", "  - title: C", f"    url: '{url}'"),
        "content/entities/inm.md": f"---\nname: INM\nurl: '{url}'\n---\n",
        "content/reports/review.md": f"---\ntitle: Review\ndate: 2023-12-01\nimage: '{url}'\n---\n",
    }
    run = build_fails(write_site(tmp_path, files))
    hint = "expected an absolute http:// or https:// URL"
    cases = [(FIRE, 7, "sources[0].url", phrase, hint), (FIRE, 8, "sources[0].archive_url", phrase, hint),
             (FIRE, 11, "coverage[0].url", phrase, hint), ("content/entities/inm.md", 3, "url", phrase, hint)]
    expect_each(run, cases, exact=False)
    expect(run, "content/reports/review.md", 4, "image", "")


def test_front_matter_urls_are_escaped_once(tmp_path):
    url = "https://example.org/a?x=1&y=%C3%A9&z=é"
    site = write_site(tmp_path, {FIRE: incident_with("sources:", "  - id: s", "    title: S", f"    url: '{url}'",
                                                     body="Cited [@s].\n")})
    build_ok(site)
    hrefs = [a["href"] for a in main_content(page(site, "incidents/fire/")).find_all("a", href=True)
             if "example.org/a" in a["href"]]
    assert hrefs and set(hrefs) == {"https://example.org/a?x=1&y=%C3%A9&z=%C3%A9"}
    raw = (site / "output/incidents/fire/index.html").read_text(encoding="utf-8")
    assert "&amp;amp;" not in raw and "%25C3" not in raw


# ---------------------------------------------------------------------------
# One URL policy: Markdown links and images

BAD_LINKS_BODY = """\
Intro.

[a](javascript:alert(1)) and [b](JAVASCRIPT:alert(2)).

Line one
![c](vbscript:msgbox(1)) on the second line of a paragraph.

<javascript:alert(3)>

[d](/javascript:alert(4)) [e](data:text/html,<b>x</b>) [f](//evil.example/) [g](tel:+123)

[h][evil]

[evil]: javascript:alert(5)
"""


def test_markdown_links_outside_the_policy_are_errors_at_their_line(tmp_path):
    text_ = incident_with(body=BAD_LINKS_BODY)
    run = build_fails(write_site(tmp_path, {FIRE: text_}))
    hint = "expected an http://, https:// or mailto: URL, or a path inside the site"
    on = lambda needle: line_of(text_, needle)  # noqa: E731
    expect_each(run, [
        (FIRE, on("[a]("), "body", "link 'javascript:alert(1)'", "scheme javascript", hint),
        (FIRE, on("[a]("), "body", "link 'JAVASCRIPT:alert(2)'", "scheme javascript", hint),
        (FIRE, on("![c]("), "body", "image 'vbscript:msgbox(1)'", "scheme vbscript", hint),
        (FIRE, on("<javascript:"), "body", "link 'javascript:alert(3)'", "scheme javascript"),
        (FIRE, on("[d]("), "body", "link '/javascript:alert(4)'", "first part contains ':'"),
        (FIRE, on("[d]("), "body", "link 'data:text/html", "scheme data"),
        (FIRE, on("[d]("), "body", "link '//evil.example/'", "protocol-relative"),
        (FIRE, on("[d]("), "body", "link 'tel:+123'", "scheme tel"),
        (FIRE, on("[h][evil]"), "body", "link 'javascript:alert(5)'", "scheme javascript"),
    ])


def test_markdown_links_inside_the_policy_are_kept_and_escaped_once(tmp_path):
    body = dedent("""
        [web](https://example.org/?a=1&b=2) [mail](mailto:desk@example.org) <desk@example.org>
        [anchor](#below) [site](/incidents/fire/) [relative](../fire/) [query](?page=2)
        [enc](https://example.org/caf%C3%A9) [uni](https://example.org/café) ![img](https://example.org/i.png)

        ## Below
        """)
    site = write_site(tmp_path, {FIRE: incident_with(body=body)})
    build_ok(site)
    main = main_content(page(site, "incidents/fire/"))
    hrefs = {text(a): a["href"] for a in main.find_all("a", href=True)}
    assert hrefs["web"] == "https://example.org/?a=1&b=2"
    assert hrefs["mail"] == "mailto:desk@example.org" and hrefs["desk@example.org"] == "mailto:desk@example.org"
    assert hrefs["anchor"] == "#below" and hrefs["site"] == "./" and hrefs["relative"] == "../fire/"
    assert hrefs["query"] == "?page=2"
    assert hrefs["enc"] == hrefs["uni"] == "https://example.org/caf%C3%A9"
    assert main.find("img", alt="img")["src"] == "https://example.org/i.png"
    raw = (site / "output/incidents/fire/index.html").read_text(encoding="utf-8")
    assert "&amp;amp;" not in raw and "%25C3" not in raw


# ---------------------------------------------------------------------------
# Wiki-link text is escaped once


def test_wiki_link_text_is_escaped_once(tmp_path):
    body = ("[[other|a&b]] [[other|a &amp; b]] [[other|x <b> y]] [[other|Tom \\& Jerry]] [[other]]\n\n"
            "| cell |\n|---|\n| [[other\\|c&d]] |\n")
    site = write_site(tmp_path, {
        FIRE: incident_with(body=body),
        "content/incidents/other.md": '---\ntitle: "Fish & Chips <i>"\ndate: 2023-03-28\n---\n',
    })
    build_ok(site)
    links = main_content(page(site, "incidents/fire/")).select("a.wikilink")
    assert [a.get_text() for a in links] == ["a&b", "a & b", "x <b> y", "Tom & Jerry", "Fish & Chips <i>", "c&d"]
    assert all(a.find(True) is None for a in links)  # text only, no markup


# ---------------------------------------------------------------------------
# Control characters after YAML decoding

ESCAPES = [("\\x01", "U+0001"), ("\\u0000", "U+0000"), ("\\e", "U+001B"), ("\\x7f", "U+007F"),
           ("\\N", "U+0085"), ("\\x9f", "U+009F"), ("\\r", "U+000D"), ("\\b", "U+0008"), ("\\uFFFE", "U+FFFE")]


@pytest.mark.parametrize("escape, code", ESCAPES, ids=[code for _, code in ESCAPES])
def test_control_characters_from_yaml_escapes_are_refused(tmp_path, escape, code):
    fire = incident_with(f'summary: "before{escape}after"')
    run = build_fails(write_site(tmp_path, {FIRE: fire}))
    expect_only(run, FIRE, 4, "summary", code, "remove it")


def test_control_characters_are_refused_in_every_string_and_key(tmp_path):
    fire = dedent("""
        ---
        title: Fire
        date: 2023-03-27
        tags: [ok, "b\\x02d"]
        location: {place: "Pl\\x03ce", country: Mexico}
        sources:
          - id: s
            title: "S\\x04"
        claims:
          - text: "Multi-line,\\ttabbed\\nclaim is fine"
          - text: "C\\x05"
        "ke\\x06y": 1
        ---
        """)
    yaml = site_yaml_with('description: "D\\x07"', 'author: "\\x1b[31mred"')
    run = build_fails(write_site(tmp_path, {FIRE: fire}, site_yaml=yaml))
    expect_each(run, [
        (FIRE, line_of(fire, "tags:"), "tags[1]", "U+0002"),
        (FIRE, line_of(fire, "location:"), "location.place", "U+0003"),
        (FIRE, line_of(fire, 'title: "S'), "sources[0].title", "U+0004"),
        (FIRE, line_of(fire, '"C'), "claims[1].text", "U+0005"),
        (FIRE, line_of(fire, "ke"), "'ke\\x06y'", "U+0006"),
        ("site.yaml", 3, "description", "U+0007"),
        ("site.yaml", 4, "author", "U+001B"),
    ])


FEED_FIELDS = [
    ("site.yaml", "title"), ("site.yaml", "description"), ("site.yaml", "author"),
    (FIRE, "title"), (FIRE, "summary"), (FIRE, "tags"), ("content/reports/review.md", "title"),
]


@pytest.mark.parametrize("where, field", FEED_FIELDS, ids=[f"{w}:{f}" for w, f in FEED_FIELDS])
@pytest.mark.parametrize("escape, code", [("\\x01", "U+0001"), ("\\uFFFF", "U+FFFF"), ("\\x85", "U+0085")])
def test_feed_is_never_written_malformed(tmp_path, where, field, escape, code):
    value = f'"A{escape}B"'
    yaml = site_yaml_with("description: D", "author: A")
    fire = incident_with("summary: S", "tags: [t]")
    review = "---\ntitle: Review\ndate: 2023-12-01\n---\n"
    if where == "site.yaml":
        yaml = yaml.replace(f"{field}: " + ("Test site" if field == "title" else field[0].upper()), f"{field}: {value}")
    elif where == FIRE:
        fire = fire.replace({"title": "title: Fire", "summary": "summary: S", "tags": "tags: [t]"}[field],
                            f"{field}: {value}" if field != "tags" else f"tags: [{value}]")
    else:
        review = review.replace("title: Review", f"title: {value}")
    site = write_site(tmp_path, {FIRE: fire, "content/reports/review.md": review}, site_yaml=yaml)
    run = build_fails(site)  # and so the previous feed.xml stays as it was
    [diag] = run.errors
    assert diag.path == where and code in diag.text and field in diag.rest, run.describe()


def test_feed_with_tabs_and_newlines_is_well_formed(tmp_path):
    site = write_site(tmp_path, {FIRE: incident_with('summary: "one\\ttwo\\nthree & <four>"')},
                      site_yaml='title: "Site\\tname & co"\nbase_url: https://example.org/\n')
    build_ok(site)
    feed = ET.fromstring((site / "output/feed.xml").read_bytes())  # expat: strict XML 1.0
    assert feed.findtext(f"{ATOM}title") == "Site\tname & co: incidents and reports"
    assert feed.find(f"{ATOM}entry").findtext(f"{ATOM}summary") == "one\ttwo\nthree & <four>"


# ---------------------------------------------------------------------------
# Heading ids in linear time


def test_twenty_thousand_identical_headings_get_unique_ids_quickly(tmp_path):
    n = 20_000
    site = write_site(tmp_path, {FIRE: incident_with(body="## Same\n\n" * n)})
    # The old quadratic scheme needed minutes here; the timeout only guards against a hang.
    run = docket("build", site, timeout=60)
    assert run.returncode == 0, run.describe()
    headings = [h for h in main_content(page(site, "incidents/fire/")).find_all("h2") if text(h) == "Same"]
    assert [h["id"] for h in headings] == ["same"] + [f"same-{i}" for i in range(1, n)]


def test_heading_ids_stay_stable_around_literal_suffixes(tmp_path):
    body = "## A\n\n## A\n\n## A 1\n\n## A\n\n## A 1\n\n## A 2\n\n## A\n"
    site = write_site(tmp_path, {FIRE: incident_with(body=body)})
    build_ok(site)
    headings = main_content(page(site, "incidents/fire/")).find_all("h2")
    ids = [h["id"] for h in headings if h.get("id", "").startswith("a")]
    # What mdit-py-plugins' anchors gave: the first free of x, x-1, x-2, ...
    assert ids == ["a", "a-1", "a-1-1", "a-2", "a-1-2", "a-2-1", "a-3"]


def test_errors_after_many_headings_keep_their_line(tmp_path):
    body = "## Same\n\n" * 500 + "See [@missing].\n"
    fire = incident_with(body=body)
    run = build_fails(write_site(tmp_path, {FIRE: fire}))
    expect_only(run, FIRE, line_of(fire, "[@missing]"), "body", "unknown source 'missing'")


# ---------------------------------------------------------------------------
# Windows device names


RESERVED = ["con", "prn", "aux", "nul", "com1", "com9", "lpt1", "lpt9"]


def test_windows_device_names_are_refused_as_explicit_slugs_and_ids(tmp_path):
    files = {f"content/incidents/i-{name}.md": incident_with(f"slug: {name}") for name in RESERVED}
    files.update({
        "content/incidents/inline.md": incident_with("sources:", "  - id: aux", "    title: S", "entities: [nul]"),
        "content/reports/r.md": "---\ntitle: R\ndate: 2023-12-01\nslug: prn\n---\n",
        "content/pages/p.md": "---\ntitle: P\nslug: com1\n---\n",
        "content/sources/s.md": "---\ntitle: S\nid: lpt1\n---\n",
        "content/entities/e.md": "---\nname: E\nid: con\n---\n",
    })
    run = build_fails(write_site(tmp_path, files))
    cases = [(f"content/incidents/i-{name}.md", 4, "slug", f"'{name}'", "Windows", f"add a word: '{name}-incident'")
             for name in RESERVED]
    cases += [
        ("content/incidents/inline.md", 5, "sources[0].id", "'aux'", "Windows", "add a word: 'aux-source'"),
        ("content/incidents/inline.md", 7, "entities[0]", "'nul'", "Windows", "add a word"),
        ("content/reports/r.md", 4, "slug", "'prn'", "Windows", "add a word: 'prn-report'"),
        ("content/pages/p.md", 3, "slug", "'com1'", "Windows", "add a word: 'com1-page'"),
        ("content/sources/s.md", 3, "id", "'lpt1'", "Windows", "add a word: 'lpt1-source'"),
        ("content/entities/e.md", 3, "id", "'con'", "Windows", "add a word: 'con-entity'"),
    ]
    expect_each(run, cases)


@pytest.mark.parametrize("path", ["content/incidents/con.md", "content/incidents/CON.md", "content/reports/Aux.md",
                                  "content/pages/nul.md", "content/sources/com1.md", "content/entities/lpt9.md"])
def test_windows_device_names_are_refused_as_file_names(tmp_path, path):
    kind = path.split("/")[1]
    text_ = {"incidents": incident_with(), "reports": "---\ntitle: R\ndate: 2023-12-01\n---\n",
             "pages": "---\ntitle: P\n---\n", "sources": "---\ntitle: S\n---\n",
             "entities": "---\nname: E\n---\n"}[kind]
    run = build_fails(write_site(tmp_path, {path: text_}))
    expect_only(run, path, 1, "", "Windows", "rename the file or set", "add a word")


def test_term_slugs_never_are_windows_device_names(tmp_path):
    site = write_site(tmp_path, {
        FIRE: incident_with("tags: [con, Nul, con-1]", "location: {place: Aux, country: PRN}"),
        "content/sources/letter.md": "---\ntitle: Letter\npublisher: LPT1\n---\n",
        "content/incidents/other.md": incident_with("sources: [letter]").replace("title: Fire", "title: Other"),
        # A place's slug carries its country ("aux-prn"): only a place without one is named alone.
        "content/incidents/third.md": incident_with("location: {place: Aux}").replace("title: Fire", "title: Third"),
    })
    build_ok(site)
    out = site / "output"
    for path in out.rglob("*"):
        for part in path.relative_to(out).parts:
            assert part.split(".")[0].lower() not in {"con", "prn", "aux", "nul", "lpt1"}, path
    fire = main_content(page(site, "incidents/fire/"))
    tag_hrefs = {text(a): a["href"] for a in fire.find_all("a", href=True) if "tags/" in a["href"]}
    # Tags written as ids read as words ("con-1" is shown "Con 1"); the URLs are what matter here.
    assert tag_hrefs == {"Con": "../../tags/con_/", "Nul": "../../tags/nul_/", "Con 1": "../../tags/con-1/"}
    for site_path in ("tags/con_/", "tags/nul_/", "tags/con-1/", "places/aux_/", "places/aux-prn/", "countries/prn_/",
                      "publishers/lpt1_/"):
        assert (out / site_path / "index.html").is_file(), site_path
