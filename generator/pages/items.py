"""The page of each content item: incidents, reports, sources, entities and plain pages, and the home page."""

from __future__ import annotations

import datetime as dt
from itertools import islice

from ..contexts import (
    CardContext,
    ClaimView,
    EntityContext,
    EntityEvent,
    HomeContext,
    IncidentContext,
    NumberedSource,
    PlainPageContext,
    ReportContext,
    SourceContext,
    Unpublished,
)
from ..geo import MapSpec
from ..graph import SiteGraph
from ..markdown import RenderedBody
from ..meta import entity_meta, incident_meta, report_meta, source_meta
from ..meta.card import card_path, incident_card
from ..model import Claim, Entity, Incident, Moment, Page, Publishing, Report, Source, Update
from ..pagejob import PageJob
from ..stats import statistics
from ..terms import Term, TermLink
from ..urls import path_of, place_slug, term_slug
from .feeds import feed_path
from .homebalance import reports_beside
from .maps import incidents_map, location_map, place_groups, related_map, world_map


def unpublished(graph: SiteGraph, publishing: Publishing, now: dt.datetime) -> Unpublished | None:
    """The banner's reason for an item in ``graph``, or None when the item is public."""
    if not graph.include_drafts:  # then every item in the graph is published
        return None
    until = publishing.publish_after
    embargoed = until is not None and until.value > now
    if not (publishing.draft or embargoed):
        return None
    return Unpublished(publishing.draft, until if embargoed else None)


def home(graph: SiteGraph, as_of: Moment | None = None) -> PageJob:
    """The home page; ``as_of``: the build's date, which its totals are given at."""
    limit = graph.config.home_limit
    stats = statistics(graph.incidents)
    location_map = home_map(graph)
    incidents = graph.incidents[:limit]
    shown = reports_beside(incidents, graph.reports, totals=len(stats.totals), has_map=location_map is not None,
                           limit=limit)
    years = sorted({i.date.year for i in graph.incidents if i.in_totals})
    return PageJob("", "home.html", graph.config.title, HomeContext(
        incidents=incidents,
        reports=graph.reports[:shown],
        totals=stats.totals,
        counts={"incidents": len(graph.incidents), "reports": len(graph.reports),
                "sources": len(graph.sources), "entities": len(graph.entities)},
        stats=stats,
        location_map=location_map,
        years=(years[0], years[-1]) if years else None,
        as_of=as_of,
    ))


HOME_MAP_PLACES = 300  # the places with the most incidents; the map page shows them all


def home_map(graph: SiteGraph) -> MapSpec | None:
    """A small map of where the incidents happened, linking each place; None when none has a point."""
    groups = place_groups(graph.incidents)
    return world_map(groups, "", width=480, id_prefix="home-map", limit=HOME_MAP_PLACES) if groups else None


def plain_page(graph: SiteGraph, page: Page, body: RenderedBody, now: dt.datetime) -> PageJob:
    return PageJob(path_of("page", page.slug), "page.html", page.title, PlainPageContext(
        page, body, numbered_sources(graph, body), unpublished(graph, page.publishing, now)))


def numbered_sources(graph: SiteGraph, body: RenderedBody | None) -> tuple[NumberedSource, ...]:
    """A body's sources with their numbers; a source without a page of its own is left out."""
    if body is None:
        return ()
    return tuple(NumberedSource(n, graph.sources[sid], sid in body.cited, body.uses.get(sid, 0))
                 for n, sid in enumerate(body.sources, start=1) if sid in graph.sources)


def corrected_figures(updates: tuple[Update, ...]) -> dict[str, Update]:
    """Figure key -> the latest correction that changed it."""
    out: dict[str, Update] = {}
    for update in updates:  # oldest first: a later correction wins
        if update.kind == "correction":
            for key in update.figures:
                out[key] = update
    return out


def incident_page(graph: SiteGraph, incident: Incident, body: RenderedBody, now: dt.datetime) -> PageJob:
    """The incident's page, made only when what it shows has changed: its ``deps`` name all of it."""
    path = path_of("incident", incident.slug)
    named = sorted({r.id for r in incident.entities} | {c.by.id for c in incident.claims if c.by})
    terms = {kind: tuple(t.link() for t in ts) for kind, ts in graph.incident_terms.get(incident.slug, {}).items()}
    deps = (incident, body, tuple(graph.sources.get(sid) for sid in body.sources),
            tuple(graph.entities.get(eid) for eid in named), graph.related.get(incident.slug, ()),
            graph.coverage_of.get(incident.slug, ()), terms, unpublished(graph, incident.publishing, now))
    return PageJob.lazy(path, "incident.html", incident.title, deps,
                        lambda: _incident_context(graph, incident, body, now, terms))


def _incident_context(graph: SiteGraph, incident: Incident, body: RenderedBody, now: dt.datetime,
                      terms: dict[str, tuple[TermLink, ...]]) -> IncidentContext:
    numbers = {sid: n for n, sid in enumerate(body.sources, start=1)}
    claims = tuple(ClaimView(c, graph.entities.get(c.by.id) if c.by else None,
                             tuple(sorted((numbers[r.id], graph.sources[r.id]) for r in c.sources
                                          if r.id in numbers)))
                   for c in incident.claims)
    path = path_of("incident", incident.slug)
    related = graph.related.get(incident.slug, ())
    entities = tuple(graph.entities[r.id] for r in incident.entities if r.id in graph.entities)
    reviews = [(n, view.claim, view.by, tuple(src for _, src in view.source_numbers))
               for n, view in enumerate(claims, start=1)]
    return IncidentContext(
        incident=incident,
        body=body,
        sources=numbered_sources(graph, body),
        claims=claims,
        entities=entities,
        related=related,
        reports=graph.coverage_of.get(incident.slug, ()),
        terms=terms,
        unpublished=unpublished(graph, incident.publishing, now),
        location_map=location_map(incident, path),
        related_map=related_map(incident, (r.incident for r in related), path),
        corrected=corrected_figures(incident.updates),
        meta=incident_meta(graph.config, incident, entities, reviews),
    )


def card_page(graph: SiteGraph, incident: Incident) -> PageJob:
    """The incident's share card, an SVG beside its page (its og:image)."""
    path = card_path(path_of("incident", incident.slug))
    title = graph.config.title
    return PageJob.lazy(path, "card.svg", incident.title, (title, incident),
                        lambda: CardContext(incident_card(title, incident)))


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
    about = tuple(by_slug[r.id] for r in report.incidents if r.id in by_slug)
    return PageJob(path_of("report", report.slug), "report.html", report.title, ReportContext(
        report=report,
        body=body,
        sources=numbered_sources(graph, body),
        incidents=about,
        tags=tuple(tags[term_slug(t)].link() for t in report.tags if term_slug(t) in tags),
        more_on=tuple(more_on),
        unpublished=unpublished(graph, report.publishing, now),
        meta=report_meta(graph.config, report, about),
    ))


def source_page(graph: SiteGraph, source: Source, body: RenderedBody | None,
                publishers: dict[str, TermLink] | None = None) -> PageJob:
    citing = graph.citing.get(source.id, ())
    if publishers is None:
        publishers = {t.slug: t.link() for t in graph.terms["publisher"]}
    publisher = publishers.get(term_slug(source.publisher)) if source.publisher else None
    deps = (source, body, _sources_of(graph, body), citing, publisher)
    return PageJob.lazy(path_of("source", source.id), "source.html", source.title, deps, lambda: SourceContext(
        source=source,
        body=body,
        sources=numbered_sources(graph, body),
        incidents=tuple(i for i in citing if isinstance(i, Incident)),
        reports=tuple(r for r in citing if isinstance(r, Report)),
        publisher=publisher,
        meta=source_meta(graph.config, source),
    ))


def _sources_of(graph: SiteGraph, body: RenderedBody | None) -> tuple[Source | None, ...]:
    """The sources a body numbers, as the graph has them (None: no page): what ``numbered_sources`` reads."""
    return tuple(graph.sources.get(sid) for sid in body.sources) if body is not None else ()


def entity_page(graph: SiteGraph, entity: Entity, body: RenderedBody | None,
                places: dict[str, TermLink] | None = None) -> PageJob:
    incidents = graph.entity_incidents.get(entity.id, ())
    claims = graph.entity_claims.get(entity.id, ())
    place = entity_place(graph, entity, places)
    path = path_of("entity", entity.id)
    deps = (entity, body, _sources_of(graph, body), incidents, claims, place)
    return PageJob.lazy(path, "entity.html", entity.name, deps,
                        lambda: _entity_context(graph, entity, body, incidents, claims, place, path))


def _entity_context(graph: SiteGraph, entity: Entity, body: RenderedBody | None, incidents: tuple[Incident, ...],
                    claims: tuple[tuple[Incident, Claim], ...], place: TermLink | None, path: str) -> EntityContext:
    events = [EntityEvent(i.date, i) for i in incidents]
    events += [EntityEvent(c.date or i.date, i, c) for i, c in claims]
    events.sort(key=lambda e: (e.date, e.incident.slug, e.claim is not None))
    return EntityContext(
        entity=entity,
        body=body,
        sources=numbered_sources(graph, body),
        incidents=incidents,
        claims=claims,
        place=place,
        timeline=tuple(events),
        map=incidents_map(incidents, path, title=f"Map: incidents naming {entity.name}", id_prefix="entity-map"),
        feed=feed_path(path),
        meta=entity_meta(graph.config, entity),
    )


def entity_place(graph: SiteGraph, entity: Entity, places: dict[str, TermLink] | None = None) -> TermLink | None:
    """The place page of an entity of kind place: the place of the same name (in its country, if it has one)."""
    if entity.kind != "place":
        return None
    if places is None:
        places = {t.slug: t.link() for t in graph.terms.get("place", ())}
    for name in (entity.name, *entity.aliases):
        link = places.get(place_slug(name, entity.country)) if entity.country else None
        link = link or places.get(place_slug(name, ""))
        if link is None:  # no country on the entity: the one place of that name, if only one
            found = [t for t in places.values() if t.name == name]
            link = found[0] if len(found) == 1 else None
        if link is not None:
            return link
    return None
