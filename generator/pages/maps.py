"""The maps pages show: points for incidents, drawn by ``generator.geo`` at build time.

Each map is inline SVG whose points are links, so it works with JavaScript off and
requests nothing from another host. A map is given to its page as a ``MapSpec`` in the page's
context (its points and box), so the page's fingerprint covers every point it shows, and
the map is drawn when the template prints it, in the worker that renders the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..contexts import MapPlace
from ..geo import Bounds, MapPoint, MapSpec, bounds_around, country_bounds, snapped
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


def location_map(incident: Incident, page_path: str) -> MapSpec | None:
    """The incident page's own small map: its point, in its region, its country marked."""
    if not has_point(incident):
        return None
    point = incident_point(incident, page_path, current=True)
    return MapSpec((point,), f"Map: where it happened ({incident.location.place or 'location'})",
                   snapped(bounds_around([point], min_span_deg=12.0)), incident.location.country, 480, "location-map")


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
        bounds = snapped(bounds_around(points, min_span_deg=8.0))
    return MapSpec(tuple(points), title, bounds, country, width, id_prefix)


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


def world_map(groups: Sequence[tuple[MapPlace, Incident]], page_path: str) -> MapSpec:
    """The map page's map: a point per place, sized by its number of incidents."""
    points = []
    for place, newest in groups[:MAX_POINTS]:
        loc = newest.location
        assert loc.lat is not None and loc.lon is not None
        label = f"{place.name}{', ' + place.country if place.country else ''}: " + (
            newest.title if place.incidents == 1 else f"{place.incidents} incidents")
        points.append(MapPoint(loc.lat, loc.lon, relative(page_path, place.href_path), label, count=place.incidents))
    bounds = snapped(bounds_around(points, min_span_deg=30.0)) if points else None
    return MapSpec(tuple(points), "Map of incidents", bounds, "", 960, "world-map")
