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

from .markdown import RenderedBody
from .model import Claim, Entity, Incident, Moment, Page, Report, Source, Update
from .related import Related
from .terms import Term, TermLink


@dataclass(frozen=True, slots=True)
class Pager:
    number: int
    total: int
    prev_path: str | None
    next_path: str | None
    pages: tuple[tuple[int, str], ...]  # (number, site path) of every page

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
class HomeContext(Context):
    incidents: tuple[Incident, ...]
    reports: tuple[Report, ...]
    totals: tuple[tuple[str, int | float], ...]
    counts: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class ListContext(Context):
    items: tuple[Incident | Report, ...]
    pager: Pager


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


@dataclass(frozen=True, slots=True)
class ReportContext(Context):
    report: Report
    body: RenderedBody
    sources: tuple[NumberedSource, ...]
    incidents: tuple[Incident, ...]
    tags: tuple[TermLink, ...]
    more_on: tuple[tuple[TermLink, tuple[Incident, ...], tuple[Report, ...]], ...]
    unpublished: Unpublished | None


@dataclass(frozen=True, slots=True)
class SourceListContext(Context):
    sources: tuple[Source, ...]
    citing_counts: Mapping[str, int]  # source id -> incidents and reports citing it


@dataclass(frozen=True, slots=True)
class SourceContext(Context):
    source: Source
    body: RenderedBody | None
    sources: tuple[NumberedSource, ...]  # what the source's own notes cite
    incidents: tuple[Incident, ...]
    reports: tuple[Report, ...]
    publisher: TermLink | None


@dataclass(frozen=True, slots=True)
class EntityListContext(Context):
    entities: tuple[Entity, ...]
    incident_counts: Mapping[str, int]  # entity id -> incidents naming it


@dataclass(frozen=True, slots=True)
class EntityContext(Context):
    entity: Entity
    body: RenderedBody | None
    sources: tuple[NumberedSource, ...]
    incidents: tuple[Incident, ...]
    claims: tuple[tuple[Incident, Claim], ...]


@dataclass(frozen=True, slots=True)
class TermIndexContext(Context):
    kind: str
    label: str
    terms: tuple[Term, ...]


@dataclass(frozen=True, slots=True)
class TermContext(Context):
    kind: str
    label: str
    term: Term
    country: TermLink | None  # a place's country, linked from its page


@dataclass(frozen=True, slots=True)
class CorrectionsContext(Context):
    entries: tuple[CorrectionEntry, ...]
    policy: Page | None  # the page with the slug "corrections-policy", if the site has one


@dataclass(frozen=True, slots=True)
class DataContext(Context):
    counts: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class FeedContext(Context):
    entries: tuple[FeedEntry, ...]


@dataclass(frozen=True, slots=True)
class PlainPageContext(Context):
    page: Page
    body: RenderedBody
    sources: tuple[NumberedSource, ...]
    unpublished: Unpublished | None


@dataclass(frozen=True, slots=True)
class NotFoundContext(Context):
    pass
