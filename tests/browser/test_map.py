"""The map works with JavaScript off: each point is a link a reader can follow to its incident."""

from __future__ import annotations

import zlib

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
        copy = ".map-phone" if width < 640 else ".map-wide"  # the copy of the map drawn for this screen
        label = ""
        for _ in range(2):  # at most two clicks: El Paso's cluster to its region's map, then its own point
            point = page.locator(f"{copy} svg.map a[aria-label*='El Paso']")
            assert point.count() == 1
            label = point.get_attribute("aria-label")
            box = point.locator("circle").bounding_box()
            assert box is not None and box["width"] >= 8, box  # big enough to see and hit on a phone too
            point.locator("circle").click(force=True)  # a reader's click on the dot, no script involved
            page.wait_for_load_state()
            if not site_server.site_path(page.url).startswith("map/"):
                break
        assert site_server.site_path(page.url) == "incidents/el-paso-county-holding-cell-death/", label
        assert "El Paso" in page.locator("h1").inner_text()
        own = page.locator("svg[aria-labelledby='location-map-title'] circle.point-current")
        assert own.count() == 1  # the incident page shows its own location
        watch.assert_clean("map with JavaScript off")
    finally:
        context.close()


# The theme's light land and highlight colours (--map-land, --map-highlight in docket.css).
LAND_COLOURS = ((0xDC, 0xD8, 0xCF), (0xBC, 0xAE, 0x90))


def png_pixels(png: bytes) -> list[tuple[int, int, int]]:
    """The RGB pixels of an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium's screenshots are)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    at, chunks, header = 8, [], b""
    while at < len(png):
        length = int.from_bytes(png[at:at + 4], "big")
        kind, body = png[at + 4:at + 8], png[at + 8:at + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        at += 12 + length
    width, height, depth, colour, interlace = (int.from_bytes(header[0:4], "big"), int.from_bytes(header[4:8], "big"),
                                               header[8], header[9], header[12])
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    size = 3 if colour == 2 else 4
    raw, stride, pixels, previous = zlib.decompress(b"".join(chunks)), width * size, [], bytearray(width * size)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - size] if x >= size else 0
            b, c = previous[x], previous[x - size] if x >= size else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        pixels += [tuple(line[x:x + 3]) for x in range(0, stride, size)]
        previous = line
    return pixels


def test_the_map_draws_its_land_from_the_shared_basemap_file_with_javascript_off(chromium, site_server):
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900},
                                   color_scheme="light")
    try:
        page = context.new_page()
        watch = watch_page(page)
        basemaps = []
        page.on("response", lambda r: basemaps.append((r.url, r.status)) if "/basemap-" in r.url else None)
        page.goto(site_server.url("incidents/el-paso-county-holding-cell-death/"))
        page.wait_for_load_state("networkidle")
        assert basemaps and all(status == 200 for _, status in basemaps), basemaps
        svg = page.locator("svg[aria-labelledby='location-map-title']")
        assert svg.locator("path").count() == 0  # the land is not in the page
        pixels = png_pixels(svg.screenshot())
        land = sum(1 for p in pixels if any(max(abs(p[i] - c[i]) for i in range(3)) <= 6 for c in LAND_COLOURS))
        assert land > len(pixels) // 10, f"{land} land pixels of {len(pixels)}: the basemap was not drawn"
        assert svg.locator("a[aria-label] circle.point-current").count() == 1  # the point is still a link
        watch.assert_clean("the basemap with JavaScript off")
    finally:
        context.close()


def test_the_map_zooms_and_moves_with_the_keyboard_when_javascript_runs(chromium, site_server):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        watch = watch_page(page)
        page.goto(site_server.url("map/"))
        svg = page.locator(".map-wide svg.map")
        whole = svg.get_attribute("viewBox")
        zoom_in = page.locator(".map-wide button[aria-label='Zoom in']")
        assert zoom_in.count() == 1
        zoom_in.focus()
        page.keyboard.press("Enter")
        zoomed = svg.get_attribute("viewBox")
        assert zoomed != whole and float(zoomed.split()[2]) < float(whole.split()[2])
        svg.focus()
        page.keyboard.press("ArrowLeft")
        moved = svg.get_attribute("viewBox")
        assert float(moved.split()[0]) < float(zoomed.split()[0])
        page.keyboard.press("0")
        assert svg.get_attribute("viewBox") == whole
        # Its points are still links after zooming.
        page.keyboard.press("+")
        assert svg.locator("g.points a").count() >= 1
        watch.assert_clean("zooming the map")
    finally:
        context.close()


def test_map_labels_are_at_least_12_px_on_a_phone_and_the_related_map_is_not_a_poster(chromium, site_server):
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        page.goto(site_server.url("map/"))
        assert page.locator(".map-wide svg.map").is_hidden()
        phone = page.locator(".map-phone svg.map")
        assert phone.is_visible()
        sizes = page.evaluate("""() => {
            const svg = document.querySelector('.map-phone svg.map');
            const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
            return [...svg.querySelectorAll('g.labels text, g.legend text')].map(
                t => parseFloat(getComputedStyle(t).fontSize) * scale);
        }""")
        assert sizes and min(sizes) >= 12, sizes
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(site_server.url("incidents/el-paso-county-holding-cell-death/"))
        related = page.locator(".related-map svg.map")
        assert related.count() == 1
        box = related.bounding_box()
        assert box is not None and box["height"] <= 300, box  # it was about 650 px tall
    finally:
        context.close()
