"""Jinja's compiled templates, kept in ``.docket-cache/jinja/`` and signed.

Jinja's own ``FileSystemBytecodeCache`` loads a file with ``marshal``: whoever can
put a file in the cache folder runs code at the next build, and a site is cloned
from a repository others commit to. So every file here carries an HMAC-SHA256 of
its bytes, and a file whose digest is wrong is ignored (the template is compiled
again and the file rewritten). The key never lives in the site folder: it is
derived from this machine's id (``/etc/machine-id``), the user id and the digest
of Docket's own code, so a cache from another machine, user or version of Docket
is never trusted either. On a machine without a machine id there is no key, and
compiled templates are not reused across processes at all. Nothing is written
outside the site's folder.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import os
import tempfile
from pathlib import Path

from jinja2.bccache import Bucket, BytecodeCache

from .codeid import code_id

MACHINE_ID_FILES = (Path("/etc/machine-id"), Path("/var/lib/dbus/machine-id"))
_DIGEST = hashlib.sha256().digest_size


@functools.cache
def cache_key() -> bytes | None:
    """The signing key of this machine, user and Docket; None when the machine has no id."""
    for path in MACHINE_ID_FILES:
        try:
            machine = path.read_bytes().strip()
        except OSError:
            continue
        if len(machine) >= 16:
            uid = str(os.getuid() if hasattr(os, "getuid") else 0)
            return hashlib.sha256(b"docket-jinja\0" + machine + b"\0" + uid.encode() + b"\0"
                                  + code_id().encode()).digest()
    return None


class SignedBytecodeCache(BytecodeCache):
    """A bytecode cache whose files are each ``HMAC(key, data) + data``; any other file is ignored.

    ``kind`` names how the templates were compiled (in the sandbox or not): each kind has
    its own files and its own key, so the one is never loaded as the other.
    """

    def __init__(self, folder: Path, key: bytes, kind: str = "theme") -> None:
        self.folder, self.kind = Path(folder), kind
        self.key = hmac.new(key, kind.encode(), hashlib.sha256).digest()

    def _path(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}.{self.kind}.jbc"

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            data = self._path(bucket).read_bytes()
        except OSError:
            return
        digest, body = data[:_DIGEST], data[_DIGEST:]
        if not hmac.compare_digest(digest, hmac.new(self.key, body, hashlib.sha256).digest()):
            return  # not written by this Docket for this user on this machine: never unmarshalled
        with contextlib.suppress(EOFError, ValueError, TypeError):
            bucket.bytecode_from_string(body)

    def dump_bytecode(self, bucket: Bucket) -> None:
        body = bucket.bytecode_to_string()
        data = hmac.new(self.key, body, hashlib.sha256).digest() + body
        with contextlib.suppress(OSError):  # a cache that cannot be written is simply not written
            fd, tmp = tempfile.mkstemp(prefix=".jbc-", dir=self.folder)
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                os.replace(tmp, self._path(bucket))
            except OSError:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise

    def clear(self) -> None:
        for path in self.folder.glob("*.jbc"):
            with contextlib.suppress(OSError):
                path.unlink()
