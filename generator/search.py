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
from collections.abc import Iterable
from typing import Any

from .graph import SiteGraph
from .markdown import RenderedBody
from .model import Moment
from .terms import readable_tag
from .urls import path_of, term_slug

# --------------------------------------------------------------------------- records


def search_records(graph: SiteGraph, bodies: dict[tuple[str, str], RenderedBody]) -> list[dict[str, Any]]:
    """One Pagefind record per page with content: url, content, language, meta, filters, sort."""
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
        records.append(_record(
            "Incident", path_of("incident", i.slug), language,
            [i.title, i.summary, place, *(c.text for c in i.claims), _text(bodies.get(("incident", i.slug))),
             *(u.note for u in i.updates)],
            {"title": i.title, "date": i.date.human(), "place": place, "summary": i.summary},
            {"tag": tag_names(i.tags), "country": [country] if country else [], "year": [str(i.date.year)],
             "status": [i.status.capitalize()]},
            i.date))
    for r in graph.reports:
        records.append(_record(
            "Report", path_of("report", r.slug), language,
            [r.title, r.summary, ", ".join(r.authors), _text(bodies.get(("report", r.slug))),
             *(u.note for u in r.updates)],
            {"title": r.title, "date": r.date.human(), "summary": r.summary,
             "authors": ", ".join(r.authors)},
            {"tag": tag_names(r.tags), "year": [str(r.date.year)]}, r.date))
    for s in graph.sources.values():
        records.append(_record(
            "Source", path_of("source", s.id), language,
            [s.title, s.publisher, s.notes, _text(bodies.get(("source", s.id)))],
            {"title": s.title, "date": s.published.human() if s.published else "", "publisher": s.publisher},
            {"year": [str(s.published.year)] if s.published else []}, s.published))
    for e in graph.entities.values():
        records.append(_record(
            "Entity", path_of("entity", e.id), language,
            [e.name, ", ".join(e.aliases), e.kind, e.country, _text(bodies.get(("entity", e.id)))],
            {"title": e.name, "place": e.country, "summary": e.kind.capitalize()},
            {"country": [e.country] if e.country else []}, None))
    for p in graph.pages:
        records.append(_record(
            "Page", path_of("page", p.slug), language, [p.title, p.summary, _text(bodies.get(("page", p.slug)))],
            {"title": p.title, "summary": p.summary}, {}, None))
    return records


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


# Citation and footnote numbers, and the footnotes' "back to the text" links, are not the text.
_NOT_TEXT = re.compile(r'<sup\b[^>]*>.*?</sup>|<a\b[^>]*class="footnote-backref"[^>]*>.*?</a>', re.S)
# Sanitised HTML (nh3 wrote it) quotes every attribute, so a tag ends at the first '>' outside quotes.
_TAG = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")
_SPACE_BEFORE = re.compile(r" ([.,;:!?)\]])")  # "afternoon [1]." without its citation: "afternoon."
_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|dt|dd|td|th|blockquote|pre|figcaption)>|<br\s*/?>", re.I)


def _text(body: RenderedBody | None) -> str:
    """The text of a rendered body: tags dropped, entities decoded, one line per block."""
    if body is None:
        return ""
    text = html.unescape(_TAG.sub("", _BLOCK_END.sub("\0", _NOT_TEXT.sub("", str(body.html)))))
    blocks = (_SPACE_BEFORE.sub(r"\1", " ".join(block.split())) for block in text.split("\0"))
    return "\n".join(block for block in blocks if block)
