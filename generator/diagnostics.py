"""The one diagnostic type every stage reports with, and the collector they share.

Modelled on compilers' messages (and Hugo's ``herrors.FileError``): a diagnostic
names the file, the line, the field, what went wrong and, where we can tell,
what to do instead. Stages collect them all instead of stopping at the first,
so a writer sees every problem in one run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from difflib import get_close_matches

from .pickling import compact

ERROR = "error"
WARNING = "warning"


@compact
@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    path: str  # relative to the site folder, with forward slashes
    line: int  # 1-based; 0 when the problem has no line (a whole file, a folder)
    severity: str  # ERROR or WARNING
    field: str  # dotted front-matter path ("figures.killed", "sources[2].url"), or ""
    message: str
    hint: str = ""
    column: int = 0  # 1-based; 0 when unknown. Not in the text form (editors jump to the line)

    def format(self) -> str:
        # The path is kept exact for programs (json); on a terminal a file name is the writer's text too.
        where = f"{printable(self.path)}:{self.line}" if self.line else printable(self.path)
        what = f"{self.field}: {self.message}" if self.field else self.message
        text = f"{where}: {self.severity}: {what}"
        return f"{text}; {self.hint}" if self.hint else text

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


@dataclass(slots=True)
class Diagnostics:
    """A bag of diagnostics; stages add to it and the CLI prints it sorted."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, path: str, line: int, field_name: str, message: str, hint: str = "", *,
              column: int = 0) -> None:
        self.add(ERROR, path, line, field_name, message, hint, column)

    def warning(self, path: str, line: int, field_name: str, message: str, hint: str = "", *,
                column: int = 0) -> None:
        self.add(WARNING, path, line, field_name, message, hint, column)

    def add(self, severity: str, path: str, line: int, field_name: str, message: str, hint: str = "",
            column: int = 0) -> None:
        self.items.append(Diagnostic(path, line or 0, severity, _one_line(field_name), _one_line(message),
                                     _one_line(hint), column or 0))

    def extend(self, other: Iterable[Diagnostic]) -> None:
        self.items.extend(other)

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.items)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if not d.is_error]

    def promote_warnings(self) -> None:
        """``--strict``: every warning counts as an error (the build fails and writes nothing)."""
        self.items = [dataclasses.replace(d, severity=ERROR) if not d.is_error else d for d in self.items]

    def sorted(self) -> list[Diagnostic]:
        unique = set(self.items)
        return sorted(unique, key=lambda d: (d.path, d.line, d.severity != ERROR, d.field, d.message))

    def report(self) -> str:
        """Every diagnostic on its own line, sorted by path and line, then a count."""
        lines = [d.format() for d in self.sorted()]
        n_err = len({d for d in self.items if d.is_error})
        n_warn = len({d for d in self.items if not d.is_error})
        lines.append(f"{_plural(n_err, 'error')}, {_plural(n_warn, 'warning')}")
        return "\n".join(lines)


def _one_line(text: str) -> str:
    """Editors and terminals read one diagnostic per line: fold newlines, escape control characters."""
    return printable(" ".join(text.split()))


def printable(text: str) -> str:
    """``text`` safe to print on a terminal: every character that is not printable escaped as repr does.

    A file name or a value may hold ESC (a terminal's escape sequences: colours, the window title,
    clearing the screen), other controls, or a bidi override that shows what follows reversed;
    printed as "\\x1b" or "\\u202e", it says what is there and does nothing.
    """
    if text.isprintable():  # the common case, checked in C
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# Above this many choices, only those that share the word's first letter or its last three are
# compared: difflib costs ~5 µs a choice, and the preview's overlay must not wait 100 ms for a hint
# among 20,000 source ids. A typo rarely changes both ends of an id.
FULL_SEARCH_MAX = 2000


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A "did you mean 'x'?" hint for a typo, or "" when nothing is close."""
    pool = choices if isinstance(choices, Collection) else list(choices)
    if len(pool) > FULL_SEARCH_MAX:
        head, tail = word[:1], word[-3:]
        pool = [c for c in pool if c[:1] == head or c[-3:] == tail]
    close = get_close_matches(word, sorted(pool), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""
