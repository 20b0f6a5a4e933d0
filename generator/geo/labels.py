"""Labels beside a map's marks, placed so that none overlaps another, and the legend of sizes.

Placement is greedy: marks are taken largest first and each label tries eight places (right,
left, above, below its circle, then its corners); the first inside the map and clear of every
label placed so far and of every other mark is taken; else a mark large enough shows its count
inside its circle, and a smaller one goes unlabelled (its link still has its
name). The size of a text is estimated from its length, never measured, so the result is
the same on every machine: 0.6 of the font size a character (wider than most characters of
a sans-serif face, so the estimate errs toward leaving room).
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import escape

from .basemap import num
from .cluster import Mark, radius

Box = tuple[float, float, float, float]  # x0, y0, x1, y1
CHAR = 0.6  # a character's width, in font sizes
MAX_LABELS = 40
LEGEND_COUNTS = (1, 10, 100, 1000)


def text_box(x: float, y: float, text: str, size: float, anchor: str = "start") -> Box:
    """The box a one-line text takes, drawn at ``x``, ``y`` (its baseline) with ``anchor``."""
    width = len(text) * CHAR * size
    x0 = x - width if anchor == "end" else x - width / 2 if anchor == "middle" else x
    return x0, y - size * 0.8, x0 + width, y + size * 0.25


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def label_text(mark: Mark) -> str:
    name = mark.lead.name
    if not name:
        return ""
    if len(mark.points) > 1:
        return f"{name} area ({mark.count})"
    return f"{name} ({mark.count})" if mark.count > 1 else name


def place_labels(marks: Sequence[Mark], width: float, height: float, size: float) -> list[str]:
    """The ``<text>`` of each mark that gets a label, largest marks first."""
    taken: list[Box] = []
    circles = [(m.x - m.r, m.y - m.r, m.x + m.r, m.y + m.r) for m in marks]
    out: list[str] = []
    for i, mark in sorted(enumerate(marks), key=lambda im: (-im[1].count, im[0])):
        text = label_text(mark)
        if not text or len(out) >= MAX_LABELS:
            continue
        gap = mark.r + size * 0.3
        slant = mark.r * 0.75 + size * 0.3  # beside the circle's upper or lower right and left
        spots = [(mark.x + gap, mark.y + size * 0.35, "start"), (mark.x - gap, mark.y + size * 0.35, "end"),
                 (mark.x, mark.y - gap, "middle"), (mark.x, mark.y + gap + size * 0.8, "middle"),
                 (mark.x + slant, mark.y - slant, "start"), (mark.x + slant, mark.y + slant + size * 0.6, "start"),
                 (mark.x - slant, mark.y - slant, "end"), (mark.x - slant, mark.y + slant + size * 0.6, "end")]
        boxes = [(text_box(x, y, text, size, anchor), x, y, anchor) for x, y, anchor in spots]
        # Inside the map, clear of every label placed and of every other mark: a label over another
        # mark seemed to name it (on a phone's world map, most of all).
        chosen = [b for b in boxes if b[0][0] >= 0 and b[0][1] >= 0 and b[0][2] <= width and b[0][3] <= height
                  and not any(_overlaps(b[0], t) for t in taken)
                  and not any(_overlaps(b[0], c) for j, c in enumerate(circles) if j != i)][:1]
        for box, x, y, anchor in chosen:
            taken.append(box)
            out.append(f'<text x="{num(x)}" y="{num(y)}" text-anchor="{anchor}">{escape(text)}</text>')
        count = str(mark.count)
        if not chosen and mark.count > 1 and 2 * mark.r >= len(count) * CHAR * size + size * 0.4:
            out.append(f'<text class="count" x="{num(mark.x)}" y="{num(mark.y + size * 0.35)}" '
                       f'text-anchor="middle" fill="#ffffff">{count}</text>')
    return out


def legend(marks: Sequence[Mark], width: float, top: float, base: float, size: float,
           most: float | None = None) -> tuple[list[str], float]:
    """A band below the map: "Incidents" and the circle of 1, 10, 100… up to the largest mark's count.

    Returns the band's elements and its height.
    """
    largest = max((m.count for m in marks), default=1)
    counts = [c for c in LEGEND_COUNTS if c <= max(largest, 1)]
    biggest = radius(counts[-1], base, most)
    band = max(2 * biggest, size) + size
    mid = top + band / 2
    caption = "Incidents:"
    out = [f'<g class="legend" aria-hidden="true" font-size="{num(size)}">',
           f'<rect class="legend-band" x="0" y="{num(top)}" width="{num(width)}" height="{num(band)}" fill="#ffffff"/>',
           f'<text x="{num(size * 0.6)}" y="{num(mid + size * 0.35)}">{caption}</text>']
    x = size * 0.6 + len(caption) * CHAR * size + size
    for count in counts:
        r = radius(count, base, most)
        out.append(f'<circle class="point" cx="{num(x + r)}" cy="{num(mid)}" r="{num(r)}" fill="#b3261e" '
                   f'fill-opacity="0.8"/>')
        x += 2 * r + size * 0.3
        out.append(f'<text x="{num(x)}" y="{num(mid + size * 0.35)}">{count}</text>')
        x += len(str(count)) * CHAR * size + size
    out.append("</g>")
    return out, band
