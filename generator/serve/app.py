"""The preview's tornado application: the built site, the live-reload socket, the Host rule.

livereload's own ``Server`` builds a similar application, but it listens
without telling the caller which port it got (so ``--port 0`` could not print
its URL), answers any ``Host`` and accepts WebSockets from any ``Origin``. So
the application is built here from tornado's typed parts, speaking the same
small protocol to livereload's browser script (``livereload.js``, served from
the livereload package), and every request passes the Host and Origin rule of
``origins.py`` before any handler sees it.

Every HTML page served gets the reload script and, after ``<body>``, the
overlay of ``overlay.py`` for the last build (its errors, or its warnings).
While a build fails, an address with no file (every address, when no build has
succeeded yet) gets the overlay on a page of its own, with status 503. The
server remembers which reload each page was served after, so a page that was
reloading while the next reload was sent (its socket closed, the new one not
yet open) is told to reload again as soon as it connects: no reload is lost.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from tornado import httputil, web
from tornado.websocket import WebSocketClosedError, WebSocketHandler

from ..diagnostics import printable
from ..urls import output_file
from .origins import host_allowed, origin_allowed
from .overlay import BuildStatus, no_site_page

HEAD_END = b"</head>"
BODY_START = re.compile(rb"<body(?:\s[^>]*)?>", re.IGNORECASE)
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
# No file Docket writes has a longer name or path (see model.py's bounds); the system's limits.
MAX_NAME_BYTES = 255
MAX_PATH_BYTES = 4096
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def livereload_js() -> bytes:
    return resources.files("livereload").joinpath("vendors/livereload.js").read_bytes()


class ReloadHub:
    """The pages open in browsers, told to reload after each good rebuild (IOLoop thread only).

    Reloads are counted. For each page the hub keeps the count when it was last served and when
    a reload was last meant for it, so a page served before a reload it never got can be told
    to reload when its socket says which page it is.
    """

    def __init__(self) -> None:
        self.sockets: set[ReloadSocket] = set()
        self.count = 0  # reloads sent so far
        self.for_all = 0  # the count at the last reload meant for every page
        self.meant: dict[str, int] = {}  # output file -> the count at the last reload meant for it
        self.served: dict[str, int] = {}  # output file -> the count when it was last served

    def reload(self, path: str, pages: frozenset[str] | None = None) -> None:
        """Tell open pages to reload; with ``pages`` (output files), only the pages among them.

        A page whose file did not change is left alone, so a writer reading the list of
        incidents is not interrupted by an edit that does not show there.
        """
        self.count += 1
        if pages is None:
            self.for_all = self.count
        else:
            self.meant.update(dict.fromkeys(pages, self.count))
        for sock in list(self.sockets):
            if pages is not None and sock.page is not None and sock.page not in pages:
                continue
            self.send(sock, path)

    def send(self, sock: ReloadSocket, path: str) -> None:
        # liveCSS: a changed stylesheet is swapped in place; anything else reloads the page.
        try:
            sock.write_message({"command": "reload", "path": path, "liveCSS": True, "liveImg": True})
        except WebSocketClosedError:
            self.sockets.discard(sock)

    def page_served(self, page: str) -> None:
        self.served[page] = self.count

    def missed(self, page: str) -> bool:
        """Whether a reload meant for ``page`` was sent after the browser fetched it."""
        served = self.served.get(page)
        return served is not None and max(self.for_all, self.meant.get(page, 0)) > served


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
            if self.page is not None and self.hub.missed(self.page):
                self.hub.send(self, self.page)  # it was loading while a reload was sent

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
    """The built site. Never cached, so that a reload always shows the latest build.

    A file is read whole, once, when its path is checked, and its length, ETag and body all
    come from those bytes. Tornado's own handler takes the length from one ``stat`` and the body
    from a later ``open``: a build renaming a new page over the old one in between (every save in
    the preview does) made a response whose ``Content-Length`` was not its body's length.
    """

    def initialize(self, path: str, default_filename: str | None = None,  # type: ignore[override]
                   status: Callable[[], BuildStatus] = BuildStatus) -> None:
        super().initialize(path, default_filename)
        self.status = status
        self.body = b""

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        checked = super().validate_absolute_path(root, absolute_path)
        if checked is not None:
            try:
                self.body = Path(checked).read_bytes()
            except (FileNotFoundError, IsADirectoryError):  # removed by a build since the check
                raise web.HTTPError(404) from None
        return checked

    def get_content_size(self) -> int:
        return len(self.body)

    def get_content(self, abspath: str, start: int | None = None,  # type: ignore[override]
                    end: int | None = None) -> bytes:
        return self.body[start:end]

    def log_exception(self, typ: type[BaseException] | None, value: BaseException | None,
                      tb: TracebackType | None) -> None:
        # A refusal (403 for "..", 404) is the answer, not news for the writer's terminal.
        if not isinstance(value, web.HTTPError):
            super().log_exception(typ, value, tb)

    def compute_etag(self) -> str:
        # Of these bytes: the handler's own cache keeps one version per path for the server's life.
        return f'"{hashlib.sha256(self.body).hexdigest()}"'

    def should_return_304(self) -> bool:
        return False

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-store")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """While the build fails, a missing page is the overlay's own page (503), not a bare 404.

        So a site broken from the start, or a new page whose file has the error, shows what is wrong.
        """
        if status_code != 404 or not self.status().failed:
            super().write_error(status_code, **kwargs)
            return
        self.set_status(503)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(no_site_page())


def preview_transform(status: Callable[[], BuildStatus], hub: ReloadHub) -> type[web.OutputTransform]:
    """The transform of every response, bound to the build status and the hub of this preview."""

    class InjectPreview(web.OutputTransform):
        """Adds the reload script before ``</head>`` and the overlay after ``<body>`` of every HTML page."""

        def __init__(self, request: httputil.HTTPServerRequest) -> None:
            super().__init__(request)
            self.page = page_file(request.path)

        def transform_first_chunk(self, status_code: int, headers: httputil.HTTPHeaders, chunk: bytes,
                                  finishing: bool) -> tuple[int, httputil.HTTPHeaders, bytes]:
            if "html" not in headers.get("Content-Type", ""):
                return status_code, headers, chunk
            if self.page is not None:
                hub.page_served(self.page)
            new = inject(chunk, status().fragment)
            if "Content-Length" in headers:
                headers["Content-Length"] = str(int(headers["Content-Length"]) + len(new) - len(chunk))
            return status_code, headers, new

    return InjectPreview


def inject(chunk: bytes, fragment: bytes) -> bytes:
    """The reload script before ``</head>``; the overlay first in ``<body>`` (first in the tab order).

    The overlay is fixed in the window, so where it sits in the page does not move anything else.
    """
    if HEAD_END in chunk:
        chunk = chunk.replace(HEAD_END, RELOAD_SCRIPT + HEAD_END, 1)
    if not fragment:
        return chunk
    body = BODY_START.search(chunk)
    if body is not None:
        return chunk[:body.end()] + fragment + chunk[body.end():]
    head_end = chunk.find(HEAD_END)
    if head_end >= 0:  # no <body> tag (it is optional): the parser opens the body at the overlay
        at = head_end + len(HEAD_END)
        return chunk[:at] + fragment + chunk[at:]
    return chunk


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
                 report: Callable[[str], None] | None = None,
                 status: Callable[[], BuildStatus] = BuildStatus) -> None:
        self.authorities, self.url = authorities, url
        self.report = report or _print_refusal
        self.reported: set[str] = set()
        handlers: list[Any] = [
            (r"/livereload", ReloadSocket, {"hub": hub, "authorities": authorities}),
            (r"/livereload\.js", ReloadClient, {"script": livereload_js()}),
            (r"/(.*)", OutputFiles, {"path": str(root), "default_filename": "index.html", "status": status}),
        ]
        # No access log: the writer's terminal shows Docket's own lines only.
        super().__init__(handlers, transforms=[preview_transform(status, hub)], log_function=_no_log,
                         websocket_max_message_size=MAX_MESSAGE)

    def find_handler(self, request: httputil.HTTPServerRequest, **kwargs: Any) -> web._HandlerDelegate:
        host, origin = request.headers.get("Host"), request.headers.get("Origin")
        if not host_allowed(host, self.authorities):
            self._note(f"Host {host!r}")
            return self._refuse(request, 421, f"docket: this preview answers only requests for {self.url}\n")
        if not origin_allowed(origin, self.authorities):
            self._note(f"Origin {origin!r}")
            return self._refuse(request, 403, f"docket: this preview answers only its own pages ({self.url})\n")
        why = malformed(request.path)
        if why is not None:
            return self._refuse(request, 400, f"docket: bad request: {why}\n")
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


def malformed(raw: str) -> str | None:
    """Why the request path ``raw`` (still percent-encoded) names no file Docket could have written.

    Checked before any handler: a NUL made tornado's own ``realpath`` raise (a 500 and a traceback
    on the writer's terminal), and invalid UTF-8 was refused with a log line. A control character
    escaped twice (``%2500``) is refused too, whatever decodes it a second time.
    """
    data = unquote_to_bytes(raw)
    try:
        path = data.decode("utf-8")
    except UnicodeDecodeError:
        return "the path is not valid UTF-8"
    if CONTROL.search(path) or CONTROL.search(unquote(path)):
        return "the path holds a control character (such as NUL)"
    if len(data) > MAX_PATH_BYTES or any(len(part) > MAX_NAME_BYTES for part in data.split(b"/")):
        return "the path is too long"
    return None


def _no_log(handler: web.RequestHandler) -> None:
    pass


def _print_refusal(line: str) -> None:
    print(printable(line), file=sys.stderr, flush=True)  # it quotes a request's Host or Origin header
