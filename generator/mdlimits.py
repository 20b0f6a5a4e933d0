"""markdown-it plugins that keep a body's cost in line with its size, and keep its text.

- **Tables.** markdown-it builds three tokens for every cell of a table (about 1.3 KB of memory
  each), so a table of 5,000 columns by 500 rows, 5 MB of Markdown, took 3.58 GB. A table wider than
  ``MAX_TABLE_COLUMNS``, or holding more than ``MAX_TABLE_CELLS`` cells, is refused with an
  error on its first line, and skipped before a single cell is built.
- **Nesting.** markdown-it stops at ``maxNesting`` (20) levels of lists and quotes, and drops the
  rest of the body without a word. Here the rest of that block is kept as a plain paragraph of
  text instead, and the writer warned on the line where it starts.

Both report through the ``Resolver`` the references plugin keeps in ``env`` (see ``mdplugins``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.table import table as table_rule

MAX_TABLE_COLUMNS = 100  # wider than any screen; a data set belongs in a file of its own
MAX_TABLE_CELLS = 50_000  # 10 columns by 5,000 rows; about 65 MB of tokens at most
TABLE_HINT = "split it into smaller tables, or publish the data as a CSV file and link to it"


def _report(state: StateBlock, severity: str, message: str, hint: str, line: int) -> None:
    resolver = state.env.get("resolver")
    if resolver is not None:
        resolver.report(severity, message, hint, line)


def table_limit_rule(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    """Before markdown-it's table rule: a table over the limits is reported and skipped whole."""
    if not table_rule(state, startLine, endLine, True):
        return False
    columns = _column_count(state, startLine + 1)
    end = _table_end(state, startLine + 2, endLine)
    cells = columns * (end - startLine - 1)  # the header row and every body row
    if columns <= MAX_TABLE_COLUMNS and cells <= MAX_TABLE_CELLS:
        return False  # the table rule builds it
    if silent:
        return True
    if columns > MAX_TABLE_COLUMNS:
        message = f"a table of {columns:,} columns: a table may have at most {MAX_TABLE_COLUMNS} columns"
    else:
        message = (f"a table of {cells:,} cells ({columns:,} columns, {end - startLine - 1:,} rows): "
                   f"a table may hold at most {MAX_TABLE_CELLS:,} cells")
    _report(state, "error", message, TABLE_HINT, startLine)
    state.line = end
    return True


def _column_count(state: StateBlock, line: int) -> int:
    """The columns of a table, as its delimiter row (``|---|:--:|``) gives them."""
    text = state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]
    return sum(1 for part in text.split("|") if part.strip())


def _table_end(state: StateBlock, line: int, endLine: int) -> int:
    """The line after a table's last row: where markdown-it's table rule stops (same tests)."""
    terminators = state.md.block.ruler.getRules("blockquote")
    while line < endLine:
        if state.sCount[line] < state.blkIndent or state.is_code_block(line) or state.isEmpty(line):
            break
        if any(rule(state, line, endLine, True) for rule in terminators):
            break
        line += 1
    return line


def guard_nesting(md: MarkdownIt) -> None:
    """Keep, as text, what markdown-it would drop below ``maxNesting`` levels of blocks."""
    tokenize: Callable[[StateBlock, int, int], None] = md.block.tokenize

    def guarded(state: StateBlock, startLine: int, endLine: int) -> None:
        # markdown-it's own loop checks the level before any rule runs, and rules leave it as they
        # found it: too deep at the start of a call means every line of the call would be lost.
        if state.level >= state.md.options.maxNesting:
            line = state.skipEmptyLines(startLine)
            if line < endLine and state.sCount[line] >= state.blkIndent:
                _keep_as_text(state, line, endLine)
                return
        tokenize(state, startLine, endLine)

    setattr(md.block, "tokenize", guarded)  # noqa: B010 -- nested blocks call md.block.tokenize


def _keep_as_text(state: StateBlock, line: int, endLine: int) -> None:
    """The lines this block owns (up to a line indented less), as one plain paragraph."""
    stop = line
    while stop < endLine and (state.isEmpty(stop) or state.sCount[stop] >= state.blkIndent):
        stop += 1
    _report(state, "warning",
            f"lists or quotes nested more than {state.md.options.maxNesting} levels deep: "
            "the rest is shown as plain text", "nest less deeply", line)
    token = state.push("paragraph_open", "p", 1)
    token.map = [line, stop]
    token = state.push("inline", "", 0)
    token.content = state.getLines(line, stop, state.blkIndent, False).strip()
    token.map = [line, stop]
    token.children = []
    state.push("paragraph_close", "p", -1)
    state.line = stop


def docket_limits_plugin(md: MarkdownIt, **_: Any) -> None:
    md.block.ruler.before("table", "docket_table_limit", table_limit_rule,
                          {"alt": ["paragraph", "reference"]})
    guard_nesting(md)
