"""Stage 3 — resolve the cross-reference graph.

Checks that every id written in front matter names something that exists (and
is published), then builds what pages need: backlinks for every source,
entity, tag, place, country, year and publisher, the reports covering each
incident, and related incidents.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .diagnostics import Diagnostics, did_you_mean
from .hints import NearMisses
from .model import Claim, Content, Entity, Incident, Page, Reference, Report, SiteConfig, Source, TagInfo
from .related import Related, related_incidents
from .terms import Term, build_terms
from .urls import RESERVED, path_of
from .validate import is_published, title_from_id


@dataclass(frozen=True, slots=True)
class Target:
    """Something a ``[[wiki-link]]`` or citation can point at."""

    kind: str
    id: str
    title: str
    path: str  # site path of its page
    published: bool


@dataclass(frozen=True, slots=True)
class SiteGraph:
    """The linked site: published items, lookups and backlinks. Read-only by convention."""

    config: SiteConfig
    incidents: tuple[Incident, ...]  # published, newest first
    reports: tuple[Report, ...]  # published, newest first
    sources: dict[str, Source]  # every source until add_citations; then those that get a page
    entities: dict[str, Entity]
    pages: tuple[Page, ...]
    targets: dict[str, tuple[Target, ...]]  # id -> everything with that id, for [[links]]
    citing: dict[str, tuple[Incident | Report, ...]]  # source id -> incidents and reports citing it
    entity_incidents: dict[str, tuple[Incident, ...]]
    entity_claims: dict[str, tuple[tuple[Incident, Claim], ...]]
    coverage_of: dict[str, tuple[Report, ...]]  # incident slug -> reports covering it
    related: dict[str, tuple[Related, ...]]
    terms: dict[str, tuple[Term, ...]]  # "tag" | "country" | "place" | "year" | "publisher"
    incident_terms: dict[str, dict[str, tuple[Term, ...]]]  # slug -> kind -> its terms
    include_drafts: bool
    # (kind, id) -> the file that would have defined it but could not be read: references to it are
    # not reported, that file's own error is (see unreadable.py)
    unreadable: Mapping[tuple[str, str], str] = field(default_factory=dict)
    tag_files: Mapping[str, TagInfo] = field(default_factory=dict)  # tag slug -> content/tags/<slug>.md

    def unreadable_file(self, kinds: Iterable[str], ident: str) -> str:
        """The unreadable file that would have defined ``ident`` as one of ``kinds``, or ""."""
        return next((self.unreadable[(k, ident)] for k in kinds if (k, ident) in self.unreadable), "")


def resolve(content: Content, diags: Diagnostics, now: dt.datetime, include_drafts: bool) -> SiteGraph:
    def published(item: Incident | Report | Page) -> bool:
        return is_published(item.publishing, now, include_drafts)

    incidents = _unique(content.incidents, "slug", "incident slug", diags)
    reports = _unique(content.reports, "slug", "report slug", diags)
    pages = _unique(content.pages, "slug", "page slug", diags)
    sources = _unique_sources(content.sources, diags)
    entities = _entities(content, diags)
    _check_page_slugs(pages, diags)

    live_incidents = sorted((i for i in incidents.values() if published(i)),
                            key=lambda i: (i.date, i.slug), reverse=True)
    live_reports = sorted((r for r in reports.values() if published(r)),
                          key=lambda r: (r.date, r.slug), reverse=True)
    live_slugs = {i.slug for i in live_incidents}
    unreadable = {(u.kind, u.id): u.path for u in content.unreadable}
    known = _Known(incidents, sources, entities, live_slugs, unreadable)
    _check_references(live_incidents, live_reports, known, diags)
    _warn_near_entities(live_incidents, entities, unreadable, diags)

    entity_incidents, entity_claims = defaultdict(list), defaultdict(list)
    for incident in live_incidents:
        for ref in incident.entities:
            entity_incidents[ref.id].append(incident)
        for claim in incident.claims:
            if claim.by:
                entity_claims[claim.by.id].append((incident, claim))
    coverage_of = defaultdict(list)
    for report in live_reports:
        for ref in report.incidents:
            coverage_of[ref.id].append(report)
    named = set(entity_incidents) | set(entity_claims)
    return SiteGraph(
        config=content.config,
        incidents=tuple(live_incidents),
        reports=tuple(live_reports),
        sources=dict(sorted(sources.items())),
        entities={k: e for k, e in sorted(entities.items()) if e.path or k in named},
        pages=tuple(sorted((p for p in pages.values() if published(p)), key=lambda p: p.slug)),
        targets=_targets(incidents, reports, sources, entities, pages, published,
                         named | _listed_sources(live_incidents, live_reports)),
        citing={},  # filled in by add_citations once the bodies are rendered
        entity_incidents={k: tuple(v) for k, v in entity_incidents.items()},
        entity_claims={k: tuple(v) for k, v in entity_claims.items()},
        coverage_of={k: tuple(v) for k, v in coverage_of.items()},
        related=related_incidents(live_incidents, content.config.related_limit),
        terms={},
        incident_terms={},
        include_drafts=include_drafts,
        unreadable=unreadable,
        tag_files=_unique(content.tags, "id", "tag id", diags),
    )


def add_citations(graph: SiteGraph, cited: dict[tuple[str, str], tuple[str, ...]],
                  diags: Diagnostics) -> SiteGraph:
    """Backlinks that need the rendered bodies: who cites each source, and the taxonomies.

    ``cited`` maps (kind, slug) of every published incident and report to the ids of
    all the sources it cites: in its body, its front matter and its claims. A source
    gets a page when it has a file or a published item cites it, so a source defined
    only inside a draft stays hidden with the draft.
    """
    citing: dict[str, list[Incident | Report]] = defaultdict(list)
    items: tuple[Incident | Report, ...] = (*graph.incidents, *graph.reports)
    for item in items:
        for sid in cited.get((item.kind, item.slug), ()):
            citing[sid].append(item)
    public = {sid: s for sid, s in graph.sources.items() if s.from_file or sid in citing}
    terms, incident_terms = build_terms(list(graph.incidents), list(graph.reports), public, citing, diags,
                                        graph.tag_files)
    return dataclasses.replace(graph, sources=public, citing={k: tuple(v) for k, v in citing.items()},
                               terms=terms, incident_terms=incident_terms)


def _unique(items: Iterable[Any], key: str, what: str, diags: Diagnostics) -> dict[str, Any]:
    # Any: incidents, reports, pages and entities share 'path' and a key attribute but no base class.
    seen: dict[str, Any] = {}
    for item in items:
        value = getattr(item, key)
        if value in seen:
            first = seen[value]
            diags.error(item.path, getattr(item, "line", 1), key,
                        f"duplicate {what} {value!r}, also used by {first.path}",
                        "rename one of the files or set a different 'slug'")
            continue
        seen[value] = item
    return seen


def _unique_sources(sources: tuple[Source, ...], diags: Diagnostics) -> dict[str, Source]:
    seen: dict[str, Source] = {}
    for source in sources:
        first = seen.get(source.id)
        if first is None:
            seen[source.id] = source
            continue
        diags.error(source.path, source.line, "sources" if not source.from_file else "",
                    f"source {source.id!r} is defined twice; first defined at {first.path}:{first.line}",
                    "define a source once and cite it elsewhere with '- id: " + source.id + "' alone")
    return seen


def _entities(content: Content, diags: Diagnostics) -> dict[str, Entity]:
    """Entities with files, plus every id named in front matter (they get a page too)."""
    entities = _unique(content.entities, "id", "entity id", diags)
    for incident in content.incidents:
        for ref in incident.entities:
            entities.setdefault(ref.id, Entity(id=ref.id, name=title_from_id(ref.id)))
    return entities


def _listed_sources(incidents: Iterable[Incident], reports: Iterable[Report]) -> set[str]:
    """Sources a published item lists in front matter: they get a page even if defined in a draft."""
    items: tuple[Incident | Report, ...] = (*incidents, *reports)
    ids = {ref.id for item in items for ref in item.sources}
    return ids | {ref.id for i in incidents for claim in i.claims for ref in claim.sources}


def _check_page_slugs(pages: dict[str, Page], diags: Diagnostics) -> None:
    for slug, page in pages.items():
        if slug in RESERVED:
            diags.error(page.path, 1, "slug", f"page slug {slug!r} is used by the site itself",
                        "rename the file or set another 'slug'")


@dataclass(frozen=True, slots=True)
class _Known:
    """What front-matter ids may name, for ``_check_references``."""

    incidents: Mapping[str, Incident]
    sources: Mapping[str, Source]
    entities: Mapping[str, Entity]
    live_slugs: set[str]
    unreadable: Mapping[tuple[str, str], str]


SOURCE_HINT = "define it inline with a title, or add content/sources/<id>.md"
ENTITY_HINT = "list it under 'entities' or add content/entities/<id>.md"


def _check_references(incidents: Iterable[Incident], reports: Iterable[Report], known: _Known,
                      diags: Diagnostics) -> None:
    def check(ref: Reference, kind: str, names: Mapping[str, object], hint: str, live: set[str] | None = None) -> None:
        if ref.id not in names:
            if (kind, ref.id) not in known.unreadable:  # else its file's own error is the one to fix
                diags.error(ref.path, ref.line, ref.field, f"unknown {kind} {ref.id!r}",
                            did_you_mean(ref.id, names) or hint)
        elif live is not None and ref.id not in live:
            diags.error(ref.path, ref.line, ref.field,
                        f"links to the unpublished {kind} {ref.id!r} (a draft or embargoed)",
                        "publish it, remove the link, or build with --drafts")

    for incident in incidents:
        for ref in incident.sources:
            check(ref, "source", known.sources, SOURCE_HINT)
        for ref in incident.related:
            check(ref, "incident", known.incidents, "expected the slug of another incident", known.live_slugs)
        for claim in incident.claims:
            if claim.by:
                check(claim.by, "entity", known.entities, ENTITY_HINT)
            for ref in claim.sources:
                check(ref, "source", known.sources, SOURCE_HINT)
    for report in reports:
        for ref in report.incidents:
            check(ref, "incident", known.incidents, "expected the slug of an incident", known.live_slugs)
        for ref in report.sources:
            check(ref, "source", known.sources, SOURCE_HINT)


def _warn_near_entities(incidents: Iterable[Incident], entities: Mapping[str, Entity],
                        unreadable: Mapping[tuple[str, str], str], diags: Diagnostics) -> None:
    """An id under 'entities' without a file, a typo away from one with a file, would silently get a second page."""
    near_miss = NearMisses(eid for eid, e in entities.items() if e.path)
    for incident in incidents:
        for ref in incident.entities:
            if entities[ref.id].path or ("entity", ref.id) in unreadable:
                continue
            close = near_miss(ref.id)
            if close:
                diags.warning(ref.path, ref.line, ref.field,
                              f"no entity file is called {ref.id!r}, so it will get a page of its own",
                              f"did you mean '{close}'? (described in {entities[close].path})")


def _targets(incidents: Mapping[str, Incident], reports: Mapping[str, Report], sources: Mapping[str, Source],
             entities: Mapping[str, Entity], pages: Mapping[str, Page],
             published: Callable[[Incident | Report | Page], bool], named: set[str]) -> dict[str, tuple[Target, ...]]:
    out: dict[str, list[Target]] = defaultdict(list)
    for slug, i in incidents.items():
        out[slug].append(Target("incident", slug, i.title, path_of("incident", slug), published(i)))
    for slug, r in reports.items():
        out[slug].append(Target("report", slug, r.title, path_of("report", slug), published(r)))
    for sid, s in sources.items():
        out[sid].append(Target("source", sid, s.title, path_of("source", sid), s.from_file or sid in named))
    for eid, e in entities.items():
        out[eid].append(Target("entity", eid, e.name, path_of("entity", eid), bool(e.path) or eid in named))
    for slug, p in pages.items():
        out[slug].append(Target("page", slug, p.title, path_of("page", slug), published(p)))
    return {k: tuple(v) for k, v in out.items()}
