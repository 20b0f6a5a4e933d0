"""``docket serve``: build, serve on loopback, rebuild on change, reload the open page.

livereload serves the output and pushes reloads to open pages over its
websocket; watchfiles (OS file events, not polling) says when something under
content/, templates/, static/ or site.yaml changed. Each change runs the same
``build()`` as ``docket build``; a build with errors prints them and leaves the
last good site in place, and the watching goes on.
"""

from __future__ import annotations

import logging
import sys
import tempfile
import threading
import time
from pathlib import Path

import watchfiles
from livereload import Server
from livereload.watcher import Watcher
from tornado import ioloop

from .build import build
from .loader import CONFIG_NAME

WATCHED = ("content", "templates", "static")


def watched_paths(site: Path) -> list[Path]:
    return [p for p in (site / CONFIG_NAME, *(site / d for d in WATCHED)) if p.exists()]


class Rebuilder:
    """Runs a build and reports its outcome on the terminal."""

    def __init__(self, site: Path, output: Path, drafts: bool):
        self.site, self.output, self.drafts = site, output, drafts
        self.lock = threading.Lock()

    def __call__(self, reason: str = "") -> bool:
        with self.lock:
            started = time.perf_counter()
            result = build(self.site, self.output, drafts=self.drafts, base_path="/")
            if result.diagnostics.items:
                print(result.diagnostics.report(), file=sys.stderr, flush=True)
            took = time.perf_counter() - started
            if result.ok:
                print(f"docket: rebuilt {result.pages} files in {took:.2f} s{reason}", flush=True)
            else:
                print("docket: content errors; still serving the last good build", file=sys.stderr, flush=True)
            return result.ok


class WatchfilesWatcher(Watcher):
    """A livereload watcher fed by watchfiles events instead of mtime polling."""

    def __init__(self, site: Path, rebuild: Rebuilder):
        super().__init__()
        self.site, self.rebuild = site, rebuild
        self.stop_event = threading.Event()
        self._pending: str | None = None

    def start(self, callback) -> bool:
        loop = ioloop.IOLoop.current()

        def run() -> None:
            # Watch the site folder itself so that templates/ or static/ created later count too.
            for changes in watchfiles.watch(self.site, stop_event=self.stop_event, watch_filter=self.relevant,
                                            debounce=200, step=50, rust_timeout=500, yield_on_timeout=False):
                names = sorted({Path(p).relative_to(self.site).as_posix() for _, p in changes})
                if self.rebuild(f" after a change to {', '.join(names[:3])}"):
                    self._pending = names[0]
                    loop.add_callback(callback)

        threading.Thread(target=run, name="docket-watch", daemon=True).start()
        return True  # livereload need not poll

    def relevant(self, change: watchfiles.Change, path: str) -> bool:
        rel = Path(path).relative_to(self.site).parts
        if not rel or rel[-1].startswith(".") or rel[-1].endswith("~"):
            return False
        return rel[0] in WATCHED or rel == (CONFIG_NAME,)

    def examine(self):
        if self._changes:
            return self._changes.pop()
        path, self._pending = self._pending, None
        self.filepath = path
        return path, None


def serve(site: Path, host: str, port: int, output: str | None, drafts: bool) -> int:
    site = site.resolve()
    out = Path(output).resolve() if output else Path(tempfile.mkdtemp(prefix="docket-preview-")) / "site"
    rebuild = Rebuilder(site, out, drafts)
    rebuild()
    out.mkdir(parents=True, exist_ok=True)  # serve something even if the first build failed
    logging.getLogger("livereload").setLevel(logging.WARNING)
    watcher = WatchfilesWatcher(site, rebuild)
    server = Server(watcher=watcher)
    print(f"docket: serving {site.name} at http://{host}:{port}/ (Ctrl+C to stop)", flush=True)
    try:
        server.serve(host=host, port=port, root=str(out), restart_delay=0, open_url_delay=None)
    finally:
        watcher.stop_event.set()
    return 0
