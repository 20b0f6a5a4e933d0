"""Stage 2 — parse front matter and validate it into the typed model.

One function per kind of file. Each reads its fields through ``Fields`` so that
every problem is reported with its file, line and field, and carries on with a
safe default so that one run shows every problem at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Protocol

from slugify import slugify

from .config import read_config, site_timezone
from .diagnostics import Diagnostic, Diagnostics
from .fields import Fields, is_valid_id, reserved_hint, reserved_problem
from .frontmatter import parse_document
from .hints import figure_name_problem
from .loader import LoadedSite, RawFile
from .model import (
    Claim,
    Content,
    Coverage,
    Entity,
    Image,
    Incident,
    Location,
    Moment,
    Page,
    Publishing,
    Reference,
    Report,
    Source,
    TagInfo,
    Update,
)
from .parallel import fork_map
from .pickling import compact
from .terms import readable_tag
from .unreadable import unreadable_ids
from .urls import file_slug, term_slug, url_problem

INCIDENT_STATUSES = ("developing", "confirmed", "disputed", "closed")
SOURCE_TYPES = ("article", "video", "document", "social", "statement", "dataset", "other")
ENTITY_KINDS = ("person", "organisation", "place")
CLAIM_STATUSES = ("supported", "disputed", "unverified", "false")
RELIABILITIES = ("high", "medium", "low")
UPDATE_KINDS = ("update", "correction")

PUBLISHING_KEYS = ("draft", "publish_after", "published")
IMAGE_KEYS = ("image", "image_alt", "image_caption", "image_credit")
IMAGE_MAPPING_KEYS = ("src", "alt", "caption", "credit")
INCIDENT_KEYS = ("title", "date", "slug", "summary", "status", "location", "tags", "figures",
                 "entities", "sources", "coverage", "related", "claims", "updates", "fictional",
                 "exclude_from_totals", "author", "authors") + IMAGE_KEYS + PUBLISHING_KEYS
SOURCE_KEYS = ("title", "type", "publisher", "url", "archive_url", "published", "accessed",
               "reliability", "notes", "language")
ENTITY_KEYS = ("name", "kind", "aliases", "country", "url")
REPORT_KEYS = ("title", "date", "slug", "author", "authors", "summary", "incidents", "tags",
               "sources", "updates") + IMAGE_KEYS + PUBLISHING_KEYS
PAGE_KEYS = ("title", "slug", "summary") + PUBLISHING_KEYS
TAG_KEYS = ("title", "description", "slug")
LOCATION_KEYS = ("place", "region", "country", "lat", "lon")


Item = Incident | Report | Source | Entity | Page | TagInfo


@compact
@dataclass(frozen=True, slots=True)
class FileResult:
    """One content file validated: its items (an incident and its inline sources, a source…) and findings.

    A unit of work: it depends on the file's text, its path and kind and the site's
    time zone alone, so the build session caches it by those and replays its diagnostics.
    """

    items: tuple[Item, ...]
    diagnostics: tuple[Diagnostic, ...]


FILES_PER_WORKER = 50  # below this many files to parse, a worker process costs more than it saves


def validate(loaded: LoadedSite, diags: Diagnostics, cache: FileCache | None = None, workers: int = 1) -> Content:
    """Every file validated; files the cache knows are not parsed again, the others in ``workers`` processes."""
    config = read_config(loaded.config_text, diags)
    tz = site_timezone(config)
    results = [cache.get(raw, config.timezone) if cache is not None else None for raw in loaded.files]
    todo = [raw for raw, result in zip(loaded.files, results, strict=True) if result is None]
    fresh = iter(fork_map(functools.partial(read_file, tz=tz), todo, workers, FILES_PER_WORKER))
    items: list[Item] = []
    unreadable = [u for path, kind in loaded.unread for u in unreadable_ids(path, kind)]
    for raw, cached in zip(loaded.files, results, strict=True):
        result = cached or next(fresh)
        if cached is None and cache is not None:
            cache.put(raw, config.timezone, result)
        diags.extend(result.diagnostics)
        items.extend(result.items)
        if not result.items and any(d.is_error for d in result.diagnostics):  # its own errors say why
            unreadable.extend(unreadable_ids(raw.path, raw.kind, raw.text))
    def of(kind: type[Item]) -> tuple[Any, ...]:
        return tuple(i for i in items if isinstance(i, kind))

    return Content(config, of(Incident), of(Report), of(Source), of(Entity), of(Page), tuple(unreadable),
                   of(TagInfo))


class FileCache(Protocol):
    def get(self, raw: RawFile, timezone: str) -> FileResult | None: ...
    def put(self, raw: RawFile, timezone: str, result: FileResult) -> None: ...


def read_file(raw: RawFile, tz: dt.tzinfo) -> FileResult:
    """Parse and validate one content file into model items, with its own diagnostics."""
    diags = Diagnostics()
    doc = parse_document(raw.path, raw.text, diags)
    if doc is None:
        return FileResult((), tuple(diags.items))
    f = Fields(doc, diags, tz)
    found: list[Item | None]
    if raw.kind == "incident":
        incident, inline = read_incident(f, raw)
        found = [incident, *inline]
    elif raw.kind == "source":
        found = [read_source_file(f, raw)]
    elif raw.kind == "entity":
        found = [read_entity(f, raw)]
    elif raw.kind == "report":
        found = [read_report(f, raw)]
    elif raw.kind == "tag":
        found = [read_tag(f, raw)]
    else:
        found = [read_page(f, raw)]
    return FileResult(tuple(i for i in found if i is not None), tuple(diags.items))


# An item with a broken date or slug is still built into the model (the build
# writes nothing anyway), so that its references are checked in the same run.
PLACEHOLDER_DATE = Moment(dt.datetime(1970, 1, 1, tzinfo=dt.UTC))


def placeholder_slug(raw: RawFile) -> str:
    return "invalid-" + (slugify(raw.path) or "file")


def slug_for(f: Fields, raw: RawFile) -> str:
    """The explicit ``slug`` field, or one made from the file name (transliterated)."""
    if "slug" in f.data:
        return f.identifier("slug", required=True, what="slug", noun=raw.kind)
    stem = PurePosixPath(raw.path).stem
    slug = file_slug(raw.path)
    if reserved_problem(slug):
        f.diags.error(raw.path, 1, "", f"cannot use the file name {stem!r} as a URL slug: {reserved_problem(slug)}",
                      "rename the file or set 'slug' in the front matter; " + reserved_hint(slug, raw.kind))
        return ""
    if not is_valid_id(slug):
        f.diags.error(raw.path, 1, "", f"cannot make a URL slug from the file name {stem!r}",
                      "rename the file or set 'slug' in the front matter")
        return ""
    return slug


def read_publishing(f: Fields) -> Publishing:
    return Publishing(draft=f.flag("draft"), publish_after=f.moment("publish_after"))


def read_incident(f: Fields, raw: RawFile) -> tuple[Incident | None, list[Source]]:
    f.warn_unknown(INCIDENT_KEYS)
    slug = slug_for(f, raw)
    title = f.text("title", required=True)
    date = f.event_date("date", required=True)
    refs, inline = read_source_entries(f)
    incident = Incident(
        slug=slug or placeholder_slug(raw), title=title, date=date or PLACEHOLDER_DATE, path=raw.path,
        line=f.line("slug") if "slug" in f.data else 1,
        summary=f.text("summary"), authors=read_authors(f),
        status=f.choice("status", INCIDENT_STATUSES, "confirmed"),
        location=read_location(f),
        tags=read_tags(f),
        figures=read_figures(f),
        entities=f.references("entities"),
        sources=refs,
        coverage=read_coverage(f),
        related=f.references("related"),
        claims=read_claims(f),
        updates=read_updates(f),
        publishing=read_publishing(f),
        published=f.moment("published"), first_commit=first_commit(raw, f.tz), image=read_image(f),
        fictional=f.flag("fictional"),
        exclude_from_totals=f.flag("exclude_from_totals"),
        body=f.doc.body, body_line=f.doc.body_line, field_lines=f.field_lines(),
    )
    _check_corrected_figures(f, incident)
    return incident, inline


def first_commit(raw: RawFile, tz: dt.tzinfo) -> Moment | None:
    """The day (in the site's time zone) git first saw the file; a date, as a writer's ``published`` is."""
    if not raw.first_commit:
        return None
    try:
        when = dt.datetime.fromisoformat(raw.first_commit).astimezone(tz)
    except ValueError:
        return None  # not git's ISO form: no date rather than a wrong one
    return Moment(dt.datetime(when.year, when.month, when.day, tzinfo=tz))


def _check_corrected_figures(f: Fields, incident: Incident) -> None:
    # Every figure the writer wrote counts, valid or not: 'killed: about 50' is already an error, and
    # the updates that name 'killed' are right to.
    written = f.data.get("figures")
    keys = {key for key, _ in incident.figures} | (set(written) if isinstance(written, dict) else set())
    for n, update in enumerate(incident.updates):
        for key in update.figures:
            if key not in keys:
                f.warn_at(("updates", n, "figures"), f"update names the figure {key!r}, which this incident "
                          "does not have", f"expected one of: {', '.join(sorted(keys)) or '(no figures)'}")


def title_from_id(ident: str) -> str:
    """A readable name for an entity that has none: "el-paso" -> "El Paso"."""
    return ident.replace("-", " ").replace("_", " ").title()


def read_tags(f: Fields) -> tuple[str, ...]:
    tags = f.texts("tags")
    for tag in tags:
        if not term_slug(tag):
            f.error("tags", f"tag {tag!r} has no letters or digits to make a URL from")
    return tuple(t for t in tags if term_slug(t))


def read_location(f: Fields) -> Location:
    loc = f.mapping("location")
    if loc is None:
        return Location()
    loc.warn_unknown(LOCATION_KEYS)
    place, country = loc.text("place"), loc.text("country")
    for key, value in (("place", place), ("country", country)):
        if value and not term_slug(value):
            loc.error(key, f"{value!r} has no letters or digits to make a URL from")
    return Location(place=place if term_slug(place) else "", region=loc.text("region"),
                    country=country if term_slug(country) else "",
                    lat=loc.coordinate("lat", 90), lon=loc.coordinate("lon", 180))


def read_figures(f: Fields) -> tuple[tuple[str, int | float], ...]:
    figures = f.mapping("figures")
    if figures is None:
        return ()
    out = []
    for key, value in figures.data.items():
        problem, hint = figure_name_problem(str(key))
        if problem:
            figures.error(key, problem, hint)
            continue
        number = figures.number(key, value)
        if number is not None:
            out.append((key, number))
    return tuple(out)


def read_source_entries(f: Fields) -> tuple[tuple[Reference, ...], list[Source]]:
    """An incident's ``sources``: ids that refer to a source, or inline definitions."""
    refs: list[Reference] = []
    inline: list[Source] = []
    for entry in f.entries("sources"):
        if not isinstance(entry, Fields):  # a bare id, "- ap-open-letter"
            ref = f.reference_at(*entry)
        else:
            ref = entry_reference(entry)
            if ref and set(entry.data) - {"id"}:
                source = read_source_fields(entry, ref.id, f.doc.path, ref.line)
                if source:
                    inline.append(source)
        if ref and ref.id not in {r.id for r in refs}:
            refs.append(ref)
    return tuple(refs), inline


def entry_reference(entry: Fields) -> Reference | None:
    ident = entry.identifier("id", required=True, what="source id", noun="source")
    return Reference(ident, entry.doc.path, entry.line("id"), entry.name("id")) if ident else None


def read_source_fields(f: Fields, ident: str, path: str, line: int, from_file: bool = False) -> Source | None:
    f.warn_unknown(SOURCE_KEYS + ("id",))
    title = f.text("title", required=True)
    source = Source(
        id=ident, title=title or ident, path=path, line=line,
        type=f.choice("type", SOURCE_TYPES, "other"),
        publisher=f.text("publisher"),
        url=f.url("url"),
        archive_url=f.url("archive_url"),
        published=f.moment("published"),
        accessed=f.moment("accessed"),
        reliability=f.choice("reliability", RELIABILITIES, ""),
        notes=f.text("notes"),
        language=f.language("language"),
        from_file=from_file,
        field_lines=f.field_lines(),
    )
    return source


def read_source_file(f: Fields, raw: RawFile) -> Source | None:
    ident = f.identifier("id", required=True, what="source id", noun="source") if "id" in f.data else slug_for(f, raw)
    source = read_source_fields(f, ident, raw.path, 1, from_file=True)
    if not (source and ident):
        return None
    return dataclasses.replace(source, body=f.doc.body, body_line=f.doc.body_line)


def read_coverage(f: Fields) -> tuple[Coverage, ...]:
    out = []
    for entry in f.records("coverage", ("title", "outlet", "url", "date"), ("title", "url")):
        title, url = entry.text("title", required=True), entry.url("url", required=True)
        if title and url:
            out.append(Coverage(title, url, entry.text("outlet"), entry.moment("date")))
    return tuple(out)


def read_claims(f: Fields) -> tuple[Claim, ...]:
    out = []
    for entry in f.records("claims", ("text", "by", "date", "status", "sources"), ("text",)):
        text = entry.text("text", required=True)
        by = entry.reference_at(entry.at + ("by",), entry.data["by"]) if entry.has("by") else None
        claim = Claim(text=text, by=by, date=entry.moment("date"),
                      status=entry.choice("status", CLAIM_STATUSES, "unverified"),
                      sources=entry.references("sources"))
        if text:
            out.append(claim)
    return tuple(out)


def read_updates(f: Fields, with_figures: bool = True) -> tuple[Update, ...]:
    """The updates log; ``figures`` (what a correction changed) only where the item has figures (incidents)."""
    out = []
    for entry in f.records("updates", ("date", "note", "type", "figures"), ("date", "note")):
        if not with_figures and "figures" in entry.data:
            entry.warning("figures", "only an incident has figures for an update to correct",
                          "name the corrected figures in the update of the incident itself")
        date = entry.moment("date", required=True)
        if date:
            out.append(Update(date, entry.text("note"), entry.choice("type", UPDATE_KINDS, "update"),
                              entry.texts("figures") if with_figures else ()))
    return tuple(sorted(out, key=lambda u: u.date))


def read_tag(f: Fields, raw: RawFile) -> TagInfo | None:
    """``content/tags/<id>.md``: the id is the file name (as the tag's URL slug), the body a longer description."""
    f.warn_unknown(TAG_KEYS)
    ident = slug_for(f, raw)
    if not ident:
        return None
    description = f.text("description") or " ".join(f.doc.body.split())
    return TagInfo(id=ident, title=f.text("title", default=readable_tag(ident)), path=raw.path,
                   description=description, field_lines=f.field_lines())



def read_entity(f: Fields, raw: RawFile) -> Entity | None:
    f.warn_unknown(ENTITY_KEYS + ("id",))
    ident = f.identifier("id", required=True, what="entity id", noun="entity") if "id" in f.data else slug_for(f, raw)
    if not ident:
        return None
    return Entity(id=ident, name=f.text("name", default=title_from_id(ident)),
                  kind=f.choice("kind", ENTITY_KINDS, ""), aliases=f.texts("aliases"),
                  country=f.text("country"), url=f.url("url"),
                  body=f.doc.body, body_line=f.doc.body_line, path=raw.path, field_lines=f.field_lines())


def read_authors(f: Fields) -> tuple[str, ...]:
    """``authors:`` (a list) and ``author:`` (one name), in that order, each name once."""
    authors = f.texts("authors")  # read once: each read reports the field's problems
    return authors + tuple(a for a in f.texts("author") if a not in authors)


def read_report(f: Fields, raw: RawFile) -> Report | None:
    f.warn_unknown(REPORT_KEYS)
    slug, title = slug_for(f, raw), f.text("title", required=True)
    date = f.moment("date", required=True)
    authors = read_authors(f)
    image = read_image(f) or Image("")
    report = Report(slug=slug or placeholder_slug(raw), title=title, date=date or PLACEHOLDER_DATE, path=raw.path,
                    line=f.line("slug") if "slug" in f.data else 1, authors=authors,
                    summary=f.text("summary"), incidents=f.references("incidents"),
                    tags=read_tags(f), sources=f.references("sources"),
                    image=image.src, image_alt=image.alt, image_credit=image.credit, image_caption=image.caption,
                    updates=read_updates(f, with_figures=False),
                    publishing=read_publishing(f), published=f.moment("published"),
                    body=f.doc.body, body_line=f.doc.body_line, field_lines=f.field_lines())
    return report


def read_image(f: Fields) -> Image | None:
    """An incident's or report's image: ``image: /img/x.jpg`` with ``image_alt``, ``image_caption`` and
    ``image_credit`` beside it, or ``image:`` as a mapping of ``src``, ``alt``, ``caption`` and ``credit``."""
    if isinstance(f.data.get("image"), dict):
        image = f.mapping("image")
        assert image is not None
        image.warn_unknown(IMAGE_MAPPING_KEYS)
        src = _image_src(image, "src", required=True)
        return Image(src, image.text("alt"), image.text("caption"), image.text("credit")) if src else None
    src = _image_src(f, "image")
    if not src:
        return None
    return Image(src, f.text("image_alt"), f.text("image_caption"), f.text("image_credit"))


def _image_src(f: Fields, key: str, required: bool = False) -> str:
    """A path inside the site's static/ (no climbing out), or an http(s) URL."""
    value = f.text(key, required)
    if not value or value.startswith(("http://", "https://")):
        return f.url(key) if value else ""
    parts = PurePosixPath(value.lstrip("/")).parts
    if ".." in parts or ":" in value or url_problem(value, "body"):
        f.error(key, f"unsafe image path {value!r}", "expected a path inside static/, e.g. /img/cover.jpg")
        return ""
    return "/".join(parts)


def read_page(f: Fields, raw: RawFile) -> Page | None:
    f.warn_unknown(PAGE_KEYS)
    slug, title = slug_for(f, raw), f.text("title", required=True)
    if not (slug and title):
        return None
    return Page(slug=slug, title=title, path=raw.path, line=f.line("slug") if "slug" in f.data else 1,
                summary=f.text("summary"), publishing=read_publishing(f), published=f.moment("published"),
                first_commit=first_commit(raw, f.tz), body=f.doc.body,
                body_line=f.doc.body_line, field_lines=f.field_lines())


def is_published(publishing: Publishing, now: dt.datetime, include_drafts: bool) -> bool:
    if include_drafts:
        return True
    if publishing.draft:
        return False
    return publishing.publish_after is None or publishing.publish_after.value <= now

