"""The data exports against their published JSON Schemas, and against each other.

Every schema is read from the built site's ``data/`` folder (what a researcher downloads), not
from the package, and checked as a draft 2020-12 schema before anything is validated with it.
Round trips compare every published incident field by field across incidents.json,
incidents.csv, its own index.json and claims.csv; drafts and embargoed items must be in none of
them, not even as an id in another record's list. The data page's sizes and counts are compared
with the files themselves.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from helpers import REPO, build_ok, docket, page, snapshot, write_site
from jsonschema import Draft202012Validator
from tools import hatchling_build

from generator.build import build
from generator.datalisting import human_size
from generator.session import BuildSession

BASE = "https://example.org/"
JSON_EXPORTS = {"incidents.json": "incidents", "sources.json": "sources", "entities.json": "entities"}
CSV_EXPORTS = ("incidents.csv", "sources.csv", "entities.csv", "claims.csv")
SCHEMAS = ("incidents.schema.json", "incidents.csv.schema.json", "sources.schema.json", "sources.csv.schema.json",
           "entities.schema.json", "entities.csv.schema.json", "claims.csv.schema.json", "incident.schema.json")

# A small site that uses every field an export carries: times with offsets, fractions, null
# coordinates, claims with and without an author, coverage, corrections, fictional and excluded
# incidents, a title a spreadsheet would run as a formula.
SITE = {
    "site.yaml": """
        title: Border monitor
        base_url: https://example.org/
        timezone: America/Mexico_City
        """,
    "content/incidents/fire.md": """
        ---
        title: Fire at the detention centre
        date: 2023-03-27T21:30:00-06:00
        status: confirmed
        summary: Guards walked out as the fire began.
        location: {place: Ciudad Juárez, region: Chihuahua, country: Mexico, lat: 31.69, lon: -106.42}
        tags: [migration, detention, "-minus tag"]
        figures: {killed: 38, injured: 28, tonnes: 1.5}
        entities: [migration-agency, amlo]
        sources:
          - id: cctv
            title: Surveillance footage
            type: video
            publisher: Noticias 26
            url: https://example.com/cctv
            archive_url: https://web.archive.org/web/2023/https://example.com/cctv
            published: 2023-03-28
            accessed: 2023-03-29T10:00:00Z
            reliability: high
            notes: Verified frame by frame.
          - shared-report
        claims:
          - text: The migrants started the fire themselves.
            by: amlo
            date: 2023-03-28
            status: disputed
            sources: [cctv]
          - text: "=1+1 was said"
        coverage:
          - title: What happened in Ciudad Juárez
            outlet: Some Paper
            url: https://example.net/story
            date: 2023-04-01
          - title: A second look
            url: https://example.net/second
        updates:
          - date: 2023-04-02
            type: correction
            note: An earlier version gave the death toll as 39.
            figures: [killed]
          - date: 2023-03-29
            note: Names published.
        ---
        Guards walked out [@cctv]. The report [@shared-report].
        """,
    "content/incidents/flood.md": """
        ---
        title: "=HYPERLINK(\\"https://evil.example\\")"
        date: 2022-06-01
        status: developing
        fictional: true
        location: {place: Tijuana, country: Mexico}
        tags: [flood]
        figures: {missing: 4}
        entities: [migration-agency]
        related: [fire]
        sources: [shared-report]
        ---
        Water rose.
        """,
    "content/incidents/crossing.md": """
        ---
        title: Deaths at the crossing
        date: 2021-01-05
        exclude_from_totals: true
        ---
        No figures, no place.
        """,
    "content/sources/shared-report.md": """
        ---
        title: The shared report
        publisher: Some Outlet
        url: https://example.org/report
        ---
        Notes.
        """,
    "content/entities/migration-agency.md": """
        ---
        name: The migration agency
        kind: organisation
        aliases: ["@agency", INM]  # the joined cell starts with @: the formula rule applies to it
        country: Mexico
        url: https://example.gob/inm
        ---
        """,
    "content/reports/overview.md": """
        ---
        title: Overview
        date: 2024-01-01
        incidents: [fire, flood]
        ---
        An overview [@shared-report].
        """,
}


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def read_csv(path: Path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def validator(out: Path, name: str) -> Draft202012Validator:
    """The schema as the site publishes it, checked as a schema first."""
    schema = read_json(out / "data" / name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(f"/data/{name}") and schema["$id"].startswith(("https://", "http://"))
    return Draft202012Validator(schema)


def errors(v: Draft202012Validator, instance: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in v.iter_errors(instance)]


def incident_files(out: Path) -> dict[str, Path]:
    return {p.parent.name: p for p in sorted((out / "incidents").glob("*/index.json"))}


def assert_every_export_is_valid(out: Path) -> None:
    for name, key in JSON_EXPORTS.items():
        v = validator(out, name.replace(".json", ".schema.json"))
        document = read_json(out / "data" / name)
        assert errors(v, document) == [], name
        assert document["schema"] == v.schema["$id"]  # the document names the schema it follows
        assert document["count"] == len(document[key])
    for name in CSV_EXPORTS:
        v = validator(out, name + ".schema.json")
        for n, row in enumerate(read_csv(out / "data" / name)):
            assert errors(v, row) == [], f"{name} row {n + 1}"
    v = validator(out, "incident.schema.json")
    files = incident_files(out)
    assert files
    for slug, path in files.items():
        document = read_json(path)
        assert errors(v, document) == [], path
        assert document["schema"] == v.schema["$id"] and document["id"] == slug


@pytest.fixture(scope="module")
def small_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = write_site(tmp_path_factory.mktemp("data-site"), SITE)
    build_ok(site)
    return site / "output"


# -- the schemas, and every export against them ----------------------------------------------------


def test_every_schema_is_published_self_contained_and_absolute(example_output: Path) -> None:
    published = sorted(p.name for p in (example_output / "data").glob("*.schema.json"))
    assert published == sorted(SCHEMAS)
    for name in SCHEMAS:
        schema = validator(example_output, name).schema
        assert schema["$id"] == f"https://example.org/docket/data/{name}"  # base_url's, sub-path included
        assert schema["title"] and schema["description"]
        refs = list(_walk(schema, "$ref"))
        assert refs and all(ref.startswith("#/$defs/") for ref in refs), name  # no resolver needed
        for ref in refs:
            assert ref.removeprefix("#/$defs/") in schema["$defs"], (name, ref)


def _walk(node: Any, key: str) -> Iterator[Any]:
    if isinstance(node, dict):
        if key in node:
            yield node[key]
        for value in node.values():
            yield from _walk(value, key)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value, key)


def test_every_property_of_every_schema_is_described(example_output: Path) -> None:
    """The descriptions are the documentation: none may be missing, at any depth."""
    for name in SCHEMAS:
        schema = read_json(example_output / "data" / name)
        for properties in [*_walk(schema, "properties"), *_walk(schema, "patternProperties")]:
            for key, sub in properties.items():
                assert isinstance(sub.get("description"), str) and len(sub["description"]) > 10, (name, key)


def test_objects_are_closed_and_required(example_output: Path) -> None:
    for name in SCHEMAS:
        schema = read_json(example_output / "data" / name)
        for node in _objects(schema):
            closed = node.get("additionalProperties") is False or node.get("unevaluatedProperties") is False
            # The shared incident record is closed where it is used (beside "schema" and "site" in index.json).
            assert closed or node is schema["$defs"].get("incident"), (name, sorted(node["properties"]))
            assert set(node.get("required", ())) <= set(node["properties"]), name
        for items in _walk(schema, "items"):
            if items.get("$ref") == "#/$defs/incident":
                assert items["unevaluatedProperties"] is False


def _objects(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "properties" in node and node.get("type") == "object":
            yield node
        for value in node.values():
            yield from _objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _objects(value)


def test_the_example_site_exports_validate(example_output: Path) -> None:
    assert_every_export_is_valid(example_output)


def test_a_small_site_using_every_field_exports_valid_data(small_output: Path) -> None:
    assert_every_export_is_valid(small_output)
    fire = read_json(small_output / "incidents/fire/index.json")
    assert fire["date"] == "2023-03-27T21:30:00-06:00" and fire["figures"] == {"killed": 38, "injured": 28,
                                                                               "tonnes": 1.5}
    crossing = read_json(small_output / "incidents/crossing/index.json")
    assert crossing["lat"] is None and crossing["place"] == "" and crossing["in_totals"] is False


def test_an_empty_site_has_headers_and_valid_exports(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"content/pages/about.md": "---\ntitle: About\n---\nNothing yet.\n"})
    build_ok(site)
    out = site / "output"
    for name, key in JSON_EXPORTS.items():
        v = validator(out, name.replace(".json", ".schema.json"))
        document = read_json(out / "data" / name)
        assert errors(v, document) == [] and document[key] == []
    header = (out / "data/incidents.csv").read_bytes().decode("utf-8").splitlines()[0]
    assert header.lstrip("\ufeff").split(",")[:4] == ["id", "url", "title", "date"]
    assert set(read_json(out / "data/incidents.csv.schema.json")["required"]) == set(header.lstrip("\ufeff").split(","))
    assert incident_files(out) == {}
    assert _listed(out)["incidents/<id>/index.json"]["rows"] == 0


BROKEN_JSON = [
    ("no id", lambda r: r.pop("id")),
    ("an unknown key", lambda r: r.update(casualties=3)),
    ("an unknown status", lambda r: r.update(status="rumoured")),
    ("an id that is no id", lambda r: r.update(id="Fire at the Centre")),
    ("a date that is no date", lambda r: r.update(date="27 March 2023")),
    ("a latitude as text", lambda r: r.update(lat="31.69")),
    ("a latitude off the globe", lambda r: r.update(lat=91)),
    ("a negative figure", lambda r: r["figures"].update(killed=-1)),
    ("a figure as text", lambda r: r["figures"].update(killed="38")),
    ("a claim with an unknown key", lambda r: r["claims"][0].update(verdict="no")),
    ("a claim with a false status", lambda r: r["claims"][0].update(status="wrong")),
    ("an update of an unknown type", lambda r: r["updates"][0].update(type="retraction")),
    ("in_totals as text", lambda r: r.update(in_totals="true")),
    ("a source listed twice", lambda r: r["sources"].append(r["sources"][0])),
]


@pytest.mark.parametrize(("what", "breaks"), BROKEN_JSON, ids=[w for w, _ in BROKEN_JSON])
def test_a_broken_incident_fails_validation(small_output: Path, what: str, breaks: Any) -> None:
    collection = read_json(small_output / "data/incidents.json")
    own = read_json(small_output / "incidents/fire/index.json")
    for v, document, record in ((validator(small_output, "incidents.schema.json"), collection,
                                 lambda d: next(r for r in d["incidents"] if r["id"] == "fire")),
                                (validator(small_output, "incident.schema.json"), own, lambda d: d)):
        assert errors(v, document) == []
        broken = copy.deepcopy(document)
        breaks(record(broken))
        assert errors(v, broken), f"{what} passed {v.schema['$id']}"


BROKEN_ROWS = [
    ("incidents.csv", "an unknown column", lambda r: r.update(casualties="3")),
    ("incidents.csv", "a missing column", lambda r: r.pop("status")),
    ("incidents.csv", "an unknown status", lambda r: r.update(status="rumoured")),
    ("incidents.csv", "a figure that is no number", lambda r: r.update({"figures.killed": "many"})),
    ("incidents.csv", "a boolean in lowercase", lambda r: r.update(fictional="false")),
    ("incidents.csv", "ids joined with a comma", lambda r: r.update(sources="cctv,shared-report")),
    ("incidents.csv", "a date that is no date", lambda r: r.update(date="2023-3-27")),
    ("claims.csv", "an unknown claim status", lambda r: r.update(status="rumour")),
    ("claims.csv", "a by that is no id", lambda r: r.update(by="The President")),
    ("sources.csv", "an unknown type", lambda r: r.update(type="podcast")),
    ("sources.csv", "a URL of another scheme", lambda r: r.update(original_url="javascript:alert(1)")),
    ("entities.csv", "an unknown kind", lambda r: r.update(kind="animal")),
    ("entities.csv", "a number as a cell", lambda r: r.update(country=3)),
]


@pytest.mark.parametrize(("name", "what", "breaks"), BROKEN_ROWS, ids=[f"{n}: {w}" for n, w, _ in BROKEN_ROWS])
def test_a_broken_csv_row_fails_validation(small_output: Path, name: str, what: str, breaks: Any) -> None:
    v = validator(small_output, name + ".schema.json")
    row = read_csv(small_output / "data" / name)[0]
    assert errors(v, row) == []
    breaks(row)
    assert errors(v, row), f"{name}: {what} passed"


def test_a_document_naming_another_schema_fails(small_output: Path) -> None:
    v = validator(small_output, "sources.schema.json")
    document = read_json(small_output / "data/sources.json")
    document["schema"] = "https://example.org/data/entities.schema.json"
    assert errors(v, document)


# -- round trips ----------------------------------------------------------------------------------


def csv_cell(value: Any) -> str:
    """What the CSV holds for a JSON value: lists joined with "; ", null empty, the formula rule applied."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(value)
    text = str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) and isinstance(value, str) else text


def assert_round_trip(out: Path) -> None:
    records = read_json(out / "data/incidents.json")["incidents"]
    rows = {row["id"]: row for row in read_csv(out / "data/incidents.csv")}
    claims = read_csv(out / "data/claims.csv")
    own = incident_files(out)
    pages = {p.parent.name for p in (out / "incidents").glob("*/index.html") if p.parent.name != "page"}
    assert sorted(r["id"] for r in records) == sorted(rows) == sorted(own) == sorted(pages)
    assert [r["id"] for r in records] == [row["id"] for row in read_csv(out / "data/incidents.csv")]
    figure_keys = sorted({key for r in records for key in r["figures"]})
    for record in records:
        # Its own file: the same record, key for key and in the same order, after "schema" and "site".
        document = read_json(own[record["id"]])
        assert list(document)[:2] == ["schema", "site"]
        assert list(document)[2:] == list(record)
        for key, value in record.items():
            assert document[key] == value, (record["id"], key)
        # Its CSV row: every column but the nested ones, and one figures.<key> column per figure key.
        row = rows[record["id"]]
        for key, value in record.items():
            if key in ("figures", "claims", "coverage", "updates"):
                continue
            assert row[key] == csv_cell(value), (record["id"], key, row[key], value)
        assert sorted(k for k in row if k.startswith("figures.")) == [f"figures.{k}" for k in figure_keys]
        for key in figure_keys:
            assert row[f"figures.{key}"] == csv_cell(record["figures"].get(key)), (record["id"], key)
            if key in record["figures"]:  # the number itself, not only its text
                assert float(row[f"figures.{key}"]) == record["figures"][key]
        # Its claims, in order, in claims.csv.
        mine = [c for c in claims if c["incident"] == record["id"]]
        assert len(mine) == len(record["claims"])
        for claim, line in zip(record["claims"], mine, strict=True):
            for key, value in claim.items():
                assert line[key] == csv_cell(value), (record["id"], key)
    assert len(claims) == sum(len(r["claims"]) for r in records)
    for name in ("sources", "entities"):
        documents = read_json(out / f"data/{name}.json")[name]
        csv_rows = read_csv(out / f"data/{name}.csv")
        assert [d["id"] for d in documents] == [row["id"] for row in csv_rows]
        for document, row in zip(documents, csv_rows, strict=True):
            assert set(row) == set(document)
            for key, value in document.items():
                assert row[key] == csv_cell(value), (name, document["id"], key)


def test_every_published_incident_is_in_every_export_with_the_same_values(small_output: Path) -> None:
    assert_round_trip(small_output)
    row = next(r for r in read_csv(small_output / "data/incidents.csv") if r["id"] == "flood")
    assert row["title"].startswith("'=HYPERLINK") and row["fictional"] == "True" and row["in_totals"] == "False"
    fire = next(r for r in read_json(small_output / "data/incidents.json")["incidents"] if r["id"] == "fire")
    assert fire["sources"] == ["cctv", "shared-report"] and fire["reports"] == ["overview"]
    assert fire["claims"][1] == {"text": "=1+1 was said", "by": None, "date": None, "status": "unverified",
                                 "sources": []}


def test_the_example_site_round_trips(example_output: Path) -> None:
    assert_round_trip(example_output)


# -- drafts and embargoes ---------------------------------------------------------------------------

HELD_BACK = {
    # Each names what is public (an entity, a source file, a tag, a place), so that every list
    # that would pick it up (an entity's incidents, a source's cited_by, related, reports) is tested.
    "content/incidents/secret-draft.md": """
        ---
        title: Secretdraft raid
        date: 2024-05-01
        draft: true
        location: {place: Ciudad Juárez, country: Mexico}
        tags: [migration, detention]
        entities: [migration-agency, hidden-person]
        sources:
          - id: draft-only-source
            title: Draftonly document
          - shared-report
        claims:
          - text: Draftclaim text.
            by: hidden-person
            sources: [draft-only-source]
        related: [fire]
        ---
        It cites [@shared-report].
        """,
    "content/incidents/secret-embargo.md": """
        ---
        title: Embargoed shooting
        date: 2024-06-01
        publish_after: 2999-01-01
        location: {place: Ciudad Juárez, country: Mexico}
        tags: [migration, detention]
        entities: [migration-agency, embargoed-person]
        sources:
          - id: embargo-only-source
            title: Embargoonly document
          - shared-report
        claims:
          - text: Embargoclaim text.
            by: embargoed-person
        ---
        Text.
        """,
    "content/reports/secret-report.md": """
        ---
        title: Draftreport
        date: 2024-07-01
        draft: true
        incidents: [fire, flood]
        ---
        Covers them [@shared-report].
        """,
    "content/reports/embargoed-report.md": """
        ---
        title: Embargoreport
        date: 2024-07-02
        publish_after: 2999-01-01
        incidents: [fire]
        ---
        Text.
        """,
}
HIDDEN = ("secret-draft", "secret-embargo", "secret-report", "embargoed-report", "draft-only-source",
          "embargo-only-source", "hidden-person", "embargoed-person", "Secretdraft", "Embargoed shooting",
          "Draftonly", "Embargoonly", "Draftclaim", "Embargoclaim", "Draftreport", "Embargoreport")


def ids_in(value: Any) -> Iterator[str]:
    """Every string anywhere in a JSON value or CSV cell (list cells split)."""
    if isinstance(value, dict):
        for item in value.values():
            yield from ids_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from ids_in(item)
    elif isinstance(value, str):
        yield value
        yield from value.split("; ")


def test_drafts_and_embargoed_items_are_in_no_export(tmp_path: Path) -> None:
    site = write_site(tmp_path, {**SITE, **HELD_BACK})
    run = build_ok(site)
    assert "4 drafts or embargoed items left out" in run.stdout, run.describe()
    out = site / "output"
    assert_every_export_is_valid(out)
    values = []
    for name in JSON_EXPORTS:
        values += list(ids_in(read_json(out / "data" / name)))
    for name in CSV_EXPORTS:
        values += list(ids_in(read_csv(out / "data" / name)))
    for path in incident_files(out).values():
        values += list(ids_in(read_json(path)))
    for hidden in HIDDEN:
        assert not [v for v in values if hidden in v], hidden
    assert sorted(incident_files(out)) == ["crossing", "fire", "flood"]
    # The public things the held-back items name are exported, with only the public links.
    entities = {e["id"]: e for e in read_json(out / "data/entities.json")["entities"]}
    assert entities["migration-agency"]["incidents"] == ["fire", "flood"]
    sources = {s["id"]: s for s in read_json(out / "data/sources.json")["sources"]}
    assert sources["shared-report"]["cited_by"] == ["fire", "flood", "overview"]
    # Every data file's bytes, schemas and all: not a trace (the files are text, so this is exact).
    for path, data in snapshot(out).items():
        if path.startswith("data/") and not path.endswith(".html") or path.endswith("/index.json"):
            text = data.decode("utf-8")
            assert not [h for h in HIDDEN if h in text], path


# -- the data page ---------------------------------------------------------------------------------


def _listed(out: Path) -> dict[str, dict[str, Any]]:
    """The data page's table: site path -> rows, size and schema (each as the page gives it)."""
    soup = page(out, "data/")
    table = soup.find("main").find("table", class_="data-files")
    listed = {}
    for tr in table.find("tbody").find_all("tr"):
        schema = tr.find("a", class_="schema")
        listed[tr["data-file"]] = {
            "rows": int(tr.find("data", class_="rows")["value"]),
            "size": int(tr.find("data", class_="size")["value"]),
            "size_text": tr.find("data", class_="size").get_text(strip=True),
            "schema_href": schema["href"],
            "schema_size": int(tr.find("data", class_="schema-size")["value"]),
            "link": (tr.find("a", class_="file") or tr.find("a", class_="example") or {}).get("href"),
        }
    return listed


def _rows(path: Path) -> int:
    if path.suffix == ".csv":
        return len(read_csv(path))
    document = read_json(path)
    return len(next(value for key, value in document.items() if isinstance(value, list)))


@pytest.mark.parametrize("which", ["example", "small"])
def test_the_data_page_lists_every_file_with_its_real_size_and_row_count(
        which: str, example_output: Path, small_output: Path) -> None:
    out = example_output if which == "example" else small_output
    listed = _listed(out)
    exports = [*JSON_EXPORTS, *CSV_EXPORTS]
    assert sorted(listed) == sorted([f"data/{name}" for name in exports] + ["incidents/<id>/index.json"])
    for name in exports:
        entry, path = listed[f"data/{name}"], out / "data" / name
        assert entry["link"] == name  # relative to data/
        assert entry["size"] == path.stat().st_size, name
        assert entry["size_text"] == human_size(path.stat().st_size)
        assert entry["rows"] == _rows(path), name
        schema = out / "data" / entry["schema_href"]
        assert schema.is_file() and entry["schema_size"] == schema.stat().st_size, name
        assert read_json(schema)["$id"].endswith("/data/" + (name.removesuffix(".json") + ".schema.json"))
    each = listed["incidents/<id>/index.json"]
    files = incident_files(out)
    assert each["rows"] == len(files)
    assert each["size"] == sum(p.stat().st_size for p in files.values())
    assert each["schema_href"] == "incident.schema.json"
    assert each["schema_size"] == (out / "data/incident.schema.json").stat().st_size
    assert (out / "data" / each["link"]).resolve() in {p.resolve() for p in files.values()}
    # Every published schema is linked from the page.
    hrefs = {a["href"] for a in page(out, "data/").find("main").find_all("a", href=True)}
    assert set(SCHEMAS) <= hrefs
    # The feed: its entries, as the page says.
    entries = ET.parse(out / "feed.xml").getroot().findall("{http://www.w3.org/2005/Atom}entry")
    shown = page(out, "data/").find("main").find(class_="feed-entries").get_text(strip=True)
    assert int(shown.replace(",", "")) == len(entries)


def test_the_data_page_shows_the_build_date_from_source_date_epoch(small_output: Path) -> None:
    # helpers.docket builds with SOURCE_DATE_EPOCH=1780272000, 2026-06-01 00:00 UTC: in the
    # site's timezone (America/Mexico_City, UTC-6) that is still 31 May.
    built = page(small_output, "data/").find("main").find("time", class_="built")
    assert built["datetime"] == "2026-05-31" and built.get_text(strip=True) == "31 May 2026"


def test_the_build_date_is_the_builds_now_without_source_date_epoch(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    site = write_site(tmp_path / "site", SITE)
    out = tmp_path / "out"
    session = BuildSession(site, cache=False)
    now = dt.datetime(2027, 1, 1, 3, 0, tzinfo=dt.UTC)  # 31 December 2026, 21:00 in Mexico City
    assert build(site, out, session=session, now=now).ok
    assert page(out, "data/").find("time", class_="built")["datetime"] == "2026-12-31"
    before = (out / "data/incidents.json").read_bytes()
    # SOURCE_DATE_EPOCH is an input: the same content with another value is built again, not skipped.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13 UTC
    again = build(site, out, session=session, now=now)
    assert again.ok and again.rendered >= 1
    assert page(out, "data/").find("time", class_="built")["datetime"] == "2023-11-14"
    assert (out / "data/incidents.json").read_bytes() == before  # the exports never depend on the date


def test_a_malformed_source_date_epoch_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = write_site(tmp_path, SITE)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    run = docket("build", site)
    assert run.returncode == 2, run.describe()
    assert "SOURCE_DATE_EPOCH='yesterday'" in run.stderr and "Traceback" not in run.stderr
    assert not (site / "output").exists()


@pytest.mark.parametrize(("size", "text"), [(0, "0 bytes"), (1, "1 byte"), (999, "999 bytes"), (1000, "1.0 KB"),
                                            (1500, "1.5 KB"), (9_949, "9.9 KB"), (9_950, "10 KB"),
                                            (412_345, "412 KB"), (999_499, "999 KB"), (999_500, "1.0 MB"),
                                            (25_300_000, "25 MB"), (3_200_000_000, "3.2 GB")])
def test_sizes_are_human_readable(size: int, text: str) -> None:
    assert human_size(size) == text


# -- incremental builds ----------------------------------------------------------------------------


def test_a_deleted_incident_loses_its_json_and_the_listing_follows(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", SITE)
    out = tmp_path / "out"
    session = BuildSession(site, cache=False)
    now = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    assert build(site, out, session=session, now=now).ok
    assert (out / "incidents/crossing/index.json").is_file()
    (site / "content/incidents/crossing.md").unlink()
    assert build(site, out, session=session, now=now).ok
    assert not (out / "incidents/crossing").exists()
    manifest = read_json(out / ".docket-manifest.json")
    assert "incidents/crossing/index.json" not in {f["path"] for f in manifest["files"]}
    assert {f["path"] for f in manifest["files"] if f["path"].endswith("/index.json")} == {
        "incidents/fire/index.json", "incidents/flood/index.json"}
    assert _listed(out)["incidents/<id>/index.json"]["rows"] == 2
    assert_round_trip(out)


def test_the_wheel_ships_the_schemas(tmp_path: Path) -> None:
    """They are data files inside the package (read with importlib.resources), so a wheel must carry them."""
    hatchling = hatchling_build()
    src = tmp_path / "src"
    src.mkdir()
    for name in ("generator", "templates"):
        shutil.copytree(REPO / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", ".gitignore"):
        shutil.copyfile(REPO / name, src / name)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(src)
        wheel = src / hatchling.build_wheel(str(src))
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = {f"generator/dataschemas/{name}" for name in (*SCHEMAS, "common.json", "__init__.py")}
    assert wanted <= names, sorted(wanted - names)
