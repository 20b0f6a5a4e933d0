"""Raw HTML (``allow_html: true``) keeps none of the theme's names and leaves by no other road (issue 17).

A writer's ``<a id="main" class="banner draft-banner" href="//evil.example/">`` kept its id (a
second ``#main`` on the page), the theme's classes (it could pass for the draft banner) and a
protocol-relative link to another host. Ids and classes written in raw HTML now get the prefix
``user-content-``, Docket's own (headings, citations, notes) are untouched, and a raw-HTML link or
image outside the URL policy loses its URL with a warning on its line.
"""

from __future__ import annotations

from helpers import build_ok, expect, main_content, page, write_site

FIRE = "content/incidents/fire.md"
HTML_SITE = "title: T\nbase_url: https://example.org/\nallow_html: true\n"
BODY = """\
---
title: Fire
date: 2023-03-27
sources:
  - id: report
    title: A report
    url: https://news.example/report
---
Intro [@report] with a note.[^a]

## User content main

<a id="main" class="banner draft-banner" href="https://other.example/">imitation</a>

<div class="prose footnotes"><span id="notes">fake notes</span></div>

[^a]: The note.
"""


def test_raw_html_ids_and_classes_get_a_prefix_and_docket_markup_keeps_its_own(tmp_path) -> None:
    site = write_site(tmp_path, {FIRE: BODY}, site_yaml=HTML_SITE)
    build_ok(site)
    soup = page(site, "incidents/fire/")
    assert len(soup.find_all(id="main")) == 1 and soup.find(id="main").name != "a"
    raw = soup.find("a", string="imitation")
    assert raw["id"] == "user-content-main"
    assert raw["class"] == ["user-content-banner", "user-content-draft-banner"]
    assert not soup.find_all(class_="draft-banner")
    fake = soup.find("span", string="fake notes")
    assert fake["id"] == "user-content-notes"
    assert fake.parent["class"] == ["user-content-prose", "user-content-footnotes"]
    assert len(soup.find_all(id="notes")) == 1  # Docket's own notes heading
    main = main_content(soup)
    assert main.find("section", class_="footnotes") is not None
    assert main.find("sup", class_="cite") is not None
    assert main.find("h2", id="h-user-content-main") is not None  # a heading never takes the raw prefix


def test_a_protocol_relative_link_in_raw_html_loses_its_url_with_a_warning(tmp_path) -> None:
    body = ("---\ntitle: Fire\ndate: 2023-03-27\n---\nIntro.\n\n"
            '<p>See <a href="//evil.example/">this</a> and <img src="//evil.example/x.png" alt="x"></p>\n\n'
            'Inline <a href="https://ok.example/">fine</a> and <a href="javascript:alert(1)">js</a>.\n')
    site = write_site(tmp_path, {FIRE: body}, site_yaml=HTML_SITE)
    run = build_ok(site)
    expect(run, FIRE, 7, "body", "//evil.example/", "protocol-relative", severity="warning")
    expect(run, FIRE, 7, "body", "//evil.example/x.png", severity="warning")
    expect(run, FIRE, 9, "body", "javascript:alert(1)", "scheme javascript", severity="warning")
    main = main_content(page(site, "incidents/fire/"))
    assert not [t for t in main.find_all(True) if (t.get("href") or t.get("src") or "").startswith("//")]
    assert main.find("a", string="fine")["href"] == "https://ok.example/"
    assert main.find("a", string="this") is not None  # the text stays
    assert not main.find("a", string="js").get("href")
