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
class SearchShard:
    """One shard of the search index: the digest of its records and its files (paths in its folder)."""

    digest: str
    files: tuple[OutputFile, ...]


@dataclass(frozen=True, slots=True)
class SearchBundle:
    """The search bundle of the last build: its files, its shards, and Pagefind's runtime files.

    ``digest`` names the binary that made the runtime (searchindex.py)."""

    digest: str
    files: tuple[OutputFile, ...]
    shards: tuple[SearchShard, ...] = ()
    runtime: tuple[OutputFile, ...] = ()
