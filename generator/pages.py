"""Which pages the site has, and what each one shows.

``plan_pages`` yields one ``PageJob`` per output page: its site path, the
template that renders it, its title and its typed context (``contexts.py``),
built from exactly what the page shows. It is a generator so that a large
site is planned, rendered and written a page at a time. The site-wide inputs
every template gets (site, nav, footer pages, url()…) are added by the render
stage.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from .contexts import (
    ClaimView,
    Context,
    CorrectionEntry,
    CorrectionsContext,
    DataContext,
    EntityContext,
    EntityListContext,
    FeedContext,
    FeedEntry,
    HomeContext,
    IncidentContext,
    ListContext,
    NotFoundContext,
    NumberedSource,
    Pager,
    PlainPageContext,
    ReportContext,
    SourceContext,
    SourceListContext,
    TermContext,
    TermIndexContext,
    Unpublished,
)
from .graph import SiteGraph
from .markdown import RenderedBody
from .model import Entity, Incident, Page, Publishing, Report, Source
from .terms import TERM_KINDS, Term, TermLink
from .urls import list_path, path_of, term_slug

TERM_SECTIONS = {"tag": "tags", "country": "countries", "place": "places", "year": "years",
                 "publisher": "publishers"}
TERM_LABELS = {"tag": ("Tag", "Tags"), "country": ("Country", "Countries"), "place": ("Place", "Places"),
               "year": ("Year", "Years"), "publisher": ("Publisher", "Publishers")}
FEED_SIZE = 20
CORRECTIONS_POLICY = "corrections-policy"


@dataclass(frozen=True, slots=True)
class PageJob:
    path: str  # site path: "" for home, "incidents/x/", "404.html"
    template: str
    title: str
    context: Context


def unpublished(graph: SiteGraph, publishing: Publishing, now: dt.datetime) -> Unpublished | None:
    """The banner's reason for an item in ``graph``, or None when the item is public."""
    if not graph.include_drafts:  # then every item in the graph is published
        return None
    until = publishing.publish_after
    embargoed = until is not None and until.value > now
    if not (publishing.draft or embargoed):
        return None
    return Unpublished(publishing.draft, until if embargoed else None)


def plan_pages(graph: SiteGraph, bodies: dict[tuple[str, str], RenderedBody],
               now: dt.datetime | None = None) -> Iterator[PageJob]:
    """Every page; ``now`` (default: the current time) tells which embargoes are still in force."""
    now = now or dt.datetime.now(dt.UTC)
    yield home(graph)
    yield from paginated(graph, "incidents", graph.incidents, "incident_list.html", "All incidents")
    yield from paginated(graph, "reports", graph.reports, "report_list.html", "Reports")
    for incident in graph.incidents:
        yield incident_page(graph, incident, bodies[("incident", incident.slug)], now)
    lookups = ({i.slug: i for i in graph.incidents}, {t.slug: t for t in graph.terms["tag"]})
    for report in graph.reports:
        yield report_page(graph, report, bodies[("report", report.slug)], now, lookups)
    yield source_list(graph)
    publishers = {t.slug: t.link() for t in graph.terms["publisher"]}
    for source in graph.sources.values():
        yield source_page(graph, source, bodies.get(("source", source.id)), publishers)
    yield entity_list(graph)
    for entity in graph.entities.values():
        yield entity_page(graph, entity, bodies.get(("entity", entity.id)))
    for kind in TERM_KINDS:
        yield from term_pages(graph, kind)
    policy = next((p for p in graph.pages if p.slug == CORRECTIONS_POLICY), None)
    yield PageJob("corrections/", "corrections.html", "Corrections and updates",
                  CorrectionsContext(corrections(graph), policy))
    yield PageJob("data/", "data.html", "Download the data", DataContext({
        "incidents": len(graph.incidents), "sources": len(graph.sources), "entities": len(graph.entities),
        "claims": sum(len(i.claims) for i in graph.incidents)}))
    yield PageJob("feed.xml", "feed.xml", graph.config.title, FeedContext(feed_entries(graph)))
    for page in graph.pages:
        yield plain_page(graph, page, bodies[("page", page.slug)], now)
    yield PageJob("404.html", "404.html", "Page not found", NotFoundContext())


def plain_page(graph: SiteGraph, page: Page, body: RenderedBody, now: dt.datetime) -> PageJob:
    return PageJob(path_of("page", page.slug), "page.html", page.title, PlainPageContext(
        page, body, numbered_sources(graph, body), unpublished(graph, page.publishing, now)))


def home(graph: SiteGraph) -> PageJob:
    limit = graph.config.home_limit
    return PageJob("", "home.html", graph.config.title, HomeContext(
        incidents=graph.incidents[:limit],
        reports=graph.reports[:limit],
        totals=figure_totals(graph.incidents),
        counts={"incidents": len(graph.incidents), "reports": len(graph.reports),
                "sources": len(graph.sources), "entities": len(graph.entities)},
    ))


def figure_totals(incidents: Iterable[Incident]) -> tuple[tuple[str, int | float], ...]:
    totals: dict[str, int | float] = defaultdict(int)
    for incident in incidents:
        for key, value in incident.figures:
            totals[key] += value
    return tuple(sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])))


def paginated(graph: SiteGraph, section: str, items: Sequence[Incident] | Sequence[Report], template: str,
              title: str) -> Iterator[PageJob]:
    per = graph.config.per_page
    total = max(1, math.ceil(len(items) / per))
    paths = tuple((n, list_path(section, n)) for n in range(1, total + 1))
    for n, path in paths:
        pager = Pager(n, total, paths[n - 2][1] if n > 1 else None, paths[n][1] if n < total else None, paths)
        shown = title if n == 1 else f"{title} (page {n} of {total})"
        yield PageJob(path, template, shown, ListContext(tuple(items[(n - 1) * per: n * per]), pager))


def numbered_sources(graph: SiteGraph, body: RenderedBody | None) -> tuple[NumberedSource, ...]:
    """A body's sources with their numbers; a source without a page of its own is left out."""
    if body is None:
        return ()
    return tuple(NumberedSource(n, graph.sources[sid], sid in body.cited, body.uses.get(sid, 0))
                 for n, sid in enumerate(body.sources, start=1) if sid in graph.sources)


def incident_page(graph: SiteGraph, incident: Incident, body: RenderedBody, now: dt.datetime) -> PageJob:
    numbers = {sid: n for n, sid in enumerate(body.sources, start=1)}
    claims = tuple(ClaimView(c, graph.entities.get(c.by.id) if c.by else None,
                             tuple(sorted((numbers[r.id], graph.sources[r.id]) for r in c.sources
                                          if r.id in numbers)))
                   for c in incident.claims)
    return PageJob(path_of("incident", incident.slug), "incident.html", incident.title, IncidentContext(
        incident=incident,
        body=body,
        sources=numbered_sources(graph, body),
        claims=claims,
        entities=tuple(graph.entities[r.id] for r in incident.entities if r.id in graph.entities),
        related=graph.related.get(incident.slug, ()),
        reports=graph.coverage_of.get(incident.slug, ()),
        terms={kind: tuple(t.link() for t in ts) for kind, ts in graph.incident_terms.get(incident.slug, {}).items()},
        unpublished=unpublished(graph, incident.publishing, now),
    ))


def report_page(graph: SiteGraph, report: Report, body: RenderedBody, now: dt.datetime,
                lookups: tuple[dict[str, Incident], dict[str, Term]] | None = None) -> PageJob:
    by_slug, tags = lookups or ({i.slug: i for i in graph.incidents}, {t.slug: t for t in graph.terms["tag"]})
    covered = {r.id for r in report.incidents}
    more_on = []
    for tag in report.tags:
        term = tags.get(term_slug(tag))
        if term is None:
            continue
        others = tuple(islice((i for i in term.incidents if i.slug not in covered), 5))
        other_reports = tuple(islice((r for r in term.reports if r.slug != report.slug), 5))
        if others or other_reports:
            more_on.append((term.link(), others, other_reports))
    return PageJob(path_of("report", report.slug), "report.html", report.title, ReportContext(
        report=report,
        body=body,
        sources=numbered_sources(graph, body),
        incidents=tuple(by_slug[r.id] for r in report.incidents if r.id in by_slug),
        tags=tuple(tags[term_slug(t)].link() for t in report.tags if term_slug(t) in tags),
        more_on=tuple(more_on),
        unpublished=unpublished(graph, report.publishing, now),
    ))


def source_list(graph: SiteGraph) -> PageJob:
    counts = {sid: len(graph.citing.get(sid, ())) for sid in graph.sources}
    return PageJob("sources/", "source_list.html", "Sources", SourceListContext(tuple(graph.sources.values()), counts))


def source_page(graph: SiteGraph, source: Source, body: RenderedBody | None,
                publishers: dict[str, TermLink] | None = None) -> PageJob:
    citing = graph.citing.get(source.id, ())
    if publishers is None:
        publishers = {t.slug: t.link() for t in graph.terms["publisher"]}
    return PageJob(path_of("source", source.id), "source.html", source.title, SourceContext(
        source=source,
        body=body,
        sources=numbered_sources(graph, body),
        incidents=tuple(i for i in citing if isinstance(i, Incident)),
        reports=tuple(r for r in citing if isinstance(r, Report)),
        publisher=publishers.get(term_slug(source.publisher)) if source.publisher else None,
    ))


def entity_list(graph: SiteGraph) -> PageJob:
    counts = {eid: len(graph.entity_incidents.get(eid, ())) for eid in graph.entities}
    return PageJob("entities/", "entity_list.html", "People, organisations and places",
                   EntityListContext(tuple(graph.entities.values()), counts))


def entity_page(graph: SiteGraph, entity: Entity, body: RenderedBody | None) -> PageJob:
    return PageJob(path_of("entity", entity.id), "entity.html", entity.name, EntityContext(
        entity=entity,
        body=body,
        sources=numbered_sources(graph, body),
        incidents=graph.entity_incidents.get(entity.id, ()),
        claims=graph.entity_claims.get(entity.id, ()),
    ))


def term_pages(graph: SiteGraph, kind: str) -> Iterator[PageJob]:
    section = TERM_SECTIONS[kind]
    singular, plural = TERM_LABELS[kind]
    terms: tuple[Term, ...] = graph.terms[kind]
    countries = {t.name: t.link() for t in graph.terms.get("country", ())} if kind == "place" else {}
    yield PageJob(f"{section}/", "term_index.html", plural, TermIndexContext(kind, singular, terms))
    for term in terms:
        yield PageJob(path_of(kind, term.slug), "term.html", f"{singular}: {term.name}",
                      TermContext(kind, singular, term, countries.get(term.country) if term.country else None))


def feed_entries(graph: SiteGraph) -> tuple[FeedEntry, ...]:
    """The newest incidents and reports, newest first, for the Atom feed."""
    everything: list[Incident | Report] = [*graph.incidents, *graph.reports]
    items = sorted(everything, key=lambda i: (i.date, i.slug), reverse=True)
    return tuple(FeedEntry(item, max([item.date, *(u.date for u in item.updates)])) for item in items[:FEED_SIZE])


def corrections(graph: SiteGraph) -> tuple[CorrectionEntry, ...]:
    everything: list[Incident | Report] = [*graph.incidents, *graph.reports]
    entries = [CorrectionEntry(item, u) for item in everything for u in item.updates]
    return tuple(sorted(entries, key=lambda e: (e.update.date, e.item.slug), reverse=True))
