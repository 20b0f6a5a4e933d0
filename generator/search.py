"""Full-text search: a Pagefind bundle made from the site's content at the end of every build.

Each page with content of its own (incident, report, source, entity, plain page) becomes one
Pagefind record: its text (title, summary, body and claims, never the theme's chrome), the
metadata a result shows, the filters of the search page (kind, tag, country, year, status) and a
sort key. Pagefind (the ``pagefind[bin]`` package: a binary run as a subprocess, no network)
turns the records into a static bundle under ``pagefind/``: its JavaScript, its WebAssembly and
the index in small files that a search fetches on demand. The build writes them like any export.

Record URLs are site paths without a leading slash ("incidents/x/"): the search page tells
Pagefind where the site's root is (``baseUrl``), so one bundle works under the path of
``base_url``, in the preview at "/", and is the same bytes for both.

Pagefind's own Python API (``pagefind.index``) is not used to drive the binary: it reads one
reply every 100 ms (10,000 records would take 17 minutes) and its reader stops at a reply over
2 MiB (the bundle of a large site). This module speaks the same service protocol itself:
base64-encoded JSON messages, each followed by a comma, on the binary's stdin and stdout.

A bundle is reused when the records are the same as last time (a digest over them and the
binary): from the session in memory (the preview) or from ``.docket-cache/`` (the next build).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import json
import os
import re
import subprocess
import tempfile
import threading
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .diagnostics import Diagnostics
from .graph import SiteGraph
from .markdown import RenderedBody
from .model import Moment
from .render import OutputFile
from .terms import readable_tag
from .urls import path_of, term_slug

if TYPE_CHECKING:
    from .session import BuildSession

BUNDLE_DIR = "pagefind"  # in the output; the search page loads pagefind/pagefind.js
SEARCH_FORMAT = 1  # part of the digest: bump when the records or the bundle change shape
TIMEOUT = 600.0  # seconds Pagefind may take before it is stopped (10,000 incidents take about 5)
REINSTALL = "reinstall Docket's dependencies: pip install --force-reinstall 'pagefind[bin]>=1.5,<2'"
CACHE_NAME = "search-bundle.zip"  # in .docket-cache/; "search-bundle-drafts.zip" for --drafts sessions
# A bundle file name as Pagefind makes them ("fragment/en_1a2b3c4.pf_fragment"): nothing else is written.
_BUNDLE_NAME = re.compile(r"(?:[A-Za-z0-9_][A-Za-z0-9_.-]*/)*[A-Za-z0-9_][A-Za-z0-9_.-]*")


class SearchError(Exception):
    """Pagefind is missing or failed; the message says what happened."""


@dataclass(frozen=True, slots=True)
class SearchBundle:
    """The bundle of the last build and the digest of the records it was made from."""

    digest: str
    files: tuple[OutputFile, ...]


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


# --------------------------------------------------------------------------- the bundle


def search_files(graph: SiteGraph, bodies: dict[tuple[str, str], RenderedBody], diags: Diagnostics,
                 session: BuildSession | None = None) -> list[OutputFile]:
    """The Pagefind bundle of the site, under ``pagefind/``; [] and one error when Pagefind fails.

    The last bundle is reused, without running Pagefind, when the records and the binary are
    the same: from ``session`` in memory, or from its cache folder.
    """
    records = search_records(graph, bodies)
    try:
        exe = executable()
        digest = _digest(records, exe)
        bundle = _reuse(session, digest)
        if bundle is None:
            bundle = SearchBundle(digest, tuple(run_pagefind(exe, records)))
            _keep(session, bundle, diags)
        elif session is not None:
            session.search = bundle
    except SearchError as exc:
        diags.error(BUNDLE_DIR, 0, "", f"the search index could not be built: {exc}", REINSTALL)
        return []
    return list(bundle.files)


def executable() -> str:
    """The Pagefind binary: $PAGEFIND_BINARY_PATH, else the one the pagefind-bin package ships."""
    try:
        from pagefind.service import get_executable  # noqa: PLC0415 - only a build that writes needs it
    except ImportError as exc:
        raise SearchError(f"the Python package 'pagefind' is not installed ({exc})") from exc
    found = get_executable()
    if found is None:
        raise SearchError("the Pagefind binary is missing (no pagefind-bin package, no 'pagefind' on PATH)")
    return str(found)


def _digest(records: list[dict[str, Any]], exe: str) -> str:
    h = hashlib.blake2b(digest_size=16)
    try:
        st = os.stat(exe)
        h.update(f"{SEARCH_FORMAT}\0{exe}\0{st.st_size}\0{st.st_mtime_ns}\0".encode("utf-8", "surrogateescape"))
    except OSError as exc:
        raise SearchError(f"cannot run Pagefind ({exe}): {exc.strerror or exc}") from exc
    h.update(json.dumps(records, ensure_ascii=False, sort_keys=True).encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def run_pagefind(exe: str, records: list[dict[str, Any]]) -> list[OutputFile]:
    """Index ``records`` with the Pagefind binary and return its bundle, every file under ``pagefind/``."""
    with tempfile.TemporaryFile() as errors:
        try:
            proc = subprocess.Popen([exe, "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=errors)
        except OSError as exc:
            raise SearchError(f"cannot run Pagefind ({exe}): {exc.strerror or exc}") from exc
        assert proc.stdin is not None and proc.stdout is not None
        timer = threading.Timer(TIMEOUT, proc.kill)
        timer.start()
        try:
            return _index(proc.stdin, _Replies(proc.stdout), records)
        except (OSError, ValueError, KeyError, TypeError, EOFError) as exc:
            raise SearchError(_failure(exe, proc, exc, errors)) from exc
        finally:
            timer.cancel()
            with contextlib.suppress(OSError):
                proc.stdin.close()  # the binary ends when its input does
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            proc.stdout.close()


def _index(stdin: IO[bytes], replies: _Replies, records: list[dict[str, Any]]) -> list[OutputFile]:
    """Make an index, add every record (ids 2..), then ask for the bundle's files (the last id)."""
    stdin.write(_message(1, {"type": "NewIndex", "config": {}}))
    stdin.flush()
    index = replies.wait({1})[1]["index_id"]
    last = len(records) + 2
    # A thread writes while this one reads: either pipe filling up would stop the other side.
    writer = threading.Thread(target=_send, args=(stdin, records, index, last), daemon=True)
    writer.start()
    answers = replies.wait(set(range(2, last + 1)))
    writer.join()
    files = []
    for file in answers[last]["files"]:
        name = str(file["path"]).lstrip("/")
        if not _is_bundle_name(name):
            raise ValueError(f"Pagefind made a file with an unexpected name: {name!r}")
        files.append(OutputFile(f"{BUNDLE_DIR}/{name}", base64.b64decode(file["content"])))
    return sorted(files, key=lambda f: f.path)


def _send(stdin: IO[bytes], records: list[dict[str, Any]], index: int, last: int) -> None:
    try:
        for n, record in enumerate(records, start=2):
            stdin.write(_message(n, {"type": "AddRecord", "index_id": index, **record}))
        stdin.write(_message(last, {"type": "GetFiles", "index_id": index}))
        stdin.flush()
    except OSError:
        pass  # the binary stopped: the reader sees its output end and reports what it said


def _message(n: int, payload: dict[str, Any]) -> bytes:
    return base64.b64encode(json.dumps({"message_id": n, "payload": payload}).encode("utf-8")) + b","


def _is_bundle_name(name: str) -> bool:
    return _BUNDLE_NAME.fullmatch(name) is not None and ".." not in name.split("/")


class _Replies:
    """The binary's replies by message id, read from its stdout as they come."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.buffer = bytearray()
        self.start = 0  # where the next reply begins in buffer
        self.scanned = 0  # how far buffer is known to hold no comma

    def wait(self, ids: set[int]) -> dict[int, dict[str, Any]]:
        """The payloads of the replies to ``ids`` (raises ValueError on an error reply, EOFError at the end)."""
        got: dict[int, dict[str, Any]] = {}
        while len(got) < len(ids):
            reply = self._next()
            payload = reply.get("payload") or {}
            if payload.get("type") == "Error":
                raise ValueError(f"Pagefind answered: {payload.get('message') or 'an error'}")
            if reply.get("message_id") in ids:
                got[int(reply["message_id"])] = payload
        return got

    def _next(self) -> dict[str, Any]:
        while True:
            end = self.buffer.find(b",", max(self.start, self.scanned))
            if end >= 0:
                message = bytes(self.buffer[self.start:end])
                self.start = self.scanned = end + 1
                reply = json.loads(base64.b64decode(message))
                if not isinstance(reply, dict):
                    raise ValueError("Pagefind sent something other than a reply")
                return reply
            del self.buffer[:self.start]
            self.start, self.scanned = 0, len(self.buffer)
            chunk = os.read(self.stream.fileno(), 1 << 20)
            if not chunk:
                raise EOFError("it stopped before it answered")
            self.buffer += chunk


def _failure(exe: str, proc: subprocess.Popen[bytes], exc: BaseException, errors: IO[bytes]) -> str:
    """What went wrong, with the binary's exit status and the end of what it wrote to stderr."""
    status = proc.poll()
    if status is None and isinstance(exc, EOFError | BrokenPipeError):  # the binary is ending
        with contextlib.suppress(subprocess.TimeoutExpired):
            status = proc.wait(timeout=2)
    if status is None:  # still running (it answered with an error, or sent nonsense): stopped here
        proc.kill()
        proc.wait()
    errors.seek(0)
    said = " ".join(errors.read()[-4000:].decode("utf-8", "replace").split())[-300:]
    text = f"Pagefind ({exe}) failed: {exc}"
    if status is not None:
        text += f" (exit status {status})" if status >= 0 else f" (stopped by signal {-status})"
    return f"{text}: {said}" if said else text


# --------------------------------------------------------------------------- reuse


def _reuse(session: BuildSession | None, digest: str) -> SearchBundle | None:
    if session is None:
        return None
    if session.search is not None and session.search.digest == digest:
        return session.search
    path = _cache_path(session)
    if path is None:
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            if archive.comment.decode("ascii", "replace") != digest:
                return None
            files = []
            for info in archive.infolist():
                if not _is_bundle_name(info.filename):
                    return None  # not a bundle this module wrote: ignored, made again
                files.append(OutputFile(f"{BUNDLE_DIR}/{info.filename}", archive.read(info)))
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return None  # no cache, or a damaged one: Pagefind runs and the cache is written again
    return SearchBundle(digest, tuple(files))


def _keep(session: BuildSession | None, bundle: SearchBundle, diags: Diagnostics) -> None:
    """Remember the bundle in the session and, when it has one, in its cache folder (best effort)."""
    if session is None:
        return
    session.search = bundle
    path = _cache_path(session)
    if path is None:
        return
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".search-", dir=path.parent)
        with os.fdopen(fd, "wb") as out, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
            archive.comment = bundle.digest.encode("ascii")
            for file in bundle.files:  # the index files are compressed already
                archive.writestr(zipfile.ZipInfo(file.path[len(BUNDLE_DIR) + 1:]), file.data)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        diags.warning(f"{path.parent.name}/{path.name}", 0, "", f"cannot save the search index: {exc.strerror or exc}",
                      "the site was built; the next build runs Pagefind again")


def _cache_path(session: BuildSession) -> Path | None:
    if session.cache_dir is None or not session.cache_dir.is_dir():
        return None
    return session.cache_dir / (CACHE_NAME.replace(".zip", "-drafts.zip") if session.drafts else CACHE_NAME)
