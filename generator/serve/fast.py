"""Fast render: the edited page first, in milliseconds, then the full build.

Like Hugo's fast render mode. When a save touches only incident, report or
plain-page files, each one is validated and its own page is rendered against
the graph of the last good build and written into the preview (a new file
renamed over the old one), and open pages are told to reload at once. The
full incremental build runs straight after and corrects whatever else the
edit changes (lists, backlinks, related incidents), reloading again if it
changed anything. An edited file with errors of its own (its front matter, or
its body against the last graph: a citation of a source that does not exist)
is not rendered, but its errors are returned at once, so the preview's overlay
shows them in milliseconds; the full build confirms them. Anything else
unusual (a new slug, a source the last graph does not know, a file of another
kind) skips the fast step: the full build handles it and reports it, as
always. Nothing here is ever published: only the preview uses it, and the
full build that follows replaces its files.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..atomic import write_atomic
from ..diagnostics import Diagnostic, Diagnostics
from ..graph import SiteGraph
from ..loader import CONTENT_KINDS, RawFile, read_text
from ..markdown import RenderedBody, make_parser, render_body
from ..model import Incident, Page, Report
from ..pagejob import PageJob
from ..pages import incident_page, plain_page, report_page
from ..session import BuildSession, LastBuild
from ..urls import output_file, path_of
from ..validate import read_file

FAST_KINDS = ("incident", "report", "page")


@dataclass(frozen=True, slots=True)
class FastResult:
    """What a fast render did: the pages written, and what it found in the edited files themselves."""

    written: dict[str, str] = field(default_factory=dict)  # output file -> its SHA-256
    checked: tuple[str, ...] = ()  # the edited files whose own diagnostics are below (all of them, or none)
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.diagnostics)


@dataclass(frozen=True, slots=True)
class _Checked:
    job: PageJob | None  # None when the file cannot be rendered so (errors, a new slug, an unknown source)
    diagnostics: tuple[Diagnostic, ...]
    known: bool  # whether ``diagnostics`` are all of the file's own: it was validated and its body rendered


def fast_render(session: BuildSession, site: Path, names: list[str]) -> FastResult:
    """Render the pages of the edited files from the last build's graph.

    A file with errors of its own (front matter, or its body against the last graph: a citation
    of an unknown source, a broken link) is not rendered, but its errors are returned at once, so
    the preview can show them before the full build confirms them. Nothing is written unless
    every edited page can be rendered.
    """
    last = session.last
    if last is None or not names:
        return FastResult()
    # An editor's temporary file, already renamed over the real one, is no edit of its own.
    names = [n for n in names if n.endswith(".md") or not n.startswith("content/") or (site / n).exists()]
    checks = [_check(last, site, name) for name in names]
    if not checks or not all(c.known for c in checks):
        return FastResult()  # all or nothing: the full build decides
    # Each diagnostic once, as the full build counts them: a source cited three times on a line is
    # one error there, and the preview's line must not say three.
    found = tuple(dict.fromkeys(d for c in checks for d in c.diagnostics))
    if any(d.is_error for d in found) or any(c.job is None for c in checks):
        return FastResult({}, tuple(names), found)
    written: dict[str, str] = {}
    for check in checks:
        assert check.job is not None
        data, problems = last.renderer.render(check.job)
        if data is None or problems:
            return FastResult(written)  # a template problem: the full build reports it with its context
        # A new file renamed over the old: the old one may be a hard link shared with the spare edition.
        write_atomic(last.output / output_file(check.job.path), data, mode=0o644)
        written[output_file(check.job.path)] = hashlib.sha256(data).hexdigest()
    return FastResult(written, tuple(names), found)


def _check(last: LastBuild, site: Path, name: str) -> _Checked:
    unknown = _Checked(None, (), known=False)
    parts = PurePosixPath(name).parts
    kind = CONTENT_KINDS.get(parts[1]) if len(parts) >= 3 and parts[0] == "content" else None
    if kind not in FAST_KINDS or not name.endswith(".md"):
        return unknown
    diags = Diagnostics()
    text = read_text(site / name, name, diags)
    if text is None:
        return unknown
    result = read_file(RawFile(name, kind, text), last.tz)
    if any(d.is_error for d in result.diagnostics):
        return _Checked(None, result.diagnostics, known=True)  # the file's own errors, found in milliseconds
    if not result.items:
        return unknown
    item = result.items[0]
    graph = last.graph
    live = {"incident": [i.slug for i in graph.incidents], "report": [r.slug for r in graph.reports],
            "page": [p.slug for p in graph.pages]}[kind]
    if not isinstance(item, (Incident, Report, Page)) or item.slug not in live:
        return unknown  # a new or renamed item: its URL is new, which only the full build knows
    item = _with_first_commit(item, graph)
    page_path = path_of(kind, item.slug)
    body = render_body(make_parser(graph.config.allow_html), graph, item, page_path)
    found = result.diagnostics + body.diagnostics
    if any(d.is_error for d in body.diagnostics):
        return _Checked(None, found, known=True)
    return _Checked(_page_job(last, item, body.body), found, known=True)


def _with_first_commit(item: Incident | Report | Page, graph: SiteGraph) -> Incident | Report | Page:
    """The edited item with the first-commit date the last build read from git (an edit cannot change it)."""
    if isinstance(item, Report):
        return item
    items: list[Incident | Page] = [*graph.incidents, *graph.pages]
    before = next((i for i in items if i.path == item.path), None)
    if before is None or before.first_commit is None:
        return item
    return dataclasses.replace(item, first_commit=before.first_commit)


def _page_job(last: LastBuild, item: Incident | Report | Page, body: RenderedBody) -> PageJob | None:
    graph = last.graph
    try:
        if isinstance(item, Incident):
            return incident_page(graph, item, body, last.now)
        if isinstance(item, Report):
            return report_page(graph, item, body, last.now)
        return plain_page(graph, item, body, last.now)
    except KeyError:  # it now cites a source or names an entity the last graph does not have
        return None
