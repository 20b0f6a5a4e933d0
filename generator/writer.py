"""Stage 8 — write: stage the site beside the output folder, then swap it in atomically.

Docket only ever replaces a folder it made: a missing or empty folder, or one
holding its manifest (``.docket-manifest.json``, written into every output).
Pages are streamed into a staging folder beside the output
(``.output.new-XXXX``, same filesystem), the manifest is written last, and
``renameat2(RENAME_EXCHANGE)`` swaps the staging folder and the old output in
one step, so at every instant, even under ``kill -9``, the output folder
holds one whole site: the old one or the new one. Stale files cannot survive:
the staging folder starts empty, or, when it is the adopted spare, loses
everything the new edition does not list before the swap. Folders that killed builds left beside the output
are recognised (name pattern, a Docket marker inside, no live build holding
them) and removed by the next build. The edition a swap replaces is kept as
``.NAME.spare`` and becomes the next build's staging folder (see
``outfiles.adopt_spare``): folders are not made and deleted again every build.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import hashlib
import os
import platform
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from .errors import UsageError
from .outfiles import (
    MANIFEST,
    RESERVED,
    STAGING_MARKER,
    ManifestEntry,
    adopt_spare,
    destination,
    forget_made_folders,
    is_docket_output,
    is_empty,
    is_regular_file,
    manifest_text,
    naming,
    remove_stale,
    replace_file,
    retire,
)
from .outputs import OutputFile


class OutputError(UsageError):
    """The output cannot be written (full disk, read-only folder...): exit status 2, like a usage error."""


# --------------------------------------------------------------------------
# Ownership: which folders Docket may replace


def check_owned(target: Path) -> None:
    """Refuse ``target`` unless it is missing, an empty folder or an earlier Docket output.

    ``target`` is checked as given (``lstat``): a symbolic link is refused, never followed,
    because replacing it would delete whatever it points to.
    """
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return
    except NotADirectoryError as exc:
        raise UsageError(f"{target}: cannot be an output folder: {_file_above(target)} is a file, "
                         "not a folder; choose another folder with --output") from exc
    except OSError as exc:  # EACCES: cannot look
        raise OutputError(f"{target}: cannot use this output folder: {exc.strerror or exc}") from exc
    if stat.S_ISLNK(mode):
        raise UsageError(f"{target}: is a symbolic link, and Docket does not replace links or what they "
                         "point to; remove the link or give the real folder with --output")
    if not stat.S_ISDIR(mode):
        raise UsageError(f"{target}: is a file, not a folder; remove it or choose a folder with --output")
    try:
        owned = is_docket_output(target) or is_empty(target)
    except OSError as exc:
        raise OutputError(f"{target}: cannot read this output folder: {exc.strerror or exc}") from exc
    if not owned:
        raise UsageError(f"{target}: not a Docket output folder (no {MANIFEST}) and not empty; "
                         "remove it or choose an empty folder with --output")


def _file_above(path: Path) -> Path:
    """The nearest parent of ``path`` that exists and is not a folder (why ENOTDIR)."""
    for parent in reversed(path.parents):
        if os.path.lexists(parent) and not parent.is_dir():
            return parent
    return path.parent


# --------------------------------------------------------------------------
# Leftovers of killed builds


def _leftover_pattern(target: Path) -> re.Pattern[str]:
    # The names tempfile.mkdtemp gives with our prefixes, and nothing else.
    return re.compile(rf"\.{re.escape(target.name)}\.(?:new|old)-[a-z0-9_]+")


def remove_leftovers(target: Path) -> None:
    """Delete the staging and old folders that killed builds left beside ``target``.

    Best effort: a folder that cannot be listed or removed now is tried again next time,
    and a parent that cannot be written is reported when the staging folder is made.
    """
    pattern = _leftover_pattern(target)
    try:
        with os.scandir(target.parent) as entries:
            found = [Path(e.path) for e in entries if pattern.fullmatch(e.name) and e.is_dir(follow_symlinks=False)]
    except OSError:
        return
    for folder in sorted(found):
        with suppress(OSError):
            _remove_if_abandoned(folder)


def _remove_if_abandoned(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        if _try_lock(fd):  # otherwise a build that is still running holds it
            _remove_tree(folder)
    finally:
        os.close(fd)


def _remove_tree(folder: Path) -> None:
    """Delete a Docket folder with its markers last, so a kill part-way leaves it recognisable.

    A folder that is not Docket's (no marker, not empty), or a link, is left alone: this is
    the only place that deletes, and it must never take anyone else's files.
    """
    if not stat.S_ISDIR(os.lstat(folder).st_mode):
        return
    if not (is_regular_file(folder / STAGING_MARKER) or is_docket_output(folder) or is_empty(folder)):
        return
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name in RESERVED:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
    for name in RESERVED:
        with suppress(FileNotFoundError):
            os.unlink(folder / name)
    os.rmdir(folder)


# A build holds an exclusive flock on its staging folder for its whole life; the kernel
# drops it when the process dies (kill -9 included), so a folder nobody holds is abandoned.

def _lock(fd: int) -> None:
    if sys.platform != "win32":
        import fcntl

        with suppress(OSError):  # a filesystem without locks: leftovers are then simply removed
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _try_lock(fd: int) -> bool:
    if sys.platform != "win32":
        import fcntl

        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError:
            return True  # cannot tell on this filesystem; Docket's own folder either way
    return True


# --------------------------------------------------------------------------
# The atomic swap

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
# renameat2's system call number, for a libc too old to wrap it (glibc < 2.28).
_SYS_RENAMEAT2 = {"x86_64": 316, "aarch64": 276, "riscv64": 276, "i386": 353, "i686": 353}
_Renameat2 = Callable[[int, bytes, int, bytes, int], int]


@functools.cache
def _load_renameat2() -> _Renameat2 | None:
    if sys.platform != "linux":
        return None  # macOS has renamex_np(RENAME_SWAP), not wired up yet: the fallback is used
    return renameat2_of(ctypes.CDLL(None, use_errno=True))


def renameat2_of(libc: Any) -> _Renameat2 | None:
    """libc's ``renameat2``, else the raw system call through ``syscall``, else None."""
    func = getattr(libc, "renameat2", None)
    if func is not None:
        func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        func.restype = ctypes.c_int
        return lambda a, b, c, d, e: int(func(a, b, c, d, e))
    number = _SYS_RENAMEAT2.get(platform.machine())
    if number is None:
        return None
    syscall = libc.syscall
    syscall.restype = ctypes.c_long
    longs = ctypes.c_long
    return lambda a, b, c, d, e: int(syscall(longs(number), longs(a), b, longs(c), d, longs(e)))


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one atomic step; False when this system or filesystem cannot."""
    call = _load_renameat2()
    if call is None:
        return False
    if call(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):  # old kernel, or a filesystem without it
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


def _publish(staged: Path, target: Path) -> Path | None:
    """Put ``staged`` in place of ``target``; return where the old output now is, if any."""
    if not os.path.lexists(target):
        os.rename(staged, target)  # first build: there is nothing to swap with
        return None
    if exchange(staged, target):
        return staged  # the old output now sits under the staging folder's name
    # No renameat2 here (not Linux, or EINVAL from the filesystem): two renames. A kill
    # between them leaves no output folder, only .NAME.old-* holding the old site.
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    os.rename(target, old)  # replaces the empty placeholder
    try:
        os.rename(staged, target)
    except OSError:
        os.rename(old, target)  # put the old site back before the staging folder is discarded
        raise
    return old


# --------------------------------------------------------------------------
# The staging folder


class StagedOutput:
    """A staging folder that becomes ``target`` on ``commit()``, or vanishes.

    ``target`` must have passed ``check_owned`` (``build.check_output_location`` does it).
    An OSError inside the ``with`` block (a full disk, a read-only folder) leaves the old
    output as it was and becomes an ``OutputError`` naming the path and the reason.
    """

    def __init__(self, target: Path, *, reuse: bool = True) -> None:
        self.target = Path(target)
        self.committed = False
        self.reuse = reuse
        self.files: dict[str, ManifestEntry] = {}
        self._fd: int | None = None
        self.adopted = False
        forget_made_folders()
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            adopted = adopt_spare(self.target) if reuse else None
            self._spare_files: frozenset[str] | None = None
            if adopted is not None:
                self.root, self._spare_files = adopted
                self.adopted = True
            else:
                self.root = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.new-", dir=self.target.parent))
        except OSError as exc:
            raise self._explain(exc) from exc
        try:
            self._fd = os.open(self.root, os.O_RDONLY | os.O_DIRECTORY)
            _lock(self._fd)
            # An empty file exists whole or not at all, even under kill -9.
            os.close(os.open(self.root / STAGING_MARKER, os.O_WRONLY | os.O_CREAT, 0o644))
        except OSError as exc:
            self._discard()
            raise self._explain(exc) from exc

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._discard()
        if isinstance(exc, OSError):
            raise self._explain(exc) from exc

    def _discard(self) -> None:
        if not self.committed:
            with suppress(OSError):  # best effort: a leftover is removed by the next build
                if not (self.adopted and retire(self.root, self.target)):  # a spare goes back to being one
                    _remove_tree(self.root)
        if self._fd is not None:
            os.close(self._fd)  # releases the lock
            self._fd = None

    def _explain(self, exc: OSError) -> OutputError:
        where = f"{exc.filename}: " if exc.filename else ""
        hint = " (a mount point cannot be swapped; build into a folder inside it)" if exc.errno == errno.EBUSY else ""
        return OutputError(f"cannot write the site: {where}{exc.strerror or exc}{hint}; "
                           f"{self.target} was left as it was")

    def write_all(self, files: Iterable[OutputFile]) -> None:
        for file in files:
            dest = destination(self.root, file.path)
            with naming(dest):
                replace_file(dest)
                dest.write_bytes(file.data)
            self.record(file.path, ManifestEntry(len(file.data), hashlib.sha256(file.data).hexdigest()))

    def record(self, rel: str, entry: ManifestEntry) -> None:
        """A file placed in the staging folder by someone else (a worker process, a hard link)."""
        self.files[rel] = entry

    def commit(self) -> None:
        check_owned(self.target)  # it may have changed while the site was being built
        if self.adopted:
            remove_stale(self.root, self.files, self._spare_files)
        self._write_manifest()
        os.unlink(self.root / STAGING_MARKER)  # the manifest now marks the folder as Docket's
        os.chmod(self.root, 0o755)  # mkdtemp makes it private; a site is for reading
        old = _publish(self.root, self.target)
        self.committed = True
        if old is not None:
            with suppress(OSError):  # the new site is live; a leftover is removed next time
                if not (self.reuse and retire(old, self.target)):
                    _remove_tree(old)

    def _write_manifest(self) -> None:
        with naming(self.root / MANIFEST):
            with suppress(FileNotFoundError):
                os.unlink(self.root / MANIFEST)  # an adopted spare's, from an earlier edition
            (self.root / MANIFEST).write_text(manifest_text(self.files), encoding="utf-8")


