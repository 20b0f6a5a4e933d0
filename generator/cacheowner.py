"""Which site a build cache belongs to, so that one copied along with a site's files is not used.

``.docket-cache/site.json`` records the resolved folder of the site the cache
was made for. A cache that names another folder (site A's cache copied into
site B), or none, is emptied, with a warning, before anything in it is read:
its records describe another site's files and output. Moving a site folder
costs one cold build for the same reason.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
from pathlib import Path

from .diagnostics import Diagnostics
from .fence import CACHE_DIR

OWNER_FILE = "site.json"
_KEPT = (".gitignore", OWNER_FILE)  # not discarded with a foreign cache


def cache_owner(cache_dir: Path) -> str | None:
    """The site folder a cache says it was made for; None when it says nothing readable."""
    try:
        data = json.loads((cache_dir / OWNER_FILE).read_bytes())
    except (OSError, ValueError):
        return None
    site = data.get("site") if isinstance(data, dict) else None
    return site if isinstance(site, str) else None


def mark_owner(cache_dir: Path, site_dir: Path) -> None:
    """Record ``site_dir`` (resolved) as the cache's site; raises OSError like any write."""
    if cache_owner(cache_dir) != str(site_dir):
        (cache_dir / OWNER_FILE).write_text(json.dumps({"site": str(site_dir)}) + "\n", encoding="utf-8")


def discard_foreign(cache_dir: Path, site_dir: Path, diags: Diagnostics) -> bool:
    """Empty ``cache_dir`` unless it was made for ``site_dir``; True when it was not (then re-mark it)."""
    owner = cache_owner(cache_dir)
    if owner == str(site_dir):
        return False
    try:
        if not stat.S_ISDIR(os.lstat(cache_dir).st_mode):
            return False  # missing, or unusable (said when the cache is made)
        names = sorted(set(os.listdir(cache_dir)) - set(_KEPT))
    except OSError:
        return False
    if names:
        made = f"it was made for another site ({owner})" if owner else "nothing says it was made for this site"
        diags.warning(CACHE_DIR, 0, "", f"build cache discarded: {made}",
                      "building from scratch; the cache is rewritten after this build")
    for name in names:
        _remove(cache_dir / name)
    return True


def _remove(path: Path) -> None:
    """Delete one entry of a foreign cache; a link is removed, never followed."""
    with contextlib.suppress(OSError):
        if stat.S_ISDIR(os.lstat(path).st_mode):
            shutil.rmtree(path)
        else:
            os.unlink(path)
