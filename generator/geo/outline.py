"""The vendored Natural Earth country outlines: loading, country names, country boxes.

The data files (``countries-110m.json``, ``countries-50m.json``; see PROVENANCE.md and
make_outline.py for their format) are read lazily, once per process.
"""

from __future__ import annotations

import functools
import json
import math
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

from .bounds import Bounds

Detail = Literal["110m", "50m"]
DETAILS: tuple[Detail, ...] = ("110m", "50m")
Ring = tuple[tuple[float, float], ...]  # (lon, lat) points, implicitly closed


@dataclass(frozen=True, slots=True)
class Polygon:
    rings: tuple[Ring, ...]  # the outer ring, then its holes
    west: float
    south: float
    east: float
    north: float

    @property
    def area(self) -> float:
        """The outer ring's area in square degrees of latitude (longitude shrunk by cos(lat))."""
        ring = self.rings[0]
        k = math.cos(math.radians((self.south + self.north) / 2))
        return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True))) * k / 2


@dataclass(frozen=True, slots=True)
class Country:
    name: str  # as Natural Earth spells it: "United States of America", "Dem. Rep. Congo"
    iso_numeric: str  # ISO 3166-1 numeric ("484"), "" for a few (Kosovo, N. Cyprus, Somaliland)
    polygons: tuple[Polygon, ...]
    west: float
    south: float
    east: float
    north: float


# Names writers use -> the Natural Earth name. Matched after fold() (case, accents, punctuation).
ALIASES = {
    "United States of America": ("United States", "USA", "US", "U.S.", "U.S.A.", "America"),
    "Dem. Rep. Congo": ("Democratic Republic of the Congo", "DR Congo", "DRC", "Congo (Kinshasa)",
                        "Congo-Kinshasa", "Democratic Republic of Congo"),
    "Congo": ("Republic of the Congo", "Congo (Brazzaville)", "Congo-Brazzaville"),
    "Central African Rep.": ("Central African Republic", "CAR"),
    "Czechia": ("Czech Republic",),
    "Côte d'Ivoire": ("Ivory Coast",),
    "Bosnia and Herz.": ("Bosnia and Herzegovina", "Bosnia", "Bosnia-Herzegovina"),
    "Macedonia": ("North Macedonia",),
    "Dominican Rep.": ("Dominican Republic",),
    "Eq. Guinea": ("Equatorial Guinea",),
    "S. Sudan": ("South Sudan",),
    "W. Sahara": ("Western Sahara",),
    "Solomon Is.": ("Solomon Islands",),
    "Falkland Is.": ("Falkland Islands", "Falklands", "Malvinas"),
    "Fr. S. Antarctic Lands": ("French Southern and Antarctic Lands",),
    "N. Cyprus": ("Northern Cyprus",),
    "eSwatini": ("Eswatini", "Swaziland"),
    "Timor-Leste": ("East Timor",),
    "United Kingdom": ("UK", "U.K.", "Great Britain", "Britain"),
    "Russia": ("Russian Federation",),
    "Iran": ("Islamic Republic of Iran",),
    "Syria": ("Syrian Arab Republic",),
    "Turkey": ("Türkiye", "Turkiye"),
    "Myanmar": ("Burma",),
    "Laos": ("Lao PDR", "Lao People's Democratic Republic"),
    "North Korea": ("DPRK", "Democratic People's Republic of Korea"),
    "South Korea": ("Republic of Korea", "Korea"),
    "Vietnam": ("Viet Nam",),
    "Palestine": ("State of Palestine", "Palestinian Territories", "West Bank", "Gaza"),
    "Cabo Verde": ("Cape Verde",),
    "Antigua and Barb.": ("Antigua and Barbuda",),
    "St. Kitts and Nevis": ("Saint Kitts and Nevis",),
    "St. Vin. and Gren.": ("Saint Vincent and the Grenadines",),
    "São Tomé and Principe": ("Sao Tome and Principe",),
    "Vatican": ("Holy See", "Vatican City"),
    "Micronesia": ("Federated States of Micronesia",),
    "Marshall Is.": ("Marshall Islands",),
    "Cayman Is.": ("Cayman Islands",),
    "Faeroe Is.": ("Faroe Islands",),
    "Turks and Caicos Is.": ("Turks and Caicos Islands",),
    "British Virgin Is.": ("British Virgin Islands",),
    "U.S. Virgin Is.": ("US Virgin Islands", "United States Virgin Islands"),
    "Fr. Polynesia": ("French Polynesia",),
    "Cook Is.": ("Cook Islands",),
    "N. Mariana Is.": ("Northern Mariana Islands",),
}


def fold(name: str) -> str:
    """A name reduced for matching: no case, accents, punctuation or extra spaces."""
    text = unicodedata.normalize("NFKD", name).casefold()
    text = "".join(c if c.isalnum() else " " for c in text if not unicodedata.combining(c))
    return " ".join(text.split())


@functools.cache
def load(detail: Detail) -> tuple[Country, ...]:
    """Every country of one vendored scale, decoded once per process."""
    if detail not in DETAILS:
        raise ValueError(f"unknown detail {detail!r}; expected one of {', '.join(DETAILS)}")
    text = resources.files(__package__).joinpath(f"countries-{detail}.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    unit = float(data["unit"])
    return tuple(_country(row, unit) for row in data["countries"])


def _country(row: dict[str, Any], unit: float) -> Country:
    polygons = []
    for encoded in row["polygons"]:
        rings = tuple(_ring(flat, unit) for flat in encoded)
        lons, lats = [x for x, _ in rings[0]], [y for _, y in rings[0]]
        polygons.append(Polygon(rings, min(lons), min(lats), max(lons), max(lats)))
    return Country(str(row["name"]), str(row["id"]), tuple(polygons),
                   min(p.west for p in polygons), min(p.south for p in polygons),
                   max(p.east for p in polygons), max(p.north for p in polygons))


def _ring(flat: list[int], unit: float) -> Ring:
    x, y = flat[0], flat[1]
    points = [(round(x * unit, 2), round(y * unit, 2))]
    for i in range(2, len(flat), 2):
        x += flat[i]
        y += flat[i + 1]
        points.append((round(x * unit, 2), round(y * unit, 2)))
    return tuple(points)


@functools.cache
def _names() -> dict[str, str]:
    """fold(any known name or alias) -> the Natural Earth name, over both scales."""
    table = {fold(c.name): c.name for detail in DETAILS for c in load(detail)}
    for name, aliases in ALIASES.items():
        if fold(name) in table:
            for alias in aliases:
                table.setdefault(fold(alias), name)
    return table


def canonical_name(name: str) -> str | None:
    """The Natural Earth name of a country as a writer may spell it, or None."""
    return _names().get(fold(name)) if name else None


def country_known(name: str) -> bool:
    """Whether the outlines have a country of this name (or alias, case-insensitive)."""
    return canonical_name(name) is not None


def find_country(name: str, detail: Detail) -> Country | None:
    wanted = canonical_name(name)
    if wanted is None:
        return None
    return next((c for c in load(detail) if c.name == wanted), None)


# country_bounds takes a further polygon into the box when it is at least this share of the
# largest polygon's area and lies within this many degrees of the box so far: a fair-sized island
# close by (Crete, Sicily, Kyushu), or a land nearly as big as the main one further off (Papua, Borneo).
NEAR = ((0.05, 3.0), (0.5, 15.0))


@functools.cache
def country_bounds(name: str) -> Bounds | None:
    """The box of a country's main land: its largest polygon, with the big polygons close to it
    (Hokkaido with Honshu, Crete with mainland Greece, Papua with Borneo and Sumatra, but not
    Alaska with the lower 48, Chukotka with the rest of Russia or French Guiana with France);
    None for an unknown country."""
    country = find_country(name, "50m") or find_country(name, "110m")
    if country is None or not country.polygons:
        return None
    ranked = sorted(country.polygons, key=lambda p: (-p.area, p.west, p.south))
    main = ranked[0]
    west, south, east, north = main.west, main.south, main.east, main.north
    grew = True
    while grew:
        grew = False
        for p in ranked[1:]:
            inside = p.west >= west and p.east <= east and p.south >= south and p.north <= north
            gap = max(p.west - east, west - p.east, p.south - north, south - p.north)
            if not inside and any(p.area >= share * main.area and gap <= deg for share, deg in NEAR):
                west, south = min(west, p.west), min(south, p.south)
                east, north = max(east, p.east), max(north, p.north)
                grew = True
    if east - west < 0.01 or north - south < 0.01:  # a speck: give it a tiny real box
        west, east, south, north = west - 0.01, east + 0.01, south - 0.01, north + 0.01
    return Bounds(round(max(west, -180.0), 2), round(max(south, -90.0), 2),
                  round(min(east, 180.0), 2), round(min(north, 90.0), 2))
