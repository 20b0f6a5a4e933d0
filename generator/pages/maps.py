"""The maps pages show: points for incidents, drawn by ``generator.geo`` at build time.

Each map is inline SVG whose points are links, so it works with JavaScript off and
requests nothing from another host; its land is a basemap file in the site's assets/ that
every map of its box shares (``geo/basemap.py``). A map is given to its page as a ``MapSpec`` in the page's
context (its points and box), so the page's fingerprint covers every point it shows, and
the map is drawn when the template prints it, in the worker that renders the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ..contexts import MapPlace
from ..geo import Bounds, MapPoint, MapSpec, bounds_around, country_bounds, snapped
from ..geo.outline import canonical_name
from ..geo.regions import Region, region_of
from ..geo.render import marks_of
from ..geo.spec import PHONE_WIDTH
from ..model import Incident, SiteConfig
from ..urls import path_of, place_slug, relative, term_slug

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
                   spot_box(point, incident.location.country), incident.location.country, 480, "location-map",
                   assets_of(page_path))


COUNTRY_MAX_DEG = 20.0  # a country at most this wide and tall is shown whole on a spot's map


def spot_box(point: MapPoint, country: str = "") -> Bounds:
    """The box of a map of one spot: the incident's own map, and its place's when all are there.

    The whole country around it when the country is small enough to be read on a small map (one
    box, so one basemap, for every spot in it); else a box 10 to 20 degrees across around the spot, on a
    4-degree grid (nearby spots share it).
    """
    whole = country_bounds(country) if country else None
    if whole is not None and whole.contains(point.lat, point.lon) \
            and max(whole.east - whole.west, whole.north - whole.south) <= COUNTRY_MAX_DEG:
        return whole.padded(0.1, min_span_deg=3.0)  # one box per country already: no grid needed
    return snapped(bounds_around([point], min_span_deg=8.0), step=4.0)


SPOT_DEG = 1.0  # points closer together than this (in latitude and longitude) are mapped as one spot


def incidents_map(incidents: Iterable[Incident], page_path: str, *, title: str, current: Incident | None = None,
                  country: str = "", id_prefix: str = "map", width: int = 480) -> MapSpec | None:
    """A small map of some incidents (related ones, a place's or a country's); None when none has a point."""
    located = [i for i in incidents if has_point(i)]
    points = [incident_point(i, page_path) for i in located]
    if current is not None and has_point(current):
        points.append(incident_point(current, page_path, current=True))
    if not points:
        return None
    bounds: Bounds | None = country_bounds(country) if country else None
    if bounds is None:
        lats, lons = [p.lat for p in points], [p.lon for p in points]
        if max(lats) - min(lats) < SPOT_DEG and max(lons) - min(lons) < SPOT_DEG:
            # a place's incidents: the box of their own maps, one basemap for all
            bounds = spot_box(points[0], next((i.location.country for i in located), ""))
        else:
            bounds = snapped(bounds_around(points, min_span_deg=8.0))
    return MapSpec(tuple(points), title, bounds, country, width, id_prefix, assets_of(page_path))


RELATED_MIN_DEG = 6.0  # the related map is at least this many degrees across: a town is not drawn street-sized


def related_map(incident: Incident, related: Iterable[Incident], page_path: str) -> MapSpec | None:
    """The incident and every related incident with a point, on the incident's own map when they
    fit in it (one basemap for both), else on a box fitted to them all.

    The box is snapped to the grid (``geo.snapped``) so that incidents with related incidents in
    the same parts of the world share it, and its basemap. None when no related incident has a point.
    """
    if not has_point(incident):
        return None
    here = incident_point(incident, page_path, current=True)
    others = [incident_point(i, page_path) for i in related if has_point(i)]
    if not others:
        return None
    box = spot_box(here, incident.location.country)
    if not all(box.contains(p.lat, p.lon) for p in others):
        box = snapped(bounds_around([*others, here], min_span_deg=RELATED_MIN_DEG))
    return MapSpec((*others, here), "Map: this incident and the related incidents", box, "", 480,
                   "related-map", assets_of(page_path))


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
              id_prefix: str = "world-map", limit: int = MAX_POINTS,
              regions: Mapping[str, str] | None = None, areas: Mapping[str, str] | None = None) -> MapSpec:
    """The map page's map (and the home page's smaller one): a point per place, sized by its number
    of incidents, for the ``limit`` places with the most incidents.

    ``regions`` gives each place's regional map (place site path -> map site path): a cluster of
    places links to the map of the region most of its incidents are in, where they are apart, or
    to the closer map of ``areas`` when all its places are in one.
    """
    points = []
    for place, newest in groups[:limit]:
        loc = newest.location
        assert loc.lat is not None and loc.lon is not None
        label = f"{place.name}{', ' + place.country if place.country else ''}: " + (
            newest.title if place.incidents == 1 else f"{place.incidents} incidents")
        group = regions.get(place.href_path, "") if regions else ""
        area = areas.get(place.href_path, "") if areas else ""
        points.append(MapPoint(loc.lat, loc.lon, relative(page_path, place.href_path), label, count=place.incidents,
                               group=relative(page_path, group) if group else "", name=place.name,
                               area=relative(page_path, area) if area else ""))
    bounds = snapped(bounds_around(points, min_span_deg=30.0)) if points else None
    return MapSpec(tuple(points), "Map of incidents", bounds, "", width, id_prefix, assets_of(page_path),
                   labels=regions is not None, phone=regions is not None)


def site_regions(config: SiteConfig) -> tuple[Region, ...]:
    return tuple(Region(r.slug, r.name, tuple(canonical_name(c) or c for c in r.countries))
                 for r in config.map_regions)


def by_region(groups: Sequence[tuple[MapPlace, Incident]],
              own: tuple[Region, ...]) -> list[tuple[Region, list[tuple[MapPlace, Incident]]]]:
    """The places of each region that has any, by region name; each region's places in ``groups``' order."""
    found: dict[str, tuple[Region, list[tuple[MapPlace, Incident]]]] = {}
    for place, newest in groups:
        loc = newest.location
        assert loc.lat is not None and loc.lon is not None
        region = region_of(loc.lat, loc.lon, loc.country, own)
        found.setdefault(region.slug, (region, []))[1].append((place, newest))
    return sorted(found.values(), key=lambda pair: (pair[0].name, pair[0].slug))


def region_path(region: Region) -> str:
    return f"map/{region.slug}/"


def region_map(region: Region, groups: Sequence[tuple[MapPlace, Incident]], page_path: str,
               areas: Mapping[str, str] | None = None) -> MapSpec:
    """A region's map: its places on a box fitted to them (no grid: a site has a few regions),
    at least REGION_MIN_DEG across so that one city is not drawn street-sized. ``areas`` gives the
    closer map of each place its map still clusters (place site path -> map site path)."""
    bounds = bounds_around(_points(groups, page_path), min_span_deg=REGION_MIN_DEG, pad=0.08)
    return MapSpec(_points(groups, page_path, areas), f"Map of incidents: {region.name}", bounds, "", 960,
                   "region-map", assets_of(page_path), labels=True, phone=True)


def area_map(name: str, groups: Sequence[tuple[MapPlace, Incident]], page_path: str) -> MapSpec:
    """The closer map of places a region's map draws as one mark: a box fitted to them, however small."""
    points = _points(groups, page_path)
    # The widest box in which the phone's copy draws every place apart (places a few hundred
    # metres apart may stay one mark: the list below the map names them).
    for span in AREA_SPANS:
        bounds = bounds_around(points, min_span_deg=span, pad=0.2)
        if len(marks_of(points, bounds, PHONE_WIDTH)) == len(points):
            break
    return MapSpec(points, f"Map of incidents: {name}", bounds, "", 960, "area-map", assets_of(page_path),
                   labels=True, phone=True)


def _points(groups: Sequence[tuple[MapPlace, Incident]], page_path: str,
            areas: Mapping[str, str] | None = None) -> tuple[MapPoint, ...]:
    points = []
    for place, newest in groups[:MAX_POINTS]:
        loc = newest.location
        assert loc.lat is not None and loc.lon is not None
        label = f"{place.name}{', ' + place.country if place.country else ''}: " + (
            newest.title if place.incidents == 1 else f"{place.incidents} incidents")
        area = areas.get(place.href_path, "") if areas else ""
        points.append(MapPoint(loc.lat, loc.lon, relative(page_path, place.href_path), label, count=place.incidents,
                               name=place.name, area=relative(page_path, area) if area else ""))
    return tuple(points)


def areas_of(spec: MapSpec, groups: Sequence[tuple[MapPlace, Incident]],
             page_path: str) -> list[tuple[str, str, list[tuple[MapPlace, Incident]]]]:
    """The marks of a region's map that hold several places, each (slug, name, its places): each gets
    a closer map, map/<region>/<slug>/, so that no mark stands for places a reader cannot reach apart."""
    by_href = {relative(page_path, place.href_path): (place, newest) for place, newest in groups}
    out = []
    taken = {"page"}  # page/2/ is the list's next page
    # The phone's copy clusters more than the wide one (its points are larger for its size): its
    # clusters are the areas, so that a cluster of either copy is all in one area.
    for mark in marks_of(spec.points, spec.bounds, PHONE_WIDTH):
        if len(mark.points) < 2:
            continue
        name = f"{mark.lead.name or 'Places'} area"
        slug, n = term_slug(name) or "area", 2
        while slug in taken:
            slug, n = f"{term_slug(name) or 'area'}-{n}", n + 1
        taken.add(slug)
        out.append((slug, name, [by_href[p.href] for p in mark.points]))
    return out


REGION_MIN_DEG = 8.0
AREA_SPANS = (1.0, 0.5, 0.25, 0.12, 0.06)  # an area's map: the least span tried, in degrees (0.06: about 6 km)
