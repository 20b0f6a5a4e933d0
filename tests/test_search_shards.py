"""The search index in stable shards: an edit re-indexes the shard of the records it changed.

Records go to shards by a digest of their URL, and each shard is a Pagefind index of its own, so
one edit sends Pagefind one shard's records, a cold build hands the binary one shard at a time,
and a shard whose records did not change is reused (from the session, or from the signed cache).
Pagefind's runs are counted through the service (``searchindex.run_pagefind``), in this process.
The search page merging the shards, and the same results as a full build, are
tests/browser/test_search_shards.py's job.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from helpers import snapshot, write_site

from generator import searchindex
from generator.build import build
from generator.session import BuildSession

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
SHARD = 8  # records per shard in these tests (a real site has thousands)
# A shard holds SHARD records on average; at this size the digest's spread is wide, so a bound of twice that.
MOST = 2 * SHARD
COUNTRIES = ("Mexico", "Guatemala", "Honduras")


def incident(n: int, words: str = "") -> str:
    return (f"---\ntitle: Incident number {n}\ndate: 20{10 + n % 12}-0{1 + n % 9}-1{n % 10}\n"
            f"status: confirmed\nlocation: {{country: {COUNTRIES[n % 3]}}}\ntags: [tag{n % 4}]\n---\n"
            f"Body of incident {n}, word w{n}. {words}\n")


def corpus(root: Path, count: int = 40) -> Path:
    return write_site(root, {f"content/incidents/i{n:03d}.md": incident(n) for n in range(count)})


def touch_config(site: Path) -> None:
    """A change that no search record shows (the pages are built again, the records are the same)."""
    yaml = site / "site.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8") + "description: Changed.\n", encoding="utf-8")


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The URLs of the records each Pagefind run was given, run by run."""
    calls: list[list[str]] = []
    real = searchindex.run_pagefind
    monkeypatch.setattr(searchindex, "SHARD_RECORDS", SHARD)

    def counted(exe: str, records: list[dict[str, Any]], started: Any = None) -> Any:
        calls.append([r["url"] for r in records])
        return real(exe, records, started)

    monkeypatch.setattr(searchindex, "run_pagefind", counted)
    return calls


def shard_folders(out: Path) -> list[str]:
    return json.loads((out / "pagefind" / searchindex.SHARDS_FILE).read_text(encoding="utf-8"))["shards"]


def fragment_urls(out: Path) -> list[str]:
    """The URL of every record in every shard of the bundle."""
    urls = []
    for folder in ["", *shard_folders(out)]:
        for path in sorted((out / "pagefind" / folder / "fragment").iterdir()):
            urls.append(json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])["url"])
    return sorted(urls)


def test_a_cold_build_gives_pagefind_one_shard_at_a_time(tmp_path, sent):
    site = corpus(tmp_path / "site")
    out = tmp_path / "out"
    assert build(site, out, now=NOW, cache=False).ok
    records = len(fragment_urls(out))
    assert records >= 40
    assert len(sent) > 1 and all(0 < len(run) <= MOST for run in sent), [len(r) for r in sent]
    assert sorted(url for run in sent for url in run) == fragment_urls(out)  # each record once
    assert len(shard_folders(out)) == len(sent) - 1  # shard 0 is pagefind/ itself


def test_one_edit_sends_pagefind_only_the_records_of_one_shard(tmp_path, sent):
    site = corpus(tmp_path / "site")
    out = tmp_path / "out"
    session = BuildSession(site)
    assert build(site, out, now=NOW, session=session).ok
    cold = list(sent)
    sent.clear()
    (site / "content/incidents/i007.md").write_text(incident(7, "A correction: zebrafinch."), encoding="utf-8")
    assert build(site, out, now=NOW, session=session).ok
    assert len(sent) == 1 and 0 < len(sent[0]) <= MOST, sent
    assert "incidents/i007/" in sent[0]
    # A new session (the next `docket build`) reads the shards from the signed cache.
    sent.clear()
    (site / "content/incidents/i008.md").write_text(incident(8, "Another fix."), encoding="utf-8")
    assert build(site, out, now=NOW, session=BuildSession(site)).ok
    assert len(sent) == 1 and "incidents/i008/" in sent[0] and len(sent[0]) <= MOST, sent
    # No record changed: nothing is sent at all.
    sent.clear()
    touch_config(site)
    assert build(site, out, now=NOW, session=BuildSession(site)).ok
    assert sent == []
    # And the output is the full build's, byte for byte.
    full = tmp_path / "full"
    assert build(site, full, now=NOW, cache=False).ok
    assert snapshot(out / "pagefind") == snapshot(full / "pagefind")
    assert len(cold) > 1  # several shards, each indexed once by the cold build


def test_a_tampered_cached_shard_is_indexed_again(tmp_path, sent):
    site = corpus(tmp_path / "site")
    out = tmp_path / "out"
    assert build(site, out, now=NOW).ok
    cache = site / ".docket-cache" / searchindex.CACHE_FOLDER
    shards = sorted(cache.glob("shard-*.zip"))
    assert len(shards) == len(sent) > 1
    victim = shards[1]
    with zipfile.ZipFile(victim) as archive:
        comment = archive.comment
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(victim, "w") as archive:
        archive.comment = comment
        for name, data in members:
            archive.writestr(name, b"<script>evil()</script>" + data if name.startswith("fragment/") else data)
    sent.clear()
    touch_config(site)  # a change no record shows: without a check, every shard would be reused
    assert build(site, out, now=NOW, session=BuildSession(site)).ok
    assert len(sent) == 1  # only the shard whose signature failed
    assert b"evil()" not in b"".join(snapshot(out / "pagefind").values())
    full = tmp_path / "full"
    assert build(site, full, now=NOW, cache=False).ok
    assert snapshot(out / "pagefind") == snapshot(full / "pagefind")


def test_a_small_site_is_one_index(tmp_path, sent):
    site = write_site(tmp_path / "site", {"content/incidents/a.md": incident(1)})
    out = tmp_path / "out"
    assert build(site, out, now=NOW, cache=False).ok
    assert len(sent) == 1 and shard_folders(out) == []
