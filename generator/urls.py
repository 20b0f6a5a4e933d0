"""Where each object lives in the built site, and links between pages.

Pages link to each other with relative URLs ("../../sources/x/"), so one build
works at a domain's root, under a sub-path of ``base_url``, in the preview
server and from a folder on disk. Absolute URLs (feeds, canonical links) join
``base_url`` with the same site paths.
"""

from __future__ import annotations

from urllib.parse import quote

from slugify import slugify

SECTION_OF_KIND = {
    "incident": "incidents", "report": "reports", "source": "sources", "entity": "entities",
    "tag": "tags", "country": "countries", "place": "places", "year": "years", "publisher": "publishers",
}
# Top-level folders the generator writes; a content page may not take one of these names.
RESERVED = set(SECTION_OF_KIND.values()) | {"corrections", "data", "static", "404", "page", "search",
                                             "timeline", "feed.xml", "pagefind"}


def term_slug(name: str) -> str:
    return slugify(name, max_length=100, word_boundary=True)


def path_of(kind: str, key: str) -> str:
    """The site path (no leading slash, trailing slash) of an object's page."""
    if kind == "page":
        return f"{key}/"
    return f"{SECTION_OF_KIND[kind]}/{key}/"


def list_path(section: str, page: int = 1) -> str:
    return f"{section}/" if page == 1 else f"{section}/page/{page}/"


def output_file(site_path: str) -> str:
    """The file a site path is written to: "incidents/x/" -> "incidents/x/index.html"."""
    if site_path == "" or site_path.endswith("/"):
        return site_path + "index.html"
    return site_path


def relative(from_path: str, to_path: str) -> str:
    """A relative URL from the page at ``from_path`` to ``to_path`` (both site paths).

    Pure string work (site paths never hold "." or ".." segments): posixpath.relpath
    calls os.getcwd() on every use, and a large site makes hundreds of thousands of links.
    """
    here = output_file(from_path).split("/")[:-1]
    there = to_path.split("/")
    common = 0
    for a, b in zip(here, there):
        if a != b:
            break
        common += 1
    rel = "../" * (len(here) - common) + "/".join(there[common:])
    return quote(rel or "./", safe="/#:.-_~%")


def absolute(base_url: str, site_path: str) -> str:
    return base_url + quote(site_path, safe="/#:.-_~%")


def nav_target(url: str) -> str | None:
    """A site path for a nav entry written as "/about/", or None for an external URL."""
    return url.lstrip("/") if url.startswith("/") else None
