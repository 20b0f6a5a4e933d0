"""The map works with JavaScript off: each point is a link a reader can follow to its incident."""

from __future__ import annotations

import pytest
from conftest import watch_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [390, 1280])
def test_follow_a_map_point_to_its_incident_with_javascript_off(chromium, site_server, width):
    context = chromium.new_context(java_script_enabled=False, viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        watch = watch_page(page)
        page.goto(site_server.url("map/"))
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
        point = page.locator("svg.map a[aria-label*='El Paso']")
        assert point.count() == 1
        label = point.get_attribute("aria-label")
        box = point.locator("circle").bounding_box()
        assert box is not None and box["width"] >= 8, box  # big enough to see and hit on a phone too
        point.locator("circle").click(force=True)  # a reader's click on the dot, no script involved
        page.wait_for_load_state()
        assert site_server.site_path(page.url) == "incidents/el-paso-county-holding-cell-death/", label
        assert "El Paso" in page.locator("h1").inner_text()
        own = page.locator("svg[aria-labelledby='location-map-title'] circle.point-current")
        assert own.count() == 1  # the incident page shows its own location
        watch.assert_clean("map with JavaScript off")
    finally:
        context.close()
