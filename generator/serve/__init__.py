"""``docket serve``: build, serve on loopback, rebuild on change, reload the open page.

``app.py`` is the tornado application (the built site, livereload's script and
socket, and the Host and Origin rule of ``origins.py`` against DNS rebinding);
``watch.py`` rebuilds on every change and survives every error a build can
meet; ``overlay.py`` draws what the pages show about the last build (its
errors with code frames, or its warnings). This module binds the port
(``--port 0`` lets the system pick one, and the URL printed has the real
port), runs the event loop until Ctrl+C or SIGTERM, and removes the temporary
output folder it made.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import signal
import socket
import tempfile
import threading
from pathlib import Path

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from ..errors import UsageError
from .app import PreviewApplication, ReloadHub
from .origins import own_authorities, url_host
from .watch import Rebuilder, Watcher, say

__all__ = ["serve"]

SEND_WAIT = 0.1  # seconds a reload may hold back the full build that follows it


def serve(site: Path, host: str, port: int, output: str | None, drafts: bool) -> int:
    site = site.resolve()
    if output:  # passed on as given (not resolved): the writer decides whether Docket may replace it
        return _serve(site, host, port, Path(output).absolute(), drafts)
    scratch = Path(tempfile.mkdtemp(prefix="docket-preview-"))
    try:
        return _serve(site, host, port, scratch / "site", drafts)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)  # Docket made it, for this preview only


def _serve(site: Path, host: str, port: int, out: Path, drafts: bool) -> int:
    sockets = listen(host, port)  # first, so that a port in use is said at once, before any build
    hub = ReloadHub()
    reloader = Reloader(hub)
    # Watching starts before the first build, so that a save made while it runs is rebuilt too.
    rebuild = Rebuilder(site, out, drafts)
    watcher = Watcher(site, rebuild, reloader)
    try:
        watcher.start()
        rebuild.first()
        watcher.settled()
        out.mkdir(parents=True, exist_ok=True)  # serve something even if the first build failed
        port = sockets[0].getsockname()[1]  # the real one when port 0 asked the system to choose
        url = f"http://{url_host(host)}:{port}/"
        app = PreviewApplication(out, own_authorities(host, port), hub, url, status=lambda: rebuild.status)
        asyncio.run(run(sockets, app, reloader, f"docket: serving {site.name} at {url} (Ctrl+C to stop)"))
    finally:
        watcher.stop()
        for sock in sockets:
            sock.close()
        rebuild.save_cache()
    return 0


class Reloader:
    """Passes "reload" from the watcher thread to the event loop, once the loop runs."""

    def __init__(self, hub: ReloadHub) -> None:
        self.hub = hub
        self.loop: asyncio.AbstractEventLoop | None = None

    def __call__(self, path: str, pages: frozenset[str] | None = None) -> None:
        """Returns once the message is sent (at most ``SEND_WAIT`` seconds): the caller may then
        start the full build, which would otherwise hold the event loop back from sending it."""
        loop = self.loop
        if loop is None:  # not serving yet, so no page is open
            return
        sent = threading.Event()

        def send() -> None:
            self.hub.reload(path, pages)
            sent.set()

        with contextlib.suppress(RuntimeError):  # the loop has closed: the preview is stopping
            loop.call_soon_threadsafe(send)
            sent.wait(SEND_WAIT)


def listen(host: str, port: int) -> list[socket.socket]:
    try:
        return bind_sockets(port, address=host)
    except (OSError, OverflowError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UsageError(f"cannot listen on {url_host(host)}:{port}: {reason}; choose another port with "
                         "--port, or --port 0 to let the system pick a free one") from exc


async def run(sockets: list[socket.socket], app: PreviewApplication, reloader: Reloader, banner: str) -> None:
    """Serve until SIGTERM (Ctrl+C arrives as KeyboardInterrupt)."""
    logging.getLogger("tornado.access").setLevel(logging.ERROR)  # no line per 404: the writer needs none
    loop = asyncio.get_running_loop()
    stopped = asyncio.Event()
    with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows' event loop
        loop.add_signal_handler(signal.SIGTERM, stopped.set)
    server = HTTPServer(app)
    server.add_sockets(sockets)
    reloader.loop = loop
    say(banner)
    try:
        await stopped.wait()
    finally:
        reloader.loop = None
        server.stop()
