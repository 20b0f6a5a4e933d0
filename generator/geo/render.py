"""render_map: an SVG map for an HTML page, equirectangular, with linked points.

The output is plain SVG markup: no script, no style attribute. Its one reference out of the
page is its basemap, the land of its box in a file the site's maps share (``basemap.py``),
drawn with ``<use>``; the points are inline links. Presentation attributes give it a look
without any CSS; the theme restyles it by class (``map``, ``sea``, ``land``,
``land-highlight``, ``point``, ``point-current``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from .basemap import HIGHLIGHT_FILL, LAND_FILL, LAND_ID, LAND_STROKE, SEA_FILL, basemap_key, basemap_ref, num
from .bounds import Bounds, MapPoint, valid_point, x_scale
from .outline import canonical_name

SAFE_SCHEMES = {"http", "https", "mailto"}
POINT_FILL, CURRENT_FILL = "#b3261e", "#1f1f1f"

Projector = Callable[[float, float], tuple[float, float]]


def render_map(points: Sequence[MapPoint], *, title: str, bounds: Bounds | None = None, highlight: str = "",
               width: int = 960, detail: str = "auto", id_prefix: str = "map", assets: str = "assets/") -> Markup:
    """An ``<svg>`` map of ``bounds`` (the world when None) with a link per point inside it.

    ``highlight`` names a country to draw distinctly; ``detail`` is "110m", "50m" or "auto"
    (50m for a box of at most 90 x 60 degrees); ``id_prefix`` makes the title's id unique
    when a page has several maps; ``assets`` is the URL of the site's assets/ folder from
    the page (where the basemap file is).
    """
    key = basemap_key(bounds, width, detail)
    box = key.box
    k = 1.0 if key.world else x_scale(box.mid_lat)
    unit = width / ((box.east - box.west) * k)  # viewBox units per degree of latitude
    height = key.height

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (lon - box.west) * k * unit, (box.north - lat) * unit

    ref = basemap_ref(key)
    href = f"{assets}{ref.name}"
    marked = ref.id_of(canonical_name(highlight) or "") if highlight else None
    title_id = f"{id_prefix}-title"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {width} {num(height)}" '
           f'aria-labelledby="{escape(title_id)}">',
           f'<title id="{escape(title_id)}">{escape(title)}</title>',
           f'<g class="basemap" aria-hidden="true" stroke="{LAND_STROKE}" stroke-width="{num(width / 1600)}" '
           f'stroke-linejoin="round" fill-rule="evenodd" fill="{LAND_FILL}">',
           f'<rect class="sea" width="{width}" height="{num(height)}" fill="{SEA_FILL}" stroke="none"/>',
           f'<use class="land" href="{escape(href)}#{LAND_ID}"/>']
    if marked is not None:  # the highlighted country again, on top, so its outline shows whole
        out.append(f'<use class="land land-highlight" fill="{HIGHLIGHT_FILL}" href="{escape(href)}#{marked}"/>')
    out.append("</g>")
    out += _points(points, box, project, width)
    out.append("</svg>")
    return Markup("".join(out))


def _points(points: Sequence[MapPoint], box: Bounds, project: Projector, width: int) -> list[str]:
    shown = sorted((p for p in points if valid_point(p) and box.contains(p.lat, p.lon)),
                   key=lambda p: (p.current, p.lat, p.lon, p.href, p.label, p.count))
    if not shown:
        return []
    base = width / 192  # a single incident's radius: 5 units on a 960-wide map
    out = [f'<g class="points" fill="{POINT_FILL}" fill-opacity="0.8" stroke="#ffffff" '
           f'stroke-width="{num(base / 4)}">']
    for p in shown:
        x, y = project(p.lon, p.lat)
        r = min(base * math.sqrt(max(p.count, 1)), base * 5)
        label = escape(p.label)
        if p.current:
            circle = (f'<circle class="point point-current" fill="{CURRENT_FILL}" fill-opacity="1" '
                      f'stroke-width="{num(base / 2.5)}" cx="{num(x)}" cy="{num(y)}" '
                      f'r="{num(max(r, base * 1.2))}"/>')
        else:
            circle = f'<circle class="point" cx="{num(x)}" cy="{num(y)}" r="{num(r)}"/>'
        out.append(f'<a href="{escape(_safe_href(p.href))}" aria-label="{label}">{circle}<title>{label}</title></a>')
    out.append("</g>")
    return out


def _safe_href(href: str) -> str:
    """The href itself; one with a script-capable scheme (javascript:, data:) is refused."""
    scheme = urlsplit(href.strip()).scheme.lower()
    if scheme and scheme not in SAFE_SCHEMES:
        raise ValueError(f"map point href with scheme {scheme!r} refused: {href!r}")
    return href
