"""The bundled example site: every page kind, the cross-links, and a crawl of every link."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import linked_paths, page, remove_theme_parts, resolve_link

FIRE = "incidents/ciudad-juarez-detention-centre-fire/"

PAGE_KINDS = [
    "", "incidents/", FIRE, "reports/", "reports/deaths-in-migrant-detention/",
    "sources/", "sources/ap-open-letter/", "sources/univision-cctv/",
    "entities/", "entities/andres-manuel-lopez-obrador/", "entities/instituto-nacional-de-migracion/",
    "entities/border-county-sheriff/",  # named in front matter, no file
    "tags/", "tags/migration/", "countries/", "countries/mexico/", "places/", "places/ciudad-juarez-mexico/",
    "years/", "years/2023/", "publishers/", "publishers/associated-press/",
    "corrections/", "about/", "methodology/", "corrections-policy/",
]


@pytest.mark.parametrize("site_path", PAGE_KINDS)
def test_every_page_kind_is_built(example_output: Path, site_path: str) -> None:
    soup = page(example_output, site_path)
    assert soup.find("h1") is not None and soup.find("h1").get_text(strip=True)
    assert soup.find("main") is not None


def test_404_and_assets_and_static(example_output: Path) -> None:
    assert (example_output / "404.html").is_file()
    assert (example_output / "assets" / "docket.css").is_file()
    assert (example_output / "img" / "report-cover.svg").is_file()  # copied from static/


def test_drafts_and_embargoed_are_not_built_or_linked(example_output: Path) -> None:
    hidden = ["nogales-bus-station-detentions", "reynosa-shelter-inspection-embargoed"]
    for slug in hidden:
        assert not (example_output / "incidents" / slug).exists()
    for html in example_output.rglob("*.html"):
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        hrefs = [a["href"] for a in soup.find_all("a", href=True)]
        assert not [h for h in hrefs if any(slug in h for slug in hidden)], html


def test_incident_page_cites_numbered_sources(example_output: Path) -> None:
    soup = page(example_output, FIRE)
    citations = soup.select("sup.cite a")
    numbers = {a["href"]: a.get_text(strip=True) for a in citations}
    # univision-cctv is cited first and twice; it keeps number 1.
    assert numbers["#source-univision-cctv"] == "[1]"
    assert sum(1 for a in citations if a["href"] == "#source-univision-cctv") == 2
    for a in citations:
        entry = soup.find(id=a["href"][1:])
        assert entry is not None and entry.name == "li"
    items = soup.select("ol li[id^=source-]")
    assert [li["id"] for li in items][:3] == ["source-univision-cctv", "source-amlo-press-briefing",
                                              "source-ap-open-letter"]
    # The numbered list's order is the citation order: list position == citation number.
    ol = items[0].find_parent("ol")
    assert ol.get("start") in (None, "1")


def test_incident_page_shows_figures_claims_and_links(example_output: Path) -> None:
    soup = page(example_output, FIRE)
    main = soup.find("main")
    text = main.get_text(" ", strip=True)
    assert "38" in text and "28" in text and "67" in text
    paths = linked_paths(soup, FIRE)
    assert "entities/andres-manuel-lopez-obrador/" in paths
    assert "tags/migration/" in paths
    assert "places/ciudad-juarez-mexico/" in paths
    assert "countries/mexico/" in paths
    assert "reports/deaths-in-migrant-detention/" in paths  # related coverage
    assert "incidents/el-paso-county-holding-cell-death/" in paths  # explicit related
    claim = [q for q in main.find_all(["blockquote", "q", "p", "li"]) if "sleeping mats" in q.get_text()]
    assert claim, "the President's claim is shown on the incident"
    assert "disputed" in text.lower()


@pytest.mark.parametrize("site_path", ["sources/ap-open-letter/", "entities/andres-manuel-lopez-obrador/",
                                       "tags/migration/", "places/ciudad-juarez-mexico/", "countries/mexico/",
                                       "years/2023/", "publishers/noticias-26-univision-el-paso/"])
def test_everything_links_back_to_the_fire(example_output: Path, site_path: str) -> None:
    paths = linked_paths(page(example_output, site_path), site_path)
    assert FIRE in paths, sorted(paths)


def test_entity_page_lists_claims_made(example_output: Path) -> None:
    soup = page(example_output, "entities/andres-manuel-lopez-obrador/")
    assert "sleeping mats" in soup.find("main").get_text()


def test_canonical_link_uses_base_url_sub_path(example_output: Path) -> None:
    soup = page(example_output, FIRE)
    assert soup.find("link", rel="canonical")["href"] == "https://example.org/docket/" + FIRE


def test_every_internal_link_and_anchor_resolves(example_output: Path) -> None:
    broken = []
    ids_of: dict[Path, set[str]] = {}

    def ids(file: Path) -> set[str]:
        if file not in ids_of:
            soup = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
            ids_of[file] = {el["id"] for el in soup.find_all(id=True)}
        return ids_of[file]

    pages = sorted(example_output.rglob("*.html"))
    assert len(pages) > 40
    for html in pages:
        if html.name == "404.html":
            continue  # its links are root-relative to base_url; checked below
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        all_ids = [el["id"] for el in soup.find_all(id=True)]
        assert len(all_ids) == len(set(all_ids)), f"duplicate ids in {html}"
        refs = [(el.name, el.get("href") or el.get("src")) for el in soup.find_all(["a", "link", "img"])]
        for _tag, ref in refs:
            if not ref:
                continue
            target, fragment = resolve_link(example_output, html, ref)
            if target is None:
                continue
            if not target.is_file():
                broken.append(f"{html.relative_to(example_output)}: {ref} (no file)")
            elif fragment and target.suffix == ".html" and fragment not in ids(target):
                broken.append(f"{html.relative_to(example_output)}: {ref} (no anchor)")
    assert not broken, "\n".join(broken)


def test_404_links_are_root_relative_to_base_path(example_output: Path) -> None:
    soup = BeautifulSoup((example_output / "404.html").read_text(encoding="utf-8"), "html.parser")
    hrefs = [a["href"] for a in soup.find_all("a", href=True) if not a["href"].startswith(("http", "#"))]
    assert hrefs and all(h.startswith("/docket/") for h in hrefs), hrefs
    for href in hrefs:
        rel = href.removeprefix("/docket/")
        target = example_output / rel / "index.html" if rel.endswith("/") or not rel else example_output / rel
        assert target.is_file(), href


def test_no_third_party_requests_or_scripts(example_output: Path) -> None:
    for html in example_output.rglob("*.html"):
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        remove_theme_parts(soup, html.relative_to(example_output).as_posix())  # checks the search script is local
        assert not soup.find_all("script"), html
        for el in soup.find_all(["link", "img", "iframe", "source", "video", "audio"]):
            ref = el.get("href") if el.name == "link" else el.get("src")
            if el.name == "link" and el.get("rel") == ["canonical"]:
                continue
            assert ref is None or not ref.startswith(("http:", "https:", "//")), (html, ref)
