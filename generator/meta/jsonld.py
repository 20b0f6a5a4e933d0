"""schema.org as JSON-LD: ``Event`` for incidents, ``NewsArticle`` for reports, ``ClaimReview`` for
each claim, ``Organization``/``Person``/``Place`` for entities, ``Dataset`` for the data page.

Only facts the page itself shows go in, with absolute URLs from ``base_url``. The script's text
escapes ``<``, ``>`` and ``&``, so no value can close the ``<script>`` element it sits in.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup

from ..model import Claim, Entity, Incident, Moment, Report, SiteConfig, Source
from ..urls import absolute, path_of

CONTEXT = "https://schema.org"
# A claim's status as a ClaimReview rating: 5 is borne out by the evidence, 1 is false.
RATINGS: Mapping[str, tuple[int | None, str]] = {
    "supported": (5, "Supported by the evidence"),
    "disputed": (3, "Disputed"),
    "false": (1, "False"),
    "unverified": (None, "Unverified"),
}
ENTITY_TYPES = {"person": "Person", "organisation": "Organization", "place": "Place"}


def script(*documents: Mapping[str, Any]) -> Markup:
    """The text of a ``<script type="application/ld+json">``: one document, or a list of them."""
    data: object = documents[0] if len(documents) == 1 else list(documents)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def publisher(config: SiteConfig) -> dict[str, Any]:
    return {"@type": "Organization", "name": config.org or config.author or config.title,
            "url": absolute(config.base_url, "")}


def _date(moment: Moment | None) -> str | None:
    return moment.iso() if moment is not None else None


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    """Leave out what is empty: schema.org reads a missing property as unknown, not as ''."""
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def incident_event(config: SiteConfig, incident: Incident, entities: Iterable[Entity], published: Moment | None,
                   updated: Moment | None, image: str | None = None) -> dict[str, Any]:
    """The event on its own date; the page about it (``subjectOf``) with the page's own dates."""
    loc = incident.location
    place = _clean({
        "@type": "Place", "name": loc.place or loc.region or loc.country,
        "address": _clean({"@type": "PostalAddress", "addressLocality": loc.place, "addressRegion": loc.region,
                           "addressCountry": loc.country}) if (loc.place or loc.region or loc.country) else None,
        "geo": {"@type": "GeoCoordinates", "latitude": loc.lat, "longitude": loc.lon}
        if loc.lat is not None and loc.lon is not None else None,
    })
    url = absolute(config.base_url, path_of("incident", incident.slug))
    return _clean({
        "@context": CONTEXT, "@type": "Event", "@id": url, "url": url, "identifier": incident.slug,
        "name": incident.title, "description": incident.summary,
        "startDate": incident.date.iso(),
        "eventStatus": "https://schema.org/EventScheduled",
        "location": place if len(place) > 1 else None,
        "about": [entity_ref(config, e) for e in entities],
        "keywords": ", ".join(incident.tags),
        "image": image,
        "subjectOf": _clean({"@type": "WebPage", "url": url, "datePublished": _date(published),
                             "dateModified": _date(updated), "publisher": publisher(config)}),
    })


def entity_ref(config: SiteConfig, entity: Entity) -> dict[str, Any]:
    return {"@type": ENTITY_TYPES.get(entity.kind, "Thing"), "name": entity.name,
            "url": absolute(config.base_url, path_of("entity", entity.id))}


def claim_review(config: SiteConfig, incident: Incident, claim: Claim, number: int, by: Entity | None,
                 sources: Iterable[Source], reviewed: Moment | None) -> dict[str, Any]:
    value, label = RATINGS.get(claim.status, (None, claim.status.capitalize()))
    rating = _clean({"@type": "Rating", "alternateName": label, "ratingValue": value,
                     "bestRating": 5 if value is not None else None, "worstRating": 1 if value is not None else None})
    page = absolute(config.base_url, path_of("incident", incident.slug))
    claimant = entity_ref(config, by) if by is not None else None
    return _clean({
        "@context": CONTEXT, "@type": "ClaimReview",
        "url": f"{page}#claim_{number}",
        "claimReviewed": claim.text,
        "datePublished": _date(reviewed),
        "author": publisher(config),
        "reviewRating": rating,
        "itemReviewed": _clean({"@type": "Claim", "author": claimant, "datePublished": _date(claim.date),
                                "about": {"@type": "Event", "@id": page, "name": incident.title}}),
        "citation": [source_work(config, s) for s in sources],
    })


def source_work(config: SiteConfig, source: Source) -> dict[str, Any]:
    return _clean({"@type": "CreativeWork", "name": source.title, "url": source.url or None,
                   "publisher": {"@type": "Organization", "name": source.publisher} if source.publisher else None,
                   "datePublished": _date(source.published), "inLanguage": source.language,
                   "archivedAt": source.archive_url or None,
                   "subjectOf": absolute(config.base_url, path_of("source", source.id))})


def news_article(config: SiteConfig, report: Report, published: Moment | None, updated: Moment | None,
                 about: Iterable[Incident], image: str | None) -> dict[str, Any]:
    url = absolute(config.base_url, path_of("report", report.slug))
    corrections = [_clean({"@type": "CorrectionComment", "text": u.note, "datePublished": u.date.iso()})
                   for u in report.updates if u.kind == "correction"]
    return _clean({
        "@context": CONTEXT, "@type": "NewsArticle", "@id": url, "url": url, "mainEntityOfPage": url,
        "identifier": report.slug, "headline": report.title, "description": report.summary,
        "author": [{"@type": "Person", "name": a} for a in report.authors] or [publisher(config)],
        "publisher": publisher(config),
        "datePublished": _date(published), "dateModified": _date(updated),
        "image": image, "keywords": ", ".join(report.tags),
        "inLanguage": config.language,
        "about": [{"@type": "Event", "@id": absolute(config.base_url, path_of("incident", i.slug)), "name": i.title}
                  for i in about],
        "correction": corrections,
    })


def entity_thing(config: SiteConfig, entity: Entity) -> dict[str, Any]:
    url = absolute(config.base_url, path_of("entity", entity.id))
    return _clean({
        "@context": CONTEXT, "@type": ENTITY_TYPES.get(entity.kind, "Thing"), "@id": url, "url": url,
        "identifier": entity.id, "name": entity.name, "alternateName": list(entity.aliases),
        "sameAs": entity.url or None,
        ("address" if entity.kind == "place" else "nationality" if entity.kind == "person" else "location"):
            _clean({"@type": "Country", "name": entity.country}) if entity.country else None,
    })


def source_record(config: SiteConfig, source: Source) -> dict[str, Any]:
    work = source_work(config, source)
    work.pop("subjectOf", None)
    url = absolute(config.base_url, path_of("source", source.id))
    return {"@context": CONTEXT, "@type": "WebPage", "@id": url, "url": url, "identifier": source.id,
            "name": source.title, "about": work, "publisher": publisher(config)}


def dataset(config: SiteConfig, files: Iterable[tuple[str, str, str]], modified: Moment | None) -> dict[str, Any]:
    """The data page: ``files`` are (site path, encoding format, name)."""
    url = absolute(config.base_url, "data/")
    return _clean({
        "@context": CONTEXT, "@type": "Dataset", "@id": url, "url": url,
        "name": f"{config.title}: incidents, sources, entities and claims",
        "description": config.description or f"The records behind {config.title}, as JSON and CSV with stable ids.",
        "creator": publisher(config), "publisher": publisher(config),
        "dateModified": _date(modified), "inLanguage": config.language,
        "isAccessibleForFree": True,
        "distribution": [{"@type": "DataDownload", "contentUrl": absolute(config.base_url, path),
                          "encodingFormat": fmt, "name": name} for path, fmt, name in files],
    })
