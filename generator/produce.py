"""Render or reuse every page, in worker processes when there are many.

For each planned page the producer computes its fingerprint (``fingerprint.py``)
and compares it with the page record of the last build: when they match and
the old file is still the one Docket wrote (same size, modification time and
inode), the old file is hard-linked into the new output instead of being
rendered and written again. Otherwise the page is rendered and written.

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
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic
from .fingerprint import ItemDigests, TemplateDigests, fingerprint
from .geo.spec import maps_in
from .model import StaticFile
from .outfiles import copy_hashed, destination, naming, replace_file
from .pagejob import PageJob
from .parallel import Progress, fork_map
from .pickling import compact
from .render import PageRenderer
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


@compact
@dataclass(frozen=True, slots=True)
class PageOutcome:
    path: str  # inside the output folder
    template: str
    record: PageRecord | None  # None when the page failed to render
    rendered: bool  # False when the old file was reused
    diagnostics: tuple[Diagnostic, ...]


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

    def fingerprint_of(self, job: PageJob) -> bytes:
        if not self.keyed:
            return b""
        # The names of its maps' basemap files too: a page must never name a file the build no longer writes.
        return fingerprint(self.digests, self.templates.of(job.template), job.path, job.title,
                           self.renderer.site, job.context, tuple(m.basemap() for m in maps_in(job.context)))

    def produce(self, job: PageJob) -> PageOutcome:
        rel = output_file(job.path)
        key = self.fingerprint_of(job)
        reused = self._reuse(rel, key)
        if reused is not None:
            return PageOutcome(rel, job.template, reused, False, ())
        data, found = self.renderer.render(job)
        if data is None:
            return PageOutcome(rel, job.template, None, True, found)
        return PageOutcome(rel, job.template, self._write(rel, key, data), True, found)

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
            st = os.stat(self.old_root / rel)
            if (st.st_size, st.st_mtime_ns, st.st_ino) != (old.size, old.mtime_ns, old.inode):
                return None  # changed since Docket wrote it: write it afresh
            dest = destination(self.new_root, rel)
            try:
                if os.lstat(dest).st_ino == st.st_ino:
                    return old  # an adopted spare already shares this very file with the output
            except FileNotFoundError:
                pass
            replace_file(dest)
            os.link(self.old_root / rel, dest)
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
