"""Plain-language hints for the mistakes writers make most: what is wrong, and what to write instead.

Pure functions of the value a writer typed, shared by the front-matter readers
(``fields.py``, ``frontmatter.py``) and the graph (``graph.py``). Each returns
"" when it has nothing better to say than the message itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

MAX_ID = 120
# A figure's name makes the table's page /table/by-<name>/: 60 characters are at most 240 bytes
# of UTF-8, so that folder's name stays under the 255 bytes a file system allows.
MAX_FIGURE_NAME = 60
MAX_LANGUAGE_TAG = 64  # the BCP 47 grammar has no limit; Pagefind names files after the site's tag
# RFC 5646 (BCP 47) langtag, and a private-use tag alone ("x-klingon"): language with its
# extlangs, script, region, variants, extensions, private use. Case is not significant.
_ALNUM = "[a-z0-9]"
_LANGTAG = re.compile(
    # The grammar's 4- to 8-letter languages are reserved and none is registered: "english" is a mistake.
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}"  # language (extlang)
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"  # region
    rf"(?:-(?:{_ALNUM}{{5,8}}|[0-9]{_ALNUM}{{3}}))*"  # variants
    rf"(?:-[a-wyz0-9](?:-{_ALNUM}{{2,8}})+)*"  # extensions
    rf"(?:-x(?:-{_ALNUM}{{1,8}})+)?"  # private use
    rf"|x(?:-{_ALNUM}{{1,8}})+)", re.IGNORECASE)
_NUMBER = r"\d+(?:\.\d+)?"
_QUOTED_NUMBER = re.compile(rf"^{_NUMBER}$")
# 1,000 / 12.345.678 / 1 000 / 1'000 / 1’000: groups of three after the first
_SEPARATED = re.compile(r"^\d{1,3}(?:([,. '’])\d{3})(?:\1\d{3})*$")
_ESTIMATE = re.compile(rf"^(?:about|around|approx\.?|approximately|roughly|circa|ca\.?|c\.|some|nearly|almost|"
                       rf"an estimated|estimated|est\.?|~|≈|±)\s*({_NUMBER})$", re.IGNORECASE)
_AT_LEAST = re.compile(rf"^(?:(?:at least|more than|over|>|>=|≥)\s*({_NUMBER})|({_NUMBER})\s*(?:\+|or more))$",
                       re.IGNORECASE)
_RANGE = re.compile(rf"^({_NUMBER})\s*(?:-|–|—|to)\s*({_NUMBER})$", re.IGNORECASE)
_ONE_NUMBER = re.compile(rf"(?<![\d.]){_NUMBER}(?![\d.])")
# A float typed with a dot between groups of three, which YAML reads as a small number: 1.000 -> 1.0
DOT_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
# Figures hold one exact number; the content format has no field for estimates (see docs/content-format.md).
_IN_THE_TEXT = "in the summary or body"


def figure_hint(key: str, value: object) -> str:
    """What to write instead of a figure that is text: a quoted number, separators, an estimate…"""
    if not isinstance(value, str):
        return ""
    text = value.strip()
    if _QUOTED_NUMBER.match(text):
        return f"write the number without quotes: {key}: {text}"
    if _SEPARATED.match(text):
        digits = re.sub(r"\D", "", text)
        return f"write {digits} without separators: {key}: {digits}"
    if m := _ESTIMATE.match(text):
        return (f"a figure is a number only: write {key}: {m[1]} and say {_IN_THE_TEXT} "
                "that it is an estimate")
    if m := _AT_LEAST.match(text):
        return (f"a figure is a number only: write the confirmed minimum, {key}: {m[1] or m[2]}, "
                f"and say 'at least' {_IN_THE_TEXT}")
    if m := _RANGE.match(text):
        return (f"a figure is one number: write the lower bound, {key}: {m[1]}, and give the range "
                f"({m[1]}-{m[2]}) {_IN_THE_TEXT}")
    numbers = _ONE_NUMBER.findall(text)
    if len(numbers) == 1:
        return f"write the number alone: {key}: {numbers[0]}"
    if not numbers:
        return f"a figure must be a number: leave {key} out until it is known, and describe it {_IN_THE_TEXT}"
    return ""


def dot_thousands_hint(key: str, raw: str) -> str:
    digits = raw.replace(".", "")
    return f"if you mean {digits}, write {digits} without separators: {key}: {digits}"


def id_problem(value: str) -> str:
    """Exactly what keeps ``value`` from being an id (see fields.ID_PATTERN), or "" when its form is fine."""
    if not value:
        return "an id cannot be empty"
    wrong = (["capital letters"] if any(ch.isupper() for ch in value) else []) + [
        _character(ch) for ch in dict.fromkeys(value)
        if not ch.isupper() and not (ch.isascii() and (ch.isalnum() or ch in "-_"))][:3]
    if wrong:
        listed = wrong[0] if len(wrong) == 1 else ", ".join(wrong[:-1]) + " or " + wrong[-1]
        return f"use lowercase letters, digits and '-' (not {listed})"
    for end, where in ((value[0], "start"), (value[-1], "end")):
        if end in "-_":
            return f"an id must not {where} with '{end}'"
    if len(value) > MAX_ID:
        return f"an id is at most {MAX_ID} characters long; this one has {len(value)} characters"
    return ""


def language_problem(value: str) -> str:
    """What keeps ``value`` from being a BCP 47 language tag ("pt-BR", "zh-Hant"), or "" when it is one."""
    if len(value) > MAX_LANGUAGE_TAG:
        return f"is too long for a language tag ({len(value)} characters; at most {MAX_LANGUAGE_TAG})"
    if not _LANGTAG.fullmatch(value):
        return "is not a language tag"
    return ""


def figure_name_problem(name: str) -> tuple[str, str]:
    """What keeps ``name`` from naming a figure (and its page /table/by-<name>/), and what to write."""
    if len(name) > MAX_FIGURE_NAME:
        return (f"a figure name is at most {MAX_FIGURE_NAME} characters long; this one has {len(name)}",
                "it names the table's page /table/by-<name>/: use a short name such as 'killed'")
    bad = [ch for ch in "/\\" if ch in name]
    if bad:
        better = re.sub(r"[/\\]+", "_", name)
        return (f"a figure name cannot hold {bad[0]!r}: it names the table's page /table/by-<name>/",
                f"write {better!r}")
    if not name[:1].isalnum():
        return ("a figure name starts with a letter or digit: it names the table's page /table/by-<name>/",
                "use a name such as 'killed' or 'missing_persons'")
    return "", ""


def _character(ch: str) -> str:
    if ch == " ":
        return "a space"
    return repr(ch) if ch.isprintable() else f"the character U+{ord(ch):04X}"


MIN_TYPO_LENGTH = 6  # below this, one letter apart is as likely another id as a typo ("un", "eu")


class NearMisses:
    """Which of ``choices`` a word is almost surely a typo of; built once, asked once per distinct word.

    Stricter than ``did_you_mean``: this decides whether to warn about a value
    that is allowed (an entity named without a file), so neither 'el-paso'
    beside 'el-paso-police' nor 'iran-ministry-of-health' beside
    'sudan-ministry-of-health' may count. A near miss is the same letters with
    other separators ('hellenic-coastguard', 'hellenic-coast-guard'), or one
    typing slip away: a letter added, dropped, changed, or two swapped. Slips
    are found with a symmetric-delete index (each choice, and each choice less
    one character), so a question costs the length of the word, not the number
    of choices: a 10,000-incident site asks tens of thousands of times.
    """

    def __init__(self, choices: Iterable[str]) -> None:
        self.by_bare: dict[str, list[str]] = {}
        self.by_delete: dict[str, list[str]] = {}
        for choice in sorted(set(choices)):  # in order, so the first of several wins
            self.by_bare.setdefault(_bare(choice), []).append(choice)
            for key in _deletes(choice):
                self.by_delete.setdefault(key, []).append(choice)
        self.answers: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        if word not in self.answers:
            self.answers[word] = self._find(word)
        return self.answers[word]

    def _find(self, word: str) -> str:
        same = [c for c in self.by_bare.get(_bare(word), ()) if c != word]
        if same:
            return same[0]
        if len(word) < MIN_TYPO_LENGTH:
            return ""
        slips = {c for key in _deletes(word) for c in self.by_delete.get(key, ()) if c != word}
        return min(slips, default="")


def _deletes(word: str) -> set[str]:
    """The word and the word less each one of its characters."""
    return {word} | {word[:i] + word[i + 1:] for i in range(len(word))}


def _bare(ident: str) -> str:
    return ident.replace("-", "").replace("_", "")


def tab_column(line_text: str, column: int, problem: str) -> int:
    """The 1-based column of the tab YAML refused on ``line_text``, or 0 when the problem is not a tab.

    libyaml points at the tab itself ("found character that cannot start any
    token"); when it points elsewhere but names a tab, the first tab of the line is meant.
    """
    if 0 < column <= len(line_text) and line_text[column - 1] == "\t":
        return column
    if "tab" in problem and "\t" in line_text:
        return line_text.index("\t") + 1
    return 0


# -- ' #' that cuts a plain value short --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cut:
    """A plain value followed on its line by what YAML reads as a comment: 'title: Case #2: 53 die'."""

    value: str  # what YAML read: 'Case' ('' when the comment is the whole value)
    dropped: str  # the comment, '#2: 53 die'
    quoted: str  # the line as the writer likely meant it, without its indent: 'title: "Case #2: 53 die"'


# A comment after a value, as YAML sees it: whitespace, then '#'. It was likely meant as text when the
# '#' is followed by a character ('#2', '#SanAntonio') or, after a value, by one space only
# ('Fire # 2'); 'place:    # e.g. a town', set apart as the archetypes write comments, was not.
_COMMENT_AFTER = re.compile(r"([ \t]+)#(\S?)")


def find_cut(line: str, start: int, end: int, value: str) -> Cut | None:
    """The Cut of a plain one-line value at columns ``start``-``end`` of ``line``, or None."""
    m = _COMMENT_AFTER.match(line, end)
    if m is None or not (m[2] or (value and len(m[1]) == 1)):
        return None
    dropped = line[m.end(1):].rstrip()
    meant = (line[start:end] + m[1] + dropped) if value else dropped
    prefix = line[:start].strip()
    return Cut(value, dropped, f"{prefix} {json.dumps(meant, ensure_ascii=False)}".strip())


# -- YAML syntax errors in the writer's words --------------------------------------------------

# One 'key: value' line, maybe a list item's first key: its indent and dash, the key, the value.
_KEY_LINE = re.compile(r"^(?P<lead>[ \t]*(?:-[ \t]+)?)(?P<key>[^\s#'\"\[\]{}&*!|>%@`,-][^:#]*?):"
                       r"(?:[ \t]+(?P<value>.*?))?[ \t]*$")
_EMPTY_COLLECTION = re.compile(r"^(?P<value>\[\]|\{\})[ \t]*(?:#.*)?$")
_FLOW_LIST = re.compile(r"^\[(?P<items>.*?)\]?$")


@dataclass(frozen=True, slots=True)
class SyntaxExplained:
    """A YAML syntax error told by the field it is in and the line to write instead."""

    line: int  # 0-based, in the YAML text
    column: int  # 1-based, of the key
    field: str
    message: str
    hint: str


def explain_yaml_error(lines: list[str], problem: str, line: int, column: int,
                       context: str, context_line: int | None) -> SyntaxExplained | None:
    """What a writer did to get PyYAML's ``problem`` at ``line``/``column`` (0-based), or None.

    Three mistakes a new writer makes, each recognised by the text itself: ': ' inside a plain
    value, list items under an archetype's 'key: []', and ' #' inside a '[...]' list.
    """
    if problem.startswith("mapping values are not allowed") and line < len(lines):
        return _colon_in_value(lines[line], line, column)
    if context.startswith("while parsing a flow"):
        # libyaml may point past the list (to the end of the text): the list is the last one opened above.
        last = min(line if context_line is None else context_line, len(lines) - 1)
        opened = next((i for i in range(last, -1, -1) if _opens_flow_list(lines[i])), None)
        return _comment_in_flow_list(lines[opened], opened) if opened is not None else None
    return _items_under_empty(lines, line)


def _colon_in_value(text: str, line: int, column: int) -> SyntaxExplained | None:
    m = _KEY_LINE.match(text)
    if m is None or not m["value"] or column < m.start("value") or m["value"][0] in "'\"[{|>&*!":
        return None  # the ':' is the key's own (an indent mistake), or the value is not plain text
    value = m["value"].split(" #", 1)[0].rstrip()
    fixed = f"{m['lead'].strip()} {m['key']}: {_quoted(value)}".strip()
    return SyntaxExplained(line, column + 1, m["key"], "': ' inside a value that is not in quotes reads as the start "
                           "of another key", f"put the whole value in quotes: {fixed}")


def _items_under_empty(lines: list[str], line: int) -> SyntaxExplained | None:
    """'sources: []' followed by '- ' items (or 'figures: {}' by keys): the brackets already closed it."""
    if line >= len(lines) or not lines[line].strip():
        return None
    above = next((i for i in range(line - 1, -1, -1) if lines[i].strip() and not lines[i].lstrip().startswith("#")),
                 None)
    m = _KEY_LINE.match(lines[above]) if above is not None else None
    empty = _EMPTY_COLLECTION.match(m["value"] or "") if m is not None else None
    if m is None or empty is None or above is None:
        return None
    brackets, key = empty["value"], m["key"]
    below = lines[line].lstrip()
    deeper = len(lines[line]) - len(below) > len(m["lead"])
    if not (below.startswith("-") if brackets == "[]" else deeper and _KEY_LINE.match(below)):
        return None  # another mistake on the line below an empty list
    what = ("an empty list, so the '- ' items below cannot be added to it" if brackets == "[]"
            else "an empty mapping, so the keys below cannot be added to it")
    return SyntaxExplained(above, m.start("key") + 1, key, f"'{key}: {brackets}' is {what}",
                           f"remove the '{brackets}': write '{key}:' alone, with the entries indented under it")


def _opens_flow_list(text: str) -> bool:
    m = _KEY_LINE.match(text)
    return m is not None and (m["value"] or "").startswith("[")


def _comment_in_flow_list(text: str, line: int) -> SyntaxExplained | None:
    m = _KEY_LINE.match(text)
    flow = _FLOW_LIST.match(m["value"] or "") if m is not None else None
    if m is None or flow is None or " #" not in f" {flow['items']}":
        return None
    items = [item.strip() for item in flow["items"].split(",")]
    fixed = ", ".join(_quoted(item) if "#" in item else item for item in items)
    return SyntaxExplained(line, m.start("key") + 1, m["key"],
                           "' #' starts a YAML comment, which hides the rest of the line, the closing ']' included",
                           f"put the item in quotes: {m['key']}: [{fixed}]")


def _quoted(text: str) -> str:
    """A double-quoted YAML scalar; JSON's escapes are YAML's."""
    return json.dumps(text, ensure_ascii=False)
