"""generator.geo: static SVG maps from the vendored Natural Earth outlines.

The SVG is parsed as XML (it is well-formed standalone) and checked for what a reader
gets: links with the right names, points where they belong, the countries drawn.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
import subprocess
import xml.etree.ElementTree as ET
from importlib import resources

import pytest
from tools import vnu_command

from generator.geo import WORLD, Bounds, MapPoint, bounds_around, country_bounds, country_known, render_map
from generator.geo.basemap import basemap_key, draw_basemap
from generator.geo.make_outline import decode_arcs, split_at_antimeridian
from generator.geo.outline import canonical_name, load

SVG = "{http://www.w3.org/2000/svg}"
JUAREZ = MapPoint(31.69, -106.42, "../incidents/fire-at-the-detention-centre/",
                  "Fire at the detention centre, 27 March 2023")
MEXICO_CITY = MapPoint(19.43, -99.13, "../incidents/mexico-city/", "Raid in Mexico City, 2 May 2023", count=4)
GUATEMALA = MapPoint(14.63, -90.51, "../incidents/guatemala/", "Deportation flight, 9 June 2023")
SYDNEY = MapPoint(-33.87, 151.21, "../incidents/sydney/", "Protest in Sydney")


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def view_box(root: ET.Element) -> tuple[float, float, float, float]:
    x, y, w, h = map(float, root.attrib["viewBox"].split())
    return x, y, w, h


def links(root: ET.Element) -> list[ET.Element]:
    return list(root.iter(f"{SVG}a"))


def basemap_of(svg: str, bounds: Bounds | None = None, width: int = 960) -> ET.Element:
    """The basemap file a map draws its land from (checked to be the one its <use> names)."""
    drawn = draw_basemap(basemap_key(bounds, width))
    [land] = [u for u in parse(svg).iter(f"{SVG}use") if u.attrib["class"] == "land"]
    assert land.attrib["href"] == f"assets/{drawn.ref.name}#land"
    return parse(drawn.data.decode("utf-8"))


def land_names(basemap: ET.Element) -> list[str]:
    """The country names of a basemap file's land paths (each path's <title>)."""
    [land] = [g for g in basemap.iter(f"{SVG}g") if g.attrib.get("id") == "land"]
    return [path.findtext(f"{SVG}title", "") for path in land.iter(f"{SVG}path")]


def circle(link: ET.Element) -> ET.Element:
    found = link.find(f"{SVG}circle")
    assert found is not None
    return found


# --------------------------------------------------------------------------- points


def test_points_become_links_whose_writer_text_stays_text():
    label = 'Fire <script>alert("x")</script> & "quoted" \'single\''
    href = '../incidents/a/?q=1&r="2"<x>'
    svg = render_map([MapPoint(31.69, -106.42, href, label)], title='Map <b>"one"</b> & more')
    assert "<script" not in svg and "<b>" not in svg
    root = parse(svg)
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter("script"))
    [a] = links(root)
    assert a.attrib["href"] == href
    assert a.attrib["aria-label"] == label
    assert a.findtext(f"{SVG}title") == label
    assert circle(a).attrib["class"] == "point"
    assert root.findtext(f"{SVG}title") == 'Map <b>"one"</b> & more'


def test_the_svg_is_labelled_by_its_title_and_references_only_its_basemap():
    svg = render_map([JUAREZ, MEXICO_CITY], title="Incidents", id_prefix="incident-map", assets="../../assets/")
    root = parse(svg)
    title = root.find(f"{SVG}title")
    assert title is not None and title.attrib["id"] == "incident-map-title" == root.attrib["aria-labelledby"]
    assert root.attrib.get("role") != "img"  # role=img would hide the links from assistive technology
    assert "map" in root.attrib["class"].split()
    for element in root.iter():
        assert "style" not in element.attrib
        assert not any(name.endswith("}href") for name in element.attrib)  # no xlink:href
        assert element.tag.removeprefix(SVG) not in {"script", "image", "foreignObject", "style"}
    assert sorted(a.attrib["href"] for a in links(root)) == sorted([JUAREZ.href, MEXICO_CITY.href])
    # The one reference out: the land, from a file of the site's assets/ that every map of the box shares.
    [use] = root.iter(f"{SVG}use")
    assert re.fullmatch(r"\.\./\.\./assets/basemap-[0-9a-f]{16}\.svg#land", use.attrib["href"]), use.attrib
    assert not list(root.iter(f"{SVG}path"))  # no land inline


def test_a_basemap_file_is_named_by_its_bytes_and_its_land_inherits_the_page_colours():
    drawn = draw_basemap(basemap_key(country_bounds("Mexico"), 480))
    assert drawn.ref.name == f"basemap-{hashlib.sha256(drawn.data).hexdigest()[:16]}.svg"
    root = parse(drawn.data.decode("utf-8"))
    [land] = [g for g in root.iter(f"{SVG}g") if g.attrib.get("id") == "land"]
    for element in land.iter():  # <use> clones the group: the <use> (the page's CSS) gives the colours
        assert not {"fill", "stroke", "style", "class"} & set(element.attrib), element.attrib
    ids = [p.attrib["id"] for p in land.iter(f"{SVG}path")]
    assert len(ids) == len(set(ids)) and dict(drawn.ref.ids)["Mexico"] in ids
    assert draw_basemap(basemap_key(country_bounds("Mexico"), 480)).data == drawn.data


def test_a_script_capable_href_is_refused():
    with pytest.raises(ValueError, match="javascript"):
        render_map([MapPoint(0, 0, "javascript:alert(1)", "x")], title="t")


def test_points_outside_the_bounds_are_left_out():
    bounds = bounds_around([JUAREZ])
    root = parse(render_map([JUAREZ, SYDNEY, GUATEMALA, MapPoint(math.nan, 0, "../nan/", "nowhere")],
                            title="Juárez", bounds=bounds))
    assert [a.attrib["href"] for a in links(root)] == [JUAREZ.href]
    world = parse(render_map([JUAREZ, SYDNEY, MapPoint(-75, 0, "../antarctica/", "far south")], title="World"))
    assert sorted(a.attrib["href"] for a in links(world)) == sorted([JUAREZ.href, SYDNEY.href])


def test_juarez_projects_inside_a_mexico_map():
    bounds = country_bounds("Mexico")
    assert bounds is not None
    root = parse(render_map([JUAREZ], title="Mexico", bounds=bounds.padded(0.1), highlight="Mexico"))
    _, _, width, height = view_box(root)
    c = circle(links(root)[0])
    cx, cy, r = (float(c.attrib[k]) for k in ("cx", "cy", "r"))
    assert r > 0
    assert 0 <= cx - r and cx + r <= width and 0 <= cy - r and cy + r <= height
    # Juárez is in the north-west of Mexico's box: the upper left half of the map.
    assert cx < width / 2 and cy < height / 2


def test_current_point_is_drawn_last_and_distinct_and_radius_grows_with_count():
    current = MapPoint(14.63, -90.51, "../incidents/here/", "This incident", current=True)
    root = parse(render_map([current, JUAREZ, MEXICO_CITY], title="t", bounds=bounds_around([JUAREZ, current])))
    found = links(root)
    assert found[-1].attrib["href"] == current.href
    assert circle(found[-1]).attrib["class"] == "point point-current"
    assert [circle(a).attrib["class"] for a in found[:-1]] == ["point", "point"]
    radius = {a.attrib["href"]: float(circle(a).attrib["r"]) for a in found}
    # count=4: the area grows with the cube root of the count (cluster.radius), 4 ** (1/3) = 1.59x the radius
    assert radius[MEXICO_CITY.href] == pytest.approx(4 ** (1 / 3) * radius[JUAREZ.href], abs=0.1)


def test_output_is_deterministic_whatever_the_point_order():
    points = [JUAREZ, MEXICO_CITY, GUATEMALA, SYDNEY,
              MapPoint(31.69, -106.42, "../incidents/another-at-juarez/", "Second incident at Juárez")]
    first = render_map(points, title="World")
    for seed in range(3):
        shuffled = points[:]
        random.Random(seed).shuffle(shuffled)
        assert render_map(shuffled, title="World") == first
    # The two points at Juárez are one mark (linking to the first by href); larger marks are drawn first.
    hrefs = [a.attrib["href"] for a in links(parse(first))]
    assert hrefs == [MEXICO_CITY.href, "../incidents/another-at-juarez/", GUATEMALA.href, SYDNEY.href]


# --------------------------------------------------------------------------- land


def test_the_world_map_draws_the_countries_within_budget():
    svg = render_map([JUAREZ, SYDNEY], title="World")
    assert len(svg.encode()) < 2_000  # the land is in its file
    root = parse(svg)
    assert view_box(root) == (0, 0, 960, 384)  # 360 x 144 degrees, plate carrée
    basemap = basemap_of(svg)
    assert len(draw_basemap(basemap_key(None, 960)).data) < 120_000
    assert view_box(basemap) == (0, 0, 960, 384)
    names = land_names(basemap)
    assert {"Mexico", "United States of America", "Australia", "Greece", "Libya", "Sudan"} <= set(names)
    assert "Antarctica" not in names and len(names) == len(set(names))
    for path in basemap.iter(f"{SVG}path"):  # coordinates to 1 decimal at most
        assert not re.search(r"\d\.\d\d", path.attrib["d"]), path.attrib["d"][:80]


def test_highlight_marks_exactly_one_country_by_name_or_alias():
    for highlight, expected in (("Mexico", "Mexico"), ("united states", "United States of America"),
                                ("DR Congo", "Dem. Rep. Congo")):
        svg = render_map([], title="World", highlight=highlight)
        marked = [u for u in parse(svg).iter(f"{SVG}use") if "land-highlight" in u.attrib["class"].split()]
        assert len(marked) == 1
        assert marked[0].attrib["class"] == "land land-highlight"
        name, fragment = marked[0].attrib["href"].split("#")
        assert name == f"assets/{draw_basemap(basemap_key(None, 960)).ref.name}"
        [path] = [p for p in basemap_of(svg).iter(f"{SVG}path") if p.attrib["id"] == fragment]
        assert path.findtext(f"{SVG}title") == expected
    root = parse(render_map([], title="World", highlight="Atlantis"))
    assert not [u for u in root.iter(f"{SVG}use") if "land-highlight" in u.attrib["class"]]


def test_a_zoomed_map_draws_only_the_countries_near_it_and_stays_small():
    bounds = bounds_around([JUAREZ])
    assert bounds.contains(JUAREZ.lat, JUAREZ.lon)
    assert bounds.north - bounds.south >= 6 and bounds.east - bounds.west >= 6
    svg = render_map([JUAREZ], title="Juárez", bounds=bounds)
    assert len(draw_basemap(basemap_key(bounds, 960)).data) < 40_000
    names = set(land_names(basemap_of(svg, bounds)))
    assert names == {"Mexico", "United States of America"}
    mexico = render_map([JUAREZ, MEXICO_CITY, GUATEMALA], title="Mexico", bounds=country_bounds("Mexico"))
    assert len(draw_basemap(basemap_key(country_bounds("Mexico"), 960)).data) < 40_000
    names = set(land_names(basemap_of(mexico, country_bounds("Mexico"))))
    assert {"Mexico", "United States of America", "Guatemala", "Belize"} <= names
    assert not names & {"Australia", "Canada", "Brazil", "Greece"}


def test_a_zoomed_map_is_not_stretched():
    bounds = Bounds(20.0, 35.0, 30.0, 42.0)  # the Aegean: mid-latitude 38.5
    _, _, width, height = view_box(parse(render_map([], title="Aegean", bounds=bounds, width=800)))
    assert width == 800
    assert height == pytest.approx(800 * 7 / (10 * math.cos(math.radians(38.5))), abs=0.1)


# --------------------------------------------------------------------------- names and boxes


def test_country_names_and_aliases():
    for name in ("Mexico", "Guatemala", "United States", "Greece", "Libya", "Italy", "Sudan", "Iran", "Syria",
                 "USA", "US", "united states of america", "MEXICO", "Congo (Kinshasa)", "Czech Republic",
                 "Ivory Coast", "Côte d'Ivoire", "cote d'ivoire", "Bosnia", "Central African Republic", "Malta"):
        assert country_known(name), name
    assert canonical_name("US") == "United States of America"
    assert canonical_name("Democratic Republic of the Congo") == "Dem. Rep. Congo"
    assert canonical_name("Czech Republic") == "Czechia"
    assert canonical_name("Ivory Coast") == "Côte d'Ivoire"
    assert canonical_name("Bosnia") == "Bosnia and Herz."
    for name in ("", "Atlantis", "Mexic", "Juárez"):
        assert not country_known(name), name


def test_country_bounds():
    mexico = country_bounds("Mexico")
    assert mexico is not None and mexico.contains(19.43, -99.13) and mexico.contains(JUAREZ.lat, JUAREZ.lon)
    usa = country_bounds("United States")
    assert usa is not None and usa.contains(38.9, -77.04)  # Washington
    assert usa.west > -130 and usa.north < 50  # the lower 48, without Alaska and Hawaii
    russia = country_bounds("Russia")
    assert russia is not None and russia.contains(55.75, 37.62) and russia.west > 0  # not across the antimeridian
    greece = country_bounds("greece")
    assert greece is not None and greece.contains(35.34, 25.13)  # Heraklion: Crete belongs to the box
    assert country_bounds("Atlantis") is None


def test_bounds_around():
    assert bounds_around([]) == WORLD
    fitted = bounds_around([JUAREZ, GUATEMALA])
    for p in (JUAREZ, GUATEMALA):
        assert fitted.contains(p.lat, p.lon)
        assert fitted.south < p.lat - 1 < p.lat + 1 < fitted.north  # padded, not on the edge
    edge = bounds_around([MapPoint(84, 179.9, "../x/", "x")])
    assert -180 <= edge.west < edge.east <= 180 and edge.contains(84, 179.9)
    with pytest.raises(ValueError):
        Bounds(10, 0, -10, 5)


# --------------------------------------------------------------------------- data


def test_the_outline_data_ships_inside_the_package():
    folder = resources.files("generator.geo")
    for detail in ("110m", "50m"):
        data = folder.joinpath(f"countries-{detail}.json")
        assert data.is_file()
        parsed = json.loads(data.read_text(encoding="utf-8"))
        assert parsed["format"] == 1 and parsed["scale"] == detail
        ids = {c["name"]: c["id"] for c in parsed["countries"]}
        assert ids["Mexico"] == "484" and ids["United States of America"] == "840"
    assert folder.joinpath("PROVENANCE.md").is_file()
    assert load("110m") is load("110m")  # decoded once per process
    for detail in ("110m", "50m"):  # every ring within the world, none across the antimeridian
        for country in load(detail):
            for polygon in country.polygons:
                for ring in polygon.rings:
                    assert len(ring) >= 3
                    assert all(-180 <= lon <= 180 and -90 <= lat <= 90 for lon, lat in ring)
                    assert all(abs(b[0] - a[0]) <= 180 or a[1] == b[1] == -90  # along the South Pole
                               for a, b in zip(ring, ring[1:] + ring[:1], strict=True)), country.name


def test_make_outline_decodes_topojson_and_cuts_at_the_antimeridian():
    topology = {"transform": {"scale": [0.5, 0.25], "translate": [-180, -90]},
                "arcs": [[[0, 0], [2, 0], [0, 4], [-2, -4]]]}
    assert decode_arcs(topology) == [[(-180, -90), (-179, -90), (-179, -89), (-180, -90)]]
    # A square from 179 E to 179 W, as spherical TopoJSON draws it: two pieces, one each side.
    ring = [(17900, 0), (-17900, 0), (-17900, 100), (17900, 100)]
    pieces = split_at_antimeridian([ring])
    spans = sorted((min(x for x, _ in p[0]), max(x for x, _ in p[0])) for p in pieces)
    assert spans == [(-18000, -17900), (17900, 18000)]


# --------------------------------------------------------------------------- validity


def test_maps_are_valid_html(tmp_path):
    points = [JUAREZ, MEXICO_CITY, GUATEMALA, MapPoint(31.7, -106.4, '../x/?a=1&b="2"', 'A <b>"label"</b> & more',
                                                       current=True)]
    maps = [render_map(points, title="World <all>", highlight="Mexico"),
            render_map(points, title="Near Juárez", bounds=bounds_around([JUAREZ]), id_prefix="juarez-map"),
            render_map(points, title="Mexico", bounds=country_bounds("Mexico"), highlight="Mexico",
                       id_prefix="mexico-map")]
    page = tmp_path / "maps.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Maps</title></head>'
                    "<body><main><h1>Maps</h1>" + "".join(f"<figure>{m}</figure>" for m in maps)
                    + "</main></body></html>", encoding="utf-8")
    result = subprocess.run([*vnu_command(), "--errors-only", str(page)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
