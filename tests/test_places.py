"""Place pages: their URLs depend on the place and its country alone, so they never move.

A published place URL is linked from elsewhere; adding an incident somewhere
else, even at a place of the same name, must not rename it.
"""

from __future__ import annotations

from pathlib import Path

from helpers import build_ok, main_content, page, resolve_href, write_site


def incident_md(title: str, date: str, location: str) -> str:
    return f"---\ntitle: {title}\ndate: {date}\nlocation: {location}\n---\nBody.\n"


def place_link(site: Path, slug: str) -> str:
    """The site path of the place page an incident page links to."""
    hrefs = {a["href"] for a in main_content(page(site, f"incidents/{slug}/")).find_all("a", href=True)
             if "places/" in a["href"]}
    assert len(hrefs) == 1, hrefs
    target = resolve_href(site, f"incidents/{slug}/", hrefs.pop())
    assert target.is_file(), target
    return target.relative_to((site / "output").resolve()).parent.as_posix() + "/"


def incidents_listed(site: Path, place_path: str) -> set[str]:
    out = set()
    for a in main_content(page(site, place_path)).find_all("a", href=True):
        target = resolve_href(site, place_path, a["href"])
        if target.parent.parent.name == "incidents":
            out.add(target.parent.name)
    return out


def test_a_place_url_does_not_change_when_the_same_name_is_used_in_another_country(tmp_path):
    site = write_site(tmp_path, {
        "content/incidents/raid.md": incident_md("Raid", "2023-02-10", "{place: San Juan, country: Mexico}"),
    })
    build_ok(site)
    before = place_link(site, "raid")
    assert before == "places/san-juan-mexico/"

    write_site(tmp_path, {
        "content/incidents/crossing.md": incident_md("Crossing", "2022-11-05", "{place: San Juan, country: Argentina}"),
        "content/incidents/camp.md": incident_md("Camp", "2023-03-01", "{place: San Juan}"),
    })
    build_ok(site)
    assert place_link(site, "raid") == before
    assert place_link(site, "crossing") == "places/san-juan-argentina/"
    assert place_link(site, "camp") == "places/san-juan/"  # no country: the name alone
    assert incidents_listed(site, before) == {"raid"}
    assert incidents_listed(site, "places/san-juan-argentina/") == {"crossing"}
    assert incidents_listed(site, "places/san-juan/") == {"camp"}
    for path in (before, "places/san-juan-argentina/", "places/san-juan/"):
        assert "San Juan" in main_content(page(site, path)).find("h1").get_text()
