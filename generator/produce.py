"""Keep, render or reuse every page, in worker processes when there are many.

First, in the main process, ``triage`` computes each page's dependency key (a lazy
page's from the dependencies it declares, without making its context; another's
from its whole context) and compares it with the page record of the last build:
a page whose key is unchanged is kept, its sitemap lastmod and basemaps taken from
its record. The others get their full fingerprint (``fingerprint.py``): when it
matches the record, the old file is reused; otherwise the page is rendered and
written. A file is reused only while it is still the one Docket wrote (same size,
modification time and inode), hard-linked into the new output unless the staging
folder (the spare edition) already shares it with the live output.

Work is split across processes forked after planning (``parallel.fork_map``),
so workers share the graph and the compiled templates without copying them.
Each returns, per page, a ``PageOutcome``: its record and its diagnostics. The
result is the same whatever the number of workers: every page is a function
of its own inputs, and outcomes are put back in planning order.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .diagnostics import Diagnostic
from .fingerprint import ItemDigests, TemplateDigests, fingerprint
from .geo.basemap import BasemapKey, basemap_key
from .geo.spec import maps_in
from .model import Moment, StaticFile
from .outfiles import copy_hashed, destination, destination_path, naming, replace_file
from .pagejob import PageJob
from .parallel import Progress, fork_map
from .pickling import compact
from .render import PageRenderer
from .sitemap import lastmod
from .urls import output_file

PAGES_PER_WORKER = 64  # below this many pages a worker costs more than it saves


@compact
@dataclass(frozen=True, slots=True)
class PageRecord:
    """What the last build wrote for one output file, to decide whether it can be reused."""

    fingerprint: bytes
    size: int
    sha256: str
    mtime_ns: int
    inode: int
    # A page's: the digest of its dependencies (``Producer.deps_key``), its sitemap
    # lastmod and the basemaps its maps name, so that a page kept by its dependencies needs no context.
    deps: bytes = b""
    lastmod: Moment | None = None
    maps: tuple[BasemapKey, ...] = ()


@compact
@dataclass(frozen=True, slots=True)
class PageOutcome:
    path: str  # inside the output folder
    template: str
    record: PageRecord | None  # None when the page failed to render
    rendered: bool  # False when the old file was reused
    diagnostics: tuple[Diagnostic, ...]


class DependencyMissed(RuntimeError):
    """A page kept for its unchanged declared dependencies whose context changed all the same.

    Raised only with ``DOCKET_VERIFY_DEPS=1`` (the tests): the planner of that page kind left a
    dependency out of its ``deps``, and a real build would have kept a stale page.
    """


def verifying() -> bool:
    """Whether every page kept by its declared dependencies is checked against its whole context."""
    return os.environ.get("DOCKET_VERIFY_DEPS", "") not in ("", "0")


@dataclass(slots=True)
class Producer:
    renderer: PageRenderer
    digests: ItemDigests
    templates: TemplateDigests
    previous: Mapping[str, PageRecord]  # the last build's records
    old_root: Path | None  # the current output folder, whose files may be reused
    new_root: Path | None  # the staging folder; None renders without writing (docket check)
    # False when no build will compare these pages' fingerprints (`--no-cache`, nothing kept after
    # the process): none is computed, which saves about a tenth of a cold build's CPU time.
    keyed: bool = True
    # Filled by ``triage`` in the main process before the workers fork: each lazy page's
    # dependency digest, and the last build's record of each page whose dependencies are unchanged.
    keys: dict[str, bytes] = field(default_factory=dict)
    kept: dict[str, PageRecord] = field(default_factory=dict)
    _site: bytes = b""  # the digest of the site-wide inputs, hashed once rather than with every page
    _lastmods: dict[str, Moment | None] = field(default_factory=dict)  # made for the sitemap, kept for the record

    def site_key(self) -> bytes:
        if not self._site:
            self._site = fingerprint(self.digests, self.renderer.site)
        return self._site

    def fingerprint_of(self, job: PageJob) -> bytes:
        if not self.keyed:
            return b""
        # The names of its maps' basemap files too: a page must never name a file the build no longer writes.
        return fingerprint(self.digests, self.templates.of(job.template), job.path, job.title,
                           self.site_key(), job.context, tuple(m.basemap() for m in maps_in(job.context)))

    def deps_key(self, job: PageJob) -> bytes:
        """The digest of what a page depends on, with everything else its bytes depend on.

        A lazy page's declared ``deps``; any other page's whole context and its maps' basemap keys
        (not their files' names, which are known only once the basemaps are placed: a key's file is
        the same for one version of Docket, whose code id every fingerprint holds).
        """
        parts = ("deps", job.deps) if job.deps is not None else ("context", job.context, page_maps(job))
        return fingerprint(self.digests, self.templates.of(job.template), job.path, job.title, self.site_key(),
                           *parts)

    def triage(self, jobs: Sequence[PageJob]) -> None:
        """Find the pages whose dependency key is the last build's: they are kept (a lazy one unmade).

        A kept page's sitemap lastmod and basemaps come from its record. A first build keeps
        nothing, so its keys are made with its pages, in the workers.
        """
        if not self.previous:
            return
        for job in jobs:
            rel = output_file(job.path)
            key = self.keys[rel] = self.deps_key(job)
            old = self.previous.get(rel)
            if old is not None and old.deps == key:
                self.kept[rel] = old

    def map_keys(self, jobs: Sequence[PageJob]) -> list[BasemapKey]:
        """The basemap of every map the pages show, each once, in page order; a kept page's from its record."""
        keys: dict[BasemapKey, None] = {}
        for job in jobs:
            old = self.kept.get(output_file(job.path))
            keys.update(dict.fromkeys(old.maps if old is not None else page_maps(job)))
        return list(keys)

    def lastmod_of(self, job: PageJob) -> Moment | None:
        rel = output_file(job.path)
        old = self.kept.get(rel)
        if old is not None:
            return old.lastmod
        if rel not in self._lastmods:
            self._lastmods[rel] = lastmod(job)
        return self._lastmods[rel]

    def produce(self, job: PageJob) -> PageOutcome:
        rel = output_file(job.path)
        old = self.kept.get(rel)
        if old is not None:
            reused = self._reuse(rel, old.fingerprint)
            if reused is not None:
                if verifying() and self.fingerprint_of(job) != old.fingerprint:
                    raise DependencyMissed(f"{rel}: its context changed but its dependency key did not "
                                           f"(template {job.template}); the planner leaves a dependency out")
                return PageOutcome(rel, job.template, reused, False, ())
        key = self.fingerprint_of(job)
        reused = self._reuse(rel, key)
        if reused is not None:
            return PageOutcome(rel, job.template, self._described(rel, job, reused), False, ())
        data, found = self.renderer.render(job)
        if data is None:
            return PageOutcome(rel, job.template, None, True, found)
        return PageOutcome(rel, job.template, self._described(rel, job, self._write(rel, key, data)), True, found)

    def _described(self, rel: str, job: PageJob, record: PageRecord) -> PageRecord:
        """The record with what the next build needs to keep the page without making its context."""
        return replace(record, deps=self.keys.get(rel) or (self.deps_key(job) if self.keyed else b""),
                       lastmod=self.lastmod_of(job),
                       maps=page_maps(job))

    def place(self, rel: str, data: bytes) -> PageRecord:
        """A data file: kept when its bytes are the same as last time, written otherwise."""
        return self.place_keyed(rel, hashlib.blake2b(data, digest_size=16).digest(), data)

    def place_keyed(self, rel: str, key: bytes, data: bytes) -> PageRecord:
        """A file made from ``key``: kept when the last build's was made from it too, written otherwise."""
        return self._reuse(rel, key) or self._write(rel, key, data)

    def reuse(self, rel: str, key: bytes) -> PageRecord | None:
        """The last build's file, when it was made from ``key`` and is still as Docket wrote it; else None."""
        return self._reuse(rel, key)

    def place_static(self, file: StaticFile) -> tuple[PageRecord, bool]:
        """A static file, copied unless the same source file (same size, time, inode) was copied last time."""
        st = os.stat(file.source)
        key = fingerprint(self.digests, file.source, st.st_size, st.st_mtime_ns, st.st_ino)
        reused = self._reuse(file.target, key)
        if reused is not None:
            return reused, False
        assert self.new_root is not None
        dest = destination(self.new_root, file.target)
        with naming(dest):
            entry = copy_hashed(Path(file.source), dest)
            after = os.stat(dest)
        return PageRecord(key, entry.size, entry.sha256, after.st_mtime_ns, after.st_ino), True

    def _reuse(self, rel: str, key: bytes) -> PageRecord | None:
        old = self.previous.get(rel)
        if old is None or old.fingerprint != key or self.old_root is None or self.new_root is None:
            return None
        try:
            # Strings, not pathlib: this runs for every file the build keeps.
            live = os.path.join(self.old_root, rel)
            st = os.stat(live)
            if (st.st_size, st.st_mtime_ns, st.st_ino) != (old.size, old.mtime_ns, old.inode):
                return None  # changed since Docket wrote it: write it afresh
            dest = destination_path(str(self.new_root), rel)
            try:
                if os.lstat(dest).st_ino == st.st_ino:
                    return old  # an adopted spare already shares this very file with the output
            except FileNotFoundError:
                pass
            replace_file(Path(dest))
            os.link(live, dest)
        except OSError:
            return None
        return old

    def _write(self, rel: str, key: bytes, data: bytes) -> PageRecord:
        sha = hashlib.sha256(data).hexdigest()
        if self.new_root is None:
            return PageRecord(key, len(data), sha, 0, 0)
        dest = destination(self.new_root, rel)
        with naming(dest):
            replace_file(dest)
            with dest.open("wb", buffering=0) as out:  # unbuffered: the stat below sees the final mtime
                out.write(data)
                st = os.fstat(out.fileno())
        return PageRecord(key, len(data), sha, st.st_mtime_ns, st.st_ino)


def page_maps(job: PageJob) -> tuple[BasemapKey, ...]:
    """The basemap of each map the page's context holds."""
    return tuple(basemap_key(spec.bounds, spec.width) for spec in maps_in(job.context))


def produce_all(producer: Producer, jobs: Sequence[PageJob], workers: int,
                progress: Progress | None = None) -> list[PageOutcome]:
    """Every job's outcome, in planning order, using up to ``workers`` processes."""
    if workers > 1 and len(jobs) >= 2 * PAGES_PER_WORKER:
        for template in sorted({job.template for job in jobs}):  # compile once, before forking
            try:
                producer.renderer.env.get_template(template)
            except Exception:  # noqa: BLE001, S112 - reported when a page renders it
                continue
    return _first_failures(fork_map(producer.produce, jobs, workers, PAGES_PER_WORKER, progress))


def _first_failures(outcomes: list[PageOutcome]) -> list[PageOutcome]:
    """Keep only the first failure of each template, as a serial build reports it.

    A serial build stops rendering a template after its first failure; workers each
    meet it once. Keeping the first in planning order makes diagnostics identical.
    """
    seen: set[str] = set()
    out = []
    for outcome in outcomes:
        if outcome.record is None:
            if outcome.template in seen:
                continue
            seen.add(outcome.template)
        out.append(outcome)
    return out
