"""Pagefind's bundle made reproducible: the same records give the same bytes in every run.

Pagefind (1.x) gathers each filter's values in a Rust ``HashMap`` seeded at random when the
binary starts, and writes them in that map's order: the filter files (``filter/*.pf_filter``)
list their values, and the metadata file (``pagefind.<hash>.pf_meta``) lists the filters, in
an order that changes from one run to the next over the same records. Each file is named by a
hash of its bytes, so the names change too, and with them ``pagefind-entry.json`` (which names
the metadata file) and Docket's manifest. Everything else Pagefind writes depends only on the
records and their order, which ``search.search_records`` keeps fixed.

``stabilise`` rewrites those files in sorted order (values by value, filters and sorts by
name) and names them the way Pagefind does, so the bundle is one function of the records. It
is safe: Pagefind's search reads a filter file into a map, so the order of its values is not
information, and the search page sorts the values it shows itself. The files are gzip-wrapped
CBOR (``pagefind_dcd`` and then arrays, texts and unsigned integers), decoded and encoded here
in the shortest form, as Pagefind's encoder writes them. A bundle of any other shape (a future
Pagefind) is left as Pagefind made it.
"""

from __future__ import annotations

import gzip
import hashlib
import json

from .outputs import OutputFile

SIGNATURE = b"pagefind_dcd"  # what every decompressed Pagefind data file starts with
ENTRY = "pagefind-entry.json"

Cbor = int | str | bytes | list["Cbor"]


class _Unexpected(ValueError):
    """The bundle is not of the shape this module knows."""


def stabilise(files: list[OutputFile], prefix: str) -> list[OutputFile]:
    """``files`` (paths under ``prefix``/) with their filters and metadata in a fixed order."""
    by_name = {f.path[len(prefix) + 1:]: f.data for f in files}
    try:
        replaced = _rewrite(by_name)
    except (_Unexpected, ValueError, KeyError, TypeError, IndexError, EOFError, OSError):
        return files  # not a bundle this module understands: Pagefind's own, working, bytes
    return sorted((OutputFile(f"{prefix}/{name}", data) for name, data in replaced.items()), key=lambda f: f.path)


def _rewrite(files: dict[str, bytes]) -> dict[str, bytes]:
    entry = json.loads(files[ENTRY])
    out = dict(files)
    for language, about in entry["languages"].items():
        meta_name = f"pagefind.{about['hash']}.pf_meta"
        meta = _load(files[meta_name])
        if not isinstance(meta, list) or len(meta) < 5 or not isinstance(meta[3], list):
            raise _Unexpected("metadata")
        taken: set[str] = set()
        filters: list[Cbor] = []
        for name, old in sorted(_pairs(meta[3])):
            data = _load(files[f"filter/{old}.pf_filter"])
            if not isinstance(data, list) or len(data) != 2 or not isinstance(data[1], list):
                raise _Unexpected("filter")
            values = sorted(data[1], key=lambda v: _pair(v)[0])
            encoded = _encode([data[0], values])
            new = _short_hash(language, encoded, taken)
            del out[f"filter/{old}.pf_filter"]
            out[f"filter/{new}.pf_filter"] = _save(encoded)
            filters.append([name, new])
        meta[3] = filters
        if not isinstance(meta[4], list):
            raise _Unexpected("sorts")
        meta[4] = sorted(meta[4], key=lambda s: _pair(s)[0])  # fields after the sorts are left as they are
        encoded = _encode(meta)
        about["hash"] = f"{language}_{_full_hash(encoded)[:len(language) + 8]}"
        del out[meta_name]
        out[f"pagefind.{about['hash']}.pf_meta"] = _save(encoded)
    entry["languages"] = dict(sorted(entry["languages"].items()))
    out[ENTRY] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return out


def _pair(value: Cbor) -> tuple[str, Cbor]:
    if not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], str):
        raise _Unexpected("pair")
    return value[0], value[1]


def _pairs(values: list[Cbor]) -> list[tuple[str, str]]:
    found = []
    for value in values:
        name, hashed = _pair(value)
        if not isinstance(hashed, str):
            raise _Unexpected("filter hash")
        found.append((name, hashed))
    return found


def _full_hash(data: bytes) -> str:
    # Pagefind's full_hash: each SHA-1 byte as hex *without* its leading zero ("{:x?}").
    return "".join(format(b, "x") for b in hashlib.sha1(data).digest())  # noqa: S324 - a name, not security


def _short_hash(language: str, data: bytes, taken: set[str]) -> str:
    """A file's name as Pagefind gives it: language, '_', 7 hash characters, one more while names collide."""
    full = f"{language}_{_full_hash(data)}"
    length = len(language) + 8
    while full[:length] in taken and length < len(full):
        length += 1
    taken.add(full[:length])
    return full[:length]


def _load(compressed: bytes) -> Cbor:
    data = gzip.decompress(compressed)
    if not data.startswith(SIGNATURE):
        raise _Unexpected("signature")
    value, end = _decode(data, len(SIGNATURE))
    if end != len(data):
        raise _Unexpected("trailing bytes")
    return value


def _save(encoded: bytes) -> bytes:
    return gzip.compress(SIGNATURE + encoded, compresslevel=9, mtime=0)


# --------------------------------------------------------------------------- CBOR, the part Pagefind uses


def _decode(data: bytes, at: int) -> tuple[Cbor, int]:
    major, length, at = _head(data, at)
    if major == 0:
        return length, at
    if major in (2, 3):
        chunk = data[at:at + length]
        if len(chunk) != length:
            raise EOFError("cut short")
        return (chunk.decode("utf-8") if major == 3 else chunk), at + length
    if major == 4:
        items: list[Cbor] = []
        for _ in range(length):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    raise _Unexpected(f"CBOR major type {major}")


def _head(data: bytes, at: int) -> tuple[int, int, int]:
    first = data[at]
    major, info = first >> 5, first & 31
    if info < 24:
        return major, info, at + 1
    if info > 27:
        raise _Unexpected("indefinite length")
    size = 1 << (info - 24)
    return major, int.from_bytes(data[at + 1:at + 1 + size], "big"), at + 1 + size


def _encode(value: Cbor) -> bytes:
    if isinstance(value, int):
        return _encode_head(0, value)
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _encode_head(3, len(raw)) + raw
    if isinstance(value, bytes):
        return _encode_head(2, len(value)) + value
    return _encode_head(4, len(value)) + b"".join(_encode(item) for item in value)


def _encode_head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if n < 1 << (8 * size):
            return bytes([major << 5 | info]) + n.to_bytes(size, "big")
    raise _Unexpected("integer too large")
