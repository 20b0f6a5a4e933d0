"""`docket serve`'s browser overlay and its reloads: what a writer sees in the page while a build fails.

Each test starts a real ``docket serve --port 0`` on a temporary site (see
``preview.py``), edits files as an editor would, and reads what the preview
serves (parsed with BeautifulSoup) and what its livereload socket says (a
WebSocket client speaking livereload's protocol, as its browser script does).
Every test ends by checking that the server is still alive and that its log
holds Docket's own lines only.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import time
from pathlib import Path

from bs4 import BeautifulSoup, Tag
from helpers import DIAGNOSTIC, dedent, docket, line_of, write_site
from preview import Preview, preview, wait_for
from test_serve import run_in_own_thread
from tornado.httpclient import HTTPRequest
from tornado.websocket import WebSocketClientConnection, websocket_connect

FIRE = "content/incidents/fire.md"
ABOUT = "content/pages/about.md"
GOOD = """
    ---
    title: {title}
    date: 2023-03-27
    ---
    The fire began at night.

    Crews arrived <soon> & stayed.

    It burned until {end}.
    """
BROKEN_LINE = "Crews arrived <soon> & stayed [@no-such-source]."
DOCKET_LINE = re.compile(r"^(docket: |\d+ errors?, \d+ warnings?$)")


def good(title: str = "Fire at the depot", end: str = "dawn") -> str:
    return GOOD.format(title=title, end=end)


def broken() -> str:
    return good().replace("Crews arrived <soon> & stayed.", BROKEN_LINE)


def write(site: Path, name: str, text: str) -> None:
    """Save as most editors do: the new text written beside the file, then renamed over it."""
    scratch = site / (name + ".docket-test~")
    scratch.write_text(dedent(text), encoding="utf-8")
    scratch.replace(site / name)


def small_site(root: Path, text: str | None = None) -> Path:
    return write_site(root / "site", {FIRE: text or good(), ABOUT: "---\ntitle: About us\n---\nWho we are.\n"})


def soup_of(html: str | None) -> BeautifulSoup:
    return BeautifulSoup(html or "", "html.parser")


def error_overlay(html: str | None) -> Tag | None:
    found = soup_of(html).find("dialog", id="docket-errors")
    return found if isinstance(found, Tag) else None


def listed(overlay: Tag) -> list[str]:
    return [code.get_text() for code in overlay.select("code.docket-diagnostic")]


def assert_healthy(p: Preview) -> None:
    """The server survived, still serves, and printed nothing but Docket's own lines (no tornado log)."""
    assert p.proc.poll() is None, p.output()
    assert p.response("about/") is not None, p.output()
    foreign = [line for line in p.output().splitlines() if not (DOCKET_LINE.match(line) or DIAGNOSTIC.match(line))]
    assert not foreign, p.output()
    assert "Traceback" not in p.output()


# -- the overlay in the served HTML -------------------------------------------------------


def test_a_broken_citation_shows_the_overlay_with_a_code_frame_and_the_fix_removes_it(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    line = line_of(broken(), BROKEN_LINE)
    with preview(site, log=tmp_path / "serve.log") as p:
        page = wait_for(lambda: p.fetch("incidents/fire/"))
        assert page and error_overlay(page) is None and "docket-warnings" not in page, p.output()
        write(site, FIRE, broken())
        overlay = wait_for(lambda: error_overlay(p.fetch("incidents/fire/")))
        assert overlay is not None, p.output()
        lines = listed(overlay)
        assert len(lines) == 1 and lines[0].startswith(f"{FIRE}:{line}: error: body: unknown source 'no-such-source'")
        assert lines[0] in p.output()  # the same line as the terminal's
        assert overlay.get("open") is not None and overlay.find(id="docket-errors-title") is not None
        frame = overlay.find("pre")
        assert isinstance(frame, Tag) and frame.get("tabindex") == "0"  # scrollable, so keyboard-reachable
        numbers = [int(g.get_text().lstrip("> ")) for g in frame.select(".docket-gutter")]
        assert numbers == list(range(line - 2, line + 3)), numbers
        marked = frame.find("mark")
        assert isinstance(marked, Tag) and marked.get_text().endswith(BROKEN_LINE)  # escaped, so shown as written
        assert marked.select_one(".docket-gutter").get_text().endswith(str(line))
        assert frame.find("soon") is None  # the source's "<soon>" is text, not an element
        # The last good page is still served underneath, and every other page carries the overlay too.
        assert "Crews arrived" in soup_of(p.fetch("incidents/fire/")).find("main").get_text()
        assert error_overlay(p.fetch("about/")) is not None
        assert error_overlay(p.fetch("")) is not None
        write(site, FIRE, good("Fire at the depot, fixed"))
        fixed = wait_for(lambda: (lambda html: html if html and "fixed" in html and error_overlay(html) is None
                                  else None)(p.fetch("incidents/fire/")))
        assert fixed is not None, p.output()
        assert error_overlay(p.fetch("about/")) is None
        assert_healthy(p)


def test_the_fast_render_reports_the_edited_files_errors_before_the_full_build(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    with preview(site, log=tmp_path / "serve.log") as p:
        assert wait_for(lambda: p.fetch("incidents/fire/")), p.output()
        write(site, FIRE, broken())
        assert wait_for(lambda: "docket: build failed" in p.output()), p.output()
        log = p.output()
        found = re.search(rf"^docket: {FIRE}: 1 error found in (\d+) ms, shown in the preview", log, re.MULTILINE)
        assert found, log
        assert log.index(found.group(0)) < log.index("docket: build failed")
        assert_healthy(p)


def test_a_template_error_and_a_missing_site_yaml_show_in_the_overlay(tmp_path: Path) -> None:
    template = '{% extends "default/incident.html" %}\n{% block content %}{{ super() }}{% endblock %}\n'
    site = write_site(tmp_path / "site", {FIRE: good(), "templates/incident.html": template})
    with preview(site, log=tmp_path / "serve.log") as p:
        assert wait_for(lambda: p.fetch("incidents/fire/")), p.output()
        (site / "templates/incident.html").write_text(template.replace("super()", "oops("), encoding="utf-8")
        overlay = wait_for(lambda: error_overlay(p.fetch("incidents/fire/")))
        assert overlay is not None, p.output()
        assert any(text.startswith("templates/incident.html:2: error:") for text in listed(overlay)), listed(overlay)
        marked = overlay.find("mark")
        assert isinstance(marked, Tag) and "oops(" in marked.get_text()
        (site / "templates/incident.html").write_text(template, encoding="utf-8")
        assert wait_for(lambda: error_overlay(p.fetch("incidents/fire/")) is None or None), p.output()
        config = (site / "site.yaml").read_text(encoding="utf-8")
        (site / "site.yaml").unlink()
        overlay = wait_for(lambda: error_overlay(p.fetch("incidents/fire/")))
        assert overlay is not None and any("no site.yaml" in text for text in listed(overlay)), p.output()
        (site / "site.yaml").write_text(config, encoding="utf-8")
        assert wait_for(lambda: error_overlay(p.fetch("incidents/fire/")) is None or None), p.output()
        assert_healthy(p)


def test_a_site_broken_at_start_serves_the_overlay_not_404_until_it_is_fixed(tmp_path: Path) -> None:
    site = small_site(tmp_path, broken())
    with preview(site, log=tmp_path / "serve.log") as p:
        for path in ("", "incidents/fire/", "no/such/page/"):
            answer = p.response(path)
            assert answer is not None, p.output()
            status, html = answer
            assert status == 503, (path, status)
            overlay = error_overlay(html)
            assert overlay is not None, html
            assert any(text.startswith(f"{FIRE}:{line_of(broken(), BROKEN_LINE)}: error:") for text in listed(overlay))
            assert "livereload.js" in html  # so the page reloads by itself once the site builds
        write(site, FIRE, good())
        assert wait_for(lambda: (p.response("incidents/fire/") or (0, ""))[0] == 200), p.output()
        status, html = p.response("incidents/fire/") or (0, "")
        assert error_overlay(html) is None and soup_of(html).find("h1").get_text(strip=True) == "Fire at the depot"
        assert (p.response("no/such/page/") or (0, ""))[0] == 404  # a good build: a missing page is missing
        assert_healthy(p)


def test_warnings_of_a_good_build_show_as_a_dismissible_bar(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    with_warning = good().replace("date: 2023-03-27", "date: 2023-03-27\n    colour: red")
    with preview(site, log=tmp_path / "serve.log") as p:
        assert wait_for(lambda: p.fetch("incidents/fire/")), p.output()
        write(site, FIRE, with_warning)
        bar = wait_for(lambda: soup_of(p.fetch("about/")).find("dialog", id="docket-warnings"))
        assert isinstance(bar, Tag), p.output()
        lines = [code.get_text() for code in bar.select("code.docket-diagnostic")]
        assert lines and lines[0].startswith(f"{FIRE}:{line_of(with_warning, 'colour')}: warning: colour: unknown key")
        form = bar.find("form")
        assert isinstance(form, Tag) and form.get("method") == "dialog" and form.find("button") is not None
        assert error_overlay(p.fetch("about/")) is None  # the build is good: no error overlay
        write(site, FIRE, good())
        assert wait_for(lambda: "docket-warnings" not in (p.fetch("about/") or "docket-warnings") or None), p.output()
        assert_healthy(p)


# -- reloads ------------------------------------------------------------------------------


async def connect(url: str, page_path: str) -> WebSocketClientConnection:
    """A livereload client as livereload.js is: hello, then info with the page's URL."""
    conn = await asyncio.wait_for(websocket_connect(HTTPRequest(
        url.replace("http://", "ws://") + "livereload", headers={"Origin": url.rstrip("/")})), 5)
    await conn.write_message(json.dumps({"command": "hello", "protocols": [
        "http://livereload.com/protocols/official-7"]}))
    hello = json.loads(str(await asyncio.wait_for(conn.read_message(), 5)))
    assert hello["command"] == "hello"
    await conn.write_message(json.dumps({"command": "info", "url": url + page_path, "plugins": {}}))
    return conn


async def next_reload(conn: WebSocketClientConnection, wait: float) -> bool:
    try:
        message = await asyncio.wait_for(conn.read_message(), wait)
    except TimeoutError:
        return False
    return message is not None and json.loads(str(message))["command"] == "reload"


async def reloads_on_break_and_fix(p: Preview, site: Path) -> list[dict[str, bool]]:
    pages = ["incidents/fire/", "about/"]
    conns = [await connect(p.url, page) for page in pages]
    await asyncio.sleep(0.3)  # let the server register them
    seen = []
    for text in (broken(), good("Fire at the depot, fixed")):
        write(site, FIRE, text)
        seen.append({page: await next_reload(conn, 15) for page, conn in zip(pages, conns, strict=True)})
        await asyncio.sleep(0.5)
        for conn in conns:  # the full build after the fast render may send one more: not counted
            while await next_reload(conn, 0.5):
                pass
    for conn in conns:
        conn.close()
    return seen


def test_a_failure_and_its_fix_reload_every_open_page(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    with preview(site, log=tmp_path / "serve.log") as p:
        assert wait_for(lambda: p.fetch("about/")), p.output()
        # The about page does not change with the incident, but it carries the overlay, so it reloads too.
        seen = run_in_own_thread(reloads_on_break_and_fix(p, site))
        assert seen == [{"incidents/fire/": True, "about/": True}] * 2, p.output()
        assert_healthy(p)


async def two_saves(p: Preview, site: Path, gap: float) -> list[tuple[bool, str]]:
    conn = await connect(p.url, "incidents/fire/")
    await asyncio.sleep(0.3)
    results = []
    started = time.monotonic()
    for n, title in enumerate(("First title", "Second title")):
        await asyncio.sleep(max(0.0, started + n * gap - time.monotonic()))
        write(site, FIRE, good(title))
        reloaded = await next_reload(conn, 10)
        results.append((reloaded, await asyncio.to_thread(p.fetch, "incidents/fire/") or ""))
    conn.close()
    return results


def test_two_saves_half_a_second_apart_both_reload_the_page(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    with preview(site, log=tmp_path / "serve.log") as p:
        assert wait_for(lambda: p.fetch("incidents/fire/")), p.output()
        (first, first_page), (second, second_page) = run_in_own_thread(two_saves(p, site, 0.5))
        assert first and second, p.output()  # no throttle: the second save is not dropped
        assert "First title" in first_page and "Second title" in second_page
        assert_healthy(p)


async def reload_while_loading(p: Preview, site: Path) -> bool:
    """A page fetched before an edit, whose socket opens only after the reload was sent."""
    await asyncio.to_thread(p.fetch, "incidents/fire/")
    write(site, FIRE, good("Changed while loading"))
    await asyncio.sleep(1.5)  # the reload has gone out, to no one
    conn = await connect(p.url, "incidents/fire/")
    try:
        return await next_reload(conn, 5)
    finally:
        conn.close()


def test_a_page_that_was_loading_during_a_reload_is_told_on_connecting(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    with preview(site, log=tmp_path / "serve.log") as p:
        assert wait_for(lambda: p.fetch("incidents/fire/")), p.output()
        assert run_in_own_thread(reload_while_loading(p, site)), p.output()
        assert "Changed while loading" in (p.fetch("incidents/fire/") or "")
        # ...and a page fetched after the edit is not reloaded for nothing.
        conn_says = run_in_own_thread(fresh_page_is_left_alone(p))
        assert conn_says is False, p.output()
        assert_healthy(p)


async def fresh_page_is_left_alone(p: Preview) -> bool:
    await asyncio.to_thread(p.fetch, "incidents/fire/")
    conn = await connect(p.url, "incidents/fire/")
    try:
        return await next_reload(conn, 1.5)
    finally:
        conn.close()


# -- the port -------------------------------------------------------------------------------


def test_a_busy_port_is_one_line_and_exit_status_2(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        run = docket("serve", site, "--port", str(taken.getsockname()[1]), timeout=30)
    assert run.returncode == 2, run.describe()
    assert run.stdout == "", run.describe()  # said before anything else: no URL printed first
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("docket: ") and "cannot listen on 127.0.0.1:" in lines[0], lines


def test_the_fast_render_counts_each_error_once_as_the_full_build_does(tmp_path: Path) -> None:
    # One unknown source cited three times on a line is one diagnostic for the build; the fast
    # render's line said '3 errors found' where the build's count said 1.
    site = small_site(tmp_path)
    with preview(site, log=tmp_path / "serve.log") as p:
        assert wait_for(lambda: p.fetch("incidents/fire/")), p.output()
        write(site, FIRE, good().replace("Crews arrived <soon> & stayed.",
                                         "Crews [@no-such-source] arrived [@no-such-source] [@no-such-source]."))
        assert wait_for(lambda: "docket: build failed" in p.output()), p.output()
        log = p.output()
        assert re.search(rf"^docket: {FIRE}: 1 error found in \d+ ms", log, re.MULTILINE), log
        assert re.search(r"^1 error, 0 warnings$", log, re.MULTILINE), log
        assert_healthy(p)
