"""Basemaps: the land of one box, drawn once into an SVG file that every map of the box shares.

A map's land is most of its bytes (an incident page used to carry two copies, 147 KB of a
179 KB page). So the land of a box is written once, as ``assets/basemap-<hash>.svg`` (the
hash is of its bytes, so a changed drawing is a new name and no browser keeps a stale one),
and each map draws it with ``<use href="…/basemap-<hash>.svg#land">``: no script, the same
in Chromium and Firefox, the points still inline links of the page. The land's paths carry
no colour of their own: they inherit it from the ``<use>``, which the page's CSS colours
(``.map .land``), so the theme's light, dark and print colours reach them. A highlighted
country is a second ``<use>`` of that country's path (``#c-<name>``), drawn on top.

Drawing a box's land (projecting and clipping every country near it) is the slow part of a
map, so the build draws each box once, before the pages render (``generator/basemaps.py``),
and registers the names here (``use_basemaps``): the page workers, forked afterwards, only
look names up. A map drawn outside a build (a test, a fast preview render) draws its box
here itself.
"""

from __future__ import annotations

import functools
import hashlib
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from markupsafe import escape

from .bounds import WORLD, Bounds, x_scale
from .outline import Country, Detail, load

MARGIN = 2.0  # land is clipped this many viewBox units outside the frame, so no clip edge shows
SIMPLIFY = 0.4  # drop a vertex closer than this (viewBox units) to the one before it
AUTO_50M_SPAN = (90.0, 60.0)  # detail="auto" takes 50m when the box spans at most this (lon, lat)
LAND_ID = "land"  # the id of the group of every country in a basemap file

# Defaults for a page without the theme's CSS, and for the file viewed on its own.
SEA_FILL = "#eef2f5"
LAND_FILL, LAND_STROKE, HIGHLIGHT_FILL = "#d9d5cc", "#ffffff", "#b8ab8f"

Projector = Callable[[float, float], tuple[float, float]]


@dataclass(frozen=True, slots=True)
class BasemapKey:
    """What a basemap is drawn from: the box, the outlines' detail and the map's width."""

    box: Bounds
    scale: Detail
    width: int
    world: bool  # a world map: not widened for its latitude

    @property
    def height(self) -> float:
        k = 1.0 if self.world else x_scale(self.box.mid_lat)
        return round((self.box.north - self.box.south) * self.width / ((self.box.east - self.box.west) * k), 1)


@dataclass(frozen=True, slots=True)
class BasemapRef:
    """What a map needs of its basemap: the file's name and the id of each country's path in it."""

    name: str  # "basemap-<hash>.svg", in the site's assets/
    ids: tuple[tuple[str, str], ...]  # (country name, element id), in drawing order

    def id_of(self, country: str) -> str | None:
        return next((i for name, i in self.ids if name == country), None)


@dataclass(frozen=True, slots=True)
class Basemap:
    ref: BasemapRef
    data: bytes  # the SVG file


def basemap_key(bounds: Bounds | None, width: int, detail: str = "auto") -> BasemapKey:
    """The key of the basemap of a map of ``bounds`` (the world when None) ``width`` units wide."""
    if width <= 0:
        raise ValueError(f"width must be positive, not {width}")
    return BasemapKey(WORLD if bounds is None else bounds, _detail(detail, bounds), width, bounds is None)


_registered: dict[BasemapKey, BasemapRef] = {}


def use_basemaps(refs: Mapping[BasemapKey, BasemapRef]) -> None:
    """The basemaps the build has placed in the output: maps name these instead of drawing their own."""
    _registered.clear()
    _registered.update(refs)


def basemap_ref(key: BasemapKey) -> BasemapRef:
    """The registered basemap of ``key``, or (outside a build) the one drawn here."""
    found = _registered.get(key)
    return found if found is not None else draw_basemap(key).ref


@functools.lru_cache(maxsize=64)
def draw_basemap(key: BasemapKey) -> Basemap:
    """The SVG file of the land of ``key``: each country a path with an id and its name as a title."""
    width, height = key.width, key.height
    taken: set[str] = set()
    ids, paths = [], []
    for name, d in _land(key):
        element = _element_id(name, taken)
        ids.append((name, element))
        paths.append(f'<path id="{element}" d="{d}"><title>{escape(name)}</title></path>')
    # Colours on the root only: <use> clones the group, which must inherit the page's colours.
    text = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {num(height)}" width="{width}" '
            f'height="{num(height)}" fill="{LAND_FILL}" stroke="{LAND_STROKE}" stroke-width="{num(width / 1600)}" '
            f'stroke-linejoin="round" fill-rule="evenodd">'
            f'<rect width="{width}" height="{num(height)}" fill="{SEA_FILL}" stroke="none"/>'
            f'<g id="{LAND_ID}">{"".join(paths)}</g></svg>\n')
    data = text.encode("utf-8")
    name = f"basemap-{hashlib.sha256(data).hexdigest()[:16]}.svg"
    return Basemap(BasemapRef(name, tuple(ids)), data)


def _element_id(name: str, taken: set[str]) -> str:
    base = "c-" + (re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "x")
    element, n = base, 2
    while element in taken:
        element, n = f"{base}-{n}", n + 1
    taken.add(element)
    return element


def _land(key: BasemapKey) -> tuple[tuple[str, str], ...]:
    """Each country in the box with its path data, projected and clipped."""
    box, width = key.box, key.width
    k = 1.0 if key.world else x_scale(box.mid_lat)
    unit = width / ((box.east - box.west) * k)
    frame = (-MARGIN, -MARGIN, width + MARGIN, key.height + MARGIN)
    out = []
    for country in load(key.scale):
        d = _country_path(country, box, (box.west, box.north, k, unit), frame)
        if d:
            out.append((country.name, d))
    return tuple(out)


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


# (west, north, k, unit): a point (lon, lat) is drawn at ((lon - west) * k * unit, (north - lat) * unit).
Projection = tuple[float, float, float, float]


def _country_path(country: Country, box: Bounds, projection: Projection,
                  frame: tuple[float, float, float, float]) -> str:
    """The path data of the country's polygons in ``box``, clipped to ``frame``; "" when none."""
    if not box.intersects(country.west, country.south, country.east, country.north):
        return ""
    parts: list[str] = []
    for polygon in country.polygons:
        if not box.intersects(polygon.west, polygon.south, polygon.east, polygon.north):
            continue
        for i, ring in enumerate(polygon.rings):
            tenths = _tenths(_project(ring, projection, frame), frame)
            if tenths is None:
                if i == 0:
                    break  # no outer ring in view: no holes either
                continue
            parts.append(_encode(tenths))
    return "".join(parts)


def _project(ring: tuple[tuple[float, float], ...], projection: Projection,
             frame: tuple[float, float, float, float]) -> list[tuple[float, float]] | None:
    """The ring in viewBox units; None when it lies wholly beyond one side of the frame.

    Such a ring clips to nothing, so it is never clipped. The arithmetic is written as
    ``(lon - west) * k * unit`` on purpose: another order rounds differently.
    """
    west, north, k, unit = projection
    points = [((lon - west) * k * unit, (north - lat) * unit) for lon, lat in ring]
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    x0, y0, x1, y1 = frame
    if max(xs) < x0 or min(xs) > x1 or max(ys) < y0 or min(ys) > y1:
        return None
    return points


def _tenths(ring: list[tuple[float, float]] | None,
            frame: tuple[float, float, float, float]) -> list[tuple[int, int]] | None:
    """The ring clipped to the frame, in integer tenths of a unit, simplified; None when nothing is left."""
    if ring is None:
        return None
    clipped = _clip(ring, frame)
    if len(clipped) < 3:
        return None
    tol = round(SIMPLIFY * 10)
    # Each point is kept when it is more than ``tol`` (Manhattan) from the last kept one.
    rounded = [(round(x * 10), round(y * 10)) for x, y in clipped]
    last_x, last_y = rounded[0]
    out: list[tuple[int, int]] = [rounded[0]]
    for p in rounded:
        px, py = p
        if abs(px - last_x) + abs(py - last_y) > tol:
            out.append(p)
            last_x, last_y = px, py
    if len(out) >= 2 and abs(out[0][0] - last_x) + abs(out[0][1] - last_y) <= tol:
        out.pop()
    if len(out) < 3:
        return None
    xs = [x for x, _ in out]
    ys = [y for _, y in out]
    # Twice the signed area, in exact integers: zero for a ring simplified to a line.
    area2 = sum(map(operator.mul, xs, ys[1:] + ys[:1])) - sum(map(operator.mul, xs[1:] + xs[:1], ys))
    return out if area2 != 0 else None


def _clip(ring: list[tuple[float, float]], frame: tuple[float, float, float, float]) -> list[tuple[float, float]]:
    """Sutherland-Hodgman against the frame rectangle (the ring's edges along it are hidden by MARGIN)."""
    x0, y0, x1, y1 = frame
    xs = [x for x, _ in ring]
    ys = [y for _, y in ring]
    if min(xs) >= x0 and max(xs) <= x1 and min(ys) >= y0 and max(ys) <= y1:
        return ring
    out = ring
    for axis, edge, keep_above in ((0, x0, True), (0, x1, False), (1, y0, True), (1, y1, False)):
        if not out:
            break
        out = _clip_edge(out, axis, edge, keep_above)
    return out


def _clip_edge(points: list[tuple[float, float]], axis: int, edge: float,
               keep_above: bool) -> list[tuple[float, float]]:
    """One pass of Sutherland-Hodgman: the points on the kept side of ``edge``, and the crossings."""
    out: list[tuple[float, float]] = []
    prev = points[-1]
    prev_in = prev[axis] >= edge if keep_above else prev[axis] <= edge
    for cur in points:
        cur_in = cur[axis] >= edge if keep_above else cur[axis] <= edge
        if cur_in != prev_in:
            t = (edge - prev[axis]) / (cur[axis] - prev[axis])
            if axis == 0:
                out.append((edge, prev[1] + t * (cur[1] - prev[1])))
            else:
                out.append((prev[0] + t * (cur[0] - prev[0]), edge))
        if cur_in:
            out.append(cur)
        prev, prev_in = cur, cur_in
    return out


# The text of one relative step (dx, dy) in tenths, with its leading separator: the same small
# steps recur thousands of times across a site's basemaps. Bounded: cleared when it grows large.
_STEPS: dict[tuple[int, int], str] = {}
_STEPS_MAX = 1 << 18


def _step(dx: int, dy: int) -> str:
    return _sep(dx) + _tenth(dx) + _sep(dy) + _tenth(dy)


def _encode(ring: list[tuple[int, int]]) -> str:
    """SVG path data: an absolute move to the first point, relative lines to the others, close."""
    (x, y), rest = ring[0], ring[1:]
    steps = _STEPS
    if len(steps) > _STEPS_MAX:
        steps.clear()
    d = [f"M{_tenth(x)}{_sep(y)}{_tenth(y)}l"]
    for nx, ny in rest:
        delta = (nx - x, ny - y)
        text = steps.get(delta)
        if text is None:
            text = steps[delta] = _step(*delta)
        d.append(text)
        x, y = nx, ny
    if len(d) > 1 and d[1].startswith(" "):
        d[1] = d[1][1:]  # no separator before the first step: "l" separates it
    d.append("z")
    return "".join(d)


def _sep(value: int) -> str:
    return "" if value < 0 else " "


def _tenth(value: int) -> str:
    """An integer count of tenths as a number: 12 -> "1.2", -5 -> "-0.5", 30 -> "3"."""
    whole, tenth = divmod(abs(value), 10)
    return ("-" if value < 0 else "") + str(whole) + (f".{tenth}" if tenth else "")


def num(value: float) -> str:
    """A float to one decimal, without a trailing ".0"."""
    return _tenth(round(value * 10))
