"""The maps pages show: points for incidents, drawn by ``generator.geo`` at build time.

Each map is inline SVG whose points are links, so it works with JavaScript off and
requests nothing from another host; its land is a basemap file in the site's assets/ that
every map of its box shares (``geo/basemap.py``). A map is given to its page as a ``MapSpec`` in the page's
context (its points and box), so the page's fingerprint covers every point it shows, and
the map is drawn when the template prints it, in the worker that renders the page.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from ..contexts import MapPlace
from ..geo import Bounds, MapPoint, MapSpec, bounds_around, country_bounds, snapped
from ..geo.bounds import MAX_LAT
from ..model import Incident
from ..urls import path_of, place_slug, relative

# A map with more points than this groups them by place even where they have no place name,
# so that the map page stays small (a point is ~150 bytes of SVG).
MAX_POINTS = 2000


def has_point(incident: Incident) -> bool:
    return incident.location.lat is not None and incident.location.lon is not None


def incident_point(incident: Incident, page_path: str, current: bool = False) -> MapPoint:
    loc = incident.location
    assert loc.lat is not None and loc.lon is not None
    where = ", ".join(p for p in (loc.place, loc.country) if p)
    label = f"{incident.title} ({incident.date.human()}{', ' + where if where else ''})"
    return MapPoint(loc.lat, loc.lon, relative(page_path, path_of("incident", incident.slug)), label,
                    current=current)


def assets_of(page_path: str) -> str:
    """The URL of the site's assets/ folder from the page, where a map finds its basemap file."""
    return relative(page_path, "assets/")


def location_map(incident: Incident, page_path: str) -> MapSpec | None:
    """The incident page's own small map: its point, in its region, its country marked."""
    if not has_point(incident):
        return None
    point = incident_point(incident, page_path, current=True)
    return MapSpec((point,), f"Map: where it happened ({incident.location.place or 'location'})",
                   spot_box(point), incident.location.country, 480, "location-map", assets_of(page_path))


def spot_box(point: MapPoint) -> Bounds:
    """The box of a map of one spot: the incident's own map, and its place's when all are there."""
    return snapped(bounds_around([point], min_span_deg=12.0))


SPOT_DEG = 1.0  # points closer together than this (in latitude and longitude) are mapped as one spot


def incidents_map(incidents: Iterable[Incident], page_path: str, *, title: str, current: Incident | None = None,
                  country: str = "", id_prefix: str = "map", width: int = 480) -> MapSpec | None:
    """A small map of some incidents (related ones, a place's or a country's); None when none has a point."""
    points = [incident_point(i, page_path) for i in incidents if has_point(i)]
    if current is not None and has_point(current):
        points.append(incident_point(current, page_path, current=True))
    if not points:
        return None
    bounds: Bounds | None = country_bounds(country) if country else None
    if bounds is None:
        lats, lons = [p.lat for p in points], [p.lon for p in points]
        if max(lats) - min(lats) < SPOT_DEG and max(lons) - min(lons) < SPOT_DEG:
            bounds = spot_box(points[0])  # a place's incidents: the box of their own maps, one basemap for all
        else:
            bounds = snapped(bounds_around(points, min_span_deg=8.0))
    return MapSpec(tuple(points), title, bounds, country, width, id_prefix, assets_of(page_path))


NEARBY_DEG = 30.0  # the related map shows the related incidents within this many degrees of the incident
REGION_CELL = 10.0  # a region map is centred on the incident's cell of this many degrees


def related_map(incident: Incident, related: Iterable[Incident], page_path: str) -> MapSpec | None:
    """The incident and the related incidents near it, on the incident's own map when they fit
    in it (one basemap for both), else on a map of its region.

    None when the incident has no point or no related one is near: a world map of scattered
    points tells a reader little that the list does not, and weighs some 80 KB on every page.
    Both boxes depend on the incident's place alone, so a site has few of them to draw.
    """
    if not has_point(incident):
        return None
    here = incident_point(incident, page_path, current=True)
    near = [incident_point(i, page_path) for i in related if has_point(i) and _near(here, i)]
    if not near:
        return None
    box = spot_box(here)
    if not all(box.contains(p.lat, p.lon) for p in near):
        box = region_box(here)
    return MapSpec((*near, here), "Map: this incident and the related incidents near it", box, "", 480,
                   "related-map", assets_of(page_path))


def _near(here: MapPoint, incident: Incident) -> bool:
    lat, lon = incident.location.lat, incident.location.lon
    assert lat is not None and lon is not None
    return abs(lat - here.lat) <= NEARBY_DEG and abs((lon - here.lon + 180.0) % 360.0 - 180.0) <= NEARBY_DEG


def region_box(point: MapPoint) -> Bounds:
    """A box holding everything within ``NEARBY_DEG`` of the point: centred on its cell, shaped as a map."""
    reach = NEARBY_DEG + REGION_CELL / 2
    lat = math.floor(point.lat / REGION_CELL) * REGION_CELL + REGION_CELL / 2
    lon = math.floor(point.lon / REGION_CELL) * REGION_CELL + REGION_CELL / 2
    return Bounds(max(-180.0, lon - reach), max(-MAX_LAT, lat - reach),
                  min(180.0, lon + reach), min(MAX_LAT, lat + reach)).padded(0.0)


def place_groups(incidents: Sequence[Incident]) -> list[tuple[MapPlace, Incident]]:
    """One entry per place with coordinates: its incidents' count, and the newest one (its point).

    A place with one incident links to that incident; a place with several, to its place page.
    Incidents without a place name are grouped by their coordinates.
    """
    groups: dict[str, list[Incident]] = {}
    for incident in incidents:  # newest first
        if has_point(incident):
            loc = incident.location
            key = place_slug(loc.place, loc.country) if loc.place else f"@{loc.lat:.2f},{loc.lon:.2f}"
            groups.setdefault(key, []).append(incident)
    out = []
    for key, members in groups.items():
        newest = members[0]
        loc = newest.location
        if len(members) > 1 and not key.startswith("@"):
            target = path_of("place", key)
        else:
            target = path_of("incident", newest.slug)
        out.append((MapPlace(loc.place or f"{loc.lat:.2f}, {loc.lon:.2f}", loc.country, len(members), target),
                    newest))
    out.sort(key=lambda pair: (-pair[0].incidents, pair[0].name, pair[0].country))
    return out


def world_map(groups: Sequence[tuple[MapPlace, Incident]], page_path: str, *, width: int = 960,
              id_prefix: str = "world-map", limit: int = MAX_POINTS) -> MapSpec:
    """The map page's map (and the home page's smaller one): a point per place, sized by its number
    of incidents, for the ``limit`` places with the most incidents."""
    points = []
    for place, newest in groups[:limit]:
        loc = newest.location
        assert loc.lat is not None and loc.lon is not None
        label = f"{place.name}{', ' + place.country if place.country else ''}: " + (
            newest.title if place.incidents == 1 else f"{place.incidents} incidents")
        points.append(MapPoint(loc.lat, loc.lon, relative(page_path, place.href_path), label, count=place.incidents))
    bounds = snapped(bounds_around(points, min_span_deg=30.0)) if points else None
    return MapSpec(tuple(points), "Map of incidents", bounds, "", width, id_prefix, assets_of(page_path))
