"""Map points and the lon/lat box a map shows."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

# What a map without bounds shows: every inhabited land, Greenland's north tip (83.6 N)
# to Tierra del Fuego (55.9 S); Antarctica stays off.
WORLD_WEST, WORLD_SOUTH, WORLD_EAST, WORLD_NORTH = -180.0, -60.0, 180.0, 84.0
# bounds_around keeps a fitted map between these shapes (projected width / height).
MIN_ASPECT, MAX_ASPECT = 4 / 3, 2.5
MAX_LAT = 85.0  # bounds_around never reaches further toward a pole


@dataclass(frozen=True, slots=True)
class MapPoint:
    lat: float
    lon: float
    href: str  # already-computed relative URL the point links to
    label: str  # accessible name, e.g. "Fire at the detention centre, 27 March 2023"
    count: int = 1  # how many incidents this point stands for (radius grows with sqrt(count))
    current: bool = False  # the page's own incident, drawn distinctly
    group: str = ""  # where a cluster holding this point links to (its region's map), "" for the cluster's lead's href
    name: str = ""  # the short name a map's label shows ("Ciudad Juárez"); "" for no label
    area: str = ""  # a closer map where this point is apart from its neighbours: a cluster all in it links there


@dataclass(frozen=True, slots=True)
class Bounds:
    """A lon/lat box, west < east (no box across the antimeridian) and south < north."""

    west: float
    south: float
    east: float
    north: float

    def __post_init__(self) -> None:
        if not all(math.isfinite(v) for v in (self.west, self.south, self.east, self.north)):
            raise ValueError(f"bounds must be finite: {self}")
        if not (-180 <= self.west < self.east <= 180 and -90 <= self.south < self.north <= 90):
            raise ValueError(f"bounds must have -180 <= west < east <= 180 and -90 <= south < north <= 90: {self}")

    @property
    def mid_lat(self) -> float:
        return (self.south + self.north) / 2

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east

    def intersects(self, west: float, south: float, east: float, north: float) -> bool:
        return west <= self.east and east >= self.west and south <= self.north and north >= self.south

    def union(self, other: Bounds) -> Bounds:
        return Bounds(min(self.west, other.west), min(self.south, other.south),
                      max(self.east, other.east), max(self.north, other.north))

    def padded(self, pad: float = 0.15, *, min_span_deg: float = 0.0) -> Bounds:
        """This box grown by ``pad`` of its span on every side (after widening each span to
        ``min_span_deg``), kept to a sensible shape and within the world."""
        return _fit(self.west, self.south, self.east, self.north, min_span_deg=min_span_deg, pad=pad)


WORLD = Bounds(WORLD_WEST, WORLD_SOUTH, WORLD_EAST, WORLD_NORTH)


def valid_point(point: MapPoint) -> bool:
    return math.isfinite(point.lat) and math.isfinite(point.lon) and -90 <= point.lat <= 90 and -180 <= point.lon <= 180


def bounds_around(points: Iterable[MapPoint], *, min_span_deg: float = 6.0, pad: float = 0.15) -> Bounds:
    """A box fitting ``points`` (invalid coordinates ignored) with ``pad`` of the span as margin on
    each side, each span at least ``min_span_deg``; the world when there are no points."""
    usable = [p for p in points if valid_point(p)]
    if not usable:
        return WORLD
    lats, lons = [p.lat for p in usable], [p.lon for p in usable]
    return _fit(min(lons), min(lats), max(lons), max(lats), min_span_deg=min_span_deg, pad=pad)


def _fit(west: float, south: float, east: float, north: float, *, min_span_deg: float, pad: float) -> Bounds:
    lon_span = max(east - west, min_span_deg, 0.01)
    lat_span = max(north - south, min_span_deg, 0.01)
    lon_mid, lat_mid = (west + east) / 2, (south + north) / 2
    lon_span *= 1 + 2 * pad
    lat_span *= 1 + 2 * pad
    # Keep the projected shape between MIN_ASPECT and MAX_ASPECT: widen whichever side is short.
    k = x_scale(lat_mid)
    aspect = lon_span * k / lat_span
    if aspect < MIN_ASPECT:
        lon_span = lat_span * MIN_ASPECT / k
    elif aspect > MAX_ASPECT:
        lat_span = lon_span * k / MAX_ASPECT
    lon_span, lat_span = min(lon_span, 360.0), min(lat_span, 2 * MAX_LAT)
    west, east = _slide(lon_mid - lon_span / 2, lon_mid + lon_span / 2, -180.0, 180.0)
    south, north = _slide(lat_mid - lat_span / 2, lat_mid + lat_span / 2, -MAX_LAT, MAX_LAT)
    return Bounds(west, south, east, north)


def _slide(low: float, high: float, floor: float, ceiling: float) -> tuple[float, float]:
    """Move [low, high] inside [floor, ceiling] without changing its length (it fits)."""
    if low < floor:
        low, high = floor, high + (floor - low)
    if high > ceiling:
        low, high = low - (high - ceiling), ceiling
    return max(low, floor), min(high, ceiling)


def x_scale(mid_lat: float) -> float:
    """How much narrower a degree of longitude is than one of latitude at ``mid_lat`` (never under 0.2)."""
    return max(math.cos(math.radians(mid_lat)), 0.2)
