"""Rebuild on every save, whatever goes wrong, and say what happened on one line.

watchfiles (OS file events, not polling) watches the site folder. A change to
``site.yaml``, ``content/``, ``templates/`` or ``static/`` that is not an
editor's scratch file runs the same ``build()`` as ``docket build``. Nothing a
build does may end the watching: content and template errors are diagnostics,
and anything raised (a usage error such as a deleted ``site.yaml``, an
``OSError`` from the disk, a bug) is printed as one line. The writer never
commits a failed build, so the last good site goes on being served, and the
next save that fixes the problem rebuilds and reloads the open pages.

The ``Rebuilder`` keeps the outcome the pages show (``overlay.BuildStatus``):
the diagnostics of the last build, updated at once by a fast render that finds
errors in the edited file. Whenever that changes what the overlay shows, every
open page is told to reload, since every page carries the overlay.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import watchfiles

from .. import parallel
from ..build import build
from ..diagnostics import Diagnostic, Diagnostics, printable
from ..errors import UsageError
from ..loader import CONFIG_NAME
from ..parallel import FORK_GUARD
from ..session import BuildSession
from .fast import FastResult, fast_render
from .overlay import BuildStatus, status_of

WATCHED = ("content", "templates", "static")
# Files editors write next to the one being edited: Vim's write test (4913), JetBrains' safe-write copies.
SCRATCH_NAMES = ("4913",)
SCRATCH_SUFFIXES = ("~", "#", ".swp", ".swx", "___jb_tmp___", "___jb_old___")
DEBOUNCE_MS = 50  # the longest a burst of events is grouped for: a writer saving twice is never held back longer
# A burst ends after this long without an event: an editor's save (a temporary file, a rename)
# takes a few milliseconds, and every millisecond here is one the writer waits for the page.
QUIET_MS = 25
RETRY_SECONDS = 1.0
PREVIEW_WORKER_NICENESS = 10  # full builds' workers yield the CPU to the fast render of the page being edited
# The path of the reload sent when the overlay changes: not a stylesheet or an image, so that
# livereload.js reloads the whole page rather than swapping a file in place.
OVERLAY_CHANGED = "docket-build-status"


def say(line: str, *, error: bool = False) -> None:
    # Lines may name files and quote content: escaped, they cannot rewrite the writer's terminal.
    text = "\n".join(printable(part) for part in line.split("\n"))
    print(text, file=sys.stderr if error else sys.stdout, flush=True)


def one_line(exc: BaseException) -> str:
    """An exception as one line: ``path: reason`` for OS errors, ``Type: message`` otherwise."""
    if isinstance(exc, OSError) and exc.strerror:
        paths = [str(p) for p in (exc.filename, exc.filename2) if p is not None]
        text = f"{' -> '.join(paths)}: {exc.strerror}" if paths else exc.strerror
    else:
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return " ".join(text.split())


def is_scratch(name: str) -> bool:
    """Hidden files (``.x.swp``, ``.#x`` locks, ``.goutputstream-…``), backups and other editor leftovers."""
    return name.startswith((".", "#")) or name in SCRATCH_NAMES or name.endswith(SCRATCH_SUFFIXES)


def relevant(site: Path, path: str) -> bool:
    """Whether a change at ``path`` can change the built site."""
    try:
        parts = Path(path).relative_to(site).parts
    except ValueError:
        return False
    if not parts or any(part.startswith(".") for part in parts) or is_scratch(parts[-1]):
        return False
    return parts[0] in WATCHED or parts == (CONFIG_NAME,)


class Rebuilder:
    """Runs one build at a time and reports its outcome on the terminal."""

    def __init__(self, site: Path, output: Path, drafts: bool) -> None:
        self.site, self.output, self.drafts = site, output, drafts
        self.lock = threading.Lock()
        # One session for the preview's lifetime: each save re-renders only the pages it affects.
        # The cache is saved when the preview stops, not after every save (that costs seconds on a large site).
        self.session = BuildSession(site, drafts=drafts, autosave=False)
        parallel.WORKER_NICENESS = PREVIEW_WORKER_NICENESS
        self.changed: Mapping[str, str] = {}  # output files the last build changed -> their SHA-256
        # What the pages show about the builds: replaced whole (never changed in place), so the
        # IOLoop thread reads it without a lock; the lock orders the two threads that replace it.
        self.status = BuildStatus()
        self.status_lock = threading.Lock()
        self.built = False  # whether any build has succeeded (so there are pages to serve)
        self.build_diagnostics: tuple[Diagnostic, ...] = ()  # those of the last full build
        self.build_notes: tuple[str, ...] = ()  # its one-line failure, when it raised
        # Errors fast renders found in the files they checked (path -> when, and those errors), kept
        # until a full build that began after them has read those files too.
        self.fast_found: dict[str, tuple[int, tuple[Diagnostic, ...]]] = {}
        self.clock = 0  # counts fast checks and full builds, to order them
        self.build_began = 0  # the clock when the running (or last) full build began

    def first(self) -> bool:
        """The first build. A usage error (not a site, an output folder that is not Docket's) is raised."""
        try:
            return self._run("built", "")
        except UsageError:
            raise
        except Exception as exc:  # noqa: BLE001 - the preview starts anyway, and the next save retries
            return self._failed(f"docket: build failed: {one_line(exc)}", note=True)

    def __call__(self, reason: str) -> bool:
        """A rebuild after a change; never raises. True when the new site is in place."""
        try:
            return self._run("rebuilt", reason)
        except UsageError as exc:
            return self._failed(f"docket: error: {one_line(exc)}", note=True)
        except Exception as exc:  # noqa: BLE001 - whatever a build raises, the watching must go on
            return self._failed(f"docket: rebuild failed: {one_line(exc)}", note=True)

    def save_cache(self) -> None:
        """When the preview stops: the next `docket serve` or `docket build` starts warm."""
        if not self.lock.acquire(timeout=30):  # a build still running at exit: its cache is not worth the wait
            return
        try:
            diags = Diagnostics()
            self.session.save(diags)
            if diags.items:
                say(diags.report(), error=True)
        finally:
            self.lock.release()

    def fast(self, names: list[str]) -> dict[str, str]:
        """The edited pages rendered at once from the last build (see ``fast.py``); never raises.

        Errors it finds in the edited files replace theirs in the status at once; the full build
        that follows confirms them.
        """
        try:
            with FORK_GUARD:  # no worker is forked while this thread is inside Jinja or the parser
                started = time.perf_counter()
                result = fast_render(self.session, self.site, names)
                elapsed = (time.perf_counter() - started) * 1000
        except Exception:  # noqa: BLE001 - only a shortcut: the full build that follows reports any problem
            return {}
        if result.checked:
            self._fast_status(result)
        if result.written:
            shown = next(iter(result.written)).removesuffix("index.html")
            say(f"docket: fast render of /{shown} in {elapsed:.0f} ms; rebuilding the rest")
        elif result.has_errors:
            errors = sum(d.is_error for d in result.diagnostics)
            say(f"docket: {', '.join(result.checked)}: {errors} error{'s' if errors != 1 else ''} found in "
                f"{elapsed:.0f} ms, shown in the preview; the full build follows", error=True)
        return result.written

    def _fast_status(self, result: FastResult) -> None:
        """The last build's errors, with those of the files just checked replaced by what was found now."""
        with self.status_lock:
            self.clock += 1
            for path in result.checked:  # warnings change with the full build only
                self.fast_found[path] = (self.clock, tuple(d for d in result.diagnostics
                                                           if d.is_error and d.path == path))
            self._update_status()

    def _build_status(self, diagnostics: tuple[Diagnostic, ...], notes: tuple[str, ...], ok: bool) -> None:
        with self.status_lock:
            self.built = self.built or ok
            self.build_diagnostics, self.build_notes = diagnostics, notes
            # What a fast check found before this build began, this build has seen for itself.
            self.fast_found = {path: found for path, found in self.fast_found.items() if found[0] > self.build_began}
            self._update_status()

    def _update_status(self) -> None:
        kept = [d for d in self.build_diagnostics if not (d.is_error and d.path in self.fast_found)]
        found = [d for _, errors in self.fast_found.values() for d in errors]
        self.status = status_of(self.site, kept + found, self.build_notes, built=self.built)

    def _run(self, verb: str, reason: str) -> bool:
        with self.lock:
            with self.status_lock:
                self.clock += 1
                self.build_began = self.clock
            started = time.perf_counter()
            result = build(self.site, self.output, drafts=self.drafts, base_path="/", session=self.session)
            if result.diagnostics.items:
                say(result.diagnostics.report(), error=True)
            self.changed = result.changed
            self._build_status(tuple(result.diagnostics.items), (), result.ok)
            if not result.ok:
                return self._failed("docket: build failed")
            say(f"docket: {verb} {result.pages} files ({result.rendered} pages rendered) in "
                f"{time.perf_counter() - started:.2f} s{reason}")
            return True

    def _failed(self, line: str, *, note: bool = False) -> bool:
        """``note``: the build raised, so ``line`` is all there is to show in the browser too."""
        if note:
            self.changed = {}
            self._build_status((), (line.removeprefix("docket: "),), False)
        still = "still serving the last good build" if self.built else "the preview shows the errors instead"
        say(f"{line}; {still}", error=True)
        return False


def is_page_or_data(path: str) -> bool:
    """A page (or a feed, the sitemap, a data file, an incident's JSON or share card, the search
    index): shown only at its own address, not inside other pages; only a stylesheet, an image or
    a script changed means every open page may show it."""
    return (path.endswith((".html", ".xml", ".json", "/card.svg")) or path == "robots.txt"
            or path.startswith(("data/", "pagefind/")))


def describe(names: list[str]) -> str:
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f" after a change to {shown}"


def changed_names(site: Path, changes: Iterable[tuple[watchfiles.Change, str]]) -> list[str]:
    return sorted({Path(path).relative_to(site).as_posix() for _, path in changes})


class Watcher:
    """Two threads: one watches and fast-renders each save, one runs the full builds one after another.

    They are separate so that a save made while a long full build runs is shown at once (by the
    fast render) instead of waiting for that build; its own full build follows. ``on_rebuilt`` is
    told what to reload after each fast render and each good build: the pages whose bytes changed,
    or every page (``None``) when what the overlay shows changed.
    """

    def __init__(self, site: Path, rebuild: Rebuilder,
                 on_rebuilt: Callable[[str, frozenset[str] | None], None]) -> None:
        self.site, self.rebuild, self.on_rebuilt = site, rebuild, on_rebuilt
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, name="docket-watch", daemon=True)
        self.builder = threading.Thread(target=self._build_loop, name="docket-build", daemon=True)
        self.pending: list[str] = []  # names changed since the last full build began
        self.fast_shas: dict[str, str] = {}  # pages fast-rendered since then -> their SHA-256
        self.wake = threading.Condition()
        self.shown_lock = threading.Lock()
        self.shown = rebuild.status.key  # the overlay open pages show (they reload when it changes)

    def start(self) -> None:
        self.thread.start()
        self.builder.start()

    def stop(self, timeout: float = 5.0) -> None:
        self.stop_event.set()
        with self.wake:
            self.wake.notify_all()
        for thread in (self.thread, self.builder):
            if thread.is_alive():
                thread.join(timeout)

    def _run(self) -> None:
        failing = False
        while not self.stop_event.is_set():
            try:
                self._watch()  # returns when stopped, or if the watched folder went away
                failing = False
            except Exception as exc:  # noqa: BLE001 - the thread must outlive anything the watching meets
                if not failing:  # once, not every second while the problem lasts
                    say(f"docket: watching failed: {one_line(exc)}; trying again", error=True)
                failing = True
            self.stop_event.wait(RETRY_SECONDS)

    def _watch(self) -> None:
        # The site folder itself is watched, so that templates/ or static/ created later count too.
        for changes in watchfiles.watch(self.site, watch_filter=lambda _, path: relevant(self.site, path),
                                        stop_event=self.stop_event, debounce=DEBOUNCE_MS, step=QUIET_MS,
                                        rust_timeout=500, yield_on_timeout=False, raise_interrupt=False,
                                        ignore_permission_denied=True):
            names = changed_names(self.site, changes)
            if names:
                self.changed(names)

    def changed(self, names: list[str]) -> None:
        """A save: show the edited pages now, and ask for a full build."""
        fast = self.rebuild.fast(names)
        # Reload first, then start the full build: its first seconds would delay the message.
        self._announce(names[0], frozenset(fast))
        with self.wake:
            self.pending.extend(names)
            self.fast_shas.update(fast)
            self.wake.notify_all()

    def _build_loop(self) -> None:
        while not self.stop_event.is_set():
            with self.wake:
                while not self.pending and not self.stop_event.is_set():
                    self.wake.wait()
                names, self.pending = sorted(set(self.pending)), []
                fast, self.fast_shas = self.fast_shas, {}
            if self.stop_event.is_set():
                return
            try:
                self._full_build(names, fast)
            except Exception as exc:  # noqa: BLE001 - the builder must outlive anything a build meets
                say(f"docket: rebuild failed: {one_line(exc)}", error=True)

    def _full_build(self, names: list[str], fast: dict[str, str]) -> None:
        ok = self.rebuild(describe(names))
        with self.wake:
            again = sorted(set(self.pending))  # saved while this build ran: it read the older files
        if again:
            # Show them again over this build's outcome: their pages over the edition just swapped in,
            # and their own errors (or their fix) over the errors it found in the older files.
            fast = {**fast, **self.rebuild.fast(again)}
        if not ok:
            self._announce(names[0], frozenset())  # the overlay may have changed; no page did
            return
        # Reload the pages whose bytes changed, except those a fast render already showed as they are.
        changed = {path for path, sha in self.rebuild.changed.items() if fast.get(path) != sha}
        assets = sorted(path for path in changed if not is_page_or_data(path))
        if assets:
            self._announce(assets[0], None)  # a stylesheet or an image: any page may show it
        else:
            self._announce(names[0], frozenset(changed))

    def settled(self) -> None:
        """The first build is done and no page is open yet: pages opened from now on show its status."""
        with self.shown_lock:
            self.shown = self.rebuild.status.key

    def _announce(self, path: str, pages: frozenset[str] | None) -> None:
        """Tell open pages to reload: ``pages`` only, or all of them if the overlay changed."""
        with self.shown_lock:  # both threads announce; each change of the overlay is announced once
            key = self.rebuild.status.key
            overlay_changed, self.shown = key != self.shown, key
            if overlay_changed:
                self.on_rebuilt(OVERLAY_CHANGED, None)
            elif pages is None or pages:
                self.on_rebuilt(path, pages)
