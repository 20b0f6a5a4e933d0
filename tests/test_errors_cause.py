"""Errors that lead to the cause (issue 8, part 4).

A file that cannot be read is reported alone: references into it from other
files are not reported as well. Ids that match nothing but are close to one
that exists say "did you mean". Figures, tabs, ids and self-extending
templates get a hint that says what to write. Diagnostics carry a column where
the YAML knows it.

Each test writes a small site inline (helpers.py) and runs the real CLI, or
``build()`` in process where it needs what the text form leaves out (the column).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers import build_fails, build_ok, dedent, expect, expect_only, line_of, page, write_site

from generator.build import build
from generator.diagnostics import Diagnostic
from generator.session import BuildSession

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
FIRE = "content/incidents/fire.md"
LOG = "content/sources/coastguard-log.md"

# A source file with a bad indent: PyYAML cannot read it at all.
BROKEN_LOG = """
    ---
    title: Coast guard log
      type: document
    ---
    """
GOOD_LOG = """
    ---
    title: Coast guard log
    type: document
    ---
    """

# Two incidents that refer to the source in every way a file can.
CITING = {
    FIRE: """
        ---
        title: Fire
        date: 2023-06-14
        sources:
          - id: coastguard-log
        claims:
          - text: The boat was not in distress.
            sources: [coastguard-log]
        ---
        See [@coastguard-log] and [[coastguard-log]].
        """,
    "content/incidents/rescue.md": """
        ---
        title: Rescue
        date: 2023-06-15
        sources: [coastguard-log]
        ---
        See [@coastguard-log] and [[source:coastguard-log|the log]].
        """,
}


def errors_of(site: Path, **options: object) -> list[Diagnostic]:
    result = build(site, site / "out", now=NOW, cache=False, jobs=1, **options)  # type: ignore[arg-type]
    return [d for d in result.diagnostics.sorted() if d.is_error]


# ---------------------------------------------------------------------------
# A file that cannot be read is reported alone


def test_a_source_with_a_bad_indent_is_the_only_error(tmp_path):
    site = write_site(tmp_path, {LOG: BROKEN_LOG, **CITING})
    run = build_fails(site)
    # Before: the bad indent, and five knock-on errors in the two incidents that cite the source.
    expect_only(run, LOG, line_of(BROKEN_LOG, "type:"), "", "malformed YAML")


def test_knock_on_errors_come_back_when_the_source_is_fixed_wrongly(tmp_path):
    # Suppression is about the broken file only: once it reads, references are checked as always.
    fixed_with_other_id = GOOD_LOG.replace("title:", "id: coastguard-logs\n    title:")
    site = write_site(tmp_path, {LOG: fixed_with_other_id, **CITING})
    run = build_fails(site)
    expect(run, FIRE, line_of(CITING[FIRE], "- id: coastguard-log"), "sources[0].id",
           "unknown source 'coastguard-log'", "did you mean 'coastguard-logs'?")
    expect(run, FIRE, line_of(CITING[FIRE], "[@coastguard-log]"), "body", "unknown source 'coastguard-log'")


def test_a_broken_incident_hides_references_to_its_slug_and_its_inline_sources(tmp_path):
    broken = """
        ---
        title: Shipwreck
        date: 2023-06-14
        sources:
          - id: survivor-testimony
            title: Survivors' testimony
        figures:
          killed: 82
         missing: 500
        ---
        """
    files = {
        "content/incidents/shipwreck.md": broken,
        "content/incidents/rescue.md": """
            ---
            title: Rescue
            date: 2023-06-15
            related: [shipwreck]
            sources: [survivor-testimony]
            ---
            After [[shipwreck]] [@survivor-testimony].
            """,
        "content/reports/overview.md": """
            ---
            title: Overview
            date: 2024-01-01
            incidents: [shipwreck, rescue]
            ---
            See [[incident:shipwreck]].
            """,
    }
    run = build_fails(write_site(tmp_path, files))
    expect_only(run, "content/incidents/shipwreck.md", line_of(broken, "missing:"), "", "malformed YAML")


def test_an_explicit_slug_in_a_broken_file_counts_too(tmp_path):
    broken = "---\nslug: the-shipwreck\ntitle: Shipwreck\n  date: 2023-06-14\n---\n"
    files = {"content/incidents/pylos.md": broken,
             "content/incidents/rescue.md": "---\ntitle: Rescue\ndate: 2023-06-15\nrelated: [the-shipwreck]\n---\n"}
    run = build_fails(write_site(tmp_path, files))
    expect_only(run, "content/incidents/pylos.md", 4, "", "malformed YAML")


@pytest.mark.parametrize("bad", [b"---\ntitle: Coast guard log \xe9\n---\n", b"", b"# no front matter\n"])
def test_unreadable_for_other_reasons_is_reported_alone_too(tmp_path, bad):
    site = write_site(tmp_path, {LOG: bad, **CITING})
    run = build_fails(site)
    assert {d.path for d in run.errors} == {LOG}, run.describe()
    assert len({d.text for d in run.errors}) == 1, run.describe()


def test_other_unknown_ids_are_still_errors_beside_a_broken_file(tmp_path):
    citing = dict(CITING)
    citing[FIRE] = citing[FIRE].replace("See [@coastguard-log]", "See [@ghost-source] [[ghost-page]] [@coastguard-log]")
    run = build_fails(write_site(tmp_path, {LOG: BROKEN_LOG, **citing}))
    body_line = line_of(citing[FIRE], "[@ghost-source]")
    expect(run, FIRE, body_line, "body", "unknown source 'ghost-source'")
    expect(run, FIRE, body_line, "body", "unknown link target [[ghost-page]]")
    assert len({d.text for d in run.errors}) == 3, run.describe()


def test_a_session_reports_the_references_again_once_the_broken_file_is_deleted(tmp_path):
    """A body rendered while its source was unreadable must not be reused once the source is gone."""
    site = write_site(tmp_path, {LOG: BROKEN_LOG, **CITING})
    session = BuildSession(site, cache=False, jobs=1)
    first = build(site, tmp_path / "out", now=NOW, session=session)
    assert [d.path for d in first.diagnostics.errors] == [LOG]
    (site / LOG).unlink()
    second = build(site, tmp_path / "out", now=NOW, session=session)
    body = {(d.path, d.message) for d in second.diagnostics.errors if d.field == "body"}
    assert (FIRE, "unknown source 'coastguard-log' in [@coastguard-log]") in body
    assert ("content/incidents/rescue.md", "unknown source 'coastguard-log' in [@coastguard-log]") in body
    assert (FIRE, "unknown link target [[coastguard-log]]") in body
    (site / LOG).write_text(dedent(GOOD_LOG), encoding="utf-8")
    third = build(site, tmp_path / "out", now=NOW, session=session)
    assert third.ok, third.diagnostics.report()
    cite = page(tmp_path / "out", "incidents/fire/").select_one("sup.cite a")
    assert cite is not None and cite.get_text() == "[1]"


# ---------------------------------------------------------------------------
# "Did you mean" for ids that match nothing


ENTITY_FILE = "---\nname: Hellenic Coast Guard\nkind: organisation\n---\n"


def test_an_entity_id_close_to_an_entity_file_warns(tmp_path):
    text = "---\ntitle: Shipwreck\ndate: 2023-06-14\nentities:\n  - hellenic-coastguard\n  - frontex\n---\n"
    site = write_site(tmp_path, {"content/incidents/shipwreck.md": text,
                                 "content/entities/hellenic-coast-guard.md": ENTITY_FILE})
    run = build_ok(site)
    diag = expect(run, "content/incidents/shipwreck.md", 5, "entities[0]", "'hellenic-coastguard'",
                  "page of its own", "did you mean 'hellenic-coast-guard'?", severity="warning")
    assert "frontex" not in run.stderr, run.describe()  # far from every entity file: a page of its own, silently
    assert len(run.warnings) == 1, diag


def test_an_entity_id_that_only_shares_a_prefix_does_not_warn(tmp_path):
    text = "---\ntitle: Fire\ndate: 2023-06-14\nentities: [el-paso, el-paso-police-dept]\n---\n"
    site = write_site(tmp_path, {"content/incidents/fire.md": text,
                                 "content/entities/el-paso-police.md": "---\nname: El Paso Police\n---\n"})
    run = build_ok(site)
    assert run.warnings == [], run.describe()


def test_an_entity_id_that_only_shares_a_long_ending_does_not_warn(tmp_path):
    """Two ministries of health are two entities, however alike their ids look to difflib."""
    text = "---\ntitle: Fire\ndate: 2023-06-14\nentities: [iran-ministry-of-health, sudan-ministry-of-helth]\n---\n"
    site = write_site(tmp_path, {"content/incidents/fire.md": text,
                                 "content/entities/sudan-ministry-of-health.md": "---\nname: Sudan MoH\n---\n"})
    run = build_ok(site)
    assert [d.line for d in run.warnings] == [4], run.describe()  # only the slip: 'helth'
    assert "'sudan-ministry-of-helth'" in run.warnings[0].rest and "iran" not in run.stderr


def test_unknown_front_matter_ids_suggest_the_closest_one(tmp_path):
    fire = """
        ---
        title: Fire
        date: 2023-06-14
        entities: [hellenic-coast-guard]
        sources:
          - id: coastguard-logg
        related: [shipwrek]
        claims:
          - text: Nobody asked for help.
            by: hellenic-coast-gaurd
            sources: [coastguard-lg]
        ---
        """
    files = {FIRE: fire, LOG: GOOD_LOG,
             "content/incidents/shipwreck.md": "---\ntitle: Shipwreck\ndate: 2023-06-13\n---\n",
             "content/entities/hellenic-coast-guard.md": ENTITY_FILE}
    run = build_fails(write_site(tmp_path, files))
    expect(run, FIRE, line_of(fire, "coastguard-logg"), "sources[0].id", "unknown source",
           "did you mean 'coastguard-log'?")
    expect(run, FIRE, line_of(fire, "related:"), "related[0]", "unknown incident", "did you mean 'shipwreck'?")
    expect(run, FIRE, line_of(fire, "by:"), "claims[0].by", "unknown entity", "did you mean 'hellenic-coast-guard'?")
    expect(run, FIRE, line_of(fire, "coastguard-lg]"), "claims[0].sources[0]", "did you mean 'coastguard-log'?")


# ---------------------------------------------------------------------------
# Figures


@pytest.mark.parametrize(("value", "phrases"), [
    ('"600"', ("got '600'", "write the number without quotes: killed: 600")),
    ("'600'", ("write the number without quotes: killed: 600",)),
    ("1,000", ("write 1000 without separators: killed: 1000",)),
    ("12.345.678", ("write 12345678 without separators",)),
    ("1 000", ("write 1000 without separators",)),
    ("about 600", ("killed: 600", "estimate", "summary or body")),
    ("~600", ("killed: 600", "estimate")),
    ("600+", ("killed: 600", "at least")),
    ("600-700", ("one number", "killed: 600", "600-700")),
    ("unknown", ("leave killed out",)),
    ("38 people", ("write the number alone: killed: 38",)),
])
def test_figures_that_are_not_numbers_say_what_to_write(tmp_path, value, phrases):
    text = f"---\ntitle: Shipwreck\ndate: 2023-06-14\nfigures:\n  killed: {value}\n---\n"
    run = build_fails(write_site(tmp_path, {FIRE: text}))
    expect_only(run, FIRE, 5, "figures.killed", "expected a number >= 0", *phrases)


def test_a_figure_with_a_dot_for_thousands_warns(tmp_path):
    text = "---\ntitle: Shipwreck\ndate: 2023-06-14\nfigures:\n  killed: 1.000\n  injured: 2.5\n---\n"
    run = build_ok(write_site(tmp_path, {FIRE: text}))
    expect(run, FIRE, 5, "figures.killed", "1.000 reads as the number 1", "write 1000 without separators",
           severity="warning")
    assert len(run.warnings) == 1, run.describe()


# ---------------------------------------------------------------------------
# Tabs, ids


@pytest.mark.parametrize(("text", "line", "column"), [
    ("---\ntitle: Fire\n\tdate: 2023-06-14\n---\n", 3, 1),
    ("---\ntitle: Fire\ndate: 2023-06-14\nfigures:\n  killed: 1\n \tinjured: 2\n---\n", 6, 2),
    ("---\ntitle: Fire\ndate: 2023-06-14\ntags:\n\t- fire\n---\n", 5, 1),
])
def test_a_tab_in_the_yaml_says_replace_it_with_spaces(tmp_path, text, line, column):
    site = write_site(tmp_path, {FIRE: text})
    run = build_fails(site)
    expect_only(run, FIRE, line, "", f"a tab at column {column}: YAML indents with spaces",
                "replace the tab with spaces")
    [diag] = errors_of(site)
    assert (diag.line, diag.column) == (line, column)


@pytest.mark.parametrize(("slug", "phrases"), [
    ("abc-", ("must not end with '-'", "e.g. 'abc'")),
    ("-abc", ("must not start with '-'", "e.g. 'abc'")),
    ("_abc", ("must not start with '_'",)),
    ("Pylos-Shipwreck", ("not capital letters", "e.g. 'pylos-shipwreck'")),
    ("pylos shipwreck", ("not a space", "e.g. 'pylos-shipwreck'")),
    ("a" * 121, ("121 characters", "at most 120")),
])
def test_an_invalid_id_says_what_is_wrong_with_it(tmp_path, slug, phrases):
    text = f"---\ntitle: Fire\ndate: 2023-06-14\nslug: \"{slug}\"\n---\n"
    run = build_fails(write_site(tmp_path, {FIRE: text}))
    diag = expect_only(run, FIRE, 4, "slug", "unsafe or invalid slug", *phrases)
    if slug.strip("-_") != slug:  # it uses only the allowed characters: the old hint said it did not
        assert "use lowercase letters" not in diag.text, run.describe()


def test_an_invalid_reference_says_what_is_wrong_with_it(tmp_path):
    text = "---\ntitle: Fire\ndate: 2023-06-14\nentities: [coast-guard-]\n---\n"
    run = build_fails(write_site(tmp_path, {FIRE: text}))
    expect_only(run, FIRE, 4, "entities[0]", "expected an id, got 'coast-guard-'", "must not end with '-'",
                "e.g. 'coast-guard'")


# ---------------------------------------------------------------------------
# Templates that extend or include themselves


@pytest.mark.parametrize(("template", "line", "phrases"), [
    ('{% extends "incident.html" %}\n{% block content %}x{% endblock %}\n', 1,
     ("extends itself", "extend 'default/incident.html'")),
    ('<p>top</p>\n{% include "incident.html" %}\n', 2, ("includes itself",)),
])
def test_a_template_that_uses_itself_says_how_to_extend_the_theme(tmp_path, template, line, phrases):
    files = {FIRE: "---\ntitle: Fire\ndate: 2023-06-14\n---\n", "templates/incident.html": template}
    run = build_fails(write_site(tmp_path, files))
    diag = expect_only(run, "templates/incident.html", line, "", *phrases)
    assert "RecursionError" not in diag.text, run.describe()


def test_two_templates_that_extend_each_other_name_the_loop(tmp_path):
    files = {FIRE: "---\ntitle: Fire\ndate: 2023-06-14\n---\n",
             "templates/incident.html": '{% extends "layout.html" %}\n',
             "templates/layout.html": '{# the site layout #}\n{% extends "incident.html" %}\n'}
    run = build_fails(write_site(tmp_path, files))
    expect_only(run, "templates/layout.html", 2, "", "incident.html", "layout.html", "loop")


def test_extending_the_default_theme_works(tmp_path):
    files = {FIRE: "---\ntitle: Fire\ndate: 2023-06-14\n---\n",
             "templates/incident.html": '{% extends "default/incident.html" %}\n'}
    site = write_site(tmp_path, files)
    build_ok(site)
    assert page(site, "incidents/fire/").find("h1").get_text(strip=True) == "Fire"


# ---------------------------------------------------------------------------
# Columns


def test_yaml_syntax_errors_have_a_column(tmp_path):
    site = write_site(tmp_path, {FIRE: "---\ntitle: Fire\ndate: 2023-06-14\nsummary: Officials said: nothing\n---\n"})
    [diag] = errors_of(site)
    assert (diag.line, diag.column) == (4, len("summary: Officials said") + 1)


def test_field_errors_have_the_column_of_their_key(tmp_path):
    text = "---\ntitle: Fire\ndate: 2023-06-14\nfigures:\n  killed: many\nlocation:\n    lat: 95\n---\n"
    site = write_site(tmp_path, {FIRE: text})
    found = {(d.field, d.line, d.column) for d in errors_of(site)}
    assert found == {("figures.killed", 5, 3), ("location.lat", 7, 5)}

