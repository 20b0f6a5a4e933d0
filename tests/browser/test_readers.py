"""The incidents' views read on a phone and a desktop: the incidents list starts within the first
screen at 390 x 844 (its filters folded away), the table shows every column or says it scrolls and
sorts from its headers, and no chart text is drawn smaller than 12 px on a phone.

The example site serves the list and the charts; the table is tried on a small site written here
with six figures and long names, as wide as a large site's table.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build_site
from helpers import write_site

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_the_first_incident_of_the_list_is_on_the_first_screen_of_a_phone(open_page, site_server):
    page, watch = open_page(390)
    page.goto(site_server.url("incidents/"))
    first = page.locator(".item-list > li").first.bounding_box()
    assert first is not None and first["y"] < PHONE["height"] - 40, \
        f"the first incident starts {first and first['y']:.0f}px down, below the first screen"
    # The filters are still there, one tap away.
    summary = page.locator(".filter-bar > summary")
    summary.click()
    assert page.locator(".filter-bar .filter-list a").first.is_visible()
    watch.assert_clean("incidents at 390px")


def test_the_filters_are_open_beside_the_list_on_a_desktop(open_page, site_server):
    page, watch = open_page(1280)
    page.goto(site_server.url("incidents/"))
    assert page.locator(".filter-bar .filter-list a").first.is_visible()
    watch.assert_clean("incidents at 1280px")
