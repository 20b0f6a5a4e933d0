"""The Atom feeds: the whole site, incidents, reports, corrections, and each term and entity.

Every feed holds the newest ``feed_size`` entries (``site.yaml``, default 20), by the date of
their latest update or correction, so that an incident that changed comes back to the top of a
reader's list. A feed's context is exactly its entries, so a feed is rendered again only when one
of them, or which ones they are, changes. Term and entity pages link their own feed
(``feed_path``), and every page's head links the site's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache, partial

from ..contexts import FeedContext, FeedEntry
from ..graph import SiteGraph
from ..meta.page import last_change
from ..model import Incident, Report, publication
from ..pagejob import PageJob
from ..terms import Term
from ..urls import path_of, term_slug

# Term kinds whose pages list incidents, and so have a feed (a publisher's page lists sources).
FEED_TERMS = ("tag", "country", "place", "year")
TERM_LABELS = {"tag": "tagged", "country": "in", "place": "in", "year": "in"}
# An entry names at most this many of its item's tags: an incident filed under n tags is an entry
# in n tag feeds, and all its tags in each would make the site's feeds cost n * n.
FEED_CATEGORIES = 10


def feed_path(page_path: str) -> str:
    """The feed of a list or term page: "tags/fire/" -> "tags/fire/feed.xml"."""
    return f"{page_path}feed.xml"


def all_feeds(graph: SiteGraph) -> Iterator[PageJob]:
    """Every feed. Each declares the items it chooses from (a term by its digest) and its size, so a feed
    whose items are unchanged is kept without sorting them again."""
    title, size = graph.config.title, graph.config.feed_size
    everything: tuple[Incident | Report, ...] = (*graph.incidents, *graph.reports)
    yield _feed("", f"{title}: incidents and reports", "New and updated incidents and reports.",
                (everything, size), partial(newest, everything, size))
    yield _feed("incidents/", f"{title}: incidents", "New and updated incidents.", (graph.incidents, size),
                partial(newest, graph.incidents, size))
    yield _feed("reports/", f"{title}: reports", "New and updated reports.", (graph.reports, size),
                partial(newest, graph.reports, size))
    yield _feed("corrections/", f"{title}: corrections and updates", "Every correction and update, newest first.",
                (everything, size), partial(corrections, everything, size))
    for kind in FEED_TERMS:
        for term in graph.terms.get(kind, ()):
            tag = term.slug if kind == "tag" else ""
            yield _feed(path_of(kind, term.slug), f"{title}: {TERM_LABELS[kind]} {term.name}",
                        f"New and updated incidents and reports {TERM_LABELS[kind]} {term.name}.",
                        (term, size, tag), partial(_term_entries, term, size, tag))
    for entity in graph.entities.values():
        named = graph.entity_incidents.get(entity.id, ())
        yield _feed(path_of("entity", entity.id), f"{title}: {entity.name}",
                    f"New and updated incidents that name {entity.name}.", (named, size), partial(newest, named, size))


def _term_entries(term: Term, size: int, tag: str) -> tuple[FeedEntry, ...]:
    return newest((*term.incidents, *term.reports), size, tag)


def _feed(page_path: str, title: str, subtitle: str, deps: object,
          entries: Callable[[], tuple[FeedEntry, ...]]) -> PageJob:
    path = feed_path(page_path)
    return PageJob.lazy(path, "feed.xml", title, (subtitle, page_path, deps),
                        partial(_feed_context, title, subtitle, path, page_path, entries))


def _feed_context(title: str, subtitle: str, path: str, page_path: str,
                  entries: Callable[[], tuple[FeedEntry, ...]]) -> FeedContext:
    shown = entries()
    updated = max((e.updated for e in shown), default=None)
    return FeedContext(title, subtitle, path, page_path, shown, updated)


def newest(items: Iterable[Incident | Report], size: int, tag: str = "") -> tuple[FeedEntry, ...]:
    """The ``size`` most recently published or updated items, newest first.

    ``tag``: the slug of the tag whose feed this is, which every entry names among its categories.
    """
    entries = sorted(((item, last_change(item)) for item in items),
                     key=lambda e: (e[1], e[0].date, e[0].slug), reverse=True)
    return tuple(FeedEntry(item, updated, categories=entry_categories(item, tag), published=publication(item))
                 for item, updated in entries[:size])


def entry_categories(item: Incident | Report, tag: str = "") -> tuple[str, ...]:
    """The item's first ``FEED_CATEGORIES`` tags; in a tag's feed, that tag always among them."""
    shown = tuple(item.tags[:FEED_CATEGORIES])
    own = _by_slug(item.tags).get(tag) if tag else None
    return shown if own is None or own in shown else (*shown[:FEED_CATEGORIES - 1], own)


@lru_cache(maxsize=256)  # an item is an entry in each of its tags' feeds: look its tags up once
def _by_slug(tags: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for tag in tags:
        out.setdefault(term_slug(tag), tag)
    return out


def corrections(items: Iterable[Incident | Report], size: int) -> tuple[FeedEntry, ...]:
    """One entry per correction or update, newest first; each links to its line on the item's page."""
    entries = [FeedEntry(item, update.date, update, f"update_{n}", categories=entry_categories(item),
                         published=update.date)
               for item in items for n, update in enumerate(item.updates, 1)]
    entries.sort(key=lambda e: (e.updated, e.item.slug, e.anchor), reverse=True)
    return tuple(entries[:size])
