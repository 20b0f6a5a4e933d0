"""``sitemap.xml`` and ``robots.txt``: every HTML page for search engines, with its last change.

A page's ``lastmod`` comes from the content it shows, never from the time of the build: the
newest date or update among the incidents and reports in its context (an incident page: that
incident's latest update or correction; a tag page: its newest incident's). A page that shows
none (the search page, the statistics page) has no ``lastmod``, which the protocol allows. Past
``MAX_URLS`` pages (the protocol's limit of 50,000 a file), ``sitemap.xml`` becomes a sitemap
index of ``sitemap-1.xml``, ``sitemap-2.xml``…, each within the limit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import fields, is_dataclass
from xml.sax.saxutils import escape

from .model import Incident, Moment, Report, SiteConfig, modified
from .outputs import OutputFile
from .pagejob import PageJob
from .urls import absolute

MAX_URLS = 50_000
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
LEFT_OUT = frozenset({"404.html", "search/"})  # not content: an error page, and a form


def site_map_files(config: SiteConfig, jobs: Iterable[PageJob], limit: int = MAX_URLS, *,
                   lastmod_of: Callable[[PageJob], Moment | None] | None = None) -> Iterator[OutputFile]:
    """``sitemap.xml`` (or an index and its parts) and ``robots.txt``.

    ``lastmod_of`` (default ``lastmod``, which reads the page's context) lets a build take a kept
    page's lastmod from its record instead of making a context it does not otherwise need.
    """
    of = lastmod_of or lastmod
    entries = [(absolute(config.base_url, job.path), of(job)) for job in jobs if _listed(job.path)]
    if len(entries) <= limit:
        yield OutputFile("sitemap.xml", urlset(entries))
    else:
        parts = [entries[at:at + limit] for at in range(0, len(entries), limit)]
        names = [f"sitemap-{n}.xml" for n in range(1, len(parts) + 1)]
        for name, part in zip(names, parts, strict=True):
            yield OutputFile(name, urlset(part))
        yield OutputFile("sitemap.xml", index([(absolute(config.base_url, name), _newest(part))
                                               for name, part in zip(names, parts, strict=True)]))
    yield OutputFile("robots.txt", robots(config))


def _listed(path: str) -> bool:
    return (path == "" or path.endswith("/")) and path not in LEFT_OUT


def lastmod(job: PageJob) -> Moment | None:
    """An item's page: the item's latest change. A list: its newest item's. Otherwise None.

    Never an event's date: a record with neither a publication date nor an update has no lastmod.
    """
    context = job.context
    for own in ("incident", "report"):  # not the reports or related incidents it also links
        item = getattr(context, own, None)
        if isinstance(item, Incident | Report):
            return modified(item)
    if not is_dataclass(context):
        return None
    newest: Moment | None = None
    for field in fields(context):
        value = getattr(context, field.name)
        for item in value if isinstance(value, tuple) else (value,):
            changed = modified(item) if isinstance(item, Incident | Report) else None
            if changed is not None:
                newest = changed if newest is None or changed > newest else newest
    return newest


def _newest(entries: Sequence[tuple[str, Moment | None]]) -> Moment | None:
    return max((m for _, m in entries if m is not None), default=None)


def urlset(entries: Sequence[tuple[str, Moment | None]]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{NAMESPACE}">']
    lines += [_entry("url", loc, moment) for loc, moment in entries]
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def index(entries: Sequence[tuple[str, Moment | None]]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{NAMESPACE}">']
    lines += [_entry("sitemap", loc, moment) for loc, moment in entries]
    lines.append("</sitemapindex>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _entry(tag: str, loc: str, moment: Moment | None) -> str:
    changed = f"<lastmod>{moment.iso()}</lastmod>" if moment is not None else ""
    return f"<{tag}><loc>{escape(loc)}</loc>{changed}</{tag}>"


def robots(config: SiteConfig) -> bytes:
    """Every page may be crawled; the sitemap says where they are.

    Crawlers read ``robots.txt`` only at the root of a host: a site published under a path
    (``https://example.org/docket/``) has this file at that path, and the host's own robots.txt
    should carry the same ``Sitemap:`` line (docs/data.md).
    """
    return (f"# {config.title}: every page may be crawled; sitemap.xml lists them.\n"
            "User-agent: *\nAllow: /\n"
            f"Sitemap: {absolute(config.base_url, 'sitemap.xml')}\n").encode()
