"""Invisible characters in bodies and titles, and writers' text in terminal messages (issue 17).

Control characters (U+0001, ESC, DEL, the C1 controls) and the bidirectional embeddings,
overrides and isolates (U+202A to U+202E, U+2066 to U+2069) cannot be seen in an editor, mean
nothing on a page and can make text display in another order than it is written ("Trojan
Source"). In a body they are removed from the page, with a warning naming line and column; in
front-matter text, bidi controls are removed the same way (other controls there were already
errors). A file name, or any text of the writer's, is printed to the terminal with its control
characters escaped, so that it cannot rewrite the writer's terminal.
"""

from __future__ import annotations

import json
import re

from helpers import build_ok, docket, expect, main_content, page, write_site

FIRE = "content/incidents/fire.md"
HEAD = "---\ntitle: Fire\ndate: 2023-03-27\n---\n"  # the body starts on line 5
INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_control_and_bidi_characters_in_a_body_are_removed_with_a_warning(tmp_path) -> None:
    body = "First \x01line.\n\nSecond \x1b[31mline\x7f.\n\nReversed \u202eevil.exe\u202c done.\n"
    site = write_site(tmp_path, {FIRE: HEAD + body})
    run = build_ok(site)
    expect(run, FIRE, 5, "body", "U+0001", "column 7", "removed", severity="warning")
    expect(run, FIRE, 7, "body", "U+001B", "column 8", severity="warning")
    expect(run, FIRE, 7, "body", "U+007F", "column 17", severity="warning")
    expect(run, FIRE, 9, "body", "U+202E", "RIGHT-TO-LEFT OVERRIDE", "column 10", severity="warning")
    html = (site / "output/incidents/fire/index.html").read_text(encoding="utf-8")
    assert not INVISIBLE.search(html)
    text = main_content(page(site, "incidents/fire/")).get_text(" ")
    assert "First line." in text and "Second [31mline." in text and "Reversed evil.exe done." in text


def test_many_invisible_characters_give_a_few_warnings_not_one_each(tmp_path) -> None:
    site = write_site(tmp_path, {FIRE: HEAD + "x\x01" * 5000 + "\n"})
    run = build_ok(site)
    warnings = [d for d in run.warnings if d.path == FIRE]
    assert 1 < len(warnings) <= 11, run.describe()
    assert any("4,990 more" in d.text for d in warnings), run.describe()


def test_bidi_controls_in_a_title_are_removed_with_a_warning(tmp_path) -> None:
    site = write_site(tmp_path, {FIRE: "---\ntitle: \"Fire at \\u202Eexe.tsil\"\ndate: 2023-03-27\n---\nBody.\n"})
    run = build_ok(site)
    expect(run, FIRE, 2, "title", "U+202E", "removed", severity="warning")
    html = (site / "output/incidents/fire/index.html").read_text(encoding="utf-8")
    assert not INVISIBLE.search(html)
    assert "Fire at exe.tsil" in page(site, "incidents/fire/").find("h1").get_text()
    feed = (site / "output/feed.xml").read_text(encoding="utf-8")
    assert "\u202e" not in feed


def test_a_file_name_with_an_escape_sequence_is_printed_escaped(tmp_path) -> None:
    name = "content/incidents/evil\x1b]0;pwned\x07\x1b[2J.md"
    site = write_site(tmp_path, {name: "---\ntitle: Evil\n---\nBody.\n"})
    for args in (("build", site), ("check", site), ("check", site, "--format", "github")):
        run = docket(*args)
        assert run.returncode == 1, run.describe()
        assert "\x1b" not in run.output and "\x07" not in run.output, run.describe()
        assert "evil\\x1b]0;pwned\\x07\\x1b[2J.md" in run.output, run.describe()
    run = docket("check", site, "--format", "json")
    assert "\x1b" not in run.output and "\x07" not in run.output, run.describe()
    assert "evil\\u001b]0;pwned\\u0007\\u001b[2J.md" in run.stdout, run.describe()
    assert json.loads(run.stdout)["diagnostics"][0]["path"].endswith(name)  # the exact name, for a program


def test_a_bidi_override_in_a_file_name_is_printed_escaped(tmp_path) -> None:
    name = "content/incidents/report\u202egpj.md"
    site = write_site(tmp_path, {name: "---\ntitle: Evil\n---\nBody.\n"})
    run = docket("build", site)
    assert run.returncode == 1 and "\u202e" not in run.output, run.describe()
    assert "report\\u202egpj.md" in run.output, run.describe()
