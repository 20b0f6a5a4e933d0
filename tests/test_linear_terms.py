"""No page or feed about one term grows with the number of the site's other terms (issue 17).

One incident filed under many tags is listed in every one of those tags' feeds and pages. If each
of them carried all of the incident's tags, n tags would cost n * n: 2,000 tags wrote 304 MB.
A feed entry names at most ``FEED_CATEGORIES`` of its item's tags (always the feed's own tag),
so the whole site stays linear in the number of tags.
"""

from __future__ import annotations

from pathlib import Path

from atom import read_feed
from helpers import build_ok, write_site


def tagged_site(root: Path, n: int) -> Path:
    tags = "\n".join(f"  - topic {i:04d}" for i in range(n))
    return write_site(root, {"content/incidents/fire.md": (
        f"---\ntitle: Fire\ndate: 2023-03-27\ntags:\n{tags}\n---\nThe fire began at night.\n")})


def tag_output(site: Path) -> tuple[int, int]:
    """(bytes of every file under tags/, <category> elements in every tag feed)."""
    out = site / "output" / "tags"
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    categories = sum(len(e.categories) for f in out.glob("*/feed.xml") for e in read_feed(f).entries)
    return size, categories


def test_term_feeds_and_pages_grow_linearly_with_the_number_of_tags(tmp_path: Path) -> None:
    small = tagged_site(tmp_path / "small", 60)
    large = tagged_site(tmp_path / "large", 240)
    build_ok(small)
    build_ok(large)
    small_size, small_cats = tag_output(small)
    large_size, large_cats = tag_output(large)
    # Four times the tags: four times the output (quadratic would be sixteen), with some slack
    # for the index pages, whose pagination adds a few bytes per page.
    assert large_size < 5 * small_size, (small_size, large_size)
    assert large_cats <= 4 * small_cats, (small_cats, large_cats)


def test_a_tag_feed_names_its_own_tag_among_a_few_of_the_entrys_tags(tmp_path: Path) -> None:
    site = tagged_site(tmp_path, 60)
    build_ok(site)
    last = read_feed(site / "output/tags/topic-0059/feed.xml")
    [entry] = last.entries
    assert 0 < len(entry.categories) <= 10
    assert "topic 0059" in entry.categories
    everything = read_feed(site / "output/feed.xml")
    assert everything.entries[0].categories == tuple(f"topic {i:04d}" for i in range(10))
