"""Where a symbolic link in a site may lead (the loader follows a link only where this allows).

Nothing outside the site folder is read: a link there could publish any file
on the machine. ``static/`` and ``templates/`` (with ``templates/assets/``)
are copied or included as they are, so their links stay inside their own
folder: a link into ``content/`` would publish a draft or an embargoed file
raw. No link anywhere leads into the build cache, or into an output folder
(each build would copy the previous edition into the next). Output and
staging folders are known by Docket's own markers in them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .outfiles import MANIFEST, STAGING_MARKER

CACHE_DIR = ".docket-cache"  # the build cache (session.py)


@dataclass(frozen=True, slots=True)
class Fence:
    """Where the symbolic links under one folder may lead.

    ``site``: nothing outside it is read (None: anywhere, for the trusted theme). No link leads
    into the build cache or an output folder. For the folders copied or included as they are
    (static/, templates/, named by ``shown``): not into ``content`` (the resolved content/),
    and, below their top, nowhere outside ``own``, the resolved folder itself.
    """

    site: Path | None
    shown: str = ""
    content: Path | None = None
    own: Path | None = None


def refusal(real: Path, fence: Fence) -> tuple[str, str] | None:
    """Why a link that leads to ``real`` is refused (message, hint); None when ``fence`` allows it.

    ``real`` is resolved, so a chain of links is judged by where it ends.
    """
    site = fence.site
    if site is None:
        return None
    if not real.is_relative_to(site):
        return f"refused symbolic link to {real}, outside the site folder", "copy the file into the site instead"
    shown = where(real, site)
    if real.is_relative_to(site / CACHE_DIR):
        return (f"refused symbolic link to {shown}, inside Docket's build cache, which is never published",
                "remove the link")
    output = _output_around(real, site)
    if output is not None:
        return (f"refused symbolic link to {shown}, inside the output folder {where(output, site)}: "
                "each build would copy the previous edition into the next", "remove the link")
    content = fence.content
    if content is not None and (real.is_relative_to(content) or content.is_relative_to(real)):
        how = "inside" if real.is_relative_to(content) else "which holds"
        return (f"refused symbolic link to {shown}, {how} content/: {fence.shown}/ is published as it is, "
                "so a draft or an embargoed file would be published raw",
                "remove the link; content is published only through its pages")
    if fence.own is not None and not real.is_relative_to(fence.own):
        return (f"refused symbolic link to {shown}, outside {fence.shown}/, whose files are published as they are",
                f"copy the file into {fence.shown}/ instead, or remove the link")
    return None


def _output_around(real: Path, site: Path) -> Path | None:
    """The output (or staging) folder holding ``real``, if any: Docket's own markers tell."""
    folder = real
    while folder != site and folder.is_relative_to(site):
        if any(os.path.lexists(folder / marker) for marker in (MANIFEST, STAGING_MARKER)):
            return folder
        folder = folder.parent
    return None


def where(real: Path, site: Path | None) -> str:
    """A path inside the site as the site names it; anything else in full."""
    if site is not None and real.is_relative_to(site):
        return real.relative_to(site).as_posix() or "."
    return str(real)
