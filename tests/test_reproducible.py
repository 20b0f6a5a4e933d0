"""Reproducible output: the same content gives the same bytes, every file included.

Two ``docket build --no-cache`` runs (two processes, so two hash seeds for Python and for
Pagefind) into fresh folders must write byte-identical folders: the pages, the exports, the
search index under ``pagefind/`` and the manifest. A build that reuses its cache after an
edit must equal a build from scratch of the edited site, the same way.
"""

from __future__ import annotations

from pathlib import Path

from helpers import build_ok, snapshot, write_site

TAGS = ["fire", "flood", "detention", "strike", "river", "shelter", "border", "camp"]
COUNTRIES = ["Mexico", "Guatemala", "Spain", "Greece", "Italy", "Libya"]
STATUSES = ["confirmed", "developing", "disputed", "closed"]


def incident(n: int) -> str:
    tags = ", ".join(TAGS[(n + k) % len(TAGS)] for k in range(3))
    return (f"---\ntitle: Incident number {n}\ndate: {2015 + n % 9}-0{1 + n % 9}-1{n % 10}\n"
            f"status: {STATUSES[n % len(STATUSES)]}\ntags: [{tags}]\n"
            f"location:\n  place: Town {n}\n  country: {COUNTRIES[n % len(COUNTRIES)]}\n---\n"
            f"What happened in town {n}, told plainly.\n")


SITE = {f"content/incidents/incident-{n}.md": incident(n) for n in range(24)}


def differing(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(p for p in set(a) | set(b) if a.get(p) != b.get(p))


def test_two_builds_from_scratch_are_byte_identical_search_index_and_manifest_included(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", SITE)
    build_ok(site, "--no-cache", "--output", str(tmp_path / "one"))
    build_ok(site, "--no-cache", "--output", str(tmp_path / "two"))
    one, two = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    assert any(p.startswith("pagefind/filter/") for p in one) and ".docket-manifest.json" in one
    assert differing(one, two) == []


def test_a_cached_build_after_an_edit_equals_a_build_from_scratch(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", SITE)
    build_ok(site)
    (site / "content/incidents/incident-3.md").write_text(incident(3).replace("Mexico", "Chile")
                                                          .replace("told plainly", "told again"), encoding="utf-8")
    build_ok(site)
    build_ok(site, "--no-cache", "--output", str(tmp_path / "fresh"))
    assert differing(snapshot(site / "output"), snapshot(tmp_path / "fresh")) == []

