"""The site's data for researchers (JSON and CSV) and its Atom feed.

Every record carries the same stable id the site's URLs use (an incident's
slug, a source's or entity's id), so a researcher's join keys survive
rebuilds. Nothing here depends on the time of the build: two builds of the
same content give the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from .graph import SiteGraph
from .markdown import RenderedBody
from .model import Claim, Entity, Incident, Moment, Source
from .render import OutputFile
from .urls import absolute, path_of

DATA_FILES = ("incidents.json", "incidents.csv", "sources.json", "sources.csv", "entities.json",
              "entities.csv", "claims.csv")
CLAIM_COLUMNS = ("incident", "text", "by", "date", "status", "sources")
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def render_exports(graph: SiteGraph, bodies: dict[tuple[str, str], RenderedBody]) -> Iterator[OutputFile]:
    incidents = [incident_record(graph, i, bodies[("incident", i.slug)]) for i in graph.incidents]
    sources = [source_record(graph, s) for s in graph.sources.values()]
    entities = [entity_record(graph, e) for e in graph.entities.values()]
    yield _json("data/incidents.json", graph, "incidents", incidents)
    yield _csv("data/incidents.csv", incident_rows(graph, incidents))
    yield _json("data/sources.json", graph, "sources", sources)
    yield _csv("data/sources.csv", [_flatten(s) for s in sources])
    yield _json("data/entities.json", graph, "entities", entities)
    yield _csv("data/entities.csv", [_flatten(e) for e in entities])
    yield _csv("data/claims.csv", claim_rows(graph), CLAIM_COLUMNS)


def _date(moment: Moment | None) -> str | None:
    return moment.iso() if moment else None


def incident_record(graph: SiteGraph, incident: Incident, body: RenderedBody) -> dict[str, Any]:
    loc = incident.location
    return {
        "id": incident.slug,
        "url": absolute(graph.config.base_url, path_of("incident", incident.slug)),
        "title": incident.title,
        "date": incident.date.iso(),
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
    figure_keys = sorted({key for i in graph.incidents for key, _ in i.figures})
    rows = []
    for record in records:
        row = {k: v for k, v in record.items() if k not in ("figures", "claims", "coverage", "updates")}
        row.update({f"figures.{key}": record["figures"].get(key) for key in figure_keys})
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


def _json(path: str, graph: SiteGraph, key: str, records: list[dict[str, Any]]) -> OutputFile:
    document = {"site": graph.config.title, "base_url": graph.config.base_url, "count": len(records),
                key: records}
    text = json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    return OutputFile(path, text.encode("utf-8"))


def _csv(path: str, rows: list[dict[str, Any]], columns: tuple[str, ...] = ()) -> OutputFile:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else list(columns), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    # A byte-order mark so that spreadsheet programs read the UTF-8 (names with accents) right.
    return OutputFile(path, ("\ufeff" + buffer.getvalue()).encode("utf-8"))
