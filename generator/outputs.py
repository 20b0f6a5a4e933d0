"""A file of the built site, made in memory: what the exports, the sitemap and the search index give the writer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OutputFile:
    path: str  # inside the output folder, forward slashes
    data: bytes
