"""Characters a reader cannot see, removed from Markdown bodies with a warning on their line.

Control characters (C0 but tab and line breaks, DEL, C1) are errors in HTML and make a feed
unreadable; the bidirectional embeddings, overrides and isolates (U+202A to U+202E, U+2066 to
U+2069) make text display in another order than it is written, so that "\\u202eexe.tsil" shows
as "list.exe" ("Trojan Source"). None of them can be seen in an editor, so a writer rarely put
one there on purpose: they come in with pasted text. Removing them hides no word the reader
could read; refusing the build would block publication over a character nobody can see. So
each is removed, and the writer told where it was (line and column, in characters).

Front matter refuses the control characters outright (``frontmatter.refused_character``) and
removes bidi controls the same way as here (``without_bidi``).
"""

from __future__ import annotations

import re
import unicodedata

from .diagnostics import Diagnostics

BODY_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
MAX_REPORTED = 10  # a file of pasted junk gets this many warnings and a count, not one per character
CONTROL_NAMES = {0x00: "NUL", 0x07: "BEL", 0x08: "BACKSPACE", 0x0B: "VERTICAL TAB", 0x0C: "FORM FEED",
                 0x1B: "ESC", 0x7F: "DEL", 0x85: "NEXT LINE", 0x9B: "CSI"}
BIDI_HINT = ("it can make text display in another order than it is written; to set the direction of "
             "right-to-left text, the marks U+200E and U+200F are kept")
CONTROL_HINT = "it usually comes in with pasted text; delete it"


def describe(ch: str) -> str:
    """"the control character U+001B (ESC)", "the bidi control U+202E (RIGHT-TO-LEFT OVERRIDE)"."""
    code = ord(ch)
    kind = "bidi control" if BIDI.match(ch) else "control character"
    name = unicodedata.name(ch, "") or CONTROL_NAMES.get(code, "")
    return f"the {kind} U+{code:04X}" + (f" ({name})" if name else "")


def clean_body(path: str, body: str, body_line: int, diags: Diagnostics) -> str:
    """``body`` without its invisible characters; a warning for each of the first ``MAX_REPORTED``."""
    if BODY_INVISIBLE.search(body) is None:  # the common case, in C
        return body
    line, line_start, counted_to = body_line, 0, 0
    for reported, match in enumerate(BODY_INVISIBLE.finditer(body)):
        pos = match.start()
        line += body.count("\n", counted_to, pos)
        counted_to = pos
        line_start = body.rfind("\n", 0, pos) + 1
        if reported == MAX_REPORTED:
            cleaned, total = BODY_INVISIBLE.subn("", body)
            diags.warning(path, line, "body", f"{total - MAX_REPORTED:,} more control or bidi characters, "
                          "from this line on, removed from the page", CONTROL_HINT)
            return cleaned
        ch = match.group()
        diags.warning(path, line, "body", f"{describe(ch)} at column {pos - line_start + 1} removed from the page",
                      BIDI_HINT if BIDI.match(ch) else CONTROL_HINT, column=pos - line_start + 1)
    return BODY_INVISIBLE.sub("", body)


def without_bidi(text: str) -> tuple[str, str]:
    """``text`` without bidi controls, and the first one it held ("" when none)."""
    found = BIDI.search(text)
    return (text, "") if found is None else (BIDI.sub("", text), found.group())
