"""Symbolic links that stay inside the site folder but lead where nothing may be published from.

``static/`` (and a site's ``templates/``, whose ``assets/`` are copied as they
are) is published byte for byte, so a link there that leads into
``content/`` publishes a draft or an embargoed incident raw, one into
``.docket-cache/`` publishes the cache, and one into an output folder copies
the previous edition into every new one. Such links are refused by ``check``
and ``build`` alike (exit 1, output untouched), naming the link, where it
leads and what to do; links from ``static/`` to ``static/`` keep working.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import INCIDENT, build_fails, build_ok, docket, expect, page, snapshot, write_site

SECRET = "EMBARGOED-MARKER"
EMBARGOED = f"""
    ---
    title: The leak
    date: 2023-03-27
    publish_after: 2099-01-01
    ---
    {SECRET}
    """


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = (tmp_path / "site").resolve()
    return write_site(root, {
        "content/incidents/fire.md": INCIDENT,
        "content/incidents/leak.md": EMBARGOED,
        ".docket-cache/session.pickle": b"CACHE-MARKER",
        ".docket-cache/site.json": json.dumps({"site": str(root)}),  # this site's own cache
    })


def link(path: Path, target: str | Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, path)


def refused_by_check_and_build(site: Path, rel: str, *phrases: str) -> None:
    for command in ("check", "build"):
        run = build_fails(site, command=command)
        expect(run, rel, 0, "", "symbolic link", *phrases)
        for name, data in snapshot(site / "output").items():
            assert SECRET.encode() not in data, f"{name} holds the embargoed file"


@pytest.mark.parametrize("rel, target, phrases", [
    ("static/e.txt", "../content/incidents/leak.md", ("content/incidents/leak.md", "content/", "draft")),
    ("static/deep/er/e.txt", "../../../content/incidents/leak.md", ("content/incidents/leak.md",)),
    ("static/incidents", "../content/incidents", ("content/incidents", "content/")),
    ("static/cache", "../.docket-cache", (".docket-cache", "build cache")),
    ("static/cache.bin", "../.docket-cache/session.pickle", (".docket-cache/session.pickle", "build cache")),
    ("static/outp", "../output", ("output", "output folder", "previous")),
    ("static/old.html", "../output/index.html", ("output/index.html", "output folder")),
    ("static/media", "../media", ("media", "outside static/", "copy")),
    ("templates/assets/e.css", "../../content/incidents/leak.md", ("content/incidents/leak.md",)),
    ("templates/page.html", "../content/incidents/leak.md", ("content/incidents/leak.md",)),
    ("templates/assets/old", "../../output", ("output folder",)),
])
def test_a_link_from_a_copied_folder_to_elsewhere_in_the_site_is_refused(
        site: Path, rel: str, target: str, phrases: tuple[str, ...]) -> None:
    (site / "media").mkdir(exist_ok=True)
    link(site / rel, target)
    refused_by_check_and_build(site, rel, *phrases)


def test_a_chain_of_links_is_judged_by_where_it_ends(site: Path) -> None:
    link(site / "media/chain.txt", "../content/incidents/leak.md")
    link(site / "static/chain.txt", "../media/chain.txt")
    refused_by_check_and_build(site, "static/chain.txt", "content/incidents/leak.md")


@pytest.mark.parametrize("folder", ["static", "templates"])
def test_the_folder_itself_may_not_be_a_link_into_content(site: Path, folder: str) -> None:
    link(site / folder, "content/incidents")
    refused_by_check_and_build(site, folder, "content/incidents")


def test_a_content_link_into_an_output_folder_or_the_cache_is_refused(site: Path) -> None:
    link(site / "content/pages/old", "../../output")
    link(site / "content/pages/cache", "../../.docket-cache")
    for command in ("check", "build"):
        run = build_fails(site, command=command)
        expect(run, "content/pages/old", 0, "", "output folder")
        expect(run, "content/pages/cache", 0, "", "build cache")


def test_the_output_does_not_grow_by_nesting_earlier_editions(site: Path) -> None:
    build_ok(site)
    link(site / "static/outp", "../output")
    run = docket("build", site)
    assert run.returncode == 1, run.describe()
    assert not (site / "output/outp").exists()


def test_links_inside_static_keep_working(site: Path) -> None:
    write_site(site, {
        "static/img/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>\n",
        "templates/shared/page.html": '{% extends "default/page.html" %}{% block content %}<h1>Linked</h1>'
                                      "{% endblock %}\n",
        "content/pages/about.md": "---\ntitle: About\n---\nHello.\n",
    })
    link(site / "static/logo.svg", "img/logo.svg")
    link(site / "static/pictures", "img")  # a folder
    link(site / "static/deep/a.svg", "../b.svg")  # a chain that stays inside
    link(site / "static/b.svg", site / "static/img/logo.svg")  # absolute, still inside
    link(site / "templates/page.html", "shared/page.html")
    assert docket("check", site).returncode == 0
    build_ok(site)
    out = site / "output"
    logo = (site / "static/img/logo.svg").read_bytes()
    for rel in ("logo.svg", "pictures/logo.svg", "deep/a.svg", "b.svg"):
        assert (out / rel).read_bytes() == logo, rel
        assert not (out / rel).is_symlink()
    assert page(site, "about/").find("h1").get_text() == "Linked"
