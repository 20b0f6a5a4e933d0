"""What pages say to machines: JSON-LD (schema.org), Open Graph tags, share cards, "Cite this".

Every ``application/ld+json`` script of the example site must parse and carry the right types
with their required properties; the values are checked against the front matter of a small site
written here; a title made to close the script cannot; the share card is a well-formed SVG; the
BibTeX is balanced and the CSL-JSON parses with the incident's id, date and permanent URL.
"""

from __future__ import annotations

import json
from pathlib import Path

from helpers import build_ok, page, write_site
from lxml import etree

REQUIRED = {
    "Event": {"name", "startDate", "url", "identifier"},
    "ClaimReview": {"claimReviewed", "reviewRating", "author", "url", "itemReviewed", "datePublished"},
    "NewsArticle": {"headline", "author", "datePublished", "dateModified", "publisher", "url"},
    "Organization": {"name", "url"},
    "Person": {"name", "url"},
    "Place": {"name", "url"},
    "Dataset": {"name", "description", "url", "distribution"},
    "WebPage": {"name", "url", "about"},
}


def documents(soup) -> list[dict]:
    out = []
    for script in soup.find_all("script", type="application/ld+json"):
        data = json.loads(script.string)
        out += data if isinstance(data, list) else [data]
    return out


def by_type(soup, kind: str) -> list[dict]:
    return [d for d in documents(soup) if d.get("@type") == kind]


def test_every_json_ld_script_of_the_example_site_parses_with_its_required_properties(example_output: Path):
    seen: dict[str, int] = {}
    for html in sorted(example_output.rglob("*.html")):
        soup = page(example_output, html.relative_to(example_output).as_posix())
        for doc in documents(soup):
            assert doc["@context"] == "https://schema.org", html
            kind = doc["@type"]
            seen[kind] = seen.get(kind, 0) + 1
            missing = REQUIRED.get(kind, {"name"}) - set(doc)
            assert not missing, f"{html}: {kind} lacks {missing}"
            for key in ("url", "@id"):
                if key in doc:
                    assert doc[key].startswith("https://example.org/docket/"), (html, doc[key])
    assert {"Event", "ClaimReview", "NewsArticle", "Organization", "Person", "Place", "WebPage"} <= set(seen), seen
    incidents = len(list((example_output / "incidents").glob("*/index.html")))
    assert seen["Event"] == incidents


SITE = "title: Monitor\nbase_url: https://example.org/m/\norg: The Monitor\nauthor: Desk\n"
FIRE = """
---
title: Fire at the depot
date: 2023-03-27T21:30:00-06:00
published: 2023-03-28
summary: A fire.
authors: [Ana Ruiz, Ben Ode]
location:
  place: Ciudad Juárez
  region: Chihuahua
  country: Mexico
  lat: 31.69
  lon: -106.42
figures:
  killed: 40
  injured: 27
entities: [inm, amlo]
sources:
  - id: letter
    title: An open letter
    publisher: AP
    url: https://apnews.example/letter
    published: 2023-03-28
claims:
  - text: The migrants started the fire.
    by: amlo
    date: 2023-03-28
    status: false
    sources: [letter]
  - text: Guards left the cell locked.
    status: supported
    sources: [letter]
  - text: Nobody knew.
updates:
  - date: 2023-03-30
    type: correction
    note: The toll is 40.
    figures: [killed]
---
The fire began at night [@letter].
"""
ENTITIES = {
    "content/entities/inm.md": "---\nname: National Institute of Migration\nkind: organisation\ncountry: Mexico\n---\n",
    "content/entities/amlo.md": "---\nname: Andrés Manuel López Obrador\nkind: person\n---\n",
}
REPORT = """
---
title: Deaths in detention
date: 2023-04-02
authors: [Ana Ruiz]
summary: What the records show.
incidents: [fire]
updates:
  - date: 2023-04-05
    type: correction
    note: A date was wrong.
---
Body [@letter].
"""


def fire_site(tmp_path: Path, **files: str) -> Path:
    site = write_site(tmp_path / "site", {"content/incidents/fire.md": FIRE, "content/reports/deaths.md": REPORT,
                                          **ENTITIES, **files}, site_yaml=SITE)
    build_ok(site)
    return site


def test_incident_event_and_claim_reviews_carry_the_front_matter(tmp_path: Path) -> None:
    soup = page(fire_site(tmp_path), "incidents/fire/")
    (event,) = by_type(soup, "Event")
    assert event["name"] == "Fire at the depot" and event["startDate"] == "2023-03-27T21:30:00-06:00"
    assert event["identifier"] == "fire" and event["url"] == "https://example.org/m/incidents/fire/"
    assert event["location"]["geo"] == {"@type": "GeoCoordinates", "latitude": 31.69, "longitude": -106.42}
    assert event["location"]["address"]["addressCountry"] == "Mexico"
    assert {(a["@type"], a["name"]) for a in event["about"]} == {
        ("Organization", "National Institute of Migration"), ("Person", "Andrés Manuel López Obrador")}
    reviews = by_type(soup, "ClaimReview")
    assert [r["claimReviewed"] for r in reviews] == [
        "The migrants started the fire.", "Guards left the cell locked.", "Nobody knew."]
    false, supported, unverified = (r["reviewRating"] for r in reviews)
    assert (false["ratingValue"], false["alternateName"]) == (1, "False")
    assert (false["worstRating"], false["bestRating"]) == (1, 5)
    assert supported["ratingValue"] == 5
    assert "ratingValue" not in unverified and unverified["alternateName"] == "Unverified"
    claimant = reviews[0]["itemReviewed"]["author"]
    assert (claimant["@type"], claimant["name"]) == ("Person", "Andrés Manuel López Obrador")
    assert reviews[0]["citation"][0]["url"] == "https://apnews.example/letter"
    assert reviews[0]["author"]["name"] == "The Monitor"
    assert reviews[0]["datePublished"] == "2023-03-30"  # the incident's latest change
    for n, review in enumerate(reviews, 1):  # each review's URL is its claim on the page
        assert review["url"] == f"https://example.org/m/incidents/fire/#claim_{n}"
        assert soup.find(id=f"claim_{n}") is not None


def test_report_is_a_news_article_with_its_corrections(tmp_path: Path) -> None:
    soup = page(fire_site(tmp_path), "reports/deaths/")
    (article,) = by_type(soup, "NewsArticle")
    assert article["headline"] == "Deaths in detention"
    assert article["author"] == [{"@type": "Person", "name": "Ana Ruiz"}]
    assert (article["datePublished"], article["dateModified"]) == ("2023-04-02", "2023-04-05")
    assert article["correction"] == [{"@type": "CorrectionComment", "text": "A date was wrong.",
                                      "datePublished": "2023-04-05"}]
    assert article["about"][0]["@id"] == "https://example.org/m/incidents/fire/"


def test_entities_are_organisations_people_and_places(tmp_path: Path) -> None:
    site = fire_site(tmp_path)
    (org,) = by_type(page(site, "entities/inm/"), "Organization")
    assert org["name"] == "National Institute of Migration" and org["identifier"] == "inm"
    (person,) = by_type(page(site, "entities/amlo/"), "Person")
    assert person["url"] == "https://example.org/m/entities/amlo/"


def test_a_title_cannot_close_the_script_it_is_in(tmp_path: Path) -> None:
    title = "</script><script>alert(1)</script> & <!-- more"
    site = write_site(tmp_path / "site", {
        "content/incidents/x.md": f"---\ntitle: '{title}'\ndate: 2023-01-01\n---\nText.\n"}, site_yaml=SITE)
    build_ok(site)
    soup = page(site, "incidents/x/")
    scripts = soup.find_all("script")
    assert [s.get("type") for s in scripts] == ["application/ld+json"]
    assert by_type(soup, "Event")[0]["name"] == title


def test_open_graph_tags_and_the_share_card(tmp_path: Path) -> None:
    site = fire_site(tmp_path)
    soup = page(site, "incidents/fire/")
    og = {m["property"]: m["content"] for m in soup.head.find_all("meta", property=True)}
    assert og["og:title"] == "Fire at the depot" and og["og:type"] == "article"
    assert og["og:url"] == "https://example.org/m/incidents/fire/"
    assert og["og:description"] == "A fire."
    assert og["og:image"] == "https://example.org/m/incidents/fire/card.svg"
    assert og["article:modified_time"] == "2023-03-30"
    assert soup.head.find("meta", attrs={"name": "twitter:card"})["content"] == "summary_large_image"
    card = etree.fromstring((site / "output/incidents/fire/card.svg").read_bytes(),
                            etree.XMLParser(recover=False, no_network=True))
    assert card.tag == "{http://www.w3.org/2000/svg}svg" and card.get("viewBox") == "0 0 1200 630"
    texts = [t.text for t in card.iter("{http://www.w3.org/2000/svg}text")]
    assert "Fire at the depot" in texts and "40" in texts and "Killed" in texts
    assert any("Ciudad Juárez, Mexico" in t for t in texts)
    home = {m["property"]: m["content"] for m in page(site, "").head.find_all("meta", property=True)}
    assert home["og:type"] == "website" and "og:image" not in home


def test_cite_this_gives_text_bibtex_and_csl_json(tmp_path: Path) -> None:
    soup = page(fire_site(tmp_path), "incidents/fire/")
    cite = soup.find("section", id="cite_this")
    facts = {dt.get_text(strip=True): dd.get_text(strip=True) for dt, dd in
             zip(cite.find_all("dt"), cite.find_all("dd"), strict=True)}
    assert facts == {"Permanent link": "https://example.org/m/incidents/fire/", "Record id": "fire",
                     "Last updated": "30 March 2023"}
    text = cite.find("p", class_="cite-text").get_text()
    # The record's publication date (published:), not the event's.
    assert text.startswith("Ana Ruiz & Ben Ode. (2023, March 28). Fire at the depot [Incident record fire]. Monitor.")
    assert text.endswith("https://example.org/m/incidents/fire/")
    bibtex, csl = (pre.get_text() for pre in cite.find_all("pre"))
    assert bibtex.startswith("@misc{fire,") and bibtex.count("{") == bibtex.count("}")
    assert "author = {{Ana Ruiz} and {Ben Ode}}" in bibtex and "year = {2023}" in bibtex and "month = mar" in bibtex
    (entry,) = json.loads(csl)
    assert entry["id"] == "fire" and entry["URL"] == "https://example.org/m/incidents/fire/"
    assert entry["issued"] == {"date-parts": [[2023, 3, 28]]}
    assert entry["author"] == [{"literal": "Ana Ruiz"}, {"literal": "Ben Ode"}]
    # The byline and the dates under the title.
    byline = soup.find("p", class_="byline")
    assert byline.get_text(" ", strip=True).startswith("By Ana Ruiz, Ben Ode")
    assert [t["datetime"] for t in byline.find_all("time")] == ["2023-03-28", "2023-03-30"]


def test_a_source_cites_itself_with_its_date_or_as_undated(tmp_path: Path) -> None:
    undated = "---\ntitle: Guard rota\npublisher: Leaked\nurl: https://docs.example/rota\n---\nA rota.\n"
    site = fire_site(tmp_path, **{"content/sources/rota.md": undated})
    dated = page(site, "sources/letter/").find("section", id="cite_this")
    assert dated.find("p", class_="cite-text").get_text().startswith(
        "AP. (2023, March 28). An open letter [Source record letter]. Monitor.")
    cite = page(site, "sources/rota/").find("section", id="cite_this")
    # No published or accessed date: cited as "n.d." (APA's form), not left without a citation.
    text = cite.find("p", class_="cite-text").get_text()
    assert text == "Leaked. (n.d.). Guard rota [Source record rota]. Monitor. https://docs.example/rota"
    assert [dt.get_text(strip=True) for dt in cite.find_all("dt")] == ["Permanent link", "Record id"]
    bibtex, csl = (pre.get_text() for pre in cite.find_all("pre"))
    assert bibtex.startswith("@misc{rota,") and "year =" not in bibtex and "month =" not in bibtex
    assert "note = {Source record rota}" in bibtex and bibtex.count("{") == bibtex.count("}")
    (entry,) = json.loads(csl)
    assert "issued" not in entry and entry["note"] == "Source record rota"
    assert entry["author"] == [{"literal": "Leaked"}] and entry["URL"] == "https://docs.example/rota"


def test_bibtex_escapes_what_latex_would_read(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {"content/incidents/x.md":
                                          "---\ntitle: '50% & rising_fast {now} #1'\ndate: 2023-01-01\n---\nText.\n"},
                      site_yaml=SITE)
    build_ok(site)
    bibtex = page(site, "incidents/x/").find("section", id="cite_this").find("pre").get_text()
    assert r"title = {{50\% \& rising\_fast \{now\} \#1}}" in bibtex
    assert "author = {{Desk}}" in bibtex  # no authors: the site's author
