"""`docket serve` in Chromium: the error overlay comes and goes by itself, no save is dropped, scroll is kept.

The test never reloads the page: every change of what the page shows comes
from the preview's own reload (livereload's socket), which is checked with a
marker set in the page's JavaScript, lost only on a real reload.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from helpers import write_site
from preview import preview, wait_for, wait_for_heading
from test_serve_overlay import assert_healthy

pytestmark = pytest.mark.browser

FIRE = "content/incidents/fire.md"
INCIDENT = "---\ntitle: {title}\ndate: 2023-03-27\n---\nThe fire began at night.\n\n{extra}\n"
BROKEN = "Crews arrived at dawn [@no-such-source]."
AXE_RUN = "async () => await axe.run('#docket-errors', {resultTypes: ['violations']})"


def incident(title: str = "Fire at the depot", extra: str = "Crews arrived at dawn.") -> str:
    return INCIDENT.format(title=title, extra=extra)


def save(site: Path, text: str) -> None:
    """As editors save: the new text beside the file, renamed over it."""
    scratch = site / (FIRE + "~")
    scratch.write_text(text, encoding="utf-8")
    scratch.replace(site / FIRE)


def open_and_connect(page, url: str) -> None:
    page.goto(url)
    page.evaluate("window.__notReloadedYet = true")
    time.sleep(1)  # let livereload's socket connect before the edit


def test_the_overlay_appears_on_an_error_and_goes_with_the_fix(tmp_path: Path, open_page, axe_js) -> None:
    site = write_site(tmp_path / "site", {FIRE: incident()})
    with preview(site, log=tmp_path / "serve.log") as p:
        page, watch = open_page(1280)
        open_and_connect(page, p.url + "incidents/fire/")
        assert page.locator("#docket-errors").count() == 0
        save(site, incident(extra=BROKEN))
        overlay = page.get_by_role("dialog", name="The site could not be built: 1 error")
        overlay.wait_for(state="visible", timeout=20_000)
        assert page.evaluate("window.__notReloadedYet === undefined")  # the preview reloaded the page
        assert f"{FIRE}:7: error: body: unknown source 'no-such-source'" in overlay.inner_text()
        assert page.locator("#docket-errors mark").inner_text().endswith(BROKEN)
        box = page.locator("#docket-errors").bounding_box()
        assert box is not None and box["width"] == 1280 and box["height"] == 800  # covers the window
        page.keyboard.press("Tab")  # first in the tab order: its button
        assert page.evaluate("document.activeElement.closest('#docket-errors') !== null")
        page.add_script_tag(path=str(axe_js))
        violations = page.evaluate(AXE_RUN)["violations"]
        assert not violations, [v["id"] for v in violations]
        page.evaluate("window.__notReloadedYet = true")
        save(site, incident(title="Fire at the depot, fixed"))
        wait_for_heading(page, "Fire at the depot, fixed")
        assert page.locator("#docket-errors").count() == 0
        assert page.evaluate("window.__notReloadedYet === undefined")
        watch.assert_clean("preview with the overlay")
        assert_healthy(p)


def test_the_hide_button_closes_the_overlay_without_javascript(tmp_path: Path, chromium) -> None:
    site = write_site(tmp_path / "site", {FIRE: incident(extra=BROKEN)})
    with preview(site, log=tmp_path / "serve.log") as p:
        context = chromium.new_context(java_script_enabled=False)
        try:
            page = context.new_page()
            page.goto(p.url + "incidents/fire/")
            dialog = page.locator("#docket-errors")
            assert dialog.is_visible()
            page.get_by_role("button", name="Hide until the next build").click()
            assert not dialog.is_visible()
        finally:
            context.close()
        assert_healthy(p)


def test_a_site_broken_at_start_shows_the_overlay_and_then_the_page(tmp_path: Path, open_page) -> None:
    site = write_site(tmp_path / "site", {FIRE: incident(extra=BROKEN)})
    with preview(site, log=tmp_path / "serve.log") as p:
        page, watch = open_page(390)
        watch.allow_failed_load(p.url + "incidents/fire/")  # served with 503 while nothing builds
        response = page.goto(p.url + "incidents/fire/")
        assert response is not None and response.status == 503
        assert page.get_by_role("dialog", name="The site could not be built: 1 error").is_visible()
        time.sleep(1)
        save(site, incident())
        wait_for_heading(page, "Fire at the depot")
        assert page.locator("#docket-errors").count() == 0
        watch.assert_clean("a site broken at start")
        assert_healthy(p)


def test_two_saves_in_quick_succession_both_reach_the_open_page(tmp_path: Path, open_page) -> None:
    site = write_site(tmp_path / "site", {FIRE: incident()})
    with preview(site, log=tmp_path / "serve.log") as p:
        page, watch = open_page(1280)
        open_and_connect(page, p.url + "incidents/fire/")
        first_saved = time.monotonic()
        save(site, incident(title="First edit"))
        wait_for_heading(page, "First edit")
        # Half a second after the first save, or at once if its build took longer:
        # how long a build takes is the benchmark's business, not this test's.
        time.sleep(max(0.0, first_saved + 0.5 - time.monotonic()))
        save(site, incident(title="Second edit"))
        wait_for_heading(page, "Second edit")
        time.sleep(1)  # the full builds that follow change nothing the page shows
        assert page.locator("h1").inner_text() == "Second edit"
        watch.assert_clean("two quick saves")
        assert_healthy(p)


def test_a_reload_keeps_the_scroll_position(tmp_path: Path, open_page) -> None:
    long_body = "\n\n".join(f"Paragraph {n} of the account, long enough to take a line or two." for n in range(200))
    site = write_site(tmp_path / "site", {FIRE: incident(extra=long_body)})
    with preview(site, log=tmp_path / "serve.log") as p:
        page, watch = open_page(1280)
        open_and_connect(page, p.url + "incidents/fire/")
        page.evaluate("window.scrollTo(0, 3000)")
        assert wait_for(lambda: page.evaluate("window.scrollY") == 3000, timeout=5)
        save(site, incident(title="Fire at the depot, edited", extra=long_body))
        wait_for_heading(page, "Fire at the depot, edited")
        assert page.evaluate("window.__notReloadedYet === undefined")
        assert wait_for(lambda: abs(page.evaluate("window.scrollY") - 3000) <= 2, timeout=5), \
            page.evaluate("window.scrollY")
        watch.assert_clean("scroll kept")
        assert_healthy(p)
