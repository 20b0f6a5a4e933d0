"""The preview's tornado application: the built site, the live-reload socket, the Host rule.

livereload's own ``Server`` builds a similar application, but it listens
without telling the caller which port it got (so ``--port 0`` could not print
its URL), answers any ``Host`` and accepts WebSockets from any ``Origin``. So
the application is built here from tornado's typed parts, speaking the same
small protocol to livereload's browser script (``livereload.js``, served from
the livereload package), and every request passes the Host and Origin rule of
``origins.py`` before any handler sees it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from tornado import httputil, web
from tornado.websocket import WebSocketClosedError, WebSocketHandler

from ..urls import output_file
from .origins import host_allowed, origin_allowed

HEAD_END = b"</head>"
# Loads livereload.js from the page's own host and port, so that it connects back to the same origin.
RELOAD_SCRIPT = (
    b'<script>(function(){var s=document.createElement("script");'
    b'var port=window.location.port||80;'
    b's.src="//"+window.location.hostname+":"+port+"/livereload.js?port="+port;'
    b'document.head.appendChild(s);})();</script>'
)
HELLO = {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"],
         "serverName": "docket"}
MAX_MESSAGE = 64 * 1024  # the script only ever sends small JSON messages
MAX_REPORTED_HOSTS = 20  # refusals are reported once per Host, and only for so many Hosts


def livereload_js() -> bytes:
    return resources.files("livereload").joinpath("vendors/livereload.js").read_bytes()


class ReloadHub:
    """The pages open in browsers, told to reload after each good rebuild (IOLoop thread only)."""

    def __init__(self) -> None:
        self.sockets: set[ReloadSocket] = set()

    def reload(self, path: str, pages: frozenset[str] | None = None) -> None:
        """Tell open pages to reload; with ``pages`` (output files), only the pages among them.

        A page whose file did not change is left alone, so a writer reading the list of
        incidents is not interrupted by an edit that does not show there.
        """
        # liveCSS: a changed stylesheet is swapped in place; anything else reloads the page.
        message = {"command": "reload", "path": path, "liveCSS": True, "liveImg": True}
        for sock in list(self.sockets):
            if pages is not None and sock.page is not None and sock.page not in pages:
                continue
            try:
                sock.write_message(message)
            except WebSocketClosedError:
                self.sockets.discard(sock)


class ReloadSocket(WebSocketHandler):
    """livereload's protocol: answer "hello", then count the page as open once it sends "info"."""

    def initialize(self, hub: ReloadHub, authorities: frozenset[str]) -> None:
        self.hub, self.authorities = hub, authorities
        self.page: str | None = None  # the output file the browser shows, once it says so

    def check_origin(self, origin: str) -> bool:
        return origin_allowed(origin, self.authorities)

    def on_message(self, message: str | bytes) -> None:
        try:
            data = json.loads(message)
        except ValueError:
            self.close(1003, "not JSON")
            return
        command = data.get("command") if isinstance(data, dict) else None
        if command == "hello":
            self.write_message(HELLO)
        elif command == "info":
            self.page = page_file(data.get("url"))
            self.hub.sockets.add(self)

    def on_close(self) -> None:
        self.hub.sockets.discard(self)


def page_file(url: object) -> str | None:
    """The output file of the page at ``url`` ("http://127.0.0.1:8000/incidents/x/" -> "incidents/x/index.html")."""
    if not isinstance(url, str):
        return None
    path = unquote(urlsplit(url).path).lstrip("/")
    return output_file(path)


class ReloadClient(web.RequestHandler):
    """``/livereload.js``: the browser half of live reload."""

    def initialize(self, script: bytes) -> None:
        self.script = script

    def get(self) -> None:
        self.set_header("Content-Type", "application/javascript; charset=utf-8")
        self.write(self.script)


class OutputFiles(web.StaticFileHandler):
    """The built site. Never cached, so that a reload always shows the latest build."""

    def should_return_304(self) -> bool:
        return False

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-store")


class InjectReloadScript(web.OutputTransform):
    """Adds the reload script before ``</head>`` of every HTML page, as livereload does."""

    def transform_first_chunk(self, status_code: int, headers: httputil.HTTPHeaders, chunk: bytes,
                              finishing: bool) -> tuple[int, httputil.HTTPHeaders, bytes]:
        if "html" in headers.get("Content-Type", "") and HEAD_END in chunk:
            chunk = chunk.replace(HEAD_END, RELOAD_SCRIPT + HEAD_END, 1)
            if "Content-Length" in headers:
                headers["Content-Length"] = str(int(headers["Content-Length"]) + len(RELOAD_SCRIPT))
        return status_code, headers, chunk


class Refuse(web.RequestHandler):
    """A short plain-text refusal, whatever the method or path."""

    def initialize(self, status: int, text: str) -> None:
        self.status, self.text = status, text

    def prepare(self) -> None:
        self.set_status(self.status)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(self.text)


class PreviewApplication(web.Application):
    """Serves ``root``; requests for another Host, or from another Origin, never reach a handler."""

    def __init__(self, root: Path, authorities: frozenset[str], hub: ReloadHub, url: str,
                 report: Callable[[str], None] | None = None) -> None:
        self.authorities, self.url = authorities, url
        self.report = report or _print_refusal
        self.reported: set[str] = set()
        handlers: list[Any] = [
            (r"/livereload", ReloadSocket, {"hub": hub, "authorities": authorities}),
            (r"/livereload\.js", ReloadClient, {"script": livereload_js()}),
            (r"/(.*)", OutputFiles, {"path": str(root), "default_filename": "index.html"}),
        ]
        super().__init__(handlers, transforms=[InjectReloadScript], websocket_max_message_size=MAX_MESSAGE)

    def find_handler(self, request: httputil.HTTPServerRequest, **kwargs: Any) -> web._HandlerDelegate:
        host, origin = request.headers.get("Host"), request.headers.get("Origin")
        if not host_allowed(host, self.authorities):
            self._note(f"Host {host!r}")
            return self._refuse(request, 421, f"docket: this preview answers only requests for {self.url}\n")
        if not origin_allowed(origin, self.authorities):
            self._note(f"Origin {origin!r}")
            return self._refuse(request, 403, f"docket: this preview answers only its own pages ({self.url})\n")
        return super().find_handler(request, **kwargs)

    def _refuse(self, request: httputil.HTTPServerRequest, status: int, text: str) -> web._HandlerDelegate:
        return self.get_handler_delegate(request, Refuse, {"status": status, "text": text})

    def _note(self, what: str) -> None:
        # Say so once per Host or Origin: a page trying this may do it in a loop.
        if what in self.reported or len(self.reported) >= MAX_REPORTED_HOSTS:
            return
        self.reported.add(what)
        self.report(f"docket: refused a request with {what}: the preview answers only {self.url} "
                    "(to preview from another machine, pass --host with the address it uses)")


def _print_refusal(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
