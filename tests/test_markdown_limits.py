"""No Markdown body costs more than its size, and none loses text without a word (issue 17).

A table is parsed into three tokens per cell (about 1.3 KB of memory each): 5,000 columns by 500
rows, a 5 MB body, took 3.58 GB. A table wider than ``MAX_TABLE_COLUMNS`` or holding more than
``MAX_TABLE_CELLS`` cells is refused, naming the file and the table's first line, before a single
cell is built. Lists and quotes nested deeper than markdown-it's limit (20 levels) used to drop
the rest of the body silently; the rest is now kept as plain text, with a warning naming its line.
"""

from __future__ import annotations

from helpers import build_fails, build_ok, dedent, expect, main_content, page, write_site

FIRE = "content/incidents/fire.md"
HEAD = "---\ntitle: Fire\ndate: 2023-03-27\n---\n"  # the body starts on line 5


def table(columns: int, rows: int) -> str:
    return ("|" + "h|" * columns + "\n|" + "-|" * columns + "\n"
            + ("|" + "c|" * columns + "\n") * rows)


def test_a_table_too_wide_is_refused_with_its_file_and_line(tmp_path) -> None:
    site = write_site(tmp_path, {FIRE: HEAD + "Intro.\n\n" + table(5000, 3) + "\nAfter.\n"})
    run = build_fails(site)
    expect(run, FIRE, 7, "body", "table", "5,000 columns", "at most")


def test_a_table_with_too_many_cells_is_refused(tmp_path) -> None:
    site = write_site(tmp_path, {FIRE: HEAD + table(50, 4000)})
    run = build_fails(site)
    expect(run, FIRE, 5, "body", "table", "cells", "at most")


def test_a_table_within_the_limits_still_renders(tmp_path) -> None:
    site = write_site(tmp_path, {FIRE: HEAD + table(12, 30)})
    build_ok(site)
    rows = main_content(page(site, "incidents/fire/")).find("table").find_all("tr")
    assert len(rows) == 31 and len(rows[1].find_all("td")) == 12


def test_text_below_too_deep_a_list_is_kept_with_a_warning(tmp_path) -> None:
    body = "- " * 10_000 + "the words at the bottom\n\nAfter the list.\n"
    site = write_site(tmp_path, {FIRE: HEAD + body})
    run = build_ok(site)
    expect(run, FIRE, 5, "body", "nested", "20", severity="warning")
    text = main_content(page(site, "incidents/fire/")).get_text(" ")
    assert "the words at the bottom" in text
    assert "After the list." in text


def test_text_below_too_deep_a_quote_is_kept_with_a_warning(tmp_path) -> None:
    body = "Intro.\n\n" + ">" * 10_000 + " deep words\n"
    site = write_site(tmp_path, {FIRE: HEAD + body})
    run = build_ok(site)
    expect(run, FIRE, 7, "body", "nested", severity="warning")
    assert "deep words" in main_content(page(site, "incidents/fire/")).get_text(" ")


def test_a_deep_list_on_later_lines_names_the_line_where_text_is_kept(tmp_path) -> None:
    lines = "".join("  " * depth + "- level\n" for depth in range(30))
    site = write_site(tmp_path, {FIRE: HEAD + dedent(lines)})
    run = build_ok(site)
    # A list and its item are two levels: the 10th item's text, on body line 10 (file line 14), is the
    # first below 20 levels, kept as text with the deeper items.
    expect(run, FIRE, 14, "body", "nested", severity="warning")
    assert main_content(page(site, "incidents/fire/")).get_text(" ").count("level") == 30
