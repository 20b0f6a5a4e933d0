"""`docket serve`: who it answers, the port it prints, how it survives errors, the drafts banner.

Every preview here is a real ``docket serve --port 0`` subprocess on a
temporary site (see ``preview.py``), talked to over loopback with raw HTTP,
a raw WebSocket handshake or urllib. Waits are bounded polls.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import http.client
import json
import os
import socket
from collections.abc import Coroutine
from pathlib import Path
from typing import TypeVar

import pytest
from bs4 import BeautifulSoup
from helpers import docket, page, write_site
from preview import Preview, preview, wait_for
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

T = TypeVar("T")

INCIDENT = """\
---
title: {title}
date: 2023-03-27
---
The fire began at night.
"""
FIRE = "content/incidents/fire.md"
# A site's own incident template, extending the theme's, so that the tests can break it.
TEMPLATE = ('{% extends "default/incident.html" %}\n'
            '{% block content %}<p class="marker">{{ marker }}</p>{{ super() }}{% endblock %}\n')


def fire(title: str = "Fire at the depot") -> str:
    return INCIDENT.format(title=title)


def small_site(root: Path, **extra: str) -> Path:
    return write_site(root / "site", {FIRE: fire(), **extra})


def raw_get(preview_: Preview, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    """GET ``path`` with exactly these headers (``Host`` included): status and body."""
    conn = http.client.HTTPConnection("127.0.0.1", preview_.port, timeout=5)
    try:
        conn.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def handshake(preview_: Preview, host: str, origin: str | None) -> int:
    """The status of a WebSocket handshake with /livereload (101 means accepted)."""
    key = base64.b64encode(os.urandom(16)).decode()
    lines = ["GET /livereload HTTP/1.1", f"Host: {host}", "Upgrade: websocket", "Connection: Upgrade",
             f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
    if origin is not None:
        lines.append(f"Origin: {origin}")
    with socket.create_connection(("127.0.0.1", preview_.port), timeout=5) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        status_line = sock.makefile("rb").readline().decode("latin-1")
    return int(status_line.split()[1])


# -- the port ---------------------------------------------------------------------


def test_port_zero_serves_on_the_real_port_it_prints(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    with preview(site, log=tmp_path / "serve.log") as p:
        assert p.port != 0 and p.url == f"http://127.0.0.1:{p.port}/", p.output()
        home = wait_for(lambda: p.fetch(""))
        assert home and "Test site" in home, p.output()
        assert "livereload.js" in home  # the reload script is injected into served pages


def test_a_port_in_use_is_a_usage_error_without_a_traceback(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        run = docket("serve", site, "--port", str(taken.getsockname()[1]), timeout=30)
    assert run.returncode == 2, run.describe()
    assert "Traceback" not in run.output, run.describe()
    assert "cannot listen on 127.0.0.1:" in run.stderr and "--port 0" in run.stderr, run.describe()


# -- DNS rebinding: the Host and Origin rule ----------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    """One preview shared by the Host and Origin tests (they change nothing)."""
    root = tmp_path_factory.mktemp("served")
    with preview(small_site(root), log=root / "serve.log") as p:
        assert wait_for(lambda: p.fetch("incidents/fire/")), p.output()
        yield p


FORGED_HOSTS = ["evil.example:{port}", "evil.example", "127.0.0.1.evil.example:{port}",
                "localhost.evil.example:{port}", "127.0.0.1:{other}", "localhost", "0.0.0.0:{port}"]


@pytest.mark.parametrize("path", ["/", "/incidents/fire/", "/livereload.js", "/assets/docket.css"])
@pytest.mark.parametrize("host", FORGED_HOSTS)
def test_a_request_for_another_host_is_refused(served: Preview, host: str, path: str) -> None:
    forged = host.format(port=served.port, other=served.port + 1)
    status, body = raw_get(served, path, {"Host": forged})
    assert status in (403, 421), (status, body[:200])
    assert body.strip() and len(body) < 400  # a short text saying why
    assert b"Fire at the depot" not in body and b"livereload" not in body.lower()


def test_a_request_without_host_is_refused(served: Preview) -> None:
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as sock:
        sock.sendall(b"GET /incidents/fire/ HTTP/1.0\r\n\r\n")
        status_line = sock.makefile("rb").readline().decode("latin-1")
    assert status_line.split()[1] in ("400", "403", "421"), status_line


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}", "[::1]:{port}"])
def test_the_addresses_it_listens_on_are_answered(served: Preview, host: str) -> None:
    status, body = raw_get(served, "/incidents/fire/", {"Host": host.format(port=served.port)})
    assert status == 200 and b"Fire at the depot" in body


@pytest.mark.parametrize("origin", ["http://evil.example", "http://evil.example:{port}", "null",
                                    "http://127.0.0.1:{other}", "http://127.0.0.1.evil.example:{port}"])
def test_a_websocket_from_a_foreign_origin_is_refused(served: Preview, origin: str) -> None:
    status = handshake(served, f"127.0.0.1:{served.port}", origin.format(port=served.port, other=served.port + 1))
    assert status == 403


def test_a_rebound_websocket_is_refused(served: Preview) -> None:
    # After DNS rebinding, the attacker's page and Host agree with each other, but not with the preview.
    assert handshake(served, f"evil.example:{served.port}", f"http://evil.example:{served.port}") in (403, 421)


@pytest.mark.parametrize("origin", ["http://127.0.0.1:{port}", "http://localhost:{port}", None])
def test_a_websocket_from_the_preview_itself_is_accepted(served: Preview, origin: str | None) -> None:
    host = f"127.0.0.1:{served.port}"
    assert handshake(served, host, origin.format(port=served.port) if origin else None) == 101


def test_forcereload_is_not_served(served: Preview) -> None:
    # livereload's /forcereload let any page that can make a GET reload every open preview.
    status, _ = raw_get(served, "/forcereload", {"Host": f"127.0.0.1:{served.port}"})
    assert status == 404


MALFORMED = ["/%00", "/incidents/a%00b.html", "/%2500", "/incidents/%25%30%30/", "/%ff", "/%c0%af",
             "/%0a", "/" + "a" * 300, "/" + "a/" * 3000]


@pytest.mark.parametrize("path", MALFORMED, ids=lambda p: p[:24])
def test_a_malformed_path_is_a_bad_request_and_no_traceback(served: Preview, path: str) -> None:
    status, body = raw_get(served, path, {"Host": f"127.0.0.1:{served.port}"})
    assert status == 400, (status, body[:200])
    assert body.strip() and len(body) < 400  # a short text saying why
    log = served.output()
    for noise in ("Traceback", "Uncaught exception", "Invalid unicode", "ValueError"):
        assert noise not in log, log
    ok, page_ = raw_get(served, "/incidents/fire/", {"Host": f"127.0.0.1:{served.port}"})
    assert ok == 200 and b"Fire at the depot" in page_  # still serving


# -- rebuilding and reloading ----------------------------------------------------------


async def reload_message(url: str, origin: str, edit: Path, text: str) -> dict[str, object]:
    """Speak livereload's protocol as its script does, edit a file, and return the next message."""
    socket_url = url.replace("http://", "ws://") + "livereload"
    conn = await asyncio.wait_for(websocket_connect(HTTPRequest(socket_url, headers={"Origin": origin})), 5)
    try:
        await conn.write_message(json.dumps({"command": "hello", "protocols": [
            "http://livereload.com/protocols/official-7"]}))
        hello = json.loads(str(await asyncio.wait_for(conn.read_message(), 5)))
        assert hello["command"] == "hello"
        await conn.write_message(json.dumps({"command": "info", "url": url, "plugins": {}}))
        await asyncio.sleep(0.3)  # let the server register this page before the edit
        edit.write_text(text, encoding="utf-8")
        message: dict[str, object] = json.loads(str(await asyncio.wait_for(conn.read_message(), 20)))
        return message
    finally:
        conn.close()


def run_in_own_thread(coroutine: Coroutine[object, object, T]) -> T:
    """asyncio.run in a fresh thread: Playwright's sync API keeps a loop running in this one on the same worker."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_an_edit_rebuilds_and_tells_open_pages_to_reload(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    with preview(site, log=tmp_path / "serve.log") as p:
        message = run_in_own_thread(reload_message(p.url, p.url.rstrip("/"), site / FIRE, fire("Blaze at the depot")))
        assert message["command"] == "reload", message
        assert "Blaze at the depot" in (p.fetch("incidents/fire/") or ""), p.output()


def test_a_broken_template_is_reported_and_the_fix_is_served(tmp_path: Path) -> None:
    site = small_site(tmp_path, **{"templates/incident.html": TEMPLATE.replace("{{ marker }}", "first")})
    template = site / "templates/incident.html"
    with preview(site, log=tmp_path / "serve.log") as p:
        assert "first" in (wait_for(lambda: p.fetch("incidents/fire/")) or ""), p.output()
        template.write_text("{% extends 'default/incident.html' %}\n{% block content %}{{ oops( }}{% endblock %}\n")
        assert wait_for(lambda: "templates/incident.html:2: error: template error" in p.output()), p.output()
        assert "first" in (p.fetch("incidents/fire/") or "")  # the last good build is still served
        template.write_text(TEMPLATE.replace("{{ marker }}", "{{ no_such_macro() }}"), encoding="utf-8")
        assert wait_for(lambda: "no_such_macro" in p.output()), p.output()
        template.write_text(TEMPLATE.replace("{{ marker }}", "fixed"), encoding="utf-8")
        assert wait_for(lambda: "fixed" in (p.fetch("incidents/fire/") or "")), p.output()
        assert "Traceback" not in p.output()


def test_content_and_site_yaml_errors_are_reported_and_recovered_from(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    with preview(site, log=tmp_path / "serve.log") as p:
        assert wait_for(lambda: p.fetch("incidents/fire/")), p.output()
        (site / FIRE).write_text(fire("Broken").replace("2023-03-27", "2023-13-45"), encoding="utf-8")
        assert wait_for(lambda: "invalid date" in p.output()), p.output()
        config = (site / "site.yaml").read_text(encoding="utf-8")
        (site / "site.yaml").unlink()
        assert wait_for(lambda: "no site.yaml" in p.output()), p.output()
        (site / "site.yaml").write_text(config, encoding="utf-8")
        (site / FIRE).write_text(fire("Fixed at the depot"), encoding="utf-8")
        assert wait_for(lambda: "Fixed at the depot" in (p.fetch("incidents/fire/") or "")), p.output()
        assert "Traceback" not in p.output()


def test_a_dangling_symlink_in_static_does_not_stop_the_watching(tmp_path: Path) -> None:
    site = small_site(tmp_path, **{"static/ok.txt": "ok\n"})
    with preview(site, log=tmp_path / "serve.log") as p:
        assert wait_for(lambda: p.fetch("incidents/fire/")), p.output()
        reports = p.count("docket: ")
        os.symlink("no-such-file.txt", site / "static/gone.txt")
        assert wait_for(lambda: "gone.txt" in p.output() or p.count("docket: ") > reports), p.output()
        reports = p.count("docket: ")
        (site / FIRE).write_text(fire("Blaze at the depot"), encoding="utf-8")
        # The edit is rebuilt (whether the link is an error or skipped with a warning)...
        assert wait_for(lambda: p.count("docket: ") > reports), p.output()
        (site / "static/gone.txt").unlink()
        (site / FIRE).write_text(fire("Fixed at the depot"), encoding="utf-8")
        # ...and once the link is gone, the site is served fresh.
        assert wait_for(lambda: "Fixed at the depot" in (p.fetch("incidents/fire/") or "")), p.output()
        assert "Traceback" not in p.output()


EDITOR_LEFTOVERS = [".fire.md.swp", ".fire.md.swx", "fire.md~", "4913", "#fire.md#", ".#fire.md",
                    "fire.md___jb_tmp___", "fire.md___jb_old___", ".goutputstream-ABC123", ".fire.md.kate-swp"]


def test_editor_temporary_files_do_not_trigger_a_rebuild(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    folder = site / "content/incidents"
    with preview(site, log=tmp_path / "serve.log") as p:
        assert wait_for(lambda: p.fetch("incidents/fire/")), p.output()
        before = p.count("docket: ")
        for name in EDITOR_LEFTOVERS:
            (folder / name).write_text("scratch\n", encoding="utf-8")
        (site / "content/.obsidian").mkdir()
        (site / "content/.obsidian/workspace.json").write_text("{}\n", encoding="utf-8")
        assert not wait_for(lambda: p.count("docket: ") > before, timeout=2.0), p.output()
        for name in EDITOR_LEFTOVERS:
            (folder / name).unlink()
        (site / FIRE).write_text(fire("Blaze at the depot"), encoding="utf-8")
        assert wait_for(lambda: "Blaze at the depot" in (p.fetch("incidents/fire/") or "")), p.output()


# -- the drafts banner -----------------------------------------------------------------

DRAFTS = {
    FIRE: fire(),
    "content/incidents/secret.md": "---\ntitle: Secret raid\ndate: 2023-04-01\ndraft: true\n---\nText.\n",
    "content/incidents/embargoed.md": ("---\ntitle: Embargoed raid\ndate: 2023-04-02\n"
                                       "publish_after: 2999-05-01\n---\nText.\n"),
    "content/incidents/lifted.md": ("---\ntitle: Lifted raid\ndate: 2023-04-03\n"
                                    "publish_after: 2001-05-01\n---\nText.\n"),
    "content/reports/review.md": "---\ntitle: Review\ndate: 2023-05-01\ndraft: true\n---\nText.\n",
    "content/pages/about.md": "---\ntitle: About\npublish_after: 2999-01-01T09:30:00Z\n---\nText.\n",
}


def banner_text(soup) -> str | None:
    main = soup.find("main")
    banner = main.find(class_="unpublished-banner") if main else None
    if banner is None:
        return None
    assert banner.get("role") == "status"
    return " ".join(banner.get_text(" ", strip=True).split())


def test_drafts_and_embargoed_items_carry_a_banner_in_a_drafts_build(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", DRAFTS)
    run = docket("build", site, "--drafts")
    assert run.returncode == 0, run.describe()
    assert "Draft — not published" in (banner_text(page(site, "incidents/secret/")) or "")
    assert "Draft — not published" in (banner_text(page(site, "reports/review/")) or "")
    assert "Embargoed until 1 May 2999" in (banner_text(page(site, "incidents/embargoed/")) or "")
    assert "Embargoed until 1 January 2999, 09:30 UTC" in (banner_text(page(site, "about/")) or "")
    for published in ("incidents/fire/", "incidents/lifted/", "", "incidents/"):
        assert banner_text(page(site, published)) is None, published


def test_a_normal_build_has_no_banner_anywhere(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", DRAFTS)
    run = docket("build", site)
    assert run.returncode == 0, run.describe()
    assert not (site / "output/incidents/secret").exists()
    built = sorted((site / "output").rglob("*.html"))
    assert built and not any("unpublished-banner" in f.read_text(encoding="utf-8") for f in built)


def test_the_preview_shows_the_banner_on_drafts(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", DRAFTS)
    with preview(site, log=tmp_path / "serve.log") as p:
        draft = wait_for(lambda: p.fetch("incidents/secret/"))
        assert draft and "Draft — not published" in draft, p.output()
        assert "unpublished-banner" not in (p.fetch("incidents/fire/") or "unpublished-banner")


def test_an_edit_is_served_at_once_by_a_fast_render_then_the_full_build_updates_the_rest(tmp_path: Path) -> None:
    site = small_site(tmp_path, **{"content/incidents/flood.md": INCIDENT.format(title="Flood at the shelter")})
    with preview(site, log=tmp_path / "serve.log") as p:
        assert "Fire at the depot" in (wait_for(lambda: p.fetch("incidents/")) or ""), p.output()
        (site / FIRE).write_text(fire("Blaze at the depot"), encoding="utf-8")
        assert wait_for(lambda: "Blaze at the depot" in (p.fetch("incidents/fire/") or "")), p.output()
        # The list showing its title is not the edited page: the full build after the fast render updates it.
        assert wait_for(lambda: "Blaze at the depot" in (p.fetch("incidents/") or "")), p.output()
        assert "docket: fast render of /incidents/fire/" in p.output()
        heading = BeautifulSoup(p.fetch("incidents/fire/") or "", "html.parser").find("h1")
        assert heading is not None and heading.get_text(strip=True) == "Blaze at the depot"


def test_an_edit_that_breaks_the_file_skips_the_fast_render_and_is_reported(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    with preview(site, log=tmp_path / "serve.log") as p:
        assert wait_for(lambda: p.fetch("incidents/fire/")), p.output()
        (site / FIRE).write_text(fire("Fire").replace("2023-03-27", "2023-13-45"), encoding="utf-8")
        assert wait_for(lambda: "invalid date '2023-13-45'" in p.output()), p.output()
        assert "fast render" not in p.output()
        assert "Fire at the depot" in (p.fetch("incidents/fire/") or "")  # the last good page is still served


async def reloads_seen(url: str, pages: list[str], edit: Path, text: str, wait: float) -> dict[str, bool]:
    """Open one livereload connection per page, edit a file, and say which pages were told to reload."""
    conns = {}
    for page_path in pages:
        conn = await asyncio.wait_for(websocket_connect(HTTPRequest(url.replace("http://", "ws://") + "livereload",
                                                                    headers={"Origin": url.rstrip("/")})), 5)
        await conn.write_message(json.dumps({"command": "hello", "protocols": [
            "http://livereload.com/protocols/official-7"]}))
        await asyncio.wait_for(conn.read_message(), 5)
        await conn.write_message(json.dumps({"command": "info", "url": url + page_path, "plugins": {}}))
        conns[page_path] = conn
    await asyncio.sleep(0.3)
    edit.write_text(text, encoding="utf-8")
    seen = {}
    for page_path, conn in conns.items():
        try:
            message = await asyncio.wait_for(conn.read_message(), wait)
            seen[page_path] = bool(message) and json.loads(str(message))["command"] == "reload"
        except TimeoutError:
            seen[page_path] = False
        conn.close()
    return seen


def test_only_the_pages_an_edit_changes_are_told_to_reload(tmp_path: Path) -> None:
    site = small_site(tmp_path, **{"content/pages/about.md": "---\ntitle: About us\n---\nWho we are.\n"})
    with preview(site, log=tmp_path / "serve.log") as p:
        assert wait_for(lambda: p.fetch("about/")), p.output()
        seen = run_in_own_thread(reloads_seen(p.url, ["incidents/fire/", "incidents/", "about/"], site / FIRE,
                                              fire("Blaze at the depot"), wait=8))
        assert seen == {"incidents/fire/": True, "incidents/": True, "about/": False}, p.output()
