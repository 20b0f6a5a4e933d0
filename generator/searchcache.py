"""The search index's shards kept between builds, in ``.docket-cache/search/``, signed.

One zip per shard (``shard-<k>.zip``: its index files) and one for Pagefind's runtime
(``runtime.zip``), each with a zip comment holding the digest it was made for and an HMAC
(``cachekey.py``: a key no file of the site holds) of that digest and of every file in it.
Anyone who commits to the site's repository can write in its cache folder, so a zip is used
only when its HMAC verifies and every name in it is one Pagefind would write; otherwise the
shard is indexed again. ``--drafts`` sessions (the preview) keep theirs in ``search-drafts/``.
"""

from __future__ import annotations

import contextlib
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import cachekey
from .atomic import atomic_file
from .diagnostics import Diagnostics
from .outputs import OutputFile, SearchBundle, SearchShard
from .pagefind_service import is_bundle_name

if TYPE_CHECKING:
    from .session import BuildSession

FOLDER = "search"  # in .docket-cache/; "search-drafts" for --drafts sessions
RUNTIME = "runtime.zip"
_PURPOSE = "search-shard"  # what a cached zip's HMAC is signed for (cachekey.py)
_OLD_BUNDLE = ("search-bundle.zip", "search-bundle-drafts.zip")  # Docket's single-bundle cache, before shards


def load_shard(session: BuildSession | None, shard: int, digest: str) -> SearchShard | None:
    """Shard ``shard`` from the cache when it was made for ``digest`` and its signature verifies."""
    files = _load(_folder(session), f"shard-{shard}.zip", digest)
    return SearchShard(digest, files) if files is not None else None


def load_runtime(session: BuildSession | None, digest: str) -> tuple[OutputFile, ...] | None:
    return _load(_folder(session), RUNTIME, digest)


def keep(session: BuildSession, bundle: SearchBundle, made: Sequence[int], diags: Diagnostics) -> None:
    """Save the shards Pagefind made (and the runtime, when the cache lacks it); best effort."""
    folder = _folder(session)
    if folder is None:
        return
    try:
        folder.mkdir(exist_ok=True)
        for k in made:
            _save(folder / f"shard-{k}.zip", bundle.shards[k].digest, bundle.shards[k].files)
        if _load(folder, RUNTIME, bundle.digest) is None:
            _save(folder / RUNTIME, bundle.digest, bundle.runtime)
        _prune(folder, len(bundle.shards))
    except OSError as exc:
        diags.warning(f"{folder.parent.name}/{folder.name}", 0, "",
                      f"cannot save the search index: {exc.strerror or exc}",
                      "the site was built; the next build runs Pagefind again")


def _folder(session: BuildSession | None) -> Path | None:
    if session is None or session.cache_dir is None or not session.cache_dir.is_dir() or not cachekey.persistent():
        return None
    return session.cache_dir / (f"{FOLDER}-drafts" if session.drafts else FOLDER)


def _load(folder: Path | None, name: str, digest: str) -> tuple[OutputFile, ...] | None:
    if folder is None:
        return None
    try:
        with zipfile.ZipFile(folder / name) as archive:
            stored, _, tag = archive.comment.decode("ascii", "replace").partition(" ")
            if stored != digest:
                return None
            files = []
            for info in archive.infolist():
                if not is_bundle_name(info.filename):
                    return None  # not a file this module wrote: ignored, made again
                files.append(OutputFile(info.filename, archive.read(info)))
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return None  # no cache, or a damaged one: Pagefind runs and the cache is written again
    if not cachekey.verify_hex(_PURPOSE, _signed_parts(digest, files), tag):
        return None  # not signed by this Docket for this user on this machine: anyone may have written it
    return tuple(files)


def _save(path: Path, digest: str, files: Iterable[OutputFile]) -> None:
    files = tuple(files)
    with atomic_file(path) as out, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.comment = f"{digest} {cachekey.sign_hex(_PURPOSE, _signed_parts(digest, files))}".encode("ascii")
        for file in files:  # the index files are compressed already
            archive.writestr(zipfile.ZipInfo(file.path), file.data)


def _prune(folder: Path, shards: int) -> None:
    """Remove the zips of shards the index no longer has, and the old single-bundle cache."""
    for path in folder.glob("shard-*.zip"):
        number = path.stem.removeprefix("shard-")
        if not number.isdigit() or int(number) >= shards:
            path.unlink(missing_ok=True)
    for name in _OLD_BUNDLE:
        with contextlib.suppress(OSError):
            (folder.parent / name).unlink(missing_ok=True)


def _signed_parts(digest: str, files: Iterable[OutputFile]) -> Iterator[bytes]:
    yield digest.encode("ascii")
    for file in files:
        yield file.path.encode("utf-8")
        yield file.data
