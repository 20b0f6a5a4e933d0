"""The scaffold's placeholder sentences, which a writer is expected to replace.

The editorial check ("unedited scaffold text") compares front-matter values and body
paragraphs with these. They are read from the files themselves, so they cannot drift
from what ``docket new`` writes:

- default archetypes: every text value with a space in it, active (but for ``title``
  and ``name``, which are the writer's) or in a commented-out example line
  (``#    note: What changed, in one sentence.``), and every body paragraph;
- the new-site sample: every text value and body paragraph that says "sample" or
  "replace", titles included (what a writer may keep, like "About this site", does not).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from .archetypes import DEFAULTS_DIR, KINDS, render_archetype

SAMPLE_DIR = Path(__file__).parent / "sample"
WRITERS_OWN_KEYS = frozenset({"title", "name"})
COMMENTED_FIELD = re.compile(r"^#\s+(?:-\s+)?([a-z_]+):\s*(.+?)\s*(?:\s#.*)?$")
SAMPLE_WORDS = re.compile(r"\b(sample|replace)\b", re.IGNORECASE)


@functools.cache
def placeholder_texts() -> frozenset[str]:
    today = dt.date.today()
    texts: set[str] = set()
    for kind in KINDS:
        path = DEFAULTS_DIR / f"{kind}.md"
        text = render_archetype(path, path.name, "Title", "title", today)
        texts.update(t for t in _texts_of(text, WRITERS_OWN_KEYS, commented_too=True) if " " in t)
    for path in sorted(SAMPLE_DIR.rglob("*")):
        if path.suffix in (".md", ".yaml"):
            text = render_archetype(path, path.name, "Title", path.stem, today)
            texts.update(t for t in _texts_of(text, frozenset(), commented_too=False)
                         if " " in t and SAMPLE_WORDS.search(t))
    return frozenset(texts)


def _texts_of(text: str, skipped: frozenset[str], commented_too: bool) -> Iterator[str]:
    """The text values of a file's front matter (or of a YAML file) and its body paragraphs."""
    front, body = _split(text)
    yield from _strings(yaml.safe_load(front) or {}, skipped)
    if commented_too:
        yield from _commented_values(front)
    yield from (p.strip() for p in re.split(r"\n\s*\n", body) if p.strip())


def _split(text: str) -> tuple[str, str]:
    if not text.startswith("---\n"):
        return text, ""  # site.yaml
    front, _, body = text[4:].partition("\n---\n")
    return front, body


def _strings(value: Any, skipped: frozenset[str], key: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, skipped, str(k))
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, skipped, key)
    elif isinstance(value, str) and key not in skipped and value.strip():
        yield value.strip()


def _commented_values(front: str) -> Iterable[str]:
    """The values of commented-out example lines; their titles are placeholders too."""
    for line in front.splitlines():
        match = COMMENTED_FIELD.match(line)
        if match:
            yield from _strings(yaml.safe_load(match.group(2)), frozenset())
