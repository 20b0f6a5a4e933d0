"""The site's data for researchers: JSON and CSV files, their JSON Schemas, one JSON per incident.

Every record carries the same stable id the site's URLs use (an incident's
slug, a source's or entity's id), so a researcher's join keys survive
rebuilds. Only published items are exported: the graph holds no drafts or
embargoed items, so neither do these files. Nothing here depends on the time
of the build: two builds of the same content give the same bytes. (The data
page, which lists these files, shows the build date: see ``build_date``.)

Each JSON document names the schema it follows in its ``schema`` key (an
absolute URL); a CSV cannot, so the data page and docs/data.md say which
schema describes one of its rows. The schemas themselves are in
``generator/dataschemas/``.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .datalisting import DataFile, DataListing
from .dataschemas import published_schema, schema_names
from .errors import UsageError
from .graph import SiteGraph
from .markdown import RenderedBody
from .model import Claim, Entity, Incident, Moment, Source
from .outputs import OutputFile
from .urls import absolute, path_of

DATA_FILES = ("incidents.json", "incidents.csv", "sources.json", "sources.csv", "entities.json",
              "entities.csv", "claims.csv")
INCIDENT_FILE = "index.json"  # beside the incident's page: incidents/<id>/index.json
INCIDENT_PATTERN = "incidents/<id>/index.json"
# The CSV headers when there is no row to take them from (a site with no incidents yet).
INCIDENT_COLUMNS = ("id", "url", "title", "date", "date_precision", "status", "fictional", "in_totals", "summary",
                    "place", "region", "country", "lat", "lon", "tags", "entities", "sources", "related", "reports")
SOURCE_COLUMNS = ("id", "url", "title", "type", "publisher", "original_url", "archive_url", "published", "accessed",
                  "reliability", "notes", "cited_by")
ENTITY_COLUMNS = ("id", "url", "name", "kind", "aliases", "country", "website", "incidents")
CLAIM_COLUMNS = ("incident", "text", "by", "date", "status", "sources")
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class ExportFile(OutputFile):
    """A data file, with what the data page says of it: how many records it holds, and its schema."""

    rows: int = 0  # records (JSON), rows below the header (CSV); 0 for a schema
    schema: str = ""  # the site path of the schema it follows; "" for a schema itself


def schema_path(export: str) -> str:
    """The site path of an export's schema: "incidents.json" -> "data/incidents.schema.json".

    A CSV's keeps its extension ("incidents.csv.schema.json"): it describes one row, not the file.
    """
    stem = export.removesuffix(".json")
    return f"data/{stem}.schema.json"


class Dumps:
    """The JSON text of each record, by a digest of its value, kept from one build to the next (the session).

    ``json.dumps`` with ``indent`` runs json's pure-Python encoder, the slow part of the exports; a record
    whose value is the same (the key is a digest of its ``repr``: records hold only strings, numbers,
    booleans, None, lists and dicts, whose repr tells every value apart) has the same text, so only the
    records an edit changed are encoded again, and each whole file is joined from its records' texts.
    """

    def __init__(self, known: dict[bytes, str] | None = None) -> None:
        self.known = known or {}
        self.used: dict[bytes, str] = {}  # what this build used: the session keeps only these

    def text(self, value: dict[str, Any], indent: str = "") -> str:
        key = hashlib.blake2b(repr(value).encode("utf-8", "backslashreplace"), digest_size=16).digest()
        found = self.used.get(key) or self.known.get(key)
        if found is None:
            found = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False)
        self.used[key] = found
        # A document nested in a list of a document is the same text, every line indented (JSON strings
        # hold no line breaks), as json.dumps writes it there.
        return indent + found.replace("\n", "\n" + indent) if indent else found


def render_exports(graph: SiteGraph, bodies: dict[tuple[str, str], RenderedBody],
                   dumps: Dumps | None = None) -> Iterator[OutputFile]:
    dumps = dumps or Dumps()
    incidents = [incident_record(graph, i, bodies[("incident", i.slug)]) for i in graph.incidents]
    sources = [source_record(graph, s) for s in graph.sources.values()]
    entities = [entity_record(graph, e) for e in graph.entities.values()]
    yield _json("incidents.json", graph, "incidents", incidents, dumps)
    yield _csv("incidents.csv", incident_rows(graph, incidents), INCIDENT_COLUMNS)
    yield _json("sources.json", graph, "sources", sources, dumps)
    yield _csv("sources.csv", [_flatten(s) for s in sources], SOURCE_COLUMNS)
    yield _json("entities.json", graph, "entities", entities, dumps)
    yield _csv("entities.csv", [_flatten(e) for e in entities], ENTITY_COLUMNS)
    yield _csv("claims.csv", claim_rows(graph), CLAIM_COLUMNS)
    for name in schema_names():
        path = f"data/{name}"
        schema = published_schema(name, absolute(graph.config.base_url, path))
        yield ExportFile(path, _dump(schema))
    # The same record as in incidents.json, key for key, so that a page's data is one fetch away.
    own = schema_path("incident.json")
    pointer = {"schema": absolute(graph.config.base_url, own), "site": graph.config.title}
    for record in incidents:
        yield ExportFile(path_of("incident", record["id"]) + INCIDENT_FILE,
                         (dumps.text({**pointer, **record}) + "\n").encode("utf-8"), 1, own)


def _date(moment: Moment | None) -> str | None:
    return moment.iso() if moment else None


def incident_record(graph: SiteGraph, incident: Incident, body: RenderedBody) -> dict[str, Any]:
    loc = incident.location
    return {
        "id": incident.slug,
        "url": absolute(graph.config.base_url, path_of("incident", incident.slug)),
        "title": incident.title,
        "date": incident.date.iso(),  # as written: 2022-06-27, or 2022-06 and 2022 when approximate
        "date_precision": incident.date.precision,
        "status": incident.status,
        # Whether the site's totals count it: a researcher adding up the CSV must leave the others out too.
        "fictional": incident.fictional,
        "in_totals": incident.in_totals,
        "summary": incident.summary,
        "place": loc.place, "region": loc.region, "country": loc.country, "lat": loc.lat, "lon": loc.lon,
        "tags": list(incident.tags),
        "figures": dict(incident.figures),
        "entities": [r.id for r in incident.entities],
        "sources": list(body.sources),  # in the page's citation order: source n is sources[n-1]
        "claims": [claim_record(c) for c in incident.claims],
        "coverage": [{"title": c.title, "outlet": c.outlet, "url": c.url, "date": _date(c.date)}
                     for c in incident.coverage],
        "updates": [{"date": u.date.iso(), "type": u.kind, "note": u.note, "figures": list(u.figures)}
                    for u in incident.updates],
        "related": [r.incident.slug for r in graph.related.get(incident.slug, ())],
        "reports": [r.slug for r in graph.coverage_of.get(incident.slug, ())],
    }


def claim_record(claim: Claim) -> dict[str, Any]:
    return {"text": claim.text, "by": claim.by.id if claim.by else None, "date": _date(claim.date),
            "status": claim.status, "sources": [r.id for r in claim.sources]}


def source_record(graph: SiteGraph, source: Source) -> dict[str, Any]:
    return {
        "id": source.id, "url": absolute(graph.config.base_url, path_of("source", source.id)),
        "title": source.title, "type": source.type, "publisher": source.publisher,
        "original_url": source.url, "archive_url": source.archive_url,
        "published": _date(source.published), "accessed": _date(source.accessed),
        "reliability": source.reliability, "notes": source.notes,
        "cited_by": [item.slug for item in graph.citing.get(source.id, ())],
    }


def entity_record(graph: SiteGraph, entity: Entity) -> dict[str, Any]:
    return {
        "id": entity.id, "url": absolute(graph.config.base_url, path_of("entity", entity.id)),
        "name": entity.name, "kind": entity.kind, "aliases": list(entity.aliases),
        "country": entity.country, "website": entity.url,
        "incidents": [i.slug for i in graph.entity_incidents.get(entity.id, ())],
    }


def incident_rows(graph: SiteGraph, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per incident; one column per figure key used anywhere on the site."""
    figure_keys = sorted({str(key) for i in graph.incidents for key, _ in i.figures})
    rows = []
    for record in records:
        row = {k: v for k, v in record.items() if k not in ("figures", "claims", "coverage", "updates")}
        figures = {str(key): value for key, value in record["figures"].items()}
        row.update({f"figures.{key}": figures.get(key) for key in figure_keys})
        rows.append(_flatten(row))
    return rows


def claim_rows(graph: SiteGraph) -> list[dict[str, Any]]:
    return [_flatten({"incident": incident.slug, **claim_record(claim)})
            for incident in graph.incidents for claim in incident.claims]


def _flatten(record: dict[str, Any]) -> dict[str, Any]:
    """Lists become "a; b" cells; text that a spreadsheet would run as a formula gets a leading '."""
    out = {}
    for key, value in record.items():
        if isinstance(value, list):
            value = "; ".join(str(v) for v in value)
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            value = "'" + value
        out[key] = value
    return out


def _dump(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


_RECORDS = "\0docket-records"  # stands for the list's records while the document around them is encoded


def _json(name: str, graph: SiteGraph, key: str, records: list[dict[str, Any]], dumps: Dumps) -> ExportFile:
    schema = schema_path(name)
    document = {"schema": absolute(graph.config.base_url, schema), "site": graph.config.title,
                "base_url": graph.config.base_url, "count": len(records), key: [_RECORDS] if records else []}
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False)
    if records:
        text = text.replace('    "\\u0000docket-records"', ",\n".join(dumps.text(r, "    ") for r in records), 1)
    return ExportFile(f"data/{name}", (text + "\n").encode("utf-8"), len(records), schema)


def _csv(name: str, rows: list[dict[str, Any]], columns: tuple[str, ...]) -> ExportFile:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    # A byte-order mark so that spreadsheet programs read the UTF-8 (names with accents) right.
    return ExportFile(f"data/{name}", ("\ufeff" + buffer.getvalue()).encode("utf-8"), len(rows), schema_path(name))


# -- the data page's listing -------------------------------------------------------------------


def data_listing(exports: Sequence[OutputFile], built: Moment) -> DataListing:
    """Each data file with its size and row count, measured on the bytes about to be written."""
    ours = [f for f in exports if isinstance(f, ExportFile)]
    sizes = {f.path: len(f.data) for f in ours}
    files = [DataFile(f.path, f.path, f.path.rsplit(".", 1)[-1].upper(), f.rows, len(f.data), f.schema,
                      sizes[f.schema])
             for f in ours if f.path.startswith("data/") and f.schema]
    each = [f for f in ours if f.path.endswith("/" + INCIDENT_FILE)]
    own = schema_path("incident.json")
    files.append(DataFile(INCIDENT_PATTERN, each[0].path if each else "", "JSON", len(each),
                          sum(len(f.data) for f in each), own, sizes[own]))
    return DataListing(tuple(files), built)


def build_date(now: dt.datetime, tz: dt.tzinfo) -> Moment:
    """The date the data page gives for this build: the day of ``now`` in the site's timezone.

    When SOURCE_DATE_EPOCH is set (the reproducible-builds convention: a build from the same
    sources at the same "time" gives the same bytes), that time is used instead, so two builds of
    one commit, on any day, agree.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None:
        try:
            now = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r}: expected a whole number of seconds since 1970-01-01 "
                             "00:00 UTC, such as the last commit's time (git log -1 --format=%ct)") from None
    day = now.astimezone(tz).date()
    return Moment(dt.datetime(day.year, day.month, day.day, tzinfo=tz))
