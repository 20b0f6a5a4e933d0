"""The preview's file handler while builds rename new pages over the old ones.

Each save in the preview renames freshly built pages over the ones being served. Every response
must still be one whole version of the page, its ``Content-Length`` that version's length: the
browser (or urllib) otherwise gets a cut-off page or an ``IncompleteRead``.
"""

from __future__ import annotations

import asyncio
import http.client
import os
import threading
from pathlib import Path

from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop
from tornado.netutil import bind_sockets

from generator.serve.app import PreviewApplication, ReloadHub

VERSIONS = [f"<!doctype html><html><head><title>v{n}</title></head><body>{'x' * size}</body></html>".encode()
            for n, size in ((1, 90_000), (2, 90_036), (3, 5))]


def serve(root: Path) -> tuple[int, IOLoop, threading.Thread]:
    started = threading.Event()
    state: dict[str, object] = {}

    def run() -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        sockets = bind_sockets(0, "127.0.0.1")
        port = sockets[0].getsockname()[1]
        app = PreviewApplication(root, frozenset({f"127.0.0.1:{port}"}), ReloadHub(), f"http://127.0.0.1:{port}/")
        HTTPServer(app).add_sockets(sockets)
        state["port"], state["loop"] = port, IOLoop.current()
        started.set()
        IOLoop.current().start()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(10)
    return int(state["port"]), state["loop"], thread  # type: ignore[arg-type,return-value]


def test_a_page_renamed_over_while_it_is_served_arrives_whole(tmp_path: Path) -> None:
    page = tmp_path / "index.html"
    page.write_bytes(VERSIONS[0])
    port, loop, thread = serve(tmp_path)
    stop = threading.Event()

    def rebuild() -> None:  # as the writer does: a new file, renamed over the old one
        n = 0
        while not stop.is_set():
            n += 1
            staged = tmp_path / f".index.html.{n}"
            staged.write_bytes(VERSIONS[n % len(VERSIONS)])
            os.replace(staged, page)

    writer = threading.Thread(target=rebuild, daemon=True)
    writer.start()
    try:
        for _ in range(400):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", "/")
            response = connection.getresponse()
            body = response.read()  # raises IncompleteRead when the length and the body disagree
            connection.close()
            assert response.status == 200
            assert int(response.headers["Content-Length"]) == len(body)
            served = body.replace(body[body.index(b"<script>"):body.index(b"</head>")], b"")
            assert served in VERSIONS, "the body is not one whole version of the page"
    finally:
        stop.set()
        writer.join()
        loop.add_callback(loop.stop)
        thread.join(5)
