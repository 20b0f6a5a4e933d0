"""Which pages the site has, and what each one shows.

``plan_pages`` yields one ``PageJob`` per output page: its site path, the
template that renders it, its title and its typed context (``contexts.py``),
built from exactly what the page shows. It is a generator so that a large
site is planned, rendered and written a page at a time. The site-wide inputs
every template gets (site, nav, footer pages, url()…) are added by the render
stage. Every list is paginated (``paging.py``); a page of a list depends on
the items it shows and the list's length, not on the rest of the list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..contexts import NotFoundContext, SearchContext
from ..datalisting import DataListing
from ..graph import SiteGraph
from ..markdown import RenderedBody
from ..pagejob import PageJob
from ..stats import figure_order
from .feeds import all_feeds
from .items import card_page, entity_page, home, incident_page, plain_page, report_page, source_page, unpublished
from .lists import (
    corrections_pages,
    data_page,
    entity_list,
    item_lists,
    source_list,
    status_pages,
    table_pages,
)
from .overview import map_pages, region_map_pages, site_statistics, statistics_page
from .termpages import all_term_pages
from .timeline import timeline_pages

__all__ = ["incident_page", "plain_page", "plan_pages", "report_page", "unpublished"]


def plan_pages(graph: SiteGraph, bodies: dict[tuple[str, str], RenderedBody],
               now: dt.datetime | None = None, *, data: DataListing) -> Iterator[PageJob]:
    """Every page; ``now`` (default: the current time) tells which embargoes are still in force."""
    now = now or dt.datetime.now(dt.UTC)
    stats = site_statistics(graph)
    order = figure_order(graph.incidents)  # every page shows figures in this one order
    yield home(graph, data.built)
    yield from item_lists(graph)
    yield from table_pages(graph, graph.incidents, "table/", "Table of incidents", order)
    yield from status_pages(graph, order)
    yield from timeline_pages(graph, stats, order)
    yield from map_pages(graph)
    yield from region_map_pages(graph)
    yield statistics_page(graph, stats)
    for incident in graph.incidents:
        yield incident_page(graph, incident, bodies[("incident", incident.slug)], now)
        yield card_page(graph, incident)
    lookups = ({i.slug: i for i in graph.incidents}, {t.slug: t for t in graph.terms["tag"]})
    for report in graph.reports:
        yield report_page(graph, report, bodies[("report", report.slug)], now, lookups)
    yield from source_list(graph)
    publishers = {t.slug: t.link() for t in graph.terms["publisher"]}
    for source in graph.sources.values():
        yield source_page(graph, source, bodies.get(("source", source.id)), publishers)
    yield from entity_list(graph)
    places = {t.slug: t.link() for t in graph.terms.get("place", ())}
    for entity in graph.entities.values():
        yield entity_page(graph, entity, bodies.get(("entity", entity.id)), places)
    yield from all_term_pages(graph)
    yield from corrections_pages(graph)
    yield data_page(graph, data)
    yield from all_feeds(graph)
    for page in graph.pages:
        yield plain_page(graph, page, bodies[("page", page.slug)], now)
    yield PageJob("search/", "search.html", "Search", SearchContext())
    yield PageJob("404.html", "404.html", "Page not found", NotFoundContext())
