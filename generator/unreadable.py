"""The ids a content file that could not be read would have defined.

One bad indent in a source file used to bury its own error under every
citation of that source elsewhere ("unknown source …" in each incident). A
file that cannot be read (not UTF-8, no front matter, malformed YAML) or that
yielded nothing because of its own errors is reported alone: the ids it
would have defined are collected here, and the graph and the Markdown stage
stay silent about references to them. The build fails on the file's own
error anyway, and once the file reads, its references are checked as usual.

The ids come from the file name (as ``validate.slug_for`` makes them) and,
since the YAML could not be parsed, from a plain look at its lines: a
top-level ``slug:`` or ``id:``, and in an incident the ``- id:`` of each
inline source. A look that finds too much only hides a reference the next
build reports, once the file is fixed.
"""

from __future__ import annotations

import re

from .frontmatter import split_front_matter
from .model import Unreadable
from .urls import file_slug

_OWN_ID = re.compile(r"^(?:slug|id):[ \t]*[\"']?([A-Za-z0-9_-]+)[\"']?[ \t]*(?:#.*)?$", re.MULTILINE)
_INLINE_SOURCE = re.compile(r"^[ \t]*-?[ \t]*id:[ \t]*[\"']?([A-Za-z0-9_-]+)[\"']?[ \t]*(?:#.*)?$", re.MULTILINE)


def unreadable_ids(path: str, kind: str, text: str = "") -> tuple[Unreadable, ...]:
    """What ``path`` (of content kind ``kind``) would have defined, had it been read."""
    front = _front_matter(text)
    own = {file_slug(path)}
    own |= {m.lower() for m in _OWN_ID.findall(front)}
    found = [Unreadable(kind, ident, path) for ident in sorted(own) if ident]
    if kind == "incident":
        inline = {m.lower() for m in _INLINE_SOURCE.findall(front)} - {m.lower() for m in _OWN_ID.findall(front)}
        found += [Unreadable("source", ident, path) for ident in sorted(inline)]
    return tuple(found)


def _front_matter(text: str) -> str:
    """The front matter's lines (all of them after the opening '---' if it never closes)."""
    split = split_front_matter(text)
    if split is None:
        return ""
    front, _, body_line = split
    return text.partition("\n")[2] if body_line < 0 else front
