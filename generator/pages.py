"""Which pages the site has, and what each template is given.

``plan_pages`` yields one ``PageJob`` per output page: its site path, the
template that renders it, and that template's own variables. It is a
generator so that pages are rendered and written one at a time (a large site
never holds every rendered page in memory). Variables every template gets
(site, url(), nav…) are added by the render stage.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .graph import SiteGraph
from .markdown import RenderedBody
from .model import Claim, Entity, Incident, Moment, Publishing, Report, Source, Update
from .terms import TERM_KINDS, Term
from .urls import list_path, path_of, term_slug

TERM_SECTIONS = {"tag": "tags", "country": "countries", "place": "places", "year": "years",
                 "publisher": "publishers"}
TERM_LABELS = {"tag": ("Tag", "Tags"), "country": ("Country", "Countries"), "place": ("Place", "Places"),
               "year": ("Year", "Years"), "publisher": ("Publisher", "Publishers")}


@dataclass(frozen=True, slots=True)
class PageJob:
    path: str  # site path: "" for home, "incidents/x/", "404.html"
    template: str
    title: str
    context: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Pager:
    number: int
    total: int
    prev_path: str | None
    next_path: str | None
    pages: tuple[tuple[int, str], ...]  # (number, site path) of every page


@dataclass(frozen=True, slots=True)
class NumberedSource:
    number: int
    source: Source
    cited: bool  # cited in the body (rather than only listed in front matter)
    uses: int  # how many citations in the body point at it (for the "jump back" links)

    @property
    def backrefs(self) -> list[str]:
        """Ids of the body's citations of this source, for links back up the page."""
        return [f"cite-{self.source.id}-{n}" for n in range(1, self.uses + 1)]


@dataclass(frozen=True, slots=True)
class ClaimView:
    claim: Claim
    by: Any  # the Entity, or None
    source_numbers: tuple[tuple[int, Source], ...]


@dataclass(frozen=True, slots=True)
class Unpublished:
    """Why a page built with drafts included (``--drafts``, the preview) is not public yet.

    Templates get it as ``unpublished`` (None on every other page) and show a banner, so
    that nobody mistakes a draft or an embargoed incident in the preview for a published one.
    """

    draft: bool
    embargoed_until: Moment | None  # set only while the embargo is in force

    @property
    def label(self) -> str:
        if self.draft or self.embargoed_until is None:
            return "Draft — not published"
        return f"Embargoed until {self.embargoed_until.human()}"

    @property
    def also(self) -> str:
        """The embargo of a draft that has one too ("" otherwise)."""
        if self.draft and self.embargoed_until is not None:
            return f"also embargoed until {self.embargoed_until.human()}"
        return ""


def unpublished(graph: SiteGraph, publishing: Publishing, now: dt.datetime) -> Unpublished | None:
    """The banner's reason for an item in ``graph``, or None when the item is public."""
    if not graph.include_drafts:  # then every item in the graph is published
        return None
    until = publishing.publish_after
    embargoed = until is not None and until.value > now
    if not (publishing.draft or embargoed):
        return None
    return Unpublished(publishing.draft, until if embargoed else None)


@dataclass(frozen=True, slots=True)
class CorrectionEntry:
    item: Incident | Report
    update: Update


def plan_pages(graph: SiteGraph, bodies: dict[tuple[str, str], RenderedBody],
               now: dt.datetime | None = None) -> Iterator[PageJob]:
    """Every page; ``now`` (default: the current time) tells which embargoes are still in force."""
    now = now or dt.datetime.now(dt.UTC)
    yield home(graph)
    yield from paginated(graph, "incidents", graph.incidents, "incident_list.html", "All incidents")
    yield from paginated(graph, "reports", graph.reports, "report_list.html", "Reports")
    for incident in graph.incidents:
        yield incident_page(graph, incident, bodies[("incident", incident.slug)], now)
    for report in graph.reports:
        yield report_page(graph, report, bodies[("report", report.slug)], now)
    yield PageJob("sources/", "source_list.html", "Sources", {"sources": list(graph.sources.values())})
    for source in graph.sources.values():
        yield source_page(graph, source, bodies.get(("source", source.id)))
    yield PageJob("entities/", "entity_list.html", "People, organisations and places",
                  {"entities": list(graph.entities.values())})
    for entity in graph.entities.values():
        yield entity_page(graph, entity, bodies.get(("entity", entity.id)))
    for kind in TERM_KINDS:
        yield from term_pages(graph, kind)
    yield PageJob("corrections/", "corrections.html", "Corrections and updates", {"entries": corrections(graph)})
    yield PageJob("data/", "data.html", "Download the data", {"counts": {
        "incidents": len(graph.incidents), "sources": len(graph.sources), "entities": len(graph.entities),
        "claims": sum(len(i.claims) for i in graph.incidents)}})
    yield PageJob("feed.xml", "feed.xml", graph.config.title, {"entries": feed_entries(graph)})
    for page in graph.pages:
        body = bodies[("page", page.slug)]
        yield PageJob(path_of("page", page.slug), "page.html", page.title, {
            "page": page, "body": body, "unpublished": unpublished(graph, page.publishing, now)})
    yield PageJob("404.html", "404.html", "Page not found", {})


def home(graph: SiteGraph) -> PageJob:
    limit = graph.config.home_limit
    return PageJob("", "home.html", graph.config.title, {
        "incidents": graph.incidents[:limit],
        "reports": graph.reports[:limit],
        "totals": figure_totals(graph.incidents),
        "counts": {"incidents": len(graph.incidents), "reports": len(graph.reports),
                   "sources": len(graph.sources), "entities": len(graph.entities)},
    })


def figure_totals(incidents: Iterable[Incident]) -> list[tuple[str, int | float]]:
    totals: dict[str, int | float] = defaultdict(int)
    for incident in incidents:
        for key, value in incident.figures:
            totals[key] += value
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))


def paginated(graph: SiteGraph, section: str, items: Sequence[Incident | Report], template: str,
              title: str) -> Iterator[PageJob]:
    per = graph.config.per_page
    total = max(1, math.ceil(len(items) / per))
    paths = tuple((n, list_path(section, n)) for n in range(1, total + 1))
    for n, path in paths:
        pager = Pager(n, total, paths[n - 2][1] if n > 1 else None, paths[n][1] if n < total else None, paths)
        shown = title if n == 1 else f"{title} (page {n} of {total})"
        yield PageJob(path, template, shown, {"items": items[(n - 1) * per: n * per], "pager": pager})


def numbered_sources(graph: SiteGraph, body: RenderedBody) -> list[NumberedSource]:
    return [NumberedSource(n, graph.sources[sid], sid in body.cited, body.uses.get(sid, 0))
            for n, sid in enumerate(body.sources, start=1)]


def incident_page(graph: SiteGraph, incident: Incident, body: RenderedBody, now: dt.datetime) -> PageJob:
    numbers = {sid: n for n, sid in enumerate(body.sources, start=1)}
    claims = [ClaimView(c, graph.entities.get(c.by.id) if c.by else None,
                        tuple(sorted((numbers[r.id], graph.sources[r.id]) for r in c.sources if r.id in numbers)))
              for c in incident.claims]
    return PageJob(path_of("incident", incident.slug), "incident.html", incident.title, {
        "incident": incident,
        "body": body,
        "sources": numbered_sources(graph, body),
        "claims": claims,
        "entities": [graph.entities[r.id] for r in incident.entities if r.id in graph.entities],
        "related": graph.related.get(incident.slug, ()),
        "reports": graph.coverage_of.get(incident.slug, ()),
        "terms": graph.incident_terms.get(incident.slug, {}),
        "unpublished": unpublished(graph, incident.publishing, now),
    })


def report_page(graph: SiteGraph, report: Report, body: RenderedBody, now: dt.datetime) -> PageJob:
    by_slug = {i.slug: i for i in graph.incidents}
    tags = {t.slug: t for t in graph.terms["tag"]}
    more_on = []
    for tag in report.tags:
        term = tags.get(term_slug(tag))
        others = [i for i in (term.incidents if term else ()) if i.slug not in {r.id for r in report.incidents}]
        other_reports = [r for r in (term.reports if term else ()) if r.slug != report.slug]
        if term and (others or other_reports):
            more_on.append((term, others[:5], other_reports[:5]))
    return PageJob(path_of("report", report.slug), "report.html", report.title, {
        "report": report,
        "body": body,
        "sources": numbered_sources(graph, body),
        "incidents": [by_slug[r.id] for r in report.incidents if r.id in by_slug],
        "tags": [tags[term_slug(t)] for t in report.tags if term_slug(t) in tags],
        "more_on": more_on,
        "unpublished": unpublished(graph, report.publishing, now),
    })


def source_page(graph: SiteGraph, source: Source, body: RenderedBody | None) -> PageJob:
    citing = graph.citing.get(source.id, ())
    publishers = {t.slug: t for t in graph.terms["publisher"]}
    return PageJob(path_of("source", source.id), "source.html", source.title, {
        "source": source,
        "body": body,
        "incidents": [i for i in citing if isinstance(i, Incident)],
        "reports": [r for r in citing if isinstance(r, Report)],
        "publisher": publishers.get(term_slug(source.publisher)) if source.publisher else None,
    })


def entity_page(graph: SiteGraph, entity: Entity, body: RenderedBody | None) -> PageJob:
    return PageJob(path_of("entity", entity.id), "entity.html", entity.name, {
        "entity": entity,
        "body": body,
        "incidents": graph.entity_incidents.get(entity.id, ()),
        "claims": graph.entity_claims.get(entity.id, ()),
    })


def term_pages(graph: SiteGraph, kind: str) -> Iterator[PageJob]:
    section = TERM_SECTIONS[kind]
    singular, plural = TERM_LABELS[kind]
    terms: tuple[Term, ...] = graph.terms[kind]
    yield PageJob(f"{section}/", "term_index.html", plural, {"kind": kind, "label": singular, "terms": terms})
    for term in terms:
        yield PageJob(path_of(kind, term.slug), "term.html", f"{singular}: {term.name}",
                      {"kind": kind, "label": singular, "term": term})


FEED_SIZE = 20


@dataclass(frozen=True, slots=True)
class FeedEntry:
    item: Incident | Report
    updated: Moment  # its date, or its latest update: feed readers show updated entries again


def feed_entries(graph: SiteGraph) -> list[FeedEntry]:
    """The newest incidents and reports, newest first, for the Atom feed."""
    everything: list[Incident | Report] = [*graph.incidents, *graph.reports]
    items = sorted(everything, key=lambda i: (i.date, i.slug), reverse=True)
    return [FeedEntry(item, max([item.date, *(u.date for u in item.updates)])) for item in items[:FEED_SIZE]]


def corrections(graph: SiteGraph) -> list[CorrectionEntry]:
    everything: list[Incident | Report] = [*graph.incidents, *graph.reports]
    entries = [CorrectionEntry(item, u) for item in everything for u in item.updates]
    return sorted(entries, key=lambda e: (e.update.date, e.item.slug), reverse=True)
