"""Stage 4 — render every Markdown body to HTML, resolving citations and links.

Each page gets its numbered source list here: sources in the order the body
first cites them, then those listed in front matter but never cited, then
those only claims cite. A source cited twice keeps its number.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup
from mdit_py_plugins.footnote import footnote_plugin
from slugify import slugify

from .diagnostics import Diagnostic, Diagnostics, did_you_mean
from .graph import SiteGraph
from .mdlimits import docket_limits_plugin
from .mdplugins import (
    docket_anchors_plugin,
    docket_footnote_style_plugin,
    docket_references_plugin,
    docket_tables_plugin,
)
from .model import Entity, Incident, Page, Report, Source
from .parallel import fork_map
from .pickling import compact
from .rawhtml import USER_PREFIX, RawPiece, docket_raw_html_plugin, sanitise
from .urls import EXPECTED, path_of, relative

Item = Incident | Report | Source | Entity | Page

# Ids the templates use on the same pages; a heading never takes one of them.
TEMPLATE_IDS = {"main", "content", "top", "summary", "figures", "claims", "sources", "toc", "body",
                "entities", "related", "coverage", "updates", "tags", "footnotes", "incidents",
                "reports", "site-nav", "skip", "notes", "terms-caption", "more-on", "covered", "cited-by",
                "claims-made"}
PREFIXES = ("source-", "cite-", "fn", USER_PREFIX)  # USER_PREFIX: ids written in raw HTML
TOC_MIN_HEADINGS = 3


@compact
@dataclass(frozen=True, slots=True)
class TocEntry:
    level: int
    id: str
    title: str


@compact
@dataclass(frozen=True, slots=True)
class LocalLink:
    """A link written as "/about/" in a body: checked against the built site."""

    target: str  # site path, without the leading slash
    href: str  # as written
    path: str  # the content file
    line: int
    kind: str = "link"  # or "image": an image must be a file of the site


@compact
@dataclass(frozen=True, slots=True)
class RenderedBody:
    html: Markup
    toc: tuple[TocEntry, ...]
    sources: tuple[str, ...]  # source ids, numbered 1.. in this order
    cited: tuple[str, ...]  # ids the body itself cites, sorted (the rest are only listed)
    uses: dict[str, int]  # source id -> how many times the body cites it
    local_links: tuple[LocalLink, ...] = ()


@lru_cache(maxsize=4096)  # a long body repeats its headings; slugify is the slow part
def heading_slug(title: str) -> str:
    slug: str = slugify(title, max_length=80, word_boundary=True) or "section"
    return f"h-{slug}" if slug in TEMPLATE_IDS or slug.startswith(PREFIXES) else slug


class DocketMarkdown(MarkdownIt):
    """markdown-it that lets every link reach the token stream.

    Its own ``validateLink`` silently empties a ``javascript:`` link; Docket's
    URL policy (in ``mdplugins``) reports it to the writer instead.
    """

    def validateLink(self, url: str) -> bool:
        return True


def make_parser(allow_html: bool) -> MarkdownIt:
    md = DocketMarkdown("commonmark", {"html": allow_html})
    md.enable("table")
    md.use(footnote_plugin)
    md.use(docket_anchors_plugin, slug_func=heading_slug, levels=(2, 3))
    md.use(docket_references_plugin)
    md.use(docket_footnote_style_plugin)
    md.use(docket_tables_plugin)
    md.use(docket_limits_plugin)
    md.use(docket_raw_html_plugin)
    return md


class PageContext:
    """Resolves one page's citations and wiki-links, numbering its sources.

    Every question a body asks of the rest of the site goes through ``cite`` and
    ``link``; their answers are recorded in ``answers`` so that a cached body can
    be reused exactly when the same questions get the same answers (see ``BodyCache``).
    """

    def __init__(self, graph: SiteGraph, diags: Diagnostics, path: str, body_line: int,
                 page_path: str, listed: tuple[str, ...]):
        self.graph, self.diags = graph, diags
        self.path, self.body_line, self.page_path = path, body_line, page_path
        self.order: dict[str, int] = {}
        self.local_links: list[LocalLink] = []
        self.uses: dict[str, int] = {}
        self.listed = listed
        self.answers: list[tuple[str, str, object]] = []

    def _line(self, line: int) -> int:
        return self.body_line + line

    def cite(self, source_id: str, line: int) -> tuple[int, str] | None:
        answer = cite_answer(self.graph, source_id)
        self.answers.append(("cite", source_id, answer))
        if answer is not True:
            if not answer:  # a string names the unreadable file that defines it: its own error says why
                hint = did_you_mean(source_id, self.graph.sources) or "define it in 'sources' or content/sources/"
                self.diags.error(self.path, self._line(line), "body",
                                 f"unknown source {source_id!r} in [@{source_id}]", hint)
            return None
        number = self.order.setdefault(source_id, len(self.order) + 1)
        self.uses[source_id] = self.uses.get(source_id, 0) + 1
        return number, f"cite-{source_id}-{self.uses[source_id]}"

    def link(self, spec: str, line: int) -> tuple[str, str] | None:
        answer = self._link(spec, line)
        self.answers.append(("link", spec, answer))
        return answer

    def _link(self, spec: str, line: int) -> tuple[str, str] | None:
        kind, _, ident = spec.rpartition(":")
        found = [t for t in self.graph.targets.get(ident, ()) if not kind or t.kind == kind]
        where = self._line(line)
        if not found and self.graph.unreadable_file((kind,) if kind else LINK_KINDS, ident):
            return None  # the file that defines it could not be read: its own error is the one to fix
        if not found:
            hint = (did_you_mean(ident, self.graph.targets)
                    or "expected the id of an incident, report, source, entity or page")
            self.diags.error(self.path, where, "body", f"unknown link target [[{spec}]]", hint)
            return None
        if len(found) > 1:
            kinds = ", ".join(f"[[{t.kind}:{ident}]]" for t in found)
            self.diags.error(self.path, where, "body", f"[[{spec}]] is ambiguous", f"write one of {kinds}")
            return None
        target = found[0]
        if not target.published and not self.graph.include_drafts:
            self.diags.error(self.path, where, "body",
                             f"[[{spec}]] links to an unpublished {target.kind} (a draft or embargoed)",
                             "publish it, remove the link, or build with --drafts")
            return None
        return relative(self.page_path, target.path), target.title

    def refuse(self, what: str, href: str, problem: str, line: int) -> None:
        """A Markdown link or image whose URL the site's URL policy does not allow."""
        self.diags.error(self.path, self._line(line), "body", f"{what} {href[:80]!r}: {problem}", EXPECTED["body"])

    def refuse_raw(self, what: str, href: str, problem: str, line: int) -> None:
        """A URL in raw HTML that the URL policy does not allow: removed, so a warning."""
        self.diags.warning(self.path, self._line(line), "body", f"raw HTML {what} {href[:80]!r}: {problem}; removed",
                           EXPECTED["body"])

    def report(self, severity: str, message: str, hint: str, line: int) -> None:
        """Any other finding of the parser's plugins (``mdlimits``) on a line of the body."""
        self.diags.add(severity, self.path, self._line(line), "body", message, hint)

    def local(self, href: str, line: int, image: bool = False) -> str:
        """Make a root-relative link relative, and note it so the build can check it leads somewhere."""
        path, sep, rest = href.partition("?") if "?" in href else href.partition("#")
        self.local_links.append(LocalLink(unquote(path.lstrip("/")), href, self.path, self._line(line),
                                          "image" if image else "link"))
        return relative(self.page_path, path.lstrip("/")) + sep + rest

    def relative_to_page(self, href: str, line: int, image: bool = False) -> None:
        """Note a link or image written relative to the page ("../fire/") as the site path it resolves to."""
        path = href.partition("?")[0].partition("#")[0]
        target = posixpath.normpath(posixpath.join(self.page_path, unquote(path)))
        if target == ".":  # the site's root ("../../" from an incident)
            target = ""
        elif path.endswith("/") and not target.startswith(".."):
            target += "/"  # normpath drops it; "x/" must be a folder with an index.html
        self.local_links.append(LocalLink(target, href, self.path, self._line(line), "image" if image else "link"))

    def numbered_sources(self) -> tuple[str, ...]:
        self.answers.append(("listed", "", tuple(sid in self.graph.sources for sid in self.listed)))
        for source_id in self.listed:
            if source_id in self.graph.sources:
                self.order.setdefault(source_id, len(self.order) + 1)
        return tuple(sorted(self.order, key=self.order.__getitem__))


LINK_KINDS = ("incident", "report", "source", "entity", "page")


def cite_answer(graph: SiteGraph, source_id: str) -> bool | str:
    """True when the source exists; else the unreadable file that would define it, or False."""
    return source_id in graph.sources or graph.unreadable_file(("source",), source_id) or False


def listed_sources(item: Item) -> tuple[str, ...]:
    ids = [r.id for r in item.sources] if isinstance(item, (Incident, Report)) else []
    if isinstance(item, Incident):
        ids += [r.id for claim in item.claims for r in claim.sources]
    return tuple(dict.fromkeys(ids))


@compact
@dataclass(frozen=True, slots=True)
class BodyResult:
    """One body rendered: the HTML and its source list, its findings, and what it asked of the site."""

    body: RenderedBody
    diagnostics: tuple[Diagnostic, ...]
    answers: tuple[tuple[str, str, object], ...]


def render_body(md: MarkdownIt, graph: SiteGraph, item: Item, page_path: str) -> BodyResult:
    diags = Diagnostics()
    context = PageContext(graph, diags, item.path, item.body_line, page_path, listed_sources(item))
    env: dict[str, Any] = {"resolver": context}
    tokens = md.parse(item.body, env)
    if graph.config.allow_html:  # scripts, handlers, unsafe URLs and the theme's ids and classes go
        pieces: list[RawPiece] = []
        env["raw_html"] = pieces
        html = sanitise(md.renderer.render(tokens, md.options, env), pieces, context.refuse_raw)
    else:
        html = md.renderer.render(tokens, md.options, env)
    body = RenderedBody(Markup(html), _toc(tokens), context.numbered_sources(), tuple(sorted(context.order)),
                        dict(context.uses), tuple(context.local_links))
    return BodyResult(body, tuple(diags.items), tuple(context.answers))


def same_answers(graph: SiteGraph, item: Item, page_path: str, answers: tuple[tuple[str, str, object], ...]) -> bool:
    """Whether a body rendered earlier would ask ``graph`` the same questions and get the same answers."""
    context = PageContext(graph, Diagnostics(), item.path, item.body_line, page_path, listed_sources(item))
    for kind, key, answer in answers:
        if kind == "cite":
            if cite_answer(graph, key) != answer:
                return False
        elif kind == "link":
            if context._link(key, 0) != answer or context.diags.items:
                return False
        elif tuple(sid in graph.sources for sid in context.listed) != answer:
            return False
    return True


def _toc(tokens: list[Token]) -> tuple[TocEntry, ...]:
    entries = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag in ("h2", "h3") and token.attrGet("id"):
            children = tokens[i + 1].children or []
            title = "".join(c.content if c.type != "wikilink" else (c.meta["text"] or c.meta["spec"])
                            for c in children if c.type in ("text", "code_inline", "wikilink"))
            entries.append(TocEntry(int(token.tag[1]), str(token.attrGet("id")), title.strip()))
    return tuple(entries) if len(entries) >= TOC_MIN_HEADINGS else ()


class BodyCache(Protocol):
    def body(self, item_key: tuple[str, str], key: tuple[object, ...]) -> BodyResult | None: ...
    def keep_body(self, item_key: tuple[str, str], key: tuple[object, ...], result: BodyResult) -> None: ...


def body_key(graph: SiteGraph, item: Item, page_path: str) -> tuple[object, ...]:
    """What a body's HTML depends on besides the answers it gets from the graph."""
    return (item.path, item.body_line, page_path, item.body, listed_sources(item), graph.config.allow_html,
            graph.include_drafts)


def bodies_to_render(graph: SiteGraph) -> Iterator[tuple[tuple[str, str], Item, str]]:
    """Every body on the site: its key (kind, id), the item, and the page it is shown on."""
    for incident in graph.incidents:
        yield ("incident", incident.slug), incident, path_of("incident", incident.slug)
    for report in graph.reports:
        yield ("report", report.slug), report, path_of("report", report.slug)
    for source in graph.sources.values():
        if source.body.strip():
            yield ("source", source.id), source, path_of("source", source.id)
    for entity in graph.entities.values():
        if entity.body.strip():
            yield ("entity", entity.id), entity, path_of("entity", entity.id)
    for page in graph.pages:
        yield ("page", page.slug), page, path_of("page", page.slug)


BODIES_PER_WORKER = 40  # below this many bodies to render, a worker process costs more than it saves


def render_all(graph: SiteGraph, diags: Diagnostics, cache: BodyCache | None = None, workers: int = 1,
               ) -> dict[tuple[str, str], RenderedBody]:
    """Every body on the site, keyed by (kind, id); a cached body is reused when its answers still hold.

    The others are rendered in up to ``workers`` processes, forked with the graph and the parser.
    """
    md = make_parser(graph.config.allow_html)
    wanted = list(bodies_to_render(graph))
    keys = [body_key(graph, item, page_path) for _, item, page_path in wanted]
    results: list[BodyResult | None] = []
    for (key, item, page_path), cache_key in zip(wanted, keys, strict=True):
        result = cache.body(key, cache_key) if cache is not None else None
        results.append(result if result is not None and same_answers(graph, item, page_path, result.answers)
                       else None)
    todo = [(item, page_path) for (_, item, page_path), r in zip(wanted, results, strict=True) if r is None]
    fresh = iter(fork_map(lambda job: render_body(md, graph, *job), todo, workers, BODIES_PER_WORKER))
    out: dict[tuple[str, str], RenderedBody] = {}
    for (key, _, _), cache_key, cached in zip(wanted, keys, results, strict=True):
        result = cached or next(fresh)
        if cached is None and cache is not None and not result.diagnostics:
            cache.keep_body(key, cache_key, result)
        diags.extend(result.diagnostics)
        out[key] = result.body
    return out
