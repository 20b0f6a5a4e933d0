"""Files of the built site made in memory, which the exports, the sitemap and the search index give the writer.

``SearchBundle`` is here, not in ``search.py``, because the session keeps the last one: the
session sits below the search stage, which reads and fills its cache.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OutputFile:
    path: str  # inside the output folder, forward slashes
    data: bytes


@dataclass(frozen=True, slots=True)
class SearchBundle:
    """The bundle of the last build and the digest of the records it was made from."""

    digest: str
    files: tuple[OutputFile, ...]
