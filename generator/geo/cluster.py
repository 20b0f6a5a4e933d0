"""Marks: the points of a map merged where their circles would overlap, each with its count.

A world map of a thousand places drew Europe as one solid blob of overlapping dots. Here
the points are projected first, and any two circles that would overlap at the map's scale
become one mark: its count is the sum of its points' incidents, its centre their centroid
weighted by incidents, its radius that of the sum. Merging grows a circle, so merging goes
on until no two marks overlap. The order is fixed (largest first, then by position and
link), so the same points give the same marks, whatever order they came in.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .bounds import MapPoint

Projector = Callable[[float, float], tuple[float, float]]
MAX_RADII = 8.0  # the largest mark is this many single-incident radii (512 incidents and more)


def radius(count: int, base: float, top: float | None = None) -> float:
    """A mark's radius: its area grows with its incidents, more slowly than in proportion
    (cube root), so that a mark of hundreds does not cover a continent; the legend names sizes.
    At most ``top`` (default MAX_RADII single radii): a phone's map caps it lower for its width."""
    return min(base * math.pow(max(count, 1), 1 / 3), base * MAX_RADII if top is None else top)


@dataclass(slots=True)
class Mark:
    points: list[MapPoint]
    x: float
    y: float
    count: int
    r: float

    @property
    def lead(self) -> MapPoint:
        """The point with the most incidents (first in the fixed order): the mark's name and link."""
        return self.points[0]

    @property
    def href(self) -> str:
        """A single point's own link; a cluster's, the region map most of its incidents belong to
        (its lead's link when the points name none)."""
        if len(self.points) == 1:
            return self.lead.href
        areas = {p.area for p in self.points}
        if len(areas) == 1 and "" not in areas:  # all in one area: its map, where they are apart
            return areas.pop()
        weight: dict[str, int] = {}
        for p in self.points:
            if p.group:
                weight[p.group] = weight.get(p.group, 0) + p.count
        if not weight:
            return self.lead.href
        return min(weight, key=lambda group: (-weight[group], group))

    @property
    def label(self) -> str:
        """The accessible name: the point's own, or the cluster's count and its places."""
        if len(self.points) == 1:
            return self.lead.label
        names = [p.name or p.label.split(":")[0] for p in self.points]
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        return f"{self.count} incidents in {len(self.points)} places: {shown}"


def order(point: MapPoint) -> tuple[int, float, float, str, str]:
    return (-point.count, point.lat, point.lon, point.href, point.label)


def cluster(points: Sequence[MapPoint], project: Projector, base: float, top: float | None = None) -> list[Mark]:
    """The marks of ``points`` (already inside the map), none overlapping another, in drawing order."""
    marks: list[Mark] = []
    for p in sorted(points, key=order):
        x, y = project(p.lon, p.lat)
        r = radius(p.count, base, top)
        hit = next((m for m in marks if math.hypot(m.x - x, m.y - y) < m.r + r), None)
        if hit is None:
            marks.append(Mark([p], x, y, p.count, r))
        else:
            _absorb(hit, [p], x, y, p.count, base, top)
    _settle(marks, base, top)
    for m in marks:
        m.points.sort(key=order)
    # Smaller marks are drawn last, on top, so a small one beside a large one stays clickable.
    marks.sort(key=lambda m: (-m.count, round(m.y, 1), round(m.x, 1), m.lead.href))
    return marks


def _absorb(mark: Mark, points: list[MapPoint], x: float, y: float, count: int, base: float,
            top: float | None) -> None:
    total = mark.count + count
    mark.x = (mark.x * mark.count + x * count) / total
    mark.y = (mark.y * mark.count + y * count) / total
    mark.count = total
    mark.points.extend(points)
    mark.r = radius(total, base, top)


def _settle(marks: list[Mark], base: float, top: float | None) -> None:
    """Merge marks that overlap (a mark grown by merging may reach its neighbours) until none do.

    Only a mark that grows can come to overlap another, and it is checked against every other
    mark before the walk moves on: the marks behind the walk never change again.
    """
    i = 0
    while i < len(marks):
        a = marks[i]
        j = next((j for j, b in enumerate(marks) if j != i and math.hypot(a.x - b.x, a.y - b.y) < a.r + b.r), None)
        if j is None:
            i += 1
            continue
        b = marks.pop(j)
        _absorb(a, b.points, b.x, b.y, b.count, base, top)
        if j < i:
            i -= 1
