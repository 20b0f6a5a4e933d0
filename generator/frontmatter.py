"""Split a Markdown file into YAML front matter and body; parse the YAML with lines.

PyYAML's C composer (``yaml.CSafeLoader``) gives a node tree that still knows
where each key stood. We build the Python values from that tree ourselves
rather than calling ``yaml.load`` because ``load`` throws the lines away,
silently keeps the last of two duplicate keys, and expands aliases without
limit (a "billion laughs" document). Every problem becomes a diagnostic; the
parser never raises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from .diagnostics import Diagnostics
from .hints import Cut, explain_yaml_error, find_cut, tab_column
from .invisible import BIDI_HINT, clean_body, describe, without_bidi

# A writer's front matter has tens of values; a document that expands to more
# than this is an alias bomb or a mistake, never an incident.
MAX_VALUES = 20_000
MAX_DEPTH = 40
# libyaml's composer recurses once per nesting level and crashes the process
# somewhere past 20,000 levels; refuse such text before it reaches the composer.
MAX_NESTING = 5_000
STANDARD_TAGS = {f"tag:yaml.org,2002:{name}" for name in
                 ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}

FieldPath = tuple[str | int, ...]  # str keys and int list indices


def _is_refused_character(ch: str) -> bool:
    """C0 controls but tab and newline, DEL, C1 controls, and Unicode noncharacters.

    PyYAML refuses these when typed raw, but the escapes of double-quoted YAML
    (backslash-x01, -e, -N, -uFFFE) decode to them. In HTML they are parse
    errors, and most of them make feed.xml not well-formed.
    """
    code = ord(ch)
    if code < 0x20:
        return ch not in "\t\n"
    return 0x7F <= code <= 0x9F or 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def refused_character(text: str) -> str:
    """The first character of ``text`` that front matter may not hold, or ""."""
    if text.isprintable():  # the common case, checked in C: no control or noncharacter at all
        return ""
    return next((ch for ch in text if _is_refused_character(ch)), "")


def describe_character(ch: str) -> str:
    kind = "noncharacter" if ord(ch) >= 0xFDD0 else "control character"
    return f"the {kind} U+{ord(ch):04X}"


class Invalid:
    """Stands in for a value already reported as broken, so later checks skip it."""

    _instance: Invalid | None = None

    def __new__(cls) -> Invalid:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "INVALID"


INVALID = Invalid()


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed content file: its front matter, the line of every value, its body."""

    path: str
    data: dict[str, Any]
    lines: dict[FieldPath, int]
    body: str
    body_line: int  # the file line (1-based) on which the body starts
    columns: dict[FieldPath, int] = field(default_factory=dict)  # 1-based, beside each line
    # The text of every plain value YAML read as a float: "1.000" became 1.0, a likely thousands separator
    float_texts: dict[FieldPath, str] = field(default_factory=dict)
    # Every plain value that a ' #' on its line cut short (see Cut): the text readers decide to warn about
    cuts: dict[FieldPath, Cut] = field(default_factory=dict)

    def line_of(self, path: FieldPath) -> int:
        """The line of a field, or of its nearest parent that has one."""
        return self.where(path)[0]

    def where(self, path: FieldPath) -> tuple[int, int]:
        """The line and column of a field, or of its nearest parent that has them (column 0: unknown)."""
        while path:
            if path in self.lines:
                return self.lines[path], self.columns.get(path, 0)
            path = path[:-1]
        return self.lines.get((), 1), 0


def dotted(path: FieldPath) -> str:
    """("sources", 2, "url") -> "sources[2].url", the form diagnostics print."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        name = part if part and part.isprintable() and " " not in part.strip() else repr(part)
        out += f".{name}" if out else name
    return out


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Return (yaml text, body, body start line) or None when no front matter opens."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
    return "", "", -1  # opened but never closed


def parse_document(path: str, text: str, diags: Diagnostics) -> Document | None:
    """Parse one Markdown file with front matter, or report why it cannot be."""
    if not text.strip():
        diags.error(path, 1, "", "empty file", "expected front matter between '---' lines, then Markdown")
        return None
    split = split_front_matter(text)
    if split is None:
        diags.error(path, 1, "", "missing front matter",
                    "the file must start with a '---' line, YAML fields, and a closing '---' line")
        return None
    yaml_text, body, body_line = split
    if body_line < 0:
        diags.error(path, 1, "", "front matter is not closed", "add a line with '---' after the last field")
        return None
    parsed = parse_yaml(path, yaml_text, diags, line_offset=1, what="front matter")
    if parsed is None:
        return None
    body = clean_body(path, body, body_line, diags)
    return Document(path, parsed.data, parsed.lines, body, body_line, parsed.columns, parsed.float_texts,
                    parsed.cuts)


@dataclass(frozen=True, slots=True)
class ParsedYaml:
    data: dict[str, Any]
    lines: dict[FieldPath, int]
    columns: dict[FieldPath, int]
    float_texts: dict[FieldPath, str]
    cuts: dict[FieldPath, Cut] = field(default_factory=dict)


def parse_yaml_mapping(path: str, text: str, diags: Diagnostics, *, line_offset: int = 0,
                       what: str = "file") -> tuple[dict[str, Any] | None, dict[FieldPath, int]]:
    """Parse YAML that must be a mapping; line_offset counts lines above the YAML."""
    parsed = parse_yaml(path, text, diags, line_offset=line_offset, what=what)
    return (parsed.data, parsed.lines) if parsed is not None else (None, {})


def parse_yaml(path: str, text: str, diags: Diagnostics, *, line_offset: int = 0,
               what: str = "file") -> ParsedYaml | None:
    """Parse YAML that must be a mapping, with each value's line and column, or report why it cannot be."""
    too_deep = _too_deep_line(text)
    if too_deep:
        diags.error(path, too_deep + line_offset, "", f"YAML is nested more than {MAX_NESTING} levels deep")
        return None
    try:
        node = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.MarkedYAMLError as exc:
        _report_syntax(path, text, exc, diags, line_offset)
        return None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        position = max(exc.position, 0)
        line = text.count("\n", 0, position) + 1 + line_offset
        column = position - text.rfind("\n", 0, position)
        diags.error(path, line, "", f"malformed YAML: {exc.reason} (character {chr(exc.character)!r})"
                    if isinstance(exc.character, int) else f"malformed YAML: {exc.reason}",
                    "remove the control character (often pasted in with the text)", column=column)
        return None
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        diags.error(path, line_offset + 1, "", f"malformed YAML: {exc}")
        return None
    if node is None:
        return ParsedYaml({}, {(): line_offset + 1}, {}, {})
    if not isinstance(node, yaml.MappingNode):
        diags.error(path, node.start_mark.line + 1 + line_offset, "",
                    f"{what} must be a mapping of 'key: value' lines, got {_node_kind(node)}",
                    column=node.start_mark.column + 1)
        return None
    builder = _ValueBuilder(path, diags, line_offset, text)
    builder.root = node
    try:
        data = builder.build(node, ())
    except _TooBig as exc:
        diags.error(path, exc.line, "", str(exc), exc.hint)
        return None
    builder.lines[()] = line_offset + 1
    return ParsedYaml(data, builder.lines, builder.columns, builder.float_texts, builder.cuts)


def _report_syntax(path: str, text: str, exc: yaml.MarkedYAMLError, diags: Diagnostics, line_offset: int) -> None:
    """PyYAML's complaint as a diagnostic at its line and column; a tab in plain words."""
    mark = exc.problem_mark or exc.context_mark
    last_line = line_offset + text.count("\n") + 1  # PyYAML may point just past the end
    line = min(mark.line + 1 + line_offset, last_line) if mark else line_offset + 1
    past_end = mark is None or mark.line + 1 + line_offset > last_line
    column = 0 if past_end or mark is None else mark.column + 1
    problem = exc.problem or exc.context or "invalid YAML"
    if "maximum nesting depth" in problem:
        # PyYAML 6.0.4's libyaml binding has a nesting limit of its own (1,000 levels):
        # report it in the same words as Docket's own limit, at the line where it started.
        start = exc.context_mark or mark
        line = min(start.line + 1 + line_offset, last_line) if start else line
        diags.error(path, line, "", f"YAML is nested more than {MAX_DEPTH} levels deep",
                    "flatten the value: front matter needs a few levels at most")
        return
    tab = tab_column(text.split("\n")[line - 1 - line_offset], column, problem) if column else 0
    if tab:
        diags.error(path, line, "", f"malformed YAML: a tab at column {tab}: YAML indents with spaces",
                    "replace the tab with spaces", column=tab)
        return
    lines = text.split("\n")
    explained = explain_yaml_error(lines, exc.problem or "", line - 1 - line_offset, max(column - 1, 0),
                                   exc.context or "", exc.context_mark.line if exc.context_mark else None)
    if explained is not None:
        at = explained.line + 1 + line_offset
        diags.error(path, at, explained.field, f"malformed YAML: {explained.message}", explained.hint,
                    column=explained.column)
        return
    if exc.problem and exc.context and exc.context_mark:
        context_line = min(exc.context_mark.line + 1 + line_offset, last_line)
        problem += f" ({exc.context} that starts on line {context_line})"
    diags.error(path, line, "", f"malformed YAML: {problem}",
                "check the indentation and quote values that contain ':' or '#'", column=column)


def _too_deep_line(text: str) -> int:
    """The line where nesting passes MAX_NESTING, or 0.

    Every nesting level costs at least one character, so short text needs no
    check; long text is walked with libyaml's event parser, which keeps its own
    stack instead of recursing.
    """
    if len(text) <= MAX_NESTING:
        return 0
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_NESTING:
                    return event.start_mark.line + 1 if event.start_mark else 1
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return 0  # malformed: compose reports it with its line
    return 0


def _tag_name(tag: str) -> str:
    """'tag:yaml.org,2002:set' -> '!!set', the form the writer typed."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix):] if tag.startswith(prefix) else tag


def _node_kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.ScalarNode):
        return f"the text {node.value[:40]!r}"
    return "something else"


class _TooBig(Exception):
    def __init__(self, message: str, line: int, hint: str = ""):
        super().__init__(message)
        self.line = line
        self.hint = hint


def _too_many(root: yaml.Node, line: int) -> _TooBig:
    """The limit, what the text holds, and aliases named only when they made the difference."""
    written = _values_written(root)
    if written > MAX_VALUES:
        return _TooBig(f"the YAML has {written:,} values; at most {MAX_VALUES:,} are allowed", line,
                       "front matter needs tens of values: put long lists in the body or split the file")
    return _TooBig(f"the YAML expands to more than {MAX_VALUES:,} values through its anchors and aliases "
                   f"(it has {written:,} values as written)", line,
                   "repeat fewer aliases, or write the values out")


def _values_written(root: yaml.Node) -> int:
    """The values of a composed document as written: each node once, however many aliases repeat it.

    Bounded by the text's size (the composer has already made every node), not by the expansion.
    """
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend(value for _key, value in node.value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return len(seen)


class _ValueBuilder:
    """Turns composed YAML nodes into Python values, recording each one's line."""

    def __init__(self, path: str, diags: Diagnostics, line_offset: int, text: str):
        self.path = path
        self.text_lines = text.split("\n")
        self.diags = diags
        self.offset = line_offset
        self.lines: dict[FieldPath, int] = {}
        self.columns: dict[FieldPath, int] = {}
        self.float_texts: dict[FieldPath, str] = {}
        self.cuts: dict[FieldPath, Cut] = {}
        self.count = 0
        self.root: yaml.Node | None = None
        self.constructor = SafeConstructor()

    def line(self, node: yaml.Node) -> int:
        return node.start_mark.line + 1 + self.offset

    def error(self, node: yaml.Node, at: FieldPath, message: str, hint: str = "") -> None:
        self.diags.error(self.path, self.line(node), dotted(at), message, hint, column=node.start_mark.column + 1)

    def place(self, at: FieldPath, node: yaml.Node) -> None:
        self.lines[at] = self.line(node)
        self.columns[at] = node.start_mark.column + 1

    def build(self, node: yaml.Node, at: FieldPath) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise _too_many(self.root or node, self.line(node))
        if len(at) > MAX_DEPTH:
            raise _TooBig(f"YAML is nested more than {MAX_DEPTH} levels deep", self.line(node))
        if not isinstance(node, yaml.ScalarNode) and node.tag not in STANDARD_TAGS:
            self.error(node, at, f"unsupported YAML tag {_tag_name(node.tag)!r}", "remove the '!' tag")
            return INVALID
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, at)
        if isinstance(node, yaml.SequenceNode):
            return [self.item(child, at + (i,)) for i, child in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)  # the composer makes only these three kinds
        return self.scalar(node, at)

    def item(self, node: yaml.Node, at: FieldPath) -> Any:
        if at not in self.lines:
            self.place(at, node)
        return self.build(node, at)

    def mapping(self, node: yaml.MappingNode, at: FieldPath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                self.error(key_node, at, "keys must be plain names")
                continue
            key = key_node.value
            here = at + (key,)
            if not self.allowed_text(key, key_node, here):
                continue
            if key in out:
                first = self.lines.get(here, 0)
                self.error(key_node, here, f"duplicate key (first given on line {first})",
                           "YAML keeps only one of them: remove or rename one")
                continue
            self.place(here, key_node)
            out[key] = self.build(value_node, here)
        return out

    def scalar(self, node: yaml.ScalarNode, at: FieldPath) -> Any:
        if node.tag not in STANDARD_TAGS:
            self.error(node, at, f"unsupported YAML tag {_tag_name(node.tag)!r}", "remove the '!' tag")
            return INVALID
        try:
            value = self.constructor.construct_object(node, deep=True)
        except Exception as exc:  # noqa: BLE001 - PyYAML's constructors fail in many ways on odd scalars
            reason = f" ({exc})" if isinstance(exc, ValueError) else ""
            if node.tag.endswith(":timestamp"):
                self.error(node, at, f"invalid date {node.value!r}{reason}",
                           "expected YYYY-MM-DD, optionally with a time like 2023-03-27T21:30:00Z")
            else:
                kind = node.tag.rsplit(":", 1)[-1]
                self.error(node, at, f"invalid value {node.value!r} for the YAML type {kind}{reason}")
            return INVALID
        if isinstance(value, str) and not self.allowed_text(value, node, at):
            return INVALID
        if isinstance(value, str):
            value, bidi = without_bidi(value)
            if bidi:  # see invisible.py: removed, as from a body, not refused
                self.diags.warning(self.path, self.line(node), dotted(at), f"{describe(bidi)} removed",
                                   BIDI_HINT, column=node.start_mark.column + 1)
        if isinstance(value, float):  # a plain value (a quoted one is text)
            self.float_texts[at] = node.value
        if not node.style and (value is None or isinstance(value, str)):
            self.note_cut(node, at)
        return value

    def note_cut(self, node: yaml.ScalarNode, at: FieldPath) -> None:
        """Record a plain text (or empty) value that a same-line comment may have cut short."""
        start, end = node.start_mark, node.end_mark
        if start.line != end.line or start.line >= len(self.text_lines):
            return  # a plain value over several lines: rare, and its comment ends the last one
        cut = find_cut(self.text_lines[start.line], start.column, end.column, node.value)
        if cut is not None:
            self.cuts[at] = cut

    def allowed_text(self, text: str, node: yaml.Node, at: FieldPath) -> bool:
        """Report a key or text value that holds a control character once YAML escapes are decoded."""
        ch = refused_character(text)
        if ch:
            self.error(node, at, f"contains {describe_character(ch)}",
                       "remove it: an escape in double quotes such as '\\x01', '\\e' or '\\u0000' "
                       "writes a character no page may hold (tab and newline are fine)")
        return not ch

