"""What the data page lists about each data file: its size, its rows and its schema."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Moment


@dataclass(frozen=True, slots=True)
class DataFile:
    """One line of the data page: a data file (or the per-incident files, together) and its schema.

    Sizes and row counts are measured on the bytes the build writes (``exports.data_listing``).
    """

    path: str  # its site path: "data/incidents.csv"; the per-incident files' pattern "incidents/<id>/index.json"
    link: str  # what to link: the file itself; for the pattern, one incident's file ("" when there is none)
    format: str  # "JSON" or "CSV"
    rows: int  # records (JSON) or rows below the header (CSV); for the pattern, files (one incident each)
    size: int  # bytes; for the pattern, all the files together
    schema: str  # the site path of its JSON Schema
    schema_size: int

    @property
    def size_text(self) -> str:
        return human_size(self.size)

    @property
    def schema_size_text(self) -> str:
        return human_size(self.schema_size)


def human_size(size: int) -> str:
    """"412 KB": decimal units (1 KB = 1,000 bytes), three significant figures at most."""
    if size < 1000:
        return f"{size} bytes" if size != 1 else "1 byte"
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1000
        if value < 999.5 or unit == "TB":
            return f"{value:.1f} {unit}" if value < 9.95 else f"{value:.0f} {unit}"
    raise AssertionError("unreachable")


@dataclass(frozen=True, slots=True)
class DataListing:
    """What the data page lists, measured once the exports are rendered (before pages are planned)."""

    files: tuple[DataFile, ...]
    built: Moment  # the build date, in the site's timezone (SOURCE_DATE_EPOCH's, when it is set)


__all__ = ["DataFile", "DataListing", "human_size"]
