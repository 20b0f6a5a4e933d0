"""Site statistics: the totals of the incidents' figures, and their breakdowns by year, country and tag.

Pure functions over the published incidents, returning frozen values for templates
and exports. Fictional incidents (the example site's) and those the editors exclude
are never in a total, but are counted apart, so that every total can say what it
leaves out (``describe``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .model import Incident
from .urls import term_slug

Number = int | float
Values = tuple[tuple[str, Number], ...]

# The row of the incidents that name no country, or no tag: without it the rows
# of a breakdown would not add up to the totals printed above them.
NOT_GIVEN = "Not given"


@dataclass(frozen=True, slots=True)
class BreakdownRow:
    key: str  # the year, the country or the tag as written, or NOT_GIVEN, or "Other (k)"
    slug: str  # of the term page to link; "" when there is none (the NOT_GIVEN and "Other" rows)
    incidents: int
    values: Values  # per figure, in Statistics.figures order; 0 when no incident has it

    def value(self, figure: str) -> Number:
        for key, value in self.values:
            if key == figure:
                return value
        return 0


@dataclass(frozen=True, slots=True)
class Breakdown:
    dimension: str  # year | country | tag
    rows: tuple[BreakdownRow, ...]

    def top(self, n: int) -> tuple[BreakdownRow, ...]:
        """The first ``n`` rows and one "Other (k)" row adding up the k others, for a chart that must stay short.

        An "Other (1)" row would hide a row without saving any space, so n + 1 rows are returned whole.
        """
        if n < 0:
            raise ValueError(f"top() needs n >= 0, not {n}")
        if len(self.rows) <= n + 1:
            return self.rows
        rest = self.rows[n:]
        return self.rows[:n] + (_merge(f"Other ({len(rest)})", rest),)

    def series(self, figure: str | None = None, *, top: int | None = None) -> tuple[tuple[str, Number], ...]:
        """(key, value) per row, for a chart: a figure's values, or the number of incidents when ``figure`` is None."""
        rows = self.rows if top is None else self.top(top)
        return tuple((row.key, row.incidents if figure is None else row.value(figure)) for row in rows)


@dataclass(frozen=True, slots=True)
class Statistics:
    counted: int  # incidents in the totals
    left_out: int  # fictional or excluded: fictional + excluded
    fictional: int
    excluded: int  # excluded by the editors and not fictional, so that no incident is left out twice
    figures: tuple[str, ...]  # the figure keys of the counted incidents, in the site's order (figure_order)
    totals: Values  # per figure, in ``figures`` order
    by_year: Breakdown
    by_country: Breakdown
    by_tag: Breakdown

    def total(self, figure: str) -> Number:
        for key, value in self.totals:
            if key == figure:
                return value
        return 0


class _Tally:
    """One row being added up: mutable, unlike the row it becomes."""

    __slots__ = ("names", "incidents", "sums")

    def __init__(self, width: int) -> None:
        self.names: set[str] = set()
        self.incidents = 0
        self.sums: list[Number] = [0] * width

    def add(self, name: str, figures: list[tuple[int, Number]]) -> None:
        self.names.add(name)
        self.incidents += 1
        sums = self.sums
        for index, value in figures:
            sums[index] += value


class _Dimension:
    """The tallies of one breakdown, keyed like the term pages: by slug, so "Police" and "police" are one row."""

    def __init__(self, dimension: str, width: int) -> None:
        self.dimension, self.width = dimension, width
        self.tallies: dict[str | None, _Tally] = {}  # None: the NOT_GIVEN row

    def add(self, name: str | None, figures: list[tuple[int, Number]], seen: set[str | None] | None = None) -> None:
        """Count an incident under ``name`` (None: NOT_GIVEN), unless its key is in ``seen``, this incident's keys."""
        # A name whose slug is empty ("???") has no term page: it is keyed by its name alone.
        key = None if name is None else (term_slug(name) or name)
        tally = self.tallies.get(key)
        if tally is None:
            tally = self.tallies[key] = _Tally(self.width)
        if seen is not None:
            if key in seen:  # "Police" and "police" on one incident: one tag, counted once
                tally.names.add(NOT_GIVEN if name is None else name)
                return
            seen.add(key)
        tally.add(NOT_GIVEN if name is None else name, figures)

    def breakdown(self, figures: tuple[str, ...]) -> Breakdown:
        rows = []
        for key, tally in self.tallies.items():
            # The same spelling the term page shows (terms.py): the smallest of the names written.
            name = min(tally.names)
            slug = "" if key is None else (name if self.dimension == "year" else term_slug(name))
            rows.append(BreakdownRow(name, slug, tally.incidents, tuple(zip(figures, tally.sums, strict=True))))
        if self.dimension == "year":
            rows.sort(key=lambda row: int(row.key))
        else:
            # Most incidents first; the NOT_GIVEN row last, wherever its size would put it.
            rows.sort(key=lambda row: (not row.slug and row.key == NOT_GIVEN, -row.incidents,
                                       row.key.casefold(), row.key))
        return Breakdown(self.dimension, tuple(rows))


def statistics(incidents: Sequence[Incident]) -> Statistics:
    """The totals and breakdowns of the incidents that count (see ``Incident.in_totals``)."""
    counted = [incident for incident in incidents if incident.in_totals]
    fictional = sum(1 for incident in incidents if incident.fictional)
    present = {key for incident in counted for key, _ in incident.figures}
    figures = tuple(key for key in figure_order(incidents) if key in present)
    index = {key: n for n, key in enumerate(figures)}
    totals: list[Number] = [0] * len(figures)
    years, countries, tags = (_Dimension(d, len(figures)) for d in ("year", "country", "tag"))
    for incident in counted:
        indexed = [(index[key], value) for key, value in incident.figures]
        for n, value in indexed:
            totals[n] += value
        years.add(str(incident.date.year), indexed)
        countries.add(incident.location.country or None, indexed)
        # A tag written twice on one incident counts it once; an incident with no tag is NOT_GIVEN.
        seen: set[str | None] = set()
        for tag in incident.tags or (None,):
            tags.add(tag, indexed, seen)
    return Statistics(
        counted=len(counted), left_out=len(incidents) - len(counted), fictional=fictional,
        excluded=len(incidents) - len(counted) - fictional, figures=figures,
        totals=tuple(zip(figures, totals, strict=True)), by_year=years.breakdown(figures),
        by_country=countries.breakdown(figures), by_tag=tags.breakdown(figures))


def figure_order(incidents: Iterable[Incident]) -> tuple[str, ...]:
    """Every figure key, in the one order the whole site shows figures in (table, statistics, timeline).

    Writers put the figure that matters first (killed before injured), so keys follow their
    average place in the incidents' ``figures``, not the alphabet; ties by name, so it never varies.
    """
    counts: Counter[str] = Counter()
    places: Counter[str] = Counter()
    for incident in incidents:
        for place, (key, _) in enumerate(incident.figures):
            counts[key] += 1
            places[key] += place
    return tuple(sorted(counts, key=lambda key: (places[key] / counts[key], key)))


def most_used(incidents: Iterable[Incident], order: Sequence[str], n: int) -> tuple[str, ...]:
    """The ``n`` figure keys most incidents have (ties: the first in ``order``), kept in ``order``."""
    counts = Counter(key for incident in incidents for key, _ in incident.figures)
    rank = {key: place for place, key in enumerate(order)}
    chosen = set(sorted(counts, key=lambda key: (-counts[key], rank.get(key, len(rank)), key))[:n])
    return tuple(key for key in order if key in chosen)


def _merge(key: str, rows: Sequence[BreakdownRow]) -> BreakdownRow:
    """One row adding up ``rows``, which share one figure order. For tags, an incident may be in several."""
    sums: list[Number] = [0] * len(rows[0].values)
    for row in rows:
        for n, (_, value) in enumerate(row.values):
            sums[n] += value
    keys = [figure for figure, _ in rows[0].values]
    return BreakdownRow(key, "", sum(row.incidents for row in rows), tuple(zip(keys, sums, strict=True)))


def describe(stats: Statistics) -> str:
    """One sentence saying what the totals count, to print under every total.

    "Totals count 1,234 incidents; 5 fictional examples and 2 incidents excluded by the editors are not counted."
    """
    text = f"Totals count {_count(stats.counted, 'incident')}"
    left = []
    if stats.fictional:
        left.append(_count(stats.fictional, "fictional example"))
    if stats.excluded:
        left.append(f"{_count(stats.excluded, 'incident')} excluded by the editors")
    if not left:
        return text + "."
    verb = "is" if stats.left_out == 1 else "are"
    return f"{text}; {' and '.join(left)} {verb} not counted."


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"
