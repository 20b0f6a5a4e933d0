"""Bar and column charts drawn at build time, as inline SVG: no script, no request, readable without CSS.

Each chart is one image to assistive technology (``role="img"``), named by its
``<title>`` and described by a ``<desc>`` listing every value, so a screen reader
hears the data, not the shapes. Because ``role="img"`` hides what it contains,
a chart holds no links: the table printed beside it carries them.

Every piece of writer text (titles, labels, units) is escaped. Text widths are
estimated, not measured (no fonts at build time), so the estimates are generous.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

from .numbers import format_number

ROW = 24  # the height of one bar's row: bars a finger can tell apart
BAR = 16
FONT = 13  # px; set on the chart, so that the width estimates hold whatever the page's font size
CHAR = 7.5  # the estimated advance of an average character at FONT px, generous for sans-serif fonts
GAP = 8
ELLIPSIS = "\u2026"

COLUMN_PLOT = 160  # the height of the tallest column
COLUMN_LABEL_CHARS = 12  # a column's label is a year or a month: anything longer is cut

_ID = re.compile(r"[A-Za-z][\w-]*\Z")


def bar_chart(rows: Sequence[tuple[str, float]], *, title: str, unit: str, chart_id: str,
              width: int = 640) -> Markup:
    """A horizontal bar chart: one row per (label, value), the label on the left, the value at the bar's end."""
    _check(chart_id, width)
    values = [_length(value) for _, value in rows]
    texts = [_format(value) for _, value in rows]
    longest = max((_width(label) for label, _ in rows), default=1)
    label_w = min(round(width * 0.35), math.ceil(longest * CHAR) + GAP)
    value_w = math.ceil(max((len(text) for text in texts), default=1) * CHAR) + GAP
    plot = width - label_w - value_w  # the length of the longest bar
    top = max(values, default=0.0)
    height = max(len(rows), 1) * ROW
    parts = [_open(chart_id, "chart chart-bars", title, _desc(rows, unit), width, height)]
    for n, ((label, _), value, text) in enumerate(zip(rows, values, texts, strict=True)):
        y = n * ROW
        length = plot * value / top if top > 0 else 0.0
        middle = _n(y + ROW / 2)
        parts.append(f'<rect class="bar" x="{label_w}" y="{_n(y + (ROW - BAR) / 2)}" width="{_n(length)}" '
                     f'height="{BAR}" fill="currentColor"/>')
        parts.append(f'<text class="bar-label" x="{label_w - GAP / 2:g}" y="{middle}" dy="0.35em" '
                     f'text-anchor="end" fill="currentColor">{escape(_cut(label, (label_w - GAP) / CHAR))}</text>')
        parts.append(f'<text class="bar-value" x="{_n(label_w + length + GAP / 2)}" y="{middle}" dy="0.35em" '
                     f'fill="currentColor">{escape(text)}</text>')
    parts.append("</svg>")
    return Markup("\n".join(parts))


def year_columns(rows: Sequence[tuple[str, float]], *, title: str, unit: str, chart_id: str,
                 width: int = 640) -> Markup:
    """A column chart of a time series: one column per (year or month, value), oldest on the left."""
    _check(chart_id, width)
    values = [_length(value) for _, value in rows]
    texts = [_format(value) for _, value in rows]
    labels = [_cut(label, COLUMN_LABEL_CHARS) for label, _ in rows]
    head, foot = ROW, ROW + GAP  # room for the values above the columns, the labels below the axis
    height = head + COLUMN_PLOT + foot
    slot = (width - 2 * GAP) / max(len(rows), 1)
    column = min(slot * 0.7, 48.0)
    top = max(values, default=0.0)
    # Crowded labels are thinned to every step-th; values show only if every one fits above its column.
    step = max(1, math.ceil((max((_width(label) for label in labels), default=1) * CHAR + GAP) / slot))
    show_values = all(len(text) * CHAR <= slot for text in texts)
    base = head + COLUMN_PLOT
    parts = [_open(chart_id, "chart chart-columns", title, _desc(rows, unit), width, height),
             f'<line class="axis" x1="{GAP}" y1="{base}" x2="{width - GAP}" y2="{base}" '
             f'stroke="currentColor" stroke-width="1"/>']
    for n, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        centre = GAP + slot * (n + 0.5)
        tall = COLUMN_PLOT * value / top if top > 0 else 0.0
        parts.append(f'<rect class="bar" x="{_n(centre - column / 2)}" y="{_n(base - tall)}" '
                     f'width="{_n(column)}" height="{_n(tall)}" fill="currentColor"/>')
        if show_values:
            parts.append(f'<text class="bar-value" x="{_n(centre)}" y="{_n(base - tall - GAP / 2)}" '
                         f'text-anchor="middle" fill="currentColor">{escape(text)}</text>')
        if n % step == 0:
            parts.append(f'<text class="bar-label" x="{_n(centre)}" y="{base + ROW - GAP / 2:g}" '
                         f'text-anchor="middle" fill="currentColor">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("\n".join(parts))


PHONE_WIDTH = 360  # drawn at about 1:1 in a 390 px phone's column, so that FONT px stays about FONT px


def for_every_screen(draw: Callable[..., Markup], rows: Sequence[tuple[str, float]], *, title: str, unit: str,
                     chart_id: str) -> Markup:
    """The chart drawn twice, for a wide screen (640) and for a phone (PHONE_WIDTH), the stylesheet showing one.

    An SVG scales its text with it: drawn 640 wide in a phone's 358 px, 13 px labels came out at 7 px.
    The one hidden by ``display: none`` is hidden from assistive technology too; each has its own ids.
    """
    wide = draw(rows, title=title, unit=unit, chart_id=chart_id)
    phone = draw(rows, title=title, unit=unit, chart_id=f"{chart_id}-phone", width=PHONE_WIDTH)
    return Markup('<div class="chart-wide">\n{}\n</div>\n<div class="chart-phone">\n{}\n</div>').format(wide, phone)


def _check(chart_id: str, width: int) -> None:
    # aria-labelledby is a list of ids separated by spaces: an id with a space would name two.
    if not _ID.match(chart_id):
        raise ValueError(f"chart_id must be a letter then letters, digits, '-' or '_', not {chart_id!r}")
    if width < 200:
        raise ValueError(f"a chart needs a width of at least 200, not {width}")


def _open(chart_id: str, classes: str, title: str, desc: str, width: int, height: int) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="{classes}" role="img" '
            f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" font-size="{FONT}">\n'
            f'<title id="{chart_id}-title">{escape(title)}</title>\n'
            f'<desc id="{chart_id}-desc">{escape(desc)}</desc>')


def _desc(rows: Sequence[tuple[str, float]], unit: str) -> str:
    """The text alternative: every label and value in full ("2021: 12 killed; 2022: 30 killed.")."""
    if not rows:
        return "No data."
    return "; ".join(f"{label}: {_format(value)} {unit}".rstrip() for label, value in rows) + "."


def _length(value: float) -> float:
    """What a bar's length is drawn from: never negative, and 0 for what is not a number."""
    return value if math.isfinite(value) and value > 0 else 0.0


def _format(value: float) -> str:
    return format_number(value)


def _width(text: str) -> int:
    """The width of ``text`` in average characters: CJK and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cut(text: str, room: float) -> str:
    """``text``, cut with an ellipsis to fit ``room`` average characters."""
    if _width(text) <= room:
        return text
    out, used = [], 1  # the ellipsis takes one
    for c in text:
        used += _width(c)
        if used > room:
            break
        out.append(c)
    return "".join(out).rstrip() + ELLIPSIS


def _n(x: float) -> str:
    """A coordinate with at most two decimals, written the same way on every run."""
    return f"{x:.2f}".rstrip("0").rstrip(".")
