"""Fast render: the edited page first, in milliseconds, then the full build.

Like Hugo's fast render mode. When a save touches only incident, report or
plain-page files, each one is validated and its own page is rendered against
the graph of the last good build and written into the preview (a new file
renamed over the old one), and open pages are told to reload at once. The
full incremental build runs straight after and corrects whatever else the
edit changes (lists, backlinks, related incidents), reloading again if it
changed anything. Anything unusual (an error in the file, a new slug, a source
the last graph does not know) skips the fast step: the full build handles it
and reports it, as always. Nothing here is ever published: only the preview
uses it, and the full build that follows replaces its files.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path, PurePosixPath

from ..diagnostics import Diagnostics
from ..loader import CONTENT_KINDS, RawFile, read_text
from ..markdown import make_parser, render_body
from ..model import Incident, Page, Report
from ..pages import PageJob, incident_page, plain_page, report_page
from ..session import BuildSession, LastBuild
from ..urls import output_file, path_of
from ..validate import read_file

FAST_KINDS = ("incident", "report", "page")


def fast_render(session: BuildSession, site: Path, names: list[str]) -> dict[str, str]:
    """Render the pages of the edited files from the last build's graph.

    Returns the output files written with their SHA-256, or {} when any edit cannot be rendered so.
    """
    last = session.last
    if last is None or not names:
        return {}
    # An editor's temporary file, already renamed over the real one, is no edit of its own.
    names = [n for n in names if n.endswith(".md") or not n.startswith("content/") or (site / n).exists()]
    jobs = []
    for name in names:
        job = _job_for(last, site, name)
        if job is None:
            return {}  # all or nothing: the full build decides
        jobs.append(job)
    written: dict[str, str] = {}
    for job in jobs:
        data, found = last.renderer.render(job)
        if data is None or found:
            return written
        _replace(last.output / output_file(job.path), data)
        written[output_file(job.path)] = hashlib.sha256(data).hexdigest()
    return written


def _job_for(last: LastBuild, site: Path, name: str) -> PageJob | None:
    parts = PurePosixPath(name).parts
    kind = CONTENT_KINDS.get(parts[1]) if len(parts) >= 3 and parts[0] == "content" else None
    if kind not in FAST_KINDS or not name.endswith(".md"):
        return None
    diags = Diagnostics()
    text = read_text(site / name, name, diags)
    if text is None:
        return None
    result = read_file(RawFile(name, kind, text), last.tz)
    if result.diagnostics or not result.items:
        return None
    item = result.items[0]
    graph = last.graph
    live = {"incident": [i.slug for i in graph.incidents], "report": [r.slug for r in graph.reports],
            "page": [p.slug for p in graph.pages]}[kind]
    if not isinstance(item, (Incident, Report, Page)) or item.slug not in live:
        return None  # a new or renamed item: its URL is new, which only the full build knows
    page_path = path_of(kind, item.slug)
    body = render_body(make_parser(graph.config.allow_html), graph, item, page_path)
    if body.diagnostics:
        return None
    try:
        if isinstance(item, Incident):
            return incident_page(graph, item, body.body, last.now)
        if isinstance(item, Report):
            return report_page(graph, item, body.body, last.now)
        return plain_page(graph, item, body.body, last.now)
    except KeyError:  # it now cites a source or names an entity the last graph does not have
        return None


def _replace(dest: Path, data: bytes) -> None:
    """A new file renamed over the old: the old one may be a hard link shared with the spare edition."""
    fd, tmp = tempfile.mkstemp(prefix=".fast-", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
