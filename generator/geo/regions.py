"""Regions of the world for regional maps: continents (the Middle East apart from Asia), or a site's own.

A point belongs to the continent of its country (Natural Earth's name, after aliases) when it
lies in that continent's box, else to the continent its coordinates fall in: a point in French
Guiana filed under France is on the map of South America, one in Vladivostok under Russia on
the map of Asia, so that each region's map stays a compact box around its points.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from .outline import canonical_name, find_country


@dataclass(frozen=True, slots=True)
class Region:
    slug: str  # its map's path: map/<slug>/
    name: str
    countries: tuple[str, ...] = ()  # a site's own region: its countries (Natural Earth names)


CONTINENTS = (Region("africa", "Africa"), Region("asia", "Asia"), Region("europe", "Europe"),
              Region("middle-east", "Middle East"), Region("north-america", "North and Central America"),
              Region("oceania", "Oceania"), Region("south-america", "South America"))

# Countries whose place is not what their coordinates alone would say (the Mediterranean, the
# Caucasus, the Red Sea); the others follow _by_coordinates.
COUNTRIES = {
    "middle-east": ("Armenia", "Azerbaijan", "Bahrain", "Cyprus", "Georgia", "Iran", "Iraq", "Israel", "Jordan",
                    "Kuwait", "Lebanon", "N. Cyprus", "Oman", "Palestine", "Qatar", "Saudi Arabia", "Syria", "Turkey",
                    "United Arab Emirates", "Yemen"),
    "europe": ("Malta", "Spain", "Portugal", "Italy", "Greece", "Russia"),
    "africa": ("Morocco", "Algeria", "Tunisia", "Libya", "Egypt", "Sudan", "Eritrea", "Djibouti", "Mauritius",
               "Seychelles", "Cabo Verde"),
    "oceania": ("Palau", "Papua New Guinea"),
    "asia": ("Timor-Leste", "Indonesia"),
}

# (west, south, east, north): where each continent's points may lie when named by their country.
BOXES = {
    "africa": ((-26.0, -40.0, 64.0, 38.0),),
    "asia": ((25.0, -12.0, 180.0, 82.0),),
    "europe": ((-32.0, 26.0, 70.0, 82.0),),
    "middle-east": ((25.0, 11.0, 64.0, 44.0),),
    "north-america": ((-180.0, 5.0, -50.0, 84.0),),
    "oceania": ((110.0, -55.0, 180.0, 30.0), (-180.0, -55.0, -120.0, 30.0)),
    "south-america": ((-93.0, -60.0, -25.0, 15.0),),
}


@functools.cache
def _by_country() -> dict[str, str]:
    return {name: slug for slug, names in COUNTRIES.items() for name in names}


def _in(slug: str, lat: float, lon: float) -> bool:
    return any(w <= lon <= e and s <= lat <= n for w, s, e, n in BOXES[slug])


def _by_coordinates(lat: float, lon: float) -> str:
    if lon < -30:
        if lon < -140 and lat < 15:
            return "oceania"
        return "north-america" if lat > 13 or (lat > 7 and lon < -77) else "south-america"
    if lon > 140 or (lon > 110 and lat < -10):
        return "oceania"
    if lat >= 36 and lon < 45:
        return "europe"
    if 34 <= lon <= 60 and 12 <= lat < 42:
        return "middle-east"
    if lon < 52 and lat < 37:
        return "africa"
    return "asia"


@functools.cache
def _country_continent(name: str) -> str | None:
    """The continent of a country of the outlines: the table's, else that of the middle of its
    largest polygon (Ethiopia's highlands are in Africa, though a point there is near Arabia)."""
    if name in _by_country():
        return _by_country()[name]
    country = find_country(name, "110m") or find_country(name, "50m")
    if country is None or not country.polygons:
        return None
    main = max(country.polygons, key=lambda p: p.area)
    return _by_coordinates((main.south + main.north) / 2, (main.west + main.east) / 2)


def continent_of(lat: float, lon: float, country: str = "") -> str:
    """The slug of the continent (of ``CONTINENTS``) a point is on."""
    name = canonical_name(country) if country else None
    slug = _country_continent(name) if name else None
    if slug is not None and _in(slug, lat, lon):
        return slug
    return _by_coordinates(lat, lon)


def region_of(lat: float, lon: float, country: str, own: tuple[Region, ...] = ()) -> Region:
    """The site's own region naming the point's country, else the point's continent."""
    name = canonical_name(country) if country else None
    if name:
        for region in own:
            if name in region.countries:
                return region
    slug = continent_of(lat, lon, country)
    return next(r for r in CONTINENTS if r.slug == slug)
