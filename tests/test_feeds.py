"""Atom feeds: the site's, each list's, each term's and each entity's, read by a strict parser.

Every feed of the example site must parse without recovery and keep RFC 4287 (``atom.py``); its
links and ids are absolute URLs under ``base_url`` that lead to built pages; it holds at most
``feed_size`` entries, newest change first; every page's head links the site feed, and term,
entity and list pages also link their own.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from atom import FeedError, parse_feed, read_feed
from helpers import build_ok, page, write_site
from lxml import etree

EXAMPLE_BASE = "https://example.org/docket/"


def built_target(out: Path, url: str, base: str) -> Path:
    rel = url.split("#")[0].removeprefix(base)
    assert url.startswith(base), f"{url} is not under {base}"
    return out / (rel + "index.html" if rel == "" or rel.endswith("/") else rel)


def test_every_feed_of_the_example_site_is_valid_atom_with_working_links(example_output: Path) -> None:
    feeds = sorted(example_output.rglob("feed.xml"))
    paths = {f.relative_to(example_output).as_posix() for f in feeds}
    assert {"feed.xml", "incidents/feed.xml", "reports/feed.xml", "corrections/feed.xml",
            "tags/migration/feed.xml", "countries/mexico/feed.xml", "places/ciudad-juarez-mexico/feed.xml",
            "years/2023/feed.xml", "entities/instituto-nacional-de-migracion/feed.xml"} <= paths
    for path in feeds:
        feed = read_feed(path)
        rel = path.relative_to(example_output).as_posix()
        assert feed.self_link == feed.id == EXAMPLE_BASE + rel
        assert built_target(example_output, feed.alternate, EXAMPLE_BASE).is_file(), feed.alternate
        assert len(feed.entries) <= 20
        assert [e.updated for e in feed.entries] == sorted((e.updated for e in feed.entries), reverse=True), rel
        assert feed.updated == max((e.updated for e in feed.entries), default=feed.updated)
        for entry in feed.entries:
            target = built_target(example_output, entry.link, EXAMPLE_BASE)
            assert target.is_file(), f"{rel}: {entry.link}"
            fragment = urlsplit(entry.link).fragment
            if fragment:  # a correction: its line on the item's page
                soup = page(example_output, target.relative_to(example_output).as_posix())
                assert soup.find(id=fragment) is not None, f"{entry.link}: no element with that id"


def test_the_strict_reader_refuses_broken_feeds() -> None:
    good = (b'<feed xmlns="http://www.w3.org/2005/Atom"><id>https://x.org/feed.xml</id><title>t</title>'
            b'<updated>2024-01-01T00:00:00+00:00</updated><author><name>a</name></author>'
            b'<link rel="self" href="https://x.org/feed.xml"/><link href="https://x.org/"/>%s</feed>')
    entry = (b'<entry><id>https://x.org/a/</id><title>a</title><link href="https://x.org/a/"/>'
             b'<updated>2024-01-01T00:00:00+00:00</updated>%s</entry>')
    assert len(parse_feed(good % (entry % b"")).entries) == 1
    broken = [
        good % (entry % b"") + b"<",  # not well-formed
        good.replace(b"<id>https://x.org/feed.xml</id>", b"") % b"",  # no id
        good % (entry % b"").replace(b"2024-01-01T00:00:00+00:00", b"1 January 2024"),  # not RFC 3339
        good % (entry % b"" + entry % b""),  # the same id twice
        good % (entry % b"").replace(b'href="https://x.org/a/"', b'href="a/"'),  # a relative link
        good % (entry % b"<published>2025-01-01T00:00:00Z</published>"),  # published after updated
    ]
    for data in broken:
        with pytest.raises((FeedError, etree.XMLSyntaxError)):
            parse_feed(data)


SITE = """\
title: Feeds test
base_url: https://example.org/news/
author: The Desk
feed_size: 2
"""


def incident(title: str, date: str, *, tags: str = "[fire]", country: str = "Mexico", updates: str = "",
             extra: str = "") -> str:
    return f"""
---
title: {title}
date: {date}
summary: About {title}.
tags: {tags}
location:
  place: Ciudad Juárez
  country: {country}
entities: [inm]
figures:
  killed: 2
{updates}{extra}---
Text of {title}.
"""


def test_feeds_are_bounded_newest_change_first_and_follow_their_term(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "content/incidents/old.md": incident("Old fire", "2020-01-01", updates=(
            "updates:\n  - date: 2024-02-01\n    type: correction\n    note: The toll was two, not three.\n"
            "    figures: [killed]\n"), extra="published: 2020-01-05\n"),
        "content/incidents/mid.md": incident("Middle fire", "2022-01-01", tags="[flood]", country="Guatemala"),
        "content/incidents/new.md": incident("New fire", "2023-01-01"),
        "content/incidents/draft.md": incident("Draft fire", "2024-05-01", extra="draft: true\n"),
        "content/entities/inm.md": "---\nname: National Institute of Migration\nkind: organisation\n---\n",
    }, site_yaml=SITE)
    build_ok(site)
    out = site / "output"
    main = read_feed(out / "feed.xml")
    # The correction made "Old fire" the newest change; feed_size 2 keeps two entries.
    assert [e.title for e in main.entries] == ["Old fire", "New fire"]
    assert main.entries[0].updated.date().isoformat() == "2024-02-01"
    # <published> is when the record was published, not the day of the event.
    assert main.entries[0].published.date().isoformat() == "2020-01-05"
    assert main.entries[1].published is None  # no published: field and no git: no date rather than a false one
    assert main.entries[0].authors == ("The Desk",)
    assert main.updated == main.entries[0].updated
    assert [e.title for e in read_feed(out / "tags/flood/feed.xml").entries] == ["Middle fire"]
    assert [e.title for e in read_feed(out / "countries/mexico/feed.xml").entries] == ["Old fire", "New fire"]
    assert [e.title for e in read_feed(out / "entities/inm/feed.xml").entries] == ["Old fire", "New fire"]
    fixes = read_feed(out / "corrections/feed.xml")
    assert [e.title for e in fixes.entries] == ["Correction: Old fire"]
    assert fixes.entries[0].link == "https://example.org/news/incidents/old/#update_1"
    assert fixes.entries[0].summary == "The toll was two, not three."
    for feed in out.rglob("feed.xml"):  # a draft is in no feed
        assert all("Draft" not in e.title for e in read_feed(feed).entries), feed


def test_every_page_links_the_site_feed_and_term_pages_their_own(example_output: Path) -> None:
    for html in sorted(example_output.rglob("index.html")):
        rel = html.relative_to(example_output).parent.as_posix()
        site_path = "" if rel == "." else rel + "/"
        soup = page(example_output, site_path)
        feeds = soup.head.find_all("link", rel="alternate", type="application/atom+xml")
        resolved = [(html.parent / link["href"]).resolve() for link in feeds]
        assert resolved and resolved[0] == (example_output / "feed.xml").resolve(), site_path
        assert all(p.is_file() for p in resolved), site_path
        own = (example_output / site_path / "feed.xml").resolve()
        if site_path.startswith(("tags/", "countries/", "places/", "years/", "entities/")) and \
                site_path.count("/") == 2 or site_path in ("incidents/", "reports/", "corrections/"):
            assert own in resolved, f"{site_path} does not link its own feed"
            visible = soup.find("p", class_="feed-link")
            assert visible is not None and (html.parent / visible.a["href"]).resolve() == own, site_path


def test_feed_urls_follow_base_url(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {"content/incidents/a.md": incident("A fire", "2023-01-01")},
                      site_yaml="title: T\nbase_url: https://news.example.net/desk/\n")
    build_ok(site)
    feed = read_feed(site / "output" / "tags" / "fire" / "feed.xml")
    assert feed.id == "https://news.example.net/desk/tags/fire/feed.xml"
    assert feed.alternate == "https://news.example.net/desk/tags/fire/"
    assert [e.link for e in feed.entries] == ["https://news.example.net/desk/incidents/a/"]


