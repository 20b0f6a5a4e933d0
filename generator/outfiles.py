"""The files inside an output or staging folder: the manifest, the markers, placing one file.

Shared by the writer (which owns whole folders: checking, staging, swapping)
and the producer (which places pages in the staging folder, from any process).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from .version import __version__

MANIFEST = ".docket-manifest.json"  # in every output: what Docket wrote there
STAGING_MARKER = ".docket-staging"  # an empty file in a staging folder until its manifest is written
GENERATOR = "docket"
MANIFEST_FORMAT = 1
RESERVED = (MANIFEST, STAGING_MARKER)
CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    size: int
    sha256: str


def is_docket_output(folder: Path) -> bool:
    return _marker_ok(folder / MANIFEST)


def is_empty(folder: Path) -> bool:
    with os.scandir(folder) as entries:
        return next(entries, None) is None


def is_regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _marker_ok(path: Path) -> bool:
    """A regular file (not a link) holding a JSON object written by Docket."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):  # missing, unreadable, not JSON (UnicodeDecodeError is a ValueError)
        return False
    return isinstance(data, dict) and data.get("generator") == GENERATOR


@contextmanager
def naming(path: Path) -> Iterator[None]:
    """Give an OSError the path it was about (a failed write() carries none)."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None:
            exc.filename = str(path)
        raise


# --------------------------------------------------------------------------
# The spare: the previous edition, kept beside the output to become the next one
#
# Deleting a tree of 40,000 small files costs seconds (on a disk mounted with
# "discard", milliseconds a file), and so does making its 40,000 folders again.
# So the old edition is not deleted after the swap: it is renamed .NAME.spare
# and the next build adopts it as its staging folder. Pages that did not change
# are hard links shared with the live output, so a spare costs little disk. An
# adopted spare is never trusted: every file in it is replaced (unlink, then
# write or link, so that the live output's shared files are never touched),
# and whatever the new edition does not list is removed before the swap.


def spare_of(target: Path) -> Path:
    return target.parent / f".{target.name}.spare"


def adopt_spare(target: Path) -> tuple[Path, frozenset[str] | None] | None:
    """Take the spare beside ``target`` as a staging folder (renamed, so no other build takes it too).

    Also returns the files it holds, from its manifest, when it is a whole edition as a swap left
    it (no staging marker); None when a build was changing it, so that only a walk can tell.
    """
    spare = spare_of(target)
    try:
        if not stat.S_ISDIR(os.lstat(spare).st_mode):
            return None
    except OSError:
        return None
    if not (is_docket_output(spare) or is_regular_file(spare / STAGING_MARKER)):
        return None  # not Docket's: never touched
    staging = target.parent / f".{target.name}.new-{secrets.token_hex(6)}"
    try:
        os.rename(spare, staging)
    except OSError:  # another build took it first
        return None
    listed = None
    if not os.path.lexists(staging / STAGING_MARKER):
        with suppress(OSError, ValueError, KeyError, TypeError):
            listed = frozenset(str(item["path"]) for item in json.loads((staging / MANIFEST).read_bytes())["files"])
    return staging, listed


def retire(folder: Path, target: Path) -> bool:
    """Keep ``folder`` (the old edition, or a discarded staging folder) as the spare, if there is none."""
    spare = spare_of(target)
    if os.path.lexists(spare) or not (is_docket_output(folder) or is_regular_file(folder / STAGING_MARKER)):
        return False  # one spare is enough; an empty folder that was replaced is worth nothing
    os.rename(folder, spare)
    return True


def remove_stale(root: Path, keep: dict[str, ManifestEntry], listed: frozenset[str] | None) -> None:
    """Delete what an adopted spare holds that the new edition does not, and the folders left empty.

    ``listed``: what the spare held, from its manifest; without it, the whole folder is walked.
    """
    if listed is not None:
        for rel in sorted(listed - keep.keys() - set(RESERVED), reverse=True):
            with suppress(FileNotFoundError):
                os.unlink(root / rel)
            _remove_empty_parents(root, rel)
        return
    for folder, _subfolders, files in os.walk(root, topdown=False):
        rel_folder = os.path.relpath(folder, root)
        prefix = "" if rel_folder == "." else rel_folder.replace(os.sep, "/") + "/"
        for name in files:
            rel = prefix + name
            if rel not in keep and rel not in RESERVED:
                os.unlink(os.path.join(folder, name))
        if prefix and not os.listdir(folder):
            os.rmdir(folder)


def _remove_empty_parents(root: Path, rel: str) -> None:
    parent = Path(rel).parent
    while parent != Path("."):
        try:
            os.rmdir(root / parent)
        except OSError:  # not empty (or already gone): its parents are not empty either
            return
        parent = parent.parent


def replace_file(dest: Path) -> None:
    """Make way for a new ``dest``: in an adopted spare it may be a link shared with the live output."""
    with suppress(FileNotFoundError):
        os.unlink(dest)


def destination(root: Path, rel: str) -> Path:
    """Where ``rel`` goes inside the staging folder ``root``, its folder made; never outside it."""
    return Path(destination_path(str(root), rel))


def destination_path(root: str, rel: str) -> str:
    """``destination`` as a string: a build asks it for every file it keeps, and pathlib costs more than the check.

    String checks, not ``resolve()``: the staging folder is new and holds only folders
    Docket made, so no link can redirect a path, and a page costs no extra system calls.
    """
    clean = os.path.normpath(rel)
    if rel.startswith("/") or clean.startswith("..") or os.path.isabs(clean) or "\0" in rel:
        raise ValueError(f"refusing to write outside the output folder: {rel}")  # ids are validated; last defence
    if "/" not in clean and clean in RESERVED:
        raise ValueError(f"refusing to overwrite Docket's own {rel}")
    dest = os.path.join(root, clean)
    folder = os.path.dirname(dest)
    if folder not in _made_folders:
        os.makedirs(folder, exist_ok=True)
        _made_folders.add(folder)
    return dest


_made_folders: set[str] = set()  # folders this process has made in staging folders


def forget_made_folders() -> None:
    """A new staging folder: what was made in the last one says nothing about it."""
    _made_folders.clear()


def manifest_text(files: dict[str, ManifestEntry]) -> str:
    """The manifest: JSON with one file per line, sorted, nothing time-based (same build, same bytes)."""
    head = json.dumps({"generator": GENERATOR, "version": __version__, "format": MANIFEST_FORMAT})
    lines = [json.dumps({"path": path, "size": entry.size, "sha256": entry.sha256})
             for path, entry in sorted(files.items())]
    return head[:-1] + ', "files": [\n' + ",\n".join(lines) + "\n]}\n"


def copy_hashed(source: Path, dest: Path) -> ManifestEntry:
    """Copy ``source`` (a path the loader resolved and checked) to ``dest``, hashing it on the way.

    O_NOFOLLOW: a link put in its place since the check was not checked, so it is not followed.
    """
    digest = hashlib.sha256()
    size = 0
    replace_file(dest)
    fd = os.open(source, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as src, dest.open("wb") as out:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
    return ManifestEntry(size, digest.hexdigest())
