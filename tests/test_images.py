"""Images: an incident's picture (shown with its caption and credit, and shared), and every local image checked.

An image an item names, in front matter or in its body, in whatever form its path is written
(root-relative, page-relative), must be a file of the site: a missing one fails the build with
the file, line and field that name it.
"""

from __future__ import annotations

from pathlib import Path

from helpers import build_fails, build_ok, expect_each, line_of, page, write_site

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d1a0b50000000049454e44ae426082")

WITH_IMAGE = {
    "static/img/fire.png": PNG,
    "content/incidents/fire.md": """
        ---
        title: Fire at the depot
        date: 2023-03-27
        image:
          src: /img/fire.png
          alt: Smoke above the depot's roof at dawn.
          caption: The depot on the morning after the fire.
          credit: Photo by Ana Ruiz / The Monitor
        ---
        The fire began at night.
        """,
    "content/incidents/flood.md": """
        ---
        title: Flood in the valley
        date: 2023-04-02
        image: img/fire.png
        image_credit: Archive
        ---
        Body, with the same picture written from the page: ![The valley](../../img/fire.png)
        """,
}


def test_an_incidents_image_is_shown_with_caption_and_credit_and_is_its_share_image(tmp_path: Path) -> None:
    site = write_site(tmp_path, WITH_IMAGE, site_yaml="title: Monitor\nbase_url: https://example.org/m/\n")
    build_ok(site)
    soup = page(site, "incidents/fire/")
    figure = soup.select_one("figure.item-image")
    img = figure.find("img")
    assert img["src"] == "../../img/fire.png" and img["alt"] == "Smoke above the depot's roof at dawn."
    caption = figure.find("figcaption")
    assert caption.get_text(" ", strip=True) == ("The depot on the morning after the fire. "
                                                 "Photo by Ana Ruiz / The Monitor")
    assert caption.select_one(".credit").get_text(strip=True) == "Photo by Ana Ruiz / The Monitor"
    meta = {m["property"]: m["content"] for m in soup.head.find_all("meta", property=True)}
    assert meta["og:image"] == "https://example.org/m/img/fire.png"
    assert meta["og:image:alt"] == "Smoke above the depot's roof at dawn."
    assert "og:image:type" not in meta  # not the generated SVG card
    assert soup.head.find("meta", attrs={"name": "twitter:card"})["content"] == "summary_large_image"
    # Without alt, the existing policy: the title stands for it, as for a report's image.
    flood = page(site, "incidents/flood/")
    assert flood.select_one("figure.item-image img")["alt"] == "Flood in the valley"
    assert flood.select_one("figure.item-image figcaption").get_text(strip=True) == "Archive"
    # An incident without an image keeps its generated share card.
    site2 = write_site(tmp_path / "plain", {"content/incidents/fire.md": "---\ntitle: F\ndate: 2023-03-27\n---\nB.\n"})
    build_ok(site2)
    plain = page(site2, "incidents/fire/")
    assert plain.select_one("figure.item-image") is None
    assert plain.head.find("meta", property="og:image")["content"].endswith("/incidents/fire/card.svg")


MISSING = {
    "static/img/there.png": PNG,
    "content/incidents/fire.md": """
        ---
        title: Fire at the depot
        date: 2023-03-27
        image: /img/gone.png
        ---
        Root-relative: ![a](/img/nope.png)

        Page-relative, found: ![b](../../img/there.png)

        Page-relative, missing: ![c](../../img/lost.png)
        """,
    "content/incidents/flood.md": """
        ---
        title: Flood
        date: 2023-03-27
        image:
          alt: No file named.
          src: img/missing.png
        ---
        Body.
        """,
    "content/reports/review.md": """
        ---
        title: The year in review
        date: 2023-12-01
        image: /img/cover.jpg
        image_alt: A cover.
        ---
        Body: ![d](img/also-missing.png)
        """,
}


def test_every_local_image_an_item_names_must_exist_whatever_form_its_path_takes(tmp_path: Path) -> None:
    site = write_site(tmp_path, MISSING)
    run = build_fails(site)
    fire, flood, review = (MISSING[f"content/{p}"] for p in ("incidents/fire.md", "incidents/flood.md",
                                                              "reports/review.md"))
    expect_each(run, [
        ("content/incidents/fire.md", line_of(fire, "image:"), "image", "/img/gone.png", "static/img/gone.png"),
        ("content/incidents/fire.md", line_of(fire, "nope.png"), "body", "/img/nope.png"),
        ("content/incidents/fire.md", line_of(fire, "lost.png"), "body", "../../img/lost.png", "img/lost.png"),
        ("content/incidents/flood.md", line_of(flood, "src:"), "image.src", "img/missing.png"),
        ("content/reports/review.md", line_of(review, "image:"), "image", "/img/cover.jpg"),
        ("content/reports/review.md", line_of(review, "also-missing"), "body", "img/also-missing.png"),
    ])
