"""Related incidents: the editors' explicit ``related`` first, then computed ones.

Computed relatedness scores what two incidents share, the way Hugo's
related-content indices weigh their fields: each shared key (entity, source,
place, tag) is worth its kind's weight in WEIGHTS times its rarity,
``log(1 + N/df) / log(1 + N/2)`` for a key held by ``df`` of the ``N``
incidents. A key only two incidents share is worth its full weight, a tag on
half the site a fraction of it. Being within NEAR_DAYS adds a small bonus.

The cost grows linearly with the site, however much incidents share. A key
held by more than MAX_SHARE of the incidents (and by more than COMMON_FLOOR,
so small sites lose nothing) is not counted at all, like Hugo's
``cardinalityThreshold``. The inverted indices list each key's holders in date
order, and a key counts between two incidents only when they are at most
WINDOW apart in its list: each incident walks at most 2 × WINDOW + 1 holders
of a key, a key held by many links only incidents near in time, and one held
by at most WINDOW + 1 (every key of a small site) always counts. The best
candidates are picked by heap. Ties break on nearness in time, then slug;
worths are multiples of 1/QUANTUM, so sums are exact in any order and the
result is the same on every run and in every process.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass

from .model import Incident

WEIGHTS = {"entity": 3.0, "source": 2.0, "place": 2.0, "tag": 1.0}
NAMES = {"entity": ("shared entity", "shared entities"), "source": ("shared source", "shared sources"),
         "tag": ("shared tag", "shared tags")}
NEAR_DAYS = 30
NEAR_BONUS = 0.5
MAX_SHARE = 0.05  # a key held by more than this share of the incidents is not counted...
COMMON_FLOOR = 50  # ...unless it is held by at most this many
WINDOW = COMMON_FLOOR  # how far apart (in a key's date-ordered list) two holders may be for the key to count
QUANTUM = 1024  # worths are multiples of 1/QUANTUM

EPOCH, MICROSECOND = dt.datetime(1970, 1, 1, tzinfo=dt.UTC), dt.timedelta(microseconds=1)
DAY = 86_400_000_000  # microseconds

Key = tuple[str, str]  # (kind, value)


@dataclass(frozen=True, slots=True)
class Related:
    incident: Incident
    reason: str  # shown to readers: "2 shared sources, same place"


def _keys(incident: Incident) -> set[Key]:
    loc = incident.location
    keys = {("entity", r.id) for r in incident.entities} | {("source", r.id) for r in incident.sources}
    keys |= {("tag", tag) for tag in incident.tags}
    if loc.place:
        keys.add(("place", f"{loc.place}|{loc.country}"))
    return keys


def _window(holders: list[int], rank: int) -> list[int]:
    """The holders of a key at most WINDOW places from the incident at ``rank`` (which holds it)."""
    at = bisect_left(holders, rank)
    return holders[max(0, at - WINDOW): at + WINDOW + 1]


class _Index:
    """Incidents by rank (date order), the holders of each counted key by rank, and each key's worth."""

    def __init__(self, incidents: list[Incident]):
        self.order = sorted(incidents, key=lambda i: (i.date.value, i.slug))
        self.rank = {incident.slug: rank for rank, incident in enumerate(self.order)}
        self.micros = [(i.date.value - EPOCH) // MICROSECOND for i in self.order]
        every = [_keys(incident) for incident in self.order]
        holders: dict[Key, list[int]] = defaultdict(list)
        for rank, keys in enumerate(every):
            for key in keys:
                holders[key].append(rank)  # ranks ascend, so each list is in date order
        n = len(self.order)
        most = max(COMMON_FLOOR, MAX_SHARE * n)
        self.holders = {key: ranks for key, ranks in holders.items() if len(ranks) <= most}
        norm = math.log(1 + n / 2)
        self.worth = {key: round(WEIGHTS[key[0]] * math.log(1 + n / len(ranks)) / norm * QUANTUM) / QUANTUM
                      for key, ranks in self.holders.items()}
        self.counted = [keys & self.holders.keys() for keys in every]

    def scores(self, me: int) -> dict[int, float]:
        """Every candidate's score: the worth of the keys it shares with ``me``, and the bonus."""
        found: dict[int, float] = {}
        for key in self.counted[me]:
            worth = self.worth[key]
            for other in _window(self.holders[key], me):
                found[other] = found.get(other, 0.0) + worth
        found.pop(me, None)
        # Ranks are in date order, so the incidents within NEAR_DAYS (as days() counts) are a range of them.
        lo = bisect_left(self.micros, self.micros[me] - NEAR_DAYS * DAY)
        hi = bisect_left(self.micros, self.micros[me] + (NEAR_DAYS + 1) * DAY)
        for other in found:
            if lo <= other < hi:
                found[other] += NEAR_BONUS
        return found

    def days(self, me: int, other: int) -> int:
        return abs((self.micros[other] - self.micros[me]) // DAY)

    def linked_by(self, me: int, other: int) -> list[Key]:
        """The keys that counted between two incidents."""
        return [key for key in self.counted[me] & self.counted[other]
                if abs(bisect_left(self.holders[key], me) - bisect_left(self.holders[key], other)) <= WINDOW]


def related_incidents(incidents: list[Incident], limit: int) -> dict[str, tuple[Related, ...]]:
    index = _Index(incidents)
    return {incident.slug: _related_to(index, incident, limit) for incident in incidents}


def _related_to(index: _Index, incident: Incident, limit: int) -> tuple[Related, ...]:
    chosen = [Related(index.order[index.rank[r.id]], "linked by the editors")
              for r in incident.related if r.id in index.rank and r.id != incident.slug][:limit]
    room = limit - len(chosen)
    if room <= 0:
        return tuple(chosen)
    me = index.rank[incident.slug]
    scores = index.scores(me)
    for r in chosen:
        scores.pop(index.rank[r.incident.slug], None)
    if len(scores) > room:  # ties aside, only the best scores can make it: skip the rest before sorting
        cut = heapq.nlargest(room, scores.values())[-1]
        scores = {other: score for other, score in scores.items() if score >= cut}
    # (-score, days apart, slug) is a total order: slugs are unique.
    ranked = [(-score, index.days(me, other), index.order[other].slug, other) for other, score in scores.items()]
    for *_, other in heapq.nsmallest(room, ranked):
        chosen.append(Related(index.order[other], _reason(index.linked_by(me, other))))
    return tuple(chosen)


def _reason(keys: list[Key]) -> str:
    # The reason names only the keys that counted. A key too common to count (a
    # tag on most of the site, or one whose holders lie far apart in time) is
    # left out even when the two incidents share it: readers are told why the
    # incidents are related, and that key is not why.
    counts = Counter(kind for kind, _ in keys)
    return ", ".join("same place" if kind == "place" else f"{counts[kind]} {NAMES[kind][counts[kind] != 1]}"
                     for kind in ("entity", "source", "place", "tag") if counts[kind])
