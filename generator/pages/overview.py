"""Pages that give the whole picture: the timeline, the map and the statistics."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterator

from ..charts import bar_chart, year_columns
from ..contexts import MapContext, StatisticsContext, TimelineContext, TimelineMonth
from ..graph import SiteGraph
from ..model import Incident
from ..pagejob import PageJob
from ..stats import Statistics, describe, statistics
from ..urls import path_of
from .maps import has_point, place_groups, world_map
from .paging import page_of, page_path, paginate, titled

CHART_ROWS = 15


def timeline_page(graph: SiteGraph, stats: Statistics) -> PageJob:
    """Every year and month with its incidents and figures; each month links to where its year page lists it."""
    per = graph.config.per_page
    by_month: dict[tuple[int, int], list[Incident]] = defaultdict(list)
    for incident in graph.incidents:  # newest first
        by_month[(incident.date.year, incident.date.month)].append(incident)  # month 0: only the year is known
    years: dict[int, list[TimelineMonth]] = defaultdict(list)
    position: dict[int, int] = defaultdict(int)  # incidents of the year listed before this month
    for (year, month), members in by_month.items():  # newest month first, as the year pages list them
        counted = [i for i in members if i.in_totals]
        totals = tuple((key, sum(dict(i.figures).get(key, 0) for i in counted)) for key in stats.figures)
        first = page_path(path_of("year", str(year)), page_of(position[year], per))
        years[year].append(TimelineMonth(year, month, members[0].date.month_name, len(members), totals,
                                         f"{first}#month-{year}-{month:02d}"))
        position[year] += len(members)
    rows = [(str(r.key), float(r.incidents)) for r in stats.by_year.rows]
    chart = (year_columns(rows, title="Counted incidents by year", unit="incidents", chart_id="timeline-chart")
             if rows else None)
    return PageJob("timeline/", "timeline.html", "Timeline", TimelineContext(
        years=tuple((y, sum(m.incidents for m in ms), tuple(ms)) for y, ms in sorted(years.items(), reverse=True)),
        figures=stats.figures, chart=chart, stats_note=describe(stats)))


def map_pages(graph: SiteGraph) -> Iterator[PageJob]:
    groups = place_groups(graph.incidents)
    without = sum(1 for i in graph.incidents if not has_point(i))
    svg = world_map(groups, "map/")
    places = tuple(place for place, _ in groups)
    for path, pager, shown in paginate(places, graph.config.per_page, "map/"):
        # The map itself is on the first page; later pages continue the list of places.
        yield PageJob(path, "map.html", titled("Map", pager),
                      MapContext(svg if pager.number == 1 else None, tuple(shown), pager, without))


# The figure the charts show: deaths first, when the site records them.
CHART_FIGURES = ("killed", "deaths", "dead", "died")


def chart_figure(stats: Statistics) -> str | None:
    return next((key for key in CHART_FIGURES if key in stats.figures), stats.figures[0] if stats.figures else None)


def statistics_page(graph: SiteGraph, stats: Statistics) -> PageJob:
    """Totals by year, country and tag: tables of every figure, and a chart of the first."""
    names = {t.slug: t.name for t in graph.terms.get("tag", ())}
    tags = tuple(dataclasses.replace(row, key=names.get(row.slug, row.key)) for row in stats.by_tag.rows)
    stats = dataclasses.replace(stats, by_tag=dataclasses.replace(stats.by_tag, rows=tags))
    charts = {}
    first = chart_figure(stats)
    unit = first.replace("_", " ") if first else "incidents"
    for name, breakdown in (("year", stats.by_year), ("country", stats.by_country), ("tag", stats.by_tag)):
        if breakdown.rows:
            charts[name] = bar_chart(breakdown.series(first, top=CHART_ROWS),
                                     title=f"{unit.capitalize()} by {name}", unit=unit, chart_id=f"chart-{name}")
    return PageJob("statistics/", "statistics.html", "Statistics", StatisticsContext(stats, charts, first or ""))


def site_statistics(graph: SiteGraph) -> Statistics:
    return statistics(graph.incidents)
