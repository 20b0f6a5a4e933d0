"""Pages that give the whole picture: the map and the statistics (the timeline is in ``timeline.py``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

from ..charts import bar_chart, for_every_screen
from ..contexts import MapContext, MapPlace, MapRegionLink, StatisticsContext
from ..geo import MapSpec
from ..geo.regions import Region
from ..graph import SiteGraph
from ..model import Incident
from ..pagejob import PageJob
from ..stats import Statistics, statistics
from .maps import (
    area_map,
    areas_of,
    by_region,
    has_point,
    place_groups,
    region_map,
    region_path,
    site_regions,
    world_map,
)
from .paging import paginate, titled

CHART_ROWS = 15


@dataclass(frozen=True, slots=True)
class RegionPlan:
    region: Region
    members: list[tuple[MapPlace, Incident]]
    areas: list[tuple[str, str, list[tuple[MapPlace, Incident]]]]  # (slug, name, places) of its clustered marks

    @property
    def path(self) -> str:
        return region_path(self.region)

    def area_of_place(self) -> dict[str, str]:
        return {place.href_path: f"{self.path}{slug}/" for slug, _, places in self.areas for place, _ in places}


def map_plan(graph: SiteGraph) -> tuple[list[tuple[MapPlace, Incident]], list[RegionPlan]]:
    """The places, and each region with incidents: its places and the areas its map clusters."""
    groups = place_groups(graph.incidents)
    plans = []
    for region, members in by_region(groups, site_regions(graph.config)):
        path = region_path(region)
        plans.append(RegionPlan(region, members, areas_of(region_map(region, members, path), members, path)))
    return groups, plans


def map_pages(graph: SiteGraph) -> Iterator[PageJob]:
    groups, plans = map_plan(graph)
    without = sum(1 for i in graph.incidents if not has_point(i))
    regions = {place.href_path: plan.path for plan in plans for place, _ in plan.members}
    areas = {place: area for plan in plans for place, area in plan.area_of_place().items()}
    svg = world_map(groups, "map/", regions=regions, areas=areas)
    links = tuple(MapRegionLink(plan.region.name, plan.path, sum(p.incidents for p, _ in plan.members))
                  for plan in plans)
    places = tuple(place for place, _ in groups)
    for path, pager, shown in paginate(places, graph.config.per_page, "map/"):
        # The map itself is on the first page; later pages continue the list of places.
        first = pager.number == 1
        yield PageJob(path, "map.html", titled("Map", pager),
                      MapContext(svg if first else None, tuple(shown), pager, without, links if first else ()))


def region_map_pages(graph: SiteGraph) -> Iterator[PageJob]:
    """A map of each region with incidents (map/<region>/): its places on a box fitted to them, and
    their list; and a closer map of each area its map draws as one mark (map/<region>/<area>/)."""
    _, plans = map_plan(graph)
    for plan in plans:
        svg = region_map(plan.region, plan.members, plan.path, plan.area_of_place())
        up = MapRegionLink(plan.region.name, plan.path, sum(p.incidents for p, _ in plan.members))
        per_page = graph.config.per_page
        yield from _map_list(plan.path, f"Map: {plan.region.name}", svg, plan.members, plan.region.name, None,
                             per_page)
        for slug, name, places in plan.areas:
            path = f"{plan.path}{slug}/"
            yield from _map_list(path, f"Map: {name}", area_map(name, places, path), places, name, up, per_page)


def _map_list(base: str, title: str, svg: MapSpec, members: list[tuple[MapPlace, Incident]], region: str,
              up: MapRegionLink | None, per_page: int) -> Iterator[PageJob]:
    places = tuple(place for place, _ in members)
    for path, pager, shown in paginate(places, per_page, base):
        yield PageJob(path, "map.html", titled(title, pager),
                      MapContext(svg if pager.number == 1 else None, tuple(shown), pager, 0, region=region, up=up))


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
