"""Jinja's compiled templates, kept in ``.docket-cache/jinja/`` and signed.

Jinja's own ``FileSystemBytecodeCache`` loads a file with ``marshal``: whoever can
put a file in the cache folder runs code at the next build, and a site is cloned
from a repository others commit to. So every file here carries an HMAC-SHA256 of
its bytes made with the key of ``cachekey.py`` (which no file of the site holds),
and a file whose tag is wrong is ignored: the template is compiled again and the
file rewritten. The session keeps no such files where the key does not outlive the
process (``cachekey.persistent()``).
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from jinja2.bccache import Bucket, BytecodeCache

from . import cachekey
from .atomic import write_atomic


class SignedBytecodeCache(BytecodeCache):
    """A bytecode cache whose files are each ``tag + data``; a file whose tag does not verify is ignored.

    ``kind`` names how the templates were compiled (in the sandbox or not): each kind has
    its own files and signs under its own purpose, so the one is never loaded as the other.
    """

    def __init__(self, folder: Path, kind: str = "theme") -> None:
        self.folder, self.kind = Path(folder), kind
        self.purpose = f"jinja-bytecode-{kind}"

    def _path(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}.{self.kind}.jbc"

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            data = self._path(bucket).read_bytes()
        except OSError:
            return
        tag, body = data[:cachekey.TAG_SIZE], data[cachekey.TAG_SIZE:]
        if not cachekey.verify(self.purpose, [body], tag):
            return  # not written by this Docket for this user on this machine: never unmarshalled
        with contextlib.suppress(EOFError, ValueError, TypeError):
            bucket.bytecode_from_string(body)

    def dump_bytecode(self, bucket: Bucket) -> None:
        body = bucket.bytecode_to_string()
        with contextlib.suppress(OSError):  # a cache that cannot be written is simply not written
            write_atomic(self._path(bucket), cachekey.sign(self.purpose, [body]) + body)

    def clear(self) -> None:
        for path in self.folder.glob("*.jbc"):
            with contextlib.suppress(OSError):
                path.unlink()
