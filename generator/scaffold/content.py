"""``docket new KIND "Title"``: a new content file made from its archetype."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from slugify import slugify

from ..diagnostics import Diagnostics
from ..errors import UsageError
from ..fields import is_valid_id, reserved_problem, slug_hint
from ..frontmatter import parse_document
from ..loader import CONFIG_NAME
from .archetypes import DEFAULT_ENTITY_KIND, DEFAULTS_DIR, archetype_path, render_archetype

FOLDERS = {"incident": "incidents", "report": "reports", "source": "sources", "entity": "entities",
           "page": "pages", "tag": "tags"}
MAX_SLUG = 80  # long enough for a headline's first words; the validator allows up to 120


def new_content(site: Path, kind: str, title: str, slug: str | None = None,
                today: dt.date | None = None, entity_kind: str | None = None) -> Path:
    """Write ``content/FOLDER/SLUG.md`` from the archetype; the path returned is the file written.

    The id (the file name) is ``slug`` when given, else made from the title; it must be
    one the validator accepts, so the new file builds under its own name. ``entity_kind``
    (an entity's ``kind``, ``--kind``) fills the archetype's ``{{ kind }}``.
    """
    if entity_kind is not None and kind != "entity":
        raise UsageError(f"--kind is for 'docket new entity' only, not for a new {kind}")
    site = site.resolve()
    if not (site / CONFIG_NAME).is_file():
        raise UsageError(f"{site}: no {CONFIG_NAME} here, so this is not a Docket site; "
                         "run 'docket new site DIR' first, or give the site's folder")
    if not title.strip():
        raise UsageError("the title is empty; give one, e.g. docket new incident \"Fire at the shelter\"")
    ident = _checked_id(slug) if slug is not None else _id_from_title(title, kind)
    path = site / "content" / FOLDERS[kind] / f"{ident}.md"
    if path.exists() or path.is_symlink():
        raise UsageError(f"{path}: already exists; nothing was written (choose another --slug)")
    template = archetype_path(site, kind)
    shown = str(template.relative_to(site)) if template.parent != DEFAULTS_DIR else f"default {kind} archetype"
    text = render_archetype(template, shown, title.strip(), ident, today or dt.date.today(),
                            entity_kind or DEFAULT_ENTITY_KIND)
    if entity_kind is not None and written_kind(text) != entity_kind:
        raise UsageError(f"{shown}: the archetype does not take --kind (it sets another kind, or none); "
                         "write 'kind: {{ kind }}' in it; nothing was written")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as out:  # "x": never replace a file that appeared meanwhile
        out.write(text)
    return path


def written_kind(text: str) -> str:
    """The ``kind`` a new file's front matter gives, or "" (none, or not text)."""
    doc = parse_document("new.md", text, Diagnostics())
    value = doc.data.get("kind") if doc is not None else None
    return value if isinstance(value, str) else ""


def _checked_id(slug: str) -> str:
    if reserved_problem(slug):
        raise UsageError(f"--slug {slug!r}: {reserved_problem(slug)}")
    if not is_valid_id(slug):
        raise UsageError(f"--slug {slug!r} cannot be used as an id: {slug_hint(slug)}")
    return slug


def _id_from_title(title: str, kind: str) -> str:
    ident: str = slugify(title, max_length=MAX_SLUG, word_boundary=True)
    if reserved_problem(ident):
        raise UsageError(f"cannot name the file after {title!r}: {reserved_problem(ident)}; "
                         f"choose a name with --slug, e.g. --slug {ident}-{kind}")
    if not is_valid_id(ident):
        raise UsageError(f"cannot make a file name from the title {title!r}; "
                         f"choose one with --slug, e.g. --slug my-{kind}")
    return ident
