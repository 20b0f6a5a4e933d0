"""Write a file whole or not at all: a temporary file beside it, renamed over it.

A reader (the next build, a browser) sees the old file or the new one, never half of one, and a
hard link to the old file (the spare edition shares unchanged pages with the output) keeps the old
bytes, because the new file is another inode. Used for the session's cache and state, the search
bundle's cache and the preview's fast render.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


@contextlib.contextmanager
def atomic_file(path: Path, *, mode: int | None = None) -> Iterator[BinaryIO]:
    """A binary file to write that replaces ``path`` when the block ends, or is removed if it raises.

    The new file is private (0600, as ``mkstemp`` makes it) unless ``mode`` says otherwise.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:  # an interrupted write too: no temporary file is left behind
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_atomic(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` in one step."""
    with atomic_file(path, mode=mode) as out:
        out.write(data)
