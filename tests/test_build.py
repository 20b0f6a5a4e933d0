"""The build as a whole: CLI, determinism, atomic output, overrides, install, preview, scaffold."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO, docket, page, snapshot, stray_build_folders, write_site
from preview import preview, wait_for
from tools import hatchling_build

INCIDENT = """---
title: Fire at the depot
date: 2023-03-27
summary: A fire.
tags: [fire]
location: {place: Ciudad Juárez, country: Mexico}
sources:
  - id: cctv
    title: Footage
    type: video
    url: https://example.org/v
---
The fire began at night [@cctv].
"""


def small_site(root: Path, **extra: str) -> Path:
    return write_site(root, {"content/incidents/fire.md": INCIDENT, **extra})


def copy_example(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for name in ("site.yaml", "content", "static"):
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copyfile)(src, dest / name)
    return dest


# -- command line -------------------------------------------------------------

@pytest.mark.parametrize("command", [[], ["build"], ["check"], ["serve"], ["new"]])
def test_every_command_has_help(command: list[str]) -> None:
    result = docket(*command, "--help")
    assert result.returncode == 0
    assert "usage: docket" in result.stdout


def test_folder_without_site_yaml_is_a_usage_error(tmp_path: Path) -> None:
    result = docket("build", tmp_path)
    assert result.returncode == 2
    assert "no site.yaml" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "output").exists()


def test_unknown_option_is_a_usage_error(tmp_path: Path) -> None:
    assert docket("build", "--frobnicate").returncode == 2


def test_build_defaults_to_site_dir_output(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    result = docket("build", cwd=site)
    assert result.returncode == 0, result.stderr
    assert (site / "output" / "incidents" / "fire" / "index.html").is_file()
    assert "built" in result.stdout


def test_check_validates_without_writing(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    result = docket("check", site)
    assert result.returncode == 0, result.stderr
    assert not (site / "output").exists()
    (site / "content/incidents/fire.md").write_text(INCIDENT.replace("[@cctv]", "[@nope]"), encoding="utf-8")
    result = docket("check", site)
    assert result.returncode == 1
    assert "content/incidents/fire.md:13: error: body: unknown source 'nope'" in result.stderr


def test_output_inside_content_is_refused(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    result = docket("build", site, "--output", site / "content")
    assert result.returncode == 2
    assert (site / "content/incidents/fire.md").is_file()


# -- determinism and atomic writing -------------------------------------------

def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert docket("build", REPO, "--output", a).returncode == 0
    assert docket("build", REPO, "--output", b).returncode == 0
    assert snapshot(a) == snapshot(b)


def test_failed_build_leaves_previous_output_whole(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    assert docket("build", site).returncode == 0
    before = snapshot(site / "output")
    (site / "content/incidents/fire.md").write_text(INCIDENT.replace("2023-03-27", "2023-13-45"), encoding="utf-8")
    result = docket("build", site)
    assert result.returncode == 1
    assert "content/incidents/fire.md:3: error: date: invalid date '2023-13-45'" in result.stderr
    assert snapshot(site / "output") == before
    assert stray_build_folders(site) == []  # no temp folders left (the spare edition is not one)


def test_no_stale_files_survive_a_rebuild(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    assert docket("build", site).returncode == 0
    (site / "output" / "stale.html").write_text("old", encoding="utf-8")
    (site / "content/incidents/fire.md").rename(site / "content/incidents/depot-fire.md")
    assert docket("build", site).returncode == 0
    assert not (site / "output" / "stale.html").exists()
    assert not (site / "output" / "incidents" / "fire").exists()
    assert (site / "output" / "incidents" / "depot-fire" / "index.html").is_file()


def test_static_files_are_copied(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    (site / "static" / "img").mkdir(parents=True)
    (site / "static" / "img" / "map.png").write_bytes(b"\x89PNG fake")
    assert docket("build", site).returncode == 0
    assert (site / "output" / "img" / "map.png").read_bytes() == b"\x89PNG fake"


# -- templates ------------------------------------------------------------------

def test_site_template_overrides_the_theme_file_by_file(tmp_path: Path) -> None:
    site = small_site(tmp_path, **{"templates/page.html": """
        {% extends "default/page.html" %}
        {% block content %}<h1>Custom: {{ page.title }}</h1>{{ body.html }}{% endblock %}
        """, "content/pages/about.md": "---\ntitle: About us\n---\nHello.\n",
        "templates/404.html": "<!doctype html><title>Lost</title><p id=lost>Nothing here</p>\n"})
    result = docket("build", site)
    assert result.returncode == 0, result.stderr
    about = page(site / "output", "about/")
    assert about.find("h1").get_text() == "Custom: About us"
    assert about.find("main").find("p").get_text() == "Hello."
    assert about.find("nav") is not None  # the layout around it still comes from the default theme
    lost = page(site / "output", "404.html")
    assert lost.find(id="lost").get_text() == "Nothing here"
    # Templates not overridden still render from the theme.
    assert page(site / "output", "incidents/fire/").find("h1").get_text(strip=True) == "Fire at the depot"


def test_broken_site_template_is_reported_with_file_and_line(tmp_path: Path) -> None:
    site = small_site(tmp_path, **{"templates/page.html": "<p>\n{{ page.title \n",
                                   "content/pages/about.md": "---\ntitle: About\n---\n"})
    result = docket("build", site)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    line = next(row for row in result.stderr.splitlines() if "page.html" in row)
    assert ": error: template error:" in line and "page.html:" in line


@pytest.mark.slow  # a wheel, a fresh venv and the locked dependencies installed into it
def test_non_editable_install_finds_the_default_theme(tmp_path: Path) -> None:
    """A wheel has no repository: the theme must travel inside the package.

    The wheel goes into a fresh venv of its own with the locked runtime
    dependencies (never --system-site-packages: inside a venv that exposes the
    base interpreter's packages, not the ones under test).
    """
    hatchling_build()  # `pip wheel --no-build-isolation` needs the backend installed: fail saying how
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(wheels), str(REPO)], check=True, capture_output=True, timeout=300)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    wheel = next(wheels.glob("docket-*.whl"))
    for args in (["--require-hashes", "-r", str(REPO / "requirements" / "run.txt")], ["--no-deps", str(wheel)]):
        subprocess.run([str(py), "-m", "pip", "install", "-q", *args], check=True, capture_output=True, timeout=600)
    site = copy_example(tmp_path / "site")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run([str(py), "-c", "import generator.theme as t; print(t.theme_dir())"],
                           cwd=site, capture_output=True, text=True, env=env, check=True)
    assert str(venv) in where.stdout, where.stdout  # the installed copy, not the checkout
    result = subprocess.run([str(venv / "bin" / "docket"), "build"], cwd=site, capture_output=True,
                            text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (site / "output" / "assets" / "docket.css").is_file()
    assert page(site / "output", "incidents/ciudad-juarez-detention-centre-fire/").find("h1")


# -- scaffold -------------------------------------------------------------------

def test_new_incident_scaffold_builds_as_a_draft(tmp_path: Path) -> None:
    site = small_site(tmp_path)
    result = docket("new", "incident", "Raid on the Tapachula shelter", "--site", site)
    assert result.returncode == 0, result.stderr
    created = site / "content/incidents/raid-on-the-tapachula-shelter.md"
    assert created.is_file()
    assert docket("build", site).returncode == 0
    assert not (site / "output/incidents/raid-on-the-tapachula-shelter").exists()  # a draft
    assert docket("build", site, "--drafts").returncode == 0
    built = page(site / "output", "incidents/raid-on-the-tapachula-shelter/")
    assert built.find("h1").get_text(strip=True) == "Raid on the Tapachula shelter"
    again = docket("new", "incident", "Raid on the Tapachula shelter", "--site", site)
    assert again.returncode == 2 and "already exists" in again.stderr


# -- preview server ---------------------------------------------------------------

def test_serve_rebuilds_on_change_and_keeps_last_good_site(tmp_path: Path) -> None:
    site = small_site(tmp_path / "site")
    with preview(site, log=tmp_path / "serve.log") as p:  # --port 0: the port is read from its output
        first = wait_for(lambda: p.fetch("incidents/fire/"))
        assert first and "Fire at the depot" in first, p.output()
        assert "livereload" in first  # the reload script is injected into served pages
        source = site / "content/incidents/fire.md"
        source.write_text(INCIDENT.replace("Fire at the depot", "Blaze at the depot"), encoding="utf-8")
        assert wait_for(lambda: "Blaze at the depot" in (p.fetch("incidents/fire/") or "")), p.output()
        source.write_text(INCIDENT.replace("Fire at the depot", "Broken").replace("2023-03-27", "2023-13-45"),
                          encoding="utf-8")
        assert wait_for(lambda: "invalid date" in p.output()), p.output()
        assert "Blaze at the depot" in (p.fetch("incidents/fire/") or "")  # still the last good site
        source.write_text(INCIDENT.replace("Fire at the depot", "Fixed at the depot"), encoding="utf-8")
        assert wait_for(lambda: "Fixed at the depot" in (p.fetch("incidents/fire/") or "")), p.output()


def test_python_error_inside_a_site_template_is_a_diagnostic(tmp_path: Path) -> None:
    site = small_site(tmp_path, **{"templates/page.html": "<p>\n{{ url(42) }}\n",
                                   "content/pages/about.md": "---\ntitle: About\n---\n"})
    result = docket("build", site, cwd=Path("/"))  # paths are shown relative to the site, not the cwd
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "templates/page.html:2: error: template error: TypeError" in result.stderr
    assert not (site / "output").exists()


def test_site_templates_assets_override_theme_assets(tmp_path: Path) -> None:
    site = small_site(tmp_path, **{"templates/assets/docket.css": "body { color: black }\n"})
    assert docket("build", site).returncode == 0
    assert (site / "output/assets/docket.css").read_text() == "body { color: black }\n"


def test_source_cited_only_in_the_body_links_back(tmp_path: Path) -> None:
    site = small_site(tmp_path, **{
        "content/sources/letter.md": "---\ntitle: Open letter\npublisher: Wire Service\n---\n",
        "content/incidents/raid.md": "---\ntitle: Raid\ndate: 2023-01-02\n---\nAs the letter said [@letter].\n",
    })
    assert docket("build", site).returncode == 0
    out = site / "output"
    from helpers import linked_paths
    assert "incidents/raid/" in linked_paths(page(out, "sources/letter/"), "sources/letter/")
    assert "incidents/raid/" in linked_paths(page(out, "publishers/wire-service/"), "publishers/wire-service/")


def test_source_defined_inside_a_draft_stays_hidden(tmp_path: Path) -> None:
    site = small_site(tmp_path, **{"content/incidents/secret.md": """
        ---
        title: Secret
        date: 2023-01-02
        draft: true
        entities: [informant]
        sources:
          - id: tip
            title: Anonymous tip
            publisher: Tipster Weekly
        ---
        Body.
        """})
    assert docket("build", site).returncode == 0
    out = site / "output"
    for hidden in ("sources/tip", "entities/informant", "publishers/tipster-weekly", "incidents/secret"):
        assert not (out / hidden).exists(), hidden
    assert docket("build", site, "--drafts").returncode == 0
    for shown in ("sources/tip", "entities/informant", "publishers/tipster-weekly", "incidents/secret"):
        assert (out / shown / "index.html").is_file(), shown


# -- links typed as site paths --------------------------------------------------------

def test_root_relative_links_are_made_relative_and_checked(tmp_path: Path) -> None:
    site = small_site(tmp_path, **{
        "content/pages/methodology.md": "---\ntitle: Methodology\n---\nHow we work.\n",
        "static/img/map.png": "png",
        "content/incidents/raid.md": """
            ---
            title: Raid
            date: 2023-01-02
            ---
            See [how we work](/methodology/#top) and [the fire](/incidents/fire/?from=raid).

            ![Map of the area](/img/map.png)
            """,
    })
    result = docket("build", site)
    assert result.returncode == 0, result.stderr
    soup = page(site / "output", "incidents/raid/")
    hrefs = [a["href"] for a in soup.find("main").select(".prose a")]
    assert "../../methodology/#top" in hrefs and "../fire/?from=raid" in hrefs
    assert soup.find("img", alt="Map of the area")["src"] == "../../img/map.png"


def test_root_relative_link_to_nowhere_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    site = small_site(tmp_path, **{
        "content/pages/methodology.md": "---\ntitle: Methodology\n---\nHow we work.\n",
        "content/incidents/raid.md": "---\ntitle: Raid\ndate: 2023-01-02\n---\nIntro.\n\nSee [how](/methodolgy/).\n",
    })
    result = docket("check", site)
    assert result.returncode == 1
    assert ("content/incidents/raid.md:7: error: body: link /methodolgy/ leads to no page of this site; "
            "did you mean '/methodology/'?") in result.stderr
    build = docket("build", site)
    assert build.returncode == 1 and not (site / "output").exists()


def test_page_relative_links_are_checked_like_root_relative_ones(tmp_path: Path) -> None:
    """A link written from the page ("../fire/") leads to the same page the site path would, or is an error."""
    site = small_site(tmp_path, **{
        "content/pages/methodology.md": "---\ntitle: Methodology\n---\nHow we work.\n",
        "content/incidents/raid.md": "---\ntitle: Raid\ndate: 2023-01-02\n---\n"
                                     "See [the fire](../fire/#top), [how](../../methodology/) and [home](../../).\n\n"
                                     "Also [a typo](../fier/) and [out](../../../elsewhere/).\n",
    })
    result = docket("check", site)
    assert result.returncode == 1
    assert ("content/incidents/raid.md:7: error: body: link ../fier/ leads to no page of this site; "
            "did you mean '/incidents/fire/'?") in result.stderr
    assert "content/incidents/raid.md:7: error: body: link ../../../elsewhere/ leads out of the site" in result.stderr
    assert "../fire/" not in result.stderr.replace("../fier/", "") and "methodology/ leads" not in result.stderr
    assert result.stderr.count("error:") == 2


def test_page_relative_links_that_lead_somewhere_build(tmp_path: Path) -> None:
    site = small_site(tmp_path, **{
        "content/incidents/raid.md": "---\ntitle: Raid\ndate: 2023-01-02\n---\n"
                                     "See [the fire](../fire/), [mail](mailto:a@example.org), [here](#x), [q](?a=1).\n",
    })
    result = docket("build", site)
    assert result.returncode == 0, result.stderr
    hrefs = [a["href"] for a in page(site / "output", "incidents/raid/").find("main").select(".prose a")]
    assert "../fire/" in hrefs
