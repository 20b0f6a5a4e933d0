"""``docket new``: a new site, or a new content file made from an archetype."""

from __future__ import annotations

from .archetypes import KINDS
from .content import FOLDERS, new_content, written_kind
from .placeholders import placeholder_texts
from .site import new_site

__all__ = ["FOLDERS", "KINDS", "new_content", "new_site", "placeholder_texts", "written_kind"]
