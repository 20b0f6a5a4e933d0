"""Fingerprints: a short digest of everything one page (or data file) is made from.

A page's output is a function of its typed context, the site-wide inputs
(config, nav, footer pages), its templates and Docket itself. The fingerprint
hashes all of them, so an unchanged fingerprint means unchanged bytes and the
page need not be rendered again; any change to anything the page reads, a
backlink, a related incident's title, an included template, changes it. This
is dependency tracking that cannot miss a dependency: it is computed from what
the page is actually given, not from a list someone has to keep up to date.

Content items (incidents, reports, sources, entities, pages) are hashed by the
digest of their value, computed once when their file is parsed (``ItemDigests``),
which keeps a term page listing 5,000 incidents cheap to fingerprint; terms and
rendered bodies by a digest of their value made once per build. Hashing
goes through pickle with its memo off (``fast``): the bytes then depend only on
values, never on which equal objects happen to be shared, so fingerprints agree
across processes and across a cache reload.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import pickle
from collections.abc import Iterable
from typing import Any

import jinja2
from jinja2 import meta

from .codeid import code_id
from .markdown import RenderedBody
from .model import Entity, Incident, Page, Report, Source
from .terms import Term

ITEM_TYPES = (Incident, Report, Source, Entity, Page)


class ItemDigests:
    """The digest of each content item of this build, by object identity.

    Items are frozen and live for the whole build, so ``id()`` is a safe key while
    the build runs; an item without a digest (an entity only named in front matter)
    is hashed by value instead. Terms, which many pages share and which list many
    items, are hashed once per build and then stand for themselves by their digest.
    """

    def __init__(self) -> None:
        self._by_id: dict[int, bytes] = {}
        self._keep: list[object] = []  # holds the objects so that their ids are never reused

    def add(self, items: Iterable[object], values: Iterable[bytes]) -> None:
        """Items with the digests of their values (``session.BuildSession.put`` computes them once)."""
        for item, digest in zip(items, values, strict=True):
            self._by_id[id(item)] = digest
            self._keep.append(item)

    def get(self, item: object) -> bytes | None:
        return self._by_id.get(id(item))

    def shared(self, obj: object) -> bytes:
        digest = self._by_id.get(id(obj))
        if digest is None:
            digest = self._by_id[id(obj)] = fingerprint(self, _Whole(obj))
            self._keep.append(obj)
        return digest


class _Whole:
    """Wraps a shared object so that hashing it hashes its value, not its digest."""

    __slots__ = ("obj",)

    def __init__(self, obj: object) -> None:
        self.obj = obj


def _item(digest: bytes) -> None:
    """Stands for a content item in the pickle stream (never called: the stream is only hashed)."""


def _shared(digest: bytes) -> None:
    """Stands for a shared object already hashed (never called)."""


_FIELDS: dict[type, tuple[str, ...] | None] = {}


def _fields_of(cls: type) -> tuple[str, ...] | None:
    """The fields of one of Docket's slotted dataclasses, in order; None for any other type."""
    if cls not in _FIELDS:
        ok = dataclasses.is_dataclass(cls) and "__slots__" in cls.__dict__
        _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls)) if ok else None
    return _FIELDS[cls]


class _Hasher(pickle.Pickler):
    def __init__(self, out: io.BytesIO, digests: ItemDigests) -> None:
        super().__init__(out, protocol=5)
        self.fast = True  # no memo: equal values give equal bytes, whatever is shared
        self.digests = digests

    def reducer_override(self, obj: Any) -> Any:
        # Called for every object but plain str, int, float, bytes, tuple, list, dict, set and None.
        cls = type(obj)
        if cls is _Whole:
            obj = obj.obj
            cls = type(obj)
        elif cls in ITEM_TYPES:
            digest = self.digests.get(obj)
            if digest is not None:
                return _item, (digest,)
        elif cls is Term or cls is RenderedBody:  # shown by many pages, or declared by one and shown by it
            return _shared, (self.digests.shared(obj),)
        names = _fields_of(cls)
        if names is None:
            return NotImplemented
        return cls, tuple(getattr(obj, name) for name in names)


def fingerprint(digests: ItemDigests, *parts: object) -> bytes:
    out = io.BytesIO()
    _Hasher(out, digests).dump((code_id(), parts))
    return hashlib.blake2b(out.getbuffer(), digest_size=16).digest()


class TemplateDigests:
    """The digest of a template together with every template it extends, includes or imports.

    ``jinja2.meta`` lists the templates a template names; a name computed at render
    time cannot be known, so a template that uses one depends on all templates.
    """

    def __init__(self, env: jinja2.Environment) -> None:
        self.env = env
        self._own: dict[str, tuple[bytes, tuple[str | None, ...]]] = {}
        self._closure: dict[str, bytes] = {}

    def of(self, name: str) -> bytes:
        digest = self._closure.get(name)
        if digest is None:
            reachable = self._reachable(name)
            names = {n for n in reachable if n is not None}
            if None in reachable:  # a name computed at render time: it may be any template
                names |= set(self.env.list_templates())
            h = hashlib.blake2b(digest_size=16)
            for each in sorted(names):
                h.update(each.encode() + b"\0" + self._read(each)[0])
            digest = self._closure[name] = h.digest()
        return digest

    def _reachable(self, name: str) -> set[str | None]:
        seen: set[str | None] = set()
        todo: list[str | None] = [name]
        while todo:
            each = todo.pop()
            if each in seen:
                continue
            seen.add(each)
            if each is not None:
                todo.extend(self._read(each)[1])
        return seen

    def _read(self, name: str) -> tuple[bytes, tuple[str | None, ...]]:
        if name not in self._own:
            try:
                source, _, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
            except jinja2.TemplateNotFound:
                self._own[name] = (b"\0missing", ())
                return self._own[name]
            self._own[name] = (source.encode("utf-8", "surrogateescape"), _referenced_templates(self.env, source))
        return self._own[name]


# The templates a source names, by the source. Parsing the theme to find them
# costs as much as compiling it, and a preview session (or a test run of hundreds of
# builds) would otherwise do it again on every build for templates nobody edited.
# Docket's environments all share one syntax, so the source alone decides the names.
_REFERENCES: dict[str, tuple[str | None, ...]] = {}
_REFERENCES_KEPT = 2048


def known_references() -> dict[str, tuple[str | None, ...]]:
    """The references found so far, by source (the session keeps them: a new process need not parse again)."""
    return dict(_REFERENCES)


def remember_references(known: dict[str, tuple[str | None, ...]]) -> None:
    """References found by an earlier process (from the session); a source that changed is parsed anew."""
    for source, names in list(known.items())[:_REFERENCES_KEPT - len(_REFERENCES)]:
        _REFERENCES.setdefault(source, names)


def _referenced_templates(env: jinja2.Environment, source: str) -> tuple[str | None, ...]:
    names = _REFERENCES.get(source)
    if names is None:
        try:
            names = tuple(meta.find_referenced_templates(env.parse(source)))
        except jinja2.TemplateSyntaxError:
            names = ()  # rendering reports it; the broken source is hashed all the same
        if len(_REFERENCES) >= _REFERENCES_KEPT:
            _REFERENCES.clear()
        _REFERENCES[source] = names
    return names
