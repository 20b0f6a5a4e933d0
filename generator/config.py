"""site.yaml, read into a typed ``SiteConfig`` with the same diagnostics as content."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .diagnostics import Diagnostics
from .fields import Fields
from .frontmatter import Document, parse_yaml
from .loader import CONFIG_NAME
from .model import MapRegion, NavItem, SiteConfig
from .urls import term_slug

CONFIG_KEYS = ("title", "base_url", "language", "description", "author", "org", "nav",
               "per_page", "allow_html", "timezone", "related_limit", "home_limit", "feed_size",
               "map_regions")
DEFAULT_BASE_URL = "http://localhost/"


def read_config(text: str, diags: Diagnostics) -> SiteConfig:
    parsed = parse_yaml(CONFIG_NAME, text, diags, what=CONFIG_NAME)
    data = parsed.data if parsed is not None else None
    doc = Document(CONFIG_NAME, data or {}, parsed.lines if parsed else {}, "", 0,
                   cuts=parsed.cuts if parsed else {})
    f = Fields(doc, diags, dt.UTC)
    f.warn_unknown(CONFIG_KEYS)
    timezone = _timezone(f)
    return SiteConfig(
        title=f.text("title", required=data is not None, default="Untitled site"),
        base_url=_base_url(f),
        language=f.language("language", default="en"),
        description=f.text("description"),
        author=f.text("author"),
        org=f.text("org"),
        nav=_nav(f),
        per_page=_positive(f, "per_page", 50),
        allow_html=f.flag("allow_html"),
        timezone=timezone,
        related_limit=_positive(f, "related_limit", 6),
        home_limit=_positive(f, "home_limit", 10),
        feed_size=_positive(f, "feed_size", 20),
        map_regions=_map_regions(f),
    )


def site_timezone(config: SiteConfig) -> dt.tzinfo:
    return dt.UTC if config.timezone == "UTC" else ZoneInfo(config.timezone)


def _timezone(f: Fields) -> str:
    name = f.text("timezone", default="UTC")
    if name == "UTC":
        return name
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        f.error("timezone", f"unknown time zone {name!r}", "expected a name like 'America/Mexico_City' or 'UTC'")
        return "UTC"
    return name


def _base_url(f: Fields) -> str:
    """An absolute http(s) URL ending in '/' (the policy refuses a query, a fragment and '//')."""
    url = f.url("base_url", use="base") or DEFAULT_BASE_URL
    parts = urlsplit(url)
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{parts.scheme}://{parts.netloc}{path}"


def _positive(f: Fields, key: str, default: int) -> int:
    value = f.raw(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        f.error(key, f"expected a whole number >= 1, got {value!r}")
        return default
    return value


def _nav(f: Fields) -> tuple[NavItem, ...]:
    items = []
    for entry in f.records("nav", ("title", "url"), ("title", "url")):
        title = entry.text("title", required=True)
        url = entry.url("url", required=True, use="nav")
        if title and url:
            items.append(NavItem(title, url))
    return tuple(items)


# The continents' maps: a region of the site's own may not take one of their paths.
CONTINENT_SLUGS = ("africa", "asia", "europe", "middle-east", "north-america", "oceania", "south-america")


def _map_regions(f: Fields) -> tuple[MapRegion, ...]:
    """map_regions: a list of {name, countries}; each becomes a regional map at map/<slug of name>/."""
    regions: list[MapRegion] = []
    claimed: dict[str, str] = {}  # country -> the region that named it first
    for entry in f.records("map_regions", ("name", "countries"), ("name", "countries")):
        name = entry.text("name", required=True)
        countries = entry.texts("countries")
        if not name:
            continue
        slug = term_slug(name)
        if not countries:
            entry.error("countries", f"region {name!r} names no country",
                        "list its countries: 'countries: [Mexico, Guatemala]'")
            continue
        if not slug or slug in CONTINENT_SLUGS or any(r.slug == slug for r in regions):
            entry.error("name", f"region name {name!r} gives the map path map/{slug}/, which is taken",
                        "give each region a name of its own, other than a continent's")
            continue
        for country in countries:
            first = claimed.setdefault(country.casefold(), name)
            if first != name:
                entry.error("countries", f"{country!r} is already in region {first!r}",
                            "put each country in one region")
        regions.append(MapRegion(name, slug, countries))
    return tuple(regions)
