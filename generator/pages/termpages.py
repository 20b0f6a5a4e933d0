"""Taxonomy pages: an index of every tag, country, place, year and publisher, and a page for each,
paginated; places and countries with their map and their entity page; years by month."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from ..contexts import TermContext, TermIndexContext
from ..geo import MapSpec
from ..graph import SiteGraph
from ..model import Entity, Incident
from ..pagejob import PageJob
from ..terms import TERM_KINDS, Term, TermLink
from ..urls import path_of, place_slug, term_slug
from .feeds import FEED_TERMS, feed_path
from .maps import incidents_map
from .paging import paginate, titled

TERM_SECTIONS = {"tag": "tags", "country": "countries", "place": "places", "year": "years",
                 "publisher": "publishers"}
MAP_POINTS = 500
TERM_LABELS = {"tag": ("Tag", "Tags"), "country": ("Country", "Countries"), "place": ("Place", "Places"),
               "year": ("Year", "Years"), "publisher": ("Publisher", "Publishers")}


def all_term_pages(graph: SiteGraph) -> Iterator[PageJob]:
    entities = place_entities(graph)
    for kind in TERM_KINDS:
        yield from term_pages(graph, kind, entities)


def place_entities(graph: SiteGraph) -> dict[tuple[str, str], Entity]:
    """(kind, slug) of a place or country page -> the entity of kind place that is that place."""
    out: dict[tuple[str, str], Entity] = {}
    for entity in graph.entities.values():
        if entity.kind != "place":
            continue
        for name in (entity.name, *entity.aliases):
            out.setdefault(("place", place_slug(name, entity.country)), entity)
            if not entity.country:
                out.setdefault(("country", term_slug(name)), entity)
    places_by_name: dict[str, list[Term]] = {}
    for term in graph.terms.get("place", ()):
        places_by_name.setdefault(term.name, []).append(term)
    for entity in graph.entities.values():  # an entity without a country names the one place so called
        if entity.kind == "place" and not entity.country and len(places_by_name.get(entity.name, ())) == 1:
            out.setdefault(("place", places_by_name[entity.name][0].slug), entity)
    return out


def term_pages(graph: SiteGraph, kind: str, entities: dict[tuple[str, str], Entity]) -> Iterator[PageJob]:
    section = TERM_SECTIONS[kind]
    singular, plural = TERM_LABELS[kind]
    terms: tuple[Term, ...] = graph.terms[kind]
    links = tuple(t.link() for t in terms)
    for path, pager, shown in paginate(links, graph.config.per_page, f"{section}/"):
        yield PageJob(path, "term_index.html", titled(plural, pager),
                      TermIndexContext(kind, singular, tuple(shown), pager))
    countries = {t.name: t.link() for t in graph.terms.get("country", ())} if kind == "place" else {}
    for term in terms:
        yield from _pages_of(graph, term, singular, countries.get(term.country) if term.country else None,
                             entities.get((kind, term.slug)))


def _pages_of(graph: SiteGraph, term: Term, singular: str, country: TermLink | None,
              entity: Entity | None) -> Iterator[PageJob]:
    first = path_of(term.kind, term.slug)
    link = term.link()
    per_page = graph.config.per_page
    for path, pager, shown in paginate(term.incidents, per_page, first):
        on_first = pager.number == 1
        # Everything the page shows, the map's incidents included: the context is made from these alone.
        fields = dict(kind=term.kind, label=singular, term=link, description=term.description, country=country,
                      entity=entity, incidents=tuple(shown),
                      reports=term.reports[:per_page] if on_first else (),
                      sources=term.sources[:per_page] if on_first else (),
                      more=(len(term.reports), len(term.sources)), pager=pager, months=term.kind == "year",
                      feed=feed_path(first) if term.kind in FEED_TERMS else "")
        mapped = term.incidents[:MAP_POINTS] if on_first and term.kind in ("place", "country") else None
        yield PageJob.lazy(path, "term.html", titled(f"{singular}: {term.name}", pager), (fields, mapped),
                           partial(_term_context, term, fields, mapped, path))


def _term_context(term: Term, fields: dict[str, Any], mapped: tuple[Incident, ...] | None,
                  path: str) -> TermContext:
    return TermContext(**fields, map=_term_map(term, mapped, path))


def _term_map(term: Term, mapped: tuple[Incident, ...] | None, path: str) -> MapSpec | None:
    """A place's or a country's own map (its newest incidents: the points of one place overlap anyway)."""
    if mapped is None:
        return None
    return incidents_map(mapped, path, title=f"Map: incidents in {term.name}",
                         country=term.name if term.kind == "country" else "", id_prefix="term-map")
