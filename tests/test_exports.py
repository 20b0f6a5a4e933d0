"""Data for researchers (JSON, CSV) and the Atom feed, read back with real parsers."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from helpers import docket, page, write_site

ATOM = "{http://www.w3.org/2005/Atom}"
FIRE = "ciudad-juarez-detention-centre-fire"


def read_csv(path: Path) -> list[dict[str, str]]:
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheet programs need the BOM to read UTF-8
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_incidents_json_has_every_published_incident_with_stable_ids(example_output: Path) -> None:
    data = json.loads((example_output / "data/incidents.json").read_text(encoding="utf-8"))
    built = sorted(p.parent.name for p in (example_output / "incidents").glob("*/index.html")
                   if p.parent.name != "page")
    assert sorted(r["id"] for r in data["incidents"]) == built
    assert data["count"] == len(built)
    fire = next(r for r in data["incidents"] if r["id"] == FIRE)
    assert fire["url"] == f"https://example.org/docket/incidents/{FIRE}/"
    assert fire["figures"] == {"killed": 38, "injured": 28, "detained": 67}
    assert fire["date"] == "2023-03-27" and fire["country"] == "Mexico" and fire["lat"] == 31.69
    assert fire["sources"][0] == "univision-cctv"  # citation order, as numbered on the page
    claim = next(c for c in fire["claims"] if c["by"] == "andres-manuel-lopez-obrador")
    assert claim["status"] == "disputed" and "amlo-press-briefing" in claim["sources"]
    assert "deaths-in-migrant-detention" in fire["reports"]
    assert not any("nogales" in r["id"] or "reynosa" in r["id"] for r in data["incidents"])


def test_incidents_csv_matches_the_json(example_output: Path) -> None:
    rows = read_csv(example_output / "data/incidents.csv")
    data = json.loads((example_output / "data/incidents.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in rows] == [r["id"] for r in data["incidents"]]
    fire = next(r for r in rows if r["id"] == FIRE)
    assert fire["figures.killed"] == "38" and fire["figures.injured"] == "28"
    assert fire["tags"].split("; ") == ["migration", "detention", "law-enforcement", "fire"]
    assert fire["place"] == "Ciudad Juárez"


def test_sources_entities_and_claims_exports_link_back(example_output: Path) -> None:
    sources = json.loads((example_output / "data/sources.json").read_text(encoding="utf-8"))["sources"]
    letter = next(s for s in sources if s["id"] == "ap-open-letter")
    assert FIRE in letter["cited_by"] and letter["publisher"] == "Associated Press"
    for source in sources:  # every exported source has a page, and only those
        assert (example_output / "sources" / source["id"] / "index.html").is_file()
    entities = read_csv(example_output / "data/entities.csv")
    amlo = next(e for e in entities if e["id"] == "andres-manuel-lopez-obrador")
    assert FIRE in amlo["incidents"].split("; ")
    claims = read_csv(example_output / "data/claims.csv")
    assert any(c["incident"] == FIRE and c["by"] == "andres-manuel-lopez-obrador" for c in claims)


def test_csv_cells_cannot_run_as_spreadsheet_formulas(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"content/incidents/x.md": """
        ---
        title: "=HYPERLINK(\\"https://evil.example\\",\\"click\\")"
        date: 2023-01-01
        summary: "@SUM(1+1)"
        ---
        Body.
        """})
    assert docket("build", site).returncode == 0
    row = read_csv(site / "output/data/incidents.csv")[0]
    assert row["title"].startswith("'=HYPERLINK") and row["summary"] == "'@SUM(1+1)"
    data = json.loads((site / "output/data/incidents.json").read_text(encoding="utf-8"))
    assert data["incidents"][0]["title"].startswith("=HYPERLINK")  # JSON keeps the text as written


def test_atom_feed_is_well_formed_and_links_to_built_pages(example_output: Path) -> None:
    feed = ET.parse(example_output / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    dates = [e.find(f"{ATOM}published").text for e in entries]
    assert dates == sorted(dates, reverse=True)
    for entry in entries:
        link = entry.find(f"{ATOM}link").get("href")
        assert entry.find(f"{ATOM}id").text == link
        rel = link.removeprefix("https://example.org/docket/")
        assert (example_output / rel / "index.html").is_file(), link
    soup = page(example_output, "")
    assert soup.find("link", rel="alternate", type="application/atom+xml")["href"] == "feed.xml"


def test_data_page_links_to_every_file(example_output: Path) -> None:
    soup = page(example_output, "data/")
    hrefs = {a["href"] for a in soup.find("main").find_all("a", href=True)}
    for name in ("incidents.json", "incidents.csv", "sources.json", "sources.csv", "entities.json",
                 "entities.csv", "claims.csv"):
        assert name in hrefs and (example_output / "data" / name).is_file()
