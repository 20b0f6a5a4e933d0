"""No tracking, provably: no page of any kind makes a request that leaves loopback.

Each page of every kind the example site has (and the files shared from it: a share card, a
feed, the data) is opened in Chromium with every request recorded; its disclosures (the menu,
the citation formats, the search filters) are opened and it is scrolled to the end, so that
nothing waits for a reader to reach it. Every request must go to the test server on loopback.
Separately, every built HTML file is read for resources that would load from another host
(scripts, styles, images, fonts, frames, media), which the browser would fetch unasked.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import is_local
from test_theme import PAGES

pytestmark = pytest.mark.browser

SHARED = {"card": "incidents/ciudad-juarez-detention-centre-fire/card.svg", "feed": "feed.xml",
          "sitemap": "sitemap.xml", "data": "data/incidents.json", "search-query": "search/?q=fire"}
# Attributes through which a page loads something by itself (links a reader follows are not among them).
LOADING = {"script": ("src",), "img": ("src", "srcset"), "source": ("src", "srcset"), "iframe": ("src",),
           "video": ("src", "poster"), "audio": ("src",), "embed": ("src",), "object": ("data",),
           "track": ("src",), "input": ("src",), "image": ("href", "xlink:href"), "use": ("href", "xlink:href")}
LOADING_RELS = {"stylesheet", "icon", "preload", "prefetch", "preconnect", "dns-prefetch", "modulepreload",
                "manifest", "apple-touch-icon"}
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")


@pytest.mark.parametrize("name", [*PAGES, *SHARED])
def test_no_request_leaves_loopback(open_page, site_server, name):
    path = PAGES.get(name, SHARED.get(name))
    page, watch = open_page(1280)
    if name == "404":
        watch.allow_failed_load(site_server.url(path))
    page.goto(site_server.url(path))
    page.wait_for_load_state("networkidle")
    if path.endswith("/") or "?" in path:
        page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_load_state("networkidle")
    assert watch.requests, "nothing was requested: the page did not load"
    hosts = {urlsplit(u).hostname for u in watch.requests if urlsplit(u).scheme in ("http", "https")}
    assert hosts == {"127.0.0.1"}, f"/{path} asked {hosts - {'127.0.0.1'}}"
    assert all(is_local(u) for u in watch.requests)
    watch.assert_clean(f"/{path}")


def test_no_built_page_loads_anything_from_another_host(site_server):
    root: Path = site_server.root
    found = []
    for html in sorted(root.rglob("*.html")):
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        for tag, attrs in LOADING.items():
            for element in soup.find_all(tag):
                for attr in attrs:
                    found += [(html, tag, v) for v in _urls(element.get(attr))]
        for link in soup.find_all("link", href=True):
            if LOADING_RELS & set(link.get("rel") or ()):
                found += [(html, "link", link["href"])]
        for element in soup.find_all(style=True):
            found += [(html, "style", u) for u in CSS_URL.findall(element["style"])]
        for style in soup.find_all("style"):
            found += [(html, "style", u) for u in CSS_URL.findall(style.get_text())]
    remote = [(str(p.relative_to(root)), tag, url) for p, tag, url in found if _remote(url)]
    assert found, "no resource found at all: the check is reading nothing"
    assert not remote, remote[:10]
    css = (root / "assets" / "docket.css").read_text(encoding="utf-8")
    assert not [u for u in CSS_URL.findall(css) if _remote(u)]
    assert "@import" not in css


def _urls(value) -> list[str]:
    if not value:
        return []
    return [part.strip().split(" ")[0] for part in str(value).split(",")] if " " in str(value) else [str(value)]


def _remote(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.netloc) or url.startswith("//")
