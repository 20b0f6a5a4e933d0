"""The editor's review before publishing: warnings about a site that builds but is not ready.

``docket check`` runs it after the build's own checks (``build(review=True)``). Each
warning names a gap a reader would notice — a source nobody can check, an incident
that cites nothing, text the scaffold wrote — or one the editor would want to know
of: a source, entity or page that nothing on the site leads to. Only what the build
publishes is reviewed (drafts and embargoed items too when the build includes them).

Every check is one pass over the site's items or over the rendered bodies' HTML, so
the review stays linear in the site's size.
"""

from __future__ import annotations

import dataclasses
import html
import posixpath
import re
from collections.abc import Collection, Iterator, Mapping
from urllib.parse import unquote, urlsplit

from .diagnostics import Diagnostic, Diagnostics
from .graph import SiteGraph
from .markdown import RenderedBody
from .model import Claim, Entity, Incident, Moment, Page, Publishing, Reference, Report, Source, line_of
from .scaffold import placeholder_texts
from .urls import nav_target, output_file, path_of

FILE_LINE = 1  # where a file's front matter opens: the line for a field the model keeps no line for
# Model fields that are not free text a writer types (ids, choices, URLs, the body, where it came from).
NOT_TEXT = frozenset({"path", "slug", "id", "body", "kind", "status", "type", "url", "archive_url",
                      "reliability", "image", "line", "body_line", "field_lines"})
HREF = re.compile(r'\bhref="([^"]*)"')
QUOTED_CLAIM = 60  # characters of a claim's text quoted in its warning


def review(graph: SiteGraph, bodies: Mapping[tuple[str, str], RenderedBody], *,
           footer_pages: Collection[str] | None = None) -> list[Diagnostic]:
    """The editor's warnings for the graph after ``add_citations`` and its rendered bodies.

    ``footer_pages`` holds the slugs of the pages the theme's footer links; None (the
    default theme, whose footer lists ``footer_pages``) means every published page.
    """
    diags = Diagnostics()
    source_fields = inline_source_fields(graph)
    check_source_links(graph, source_fields, diags)
    check_incident_sources(graph, bodies, diags)
    check_claim_sources(graph, diags)
    check_scaffold_text(graph, source_fields, diags)
    check_uncited_sources(graph, diags)
    linked = linked_paths(graph, bodies)
    check_unmentioned_entities(graph, linked, diags)
    check_unlinked_pages(graph, linked, footer_pages, diags)
    return diags.items


# -- sources ------------------------------------------------------------------

def inline_source_fields(graph: SiteGraph) -> dict[tuple[str, int], str]:
    """(path, line) of each inline source's ``id`` -> its entry's field, e.g. "sources[2]"."""
    fields = {}
    for incident in graph.incidents:
        for ref in incident.sources:
            fields[(ref.path, ref.line)] = ref.field.removesuffix(".id")
    return fields


def source_field(source: Source, source_fields: Mapping[tuple[str, int], str], key: str) -> str:
    """The field of ``key`` of a source: "url" in a source file, "sources[2].url" inline."""
    if source.from_file:
        return key
    entry = source_fields.get((source.path, source.line), "sources")
    return f"{entry}.{key}" if key else entry


def check_source_links(graph: SiteGraph, source_fields: Mapping[tuple[str, int], str], diags: Diagnostics) -> None:
    for source in graph.sources.values():
        if source.url or source.archive_url:
            continue
        diags.warning(source.path, source.line, source_field(source, source_fields, ""),
                      f"source {source.id!r} has no 'url' or 'archive_url', so readers cannot check it",
                      "add 'url' (where it was published) or 'archive_url' (a saved copy, e.g. on web.archive.org)")


def check_incident_sources(graph: SiteGraph, bodies: Mapping[tuple[str, str], RenderedBody],
                           diags: Diagnostics) -> None:
    """An incident cites a source in its ``sources`` list or with ``[@id]`` in its text."""
    for incident in graph.incidents:
        body = bodies.get(("incident", incident.slug))
        if incident.sources or (body is not None and body.cited):
            continue
        line = line_of(incident.field_lines, "sources")
        diags.warning(incident.path, line, "sources", "the incident cites no source",
                      "list what it rests on under 'sources', or cite a source in the text with [@source-id]")


def check_claim_sources(graph: SiteGraph, diags: Diagnostics) -> None:
    for incident in graph.incidents:
        for index, claim in enumerate(incident.claims):
            if claim.sources:
                continue
            field, line = claim_location(incident, claim, index)
            diags.warning(incident.path, line, field, f"the claim {_quote(claim.text)} has no source",
                          "add 'sources: [source-id]' to the claim, naming where it was made or reported")


def claim_location(incident: Incident, claim: Claim, index: int) -> tuple[str, int]:
    """A claim's field ("claims[1]") and its line (its entry's first line)."""
    if claim.by is not None:
        field = claim.by.field.removesuffix(".by")
        return field, line_of(incident.field_lines, field, claim.by.line)
    field = f"claims[{index}]"
    return field, line_of(incident.field_lines, field)


def check_uncited_sources(graph: SiteGraph, diags: Diagnostics) -> None:
    """A source file that no published incident or report cites (in its text, its list or a claim)."""
    for sid, source in graph.sources.items():
        if source.from_file and sid not in graph.citing:
            diags.warning(source.path, FILE_LINE, "", f"no published incident or report cites the source {sid!r}",
                          f"cite it with [@{sid}] or list it under an incident's 'sources', or delete the file")


# -- scaffold text --------------------------------------------------------------

def check_scaffold_text(graph: SiteGraph, source_fields: Mapping[tuple[str, int], str], diags: Diagnostics) -> None:
    """Front-matter values and whole body paragraphs that are still what ``docket new`` wrote."""
    placeholders = {_normal(text) for text in placeholder_texts()} - {""}
    for key in ("title", "description", "author", "org"):
        if _normal(getattr(graph.config, key)) in placeholders:
            diags.warning("site.yaml", 0, key, "still holds the placeholder text of a new site",
                          "write your own, or delete the line")
    for item, prefix, line in reviewed_items(graph, source_fields):
        for field, text in text_values(item, prefix):
            if _normal(text) in placeholders:
                diags.warning(item.path, line_of(item.field_lines, field, line), field,
                              f"still holds the placeholder text {_quote(text)}",
                              "write your own, or delete the line")
    for item in bodied_items(graph):
        for line in placeholder_paragraphs(item.body, item.body_line, placeholders):
            diags.warning(item.path, line, "body", "this paragraph is still the placeholder text of a new file",
                          "write your own text in its place")


Reviewed = Incident | Report | Page | Source | Entity


def reviewed_items(graph: SiteGraph, source_fields: Mapping[tuple[str, int], str]
                   ) -> Iterator[tuple[Reviewed, str, int]]:
    """Every published item with its fields' prefix ("sources[1]." inline) and the line to name."""
    items: tuple[Reviewed, ...] = (*graph.incidents, *graph.reports, *graph.pages)
    for item in items:
        yield item, "", FILE_LINE
    for source in graph.sources.values():
        prefix = source_field(source, source_fields, "")
        yield source, "" if source.from_file else prefix + ".", source.line
    for entity in graph.entities.values():
        if entity.path:  # an entity without a file has no text of its own
            yield entity, "", FILE_LINE


def bodied_items(graph: SiteGraph) -> Iterator[Reviewed]:
    """Published items with a body of their own (an inline source's body is its incident's)."""
    yield from graph.incidents
    yield from graph.reports
    yield from graph.pages
    yield from (s for s in graph.sources.values() if s.from_file)
    yield from (e for e in graph.entities.values() if e.path)


def text_values(obj: object, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(field, text) of every free-text value of a model object, nested ones included."""
    assert dataclasses.is_dataclass(obj)
    for f in dataclasses.fields(obj):
        if f.name in NOT_TEXT:
            continue
        value = getattr(obj, f.name)
        name = prefix + f.name
        if isinstance(value, str):
            yield name, value
        elif isinstance(value, tuple):
            for index, element in enumerate(value):
                if isinstance(element, str):
                    yield f"{name}[{index}]", element
                elif _is_text_holder(element):
                    yield from text_values(element, f"{name}[{index}].")
        elif _is_text_holder(value):
            yield from text_values(value, name + ".")


def _is_text_holder(value: object) -> bool:
    """A nested model object a writer types text into (a location, a claim), not an id or a date."""
    return (dataclasses.is_dataclass(value) and not isinstance(value, type)
            and not isinstance(value, (Reference, Moment, Publishing)))


def placeholder_paragraphs(body: str, body_line: int, placeholders: Collection[str]) -> Iterator[int]:
    """The file line of each body paragraph (lines between blank lines) equal to a placeholder."""
    start, lines = 0, list[str]()
    for offset, line in enumerate([*body.split("\n"), ""]):
        if line.strip():
            if not lines:
                start = offset
            lines.append(line)
        elif lines:
            if _normal(" ".join(lines)) in placeholders:
                yield body_line + start
            lines = []


def _normal(text: str) -> str:
    return " ".join(text.split())


def _quote(text: str) -> str:
    short = _normal(text)
    return repr(short if len(short) <= QUOTED_CLAIM else short[:QUOTED_CLAIM - 1] + "…")


# -- what links where ----------------------------------------------------------

def linked_paths(graph: SiteGraph, bodies: Mapping[tuple[str, str], RenderedBody]) -> set[str]:
    """The site paths (no slashes at the ends) that some body links to, a page's links to itself aside.

    Read from the rendered HTML, so that ``[[id]]``, ``[text](/path/)`` and relative links all count.
    """
    linked: set[str] = set()
    for (kind, key), body in bodies.items():
        page = path_of(kind, key)
        here = posixpath.dirname(output_file(page))
        own = _site_key(page)
        for match in HREF.finditer(body.html):
            target = link_target(html.unescape(match.group(1)), here, graph.config.base_url)
            if target is not None and target != own:
                linked.add(target)
    return linked


def link_target(href: str, here: str, base_url: str) -> str | None:
    """The site path an href in a page at folder ``here`` leads to, or None when it leaves the site."""
    if href.startswith(base_url):
        href = "/" + href[len(base_url):]
    elif urlsplit(href).scheme or href.startswith("//"):
        return None
    path = unquote(href.split("#", 1)[0].split("?", 1)[0])
    if not path:
        return None  # "#footnote": the page itself
    if path.startswith("/"):
        return _site_key(path)
    return _site_key(posixpath.normpath(posixpath.join(here, path)))


def _site_key(path: str) -> str:
    """One spelling of a site path: "about/", "/about" and "about/index.html" are all "about"."""
    path = path.strip("/")
    if path == "index.html" or path.endswith("/index.html"):
        path = path[: -len("index.html")].rstrip("/")
    return "" if path == "." else path


def check_unmentioned_entities(graph: SiteGraph, linked: set[str], diags: Diagnostics) -> None:
    """An entity file that no published incident lists or credits with a claim, and no body links to."""
    for eid, entity in graph.entities.items():
        if not entity.path or _is_named(eid, entity, graph, linked):
            continue
        diags.warning(entity.path, FILE_LINE, "", f"no published incident, claim or link names the entity {eid!r}",
                      f"list it under an incident's 'entities', link it with [[{eid}]], or delete the file")


def _is_named(eid: str, entity: Entity, graph: SiteGraph, linked: set[str]) -> bool:
    return (eid in graph.entity_incidents or eid in graph.entity_claims
            or _site_key(path_of("entity", entity.id)) in linked)


def check_unlinked_pages(graph: SiteGraph, linked: set[str], footer_pages: Collection[str] | None,
                         diags: Diagnostics) -> None:
    """A page that is not in ``nav``, not in the footer and not linked from any body."""
    base = graph.config.base_url
    in_nav = {_site_key(target) for target in (nav_path(item.url, base) for item in graph.config.nav)
              if target is not None}
    footer = {p.slug for p in graph.pages} if footer_pages is None else set(footer_pages)
    for page in graph.pages:
        key = _site_key(path_of("page", page.slug))
        if page.slug in footer or key in in_nav or key in linked:
            continue
        diags.warning(page.path, FILE_LINE, "", f"nothing links to the page {page.slug!r}",
                      f"add it to 'nav' in site.yaml (url: /{page.slug}/) or link it from a text with "
                      f"[[{page.slug}]]")


def nav_path(url: str, base_url: str) -> str | None:
    """The site path a ``nav`` entry leads to ("/about/" or an absolute URL under base_url), or None."""
    return url[len(base_url):] if url.startswith(base_url) else nav_target(url)
