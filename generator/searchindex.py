"""The search index: the site's Pagefind records indexed in stable shards, one Pagefind run per shard.

Pagefind cannot update an index (it has no incremental mode), so the index is cut in shards and
only a shard whose records changed is indexed again. A record's shard is a digest of its URL,
modulo the number of shards; the number is the smallest power of two that leaves ``SHARD_RECORDS``
records per shard on average (one index while the site has no more). So an edit re-indexes the
shard of each record it changed, about ``SHARD_RECORDS`` records whatever the size of the site;
a cold build hands the binary one shard at a time, so its memory is bounded by a shard; and the
shards are a function of the records alone: any sequence of edits gives the bytes a full build
gives. When the site grows past a power of two every shard is cut anew (once per doubling).

The bundle under ``pagefind/``: Pagefind's runtime (``pagefind.js``, its worker and WebAssembly)
and shard 0's index at the top, as a one-index bundle has them; shard k's index (entry, metadata,
index, fragment and filter files) in ``pagefind/shard-k/``; ``docket-shards.json`` naming the
shard folders; and, when there are several, in each shard folder ``docket-sort.json``: the date
of each of its records by Pagefind's result id. The search page (``assets/search-index.js``)
loads shard 0 and merges the others with Pagefind's ``mergeIndex``; the shards hold disjoint
records, so the filter counts Pagefind adds up across them are the site's, and the loader corrects
the rest (a query's word that one shard lacks, the order of sorted results): see
docs/architecture.md.

A shard is reused when its records, its place and the binary are the same: from the session in
memory (the preview) or from ``.docket-cache/search/`` (``searchcache.py``), only when its HMAC
verifies. Pagefind runs in a thread while the pages render (``start_search``).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import subprocess
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from . import searchcache
from .diagnostics import Diagnostics
from .graph import SiteGraph
from .markdown import RenderedBody
from .outputs import OutputFile, SearchBundle, SearchShard
from .pagefind_service import BUNDLE_DIR, SearchError, run_pagefind
from .search import search_records

if TYPE_CHECKING:
    from .session import BuildSession

SEARCH_FORMAT = 4  # part of every digest: bump when the records or the bundle change shape
SHARD_RECORDS = 1024  # records per shard at most on average; the digest spreads them evenly (docs/architecture.md)
SHARDS_FILE = "docket-shards.json"  # pagefind/docket-shards.json: the folders of shards 1..n
SORT_FILE = "docket-sort.json"  # in each shard's folder: each record's sort values by Pagefind's id
CACHE_FOLDER = searchcache.FOLDER
REINSTALL = "reinstall Docket's dependencies: pip install --force-reinstall 'pagefind[bin]>=1.5,<2'"
# What a shard's index is made of; every other file Pagefind writes is its runtime, the same for each run.
_INDEX_PARTS = ("pagefind-entry.json", "index/", "fragment/", "filter/")
_FRAGMENT_SIGNATURE = b"pagefind_dcd"


# --------------------------------------------------------------------------- shards


def shard_count(records: int) -> int:
    """The number of shards for ``records`` records: a power of two, SHARD_RECORDS at most on average."""
    count = 1
    while records > count * SHARD_RECORDS:
        count *= 2
    return count


def shard_of(url: str, count: int) -> int:
    """A record's shard: a digest of its URL (stable whatever else changes), modulo the count."""
    return int.from_bytes(hashlib.blake2b(url.encode("utf-8"), digest_size=8).digest(), "big") % count


def shard_folder(shard: int) -> str:
    """Where a shard's index lies under pagefind/: shard 0 at the top (with the runtime), k in shard-k/."""
    return f"shard-{shard}/" if shard else ""


def split(records: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The records by shard, each shard in the records' own order."""
    count = shard_count(len(records))
    shards: list[list[dict[str, Any]]] = [[] for _ in range(count)]
    for record in records:
        shards[shard_of(record["url"], count)].append(record)
    return shards


def is_index_file(name: str) -> bool:
    """True for a file of a shard's index, False for Pagefind's runtime (its JS, worker, WebAssembly)."""
    return name.startswith(_INDEX_PARTS) or name.endswith(".pf_meta") or name == SORT_FILE


# --------------------------------------------------------------------------- the build's side


def start_search(graph: SiteGraph, bodies: dict[tuple[str, str], RenderedBody],
                 session: BuildSession | None = None) -> PendingSearch:
    """The site's search bundle, made by Pagefind (the shards that changed) while the caller renders pages."""
    records = search_records(graph, bodies)
    try:
        exe = executable()
        binary = _binary_id(exe)
    except SearchError as exc:
        return PendingSearch(session, error=str(exc))
    shards = split(records)
    digests = [_digest(binary, len(shards), k, shard) for k, shard in enumerate(shards)]
    pending = PendingSearch(session)
    pending.start(exe, binary, shards, digests)
    return pending


class PendingSearch:
    """A search bundle on its way: each shard reused or indexed by Pagefind, in a thread.

    Pagefind (its own process, one per shard, one at a time) indexes while the build's workers
    render pages: the pages do not depend on it.
    """

    def __init__(self, session: BuildSession | None, *, error: str = "") -> None:
        self.session = session
        self.bundle: SearchBundle | None = None
        self.error = error
        self.made: list[int] = []  # the shards Pagefind indexed (the others were reused)
        self.thread: threading.Thread | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.cancelled = False

    def start(self, exe: str, binary: str, shards: list[list[dict[str, Any]]], digests: list[str]) -> None:
        def work() -> None:
            try:
                self.bundle = self._make(exe, binary, shards, digests)
            except SearchError as exc:
                self.error = str(exc)
            except Exception as exc:  # noqa: BLE001 - reported as the build's error, not lost in a thread
                self.error = f"Pagefind could not be run: {exc!r}"

        self.thread = threading.Thread(target=work, name="docket-search", daemon=True)
        self.thread.start()

    def _make(self, exe: str, binary: str, shards: list[list[dict[str, Any]]], digests: list[str]) -> SearchBundle:
        last = self.session.search if self.session is not None else None
        kept = {s.digest: s for s in last.shards} if last is not None else {}
        runtime = last.runtime if last is not None and last.digest == binary else ()
        made: list[SearchShard] = []
        for k, (records, digest) in enumerate(zip(shards, digests, strict=True)):
            shard = kept.get(digest) or searchcache.load_shard(self.session, k, digest)
            if shard is None:
                if self.cancelled:
                    raise SearchError("the build stopped")
                files = run_pagefind(exe, records, self._started)  # one shard in the binary at a time
                runtime = runtime or tuple(f for f in files if not is_index_file(_name(f)))
                shard = SearchShard(digest, _index_files(files, records))
                self.made.append(k)
            made.append(shard)
        if not runtime:
            runtime = searchcache.load_runtime(self.session, binary) or tuple(
                f for f in run_pagefind(exe, [], self._started) if not is_index_file(_name(f)))
        return SearchBundle(binary, _assemble(runtime, made), tuple(made), runtime)

    def _started(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process

    def result(self, diags: Diagnostics) -> list[OutputFile]:
        """The bundle's files, once Pagefind is done; [] and an error in ``diags`` when it failed."""
        if self.thread is not None:
            self.thread.join()
        if self.bundle is None:
            diags.error(BUNDLE_DIR, 0, "", f"the search index could not be built: {self.error}", REINSTALL)
            return []
        if self.session is not None:
            self.session.search = self.bundle
            searchcache.keep(self.session, self.bundle, self.made, diags)
        return list(self.bundle.files)

    def cancel(self) -> None:
        """Stop Pagefind (the build failed: its bundle is not needed)."""
        self.cancelled = True
        if self.process is not None:
            with contextlib.suppress(OSError):
                self.process.kill()
        if self.thread is not None:
            self.thread.join()


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


def _binary_id(exe: str) -> str:
    """Which binary makes the bundle (its runtime depends on nothing else): path, size, time."""
    try:
        st = os.stat(exe)
    except OSError as exc:
        raise SearchError(f"cannot run Pagefind ({exe}): {exc.strerror or exc}") from exc
    text = f"{SEARCH_FORMAT}\0{exe}\0{st.st_size}\0{st.st_mtime_ns}"
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def _digest(binary: str, count: int, shard: int, records: list[dict[str, Any]]) -> str:
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{binary}\0{count}\0{shard}\0".encode("ascii"))
    h.update(json.dumps(records, ensure_ascii=False, sort_keys=True).encode("utf-8", "surrogateescape"))
    return h.hexdigest()


# --------------------------------------------------------------------------- the bundle


def _name(file: OutputFile) -> str:
    return file.path[len(BUNDLE_DIR) + 1:]


def _index_files(files: Iterable[OutputFile], records: list[dict[str, Any]]) -> tuple[OutputFile, ...]:
    """A shard's index files (paths relative to its folder), with its sort file."""
    index = [OutputFile(_name(f), f.data) for f in files if is_index_file(_name(f))]
    return (*index, OutputFile(SORT_FILE, _sort_file(index, records)))


def _sort_file(index: list[OutputFile], records: list[dict[str, Any]]) -> bytes:
    """Each record's sort values by Pagefind's id for it (its fragment's name), for merged sorting."""
    by_url = {r["url"]: r.get("sort") or {} for r in records}
    sorts: dict[str, dict[str, str]] = {}
    for file in index:
        if not file.path.startswith("fragment/"):
            continue
        fragment = gzip.decompress(file.data)
        url = json.loads(fragment[len(_FRAGMENT_SIGNATURE):])["url"]
        ident = file.path.removeprefix("fragment/").removesuffix(".pf_fragment")
        for key, value in by_url.get(url, {}).items():
            sorts.setdefault(key, {})[ident] = value
    return json.dumps(sorts, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _assemble(runtime: Iterable[OutputFile], shards: list[SearchShard]) -> tuple[OutputFile, ...]:
    """The files under pagefind/: the runtime, shard 0 beside it, the others in their folders, the list."""
    files = list(runtime)
    for k, shard in enumerate(shards):  # one index needs no sort file: Pagefind orders its own results
        files += (OutputFile(f"{BUNDLE_DIR}/{shard_folder(k)}{f.path}", f.data) for f in shard.files
                  if len(shards) > 1 or f.path != SORT_FILE)
    listing = {"shards": [shard_folder(k) for k in range(1, len(shards))]}
    files.append(OutputFile(f"{BUNDLE_DIR}/{SHARDS_FILE}", json.dumps(listing, separators=(",", ":")).encode()))
    return tuple(sorted(files, key=lambda f: f.path))
