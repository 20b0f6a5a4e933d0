"""What a new writer trips over in YAML (issue 18): ' #' that silently cuts a value short, and
syntax errors told in the parser's words instead of the field's and the fix's.

Each test writes a small site inline (helpers.py) and runs the real CLI.
"""

from __future__ import annotations

import pytest
from helpers import build_fails, build_ok, docket, expect, expect_only, line_of, page, write_site

FIRE = "content/incidents/fire.md"


def incident(*lines: str, body: str = "Body.\n") -> str:
    """An incident with a date and the given front-matter lines (the first given is on line 2)."""
    return "---\n" + "".join(line + "\n" for line in lines) + "date: 2023-03-27\n---\n" + body


# ---------------------------------------------------------------------------
# ' #' starts a comment


def test_a_number_sign_in_a_plain_title_warns_and_says_how_to_quote_it(tmp_path):
    site = write_site(tmp_path, {FIRE: incident("title: Case #2: 53 migrants die")})
    run = build_ok(site)  # valid YAML: the title 'Case' is published, so it is a warning
    expect(run, FIRE, 2, "title", "comment", "'Case'", "#2: 53 migrants die",
           'title: "Case #2: 53 migrants die"', severity="warning")
    strict = docket("check", site, "--strict")
    assert strict.returncode == 1, strict.describe()
    expect(strict, FIRE, 2, "title", 'title: "Case #2: 53 migrants die"')


def test_a_hashtag_in_tags_place_and_summary_warns(tmp_path):
    text = incident(
        "title: Fire",
        "summary: Smugglers left the truck in the heat #SanAntonio",
        "tags: #SanAntonio",  # the whole value is a comment: tags is empty
        "location:",
        "  place: Warehouse #3",
        "  country: United States",
    )
    site = write_site(tmp_path, {FIRE: text, "content/incidents/other.md": incident(
        "title: Other", "tags:", "  - migration #SanAntonio")})
    run = build_ok(site)
    expect(run, FIRE, 3, "summary", "'#SanAntonio'",
           'summary: "Smugglers left the truck in the heat #SanAntonio"', severity="warning")
    expect(run, FIRE, 4, "tags", "empty", 'tags: "#SanAntonio"', severity="warning")
    expect(run, FIRE, 6, "location.place", "'Warehouse'", 'place: "Warehouse #3"', severity="warning")
    expect(run, "content/incidents/other.md", 4, "tags[0]", "'migration'", '- "migration #SanAntonio"',
           severity="warning")
    assert len(run.warnings) == 4, run.describe()


def test_a_hashtag_list_item_that_is_only_a_comment_says_so(tmp_path):
    site = write_site(tmp_path, {FIRE: incident("title: Fire", "tags:", "  - migration", "  - #SanAntonio")})
    run = build_fails(site)
    expect_only(run, FIRE, 5, "tags[1]", "comment", '- "#SanAntonio"')


def test_comments_on_their_own_lines_after_quoted_values_or_after_choices_are_fine(tmp_path):
    text = incident(
        "# The working title:",
        'title: "Case #2: 53 migrants die"  # quoted: the comment is a comment',
        "status: developing               # developing | confirmed | disputed | closed",
        "summary: Fifty-three people died.  # a comment set apart, as the archetypes write them",
        "tags: [migration]  # a comment after a list",
        "location:",
        "  place:                         # e.g. a town or a building",
    )
    site = write_site(tmp_path, {FIRE: text})
    run = build_ok(site, "--strict")
    assert not run.warnings, run.describe()
    assert page(site, "incidents/fire/").find("h1").get_text(strip=True) == "Case #2: 53 migrants die"


def test_a_number_sign_in_site_yaml_text_warns_too(tmp_path):
    site = write_site(tmp_path, {FIRE: incident("title: Fire")},
                      site_yaml="title: Border Deaths #Tracker\nbase_url: https://example.org/\n")
    run = build_ok(site)
    expect(run, "site.yaml", 1, "title", 'title: "Border Deaths #Tracker"', severity="warning")


# ---------------------------------------------------------------------------
# Syntax errors in the writer's words


def test_an_unquoted_colon_in_a_title_names_the_field_and_shows_the_quoted_line(tmp_path):
    site = write_site(tmp_path, {FIRE: incident("title: Fire: 38 dead")})
    run = build_fails(site)
    diag = expect_only(run, FIRE, 2, "title", "': '", 'title: "Fire: 38 dead"')
    assert "mapping values are not allowed" not in diag.text, run.describe()


def test_an_unquoted_colon_in_a_nested_value_names_its_key(tmp_path):
    site = write_site(tmp_path, {FIRE: incident("title: Fire", "claims:",
                                                "  - text: Officials said: nothing happened")})
    run = build_fails(site)
    expect_only(run, FIRE, 4, "text", '- text: "Officials said: nothing happened"')


SCAFFOLD_SOURCES = [
    "title: Fire",
    "sources: []                      # sources cited; an id alone names content/sources/<id>.md",
    "  - id: example-source",
    "    title: What the source is called",
]


@pytest.mark.parametrize("items", [
    SCAFFOLD_SOURCES,  # indented under the key, as the archetype's comment shows them
    ["title: Fire", "sources: []", "- id: example-source", "  title: What the source is called"],
], ids=["indented", "flush"])
def test_list_items_under_an_empty_list_say_remove_the_brackets(tmp_path, items):
    site = write_site(tmp_path, {FIRE: incident(*items)})
    run = build_fails(site)
    diag = expect_only(run, FIRE, 3, "sources", "[]", "remove", "sources:")
    assert "did not find expected key" not in diag.text and "indentation" not in diag.text, run.describe()


def test_a_hashtag_in_a_flow_list_says_the_comment_hides_the_rest_of_the_line(tmp_path):
    text = incident("title: Fire", "tags: [migration, #SanAntonio]", "summary: Heat.")
    site = write_site(tmp_path, {FIRE: text})
    run = build_fails(site)
    expect_only(run, FIRE, 3, "tags", "comment", 'tags: [migration, "#SanAntonio"]')


def test_other_syntax_errors_keep_the_parsers_words(tmp_path):
    text = "---\ntitle: Fire\n  date: 2023-03-27\n---\n"
    run = build_fails(write_site(tmp_path, {FIRE: text}))
    expect_only(run, FIRE, line_of(text, "date:"), "", "malformed YAML")
