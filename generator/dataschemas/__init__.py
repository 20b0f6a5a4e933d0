"""The JSON Schemas (draft 2020-12) of the data files, published beside them under ``data/``.

Each ``*.schema.json`` here is the schema of one export (``incidents.csv.schema.json`` of one
row of ``incidents.csv``); ``common.json`` holds the definitions several of them share, written
once so that the JSON and CSV forms of a field, or ``incidents.json`` and the per-incident
files, cannot drift apart. A researcher should not need a resolver to use a schema, so the one
published is self-contained: the shared definitions it refers to are copied into its own
``$defs``, and it gets its ``$id`` (its absolute address on the site) when the site is built.
They are data files in the package, not Python, so that they read as what they are and ship in
the wheel with the rest of ``generator/``.
"""

from __future__ import annotations

import functools
import json
from importlib.resources import files
from typing import Any

COMMON = "common.json"
_COMMON_REF = COMMON + "#/$defs/"


@functools.cache
def _text(name: str) -> str:
    return files(__name__).joinpath(name).read_text(encoding="utf-8")


def schema_names() -> tuple[str, ...]:
    """Every schema the build publishes, by file name."""
    return tuple(sorted(entry.name for entry in files(__name__).iterdir() if entry.name.endswith(".schema.json")))


def published_schema(name: str, url: str) -> dict[str, Any]:
    """The schema ``name`` as published at ``url``: self-contained, with ``$id`` set to ``url``.

    A document that names its schema in its ``schema`` key (the JSON files do) is held to that
    address: the published schema makes the key a constant.
    """
    schema = json.loads(_text(name))
    common = json.loads(_text(COMMON))["$defs"]
    own: dict[str, Any] = schema.pop("$defs", {})
    needed: dict[str, Any] = {}
    todo = [schema, *own.values()]
    while todo:
        for ref in _local_refs(todo.pop()):
            if ref not in needed:
                if ref in own:
                    raise ValueError(f"{name}: $defs/{ref} is defined here and in {COMMON}")
                needed[ref] = common[ref]
                todo.append(common[ref])
    properties = schema.get("properties", {})
    if "schema" in properties:
        properties["schema"]["const"] = url
    published = {"$schema": schema.pop("$schema"), "$id": url, **schema}
    if own or needed:
        published["$defs"] = {**own, **dict(sorted(needed.items()))}
    return published


def _local_refs(node: Any) -> list[str]:
    """Make every reference into common.json local ("#/$defs/x"), in place; the names referred to."""
    found = []
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_COMMON_REF):
            found.append(ref.removeprefix(_COMMON_REF))
            node["$ref"] = "#/$defs/" + found[-1]
        for value in node.values():
            found += _local_refs(value)
    elif isinstance(node, list):
        for value in node:
            found += _local_refs(value)
    return found
