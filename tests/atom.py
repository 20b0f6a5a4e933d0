"""A strict reader of Atom feeds (RFC 4287) for the tests: it raises on anything malformed.

lxml parses without recovery (a feed that is not well-formed XML is refused outright), then every
rule of RFC 4287 that a feed reader relies on is checked: one id, title and updated per feed and
per entry, RFC 3339 dates, an author for every entry, absolute link and id URLs, one alternate
link per entry, unique entry ids, and ``published`` never after ``updated``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


class FeedError(AssertionError):
    pass


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    link: str
    published: dt.datetime | None
    updated: dt.datetime
    authors: tuple[str, ...]
    categories: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    updated: dt.datetime
    self_link: str
    alternate: str
    entries: tuple[Entry, ...]


def _one(element, name: str, where: str) -> etree._Element:
    found = element.findall(ATOM + name)
    if len(found) != 1:
        raise FeedError(f"{where}: {len(found)} <{name}> elements, RFC 4287 wants exactly one")
    return found[0]


def _date(element, name: str, where: str, required: bool = True) -> dt.datetime | None:
    found = element.findall(ATOM + name)
    if not found and not required:
        return None
    text = _one(element, name, where).text or ""
    if not RFC3339.match(text):
        raise FeedError(f"{where}: <{name}> {text!r} is not an RFC 3339 date-time")
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _absolute(url: str, where: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise FeedError(f"{where}: {url!r} is not an absolute URL")
    return url


def _links(element, rel: str) -> list[str]:
    return [link.get("href") for link in element.findall(ATOM + "link") if link.get("rel", "alternate") == rel]


def parse_feed(data: bytes, where: str = "feed") -> Feed:
    parser = etree.XMLParser(recover=False, resolve_entities=False, no_network=True)
    root = etree.fromstring(data, parser)
    if root.tag != ATOM + "feed":
        raise FeedError(f"{where}: the root is {root.tag}, not an Atom feed")
    feed_id = _absolute(_one(root, "id", where).text or "", where)
    title = _one(root, "title", where).text or ""
    updated = _date(root, "updated", where)
    selves, alternates = _links(root, "self"), _links(root, "alternate")
    if len(selves) != 1 or len(alternates) != 1:
        raise FeedError(f"{where}: wants one rel=self and one rel=alternate link, has {selves} and {alternates}")
    feed_authors = root.findall(ATOM + "author")
    entries = []
    for n, element in enumerate(root.findall(ATOM + "entry"), 1):
        here = f"{where} entry {n}"
        links = _links(element, "alternate")
        if len(links) != 1:
            raise FeedError(f"{here}: {len(links)} alternate links")
        authors = tuple(a.findtext(ATOM + "name") or "" for a in element.findall(ATOM + "author"))
        if not authors and not feed_authors:
            raise FeedError(f"{here}: no author, and the feed has none")
        if any(not a for a in authors):
            raise FeedError(f"{here}: an <author> without a <name>")
        entry = Entry(_absolute(_one(element, "id", here).text or "", here), _one(element, "title", here).text or "",
                      _absolute(links[0], here), _date(element, "published", here, required=False),
                      _date(element, "updated", here), authors,
                      tuple(c.get("term") for c in element.findall(ATOM + "category")),
                      element.findtext(ATOM + "summary") or "")
        if entry.published and entry.published > entry.updated:
            raise FeedError(f"{here}: published {entry.published} after updated {entry.updated}")
        entries.append(entry)
    ids = [e.id for e in entries]
    if len(ids) != len(set(ids)):
        raise FeedError(f"{where}: entry ids repeat: {ids}")
    assert updated is not None
    return Feed(feed_id, title, updated, _absolute(selves[0], where), _absolute(alternates[0], where), tuple(entries))


def read_feed(path: Path) -> Feed:
    return parse_feed(path.read_bytes(), str(path))
