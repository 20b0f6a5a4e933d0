"""Links to other sites carry rel="noopener noreferrer": the other site learns nothing of the page
a reader came from and cannot script it. In the theme's own links (a source's original and its
archived copy, an entity's website, coverage) and in links written in Markdown bodies, raw HTML
included where a site allows it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from helpers import build_ok, page, write_site


def external_links(out: Path, base_url: str) -> list[tuple[str, object]]:
    found = []
    for html in sorted(out.rglob("*.html")):
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for a in soup.find_all("a", href=True):
            parts = urlsplit(a["href"])
            if parts.scheme in ("http", "https") and parts.netloc and not a["href"].startswith(base_url):
                found.append((html.relative_to(out).as_posix(), a))
    return found


def test_every_external_link_of_the_example_site_is_noopener_noreferrer(example_output: Path) -> None:
    links = external_links(example_output, "https://example.org/docket/")
    assert len(links) > 20, "the example site links out from sources, entities and bodies"
    bare = [(where, a["href"]) for where, a in links if not {"noopener", "noreferrer"} <= set(a.get("rel") or ())]
    assert not bare, bare[:10]


def test_markdown_and_raw_html_links_out_get_rel_and_local_links_do_not(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {"content/incidents/x.md": """
        ---
        title: X
        date: 2023-01-01
        ---
        See [the report](https://other.example/report) and [our method](/about/).

        <p>Raw: <a href="https://third.example/" rel="opener">third</a></p>
        """, "content/pages/about.md": "---\ntitle: About\n---\nAbout.\n"},
        site_yaml="title: T\nbase_url: https://example.org/\nallow_html: true\n")
    build_ok(site)
    body = page(site, "incidents/x/").find("div", class_="prose") or page(site, "incidents/x/").main
    by_text = {a.get_text(): a for a in body.find_all("a")}
    assert set(by_text["the report"]["rel"]) == {"noopener", "noreferrer"}
    assert set(by_text["third"]["rel"]) == {"noopener", "noreferrer"}
    assert "opener" not in by_text["third"]["rel"]
    assert by_text["our method"]["href"] == "../../about/"
