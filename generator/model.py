"""The typed, frozen content model that every stage after the loader works on.

No raw dicts pass this point: the validate stage turns front matter into these
objects, the graph stage links them, and templates read their attributes.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from .pickling import compact

# The line of each front-matter field, by its dotted name ("summary", "claims[1]", "location.place"),
# for the checks that run after validation (the review) and must name a line.
FieldLines = tuple[tuple[str, int], ...]


def line_of(lines: FieldLines, name: str, default: int = 1) -> int:
    """The line of field ``name``, or of its nearest parent that has one, or ``default``."""
    found = dict(lines)
    while name:
        if name in found:
            return found[name]
        name = name.rsplit("[", 1)[0] if name.endswith("]") else name.rpartition(".")[0]
    return default


@dataclass(frozen=True, slots=True, order=True)
class Moment:
    """A date or a date and time, always timezone-aware so that they sort together.

    An incident's date may be approximate: only its month (2022-06) or its year (2022) is
    known. ``value`` is then the first day of that period, which is where it sorts.
    """

    value: dt.datetime
    has_time: bool = False
    precision: str = "day"  # "day", "month" or "year": how much of ``value`` is known

    @property
    def date(self) -> dt.date:
        return self.value.date()

    @property
    def year(self) -> int:
        return self.value.year

    @property
    def month(self) -> int:
        """1-12; 0 when only the year is known (year pages and the timeline group by it)."""
        return 0 if self.precision == "year" else self.value.month

    @property
    def month_name(self) -> str:
        """The month it falls in, as a heading: "June 2022", or "2022, month not known"."""
        return f"{self.value.year}, month not known" if self.precision == "year" else f"{self.value:%B %Y}"

    def iso(self) -> str:
        """The machine form: 2023-03-27, 2023-03-27T21:30:00-06:00, or 2023-03 and 2023 when approximate."""
        return _iso(self)

    def human(self) -> str:
        """The reader's form: 27 March 2023 (21:30 UTC-06:00); March 2023 or 2023 when approximate."""
        return _human(self)

    def __str__(self) -> str:
        return self.iso()


# A date is shown on every page that lists its incident: format each one once.
@functools.lru_cache(maxsize=1 << 16)
def _iso(moment: Moment) -> str:
    if moment.precision != "day":
        return f"{moment.value.year:04d}" + (f"-{moment.value.month:02d}" if moment.precision == "month" else "")
    return moment.value.isoformat() if moment.has_time else moment.value.date().isoformat()


@functools.lru_cache(maxsize=1 << 16)
def _human(moment: Moment) -> str:
    if moment.precision != "day":
        return f"{moment.value:%B %Y}" if moment.precision == "month" else str(moment.value.year)
    text = f"{moment.value.day} {moment.value:%B %Y}"
    if moment.has_time:
        text += f", {moment.value:%H:%M} {_zone_name(moment.value)}"
    return text


def _zone_name(value: dt.datetime) -> str:
    name = value.tzname() or ""
    return "UTC" if name in ("UTC", "UTC+00:00") else name


@dataclass(frozen=True, slots=True)
class NavItem:
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class MapRegion:
    """A region of the site's own (site.yaml ``map_regions``): a regional map of the incidents in its countries."""

    name: str
    slug: str  # its map's path: map/<slug>/
    countries: tuple[str, ...]  # as the writer spelled them; matched with the same aliases as the maps


@dataclass(frozen=True, slots=True)
class SiteConfig:
    title: str
    base_url: str  # absolute, ends with "/"; may carry a sub-path
    language: str = "en"
    description: str = ""
    author: str = ""
    org: str = ""
    nav: tuple[NavItem, ...] = ()
    per_page: int = 50
    allow_html: bool = False
    timezone: str = "UTC"
    related_limit: int = 6
    home_limit: int = 10
    feed_size: int = 20  # entries in each Atom feed, newest first
    map_regions: tuple[MapRegion, ...] = ()  # the site's own regional maps; continents for the rest


@dataclass(frozen=True, slots=True)
class Location:
    place: str = ""
    region: str = ""
    country: str = ""
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    path: str  # where it is defined: a source file or the incident that defines it inline
    line: int
    type: str = "other"
    publisher: str = ""
    url: str = ""
    archive_url: str = ""
    published: Moment | None = None
    accessed: Moment | None = None
    reliability: str = ""
    notes: str = ""
    language: str = ""  # of the source's title and text, when not the site's ("es"): lang="es" on its title
    body: str = ""
    body_line: int = 0
    from_file: bool = False
    field_lines: FieldLines = ()


@dataclass(frozen=True, slots=True)
class Entity:
    id: str
    name: str
    kind: str = ""
    aliases: tuple[str, ...] = ()
    country: str = ""
    url: str = ""
    body: str = ""
    body_line: int = 0
    path: str = ""  # "" when only named in front matter, without a file
    field_lines: FieldLines = ()


@dataclass(frozen=True, slots=True)
class Reference:
    """An id written in front matter, with the line it was written on."""

    id: str
    path: str
    line: int
    field: str


@dataclass(frozen=True, slots=True)
class Claim:
    text: str
    by: Reference | None = None
    date: Moment | None = None
    status: str = "unverified"
    sources: tuple[Reference, ...] = ()


@dataclass(frozen=True, slots=True)
class Update:
    date: Moment
    note: str = ""
    kind: str = "update"  # update | correction
    figures: tuple[str, ...] = ()  # the figure keys a correction changed, marked where the figures show


@dataclass(frozen=True, slots=True)
class Coverage:
    title: str
    url: str
    outlet: str = ""
    date: Moment | None = None


@dataclass(frozen=True, slots=True)
class Image:
    """A picture of an incident or a report: shown on its page and used as its share image."""

    src: str  # a path inside static/ without its leading "/", or an http(s) URL
    alt: str = ""
    caption: str = ""
    credit: str = ""

    @property
    def is_local(self) -> bool:
        return "://" not in self.src


@dataclass(frozen=True, slots=True)
class Publishing:
    """Whether an item is public yet: drafts and embargoed items are left out."""

    draft: bool = False
    publish_after: Moment | None = None


@dataclass(frozen=True, slots=True)
class Incident:
    slug: str
    title: str
    date: Moment
    path: str
    line: int
    summary: str = ""
    authors: tuple[str, ...] = ()  # the byline; the site's author or org when empty
    status: str = "confirmed"
    location: Location = field(default_factory=Location)
    tags: tuple[str, ...] = ()
    figures: tuple[tuple[str, int | float], ...] = ()
    entities: tuple[Reference, ...] = ()
    sources: tuple[Reference, ...] = ()
    coverage: tuple[Coverage, ...] = ()
    related: tuple[Reference, ...] = ()
    claims: tuple[Claim, ...] = ()
    updates: tuple[Update, ...] = ()
    publishing: Publishing = field(default_factory=Publishing)
    published: Moment | None = None  # the front matter's: when the site first published the record
    first_commit: Moment | None = None  # the day its file was first committed, where the site is a git repository
    image: Image | None = None
    fictional: bool = False  # an invented example: shown as such, never counted in totals
    exclude_from_totals: bool = False  # the editors' choice (a duplicate, a disputed record)
    body: str = ""
    body_line: int = 0
    field_lines: FieldLines = ()

    kind = "incident"

    @property
    def in_totals(self) -> bool:
        """Whether the site's totals and statistics count this incident's figures."""
        return not (self.fictional or self.exclude_from_totals)

    @property
    def last_updated(self) -> Moment | None:
        """When the record last changed: its latest update or correction, else its publication; None if unknown.

        Never the event's date: the record was written after the event.
        """
        return modified(self)


@dataclass(frozen=True, slots=True)
class Report:
    slug: str
    title: str
    date: Moment
    path: str
    line: int
    authors: tuple[str, ...] = ()
    summary: str = ""
    incidents: tuple[Reference, ...] = ()
    tags: tuple[str, ...] = ()
    sources: tuple[Reference, ...] = ()
    image: str = ""
    image_alt: str = ""
    image_credit: str = ""
    updates: tuple[Update, ...] = ()
    publishing: Publishing = field(default_factory=Publishing)
    published: Moment | None = None  # the front matter's, when it differs from ``date``
    image_caption: str = ""
    body: str = ""
    body_line: int = 0
    field_lines: FieldLines = ()

    kind = "report"

    @property
    def cover(self) -> Image | None:
        """Its image as an incident's is: what the page's figure and the share image are made from."""
        return Image(self.image, self.image_alt, self.image_caption, self.image_credit) if self.image else None


@dataclass(frozen=True, slots=True)
class Page:
    slug: str
    title: str
    path: str
    line: int = 1  # of the explicit slug, if any
    summary: str = ""
    publishing: Publishing = field(default_factory=Publishing)
    published: Moment | None = None
    first_commit: Moment | None = None
    body: str = ""
    body_line: int = 0
    field_lines: FieldLines = ()

    kind = "page"


def publication(item: Incident | Report | Page) -> Moment | None:
    """When the site first published the record (docs/content-format.md, "Publication dates").

    Its ``published`` field; else, for a report, its date; else the later of its embargo's end
    and its file's first commit (it was public at neither before the other); else None.
    """
    if item.published is not None:
        return item.published
    if isinstance(item, Report):
        return item.publishing.publish_after or item.date
    known = [m for m in (item.publishing.publish_after, item.first_commit) if m is not None]
    return max(known) if known else None


def modified(item: Incident | Report) -> Moment | None:
    """When the record last changed: its latest update or correction, or its publication; None if neither."""
    known = [u.date for u in item.updates]
    first = publication(item)
    return max([*known, first]) if first is not None else max(known, default=None)


@dataclass(frozen=True, slots=True)
class TagInfo:
    """A tag's own file, ``content/tags/<id>.md``: the title and description its page shows."""

    id: str
    title: str
    path: str
    description: str = ""
    field_lines: FieldLines = ()

    kind = "tag"


@dataclass(frozen=True, slots=True)
class StaticFile:
    source: str  # absolute path on disk
    target: str  # path inside the output, with forward slashes


@dataclass(frozen=True, slots=True)
class Unreadable:
    """An id that a file which could not be read would have defined (see ``unreadable.py``).

    References to it are not reported: the file's own error is the one to fix.
    """

    kind: str  # incident | source | entity | report | page: what the id names
    id: str
    path: str  # the file that could not be read


@dataclass(frozen=True, slots=True)
class Content:
    """Everything the validate stage produced: the site's whole model, unlinked."""

    config: SiteConfig
    incidents: tuple[Incident, ...]
    reports: tuple[Report, ...]
    sources: tuple[Source, ...]
    entities: tuple[Entity, ...]
    pages: tuple[Page, ...]
    unreadable: tuple[Unreadable, ...] = ()
    tags: tuple[TagInfo, ...] = ()


for _model in (Moment, NavItem, SiteConfig, Location, Source, Entity, Reference, Claim, Update, Coverage,
               Publishing, Image, Incident, Report, Page, TagInfo, StaticFile, Unreadable, Content):
    compact(_model)  # the cache holds hundreds of thousands of these
