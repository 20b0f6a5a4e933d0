"""What a reader meets on the home and incident pages, read from the built HTML of small sites.

The home page's heading is not the header's site title, and its totals say which incidents they add
up (the years) and when ("as of" the build's date, SOURCE_DATE_EPOCH when set). An incident page puts
its people and places next to its key facts, before its sources and "Cite this", in source order, so
a phone and a page read without CSS meet them first. A writer's "Table: ..." line captions the table
beside it; every body table scrolls in its own box. Notes and citations share one marker style.
"""

from __future__ import annotations

import re

from helpers import build_ok, page, write_site

SITE = """\
title: Border Monitor
base_url: https://example.org/
description: Deaths and detentions at the border, documented source by source.
"""


def incident(title: str, date: str, killed: int, extra: str = "", body: str = "Body.") -> str:
    return f"---\ntitle: {title}\ndate: {date}\nfigures: {{killed: {killed}}}\n{extra}---\n{body}\n"


def text(tag) -> str:
    return " ".join(tag.get_text(" ").split())


# --------------------------------------------------------------------------- home


def test_the_home_heading_is_the_description_not_the_site_title(tmp_path):
    site = write_site(tmp_path, {"content/incidents/a.md": incident("A", "2023-03-27", 3)}, site_yaml=SITE)
    build_ok(site)
    soup = page(site, "")
    assert text(soup.select_one("header.site-header .site-title")) == "Border Monitor"
    h1s = soup.find_all("h1")
    assert len(h1s) == 1
    assert text(h1s[0]) == "Deaths and detentions at the border, documented source by source."
    assert soup.title is not None and soup.title.string == "Border Monitor"


def test_without_a_description_the_home_heading_still_differs_from_the_site_title(tmp_path):
    site = write_site(tmp_path, {"content/incidents/a.md": incident("A", "2023-03-27", 3)})
    build_ok(site)
    h1 = page(site, "").find("h1")
    assert h1 is not None and text(h1) and text(h1) != "Test site"


def test_home_totals_say_their_period_and_as_of_date(tmp_path):
    site = write_site(tmp_path, {
        "content/incidents/a.md": incident("A", "2019-05-02", 3),
        "content/incidents/b.md": incident("B", "2023-11-30T01:50:00Z", 4),
        # Left out of the totals, so its year is not in their period.
        "content/incidents/c.md": incident("C", "2025-01-01", 9, "fictional: true\n"),
    }, site_yaml=SITE)
    build_ok(site)  # SOURCE_DATE_EPOCH is 2026-06-01 (tests/helpers.py)
    glance = page(site, "").select_one("#figures")
    assert glance is not None
    period = glance.select_one(".totals-period")
    assert period is not None, "the totals carry no period"
    assert text(period) == "Incidents from 2019 to 2023, as of 1 June 2026"
    time = period.find("time")
    assert time is not None and time["datetime"] == "2026-06-01"


def test_totals_of_one_year_name_that_year(tmp_path):
    site = write_site(tmp_path, {"content/incidents/a.md": incident("A", "2021-05-02", 3),
                                 "content/incidents/b.md": incident("B", "2021-07-02", 3)}, site_yaml=SITE)
    build_ok(site)
    period = page(site, "").select_one("#figures .totals-period")
    assert period is not None and text(period) == "Incidents in 2021, as of 1 June 2026"


# --------------------------------------------------------------------------- incident page order

ENTITY = "---\nname: Instituto Nacional de Migración\nkind: organisation\n---\n"
SOURCE = "---\ntitle: Footage of the fire\ntype: video\n---\n"


def test_people_and_places_come_before_the_sources_and_cite_this(tmp_path):
    site = write_site(tmp_path, {
        "content/entities/inm.md": ENTITY,
        "content/sources/cctv.md": SOURCE,
        "content/incidents/fire.md": incident(
            "Fire", "2023-03-27", 38,
            "location: {place: Ciudad Juárez, country: Mexico, lat: 31.7, lon: -106.4}\n"
            "entities: [inm]\nsources: [cctv]\n",
            "The fire began [@cctv].\n\n## What happened\n\nMore."),
    }, site_yaml=SITE)
    build_ok(site)
    main = page(site, "incidents/fire/").find("main")
    order = [el.get("id") or " ".join(el.get("class", [])) for el in main.find_all(True)
             if el.get("id") in ("figures", "entities", "body", "sources", "cite_this")
             or "location-map" in el.get("class", [])]
    assert order.index("entities") < order.index("sources") < order.index("cite_this"), order
    assert order.index("map-figure location-map") < order.index("sources"), order
    # Near the key facts: straight after the panel, before the story's body.
    assert order.index("figures") < order.index("map-figure location-map") < order.index("body"), order


# --------------------------------------------------------------------------- body tables and notes


def test_a_table_line_captions_its_table_and_every_table_scrolls_in_its_box(tmp_path):
    body = ("Before.\n\n"
            "Table: People held in the cell, by outcome\n\n"
            "| Figure | Number |\n|---|---:|\n| Held | 67 |\n| Died | 38 |\n\n"
            "Between.\n\n"
            "| A | B |\n|---|---|\n| 1 | 2 |\n\n"
            "Table: Set after its table\n\n"
            "After.\n")
    site = write_site(tmp_path, {"content/incidents/fire.md": incident("Fire", "2023-03-27", 1, body=body)})
    build_ok(site)
    prose = page(site, "incidents/fire/").select_one(".prose")
    tables = prose.find_all("table")
    assert len(tables) == 2
    captions = [t.find("caption") for t in tables]
    assert captions[0] is not None and text(captions[0]) == "People held in the cell, by outcome"
    assert captions[1] is not None and text(captions[1]) == "Set after its table"
    assert "Table:" not in text(prose), "the caption line was left in the text"
    for table in tables:
        wrap = table.parent
        assert wrap.name == "div" and "table-wrap" in wrap["class"], wrap
        # A box a keyboard can scroll: focusable and named (WCAG 2.1.1, axe's scrollable-region-focusable).
        assert wrap.get("tabindex") == "0" and wrap.get("role") == "region" and wrap.get("aria-label")
    assert tables[0].parent["aria-label"] == "People held in the cell, by outcome"


def test_a_table_without_a_caption_line_has_none_and_table_text_stays(tmp_path):
    body = "Table: not beside a table.\n\nText.\n\n| A |\n|---|\n| Table: kept |\n\nText.\n\nTable: not either.\n"
    site = write_site(tmp_path, {"content/incidents/fire.md": incident("Fire", "2023-03-27", 1, body=body)})
    build_ok(site)
    prose = page(site, "incidents/fire/").select_one(".prose")
    # "Table: ..." captions only the table it is next to; elsewhere, and inside a cell, it is text.
    assert prose.find("caption") is None
    assert "Table: kept" in text(prose) and "Table: not beside" in text(prose) and "Table: not either" in text(prose)
    assert prose.select_one(".table-wrap")["aria-label"] == "Table 1"


def test_notes_and_citations_share_one_marker_style(tmp_path):
    body = "Thirty-eight died [@cctv].[^1] Guards left [@cctv].\n\n[^1]: Figures at publication.\n"
    site = write_site(tmp_path, {
        "content/sources/cctv.md": SOURCE,
        "content/incidents/fire.md": incident("Fire", "2023-03-27", 38, "sources: [cctv]\n", body),
    })
    build_ok(site)
    prose = page(site, "incidents/fire/").select_one(".prose")
    paragraph = prose.find("p")
    markers = paragraph.find_all("sup")
    assert [text(m) for m in markers] == ["[1]", "[a]", "[1]"]
    # One rendering: the same element and class for a source and a note; letters tell them apart.
    assert all("cite" in m.get("class", []) for m in markers), [m.get("class") for m in markers]
    assert not paragraph.select("sup a em, sup a i")
    notes = prose.select_one(".footnotes ol")
    assert notes is not None and notes.get("type") == "a"


# --------------------------------------------------------------------------- details


def test_a_date_with_a_time_is_one_unbreakable_unit(tmp_path):
    site = write_site(tmp_path, {"content/incidents/fire.md": incident("Fire", "2023-03-27T01:50:00Z", 1)})
    build_ok(site)
    soup = page(site, "incidents/fire/")
    times = [t for t in soup.select("main time") if "T" in t["datetime"]]
    assert times
    for t in times:
        assert text(t) == "27 March 2023, 01:50 UTC"
        # No inner spans that let the line break between the date and the time.
        assert not t.find("span"), t
        assert "nowrap" not in (t.get("style") or "")  # the stylesheet does it (time { white-space: nowrap })


def test_every_time_shown_carries_its_zone(tmp_path):
    site = write_site(tmp_path, {
        "content/incidents/a.md": incident("A", "2023-03-27T21:30:00-06:00", 1),
        "content/incidents/b.md": incident("B", "2023-03-28T01:50:00Z", 1),
    })
    build_ok(site)
    for path in ("", "incidents/", "incidents/a/", "incidents/b/", "table/"):
        for t in page(site, path).select("main time"):
            if "T" in t["datetime"]:
                assert re.search(r"\d\d:\d\d (UTC|UTC[+-]\d\d:\d\d)$", text(t)), (path, text(t))


def test_feed_links_are_one_small_labelled_link(tmp_path):
    site = write_site(tmp_path, {"content/incidents/a.md": incident("A", "2023-03-27", 1,
                                                                    "tags: [fire]\n")})
    build_ok(site)
    for path in ("incidents/", "tags/fire/"):
        link = page(site, path).select_one("main .feed-link a")
        assert link is not None, path
        assert link["type"] == "application/atom+xml"
        assert "feed-icon" in " ".join(str(c) for c in link.find_all(True, class_=True)) or link.find("svg")
        assert text(link).startswith("Feed"), text(link)
