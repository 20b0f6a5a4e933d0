"""The timeline: an overview (a chart of every year, every month with its figures) and, for each year,
pages placing each of its incidents under its month, oldest first.

A year's pages are at ``timeline/<year>/`` and ``timeline/<year>/page/<n>/``: the first page's URL
depends on the year alone, so no link to it breaks as the site grows, and a year holds any number
of incidents at ``per_page`` a page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

from ..charts import for_every_screen, year_columns
from ..contexts import TimelineContext, TimelineGroup, TimelineMonth, TimelineYearContext
from ..graph import SiteGraph
from ..model import Incident
from ..pagejob import PageJob
from ..stats import Statistics, describe
from .paging import page_of, page_path, paginate, titled


def year_path(year: int) -> str:
    return f"timeline/{year}/"


def month_of(incident: Incident) -> tuple[int, int]:
    return incident.date.year, incident.date.month  # month 0: only the year is known


def month_anchor(year: int, month: int) -> str:
    return f"month-{year}-{month:02d}"


def by_year(incidents: Sequence[Incident]) -> dict[int, list[Incident]]:
    """Each year's incidents, oldest first (``incidents`` come newest first), newest year first."""
    years: dict[int, list[Incident]] = defaultdict(list)
    for incident in reversed(incidents):
        years[incident.date.year].append(incident)
    return dict(sorted(years.items(), reverse=True))


def timeline_pages(graph: SiteGraph, stats: Statistics, order: Sequence[str]) -> Iterator[PageJob]:
    """The overview, then every page of every year; ``order``: the site's order of figures."""
    years = by_year(graph.incidents)
    yield timeline_page(graph, stats, years)
    listed = tuple(years)
    for year, incidents in years.items():
        for path, pager, shown in paginate(incidents, graph.config.per_page, year_path(year)):
            before = incidents[pager.start - 2] if pager.start > 1 else None
            yield PageJob(path, "timeline_year.html", titled(f"Timeline of {year}", pager),
                          TimelineYearContext(year, groups(shown, before), tuple(order), pager, listed))


def groups(shown: Sequence[Incident], before: Incident | None) -> tuple[TimelineGroup, ...]:
    """The months of a page; the first has no anchor when it began on the page before (``before``)."""
    months: dict[tuple[int, int], list[Incident]] = defaultdict(list)
    for incident in shown:
        months[month_of(incident)].append(incident)
    out: list[TimelineGroup] = []
    for (year, month), members in months.items():
        continued = before is not None and month_of(before) == (year, month) and not out
        name = members[0].date.month_name
        out.append(TimelineGroup("" if continued else month_anchor(year, month),
                                 f"{name} (continued)" if continued else name, tuple(members)))
    return tuple(out)


def timeline_page(graph: SiteGraph, stats: Statistics, years: dict[int, list[Incident]]) -> PageJob:
    """Every year and month with its incidents and figures; each month links to where its year's pages list it."""
    per = graph.config.per_page
    overview: list[tuple[int, int, tuple[TimelineMonth, ...]]] = []
    for year, incidents in years.items():
        firsts: dict[int, int] = {}  # month -> position of its first incident in the year
        members: dict[int, list[Incident]] = defaultdict(list)
        for position, incident in enumerate(incidents):
            firsts.setdefault(incident.date.month, position)  # 0: only the year is known
            members[incident.date.month].append(incident)
        months = []
        for month in sorted(members, reverse=True):  # newest month first
            counted = [i for i in members[month] if i.in_totals]
            totals = tuple((key, sum(dict(i.figures).get(key, 0) for i in counted)) for key in stats.figures)
            first = page_path(year_path(year), page_of(firsts[month], per))
            months.append(TimelineMonth(year, month, members[month][0].date.month_name, len(members[month]), totals,
                                        f"{first}#{month_anchor(year, month)}"))
        overview.append((year, len(incidents), tuple(months)))
    # Every year from the first to the last, those without incidents as empty columns: the chart
    # covers what the list covers, fictional examples included, and shows the gaps.
    rows = [(str(y), float(len(years.get(y, ())))) for y in range(min(years), max(years) + 1)] if years else []
    chart = (for_every_screen(year_columns, rows, title="Incidents by year", unit="incidents",
                              chart_id="timeline-chart") if rows else None)
    return PageJob("timeline/", "timeline.html", "Timeline", TimelineContext(
        years=tuple(overview), figures=stats.figures, chart=chart, stats_note=describe(stats)))
