"""Static SVG maps, drawn at build time from vendored Natural Earth country outlines: no network,
no script, no tiles.

    from generator.geo import MapPoint, bounds_around, render_map
    points = [MapPoint(31.69, -106.42, "../incidents/fire/", "Fire at the detention centre, 27 March 2023")]
    svg = render_map(points, title="Incidents near Ciudad Juárez", bounds=bounds_around(points))

``render_map`` returns markupsafe.Markup (every label, href and title escaped), ready for a
Jinja template. The outline data is read once per process, the first time it is needed.
See PROVENANCE.md for the data and make_outline.py to regenerate it.
"""

from __future__ import annotations

from .bounds import WORLD, Bounds, MapPoint, bounds_around
from .outline import canonical_name, country_bounds, country_known
from .render import render_map
from .spec import MapSpec, snapped

__all__ = ["WORLD", "Bounds", "MapPoint", "MapSpec", "bounds_around", "canonical_name", "country_bounds",
           "country_known", "render_map", "snapped"]
