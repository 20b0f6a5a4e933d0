"""render_map: an SVG map for an HTML page, equirectangular, with linked points.

The output is plain SVG markup: no script, no style attribute. Its one reference out of the
page is its basemap, the land of its box in a file the site's maps share (``basemap.py``),
drawn with ``<use>``; the points are inline links. Presentation attributes give it a look
without any CSS; the theme restyles it by class (``map``, ``sea``, ``land``,
``land-highlight``, ``point``, ``point-current``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from .basemap import (
    HIGHLIGHT_FILL,
    LAND_FILL,
    LAND_ID,
    LAND_STROKE,
    SEA_FILL,
    BasemapKey,
    basemap_key,
    basemap_ref,
    num,
)
from .bounds import Bounds, MapPoint, valid_point, x_scale
from .cluster import MAX_RADII, Mark, cluster
from .labels import legend, place_labels
from .outline import canonical_name

SAFE_SCHEMES = {"http", "https", "mailto"}
POINT_FILL, CURRENT_FILL = "#b3261e", "#1f1f1f"
SMALL_BASE = 6.0  # a single incident's radius on a map narrower than 960 units (drawn about 1:1)
LABEL_MIN = 13.0  # a label's font size at least: 12.6 px on a 390 px phone showing a 360-wide map

Projector = Callable[[float, float], tuple[float, float]]


def render_map(points: Sequence[MapPoint], *, title: str, bounds: Bounds | None = None, highlight: str = "",
               width: int = 960, detail: str = "auto", id_prefix: str = "map", assets: str = "assets/",
               labels: bool = False, land_width: int | None = None) -> Markup:
    """An ``<svg>`` map of ``bounds`` (the world when None) with a link per point inside it.

    ``highlight`` names a country to draw distinctly; ``detail`` is "110m", "50m" or "auto"
    (50m for a box of at most 90 x 60 degrees); ``id_prefix`` makes the title's id unique
    when a page has several maps; ``assets`` is the URL of the site's assets/ folder from
    the page (where the basemap file is). Points whose circles would overlap are drawn as one
    mark with their count (``cluster.py``); ``labels`` adds names beside the larger marks and a
    legend of sizes below the map (``labels.py``). ``land_width`` draws the land of the basemap
    drawn that wide, scaled to ``width``: a phone's copy of a map shares its wide copy's file.
    """
    key, project = projection(bounds, width, land_width, detail)
    box = key.box
    scale = width / key.width
    height = round(key.height * scale, 1)
    ref = basemap_ref(key)
    href = f"{assets}{ref.name}"
    marked = ref.id_of(canonical_name(highlight) or "") if highlight else None
    title_id = f"{id_prefix}-title"
    # The land is drawn in its basemap's units: scaled, its stroke is scaled with it.
    fit = "" if scale == 1 else f' transform="scale({num_exact(scale)})"'
    base = base_radius(width)
    shown = [p for p in points if valid_point(p) and box.contains(p.lat, p.lon)]
    top = largest_radius(width)
    marks = cluster([p for p in shown if not p.current], project, base, top)
    size = max(LABEL_MIN, width / 60)
    band: list[str] = []
    total = height
    if labels:
        band, extra = legend(marks, width, height, base, size, top)
        total = round(height + extra, 1)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="map" viewBox="0 0 {width} {num(total)}" '
           f'aria-labelledby="{escape(title_id)}">',
           f'<title id="{escape(title_id)}">{escape(title)}</title>',
           f'<g class="basemap" aria-hidden="true" stroke="{LAND_STROKE}" stroke-width="{num(key.width / 1600)}" '
           f'stroke-linejoin="round" fill-rule="evenodd" fill="{LAND_FILL}">',
           f'<rect class="sea" width="{width}" height="{num(height)}" fill="{SEA_FILL}" stroke="none"/>',
           f'<use class="land"{fit} href="{escape(href)}#{LAND_ID}"/>']
    if marked is not None:  # the highlighted country again, on top, so its outline shows whole
        out.append(f'<use class="land land-highlight"{fit} fill="{HIGHLIGHT_FILL}" href="{escape(href)}#{marked}"/>')
    out.append("</g>")
    out += band
    out += _marks(marks, [p for p in shown if p.current], project, base)
    if labels:
        placed = place_labels(marks, width, height, size)
        if placed:
            out += [f'<g class="labels" aria-hidden="true" font-size="{num(size)}" fill="#1f1f1f">', *placed, "</g>"]
    out.append("</svg>")
    return Markup("".join(out))


def projection(bounds: Bounds | None, width: int, land_width: int | None = None,
               detail: str = "auto") -> tuple[BasemapKey, Projector]:
    """The basemap key of a map and its projection of (lon, lat) to viewBox units."""
    key = basemap_key(bounds, land_width or width, detail)
    box = key.box
    k = 1.0 if key.world else x_scale(box.mid_lat)
    unit = width / ((box.east - box.west) * k)  # viewBox units per degree of latitude

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (lon - box.west) * k * unit, (box.north - lat) * unit

    return key, project


def base_radius(width: int) -> float:
    """A single incident's radius: 5 units on a 960-wide map; a narrower map (a phone's copy, an
    incident's small maps) is shown near 1:1, so its points are drawn at a size a finger can find."""
    return width / 192 if width >= 960 else SMALL_BASE


def largest_radius(width: int) -> float:
    """The largest mark's radius: 8 single radii, and at most a 15th of the map's width (a phone's
    copy, whose single radius is larger for its size, would otherwise draw continents of red)."""
    return min(base_radius(width) * MAX_RADII, width / 15)


def marks_of(points: Sequence[MapPoint], bounds: Bounds | None, width: int) -> list[Mark]:
    """The marks a map of ``width`` draws for ``points`` (the page's own incident left out): which
    points it clusters, for a planner that gives each cluster a closer map."""
    key, project = projection(bounds, width)
    shown = [p for p in points if valid_point(p) and key.box.contains(p.lat, p.lon) and not p.current]
    return cluster(shown, project, base_radius(width), largest_radius(width))


def num_exact(value: float) -> str:
    """A scale factor to four decimals, without trailing zeros (0.375, not 0.4)."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _marks(marks: Sequence[Mark], current: Sequence[MapPoint], project: Projector, base: float) -> list[str]:
    """Each mark a link with its count; the page's own incident last, on top, never merged."""
    if not marks and not current:
        return []
    out = [f'<g class="points" fill="{POINT_FILL}" fill-opacity="0.8" stroke="#ffffff" '
           f'stroke-width="{num(base / 4)}">']
    for m in marks:
        kind = "point" if len(m.points) == 1 else "point point-cluster"
        label = escape(m.label)
        out.append(f'<a href="{escape(_safe_href(m.href))}" aria-label="{label}" data-count="{m.count}">'
                   f'<circle class="{kind}" cx="{num(m.x)}" cy="{num(m.y)}" r="{num(m.r)}"/>'
                   f'<title>{label}</title></a>')
    for p in sorted(current, key=lambda p: (p.lat, p.lon, p.href)):
        x, y = project(p.lon, p.lat)
        label = escape(p.label)
        out.append(f'<a href="{escape(_safe_href(p.href))}" aria-label="{label}" data-count="{p.count}">'
                   f'<circle class="point point-current" fill="{CURRENT_FILL}" fill-opacity="1" '
                   f'stroke-width="{num(base / 2.5)}" cx="{num(x)}" cy="{num(y)}" r="{num(base * 1.2)}"/>'
                   f'<title>{label}</title></a>')
    out.append("</g>")
    return out


def _safe_href(href: str) -> str:
    """The href itself; one with a script-capable scheme (javascript:, data:) is refused."""
    scheme = urlsplit(href.strip()).scheme.lower()
    if scheme and scheme not in SAFE_SCHEMES:
        raise ValueError(f"map point href with scheme {scheme!r} refused: {href!r}")
    return href
