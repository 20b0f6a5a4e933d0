"""The map pages of a built site: the world map's clusters and region list, the regional maps
(continents, or the site's own regions from site.yaml), and the incident page's maps fitted
to what they show. Small sites written inline; the built HTML parsed.
"""

from __future__ import annotations

from pathlib import Path

from helpers import build_fails, build_ok, expect, line_of, page, resolve_href, write_site

PLACES = {  # slug: (place, country, lat, lon)
    "juarez": ("Ciudad Juárez", "Mexico", 31.69, -106.42),
    "ahumada": ("Villa Ahumada", "Mexico", 30.62, -106.51),
    "las-cruces": ("Las Cruces", "United States", 32.31, -106.78),
    "paris": ("Paris", "France", 48.86, 2.35),
    "berlin": ("Berlin", "Germany", 52.52, 13.40),
}


def incident(slug: str, day: int, tags: str = "[fire]") -> str:
    place, country, lat, lon = PLACES[slug]
    return (f"---\ntitle: Fire in {place}\ndate: 2023-03-{day:02d}\ntags: {tags}\nlocation:\n  place: {place}\n"
            f"  country: {country}\n  lat: {lat}\n  lon: {lon}\n---\nThe fire began at night.\n")


def site(tmp_path: Path, site_yaml: str | None = None, places: tuple[str, ...] = tuple(PLACES)) -> Path:
    files: dict[str, str | bytes | None] = {f"content/incidents/{slug}.md": incident(slug, i + 1)
                                            for i, slug in enumerate(places)}
    if site_yaml is not None:
        files["site.yaml"] = site_yaml
    return write_site(tmp_path, files)


def wide_marks(soup, cls: str = "map-wide"):
    """The links of the marks of the wide copy of a page's first map."""
    svg = soup.select_one(f".{cls} svg.map")
    assert svg is not None, f"no .{cls} svg.map"
    return [a for a in svg.select("g.points a")]


def test_the_world_map_clusters_nearby_places_and_links_each_cluster_to_its_region_map(tmp_path):
    root = site(tmp_path)
    build_ok(root)
    world = page(root, "map/")
    marks = wide_marks(world)
    counts = sorted(int(a["data-count"]) for a in marks)
    assert counts == [1, 1, 3]  # Juárez, Villa Ahumada and Las Cruces are one mark on the world map
    [cluster] = [a for a in marks if a["data-count"] == "3"]
    assert cluster["href"] == "north-america/"
    assert resolve_href(root, "map/", cluster["href"]).is_file()
    # The regions are listed by name, each with its count, linking to its map.
    regions = {a.get_text(strip=True): a["href"] for a in world.select(".map-regions a")}
    assert regions == {"Europe": "europe/", "North and Central America": "north-america/"}
    # On the regional map the three places are three marks, each linking to its incident.
    america = page(root, "map/north-america/")
    assert america.select_one("h1").get_text(strip=True) == "Map: North and Central America"
    region_marks = wide_marks(america)
    assert sorted(a["href"] for a in region_marks) == [
        "../../incidents/ahumada/", "../../incidents/juarez/", "../../incidents/las-cruces/"]
    labels = [t.get_text() for t in america.select(".map-wide svg.map g.labels text")]
    assert "Ciudad Juárez" in labels and "Las Cruces" in labels
    assert america.select_one(".map-wide svg.map g.legend") is not None
    # Its own projection: the box of the three places, not of the world.
    width, height = (float(v) for v in america.select_one(".map-wide svg.map")["viewbox"].split()[2:])
    assert width == 960
    europe = page(root, "map/europe/")
    assert sorted(a["href"] for a in wide_marks(europe)) == ["../../incidents/berlin/", "../../incidents/paris/"]
    assert not (root / "output/map/asia/index.html").exists()  # only the regions with incidents


def test_a_phone_copy_of_each_map_is_drawn_with_its_own_clusters(tmp_path):
    root = site(tmp_path)
    build_ok(root)
    world = page(root, "map/")
    phone = world.select_one(".map-phone svg.map")
    assert phone is not None and phone["viewbox"].split()[2] == "360"
    # The phone's copy shares the basemap file of the wide one.
    assert phone.select_one("use.land")["href"] == world.select_one(".map-wide svg.map use.land")["href"]
    assert phone["aria-labelledby"] != world.select_one(".map-wide svg.map")["aria-labelledby"]


def test_the_sites_own_regions_take_their_countries(tmp_path):
    root = site(tmp_path, "title: T\nbase_url: https://example.org/\nmap_regions:\n"
                          "  - name: The border\n    countries: [Mexico, USA]\n")
    build_ok(root)
    world = page(root, "map/")
    regions = {a.get_text(strip=True): a["href"] for a in world.select(".map-regions a")}
    assert regions == {"The border": "the-border/", "Europe": "europe/"}
    [cluster] = [a for a in wide_marks(world) if a["data-count"] == "3"]
    assert cluster["href"] == "the-border/"
    assert len(wide_marks(page(root, "map/the-border/"))) == 3
    assert not (root / "output/map/north-america/index.html").exists()


def test_a_region_without_countries_or_with_a_taken_name_is_an_error(tmp_path):
    yaml = ("title: T\nbase_url: https://example.org/\nmap_regions:\n"
            "  - name: Border\n    countries: []\n"
            "  - name: Europe\n    countries: [France]\n")
    root = site(tmp_path, yaml)
    run = build_fails(root)
    expect(run, "site.yaml", line_of(yaml, "countries: []"), "map_regions[0].countries", "names no country")
    expect(run, "site.yaml", line_of(yaml, "name: Europe"), "map_regions[1].name", "taken")


def test_the_related_map_fits_every_related_incident_it_shows(tmp_path):
    root = site(tmp_path)
    build_ok(root)
    soup = page(root, "incidents/juarez/")
    svg = soup.select_one(".related-map svg.map")
    assert svg is not None
    shown = {a["href"] for a in svg.select("g.points a")}
    related = {a["href"] for a in soup.select(".related-list li > a")}
    assert len(related) == 4
    # Every related incident is on the map (Paris and Berlin too), alone or in a cluster with its count.
    assert sum(int(a["data-count"]) for a in svg.select("g.points a")) == len(related) + 1, (shown, related)
    width, height = (float(v) for v in svg["viewbox"].split()[2:])
    assert width / height >= 4 / 3  # a landscape map, not a tall one


def test_the_location_map_fits_the_place_in_its_country():
    import datetime as dt

    from generator.geo import Bounds, country_bounds
    from generator.model import Incident, Location, Moment
    from generator.pages.maps import location_map

    def located(place: str, country: str, lat: float, lon: float) -> Incident:
        return Incident(slug="x", title="X", path="content/incidents/x.md", line=1,
                        date=Moment(dt.datetime(2023, 3, 1, tzinfo=dt.UTC)),
                        location=Location(place=place, country=country, lat=lat, lon=lon))

    def inside(small: Bounds, big: Bounds) -> bool:
        return (big.west <= small.west and small.east <= big.east
                and big.south <= small.south and small.north <= big.north)

    for place, country, lat, lon in (("Tecún Umán", "Guatemala", 14.68, -92.14), ("Paris", "France", 48.86, 2.35),
                                     ("Damascus", "Syria", 33.51, 36.29)):
        spec = location_map(located(place, country, lat, lon), "incidents/x/")
        assert spec is not None and spec.bounds is not None
        whole = country_bounds(country)
        assert whole is not None and inside(whole, spec.bounds), (country, spec.bounds)
        # The country fills the map: the box is at most about twice its span, not a 24-degree square.
        assert spec.bounds.east - spec.bounds.west <= 2.2 * max(whole.east - whole.west, 4.0), (country, spec.bounds)
    # A country too large to fit in a small map keeps the box around the place.
    spec = location_map(located("El Paso", "United States", 31.76, -106.49), "incidents/x/")
    assert spec is not None and spec.bounds is not None and spec.bounds.east - spec.bounds.west < 40


def test_a_point_is_on_the_continent_of_its_country_where_it_lies():
    from generator.geo.regions import continent_of

    cases = [("Ethiopia", 13.5, 39.47, "africa"), ("Sudan", 15.6, 32.5, "africa"),
             ("Syria", 33.5, 36.3, "middle-east"), ("Russia", 55.7, 37.6, "europe"), ("Russia", 43.1, 131.9, "asia"),
             ("France", 4.9, -52.3, "south-america"), ("USA", 31.76, -106.49, "north-america"),
             ("Spain", 35.29, -2.94, "europe"), ("", -33.87, 151.21, "oceania")]
    assert [continent_of(lat, lon, country) for country, lat, lon, _ in cases] == [want for *_, want in cases]
