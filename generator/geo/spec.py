"""A map as a page's context holds it: what to draw, not the drawing.

Pages are planned in the build's main process and rendered in worker processes. A
``MapSpec`` is small to send and to fingerprint (its points and box, not 50 KB of
path data), and it draws itself when a template prints it (Jinja calls ``__html__``),
in the worker, where ``render_map`` names its box's basemap file (``basemap.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, is_dataclass

from markupsafe import Markup

from .basemap import basemap_key, basemap_ref
from .bounds import Bounds, MapPoint
from .render import render_map

PHONE_WIDTH = 360  # a phone's copy of a map: drawn about 1:1 on a 390 px screen


@dataclass(frozen=True, slots=True)
class MapSpec:
    points: tuple[MapPoint, ...]
    title: str
    bounds: Bounds | None = None  # the world when None
    highlight: str = ""
    width: int = 960
    id_prefix: str = "map"
    assets: str = "assets/"  # the URL of the site's assets/ folder from the page: its basemap is there
    labels: bool = False  # names beside the larger marks, and a legend of sizes
    phone: bool = False  # also drawn PHONE_WIDTH wide for a phone, the stylesheet showing one copy

    def __html__(self) -> str:
        return str(self.render())

    def render(self) -> Markup:
        wide = render_map(self.points, title=self.title, bounds=self.bounds, highlight=self.highlight,
                          width=self.width, id_prefix=self.id_prefix, assets=self.assets, labels=self.labels)
        if not self.phone:
            return wide
        # A wide map shrunk to a phone drew its labels at 5 px and its points on top of each other:
        # the phone's copy is drawn for its width (its own clusters and labels) on the same basemap.
        phone = render_map(self.points, title=self.title, bounds=self.bounds, highlight=self.highlight,
                           width=PHONE_WIDTH, id_prefix=f"{self.id_prefix}-phone", assets=self.assets,
                           labels=self.labels, land_width=self.width)
        return Markup('<div class="map-wide">{}</div><div class="map-phone">{}</div>').format(wide, phone)

    def basemap(self) -> str:
        """The name of the basemap file this map draws its land from."""
        return basemap_ref(basemap_key(self.bounds, self.width)).name


def maps_in(context: object) -> list[MapSpec]:
    """The maps a page's context holds (its MapSpec fields)."""
    if not is_dataclass(context):
        return []
    found = (getattr(context, f.name) for f in fields(context))
    return [value for value in found if isinstance(value, MapSpec)]


# Grid steps (degrees) boxes are snapped to, finer for smaller boxes.
STEPS = (3.0, 6.0, 12.0, 24.0, 48.0, 90.0)


def snapped(bounds: Bounds, step: float | None = None) -> Bounds:
    """``bounds`` grown outward to a grid, so that maps of nearby places share one box
    (and so one basemap, drawn once per process: drawing it is most of a map's cost).

    The grid's step grows with the box (a box spans at most about four steps), so the
    number of distinct boxes a site can have depends on the world, not on the site's size.
    The snapped box keeps the shapes ``bounds_around`` allows (landscape, at most 2.5:1).
    """
    if step is None:
        span = max(bounds.east - bounds.west, bounds.north - bounds.south)
        step = next((s for s in STEPS if span / s <= 4), STEPS[-1])
    west, south = math.floor(bounds.west / step) * step, math.floor(bounds.south / step) * step
    east, north = math.ceil(bounds.east / step) * step, math.ceil(bounds.north / step) * step
    grid = Bounds(max(-180.0, west), max(-90.0, south), min(180.0, east), min(90.0, north))
    # Growing to the grid may leave a tall box (a portrait map): widen it back to a map's shape.
    return grid.padded(0.0)
