"""render_map: an inline SVG map, equirectangular, with linked points.

The output is plain SVG markup for an HTML page: no script, no style attribute, no
external reference. Presentation attributes give it a look without any CSS; the
theme restyles it by class (``map``, ``sea``, ``land``, ``land-highlight``,
``point``, ``point-current``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from .bounds import WORLD, Bounds, MapPoint, valid_point, x_scale
from .outline import Country, Detail, canonical_name, load

MARGIN = 2.0  # land is clipped this many viewBox units outside the frame, so no clip edge shows
SIMPLIFY = 0.4  # drop a vertex closer than this (viewBox units) to the one before it
AUTO_50M_SPAN = (90.0, 60.0)  # detail="auto" takes 50m when the box spans at most this (lon, lat)
SAFE_SCHEMES = {"http", "https", "mailto"}

# Defaults for a page without the theme's CSS.
SEA_FILL = "#eef2f5"
LAND_FILL, LAND_STROKE, HIGHLIGHT_FILL = "#d9d5cc", "#ffffff", "#b8ab8f"
POINT_FILL, CURRENT_FILL = "#b3261e", "#1f1f1f"

Projector = Callable[[float, float], tuple[float, float]]


def render_map(points: Sequence[MapPoint], *, title: str, bounds: Bounds | None = None, highlight: str = "",
               width: int = 960, detail: str = "auto", id_prefix: str = "map") -> Markup:
    """An ``<svg>`` map of ``bounds`` (the world when None) with a link per point inside it.

    ``highlight`` names a country to draw distinctly; ``detail`` is "110m", "50m" or "auto"
    (50m for a box of at most 90 x 60 degrees); ``id_prefix`` makes the title's id unique
    when a page has several maps.
    """
    if width <= 0:
        raise ValueError(f"width must be positive, not {width}")
    box = WORLD if bounds is None else bounds
    scale = _detail(detail, bounds)
    k = 1.0 if bounds is None else x_scale(box.mid_lat)
    unit = width / ((box.east - box.west) * k)  # viewBox units per degree of latitude
    height = round((box.north - box.south) * unit, 1)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (lon - box.west) * k * unit, (box.north - lat) * unit

    title_id = f"{id_prefix}-title"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {width} {_num(height)}" '
           f'aria-labelledby="{escape(title_id)}">',
           f'<title id="{escape(title_id)}">{escape(title)}</title>',
           _basemap(box, scale, canonical_name(highlight) if highlight else None, width, bounds is None)]
    out += _points(points, box, project, width)
    out.append("</svg>")
    return Markup("".join(out))


@functools.lru_cache(maxsize=512)
def _basemap(box: Bounds, scale: Detail, wanted: str | None, width: int, world: bool) -> str:
    """The land of ``box`` with ``wanted`` drawn distinctly: the same for every map of that box."""
    height = _height(box, width, world)
    out = [f'<g class="basemap" aria-hidden="true" stroke="{LAND_STROKE}" stroke-width="{_num(width / 1600)}" '
           f'stroke-linejoin="round" fill-rule="evenodd" fill="{LAND_FILL}">',
           f'<rect class="sea" width="{width}" height="{_num(height)}" fill="{SEA_FILL}" stroke="none"/>']
    lands: list[str] = []
    highlighted: list[str] = []
    for name, d in _land(box, scale, width, world):
        if name == wanted:
            highlighted.append(f'<path class="land land-highlight" fill="{HIGHLIGHT_FILL}" d="{d}">'
                               f'<title>{escape(name)}</title></path>')
        else:
            lands.append(f'<path class="land" d="{d}"><title>{escape(name)}</title></path>')
    out += lands + highlighted  # the highlighted country last, so its outline is on top
    out.append("</g>")
    return "".join(out)


@functools.lru_cache(maxsize=1024)
def _land(box: Bounds, scale: Detail, width: int, world: bool) -> tuple[tuple[str, str], ...]:
    """Each country in ``box`` with its path data, projected and clipped: drawn once per process.

    Projecting and clipping every country is most of a map's cost, so it is shared by every map
    of the box whatever country it marks (an incident's map marks its country, its place's map
    none); ``pages/maps.py`` snaps boxes to a grid so that nearby places share one.
    """
    k = 1.0 if world else x_scale(box.mid_lat)
    unit = width / ((box.east - box.west) * k)
    height = _height(box, width, world)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (lon - box.west) * k * unit, (box.north - lat) * unit

    frame = (-MARGIN, -MARGIN, width + MARGIN, height + MARGIN)
    out = []
    for country in load(scale):
        d = _country_path(country, box, project, frame)
        if d:
            out.append((country.name, d))
    return tuple(out)


def _height(box: Bounds, width: int, world: bool) -> float:
    k = 1.0 if world else x_scale(box.mid_lat)
    return round((box.north - box.south) * width / ((box.east - box.west) * k), 1)


def _detail(detail: str, bounds: Bounds | None) -> Detail:
    if detail == "110m":
        return "110m"
    if detail == "50m":
        return "50m"
    if detail != "auto":
        raise ValueError(f"detail must be 'auto', '110m' or '50m', not {detail!r}")
    if bounds is not None and bounds.east - bounds.west <= AUTO_50M_SPAN[0] \
            and bounds.north - bounds.south <= AUTO_50M_SPAN[1]:
        return "50m"
    return "110m"


def _points(points: Sequence[MapPoint], box: Bounds, project: Projector, width: int) -> list[str]:
    shown = sorted((p for p in points if valid_point(p) and box.contains(p.lat, p.lon)),
                   key=lambda p: (p.current, p.lat, p.lon, p.href, p.label, p.count))
    if not shown:
        return []
    base = width / 192  # a single incident's radius: 5 units on a 960-wide map
    out = [f'<g class="points" fill="{POINT_FILL}" fill-opacity="0.8" stroke="#ffffff" '
           f'stroke-width="{_num(base / 4)}">']
    for p in shown:
        x, y = project(p.lon, p.lat)
        r = min(base * math.sqrt(max(p.count, 1)), base * 5)
        label = escape(p.label)
        if p.current:
            circle = (f'<circle class="point point-current" fill="{CURRENT_FILL}" fill-opacity="1" '
                      f'stroke-width="{_num(base / 2.5)}" cx="{_num(x)}" cy="{_num(y)}" '
                      f'r="{_num(max(r, base * 1.2))}"/>')
        else:
            circle = f'<circle class="point" cx="{_num(x)}" cy="{_num(y)}" r="{_num(r)}"/>'
        out.append(f'<a href="{escape(_safe_href(p.href))}" aria-label="{label}">{circle}<title>{label}</title></a>')
    out.append("</g>")
    return out


def _safe_href(href: str) -> str:
    """The href itself; one with a script-capable scheme (javascript:, data:) is refused."""
    scheme = urlsplit(href.strip()).scheme.lower()
    if scheme and scheme not in SAFE_SCHEMES:
        raise ValueError(f"map point href with scheme {scheme!r} refused: {href!r}")
    return href


def _country_path(country: Country, box: Bounds, project: Projector,
                  frame: tuple[float, float, float, float]) -> str:
    """The path data of the country's polygons in ``box``, clipped to ``frame``; "" when none."""
    if not box.intersects(country.west, country.south, country.east, country.north):
        return ""
    parts: list[str] = []
    for polygon in country.polygons:
        if not box.intersects(polygon.west, polygon.south, polygon.east, polygon.north):
            continue
        for i, ring in enumerate(polygon.rings):
            tenths = _tenths([project(lon, lat) for lon, lat in ring], frame)
            if tenths is None:
                if i == 0:
                    break  # no outer ring in view: no holes either
                continue
            parts.append(_encode(tenths))
    return "".join(parts)


def _tenths(ring: list[tuple[float, float]], frame: tuple[float, float, float, float]) -> list[tuple[int, int]] | None:
    """The ring clipped to the frame, in integer tenths of a unit, simplified; None when nothing is left."""
    clipped = _clip(ring, frame)
    if len(clipped) < 3:
        return None
    tol = round(SIMPLIFY * 10)
    out: list[tuple[int, int]] = []
    for x, y in clipped:
        p = (round(x * 10), round(y * 10))
        if not out or abs(p[0] - out[-1][0]) + abs(p[1] - out[-1][1]) > tol:
            out.append(p)
    if len(out) >= 2 and abs(out[0][0] - out[-1][0]) + abs(out[0][1] - out[-1][1]) <= tol:
        out.pop()
    if len(out) < 3:
        return None
    area2 = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(out, out[1:] + out[:1], strict=True))
    return out if area2 != 0 else None


def _clip(ring: list[tuple[float, float]], frame: tuple[float, float, float, float]) -> list[tuple[float, float]]:
    """Sutherland-Hodgman against the frame rectangle (the ring's edges along it are hidden by MARGIN)."""
    x0, y0, x1, y1 = frame
    if all(x0 <= x <= x1 and y0 <= y <= y1 for x, y in ring):
        return ring
    out = ring
    for axis, edge, keep_above in ((0, x0, True), (0, x1, False), (1, y0, True), (1, y1, False)):
        if not out:
            break
        points, out = out, []
        for j, cur in enumerate(points):
            prev = points[j - 1]
            cur_in = cur[axis] >= edge if keep_above else cur[axis] <= edge
            prev_in = prev[axis] >= edge if keep_above else prev[axis] <= edge
            if cur_in != prev_in:
                t = (edge - prev[axis]) / (cur[axis] - prev[axis])
                cross = (prev[0] + t * (cur[0] - prev[0]), prev[1] + t * (cur[1] - prev[1]))
                out.append((edge, cross[1]) if axis == 0 else (cross[0], edge))
            if cur_in:
                out.append(cur)
    return out


def _encode(ring: list[tuple[int, int]]) -> str:
    """SVG path data: an absolute move to the first point, relative lines to the others, close."""
    (x, y), rest = ring[0], ring[1:]
    d = [f"M{_tenth(x)}{_sep(y)}{_tenth(y)}l"]
    first = True
    for nx, ny in rest:
        dx, dy = nx - x, ny - y
        d.append(("" if first else _sep(dx)) + _tenth(dx) + _sep(dy) + _tenth(dy))
        first = False
        x, y = nx, ny
    d.append("z")
    return "".join(d)


def _sep(value: int) -> str:
    return "" if value < 0 else " "


def _tenth(value: int) -> str:
    """An integer count of tenths as a number: 12 -> "1.2", -5 -> "-0.5", 30 -> "3"."""
    whole, tenth = divmod(abs(value), 10)
    return ("-" if value < 0 else "") + str(whole) + (f".{tenth}" if tenth else "")


def _num(value: float) -> str:
    """A float to one decimal, without a trailing ".0"."""
    return _tenth(round(value * 10))
