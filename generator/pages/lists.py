"""List pages: incidents, reports, sources, entities and corrections, each paginated with its total;
the incidents as a sortable table; incidents by status; the data page."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence

from ..contexts import (
    CorrectionEntry,
    CorrectionsContext,
    DataContext,
    EntityListContext,
    ListContext,
    SortLink,
    SourceListContext,
    TableContext,
)
from ..datalisting import DataListing
from ..graph import SiteGraph
from ..meta import data_meta
from ..meta.page import last_change
from ..model import Incident, Report
from ..pagejob import PageJob
from ..stats import most_used
from .feeds import feed_path
from .paging import paginate, titled

CORRECTIONS_POLICY = "corrections-policy"
STATUSES = ("developing", "confirmed", "disputed", "closed")
# Figure columns of the table: the most common keys (a site may use dozens of rare ones).
TABLE_FIGURES = 6


def item_lists(graph: SiteGraph) -> Iterator[PageJob]:
    per = graph.config.per_page
    filters = incident_filters(graph)
    for path, pager, shown in paginate(graph.incidents, per, "incidents/"):
        yield PageJob(path, "incident_list.html", titled("All incidents", pager),
                      ListContext(tuple(shown), pager, filters, feed_path("incidents/")))
    for path, pager, reports in paginate(graph.reports, per, "reports/"):
        yield PageJob(path, "report_list.html", titled("Reports", pager),
                      ListContext(tuple(reports), pager, feed=feed_path("reports/")))


def incident_filters(graph: SiteGraph) -> dict[str, tuple[tuple[str, str, int], ...]]:
    """The filter links of the incidents list: (label, site path, incidents) by facet."""
    counts = Counter(i.status for i in graph.incidents)
    out = {"status": tuple((status.capitalize(), f"status/{status}/", counts[status])
                           for status in STATUSES if counts[status])}
    for kind, section in (("year", "years"), ("country", "countries")):
        out[kind] = tuple((t.name, f"{section}/{t.slug}/", len(t.incidents)) for t in graph.terms.get(kind, ()))
    tags = sorted(graph.terms.get("tag", ()), key=lambda t: (-len(t.incidents), t.name))[:12]
    out["tag"] = tuple((t.name, f"tags/{t.slug}/", len(t.incidents)) for t in tags if t.incidents)
    return out


def table_figures(incidents: Sequence[Incident], order: Sequence[str]) -> tuple[str, ...]:
    """The table's figure columns: the most used keys, in the site's order of figures (``stats.figure_order``)."""
    return most_used(incidents, order, TABLE_FIGURES)


def table_pages(graph: SiteGraph, incidents: Sequence[Incident], first: str, heading: str,
                order: Sequence[str]) -> Iterator[PageJob]:
    """The incidents as a table, one pre-built paginated page per sort: newest, oldest, and each figure.

    ``order``: the site's order of figures, the same on every table whatever incidents it shows.
    """
    figures = table_figures(incidents, order)
    orders: list[tuple[str, str, str, list[Incident]]] = [
        ("newest", "Newest first", first, list(incidents)),
        ("oldest", "Oldest first", f"{first}oldest/", list(reversed(incidents))),
    ]
    for key in figures:
        values = {i.slug: dict(i.figures).get(key, -1) for i in incidents}
        ranked = sorted(incidents, key=lambda i: -values[i.slug])  # stable: newest first among equals
        orders.append((f"by-{key}", key.replace("_", " ").capitalize(), f"{first}by-{key}/", ranked))
    for sort, _, base, ordered in orders:
        sorts = tuple(SortLink(k, label, path, k == sort) for k, label, path, _ in orders)
        for path, pager, shown in paginate(ordered, graph.config.per_page, base):
            yield PageJob(path, "incident_table.html", titled(heading, pager),
                          TableContext(tuple(shown), figures, sorts, sort, pager, heading))


def status_pages(graph: SiteGraph, order: Sequence[str]) -> Iterator[PageJob]:
    """A table of the incidents of each status, at status/<status>/ (a status no incident has gets none)."""
    for status in STATUSES:
        chosen = [i for i in graph.incidents if i.status == status]
        if chosen:
            yield from table_pages(graph, chosen, f"status/{status}/", f"Incidents with status {status}: table",
                                       order)


def source_list(graph: SiteGraph) -> Iterator[PageJob]:
    sources = tuple(graph.sources.values())
    for path, pager, shown in paginate(sources, graph.config.per_page, "sources/"):
        counts = {s.id: len(graph.citing.get(s.id, ())) for s in shown}
        yield PageJob(path, "source_list.html", titled("Sources", pager),
                      SourceListContext(tuple(shown), counts, pager))


def entity_list(graph: SiteGraph) -> Iterator[PageJob]:
    entities = tuple(graph.entities.values())
    for path, pager, shown in paginate(entities, graph.config.per_page, "entities/"):
        counts = {e.id: len(graph.entity_incidents.get(e.id, ())) for e in shown}
        yield PageJob(path, "entity_list.html", titled("People, organisations and places", pager),
                      EntityListContext(tuple(shown), counts, pager))


def corrections_pages(graph: SiteGraph) -> Iterator[PageJob]:
    policy = next((p for p in graph.pages if p.slug == CORRECTIONS_POLICY), None)
    for path, pager, shown in paginate(corrections(graph), graph.config.per_page, "corrections/"):
        yield PageJob(path, "corrections.html", titled("Corrections and updates", pager),
                      CorrectionsContext(tuple(shown), policy, pager, feed_path("corrections/")))


def corrections(graph: SiteGraph) -> tuple[CorrectionEntry, ...]:
    everything: list[Incident | Report] = [*graph.incidents, *graph.reports]
    entries = [CorrectionEntry(item, u) for item in everything for u in item.updates]
    return tuple(sorted(entries, key=lambda e: (e.update.date, e.item.slug), reverse=True))


def data_page(graph: SiteGraph, data: DataListing) -> PageJob:
    """Every data file with its size and row count (``data``: measured on the rendered exports)."""
    everything: list[Incident | Report] = [*graph.incidents, *graph.reports]
    counts = {"incidents": len(graph.incidents), "sources": len(graph.sources), "entities": len(graph.entities),
              "claims": sum(len(i.claims) for i in graph.incidents),
              "feed": min(len(everything), graph.config.feed_size)}  # the site feed's entries
    # The Dataset's files: those with an address of their own (not the per-incident pattern).
    files = [(f.path, "text/csv" if f.format == "CSV" else "application/json", f.path.removeprefix("data/"))
             for f in data.files if f.path.startswith("data/")]
    changed = max((last_change(item) for item in everything), default=None)
    return PageJob("data/", "data.html", "Download the data",
                   DataContext(data.files, data.built, counts, data_meta(graph.config, files, changed)))
