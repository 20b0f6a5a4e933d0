"""Which Docket made a cache entry or a page: its version and the digest of its own code.

Caches and page fingerprints are keyed by this rather than by ``__version__`` alone, so
that a changed Docket (a new release, a development checkout, a new model field) never
reuses what an older one made: pickled items of another shape, or pages its filters
would now render differently.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from .version import __version__


@functools.cache
def code_id() -> str:
    """``__version__`` and a digest of every Python file of the package (read once per process)."""
    h = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode())
        h.update(path.read_bytes())
    return f"{__version__}+{h.hexdigest()[:16]}"
