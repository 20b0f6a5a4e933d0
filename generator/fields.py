"""Typed readers for front-matter fields: each returns a clean value or reports why not.

A ``Fields`` wraps one mapping of a parsed document (the whole front matter, a
``location``, one entry of ``sources``) and knows the path to it, so every
diagnostic names the exact field and line.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from typing import Any

from slugify import slugify

from .diagnostics import Diagnostics, did_you_mean
from .frontmatter import INVALID, Document, FieldPath, dotted
from .hints import DOT_THOUSANDS, Cut, dot_thousands_hint, figure_hint, id_problem, language_problem
from .model import Moment, Reference
from .urls import EXPECTED, UrlUse, iri_to_uri, is_windows_reserved, url_problem

# Ids and slugs become folder names and URLs: lowercase ASCII letters, digits,
# '-' and '_' only, so that no id can climb out of the output folder or differ
# from another only by case on a case-insensitive disk.
ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9_-]{0,118}[a-z0-9])?$")
MAX_TEXT = 100_000
MAX_NUMBER = 10**15


def slug_hint(value: str) -> str:
    """What is wrong with an id (capitals, a space, a '-' at an end…) and a valid form of it."""
    problem = (id_problem(value) if isinstance(value, str) else "") or "use lowercase letters, digits and '-'"
    suggestion = slugify(value, max_length=120, word_boundary=True) if isinstance(value, str) else ""
    if suggestion and is_valid_id(suggestion) and suggestion != value:
        return f"{problem}, e.g. '{suggestion}'"
    if suggestion and ID_PATTERN.match(suggestion):
        return f"{problem}; {reserved_hint(suggestion)}"
    return problem


def is_valid_id(value: Any) -> bool:
    """Safe as a folder name on every system: the pattern, and no Windows device name."""
    return isinstance(value, str) and bool(ID_PATTERN.match(value)) and not is_windows_reserved(value)


def reserved_problem(value: Any) -> str:
    """Why an id of the right form is still unsafe (a Windows device name: 'con', 'lpt1'), or ""."""
    if not (isinstance(value, str) and ID_PATTERN.match(value) and is_windows_reserved(value)):
        return ""
    return (f"{value!r} is a device name Windows reserves, "
            "so a file or folder with this name cannot be checked out or copied on Windows")


def reserved_hint(value: str, noun: str = "report") -> str:
    return f"add a word: '{value}-{noun}'"


FIELD_LINES_DEPTH = 3  # "claims[1].by", "location.place": deep enough for every check that names a line


class Fields:
    def __init__(self, doc: Document, diags: Diagnostics, tz: dt.tzinfo,
                 data: dict[str, Any] | None = None, at: FieldPath = ()):
        self.doc = doc
        self.diags = diags
        self.tz = tz
        self.data: dict[str, Any] = doc.data if data is None else data
        self.at = at

    # -- reporting ---------------------------------------------------------
    def line(self, key: str | int | None = None) -> int:
        return self.doc.line_of(self.at + ((key,) if key is not None else ()))

    def name(self, key: str | int | None = None) -> str:
        return dotted(self.at + ((key,) if key is not None else ()))

    def field_lines(self, depth: int = FIELD_LINES_DEPTH) -> tuple[tuple[str, int], ...]:
        """The line of every field up to ``depth`` levels below this one, by dotted name."""
        at, size = self.at, len(self.at)
        return tuple((dotted(path), line) for path, line in self.doc.lines.items()
                     if path[:size] == at and 0 < len(path) - size <= depth)

    def error(self, key: str | int | None, message: str, hint: str = "") -> None:
        self.error_at(self.at + ((key,) if key is not None else ()), message, hint)

    def error_at(self, where: FieldPath, message: str, hint: str = "") -> None:
        """An error at any field below this one, with the line and column of its key (or list item)."""
        line, column = self.doc.where(where)
        self.diags.error(self.doc.path, line, dotted(where), message, hint, column=column)

    def warning(self, key: str | int, message: str, hint: str = "") -> None:
        self.warn_at(self.at + (key,), message, hint)

    def warn_at(self, where: FieldPath, message: str, hint: str = "") -> None:
        line, column = self.doc.where(where)
        self.diags.warning(self.doc.path, line, dotted(where), message, hint, column=column)

    def warn_unknown(self, known: Iterable[str]) -> None:
        known = set(known)
        for key in self.data:
            if key not in known:
                hint = did_you_mean(key, known) or "known keys: " + ", ".join(sorted(known))
                self.warning(key, "unknown key", hint)

    # -- raw access --------------------------------------------------------
    def has(self, key: str) -> bool:
        return self.data.get(key) not in (None, INVALID)

    def raw(self, key: str, required: bool = False, what: str = "a value") -> Any:
        value = self.data.get(key)
        if value is INVALID:
            return None
        if value is None or value == "" or value == []:
            if required:
                if key in self.data:
                    self.error(key, f"is empty; expected {what}")
                else:
                    line, column = self.doc.where(self.at)
                    self.diags.error(self.doc.path, line, self.name(key), f"missing required field; expected {what}",
                                     column=column)
            return None
        return value

    def warn_cut(self, where: FieldPath) -> bool:
        """Warn when ' #' cut the text at ``where`` short (YAML read the rest of its line as a comment)."""
        cut = self.doc.cuts.get(where)
        if cut is not None:
            self.warn_at(where, cut_message(cut), cut_hint(cut))
        return cut is not None

    # -- typed values ------------------------------------------------------
    def text(self, key: str, required: bool = False, default: str = "") -> str:
        self.warn_cut(self.at + (key,))
        value = self.raw(key, required, "text")
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, (str, int, float, dt.date)):
            self.error(key, f"expected text, got {_describe(value)}")
            return default
        text = str(value).strip()
        if len(text) > MAX_TEXT:
            self.error(key, f"text is too long ({len(text)} characters; at most {MAX_TEXT})")
            return default
        return text

    def language(self, key: str, default: str = "") -> str:
        """A BCP 47 language tag ("es", "pt-BR"): it goes into ``lang``, and Pagefind names files after it."""
        value = self.text(key)
        problem = language_problem(value) if value else ""
        if problem:
            mended = re.sub(r"[\s_]+", "-", value)  # "pt BR", "pt_BR": the parts are right, the joins are not
            hint = (f"write {mended!r}" if not language_problem(mended) else
                    "expected a tag such as 'es', 'fr' or 'pt-BR' (a language, then '-' and a region or script)")
            self.error(key, f"{value!r} {problem}", hint)
            return default
        return value or default

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of short texts; a single text is taken as a list of one."""
        if self.data.get(key) is None:  # 'tags: #SanAntonio': the comment is the whole value
            self.warn_cut(self.at + (key,))
        value = self.raw(key)
        if value is None:
            return ()
        items = value if isinstance(value, list) else [value]
        out = []
        for i, item in enumerate(items):
            where = self.at + ((key, i) if isinstance(value, list) else (key,))
            if item is INVALID:  # already reported where it was parsed
                continue
            cut = self.doc.cuts.get(where)
            if isinstance(item, bool) or not isinstance(item, (str, int, float)) or not str(item).strip():
                if cut is not None:  # '- #SanAntonio': the comment is the whole item
                    self.error_at(where, cut_message(cut), cut_hint(cut))
                else:
                    self.error_at(where, f"expected text, got {_describe(item)}")
                continue
            self.warn_cut(where)
            out.append(str(item).strip())
        return tuple(dict.fromkeys(out))

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.raw(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(key, f"expected true or false, got {_describe(value)}")
            return default
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: str = "") -> str:
        value = self.data.get(key)
        if value is False and "false" in choices:  # `status: false` unquoted is YAML's boolean
            return "false"
        value = self.raw(key)
        if value is None:
            return default
        if not isinstance(value, str) or value not in choices:
            hint = did_you_mean(str(value), choices)
            self.error(key, f"expected one of {', '.join(choices)}, got {_describe(value)}", hint)
            return default
        return value

    def number(self, key: str | int, value: Any, minimum: float = 0) -> int | float | None:
        if value is INVALID:
            return None
        if not is_number(value):
            self.error(key, f"expected a number >= {minimum:g}, got {_describe(value)}", figure_hint(str(key), value))
            return None
        if value < minimum:
            self.error(key, f"expected a number >= {minimum:g}, got {value!r}")
            return None
        typed = self.doc.float_texts.get(self.at + (key,), "")
        if DOT_THOUSANDS.match(typed):  # YAML read "1.000" as 1.0: almost surely one thousand
            self.warning(key, f"{typed} reads as the number {value:g}", dot_thousands_hint(str(key), typed))
        number: int | float = value
        return number

    def coordinate(self, key: str, limit: float) -> float | None:
        value = self.raw(key)
        if value is None:
            return None
        if not is_number(value):
            self.error(key, f"expected a number between -{limit:g} and {limit:g}, got {_describe(value)}")
            return None
        if not -limit <= value <= limit:
            self.error(key, f"expected a number between -{limit:g} and {limit:g}, got {value!r}")
            return None
        return float(value)

    def moment(self, key: str, required: bool = False, approximate: bool = False) -> Moment | None:
        value = self.raw(key, required, "a date (YYYY-MM-DD)")
        if value is None:
            return None
        if isinstance(value, str):
            value = _parse_iso(value)
        if isinstance(value, dt.datetime):
            aware = value if value.tzinfo else value.replace(tzinfo=self.tz)
            return Moment(aware, True)
        if isinstance(value, dt.date):
            return Moment(dt.datetime(value.year, value.month, value.day, tzinfo=self.tz), False)
        if approximate:
            self.error(key, f"expected a date (YYYY-MM-DD, or YYYY-MM or YYYY when that is all that is known), "
                       f"got {_describe(self.data.get(key))}", APPROXIMATE_HINT)
        else:
            self.error(key, f"expected a date (YYYY-MM-DD), got {_describe(self.data.get(key))}",
                       "write it as YYYY-MM-DD, e.g. 2023-03-27")
        return None

    def event_date(self, key: str, required: bool = False) -> Moment | None:
        """When something happened: a date (and time), or only its month (2022-06) or year (2022).

        YAML reads ``2022`` as a number and ``2022-06`` as text; both are taken, anything else is not.
        """
        value = self.raw(key, required, "a date (YYYY-MM-DD, or YYYY-MM or YYYY when that is all that is known)")
        if value is None:
            return None
        text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
        approximate = APPROXIMATE_DATE.match(text)
        if approximate is None or ISO_DATE.match(text):
            return self.moment(key, required, approximate=True)
        year, month = int(approximate["year"]), approximate["month"]
        if month is not None and not 1 <= int(month) <= 12:
            self.error(key, f"{text!r} is not a month: there is no month {month}", APPROXIMATE_HINT)
            return None
        first = dt.datetime(year, int(month or 1), 1, tzinfo=self.tz)
        return Moment(first, False, "year" if month is None else "month")

    def url(self, key: str, required: bool = False, use: UrlUse = "web") -> str:
        """A URL checked against the site's one URL policy (``urls.url_problem``), as plain ASCII."""
        value = self.text(key, required)
        if not value:
            return ""
        problem = url_problem(value, use)
        if problem:
            self.error(key, f"{problem}, got {value[:80]!r}", EXPECTED[use])
            return ""
        return iri_to_uri(value)

    def identifier(self, key: str, required: bool = False, what: str = "an id", noun: str = "report") -> str:
        value = self.raw(key, required, what)
        if value is None:
            return ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if reserved_problem(value):
            self.error(key, f"unsafe {what}: {reserved_problem(value)}", reserved_hint(value, noun))
            return ""
        if not is_valid_id(value):
            self.error(key, f"unsafe or invalid {what} {_describe(value)}", slug_hint(str(value)))
            return ""
        ident: str = value
        return ident

    def references(self, key: str) -> tuple[Reference, ...]:
        """A list of ids (a single id is taken as a list of one)."""
        value = self.raw(key)
        if value is None:
            return ()
        items = value if isinstance(value, list) else [value]
        out: list[Reference] = []
        for i, item in enumerate(items):
            where = self.at + ((key, i) if isinstance(value, list) else (key,))
            ref = self.reference_at(where, item)
            if ref and ref.id not in {r.id for r in out}:
                out.append(ref)
        return tuple(out)

    def reference_at(self, where: FieldPath, item: Any) -> Reference | None:
        if item is INVALID:
            return None
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            item = str(item)
        if reserved_problem(item):
            # An id under 'entities' makes a page of its own, so it must be a safe folder name too.
            self.error_at(where, f"unsafe id: {reserved_problem(item)}", reserved_hint(item))
            return None
        if not is_valid_id(item):
            hint = slug_hint(item) if isinstance(item, str) else ""
            self.error_at(where, f"expected an id, got {_describe(item)}", hint)
            return None
        return Reference(item, self.doc.path, self.doc.line_of(where), dotted(where))

    def mapping(self, key: str) -> Fields | None:
        value = self.raw(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.error(key, f"expected a mapping of 'key: value' lines, got {_describe(value)}")
            return None
        return Fields(self.doc, self.diags, self.tz, value, self.at + (key,))

    def entries(self, key: str) -> list[Fields | tuple[FieldPath, Any]]:
        """The items of a list field: a Fields for each mapping, (path, raw value) otherwise."""
        value = self.raw(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(key, f"expected a list, got {_describe(value)}",
                       f"write each entry on a '- ' line under '{key}:'")
            return []
        out: list[Fields | tuple[FieldPath, Any]] = []
        for i, item in enumerate(value):
            if item is INVALID:
                continue
            if isinstance(item, dict):
                out.append(Fields(self.doc, self.diags, self.tz, item, self.at + (key, i)))
            else:
                out.append((self.at + (key, i), item))
        return out

    def records(self, key: str, known: tuple[str, ...], required: tuple[str, ...]) -> list[Fields]:
        """The entries of a list of mappings (coverage, claims, updates, nav), checked for unknown keys."""
        out = []
        for entry in self.entries(key):
            if isinstance(entry, Fields):
                entry.warn_unknown(known)
                out.append(entry)
                continue
            where, _ = entry
            wanted = " and ".join(f"'{k}'" for k in required)
            self.error_at(where, f"expected a mapping with {wanted}")
        return out


def cut_message(cut: Cut) -> str:
    if not cut.value:
        return f"is empty: ' #' starts a YAML comment, so '{cut.dropped}' is not read"
    return f"reads as {cut.value!r}: ' #' starts a YAML comment, so '{cut.dropped}' is dropped"


def cut_hint(cut: Cut) -> str:
    return f"if the '#' belongs to the text, put it in quotes: {cut.quoted}; a comment goes on a line of its own"


def is_number(value: Any) -> bool:
    """A plain, finite number of a sane size (a figure above 10^15 is a typo, not a death toll)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    if isinstance(value, int):
        return abs(value) <= MAX_NUMBER
    return math.isfinite(value) and abs(value) <= MAX_NUMBER


# An approximate date: a year of four digits (not 0000), or a year and month.
APPROXIMATE_DATE = re.compile(r"^(?P<year>(?!0000)\d{4})(?:-(?P<month>\d{2}))?$")
APPROXIMATE_HINT = ("write it as YYYY-MM-DD (2022-06-27), or YYYY-MM (2022-06) when only the month is known, "
                    "or YYYY (2022) when only the year is")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


def _parse_iso(value: str) -> Any:
    """A quoted date in the forms the contract allows (not Python's other ISO forms like 20230327)."""
    text = value.strip()
    if not ISO_DATE.match(text):
        return value
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text)  # Python 3.11 reads a trailing "Z"
    except ValueError:
        return value


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, int) and abs(value) > MAX_NUMBER:
        return "a number too large to be real"
    text = str(value)
    return repr(text[:60] + ("…" if len(text) > 60 else ""))
