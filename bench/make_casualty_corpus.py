#!/usr/bin/env python3
"""Make a synthetic site shaped like a public casualty-records database, for benchmarks.

    python bench/make_casualty_corpus.py --incidents 7000 --out DIR [--seed S] [--flavor docket|hugo]

Same command line as ``../shared/bench/make_corpus.py``, so ``bench/compare.py --corpus
bench/make_casualty_corpus.py`` measures it the same way, and the same writers (imported from that
file, which stays read-only) lay out the Docket and Hugo flavours with byte-identical bodies.

The shape is that of public casualty records (many short records, heavy skew), not of long-form
incidents. At 7,000 incidents:

- 54 countries, one holding 30 % of the incidents;
- 37 tags, the largest on 44 % of incidents and five more on 25-42 %;
- about 4,500 distinct places, the largest with about 120 incidents (a Zipf-like tail);
- one or two inline sources per incident, no source files, thousands of distinct URLs;
- bodies of about 350 characters;
- 59 entities (all with a file), the most named on about 400 incidents;
- no reports; an about page.

Counts scale with ``--incidents`` (places, the largest place's and entity's share); the 54
countries, 37 tags and 59 entities stay fixed. Deterministic for a given (N, seed). Standard library.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import random
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

SHARED_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "make_corpus.py"
REFERENCE_SIZE = 7000
COUNTRY_COUNT = 54
BIG_COUNTRY_SHARE = 0.30
PLACES_AT_REFERENCE = 4500
LARGEST_PLACE_AT_REFERENCE = 120
TOP_ENTITY_AT_REFERENCE = 400
ENTITY_COUNT = 59
BODY_CHARACTERS = 350
START = dt.date(2014, 1, 1)
DAYS = 10 * 365

# 37 tags: the share of incidents each is on. The first six are the (44 %, then 25-42 %).
TAG_SHARES = [0.44, 0.42, 0.38, 0.33, 0.29, 0.25] + [0.12, 0.10, 0.08, 0.07, 0.06, 0.05, 0.05, 0.04] + \
    [0.03] * 6 + [0.02] * 8 + [0.01] * 9
TAG_NAMES = (
    "airstrike shelling civilians children women ground-fighting drone-strike artillery "
    "small-arms explosive-remnants residential-area market school hospital mosque church "
    "vehicle checkpoint farmland displacement-camp infrastructure water-supply power-plant "
    "bridge aid-convoy journalists medics rescue-workers detention refugees fishermen "
    "shepherds students elderly family disputed-attribution mass-casualty"
).split()

# Twelve countries beyond make_corpus.py's 42 (country, latitude, longitude of a centre).
EXTRA_COUNTRIES = [
    ("Somalia", 2.05, 45.32), ("South Sudan", 4.85, 31.58), ("Niger", 13.51, 2.11),
    ("Burkina Faso", 12.37, -1.53), ("Chad", 12.13, 15.06), ("Cameroon", 3.87, 11.52),
    ("Mozambique", -25.97, 32.57), ("Central African Republic", 4.39, 18.56), ("Haiti", 18.59, -72.31),
    ("Nicaragua", 12.11, -86.24), ("Azerbaijan", 40.41, 49.87), ("Armenia", 40.18, 44.51),
]
SYLLABLES = ("al ba da fa ga ha ja ka la ma na pa qa ra sa ta wa ya za bei dun gar hir kan lor mir "
             "nar qur sab tel wad zor ein jab kaf rum shi tur").split()


def load_shared_corpus(path: Path) -> ModuleType:
    """make_corpus.py, imported as a module: its writers and text helpers, unchanged."""
    spec = importlib.util.spec_from_file_location("make_corpus", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def countries(mc: ModuleType) -> list[tuple[str, float, float]]:
    """54 (country, lat, lon): the shared corpus's 42, at their first city, then twelve more."""
    seen: dict[str, tuple[str, float, float]] = {}
    for _city, country, lat, lon in mc.PLACES:
        seen.setdefault(country, (country, lat, lon))
    return (list(seen.values()) + EXTRA_COUNTRIES)[:COUNTRY_COUNT]


def place_name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        if rng.random() < 0.25:
            name = "Al " + name
        if name not in used:
            used.add(name)
            return name


def make_places(rng: random.Random, n: int, nations: list[tuple[str, float, float]]) -> list[dict[str, Any]]:
    """Distinct places, each in a country; the first country holds 30 % of them (and of the weight)."""
    count = max(len(nations), round(PLACES_AT_REFERENCE * n / REFERENCE_SIZE))
    used: set[str] = set()
    places = []
    for i in range(count):
        if i < len(nations):
            nation = nations[i]  # every country has at least one place
        elif rng.random() < BIG_COUNTRY_SHARE:
            nation = nations[0]
        else:
            nation = rng.choice(nations[1:])
        country, lat, lon = nation
        places.append({"place": place_name(rng, used), "country": country,
                       "lat": round(lat + rng.uniform(-2.5, 2.5), 4), "lon": round(lon + rng.uniform(-2.5, 2.5), 4)})
    return places


def zipf_weights(count: int, top_share: float) -> list[float]:
    """Weights 1/k^s, with s chosen so that the first takes about ``top_share`` of the total."""
    best, best_err = [1.0] * count, 1.0
    for hundredth in range(0, 300):
        s = hundredth / 100
        weights = [1 / (k ** s) for k in range(1, count + 1)]
        err = abs(weights[0] / sum(weights) - top_share)
        if err < best_err:
            best, best_err = weights, err
    return best


def place_sequence(rng: random.Random, n: int, places: list[dict[str, Any]], country: str) -> list[dict[str, Any]]:
    """The place of each of n incidents: every place used once, the rest drawn with a Zipf-like skew.

    Uniform draws alone would leave a fifth of the places unused and no large place; so each place
    first gets one incident, then the remaining incidents go mostly to a few large places, 30 % of
    them in the largest country, the largest place reaching about 120 at 7,000 incidents."""
    order = list(range(len(places)))
    big = [i for i in order if places[i]["country"] == country]
    rest = [i for i in order if places[i]["country"] != country]
    extra = max(0, n - len(places))
    top = LARGEST_PLACE_AT_REFERENCE * n / REFERENCE_SIZE - 1
    big_weights = zipf_weights(len(big), top / max(1, extra * BIG_COUNTRY_SHARE))
    rest_weights = zipf_weights(len(rest), top / 2 / max(1, extra * (1 - BIG_COUNTRY_SHARE)))
    picks = order[:n]
    for _ in range(extra):
        pool, weights = (big, big_weights) if rng.random() < BIG_COUNTRY_SHARE else (rest, rest_weights)
        picks.append(rng.choices(pool, weights)[0])
    rng.shuffle(picks)
    return [places[i] for i in picks]


def make_entities(mc: ModuleType, rng: random.Random, ids: Any, nations: list[tuple[str, float, float]]) -> list[dict]:
    entities = []
    for i in range(ENTITY_COUNT):
        country = nations[i % len(nations)][0]
        name = rng.choice(mc.ORG_PATTERNS).format(c=country, n=rng.choice(mc.LAST))
        entities.append({"id": ids.make(name), "name": name, "kind": "organisation", "country": country,
                         "has_file": True, "body": mc.Text(rng).sentence()})
    return entities


def short_body(text: Any, citations: list[str]) -> str:
    """About 350 characters: sentences until the length is reached, each source cited once."""
    sentences: list[str] = []
    while sum(len(s) + 1 for s in sentences) < BODY_CHARACTERS - 110:  # the last sentence brings it to ~350
        sentences.append(text.sentence())
    for i, cid in enumerate(citations):
        at = i % len(sentences)
        sentences[at] = sentences[at][:-1] + f" [@{cid}]."
    return " ".join(sentences) + "\n"


def make_incident(mc: ModuleType, rng: random.Random, text: Any, ids: Any, place: dict[str, Any],
                  tag_shares: list[tuple[str, float]], entities: list[dict], entity_weights: list[float],
                  entity_rate: float) -> dict[str, Any]:
    date = START + dt.timedelta(days=rng.randrange(DAYS))
    title = f"{rng.choice(mc.EVENTS)} in {place['place']}"
    tags = [tag for tag, share in tag_shares if rng.random() < share] or [tag_shares[-1][0]]
    named = []
    if rng.random() < entity_rate:
        named = sorted({entities[i]["id"] for i in rng.choices(range(len(entities)), entity_weights,
                                                                 k=rng.randint(1, 2))})
    sources = []
    for _ in range(rng.randint(1, 2)):
        publisher = rng.choice(mc.PUBLISHERS)
        sid = ids.make(f"{mc.slugify(publisher).split('-')[-1]} {title}")
        sources.append((sid, {"id": sid, "title": text.phrase(4, 9), "type": "article", "publisher": publisher,
                              "url": f"https://example.org/records/{sid}", "published": date}))
    figures = {"killed": rng.choice([1, 1, 1, 2, 2, 3, 4, 5, 8, 12, 20])}
    if rng.random() < 0.4:
        figures["injured"] = rng.randint(1, 40)
    return {"slug": ids.make(title), "title": title, "date": date, "time": None,
            "summary": text.sentence(rng.randint(10, 16)), "status": rng.choice(mc.STATUSES),
            "location": dict(place), "tags": tags, "figures": figures, "entities": named,
            "sources": sources, "coverage": [], "related": [], "claims": [], "updates": [],
            "body": short_body(text, [sid for sid, _ in sources])}


def build(mc: ModuleType, n: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    text, ids = mc.Text(rng), mc.Ids()
    nations = countries(mc)
    places = make_places(rng, n, nations)
    entities = make_entities(mc, rng, ids, nations)
    entity_weights = zipf_weights(ENTITY_COUNT, 0.12)
    # The most named entity: about 400 of 7,000 incidents, with about 1.5 entities on a naming incident.
    entity_rate = min(1.0, (TOP_ENTITY_AT_REFERENCE / REFERENCE_SIZE) / (0.12 * 1.5))
    tag_shares = list(zip(TAG_NAMES, TAG_SHARES, strict=True))
    incidents = [make_incident(mc, rng, text, ids, place, tag_shares, entities, entity_weights, entity_rate)
                 for place in place_sequence(rng, n, places, nations[0][0])]
    pages = [{"slug": "about", "title": "About this site", "body": short_body(text, [])}]
    return {"entities": entities, "shared": [], "incidents": incidents, "reports": [], "pages": pages}


def describe(model: dict[str, Any]) -> str:
    from collections import Counter
    incidents = model["incidents"]
    by_country = Counter(i["location"]["country"] for i in incidents)
    by_place = Counter((i["location"]["place"], i["location"]["country"]) for i in incidents)
    by_tag = Counter(t for i in incidents for t in i["tags"])
    by_entity = Counter(e for i in incidents for e in i["entities"])
    n = len(incidents)
    top_tags = ", ".join(f"{c / n:.0%}" for _, c in by_tag.most_common(6))
    return (f"{n} incidents; {len(by_country)} countries (largest {by_country.most_common(1)[0][1] / n:.0%}); "
            f"{len(by_tag)} tags (largest six on {top_tags}); {len(by_place)} places "
            f"(largest {by_place.most_common(1)[0][1]}); {len(model['entities'])} entities "
            f"(most named on {by_entity.most_common(1)[0][1] if by_entity else 0}); "
            f"{sum(len(i['sources']) for i in incidents)} inline sources; mean body "
            f"{sum(len(i['body']) for i in incidents) / n:.0f} characters")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--incidents", "-n", type=int, required=True, help="number of incidents")
    ap.add_argument("--out", "-o", required=True, help="output folder (replaced if it exists)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--flavor", choices=["docket", "hugo"], default="docket")
    ap.add_argument("--corpus", type=Path, default=SHARED_CORPUS, help="make_corpus.py (default: %(default)s)")
    args = ap.parse_args(argv)
    if args.incidents < 1:
        ap.error("--incidents must be at least 1")
    mc = load_shared_corpus(args.corpus)
    model = build(mc, args.incidents, args.seed)
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out)
    (mc.write_docket if args.flavor == "docket" else mc.write_hugo)(model, args.out)
    print(f"{args.flavor}: {describe(model)}; in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
