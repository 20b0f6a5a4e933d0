"""Taxonomies: tags, countries, places, years and publishers, each a list of terms.

Every term gets a page listing the incidents (and reports) filed under it, like
Hugo's taxonomies, so every place and publisher links back to its incidents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .diagnostics import Diagnostics
from .model import Incident, Report, Source, TagInfo
from .urls import place_slug, term_slug

TERM_KINDS = ("tag", "country", "place", "year", "publisher")


@dataclass(frozen=True, slots=True)
class Term:
    kind: str  # one of TERM_KINDS
    slug: str
    name: str
    incidents: tuple[Incident, ...] = ()  # newest first
    reports: tuple[Report, ...] = ()
    sources: tuple[Source, ...] = ()  # for publishers: the sources they published
    country: str = ""  # for places
    description: str = ""  # for tags with a file of their own (content/tags/<id>.md)

    @property
    def count(self) -> int:
        return len(self.incidents) + len(self.reports)

    def link(self) -> TermLink:
        return TermLink(self.kind, self.slug, self.name, self.count)


@dataclass(frozen=True, slots=True)
class TermLink:
    """A term as a page that links to it shows it: its name, its URL and how many items it has.

    Pages that only link to a term get this rather than the ``Term``, whose list of incidents
    would make them depend on every incident filed under it.
    """

    kind: str
    slug: str
    name: str
    count: int = 0  # incidents and reports


class _Collector:
    def __init__(self, kind: str):
        self.kind = kind
        self.names: dict[str, set[str]] = defaultdict(set)
        self.incidents: dict[str, dict[str, Incident]] = defaultdict(dict)
        self.reports: dict[str, dict[str, Report]] = defaultdict(dict)
        self.sources: dict[str, dict[str, Source]] = defaultdict(dict)
        self.country: dict[str, str] = {}

    def add(self, slug: str, name: str, incident: Incident | None = None, report: Report | None = None,
            source: Source | None = None) -> None:
        if not slug:
            return
        self.names[slug].add(name)
        if incident is not None:
            self.incidents[slug][incident.slug] = incident
        if report is not None:
            self.reports[slug][report.slug] = report
        if source is not None:
            self.sources[slug][source.id] = source

    def terms(self, files: Mapping[str, TagInfo]) -> tuple[Term, ...]:
        out = []
        for slug in sorted(self.names):
            info = files.get(slug)
            incidents = sorted(self.incidents[slug].values(), key=lambda i: (i.date, i.slug), reverse=True)
            reports = sorted(self.reports[slug].values(), key=lambda r: (r.date, r.slug), reverse=True)
            name = info.title if info else min(self.names[slug])
            if self.kind == "tag" and info is None:
                name = readable_tag(name)
            out.append(Term(self.kind, slug, name, tuple(incidents), tuple(reports),
                            tuple(sorted(self.sources[slug].values(), key=lambda s: s.id)),
                            self.country.get(slug, ""), info.description if info else ""))
        if self.kind == "year":
            out.reverse()
        return tuple(out)


def place_slugs(incidents: list[Incident]) -> dict[tuple[str, str], str]:
    """(place, country) -> slug, made from the place and its country alone.

    ``San Juan`` in Mexico is always ``san-juan-mexico``, whatever else the site
    holds, so adding an incident elsewhere never moves a published page; a
    place without a country is just ``san-juan``.
    """
    out = {}
    for incident in incidents:
        loc = incident.location
        if loc.place:
            out[(loc.place, loc.country)] = place_slug(loc.place, loc.country)
    return out


def readable_tag(tag: str) -> str:
    """A tag written as an id reads as words: "law-enforcement" -> "Law enforcement"; "UN Security Council" stays."""
    if " " not in tag and any(ch in tag for ch in "-_"):
        tag = " ".join(tag.replace("_", " ").replace("-", " ").split())
    return tag[:1].upper() + tag[1:] if tag[:1].islower() else tag


def build_terms(incidents: list[Incident], reports: list[Report], sources: dict[str, Source],
                citing: Mapping[str, Sequence[Incident | Report]], diags: Diagnostics,
                tag_files: Mapping[str, TagInfo] | None = None,
                ) -> tuple[dict[str, tuple[Term, ...]], dict[str, dict[str, tuple[Term, ...]]]]:
    collectors = {kind: _Collector(kind) for kind in TERM_KINDS}
    places = place_slugs(incidents)
    per_incident: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))

    def add(kind: str, slug: str, name: str, incident: Incident) -> None:
        collectors[kind].add(slug, name, incident=incident)
        if slug:
            per_incident[incident.slug][kind].add(slug)

    for incident in incidents:
        for tag in incident.tags:
            add("tag", term_slug(tag), tag, incident)
        loc = incident.location
        if loc.country:
            add("country", term_slug(loc.country), loc.country, incident)
        if loc.place:
            slug = places[(loc.place, loc.country)]
            add("place", slug, loc.place, incident)
            collectors["place"].country[slug] = loc.country
        add("year", str(incident.date.year), str(incident.date.year), incident)
    for report in reports:
        for tag in report.tags:
            collectors["tag"].add(term_slug(tag), tag, report=report)
    for source in sources.values():
        if source.publisher:
            slug = term_slug(source.publisher)
            collectors["publisher"].add(slug, source.publisher, source=source)
            for item in citing.get(source.id, ()):
                if isinstance(item, Incident):
                    add("publisher", slug, source.publisher, item)
                else:
                    collectors["publisher"].add(slug, source.publisher, report=item)
    terms = {kind: c.terms((tag_files or {}) if kind == "tag" else {}) for kind, c in collectors.items()}
    by_slug = {kind: {t.slug: t for t in ts} for kind, ts in terms.items()}
    incident_terms = {
        slug: {kind: tuple(by_slug[kind][s] for s in sorted(slugs)) for kind, slugs in kinds.items()}
        for slug, kinds in per_incident.items()
    }
    return terms, incident_terms
