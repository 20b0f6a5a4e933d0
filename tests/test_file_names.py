"""What a writer types that becomes a file name is bounded and checked, by ``check`` as by ``build``.

A 300-character figure name passed ``check`` and then stopped ``build`` with
"File name too long" (exit 2); ``language: "pt BR"`` passed ``check`` and
then stopped ``build`` inside Pagefind, naming neither file nor field. Now the
model refuses both, with the same message from both commands naming file,
line and field. Whatever else becomes a file name (ids, slugs, tags, places,
countries, years) is bounded so that no output file name exceeds 255 bytes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import build_fails, build_ok, docket, expect_only, line_of, snapshot, write_site

FIRE = "content/incidents/fire.md"
LONG = "k" * 300


def incident_with(*field_lines: str) -> str:
    return "---\ntitle: Fire\ndate: 2023-03-27\n" + "".join(line + "\n" for line in field_lines) + "---\nBody.\n"


def same_error_from_check_and_build(site: Path, path: str, line: int, field: str, *phrases: str) -> None:
    check = build_fails(site, command="check")
    build = build_fails(site)
    texts = [expect_only(run, path, line, field, *phrases).text for run in (check, build)]
    assert texts[0] == texts[1]


@pytest.mark.parametrize("name, phrases", [
    (LONG, ("at most 60 characters", "300")),
    ("死" * 61, ("at most 60 characters",)),
    ("killed/injured", ("'/'", "killed_injured")),
    ("..", ("letter or digit",)),
    (".hidden", ("letter or digit",)),
], ids=["300 characters", "61 CJK characters", "slash", "dot-dot", "dot"])
def test_a_figure_name_that_cannot_name_a_page_is_an_error(tmp_path: Path, name: str,
                                                            phrases: tuple[str, ...]) -> None:
    text = incident_with("figures:", f'  "{name}": 3')
    site = write_site(tmp_path, {FIRE: text})
    same_error_from_check_and_build(site, FIRE, line_of(text, name[:10]), f"figures.{name}", *phrases)


@pytest.mark.parametrize("tag, hint", [("pt BR", "write 'pt-BR'"), ("pt_BR", "write 'pt-BR'"),
                                       ("portuguese", "such as"), ("p", "such as"), ("pt-", "such as"),
                                       ("en-" + "-".join(["abcdefgh"] * 10), "at most 64")])
def test_the_site_language_must_be_a_language_tag(tmp_path: Path, tag: str, hint: str) -> None:
    yaml = f'title: T\nbase_url: https://example.org/\nlanguage: "{tag}"\n'
    site = write_site(tmp_path, {FIRE: incident_with()}, site_yaml=yaml)
    same_error_from_check_and_build(site, "site.yaml", 3, "language", "language tag", hint)


def test_a_source_language_must_be_a_language_tag(tmp_path: Path) -> None:
    text = '---\ntitle: Informe\nlanguage: "pt BR"\n---\n'
    site = write_site(tmp_path, {FIRE: incident_with("sources: [informe]"), "content/sources/informe.md": text})
    same_error_from_check_and_build(site, "content/sources/informe.md", 3, "language", "language tag", "pt-BR")


@pytest.mark.parametrize("tag", ["pt-BR", "es-419", "zh-Hant-TW", "sr-Latn", "de-CH-1996", "en-US-x-twain",
                                 "yue", "x-klingon", "EN-gb"])
def test_well_formed_language_tags_pass(tag: str) -> None:
    from generator.hints import language_problem

    assert language_problem(tag) == ""


def test_a_site_in_brazilian_portuguese_builds_and_is_searchable(tmp_path: Path) -> None:
    yaml = 'title: T\nbase_url: https://example.org/\nlanguage: pt-BR\n'
    site = write_site(tmp_path, {FIRE: incident_with()}, site_yaml=yaml)
    build_ok(site)
    names = [name for name in snapshot(site / "output") if name.startswith("pagefind/")]
    assert any("pt-br" in name.lower() for name in names), names


def test_long_tags_places_and_countries_make_bounded_file_names(tmp_path: Path) -> None:
    text = incident_with(f"tags: [{LONG}]", "location:", f"  place: {LONG}", f"  country: {'c' * 300}",
                         "figures:", f"  {'f' * 60}: 1")
    site = write_site(tmp_path, {FIRE: text, "content/incidents/" + "n" * 240 + ".md": incident_with()})
    assert docket("check", site).returncode == 0
    build_ok(site)
    longest = max(len(part.encode()) for name in snapshot(site / "output") for part in name.split("/"))
    assert longest <= 255


@pytest.mark.parametrize("field", ["slug", "sources"])
def test_a_long_slug_or_id_is_an_error_in_check_as_in_build(tmp_path: Path, field: str) -> None:
    value = f"[{LONG}]" if field == "sources" else LONG
    text = incident_with(f"{field}: {value}")
    site = write_site(tmp_path, {FIRE: text})
    check, build = build_fails(site, command="check"), build_fails(site)
    assert [d.text for d in check.errors] == [d.text for d in build.errors]
    assert any("at most 120 characters" in d.text for d in build.errors), build.describe()
