"""Where each object lives in the built site, links between pages, and the URL policy.

Pages link to each other with relative URLs ("../../sources/x/"), so one build
works at a domain's root, under a sub-path of ``base_url``, in the preview
server and from a folder on disk. Absolute URLs (feeds, canonical links) join
``base_url`` with the same site paths.

Every URL a writer types (``site.yaml``, front matter, Markdown bodies) is
checked by ``url_problem``, the one URL policy: only ``http``, ``https``,
``mailto`` and paths inside the site get into a page.
"""

from __future__ import annotations

import functools
import re
from pathlib import PurePosixPath
from typing import Literal
from urllib.parse import quote, urlsplit, urlunsplit

from slugify import slugify

SECTION_OF_KIND = {
    "incident": "incidents", "report": "reports", "source": "sources", "entity": "entities",
    "tag": "tags", "country": "countries", "place": "places", "year": "years", "publisher": "publishers",
}
# Top-level folders the generator writes; a content page may not take one of these names.
RESERVED = set(SECTION_OF_KIND.values()) | {"corrections", "data", "static", "404", "page", "search",
                                             "timeline", "feed.xml", "pagefind", "map", "statistics",
                                             "table", "status", "assets"}

# Device names Windows reserves in every folder, with or without an extension:
# a file or folder so named cannot be checked out or copied there.
WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul"}
                             | {f"{stem}{n}" for stem in ("com", "lpt") for n in range(10)})
# Added to a term slug that would be a Windows device name. slugify() never
# writes "_", so the result cannot clash with the slug of another tag or place.
TERM_SLUG_SUFFIX = "_"


def is_windows_reserved(name: str) -> bool:
    """Whether a file or folder called ``name`` (or ``name.anything``) is a Windows device."""
    return name.split(".", 1)[0].lower() in WINDOWS_RESERVED


def file_slug(path: str) -> str:
    """The slug a content file's name gives it ("content/incidents/Fire at Juárez.md" -> "fire-at-juarez")."""
    slug: str = slugify(PurePosixPath(path).stem, max_length=120, word_boundary=True)
    return slug


@functools.lru_cache(maxsize=1 << 16)  # the same few hundred tags, places and publishers, again and again
def term_slug(name: str) -> str:
    """The URL slug of a tag, place, country or publisher; never a Windows device name."""
    slug: str = slugify(name, max_length=100, word_boundary=True)
    return slug + TERM_SLUG_SUFFIX if is_windows_reserved(slug) else slug


def place_slug(place: str, country: str) -> str:
    """A place's slug: its name and its country, so that no other place can ever take its URL."""
    return term_slug(f"{place} {country}" if country else place)


@functools.lru_cache(maxsize=1 << 16)
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


# Characters a URL may hold as they are (RFC 3986 unreserved, sub-delims, ':', '@',
# '/', '%' so that an existing %XX escape is kept): quoting with this set never
# escapes a URL twice, and leaves a link's meaning as the writer wrote it.
_URL_SAFE = "/%:@!$&'()*+,;=-._~"
_LINK_SAFE = _URL_SAFE + "?#"


_PLAIN = re.compile(r"[A-Za-z0-9/._~-]*")  # what quote() would leave as it is: most paths, slugs being ASCII


@functools.lru_cache(maxsize=1 << 16)  # the same few links (home, lists, terms) recur on every page
def relative(from_path: str, to_path: str) -> str:
    """A relative URL from the page at ``from_path`` to ``to_path`` (both site paths).

    Pure string work (site paths never hold "." or ".." segments): posixpath.relpath
    calls os.getcwd() on every use, and a large site makes hundreds of thousands of links.
    """
    here = _folders(from_path)
    if not here or to_path.partition("/")[0] != here[0]:  # most links: no folder in common
        rel = "../" * len(here) + to_path
        if _PLAIN.fullmatch(rel):  # no ':' either, so no scheme to defuse
            return rel or "./"
    there = to_path.split("/")
    common = 0
    for a, b in zip(here, there, strict=False):  # paths of different depths
        if a != b:
            break
        common += 1
    rel = "../" * (len(here) - common) + "/".join(there[common:])
    if not _PLAIN.fullmatch(rel):
        rel = quote(rel, safe=_LINK_SAFE)
    # A first segment with ':' would be read as a scheme ("javascript:..."): make it a path.
    return "./" + rel if ":" in rel and ":" in _first_segment(rel) else rel or "./"


@functools.lru_cache(maxsize=1 << 12)  # one page's links share their starting point
def _folders(from_path: str) -> tuple[str, ...]:
    return tuple(output_file(from_path).split("/")[:-1])


def absolute(base_url: str, site_path: str) -> str:
    return base_url + quote(site_path, safe=_LINK_SAFE)


def nav_target(url: str) -> str | None:
    """A site path for a nav entry written as "/about/", or None for an external URL."""
    return url.lstrip("/") if url.startswith("/") else None


# ---------------------------------------------------------------------------
# The URL policy

# web: an absolute http(s) URL with a host (sources, coverage, entities, images)
# base: base_url, a web URL whose path is made of single slashes, with no query or fragment
# nav: a web or mailto: URL, or a site path that starts with '/'
# body: a Markdown link or image: a web or mailto: URL, or a site path (relative ones too)
UrlUse = Literal["web", "base", "nav", "body"]

EXPECTED: dict[str, str] = {
    "web": "expected an absolute http:// or https:// URL",
    "base": "expected an absolute http:// or https:// URL such as 'https://example.org/docket/'",
    "nav": "expected a site path like '/about/' or an http://, https:// or mailto: URL",
    "body": "expected an http://, https:// or mailto: URL, or a path inside the site like '/about/'",
}

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def url_problem(value: str, use: UrlUse) -> str:
    """Why ``value`` may not be used as a URL of this use, or "" when it may.

    The one URL policy for every URL a writer types; ``EXPECTED[use]`` says what
    is allowed instead.
    """
    if any(ord(ch) <= 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in value):
        return "URL contains spaces or control characters"
    if "\\" in value:  # browsers read '\' as '/', so "/\host" is "//host"
        return "URL contains a backslash ('\\')"
    if value.startswith("//"):
        return "protocol-relative URL ('//host') is not allowed"
    match = _SCHEME.match(value)
    if match is None:
        return _site_path_problem(value, use)
    scheme = match.group(1).lower()
    if scheme == "mailto" and use in ("nav", "body"):
        return "" if value[len("mailto:"):] else "mailto: URL has no address"
    if scheme not in ("http", "https"):
        return f"URL scheme {scheme}: is not allowed"
    return _web_problem(value, base=use == "base")


def _site_path_problem(value: str, use: UrlUse) -> str:
    if use in ("web", "base"):
        return "URL scheme (none) is not allowed"
    if use == "nav" and not value.startswith("/"):
        return "a site path must start with '/'"
    # Browsers take "javascript:alert(1)" (what "/javascript:alert(1)" becomes on the
    # home page) as a scheme, percent-encoded or not: no segment before the first '/' may hold ':'.
    if ":" in _first_segment(value.lstrip("/")):
        return "a site path whose first part contains ':' is not allowed"
    return ""


def _first_segment(url: str) -> str:
    return re.split(r"[/?#]", url, maxsplit=1)[0]


def _web_problem(value: str, *, base: bool) -> str:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "malformed URL"
    if not parts.hostname:
        return "URL has no host"
    if not base:
        return ""
    if parts.username is not None or parts.password is not None:
        return "base_url may not hold a user name or password"
    if parts.query or parts.fragment or value.endswith(("?", "#")):
        return "base_url may not have a ?query or #fragment"
    # The path of base_url starts every link on the 404 page: "//evil.example/" there
    # would load the stylesheet from another host.
    segments = parts.path.split("/")[1:-1] if parts.path.endswith("/") else parts.path.split("/")[1:]
    if any(segment in ("", ".", "..") for segment in segments):
        return "the path of base_url must be made of single '/' between names (no '//', '.' or '..')"
    return ""


def iri_to_uri(value: str) -> str:
    """Percent-encode non-ASCII characters (and IDNA-encode the host) so the URL is plain ASCII.

    Existing %XX escapes and the characters URLs may hold are kept, so a URL
    that is already ASCII comes back unchanged and nothing is escaped twice.
    """
    if value.isascii():
        return value
    if _SCHEME.match(value) is None:  # a site path
        return quote(value, safe=_LINK_SAFE)
    parts = urlsplit(value)
    host = parts.hostname or ""
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        host = quote(host, safe="")
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    if parts.username:
        netloc = quote(parts.username, safe="%") + "@" + netloc
    return urlunsplit((parts.scheme, netloc, quote(parts.path, safe=_URL_SAFE),
                       quote(parts.query, safe=_URL_SAFE + "?"), quote(parts.fragment, safe=_URL_SAFE + "?")))
