"""``PageMeta``: the machine-readable side of one item page, built from that page's context."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup

from ..model import Claim, Entity, Image, Incident, Moment, Report, SiteConfig, Source, modified, publication
from ..urls import absolute, path_of
from . import jsonld
from .card import card_path
from .citation import Citation


@dataclass(frozen=True, slots=True)
class PageMeta:
    og_type: str  # "article" or "website"
    jsonld: Markup  # the text of the page's application/ld+json script
    image: str = ""  # the absolute URL of the share image
    image_alt: str = ""
    image_svg: bool = False  # the generated card: its size is known, and some networks do not show SVG
    published: Moment | None = None
    modified: Moment | None = None
    byline: tuple[str, ...] = ()
    citation: Citation | None = None


def byline(config: SiteConfig, authors: tuple[str, ...]) -> tuple[str, ...]:
    return authors or tuple(n for n in (config.author or config.org,) if n)


def last_change(item: Incident | Report) -> Moment:
    """What feeds and the sitemap sort by: its last change, or its date when that is not known."""
    return modified(item) or item.date


def share_image(config: SiteConfig, image: Image | None) -> str:
    """The absolute URL of an item's own image ("" when it has none)."""
    if image is None or not image.src:
        return ""
    return image.src if not image.is_local else absolute(config.base_url, image.src)


def incident_meta(config: SiteConfig, incident: Incident, entities: Iterable[Entity],
                  claims: Iterable[tuple[int, Claim, Entity | None, tuple[Source, ...]]]) -> PageMeta:
    """``claims``: (number on the page, Claim, its claimant, its sources) of each claim."""
    published, updated = publication(incident), modified(incident)
    path = path_of("incident", incident.slug)
    image = share_image(config, incident.image)
    documents = [jsonld.incident_event(config, incident, entities, published, updated, image or None)]
    documents += [jsonld.claim_review(config, incident, claim, n, by, sources, updated)
                  for n, claim, by, sources in claims]
    names = byline(config, incident.authors)
    citation = Citation(incident.slug, "Incident record", incident.title, names, published, updated,
                        config.title, config.org or config.author, absolute(config.base_url, path))
    if image and incident.image is not None:  # its own picture, before the generated card
        return PageMeta("article", jsonld.script(*documents), image, incident.image.alt or incident.title, False,
                        published, updated, names, citation)
    return PageMeta("article", jsonld.script(*documents), absolute(config.base_url, card_path(path)),
                    f"{incident.title}: {incident.date.human()}", True, published, updated, names, citation)


def report_meta(config: SiteConfig, report: Report, about: Iterable[Incident]) -> PageMeta:
    published, updated = publication(report), modified(report)
    path = path_of("report", report.slug)
    image = share_image(config, report.cover)
    document = jsonld.news_article(config, report, published, updated, about, image or None)
    names = byline(config, report.authors)
    citation = Citation(report.slug, "Report", report.title, names, published, updated, config.title,
                        config.org or config.author, absolute(config.base_url, path), "article-newspaper")
    return PageMeta("article", jsonld.script(document), image, report.image_alt or report.title if image else "",
                    False, published, updated, names, citation)


def source_meta(config: SiteConfig, source: Source) -> PageMeta:
    """The source page cites the source itself: its publisher, date and address, and the record's id."""
    url = absolute(config.base_url, path_of("source", source.id))
    issued = source.published or source.accessed  # neither: cited as "n.d.", as APA does
    citation = Citation(source.id, "Source record", source.title, (source.publisher,) if source.publisher else (),
                        issued, source.accessed or issued, config.title, source.publisher,
                        source.url or url, _csl_type(source.type))
    return PageMeta("article" if source.type == "article" else "website", jsonld.script(jsonld.source_record(
        config, source)), published=source.published, citation=citation)


def _csl_type(kind: str) -> str:
    return {"article": "article-newspaper", "video": "motion_picture", "document": "report",
            "social": "post", "dataset": "dataset", "statement": "speech"}.get(kind, "webpage")


def entity_meta(config: SiteConfig, entity: Entity) -> PageMeta:
    kind = "profile" if entity.kind == "person" else "website"
    return PageMeta(kind, jsonld.script(jsonld.entity_thing(config, entity)))


def data_meta(config: SiteConfig, files: Iterable[tuple[str, str, str]], modified: Moment | None) -> PageMeta:
    return PageMeta("website", jsonld.script(jsonld.dataset(config, files, modified)), modified=modified)
