"""Pages that give the whole picture: the map and the statistics (the timeline is in ``timeline.py``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from ..charts import bar_chart, for_every_screen
from ..contexts import MapContext, MapRegionLink, StatisticsContext
from ..graph import SiteGraph
from ..pagejob import PageJob
from ..stats import Statistics, statistics
from .maps import by_region, has_point, place_groups, region_map, region_path, site_regions, world_map
from .paging import paginate, titled

CHART_ROWS = 15


def map_pages(graph: SiteGraph) -> Iterator[PageJob]:
    groups = place_groups(graph.incidents)
    without = sum(1 for i in graph.incidents if not has_point(i))
    regions = by_region(groups, site_regions(graph.config))
    region_of_place = {place.href_path: region_path(region) for region, members in regions for place, _ in members}
    svg = world_map(groups, "map/", regions=region_of_place)
    links = tuple(MapRegionLink(region.name, region_path(region), sum(p.incidents for p, _ in members))
                  for region, members in regions)
    places = tuple(place for place, _ in groups)
    for path, pager, shown in paginate(places, graph.config.per_page, "map/"):
        # The map itself is on the first page; later pages continue the list of places.
        first = pager.number == 1
        yield PageJob(path, "map.html", titled("Map", pager),
                      MapContext(svg if first else None, tuple(shown), pager, without, links if first else ()))


def region_map_pages(graph: SiteGraph) -> Iterator[PageJob]:
    """A map of each region with incidents (map/<region>/): its places on a box fitted to them, and their list."""
    groups = place_groups(graph.incidents)
    for region, members in by_region(groups, site_regions(graph.config)):
        base = region_path(region)
        svg = region_map(region, members, base)
        places = tuple(place for place, _ in members)
        for path, pager, shown in paginate(places, graph.config.per_page, base):
            yield PageJob(path, "map.html", titled(f"Map: {region.name}", pager),
                          MapContext(svg if pager.number == 1 else None, tuple(shown), pager, 0, region=region.name))


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
            charts[name] = for_every_screen(bar_chart, breakdown.series(first, top=CHART_ROWS),
                                            title=f"{unit.capitalize()} by {name}", unit=unit,
                                            chart_id=f"chart-{name}")
    return PageJob("statistics/", "statistics.html", "Statistics", StatisticsContext(stats, charts, first or ""))


def site_statistics(graph: SiteGraph) -> Statistics:
    return statistics(graph.incidents)
