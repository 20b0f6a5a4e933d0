"""`docket serve` in a real browser: an edit reloads the open page; drafts carry their banner."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from helpers import write_site
from preview import preview, wait_for_heading

pytestmark = pytest.mark.browser

INCIDENT = "---\ntitle: {title}\ndate: 2023-03-27\n---\nThe fire began at night.\n"
DRAFT = "---\ntitle: Secret raid\ndate: 2023-04-01\ndraft: true\n---\nText.\n"


def test_an_edit_reloads_the_open_page(tmp_path: Path, open_page) -> None:
    site = write_site(tmp_path / "site", {"content/incidents/fire.md": INCIDENT.format(title="Fire at the depot")})
    with preview(site, log=tmp_path / "serve.log") as p:  # --port 0: the real port is read from its output
        page, watch = open_page(1280)
        page.goto(p.url + "incidents/fire/")
        assert page.locator("h1").inner_text() == "Fire at the depot"
        page.evaluate("window.__notReloadedYet = true")
        time.sleep(1)  # let livereload's websocket connect before the edit
        (site / "content/incidents/fire.md").write_text(INCIDENT.format(title="Blaze at the depot"), encoding="utf-8")
        wait_for_heading(page, "Blaze at the depot")
        assert page.evaluate("window.__notReloadedYet === undefined")  # a real reload, not a stale page
        watch.assert_clean("preview")


def test_a_draft_in_the_preview_says_it_is_not_published(tmp_path: Path, open_page) -> None:
    site = write_site(tmp_path / "site", {"content/incidents/fire.md": INCIDENT.format(title="Fire at the depot"),
                                          "content/incidents/secret.md": DRAFT})
    with preview(site, log=tmp_path / "serve.log") as p:
        page, watch = open_page(390)
        page.goto(p.url + "incidents/secret/")
        banner = page.get_by_role("status")
        assert banner.inner_text().startswith("DRAFT — NOT PUBLISHED")  # upper-cased by the theme's CSS
        assert banner.is_visible() and banner.bounding_box()["y"] < page.locator("h1").bounding_box()["y"]
        page.goto(p.url + "incidents/fire/")
        assert page.get_by_role("status").count() == 0
        watch.assert_clean("preview of a draft")
