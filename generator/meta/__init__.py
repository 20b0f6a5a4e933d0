"""What a page says about itself to machines: JSON-LD, Open Graph tags, citations, share cards.

Each item page's ``PageMeta`` is built from the page's own context and the site's config (both
already part of the page's fingerprint), so it can never go stale on its own. ``jsonld.py``
writes schema.org, ``citation.py`` the "Cite this" formats, ``card.py`` the share image.
"""

from __future__ import annotations

from .page import PageMeta, data_meta, entity_meta, incident_meta, report_meta, source_meta

__all__ = ["PageMeta", "data_meta", "entity_meta", "incident_meta", "report_meta", "source_meta"]
