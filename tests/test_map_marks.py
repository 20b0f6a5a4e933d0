"""What a map draws for its points: overlapping points clustered with their count, labels that do not
overlap, a size legend, and a phone's copy of the map whose labels stay legible.

The SVG is parsed as XML; positions and sizes are read from its attributes.
"""

from __future__ import annotations

import math
import random
import xml.etree.ElementTree as ET

from generator.geo import MapPoint, bounds_around, render_map
from generator.geo.cluster import radius
from generator.geo.labels import text_box

SVG = "{http://www.w3.org/2000/svg}"

JUAREZ = MapPoint(31.69, -106.42, "../places/juarez/", "Ciudad Juárez, Mexico: 3 incidents", count=3)
EL_PASO = MapPoint(31.76, -106.49, "../places/el-paso/", "El Paso, United States: 2 incidents", count=2)
SYDNEY = MapPoint(-33.87, 151.21, "../incidents/sydney/", "Sydney, Australia: Protest in Sydney")
LIMA = MapPoint(-12.05, -77.04, "../incidents/lima/", "Lima, Peru: Raid in Lima")


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def marks(root: ET.Element) -> list[tuple[ET.Element, ET.Element]]:
    """Each point's link and its circle."""
    out = []
    for a in root.iter(f"{SVG}a"):
        found = a.find(f"{SVG}circle")
        if found is not None:
            out.append((a, found))
    return out


def centre(c: ET.Element) -> tuple[float, float, float]:
    return float(c.attrib["cx"]), float(c.attrib["cy"]), float(c.attrib["r"])


def texts(root: ET.Element, cls: str) -> list[ET.Element]:
    """The texts of the group of class ``cls``, each given its group's font size."""
    out = []
    for g in root.iter(f"{SVG}g"):
        if g.attrib.get("class") == cls:
            for t in g.iter(f"{SVG}text"):
                t.attrib.setdefault("font-size", g.attrib["font-size"])
                out.append(t)
    return out


def box_of(text: ET.Element) -> tuple[float, float, float, float]:
    return text_box(float(text.attrib["x"]), float(text.attrib["y"]), text.text or "",
                    float(text.attrib["font-size"]), text.attrib.get("text-anchor", "start"))


def overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_points_closer_than_their_radius_become_one_mark_with_the_sum_of_their_incidents():
    root = parse(render_map([JUAREZ, EL_PASO, SYDNEY, LIMA], title="World"))
    found = marks(root)
    assert len(found) == 3  # Juárez and El Paso, 10 km apart, are one mark on a world map
    [(cluster, _)] = [(a, c) for a, c in found if "5 incidents" in a.attrib["aria-label"]]
    assert "Ciudad Juárez" in cluster.attrib["aria-label"] and "El Paso" in cluster.attrib["aria-label"]
    assert cluster.attrib["href"] == JUAREZ.href  # the larger place, when the points name no region map
    # On a map of the border they are far enough apart to be two marks.
    near = parse(render_map([JUAREZ, EL_PASO], title="Border", bounds=bounds_around([JUAREZ], min_span_deg=0.4)))
    assert len(marks(near)) == 2


def test_no_two_marks_overlap_on_a_crowded_world_map():
    rng = random.Random(7)
    points = [MapPoint(rng.uniform(35, 60), rng.uniform(-10, 40), f"../p/{i}/", f"Place {i}", count=rng.randint(1, 30))
              for i in range(600)]
    root = parse(render_map(points, title="Europe, crowded"))
    found = [centre(c) for _, c in marks(root)]
    assert 1 < len(found) < 100
    for i, (x1, y1, r1) in enumerate(found):
        for x2, y2, r2 in found[i + 1:]:
            assert math.hypot(x1 - x2, y1 - y2) >= r1 + r2 - 0.2, ((x1, y1, r1), (x2, y2, r2))
    total = sum(int(a.attrib["data-count"]) for a, _ in marks(root))
    assert total == sum(p.count for p in points)  # every incident is counted once


def test_a_cluster_links_to_the_region_map_of_most_of_its_incidents():
    juarez = MapPoint(JUAREZ.lat, JUAREZ.lon, JUAREZ.href, JUAREZ.label, count=3, group="../map/north-america/")
    el_paso = MapPoint(EL_PASO.lat, EL_PASO.lon, EL_PASO.href, EL_PASO.label, count=2, group="../map/elsewhere/")
    [(cluster, _)] = marks(parse(render_map([juarez, el_paso], title="World")))
    assert cluster.attrib["href"] == "../map/north-america/"


def test_clusters_are_drawn_the_same_whatever_the_order_of_the_points():
    rng = random.Random(3)
    points = [MapPoint(rng.uniform(-40, 60), rng.uniform(-100, 140), f"../p/{i}/", f"Place {i}",
                       count=rng.randint(1, 9)) for i in range(300)]
    first = render_map(points, title="World", labels=True)
    for seed in range(3):
        shuffled = points[:]
        random.Random(seed).shuffle(shuffled)
        assert render_map(shuffled, title="World", labels=True) == first


def test_the_larger_places_and_clusters_are_labelled_without_labels_overlapping():
    rng = random.Random(11)
    points = [MapPoint(rng.uniform(-40, 60), rng.uniform(-100, 140), f"../p/{i}/", f"Town {i}, Somewhere: x",
                       count=rng.randint(1, 40), name=f"Town {i}") for i in range(400)]
    root = parse(render_map(points, title="World", labels=True))
    labels = texts(root, "labels")
    assert len(labels) >= 8
    boxes = [box_of(t) for t in labels if t.attrib.get("class") != "count"]  # a count is inside its own circle
    for i, a in enumerate(boxes):
        assert all(not overlap(a, b) for b in boxes[i + 1:]), labels[i].text
    _, _, width, height = map(float, root.attrib["viewBox"].split())
    assert all(0 <= b[0] and b[2] <= width and 0 <= b[1] for b in boxes)
    # Every mark large enough to hold its count says it: beside its name, else inside its circle.
    for a, c in marks(root):
        count = a.attrib["data-count"]
        if float(c.attrib["r"]) >= 16:
            assert any(t.text and (t.text.endswith(f"({count})") or t.text == count) for t in labels), count


def test_a_size_legend_draws_the_circle_of_each_count_it_names():
    points = [JUAREZ, SYDNEY, LIMA, MapPoint(50.45, 30.52, "../places/kyiv/", "Kyiv: 120 incidents", count=120)]
    root = parse(render_map(points, title="World", labels=True))
    [legend] = [g for g in root.iter(f"{SVG}g") if g.attrib.get("class") == "legend"]
    circles = list(legend.iter(f"{SVG}circle"))
    names = [t.text for t in legend.iter(f"{SVG}text")]
    assert "Incidents" in names[0]
    counts = [int(n) for n in names[1:]]
    assert counts == [1, 10, 100]  # up to the largest mark on the map
    assert [float(c.attrib["r"]) for c in circles] == [round(radius(n, 5.0), 1) for n in counts]
    _, _, _, height = map(float, root.attrib["viewBox"].split())
    assert all(float(c.attrib["cy"]) + float(c.attrib["r"]) <= height for c in circles)


def test_a_phone_copy_draws_labels_legible_at_390_px_and_shares_the_land():
    points = [JUAREZ, SYDNEY, LIMA, MapPoint(50.45, 30.52, "../places/kyiv/", "Kyiv: 120 incidents", count=120,
                                             name="Kyiv")]
    wide = parse(render_map(points, title="World", labels=True))
    phone = parse(render_map(points, title="World", labels=True, width=360, land_width=960, id_prefix="m-phone"))
    assert phone.attrib["viewBox"].split()[2] == "360"
    # The phone's map is drawn about 360 px wide on a 390 px screen: its labels are at least 12 px.
    assert all(float(t.attrib["font-size"]) * 350 / 360 >= 12 for t in texts(phone, "labels"))
    assert texts(phone, "labels")
    [land_wide] = [u for u in wide.iter(f"{SVG}use") if u.attrib["class"] == "land"]
    [land_phone] = [u for u in phone.iter(f"{SVG}use") if u.attrib["class"] == "land"]
    assert land_wide.attrib["href"] == land_phone.attrib["href"]  # one basemap file for both
    assert land_phone.attrib["transform"] == "scale(0.375)"
