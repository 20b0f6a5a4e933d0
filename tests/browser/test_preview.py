"""`docket serve` in a real browser: an edit reloads the page the writer has open."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from sitekit import write_site

pytestmark = pytest.mark.browser

INCIDENT = "---\ntitle: {title}\ndate: 2023-03-27\n---\nThe fire began at night.\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_served(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"docket serve did not answer at {url}")


def test_an_edit_reloads_the_open_page(tmp_path: Path, open_page) -> None:
    site = write_site(tmp_path / "site", {"content/incidents/fire.md": INCIDENT.format(title="Fire at the depot")})
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", str(site), "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/incidents/fire/"
        wait_until_served(url)
        page, watch = open_page(1280)
        page.goto(url)
        assert page.locator("h1").inner_text() == "Fire at the depot"
        page.evaluate("window.__notReloadedYet = true")
        time.sleep(1)  # let livereload's websocket connect before the edit
        (site / "content/incidents/fire.md").write_text(INCIDENT.format(title="Blaze at the depot"), encoding="utf-8")
        page.wait_for_function("document.querySelector('h1').innerText === 'Blaze at the depot'", timeout=20_000)
        assert page.evaluate("window.__notReloadedYet === undefined")  # a real reload, not a stale page
        watch.assert_clean("preview")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
