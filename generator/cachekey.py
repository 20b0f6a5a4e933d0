"""The key that signs what Docket keeps in a site's ``.docket-cache/``, and the signing itself.

A site is cloned from a repository other people commit to, so its cache folder is input
like any other: a file there may have been written by anyone. Whatever Docket reads back
from it (a pickled session, a search bundle, compiled templates) is used only when it
carries an HMAC-SHA256 made with a key that no file of the site holds.

The key is never stored: it is derived, in each process, from the machine's id
(``/etc/machine-id``, else ``/var/lib/dbus/machine-id``), the user id and the digest of
Docket's own code (``codeid.code_id``). So a cache verifies only for the same Docket run
by the same user on the same machine; one made elsewhere, or edited, is rebuilt. Where
the machine has no id, the key is random and lives only as long as the process: nothing
is reused from one process to the next (``persistent()`` is False and the callers do not
save what nobody could verify), while the preview still reuses what it keeps in memory.

Each use signs under its own ``purpose``, so a file signed for one use is never accepted
as another.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable

from .codeid import code_id

MACHINE_ID_FILES = ("/etc/machine-id", "/var/lib/dbus/machine-id")
TAG_SIZE = 32  # bytes of an HMAC-SHA256


@functools.cache
def _machine_secret() -> bytes | None:
    for name in MACHINE_ID_FILES:
        try:
            with open(name, "rb") as file:
                found = file.read(256).strip()
        except OSError:
            continue
        if found:
            return found
    return None


@functools.cache
def cache_key() -> bytes:
    """This process's key: the same in every process of this Docket, user and machine, when it has an id."""
    machine = _machine_secret()
    if machine is None:
        return secrets.token_bytes(TAG_SIZE)  # this process only
    uid = str(getattr(os, "getuid", lambda: -1)()).encode()
    return hashlib.sha256(b"docket-cache-key\0" + machine + b"\0" + uid + b"\0" + code_id().encode()).digest()


def persistent() -> bool:
    """Whether another process will derive the same key (so whether saving a signed file is worth it)."""
    return _machine_secret() is not None


def sign(purpose: str, parts: Iterable[bytes]) -> bytes:
    """The HMAC-SHA256 of ``parts`` for ``purpose``; each part is length-prefixed, so none can shift into another."""
    mac = hmac.new(cache_key(), purpose.encode("utf-8") + b"\0", hashlib.sha256)
    for part in parts:
        mac.update(len(part).to_bytes(8, "big"))
        mac.update(part)
    return mac.digest()


def verify(purpose: str, parts: Iterable[bytes], tag: bytes) -> bool:
    """Whether ``tag`` is ``sign(purpose, parts)`` (compared in constant time)."""
    return hmac.compare_digest(sign(purpose, parts), tag)


def sign_hex(purpose: str, parts: Iterable[bytes]) -> str:
    return sign(purpose, parts).hex()


def verify_hex(purpose: str, parts: Iterable[bytes], tag: str) -> bool:
    try:
        raw = bytes.fromhex(tag)
    except ValueError:
        return False
    return len(raw) == TAG_SIZE and verify(purpose, parts, raw)
