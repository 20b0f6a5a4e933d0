"""What each page shows: one frozen, typed context per kind of page.

A page's template is given exactly the fields of its context (plus the
site-wide inputs every page gets: ``site``, ``nav``, ``footer_pages``, the
page's own path and title, see ``render.py``). No template sees the whole
graph, so a page's output is a function of its context and its templates
alone: that is what lets the build session skip a page whose inputs did not
change (``fingerprint.py``). Field names are the template variables
documented in ``docs/templates.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from markupsafe import Markup

from .datalisting import DataFile
from .geo import MapSpec
from .markdown import RenderedBody
from .meta import PageMeta
from .meta.card import Card
from .model import Claim, Entity, Incident, Moment, Page, Report, Source, Update
from .related import Related
from .stats import Statistics
from .terms import TermLink


@dataclass(frozen=True, slots=True)
class Pager:
    number: int
    total: int
    prev_path: str | None
    next_path: str | None
    pages: tuple[tuple[int, str], ...]  # (number, site path) of every page
    count: int = 0  # items in the whole list
    start: int = 0  # the position (from 1) of this page's first item; 0 when the list is empty
    shown: int = 0  # items on this page

    @property
    def end(self) -> int:
        """The position of this page's last item ("51–100 of 796")."""
        return self.start + self.shown - 1 if self.shown else 0

    def window(self, around: int = 1) -> list[tuple[int, str] | None]:
        """The compact pager: first, last, and ``around`` either side of this one; None for a gap.

        "1 … 4 5 6 … 15" rather than fifteen numbers in rows on a phone. A gap of a single
        page shows that page's number instead: "…" would take as much room and say less.
        """
        keep = {1, self.total, *range(self.number - around, self.number + around + 1)}
        keep |= {n + 1 for n in keep if n + 2 in keep}  # a gap of one page
        out: list[tuple[int, str] | None] = []
        last = 0
        for number, path in self.pages:
            if number not in keep:
                continue
            if number > last + 1:
                out.append(None)
            out.append((number, path))
            last = number
        return out


@dataclass(frozen=True, slots=True)
class NumberedSource:
    number: int
    source: Source
    cited: bool  # cited in the body (rather than only listed in front matter)
    uses: int  # how many citations in the body point at it (for the "jump back" links)

    @property
    def backrefs(self) -> list[str]:
        """Ids of the body's citations of this source, for links back up the page."""
        return [f"cite-{self.source.id}-{n}" for n in range(1, self.uses + 1)]


@dataclass(frozen=True, slots=True)
class ClaimView:
    claim: Claim
    by: Any  # the Entity, or None
    source_numbers: tuple[tuple[int, Source], ...]


@dataclass(frozen=True, slots=True)
class Unpublished:
    """Why a page built with drafts included (``--drafts``, the preview) is not public yet.

    Templates get it as ``unpublished`` (None on every other page) and show a banner, so
    that nobody mistakes a draft or an embargoed incident in the preview for a published one.
    """

    draft: bool
    embargoed_until: Moment | None  # set only while the embargo is in force

    @property
    def label(self) -> str:
        if self.draft or self.embargoed_until is None:
            return "Draft — not published"
        return f"Embargoed until {self.embargoed_until.human()}"

    @property
    def also(self) -> str:
        """The embargo of a draft that has one too ("" otherwise)."""
        if self.draft and self.embargoed_until is not None:
            return f"also embargoed until {self.embargoed_until.human()}"
        return ""


@dataclass(frozen=True, slots=True)
class CorrectionEntry:
    item: Incident | Report
    update: Update


@dataclass(frozen=True, slots=True)
class FeedEntry:
    item: Incident | Report
    updated: Moment  # its date, or its latest update: feed readers show updated entries again
    update: Update | None = None  # in the corrections feed: the correction or update itself
    anchor: str = ""  # its place on the item's page ("update_2"), part of the entry's link and id
    categories: tuple[str, ...] = ()  # a few of its tags (feeds.entry_categories), not all of them
    published: Moment | None = None  # when the record (or the update) was published; None when not known



@dataclass(frozen=True, slots=True)
class PageLink:
    """A plain page as the footer of every page shows it: its title and its URL, not its text.

    So that editing a page's text re-renders that page, not the whole site.
    """

    slug: str
    title: str
    kind: str = "page"


class Context:
    """Base of every page context: its fields are the template's variables."""

    __slots__ = ()

    def variables(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class EntityEvent:
    """One line of an entity's timeline: an incident that names it, or a claim it made."""

    date: Moment
    incident: Incident
    claim: Claim | None = None


@dataclass(frozen=True, slots=True)
class SortLink:
    """One way to sort a table: its label, its first page, and whether it is this page's."""

    key: str
    label: str
    path: str
    current: bool


@dataclass(frozen=True, slots=True)
class HomeContext(Context):
    incidents: tuple[Incident, ...]
    reports: tuple[Report, ...]
    totals: tuple[tuple[str, int | float], ...]  # counted incidents only (stats.totals)
    counts: Mapping[str, int]
    stats: Statistics
    location_map: MapSpec | None
    years: tuple[int, int] | None = None  # the first and last year of the incidents in the totals
    as_of: Moment | None = None  # the build's date (SOURCE_DATE_EPOCH when set): what the totals are "as of"


@dataclass(frozen=True, slots=True)
class ListContext(Context):
    items: tuple[Incident | Report, ...]
    pager: Pager
    filters: Mapping[str, tuple[tuple[str, str, int], ...]] = ()  # type: ignore[assignment]
    feed: str = ""  # the site path of the list's Atom feed


@dataclass(frozen=True, slots=True)
class TableContext(Context):
    """The incidents as a table: one pre-built, paginated page per way of sorting it."""

    rows: tuple[Incident, ...]
    figures: tuple[str, ...]  # the figure columns
    sorts: tuple[SortLink, ...]
    sort: str
    pager: Pager
    heading: str  # "Table of incidents", "Incidents with status disputed: table"


@dataclass(frozen=True, slots=True)
class TimelineMonth:
    year: int
    month: int  # 1-12; 0 for the incidents of the year whose month is not known
    name: str  # "March 2023"
    incidents: int
    totals: tuple[tuple[str, int | float], ...]  # counted incidents' figures
    path: str  # the year page (and page of it) that lists this month


@dataclass(frozen=True, slots=True)
class TimelineContext(Context):
    """The timeline overview: every year and month with its count and figures, linking to the year pages."""

    years: tuple[tuple[int, int, tuple[TimelineMonth, ...]], ...]  # (year, incidents, months newest first)
    figures: tuple[str, ...]
    chart: Markup | None
    stats_note: str


@dataclass(frozen=True, slots=True)
class TimelineGroup:
    """The incidents of one month on a page of a year's timeline, oldest first."""

    anchor: str  # "month-2023-03"; "" when the month began on the page before
    name: str  # "March 2023"
    incidents: tuple[Incident, ...]


@dataclass(frozen=True, slots=True)
class TimelineYearContext(Context):
    """One page of a year's timeline: its incidents under their months, oldest first.

    ``years`` lists the years only (not their counts), so a page shows nothing of other years that
    changes when an incident is added to them.
    """

    year: int
    groups: tuple[TimelineGroup, ...]
    figures: tuple[str, ...]  # the site's order of figures (stats.figure_order)
    pager: Pager
    years: tuple[int, ...]  # every year with an incident, newest first


@dataclass(frozen=True, slots=True)
class MapPlace:
    """A place on the map page: its point links to the incident, or to the place page when there are several."""

    name: str
    country: str
    incidents: int
    href_path: str  # site path the point and the list entry link to


@dataclass(frozen=True, slots=True)
class MapRegionLink:
    """A regional map, as the world map's list of regions names it."""

    name: str
    href_path: str  # map/<slug>/
    incidents: int


@dataclass(frozen=True, slots=True)
class MapContext(Context):
    map: MapSpec | None  # on the first page only
    places: tuple[MapPlace, ...]  # this page's slice of the places list
    pager: Pager
    without_coordinates: int  # incidents that have no lat/lon and so no point
    regions: tuple[MapRegionLink, ...] = ()  # every regional map (on the first page of the world map only)
    region: str = ""  # a regional map's name; "" for the world map
    up: MapRegionLink | None = None  # an area's map: the map of its region


@dataclass(frozen=True, slots=True)
class StatisticsContext(Context):
    stats: Statistics
    charts: Mapping[str, Markup]  # "year" | "country" | "tag" -> chart of the first figure
    chart_figure: str  # the figure the charts show ("killed"), "" when the site records none


@dataclass(frozen=True, slots=True)
class SearchContext(Context):
    pass


@dataclass(frozen=True, slots=True)
class IncidentContext(Context):
    incident: Incident
    body: RenderedBody
    sources: tuple[NumberedSource, ...]
    claims: tuple[ClaimView, ...]
    entities: tuple[Entity, ...]
    related: tuple[Related, ...]
    reports: tuple[Report, ...]
    terms: Mapping[str, tuple[TermLink, ...]]
    unpublished: Unpublished | None
    location_map: MapSpec | None = None
    related_map: MapSpec | None = None
    corrected: Mapping[str, Update] = ()  # type: ignore[assignment]  # figure key -> the correction
    meta: PageMeta | None = None  # JSON-LD, share card, citation (meta/)


@dataclass(frozen=True, slots=True)
class ReportContext(Context):
    report: Report
    body: RenderedBody
    sources: tuple[NumberedSource, ...]
    incidents: tuple[Incident, ...]
    tags: tuple[TermLink, ...]
    more_on: tuple[tuple[TermLink, tuple[Incident, ...], tuple[Report, ...]], ...]
    unpublished: Unpublished | None
    meta: PageMeta | None = None


@dataclass(frozen=True, slots=True)
class SourceListContext(Context):
    sources: tuple[Source, ...]  # this page's
    citing_counts: Mapping[str, int]  # source id -> incidents and reports citing it
    pager: Pager


@dataclass(frozen=True, slots=True)
class SourceContext(Context):
    source: Source
    body: RenderedBody | None
    sources: tuple[NumberedSource, ...]  # what the source's own notes cite
    incidents: tuple[Incident, ...]
    reports: tuple[Report, ...]
    publisher: TermLink | None
    meta: PageMeta | None = None


@dataclass(frozen=True, slots=True)
class EntityListContext(Context):
    entities: tuple[Entity, ...]  # this page's
    incident_counts: Mapping[str, int]  # entity id -> incidents naming it
    pager: Pager


@dataclass(frozen=True, slots=True)
class EntityContext(Context):
    entity: Entity
    body: RenderedBody | None
    sources: tuple[NumberedSource, ...]
    incidents: tuple[Incident, ...]
    claims: tuple[tuple[Incident, Claim], ...]
    place: TermLink | None = None  # an entity of kind place: its place page
    timeline: tuple[EntityEvent, ...] = ()  # its incidents and claims, oldest first
    map: MapSpec | None = None
    feed: str = ""  # the site path of the entity's Atom feed
    meta: PageMeta | None = None


@dataclass(frozen=True, slots=True)
class TermIndexContext(Context):
    kind: str
    label: str
    terms: tuple[TermLink, ...]  # this page's
    pager: Pager


@dataclass(frozen=True, slots=True)
class TermContext(Context):
    kind: str
    label: str
    term: TermLink
    description: str  # a tag's, from content/tags/<id>.md
    country: TermLink | None  # a place's country, linked from its page
    entity: Entity | None  # the entity page of a place or country of the same name
    incidents: tuple[Incident, ...]  # this page's
    reports: tuple[Report, ...]  # on the first page only
    sources: tuple[Source, ...]  # a publisher's sources, first page only
    pager: Pager
    map: MapSpec | None
    months: bool = False  # year pages group their incidents by month
    more: tuple[int, int] = (0, 0)  # how many reports and sources the term has in all (the page lists per_page)
    feed: str = ""  # the site path of the term's Atom feed (publishers have none)


@dataclass(frozen=True, slots=True)
class CorrectionsContext(Context):
    entries: tuple[CorrectionEntry, ...]  # this page's
    policy: Page | None  # the page with the slug "corrections-policy", if the site has one
    pager: Pager
    feed: str = ""


@dataclass(frozen=True, slots=True)
class DataContext(Context):
    files: tuple[DataFile, ...]
    built: Moment  # the build date (a date, no time)
    counts: Mapping[str, int]  # incidents, sources, entities, claims, and feed: the site feed's entries
    meta: PageMeta | None = None


@dataclass(frozen=True, slots=True)
class FeedContext(Context):
    """One Atom feed: its own address, the page it is the feed of, and its newest entries."""

    feed_title: str
    subtitle: str
    self_path: str  # "tags/fire/feed.xml"
    alternate_path: str  # the page it follows: "tags/fire/"
    entries: tuple[FeedEntry, ...]
    updated: Moment | None  # the newest entry's; None when the feed is empty


@dataclass(frozen=True, slots=True)
class PlainPageContext(Context):
    page: Page
    body: RenderedBody
    sources: tuple[NumberedSource, ...]
    unpublished: Unpublished | None


@dataclass(frozen=True, slots=True)
class CardContext(Context):
    """An incident's share card (card.svg), beside its page."""

    card: Card


@dataclass(frozen=True, slots=True)
class NotFoundContext(Context):
    pass
