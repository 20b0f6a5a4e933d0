"""How many reports the home page shows beside its latest incidents, so that the two columns end together.

On a wide screen the home page has the latest incidents in two columns on the left and, on the right,
the figures, the map and the latest reports. Showing as many reports as incidents left the right
column 1,500 px longer on a large site. The page is drawn at build time, so the heights are estimated
from the text each item shows, at the default theme's type sizes at 1280 px (about 380 px per column:
a title line holds about 28 characters, a summary line about 38). The estimate only has to pick a
count of reports; every other report is one click away ("All N reports").
"""

from __future__ import annotations

from collections.abc import Sequence
from math import ceil

from ..model import Incident, Report

TITLE_CHARS, META_CHARS, SUMMARY_CHARS = 28, 50, 38  # characters on one line of each, in one column
TITLE_LINE, META_LINE, SUMMARY_LINE, FIGURES_LINE = 25, 21, 24, 27  # px
ITEM_FRAME = 48  # px: the item's padding, rule and the margins between its lines
BADGE_CHARS = 14  # a status badge takes about this many characters of its line
GLANCE = 460  # px: the side column's heading, the four counts, the note under the totals
MAP = 260  # px: the small map and its caption
FIGURE_ROW = 75  # px: one row of three figure boxes
SECTION = 90  # px: a section's heading and the gap above it, or a "more" link


def _lines(text: str, per_line: int) -> int:
    return max(1, ceil(len(text) / per_line)) if text else 0


def incident_height(incident: Incident) -> int:
    loc = incident.location
    meta = len(incident.date.human()) + len(", ".join(p for p in (loc.place, loc.region, loc.country) if p))
    meta += BADGE_CHARS * (2 if incident.fictional or incident.exclude_from_totals else 1)
    return (ITEM_FRAME + TITLE_LINE * _lines(incident.title, TITLE_CHARS) + META_LINE * _lines("x" * meta, META_CHARS)
            + SUMMARY_LINE * _lines(incident.summary, SUMMARY_CHARS) + (FIGURES_LINE if incident.figures else 0))


def report_height(report: Report) -> int:
    meta = len(report.date.human()) + len(", ".join(report.authors)) + 5
    return (ITEM_FRAME + TITLE_LINE * _lines(report.title, TITLE_CHARS) + META_LINE * _lines("x" * meta, META_CHARS)
            + SUMMARY_LINE * _lines(report.summary, SUMMARY_CHARS))


def reports_beside(incidents: Sequence[Incident], reports: Sequence[Report], *, totals: int, has_map: bool,
                   limit: int) -> int:
    """How many of ``reports`` (newest first) to show beside ``incidents`` (two to a row): at least one when
    there is any, at most ``limit``; the count whose column ends nearest the incidents' column.
    ``totals``: how many figures the totals show (three boxes to a row)."""
    if not reports:
        return 0
    heights = [incident_height(i) for i in incidents]
    rows = [max(heights[n:n + 2]) for n in range(0, len(heights), 2)]
    left = SECTION + sum(rows) + (SECTION if incidents else 0)
    side = GLANCE + (FIGURE_ROW * ceil(totals / 3) + SECTION // 2 if totals else 0) + (MAP if has_map else 0) + SECTION
    best, best_gap = 1, None
    for count in range(1, min(limit, len(reports)) + 1):
        side += report_height(reports[count - 1])
        more = SECTION // 2 if count < len(reports) else 0
        gap = abs(left - (side + more))
        if best_gap is None or gap < best_gap:
            best, best_gap = count, gap
    return best
