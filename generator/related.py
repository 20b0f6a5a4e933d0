"""Related incidents: the editors' explicit ``related`` first, then computed ones.

Computed relatedness scores what two incidents share — entities weigh most,
then sources, place, tags — with nearness in time as a small bonus, the way
Hugo's related-content indices weigh their fields. Candidates come from
inverted indices, so the cost grows with what incidents share, not with the
square of the site. Ties break on date then slug, so the result is stable.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .model import Incident

WEIGHTS = {"entity": 3.0, "source": 2.0, "place": 2.0, "tag": 1.0}
NAMES = {"entity": ("shared entity", "shared entities"), "source": ("shared source", "shared sources"),
         "tag": ("shared tag", "shared tags")}
NEAR_DAYS = 30


@dataclass(frozen=True, slots=True)
class Related:
    incident: Incident
    reason: str  # shown to readers: "2 shared sources, same place"


def _keys(incident: Incident) -> dict[str, set[str]]:
    loc = incident.location
    return {
        "entity": {r.id for r in incident.entities},
        "source": {r.id for r in incident.sources},
        "tag": set(incident.tags),
        "place": {f"{loc.place}|{loc.country}"} if loc.place else set(),
    }


def related_incidents(incidents: list[Incident], limit: int) -> dict[str, tuple[Related, ...]]:
    by_slug = {i.slug: i for i in incidents}
    keys = {i.slug: _keys(i) for i in incidents}
    index: dict[tuple[str, str], list[str]] = defaultdict(list)
    for slug, kinds in keys.items():
        for kind, values in kinds.items():
            for value in values:
                index[(kind, value)].append(slug)

    out = {}
    for incident in incidents:
        chosen = [Related(by_slug[r.id], "linked by the editors")
                  for r in incident.related if r.id in by_slug and r.id != incident.slug][:limit]
        taken = {incident.slug} | {r.incident.slug for r in chosen}
        shared: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for kind, values in keys[incident.slug].items():
            for value in values:
                for other in index[(kind, value)]:
                    if other not in taken:
                        shared[other][kind] += 1
        scored = []
        for other, counts in shared.items():
            score = sum(WEIGHTS[k] * n for k, n in counts.items())
            days = abs((by_slug[other].date.value - incident.date.value).days)
            if days <= NEAR_DAYS:
                score += 0.5
            scored.append((-score, days, other, counts))
        scored.sort()
        for _, _, other, counts in scored[: max(0, limit - len(chosen))]:
            chosen.append(Related(by_slug[other], _reason(counts)))
        out[incident.slug] = tuple(chosen)
    return out


def _reason(counts: dict[str, int]) -> str:
    parts = []
    for kind in ("entity", "source", "place", "tag"):
        n = counts.get(kind, 0)
        if not n:
            continue
        if kind == "place":
            parts.append("same place")
        else:
            singular, plural = NAMES[kind]
            parts.append(f"{n} {singular if n == 1 else plural}")
    return ", ".join(parts)
