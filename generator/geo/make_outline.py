"""Regenerate the vendored country outlines (``countries-110m.json``, ``countries-50m.json``).

Run by hand, never imported by the build::

    mkdir -p /tmp/wa && cd /tmp/wa && npm init -y >/dev/null && npm install world-atlas@2.0.2
    python -m generator.geo.make_outline /tmp/wa/node_modules/world-atlas

It reads the TopoJSON files of the npm package ``world-atlas`` (Natural Earth
countries, public domain), decodes their quantized, delta-encoded arcs, simplifies
the 50m arcs (shared borders stay shared: arcs are simplified once, before they are
joined into rings), rounds every coordinate to 0.01 degree and writes one compact
JSON file per scale next to this script. Standard library only.

Output format (``"format": 1``)::

    {"format": 1, "scale": "110m", "unit": 0.01, "source": "...", "countries": [
      {"name": "Mexico", "id": "484", "polygons": [[ring, hole, ...], ...]},
      ...]}

A ring is a flat list of integers in hundredths of a degree: the first point
absolute (lon, lat), every next point as the difference from the one before
(dlon, dlat). Rings are implicitly closed (the closing point is not repeated).
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PACKAGE = "world-atlas"
VERSION = "2.0.2"
# scale -> (radial tolerance, Douglas-Peucker tolerance), in degrees; 0 keeps every point.
SIMPLIFY = {"110m": (0.0, 0.0), "50m": (0.05, 0.02)}

Point = tuple[float, float]
IntPoint = tuple[int, int]
HALF_TURN, FULL_TURN = 18000, 36000  # 180 and 360 degrees, in hundredths


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """The topology's arcs in lon/lat: undo the delta encoding, then the quantization transform."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs: list[list[Point]] = []
    for arc in topology["arcs"]:
        x = y = 0
        points: list[Point] = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def radial(points: list[Point], tolerance: float) -> list[Point]:
    """Drop the points closer than ``tolerance`` to the last point kept; the ends always stay."""
    if tolerance <= 0 or len(points) <= 2:
        return points
    kept = [points[0]]
    for p in points[1:-1]:
        if math.hypot(p[0] - kept[-1][0], p[1] - kept[-1][1]) >= tolerance:
            kept.append(p)
    kept.append(points[-1])
    return kept


def douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker line simplification (iterative); the ends always stay."""
    if tolerance <= 0 or len(points) <= 2:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = points[a], points[b]
        length = math.hypot(bx - ax, by - ay)
        farthest, at = -1.0, -1
        for i in range(a + 1, b):
            px, py = points[i]
            d = (abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length if length > 0
                 else math.hypot(px - ax, py - ay))
            if d > farthest:
                farthest, at = d, i
        if farthest > tolerance:
            keep[at] = True
            stack += [(a, at), (at, b)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def quantize(points: list[Point]) -> list[IntPoint]:
    return [(round(x * 100), round(y * 100)) for x, y in points]


def join_ring(arcs: list[list[IntPoint]], indexes: list[int]) -> list[IntPoint]:
    """A ring from its arcs (a negative index ~i is arc i reversed), without repeated points."""
    points: list[IntPoint] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return dedupe(points)


def unwrap(ring: list[IntPoint]) -> tuple[list[IntPoint], int]:
    """The ring with longitudes made continuous (no step over 180 degrees), and its net turn around
    the globe: 0 for an ordinary ring, +-36000 for a ring around a pole (Antarctica)."""
    out = [ring[0]]
    for x, y in ring[1:]:
        out.append((x + round((out[-1][0] - x) / FULL_TURN) * FULL_TURN, y))
    x0 = ring[0][0]
    closing = x0 + round((out[-1][0] - x0) / FULL_TURN) * FULL_TURN  # where the closing step lands
    return out, closing - x0


def clip_band(ring: list[IntPoint], west: int, east: int) -> list[IntPoint]:
    """Sutherland-Hodgman: the part of ``ring`` with ``west <= lon <= east``."""
    def cut(points: list[IntPoint], edge: int, inside: Callable[[int], bool]) -> list[IntPoint]:
        out: list[IntPoint] = []
        for i, cur in enumerate(points):
            prev = points[i - 1]
            if inside(cur[0]) != inside(prev[0]):
                t = (edge - prev[0]) / (cur[0] - prev[0])
                out.append((edge, round(prev[1] + t * (cur[1] - prev[1]))))
            if inside(cur[0]):
                out.append(cur)
        return out

    points = cut(ring, west, lambda x: x >= west) if ring else ring
    return cut(points, east, lambda x: x <= east) if points else points


def area2(ring: list[IntPoint]) -> int:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True))


def split_at_antimeridian(rings: list[list[IntPoint]]) -> list[list[list[IntPoint]]]:
    """A polygon as one or more polygons within -180..180: the TopoJSON is spherical, so a ring may
    step across the antimeridian (Fiji, Chukotka) or go round the South Pole (Antarctica)."""
    if all(-HALF_TURN <= x <= HALF_TURN for ring in rings for x, _ in ring) and all(
            abs(b[0] - a[0]) <= HALF_TURN for ring in rings for a, b in zip(ring, ring[1:] + ring[:1], strict=True)):
        return [rings]
    flat: list[list[IntPoint]] = []
    for ring in rings:
        points, net = unwrap(ring)
        if net:  # round a pole: close the ring along the pole's latitude
            pole = -9000 if sum(y for _, y in points) < 0 else 9000
            end = points[0][0] + net
            points += [(end, points[0][1]), (end, pole), (points[0][0], pole)]
        flat.append(points)
    out = []
    for k in range(-2, 3):
        shift = k * FULL_TURN
        shifted = [clip_band([(x + shift, y) for x, y in ring], -HALF_TURN, HALF_TURN) for ring in flat]
        kept = [dedupe(ring) for ring in shifted]
        kept = [ring for ring in kept if len(ring) >= 3 and area2(ring) != 0]
        if kept:
            out.append(kept)
    return out


def dedupe(points: list[IntPoint]) -> list[IntPoint]:
    ring: list[IntPoint] = []
    for p in points:
        if not ring or ring[-1] != p:
            ring.append(p)
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    return ring


def encode_ring(ring: list[IntPoint]) -> list[int]:
    flat = [ring[0][0], ring[0][1]]
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        flat += [x1 - x0, y1 - y0]
    return flat


def countries(topology: dict[str, Any], scale: str) -> list[dict[str, Any]]:
    raw = decode_arcs(topology)
    radial_tolerance, dp_tolerance = SIMPLIFY[scale]
    exact = [quantize(arc) for arc in raw]
    simple = [quantize(douglas_peucker(radial(arc, radial_tolerance), dp_tolerance)) for arc in raw]
    out: list[dict[str, Any]] = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        encoded = []
        for polygon in polygons:
            rings = []
            for indexes in polygon:
                ring = join_ring(simple, indexes)
                if len(ring) < 3 or area2(ring) == 0:  # a tiny island simplified away: keep its exact outline
                    ring = join_ring(exact, indexes)
                if len(ring) >= 3 and area2(ring) != 0:
                    rings.append(ring)
                elif not rings:
                    break  # the outer ring vanished at 0.01 degree: the polygon goes with it
            for part in split_at_antimeridian(rings) if rings else []:
                encoded.append([encode_ring(ring) for ring in part])
        if encoded:
            out.append({"name": geometry["properties"]["name"], "id": str(geometry.get("id") or ""),
                        "polygons": encoded})
    return out


def write(folder: Path, scale: str) -> Path:
    topology = json.loads((folder / f"countries-{scale}.json").read_text(encoding="utf-8"))
    rows = countries(topology, scale)
    head = json.dumps({"format": 1, "scale": scale, "unit": 0.01,
                       "source": f"{PACKAGE}@{VERSION} countries-{scale}.json (Natural Earth, public domain)"},
                      ensure_ascii=False)
    body = ",\n".join(json.dumps(row, ensure_ascii=False, separators=(",", ":")) for row in rows)
    target = HERE / f"countries-{scale}.json"
    target.write_text(head[:-1] + ', "countries": [\n' + body + "\n]}\n", encoding="utf-8")
    return target


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m generator.geo.make_outline PATH/TO/node_modules/world-atlas", file=sys.stderr)
        return 2
    folder = Path(argv[0])
    meta = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    if meta.get("name") != PACKAGE or meta.get("version") != VERSION:
        print(f"expected {PACKAGE}@{VERSION}, found {meta.get('name')}@{meta.get('version')}", file=sys.stderr)
        return 1
    for scale in SIMPLIFY:
        target = write(folder, scale)
        print(f"wrote {target} ({target.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
