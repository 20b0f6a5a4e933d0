"""Related incidents: rarity-weighted scores, the editors' links first, and a cost linear in the site.

The behaviour readers see is checked on small sites built with the real CLI
(the related list of an incident page, parsed with BeautifulSoup). The
properties of larger sites — a key on every incident, 20,000 incidents — are
checked by calling ``related_incidents`` directly on model objects.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO, build_ok, page, resolve_href, write_site

from generator import related
from generator.model import Incident, Location, Moment, Reference
from generator.related import related_incidents

SITE_YAML = "title: Test site\nbase_url: https://example.org/\n"


def incident_md(title: str, date: str, *lines: str) -> str:
    return "\n".join(["---", f"title: {title}", f"date: {date}", *lines, "---", "Body.", ""])


def related_items(site: Path, slug: str) -> list[tuple[str, str]]:
    """(slug, reason) for each entry of an incident page's related list, in order."""
    soup = page(site, f"incidents/{slug}/")
    section = soup.find(id="related")
    if section is None:
        return []
    items = []
    for li in section.find_all("li"):
        target = resolve_href(site, f"incidents/{slug}/", li.find("a", href=True)["href"])
        assert target.is_file(), target
        reason = " ".join(li.get_text(" ", strip=True).split()).split(" · ", 1)[-1]
        items.append((target.parent.name, reason))
    return items


# ---------------------------------------------------------------------------
# On built sites


def test_a_rare_shared_key_outranks_a_common_one_even_of_a_heavier_kind(tmp_path):
    # The place (weight 2) is held by 10 of the 11 incidents, the tag (weight 1) by two:
    # weighted by rarity the tag says more, so the incident sharing it comes first.
    files = {
        "content/incidents/subject.md": incident_md("Subject", "2023-06-15", "tags: [rare]",
                                                    "location: {place: Springfield, country: Freedonia}"),
        "content/incidents/rare-twin.md": incident_md("Rare twin", "2010-01-01", "tags: [rare]"),
    }
    for k in range(1, 10):
        files[f"content/incidents/p{k}.md"] = incident_md(f"Place {k}", f"2015-01-0{k}",
                                                          "location: {place: Springfield, country: Freedonia}")
    site = write_site(tmp_path, files)
    build_ok(site)
    items = related_items(site, "subject")
    assert items[0] == ("rare-twin", "1 shared tag"), items
    # Then the nearest in time of the incidents at the same place.
    assert items[1:] == [(f"p{k}", "same place") for k in (9, 8, 7, 6, 5)], items


def test_editors_links_come_first_and_reasons_name_what_is_shared(tmp_path):
    shared = ["tags: [fire, night]", "location: {place: Tijuana, country: Mexico}", "entities: [inm, police]",
              "sources: [memo]"]
    site = write_site(tmp_path, {
        "content/sources/memo.md": "---\ntitle: Memo\n---\n",
        "content/incidents/subject.md": incident_md("Subject", "2023-06-15", *shared, "related: [unlike, other]"),
        "content/incidents/twin.md": incident_md("Twin", "2019-01-01", "tags: [fire]",
                                                 "location: {place: Tijuana, country: Mexico}",
                                                 "entities: [inm, police]", "sources: [memo]"),
        "content/incidents/other.md": incident_md("Other", "2001-01-01"),
        "content/incidents/unlike.md": incident_md("Unlike", "2000-01-01"),
        "content/incidents/same-place.md": incident_md("Same place", "2018-01-01",
                                                       "location: {place: Tijuana, country: Mexico}"),
        "content/incidents/elsewhere.md": incident_md("Elsewhere", "2018-01-01",
                                                      "location: {place: Tijuana, country: Chile}"),
    })
    build_ok(site)
    assert related_items(site, "subject") == [
        ("unlike", "linked by the editors"),  # in the order written, though they share nothing
        ("other", "linked by the editors"),
        ("twin", "2 shared entities, 1 shared source, same place, 1 shared tag"),
        ("same-place", "same place"),  # "Tijuana, Chile" is another place
    ]


def test_the_related_limit_counts_the_editors_links(tmp_path):
    files = {"content/incidents/subject.md": incident_md("Subject", "2023-06-15", "tags: [t]", "related: [e1, e2]"),
             "content/incidents/e1.md": incident_md("E1", "2001-01-01"),
             "content/incidents/e2.md": incident_md("E2", "2001-01-02")}
    for k in range(1, 6):
        files[f"content/incidents/c{k}.md"] = incident_md(f"C{k}", f"2023-01-0{k}", "tags: [t]")
    site = write_site(tmp_path, files, site_yaml=SITE_YAML + "related_limit: 3\n")
    build_ok(site)
    assert related_items(site, "subject") == [("e1", "linked by the editors"), ("e2", "linked by the editors"),
                                              ("c5", "1 shared tag")]
    assert len(related_items(site, "c1")) == 3
    site = write_site(tmp_path, {}, site_yaml=SITE_YAML + "related_limit: 2\n")
    build_ok(site)
    assert related_items(site, "subject") == [("e1", "linked by the editors"), ("e2", "linked by the editors")]


# ---------------------------------------------------------------------------
# On model objects: larger sites

START = dt.datetime(2015, 1, 1, tzinfo=dt.UTC)


def refs(ids: tuple[str, ...], field: str) -> tuple[Reference, ...]:
    return tuple(Reference(i, "x.md", 1, field) for i in ids)


def incident(k: int, *, tags: tuple[str, ...] = (), place: str = "", entities: tuple[str, ...] = (),
             related_to: tuple[str, ...] = ()) -> Incident:
    """Incident k, k days after START (modulo ten years), in ``place`` in the country Land."""
    return Incident(slug=f"i{k:05d}", title=f"Incident {k}", date=Moment(START + dt.timedelta(days=k % 3650)),
                    path=f"content/incidents/i{k:05d}.md", line=1, tags=tags, location=Location(place, "", "Land"),
                    entities=refs(entities, "entities"), related=refs(related_to, "related"))


def everywhere_site(n: int, paired: int) -> list[Incident]:
    """n incidents, all with one tag and one place; the first ``paired`` share an entity two by two."""
    return [incident(k, tags=("everywhere",), place="Capital", entities=(f"e{k // 2}",) if k < paired else ())
            for k in range(n)]


def test_a_key_on_almost_every_incident_does_not_relate_them_all():
    incidents = everywhere_site(300, paired=100)
    incidents[299] = incident(299, place="Capital")  # "almost": one incident lacks the tag
    result = related_incidents(incidents, 6)
    for k in range(100):
        partner = f"i{k ^ 1:05d}"
        # The tag and the place are on (nearly) every incident: they are not counted, nor named.
        assert [(r.incident.slug, r.reason) for r in result[f"i{k:05d}"]] == [(partner, "1 shared entity")]
    assert all(result[f"i{k:05d}"] == () for k in range(100, 300))


def test_common_keys_still_count_on_a_small_site():
    # A key held by at most COMMON_FLOOR incidents is always counted, however large its share of the site.
    incidents = everywhere_site(related.COMMON_FLOOR, paired=0)
    result = related_incidents(incidents, 6)
    assert all(len(r) == 6 for r in result.values())
    assert {r.reason for rs in result.values() for r in rs} == {"same place, 1 shared tag"}


def scaling_site(n: int) -> list[Incident]:
    """All share one tag and one place; 40 themes each held by n/40; entities shared two by two."""
    return [incident(k, tags=("everywhere", f"theme-{k % 40}"), place="Capital", entities=(f"e{k // 2}",),
                     related_to=(f"i{(k + 7) % n:05d}",) if k % 10 == 0 else ())
            for k in range(n)]


@pytest.mark.slow
def test_the_work_grows_linearly_with_the_site(monkeypatch):
    visits = 0
    window = related._window

    def counting(holders: list[int], rank: int) -> list[int]:
        nonlocal visits
        found = window(holders, rank)
        visits += len(found)
        return found

    monkeypatch.setattr(related, "_window", counting)
    counts = {}
    for n in (2_000, 20_000):
        visits = 0
        result = related_incidents(scaling_site(n), 6)
        assert len(result) == n and all(len(r) == 6 for r in result.values())
        counts[n] = visits
    # Each incident walks at most 2 * WINDOW + 1 holders of each counted key (its theme, its entity);
    # the tag and the place on every incident are never walked. At 2,000 incidents a theme's 50
    # holders are all walked; at 20,000 its 500 are cut to the window, so the work per incident
    # stops growing with the site: ten times the incidents, less than twenty times the work (a
    # walk of every shared key's holders would be about a hundred times).
    assert counts[20_000] <= 20_000 * (2 * related.WINDOW + 1 + 2)
    assert counts[20_000] < 20 * counts[2_000], counts


def as_json(result: dict[str, tuple[related.Related, ...]]) -> str:
    return json.dumps({slug: [(r.incident.slug, r.reason) for r in rs] for slug, rs in sorted(result.items())})


def test_the_result_does_not_depend_on_the_hash_seed():
    code = ("from test_related import as_json, scaling_site; from generator.related import related_incidents; "
            "print(as_json(related_incidents(scaling_site(600), 6)))")
    outputs = set()
    for seed in ("1", "2", "3"):
        env = dict(os.environ, PYTHONHASHSEED=seed,
                   PYTHONPATH=os.pathsep.join([str(REPO), str(REPO / "tests"), os.environ.get("PYTHONPATH", "")]))
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        outputs.add(proc.stdout.strip())
    assert outputs == {as_json(related_incidents(scaling_site(600), 6))}
