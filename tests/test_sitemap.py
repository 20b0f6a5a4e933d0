"""sitemap.xml and robots.txt, checked against the sitemaps.org protocol's XML Schema.

The schemas in tests/schemas/ state the protocol's rules (a urlset or sitemap index of at most
50,000 entries, absolute locs, W3C dates). Every HTML page of the example site but the 404 page
and the search form is listed once, with its lastmod from its content; past the limit the
sitemap becomes an index whose parts each validate.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import REPO, build_ok, write_site
from lxml import etree

from generator.contexts import SearchContext
from generator.model import SiteConfig
from generator.pagejob import PageJob
from generator.sitemap import site_map_files

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SCHEMAS = REPO / "tests" / "schemas"
BASE = "https://example.org/docket/"


def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def valid(data: bytes, name: str) -> etree._Element:
    root = etree.fromstring(data, etree.XMLParser(recover=False, resolve_entities=False, no_network=True))
    checker = schema(name)
    assert checker.validate(root), checker.error_log
    return root


def locs(root: etree._Element, entry: str = "url") -> dict[str, str | None]:
    return {e.findtext(SM + "loc"): e.findtext(SM + "lastmod") for e in root.findall(SM + entry)}


def test_the_example_sitemap_is_valid_and_lists_every_page_once(example_output: Path) -> None:
    root = valid((example_output / "sitemap.xml").read_bytes(), "sitemap.xsd")
    listed = locs(root)
    assert len(listed) == len(root.findall(SM + "url")), "a URL is listed twice"
    pages = {p.relative_to(example_output).parent.as_posix() for p in example_output.rglob("index.html")}
    expected = {BASE + ("" if p == "." else p + "/") for p in pages} - {BASE + "search/"}
    assert set(listed) == expected
    assert BASE + "404.html" not in listed
    # An incident's lastmod is its latest update or correction.
    assert listed[BASE + "incidents/ciudad-juarez-riverbank-camp-eviction/"] == "2023-11-10"
    assert listed[BASE + "statistics/"] is None  # shows no dated item: no lastmod rather than a made-up one


def test_robots_txt_allows_crawling_and_points_at_the_sitemap(example_output: Path) -> None:
    lines = (example_output / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines
    assert f"Sitemap: {BASE}sitemap.xml" in lines
    assert not any(line.startswith("Disallow") for line in lines)


def test_past_the_limit_the_sitemap_is_an_index_of_valid_parts(tmp_path: Path) -> None:
    config = SiteConfig(title="T", base_url=BASE)
    jobs = [PageJob(f"p/{n}/", "search.html", f"P{n}", SearchContext()) for n in range(7)]
    files = {f.path: f.data for f in site_map_files(config, jobs, limit=3)}
    assert sorted(files) == ["robots.txt", "sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    index = valid(files["sitemap.xml"], "siteindex.xsd")
    parts = locs(index, "sitemap")
    assert list(parts) == [f"{BASE}sitemap-{n}.xml" for n in (1, 2, 3)]
    seen: list[str] = []
    for n in (1, 2, 3):
        part = valid(files[f"sitemap-{n}.xml"], "sitemap.xsd")
        assert len(part.findall(SM + "url")) <= 3
        seen += list(locs(part))
    assert seen == [f"{BASE}p/{n}/" for n in range(7)]


def test_the_schema_refuses_a_broken_sitemap() -> None:
    bad = [
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><lastmod>2024-01-01</lastmod></url></urlset>',
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://example.org/</loc>'
        b'<lastmod>1 January 2024</lastmod></url></urlset>',
        b'<urlset><url><loc>https://example.org/</loc></url></urlset>',  # no namespace
    ]
    for data in bad:
        with pytest.raises(AssertionError):
            valid(data, "sitemap.xsd")


def test_escaped_urls_and_times_in_a_small_site(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "content/incidents/a.md": """
            ---
            title: A & B
            date: 2023-03-27T09:00:00-06:00
            published: 2023-03-27T21:30:00-06:00
            tags: [q&a]
            ---
            Text.
            """,
    }, site_yaml="title: T\nbase_url: https://example.org/\n")
    build_ok(site)
    listed = locs(valid((site / "output" / "sitemap.xml").read_bytes(), "sitemap.xsd"))
    # The page's own date (published), not the event's: a record without either has no lastmod.
    assert listed["https://example.org/incidents/a/"] == "2023-03-27T21:30:00-06:00"
    assert all(" " not in loc for loc in listed)
