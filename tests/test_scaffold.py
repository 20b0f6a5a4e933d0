"""``docket new site`` and ``docket new KIND``: the sample site, archetypes, --slug, and SITE_DIR/--site."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from helpers import INCIDENT, REPO, assert_no_traceback, docket, page, resolve_href, write_site
from tools import hatchling_build

from generator import cli
from generator.config import CONFIG_KEYS
from generator.scaffold import placeholder_texts
from generator.validate import ENTITY_KEYS, INCIDENT_KEYS, PAGE_KEYS, REPORT_KEYS, SOURCE_KEYS

ARCHETYPES = REPO / "generator" / "scaffold" / "archetypes"
SAMPLE = REPO / "generator" / "scaffold" / "sample"


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """``generator.cli.main`` in this process: (exit status, stdout, stderr)."""
    code = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), text
    return yaml.safe_load(text[4:].split("\n---\n", 1)[0])


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("docket: error: "), err
    assert "Traceback" not in err
    return lines[0]


def small_site(root: Path, **extra: str) -> Path:
    return write_site(root, {"content/incidents/fire.md": INCIDENT, **extra})


# -- docket new site ------------------------------------------------------------------

def test_new_site_builds_at_once_and_its_incident_links_its_source(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "new", "site", "my-site")
    assert code == 0, err
    assert "docket serve my-site" in out and "docket build my-site" in out
    site = tmp_path / "my-site"

    code, out, err = run(capsys, "build", "my-site")
    assert code == 0, err
    assert err == "", err  # no errors, no warnings
    incident = page(site, "incidents/sample-incident/")
    assert "Sample incident" in incident.find("h1").get_text()
    hrefs = [a["href"] for a in incident.find("main").find_all("a", href=True)]
    targets = {resolve_href(site, "incidents/sample-incident/", h) for h in hrefs}
    assert (site / "output/sources/sample-source/index.html").resolve() in targets
    assert (site / "output/entities/sample-organisation/index.html").resolve() in targets
    assert page(site, "about/").find("h1").get_text(strip=True) == "About this site"

    code, out, err = run(capsys, "check", "my-site")
    assert code == 0, err
    assert not [line for line in err.splitlines() if ": error: " in line], err


def test_new_site_then_build_as_a_writer_runs_them(tmp_path) -> None:
    made = docket("new", "site", "fresh", cwd=tmp_path)
    assert made.returncode == 0, made.describe()
    built = docket("build", "fresh", cwd=tmp_path)
    assert built.returncode == 0, built.describe()
    assert_no_traceback(built)
    assert not re.search(r": (error|warning): ", built.stderr), built.describe()
    assert (tmp_path / "fresh/output/incidents/sample-incident/index.html").is_file()


def test_new_site_lists_every_option_with_a_comment_and_ignores_what_docket_writes(tmp_path, capsys) -> None:
    assert run(capsys, "new", "site", tmp_path / "s")[0] == 0
    text = (tmp_path / "s/site.yaml").read_text(encoding="utf-8")
    assert set(yaml.safe_load(text)) == set(CONFIG_KEYS)
    lines = text.splitlines()
    for key in CONFIG_KEYS:
        at = next(i for i, line in enumerate(lines) if line.startswith(f"{key}:"))
        assert lines[at - 1].startswith("#") or lines[at - 2].startswith("#"), f"{key} has no comment"
    assert yaml.safe_load(text)["title"] == "My investigation"
    ignored = (tmp_path / "s/.gitignore").read_text(encoding="utf-8").splitlines()
    assert {"output/", ".docket-cache/", ".output.spare/"} <= set(ignored)


def test_new_site_accepts_a_folder_with_only_hidden_files(tmp_path, capsys) -> None:
    (tmp_path / "s/.git").mkdir(parents=True)
    code, _, err = run(capsys, "new", "site", tmp_path / "s")
    assert code == 0, err
    assert (tmp_path / "s/site.yaml").is_file() and (tmp_path / "s/.git").is_dir()


@pytest.mark.parametrize("existing", ["notes.txt", "content/incidents/mine.md"])
def test_new_site_refuses_a_folder_that_holds_anything(tmp_path, capsys, existing: str) -> None:
    folder = tmp_path / "s"
    (folder / existing).parent.mkdir(parents=True, exist_ok=True)
    (folder / existing).write_text("keep me\n", encoding="utf-8")
    before = tree(folder)
    code, out, err = run(capsys, "new", "site", folder)
    assert code == 2
    line = one_error_line(err)
    assert str(folder) in line and "not empty" in line
    assert tree(folder) == before  # nothing written


def test_new_site_refuses_a_file(tmp_path, capsys) -> None:
    target = tmp_path / "site"
    target.write_text("x", encoding="utf-8")
    code, _, err = run(capsys, "new", "site", target)
    assert code == 2 and str(target) in one_error_line(err)
    assert target.read_text(encoding="utf-8") == "x"


# -- archetypes -----------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "keys"), [("incident", INCIDENT_KEYS), ("report", REPORT_KEYS),
                                            ("source", SOURCE_KEYS), ("entity", ENTITY_KEYS),
                                            ("page", PAGE_KEYS)])
def test_default_archetypes_show_every_field_the_format_accepts(kind: str, keys: tuple[str, ...]) -> None:
    text = (ARCHETYPES / f"{kind}.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"^#?\s*-?\s*([a-z_]+):", text, re.MULTILINE))
    assert set(keys) - {"author"} <= shown, sorted(set(keys) - shown)  # 'author' is told of beside 'authors'
    if kind == "incident":
        for nested in ("claims", "updates", "coverage", "text", "by", "note", "type", "archive_url"):
            assert nested in shown


@pytest.mark.parametrize("kind", ["incident", "report"])
def test_new_incident_and_report_are_drafts_and_say_so(tmp_path, capsys, kind: str) -> None:
    site = small_site(tmp_path)
    code, out, err = run(capsys, "new", kind, "Raid on the shelter", site)
    assert code == 0, err
    written = site / f"content/{kind}s/raid-on-the-shelter.md"
    data = front_matter(written)
    assert data["draft"] is True and data["title"] == "Raid on the shelter"
    assert data["date"] == dt.date.today()
    if kind == "incident":  # a report's date is its publication date; an incident's is the event's
        assert data["published"] == dt.date.today()
    assert "draft" in out and "docket serve" in out and "docket build" in out and "draft: true" in out


def test_new_source_is_not_a_draft_and_does_not_say_so(tmp_path, capsys) -> None:
    site = small_site(tmp_path)
    code, out, err = run(capsys, "new", "source", "AP: the open letter", site)
    assert code == 0, err
    assert "content/sources/ap-the-open-letter.md" in out
    assert "draft" not in out
    assert front_matter(site / "content/sources/ap-the-open-letter.md")["accessed"] == dt.date.today()


def test_every_new_file_builds_with_drafts(tmp_path, capsys) -> None:
    site = small_site(tmp_path)
    for kind in ("incident", "report", "source", "entity", "page"):
        assert run(capsys, "new", kind, f"New {kind}", site)[0] == 0
    code, _, err = run(capsys, "build", site, "--drafts")
    assert code == 0, err
    assert not re.search(r": (error|warning): ", err), err
    assert page(site, "incidents/new-incident/").find("h1").get_text(strip=True) == "New incident"
    assert page(site, "entities/new-entity/").find("h1").get_text(strip=True) == "New entity"


def test_a_title_is_quoted_so_yaml_and_placeholders_keep_it_whole(tmp_path, capsys) -> None:
    site = small_site(tmp_path)
    title = 'He said "no": #1 & {{ x }} \\ ok'
    code, out, err = run(capsys, "new", "incident", title, site, "--slug", "quoted")
    assert code == 0, err
    assert front_matter(site / "content/incidents/quoted.md")["title"] == title
    assert run(capsys, "build", site, "--drafts")[0] == 0
    assert page(site, "incidents/quoted/").find("h1").get_text(strip=True) == title


def test_the_sites_own_archetype_is_used(tmp_path, capsys) -> None:
    site = small_site(tmp_path, **{"archetypes/incident.md": """
        ---
        title: {{ title | yaml }}
        date: {{ date }}
        status: confirmed
        tags: [from-archetype]
        ---
        Written from the site's archetype for {{ slug }}.
        """})
    code, out, err = run(capsys, "new", "incident", "Fire at the port", site)
    assert code == 0, err
    written = site / "content/incidents/fire-at-the-port.md"
    data = front_matter(written)
    assert data == {"title": "Fire at the port", "date": dt.date.today(), "status": "confirmed",
                    "tags": ["from-archetype"]}
    assert written.read_text(encoding="utf-8").endswith("Written from the site's archetype for fire-at-the-port.\n")
    assert "draft" not in out  # the site's archetype makes no draft
    assert run(capsys, "new", "report", "A report", site)[0] == 0  # other kinds still use the default
    assert front_matter(site / "content/reports/a-report.md")["draft"] is True


@pytest.mark.parametrize(("archetype", "line", "phrase"), [
    ("---\ntitle: {{ title | yaml }}\ndate: {{ date }}\nsummary: {{ sumary }}\n---\n", 4, "'sumary' is undefined"),
    ("---\ntitle: {{ title | yaml }\n---\n", 2, "bad placeholder"),
    ("---\ntitle: {{ title | shout }}\n---\n", 2, "shout"),
    ("---\ntitle: {{ title.__class__ }}\n---\n", 2, "unsafe"),
])
def test_a_bad_archetype_is_one_line_naming_the_file(tmp_path, capsys, archetype: str, line: int,
                                                     phrase: str) -> None:
    site = small_site(tmp_path)
    (site / "archetypes").mkdir()
    (site / "archetypes/incident.md").write_text(archetype, encoding="utf-8")
    code, _, err = run(capsys, "new", "incident", "Blast", site)
    assert code == 2
    message = one_error_line(err)
    assert message.startswith(f"docket: error: archetypes/incident.md:{line}: "), message
    assert phrase in message and "{{ title }}" in message
    assert sorted(p.name for p in (site / "content/incidents").iterdir()) == ["fire.md"]


# -- docket new entity --kind -------------------------------------------------------------

@pytest.mark.parametrize("kind", ["person", "organisation", "place"])
def test_new_entity_takes_its_kind_and_says_which(tmp_path, capsys, kind: str) -> None:
    site = small_site(tmp_path)
    code, out, err = run(capsys, "new", "entity", "Ana Pérez", site, "--kind", kind)
    assert code == 0, err
    assert front_matter(site / "content/entities/ana-perez.md")["kind"] == kind
    assert f"kind: {kind}" in out, out
    assert run(capsys, "build", site)[0] == 0


def test_new_entity_without_a_kind_says_which_it_chose_and_how_to_change_it(tmp_path, capsys) -> None:
    site = small_site(tmp_path)
    code, out, err = run(capsys, "new", "entity", "Border Patrol", site)
    assert code == 0, err
    assert front_matter(site / "content/entities/border-patrol.md")["kind"] == "organisation"
    said = [line for line in out.splitlines() if "kind: organisation" in line]
    assert said and "--kind person" in said[0] and "--kind place" in said[0], out


def test_kind_is_refused_for_other_files_and_for_unknown_kinds(tmp_path, capsys) -> None:
    site = small_site(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        run(capsys, "new", "entity", "Ana", site, "--kind", "people")
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and all(k in err for k in ("'people'", "person", "organisation", "place")), err
    code, _, err = run(capsys, "new", "incident", "Blaze", site, "--kind", "person")
    assert code == 2 and "--kind" in one_error_line(err) and "entity" in err
    assert not (site / "content/incidents/blaze.md").exists()


def test_a_sites_entity_archetype_that_fixes_the_kind_is_refused_with_kind(tmp_path, capsys) -> None:
    site = small_site(tmp_path, **{"archetypes/entity.md": "---\nname: {{ title | yaml }}\nkind: place\n---\n"})
    code, _, err = run(capsys, "new", "entity", "Ana", site, "--kind", "person")
    assert code == 2
    message = one_error_line(err)
    assert "archetypes/entity.md" in message and "{{ kind }}" in message, message
    assert not (site / "content/entities/ana.md").exists()


# -- ids, --slug, overwriting -----------------------------------------------------------

def test_slug_names_the_file(tmp_path, capsys) -> None:
    site = small_site(tmp_path)
    code, out, err = run(capsys, "new", "incident", "A very long title about a fire", site, "--slug", "port-fire")
    assert code == 0, err
    assert (site / "content/incidents/port-fire.md").is_file()
    assert "content/incidents/port-fire.md" in out


@pytest.mark.parametrize("slug", ["Port Fire", "fire-", "../escape", "con"])
def test_a_slug_the_validator_refuses_is_refused(tmp_path, capsys, slug: str) -> None:
    site = small_site(tmp_path)
    before = tree(site)
    code, _, err = run(capsys, "new", "incident", "Fire", site, "--slug", slug)
    assert code == 2
    assert repr(slug) in one_error_line(err)
    assert tree(site) == before


def test_a_title_that_makes_a_reserved_name_is_refused_with_a_way_out(tmp_path, capsys) -> None:
    site = small_site(tmp_path)
    code, _, err = run(capsys, "new", "incident", "Con", site)
    assert code == 2
    assert "--slug con-incident" in one_error_line(err)
    assert not (site / "content/incidents/con.md").exists()
    assert run(capsys, "new", "incident", "Con", site, "--slug", "con-incident")[0] == 0
    assert run(capsys, "build", site, "--drafts")[0] == 0


def test_a_title_without_letters_asks_for_a_slug(tmp_path, capsys) -> None:
    site = small_site(tmp_path)
    code, _, err = run(capsys, "new", "page", "???", site)
    assert code == 2 and "--slug" in one_error_line(err)


def test_new_never_overwrites(tmp_path, capsys) -> None:
    site = small_site(tmp_path)
    code, _, err = run(capsys, "new", "incident", "Fire", site)  # fire.md exists already
    assert code == 2 and "already exists" in one_error_line(err)
    assert (site / "content/incidents/fire.md").read_text(encoding="utf-8") == INCIDENT.replace("    ", "").lstrip()


# -- SITE_DIR and --site ---------------------------------------------------------------

def test_new_in_a_folder_without_site_yaml_says_to_start_a_site(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "new", "incident", "Fire")
    assert code == 2
    assert "docket new site DIR" in one_error_line(err)
    assert list(tmp_path.iterdir()) == []


def test_new_takes_the_site_as_positional_or_option_and_says_where_the_file_is(tmp_path, capsys,
                                                                                 monkeypatch) -> None:
    site = small_site(tmp_path / "site")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "new", "entity", "Coast guard", "site")
    assert code == 0 and "docket: wrote site/content/entities/coast-guard.md" in out
    code, out, _ = run(capsys, "new", "entity", "Port police", "--site", "site")
    assert code == 0 and "site/content/entities/port-police.md" in out
    monkeypatch.chdir(site / "content")
    code, out, _ = run(capsys, "new", "entity", "Navy", "..")
    assert code == 0 and "docket: wrote entities/navy.md" in out


@pytest.mark.parametrize("command", ["build", "check"])
def test_site_option_is_an_alias_of_site_dir(tmp_path, capsys, command: str) -> None:
    site = small_site(tmp_path / "site")
    code, _, err = run(capsys, command, "--site", site)
    assert code == 0, err
    code, _, err = run(capsys, command, site, "--site", site)  # the same folder twice is fine
    assert code == 0, err
    if command == "build":
        assert page(site, "incidents/fire/").find("h1")


@pytest.mark.parametrize("args", [("build", "a", "--site", "b"), ("check", "a", "--site", "b"),
                                  ("serve", "a", "--site", "b"), ("new", "incident", "T", "a", "--site", "b")])
def test_two_different_site_folders_are_a_usage_error(tmp_path, capsys, monkeypatch, args) -> None:
    small_site(tmp_path / "a")
    small_site(tmp_path / "b")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, *args)
    assert code == 2
    assert "two site folders" in one_error_line(err)
    assert not (tmp_path / "a/output").exists() and not (tmp_path / "b/content/incidents/t.md").exists()


def test_new_site_takes_no_site_option(tmp_path, capsys) -> None:
    code, _, err = run(capsys, "new", "site", tmp_path / "x", "--site", tmp_path / "y")
    assert code == 2 and "docket new site DIR" in one_error_line(err)
    assert not (tmp_path / "x").exists()


# -- placeholder texts (imported by the editorial check) -----------------------------------

def test_placeholder_texts_are_the_sentences_a_writer_must_replace(tmp_path, capsys) -> None:
    texts = placeholder_texts()
    assert all(t == t.strip() and t for t in texts)
    assert "One sentence shown in lists, feeds and social cards." in texts
    assert "What was claimed, in one sentence." in texts  # from a commented-out example
    assert "About this site" not in texts and "Fire" not in texts  # a writer's own title is no placeholder
    site = small_site(tmp_path)
    for kind in ("incident", "report", "source", "entity", "page"):
        run(capsys, "new", kind, "Something real", site)
        path = next((site / "content").glob("*/something-real.md"))
        text = path.read_text(encoding="utf-8")
        body = text.split("\n---\n", 1)[1]
        paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
        assert paragraphs and all(p in texts for p in paragraphs), paragraphs
        summary = front_matter(path).get("summary")
        assert summary is None or summary in texts
        path.unlink()
    assert run(capsys, "new", "site", tmp_path / "s")[0] == 0
    sample = front_matter(tmp_path / "s/content/incidents/sample-incident.md")
    assert sample["summary"] in texts and sample["title"] in texts


# -- packaging -----------------------------------------------------------------------------

def test_the_wheel_ships_the_archetypes_and_the_sample_site(tmp_path) -> None:
    hatchling = hatchling_build()
    src = tmp_path / "src"
    src.mkdir()
    for name in ("generator", "templates"):
        shutil.copytree(REPO / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", ".gitignore"):
        shutil.copyfile(REPO / name, src / name)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(src)
        wheel = src / hatchling.build_wheel(str(src))
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = {f"generator/scaffold/{p.relative_to(REPO / 'generator/scaffold').as_posix()}"
              for folder in (ARCHETYPES, SAMPLE) for p in folder.rglob("*") if p.is_file()}
    assert len(wanted) >= 11 and wanted <= names, sorted(wanted - names)
