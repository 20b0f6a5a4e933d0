"""``docket new site DIR``: a small site that builds at once, for a writer to make their own."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import UsageError
from .archetypes import render_archetype

SAMPLE_DIR = Path(__file__).parent / "sample"
# Stored without its dot: packaging tools read a file named .gitignore as rules for themselves.
GITIGNORE_SAMPLE = "gitignore.txt"


def new_site(folder: Path, today: dt.date | None = None) -> list[Path]:
    """Write the sample site into ``folder`` (missing, or holding hidden files only); return the files written."""
    _check_empty(folder)
    written = []
    for source, relative in _sample_files():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        text = render_archetype(source, str(source), "", "", today or dt.date.today())
        with target.open("x", encoding="utf-8") as out:  # "x": never replace anything
            out.write(text)
        written.append(target)
    return written


def _check_empty(folder: Path) -> None:
    if folder.is_symlink() and not folder.exists():
        raise UsageError(f"{folder}: is a broken symbolic link; give a new or empty folder")
    if not folder.exists():
        return
    if not folder.is_dir():
        raise UsageError(f"{folder}: is a file, not a folder; give a new or empty folder")
    visible = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    if visible:
        shown = ", ".join(visible[:3]) + (", …" if len(visible) > 3 else "")
        raise UsageError(f"{folder}: is not empty (holds {shown}); nothing was written. "
                         "Give a new or empty folder")


def _sample_files() -> list[tuple[Path, Path]]:
    """(file in the package, path in the new site), sorted so the output is the same every time."""
    pairs = []
    for source in sorted(SAMPLE_DIR.rglob("*")):
        if source.is_file() and source.suffix in (".md", ".yaml", ".txt"):
            relative = source.relative_to(SAMPLE_DIR)
            pairs.append((source, Path(".gitignore") if relative.name == GITIGNORE_SAMPLE else relative))
    return pairs
