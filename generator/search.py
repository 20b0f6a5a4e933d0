"""Full-text search: the records Pagefind indexes, one per page with content of its own.

Each page with content of its own (incident, report, source, entity, plain page) becomes one
Pagefind record: its text (title, summary, body and claims, never the theme's chrome), the
metadata a result shows, the filters of the search page (kind, tag, country, year, status) and a
sort key. Pagefind (the ``pagefind[bin]`` package: a binary run as a subprocess, no network)
turns the records into a static bundle under ``pagefind/``: its JavaScript, its WebAssembly and
the index in small files that a search fetches on demand. The build writes them like any export.

Record URLs are site paths without a leading slash ("incidents/x/"): the search page tells
Pagefind where the site's root is (``baseUrl``), so one bundle works under the path of
``base_url``, in the preview at "/", and is the same bytes for both.

``searchindex.py`` hands the records to Pagefind in stable shards, reusing the shards whose
records did not change; ``pagefind_service`` speaks to the binary.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from typing import Any

from .graph import SiteGraph
from .markdown import RenderedBody
from .model import Incident, Moment, Report
from .terms import readable_tag
from .urls import path_of, term_slug

# --------------------------------------------------------------------------- records


def search_records(graph: SiteGraph, bodies: dict[tuple[str, str], RenderedBody]) -> list[dict[str, Any]]:
    """One Pagefind record per page with content: url, content, language, meta, filters, sort.

    Pagefind searches a record's meta as well as its content, but cuts a result's excerpt from
    the content alone. So the content is the reading text (summary, body, claims), and what only
    helps a search find the page goes in meta: the title, the place, the names of the entities,
    sources and tags an incident names ("names"), the text of its tables ("tables").
    """
    language = graph.config.language
    tags = {t.slug: t.name for t in graph.terms.get("tag", ())}
    countries = {t.slug: t.name for t in graph.terms.get("country", ())}

    def tag_names(written: Iterable[str]) -> list[str]:
        return sorted({tags.get(term_slug(tag)) or readable_tag(tag) for tag in written})

    records = []
    for i in graph.incidents:
        loc = i.location
        place = ", ".join(p for p in (loc.place, loc.region, loc.country) if p)
        country = countries.get(term_slug(loc.country), loc.country) if loc.country else ""
        text, tables = _text_and_tables(bodies.get(("incident", i.slug)))
        records.append(_record(
            "Incident", path_of("incident", i.slug), language,
            [i.summary, text, *(c.text for c in i.claims), *(u.note for u in i.updates)],
            {"title": i.title, "date": i.date.human(), "place": place, "status": i.status.capitalize(),
             "fictional": "Fictional" if i.fictional else "",
             "names": _names(graph, i, tag_names(i.tags)), "tables": tables},
            {"tag": tag_names(i.tags), "country": [country] if country else [], "year": [str(i.date.year)],
             "status": [i.status.capitalize()]},
            i.date))
    for r in graph.reports:
        text, tables = _text_and_tables(bodies.get(("report", r.slug)))
        records.append(_record(
            "Report", path_of("report", r.slug), language, [r.summary, text, *(u.note for u in r.updates)],
            {"title": r.title, "date": r.date.human(), "authors": ", ".join(r.authors),
             "names": "; ".join(tag_names(r.tags)), "tables": tables},
            {"tag": tag_names(r.tags), "year": [str(r.date.year)]}, r.date))
    for s in graph.sources.values():
        text, tables = _text_and_tables(bodies.get(("source", s.id)))
        if not (s.notes or text) and _named_by_an_incident_record(graph, s.id):
            continue  # one file fewer per source: its title is in the records of the incidents citing it
        records.append(_record(
            "Source", path_of("source", s.id), language,
            [s.notes, text] if s.notes or text else [_counted(graph.citing.get(s.id, ()), "Cited in")],
            {"title": s.title, "date": s.published.human() if s.published else "", "publisher": s.publisher,
             "tables": tables},
            {"year": [str(s.published.year)] if s.published else []}, s.published))
    for e in graph.entities.values():
        text, tables = _text_and_tables(bodies.get(("entity", e.id)))
        records.append(_record(
            "Entity", path_of("entity", e.id), language,
            [text or _counted(graph.entity_incidents.get(e.id, ()), "Named in")],
            {"title": e.name, "names": "; ".join(e.aliases), "type": e.kind.capitalize(), "place": e.country,
             "tables": tables},
            {"country": [e.country] if e.country else []}, None))
    for p in graph.pages:
        text, tables = _text_and_tables(bodies.get(("page", p.slug)))
        records.append(_record(
            "Page", path_of("page", p.slug), language, [p.summary, text] if p.summary or text else [p.title],
            {"title": p.title, "tables": tables}, {}, None))
    records.extend(_term_records(graph, language))
    return records


# The taxonomies whose pages are searchable, and the kind (the filter value) each is shown as.
_TERM_RECORDS = {"tag": "Tag", "country": "Country", "place": "Place"}


def _term_records(graph: SiteGraph, language: str) -> Iterator[dict[str, Any]]:
    """A record for each tag, country and place page: its name (meta) and what it lists (content)."""
    for kind, label in _TERM_RECORDS.items():
        for term in graph.terms.get(kind, ()):
            where = ", ".join(p for p in (term.name, term.country) if p)
            listed = (f"tagged {term.name}." if kind == "tag" else f"in {where}.")
            records = _record_counts(len(term.incidents), len(term.reports))
            yield _record(
                label, path_of(kind, term.slug), language, [term.description, f"{records} {listed}"],
                {"title": term.name, "place": term.country},
                {"country": [term.country] if term.country else []}, None)


def _names(graph: SiteGraph, incident: Incident, tag_names: list[str]) -> str:
    """The names an incident's page shows beside its text: entities (and aliases), sources, tags."""
    names: list[str] = []
    refs = [*incident.entities, *(c.by for c in incident.claims if c.by)]
    for entity in filter(None, (graph.entities.get(ref.id) for ref in refs)):
        names += [entity.name, *entity.aliases]
    for source in filter(None, (graph.sources.get(ref.id) for ref in incident.sources)):
        names += [source.title, source.publisher]
    names += tag_names
    return "; ".join(dict.fromkeys(n for n in names if n))  # each once, in the page's order


def _named_by_an_incident_record(graph: SiteGraph, source_id: str) -> bool:
    """Whether an incident lists the source under ``sources``, so that its record names it (``_names``)."""
    return any(isinstance(item, Incident) and any(ref.id == source_id for ref in item.sources)
               for item in graph.citing.get(source_id, ()))


def _counted(items: Iterable[Incident | Report], lead: str) -> str:
    """"Named in 3 incidents and 1 report.": the text of a page that has none of its own."""
    listed = list(items)
    reports = sum(1 for item in listed if isinstance(item, Report))
    return f"{lead} {_record_counts(len(listed) - reports, reports)}."


def _record_counts(incidents: int, reports: int) -> str:
    """"3 incidents and 1 report", "1 report", "0 incidents": a count of none is left out beside another."""
    parts = [f"{n} {word}{'' if n == 1 else 's'}" for n, word in ((incidents, "incident"), (reports, "report")) if n]
    return " and ".join(parts) or "0 incidents"


def _record(kind: str, url: str, language: str, parts: Iterable[str], meta: dict[str, str],
            filters: dict[str, list[str]], date: Moment | None) -> dict[str, Any]:
    return {
        "url": url,
        "content": "\n".join(p for p in parts if p),
        "language": language,
        "meta": {"kind": kind, **{k: v for k, v in meta.items() if v}},
        "filters": {"kind": [kind], **{k: v for k, v in filters.items() if v}},
        "sort": {"date": date.date.isoformat()} if date is not None else {},
    }


# Citation and footnote numbers, the footnotes' "back to the text" links and their heading are not the text.
_NOT_TEXT = re.compile(r'<sup\b[^>]*>.*?</sup>|<a\b[^>]*class="footnote-backref"[^>]*>.*?</a>'
                       r'|<h2 id="notes">Notes</h2>', re.S)
# Sanitised HTML (nh3 wrote it) quotes every attribute, so a tag ends at the first '>' outside quotes.
_TAG = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")
_SPACE_BEFORE = re.compile(r" ([.,;:!?)\]])")  # "afternoon [1]." without its citation: "afternoon."
_HEADING_END = re.compile(r"</h[1-6]>", re.I)
_HEADING = "\x01"  # ends a heading's block until _full_stop reads it
_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|dt|dd|td|th|blockquote|pre|figcaption)>|<br\s*/?>", re.I)


def _text(body: RenderedBody | None) -> str:
    """The text of a rendered body: tags dropped, entities decoded, one line per block."""
    return _plain(str(body.html)) if body is not None else ""


_TABLE = re.compile(r"<table\b.*?</table>", re.S | re.I)


def _text_and_tables(body: RenderedBody | None) -> tuple[str, str]:
    """A body's text without its tables, and the text of its tables.

    A table read as a line of words ("Figure Number Men held 67") makes a poor excerpt: its text
    is searched (in the record's meta) but never shown as one.
    """
    if body is None:
        return "", ""
    markup = str(body.html)
    tables = _TABLE.findall(markup)
    if not tables:
        return _plain(markup), ""
    return _plain(_TABLE.sub("", markup)), " ".join(_plain(t).replace("\n", " ") for t in tables)


def _plain(markup: str) -> str:
    markup = _HEADING_END.sub(_HEADING + "\0", _NOT_TEXT.sub("", markup))
    text = html.unescape(_TAG.sub("", _BLOCK_END.sub("\0", markup)))
    blocks = (_SPACE_BEFORE.sub(r"\1", " ".join(block.split())) for block in text.split("\0"))
    return "\n".join(_full_stop(block) for block in blocks if block.strip(_HEADING))


def _full_stop(block: str) -> str:
    """A heading ends with a full stop (unless it has a mark of its own): an excerpt reads it as a sentence."""
    if not block.endswith(_HEADING):
        return block
    block = block.rstrip(_HEADING + " ")
    return block if block.endswith((".", "?", "!", ":", "…")) else block + "."

