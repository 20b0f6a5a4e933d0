"""The diagnostics of a build or check in the form a reader wants: a writer, a program, or GitHub.

- ``text``: the compilers' lines ``path:line: severity: field: message; hint`` and a count
  (exactly ``Diagnostics.report()``);
- ``json``: one object (``REPORT_VERSION`` names its shape; see docs/checks.md);
- ``github``: GitHub Actions workflow commands (``::error file=…,line=…::…``), which the
  runner turns into annotations on the files of a pull request, then a plain count line.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath

from .diagnostics import Diagnostic, Diagnostics, printable

FORMATS = ("text", "json", "github")
# Bumped when a key of the JSON report is removed or changes meaning (adding one does not).
REPORT_VERSION = 1


def render_report(diags: Diagnostics, fmt: str, *, path_prefix: str = "") -> str:
    """``diags`` in the format ``fmt`` (one of ``FORMATS``), without a final newline.

    ``path_prefix`` (the site folder, relative to where the command runs) is put before
    every path of the json and github forms, so that a CI annotation points at the file
    in the repository. The text form stays exactly ``diags.report()``: paths relative
    to the site folder, as every other Docket message prints them.
    """
    if fmt == "text":
        return diags.report()
    if fmt == "json":
        return _json_report(diags, path_prefix)
    if fmt == "github":
        return _github_report(diags, path_prefix)
    raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")


def counts(diags: Diagnostics) -> tuple[int, int]:
    """(errors, warnings), each diagnostic counted once, as ``Diagnostics.report()`` counts them."""
    unique = diags.sorted()
    errors = sum(1 for d in unique if d.is_error)
    return errors, len(unique) - errors


def prefixed(path: str, path_prefix: str) -> str:
    """``path`` (relative to the site, forward slashes) seen from where the command runs."""
    prefix = PurePosixPath(path_prefix.replace("\\", "/")).as_posix() if path_prefix else "."
    if prefix == "." or not path:
        return path
    return f"{prefix.rstrip('/')}/{path}"


# -- json -------------------------------------------------------------------

def _json_report(diags: Diagnostics, path_prefix: str) -> str:
    errors, warnings = counts(diags)
    report = {
        "version": REPORT_VERSION,
        "diagnostics": [_json_item(d, path_prefix) for d in diags.sorted()],
        "counts": {"errors": errors, "warnings": warnings},
    }
    return _ascii_escaped_invisible(json.dumps(report, ensure_ascii=False, indent=2))


def _ascii_escaped_invisible(text: str) -> str:
    """JSON text with every character a terminal would act on written as a \\u escape.

    The values stay exact for a program (a file name with ESC is still that name), and the report
    printed on a terminal cannot rewrite it. Only the indentation's newlines and spaces are kept.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch in "\n " else json.dumps(ch)[1:-1] for ch in text)


def _json_item(d: Diagnostic, path_prefix: str) -> dict[str, str | int]:
    return {"path": prefixed(d.path, path_prefix), "line": d.line, "column": d.column, "severity": d.severity,
            "field": d.field, "message": d.message, "hint": d.hint}


# -- github -----------------------------------------------------------------

def escape_data(text: str) -> str:
    """A workflow command's message: '%', CR and LF would end or garble the command.

    The escapes of GitHub's own toolkit (actions/toolkit, packages/core/src/command.ts);
    '%' first, so that the escapes added after it are not escaped again.
    """
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (``file=…``, ``title=…``): ':' and ',' also end a property there."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(d: Diagnostic, path_prefix: str = "") -> str:
    """One diagnostic as ``::error file=PATH,line=N,col=C,title=FIELD::MESSAGE; HINT``.

    ``line`` and ``col`` are left out when unknown (0): GitHub then annotates the whole file.
    """
    properties = []
    path = printable(prefixed(d.path, path_prefix))
    if path:
        properties.append(("file", path))
    if d.line:
        properties.append(("line", str(d.line)))
        if d.column:  # a column without a line means nothing to GitHub
            properties.append(("col", str(d.column)))
    if d.field:
        properties.append(("title", d.field))
    head = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    message = printable(f"{d.message}; {d.hint}" if d.hint else d.message)
    command = "error" if d.is_error else "warning"
    return f"::{command} {head}::{escape_data(message)}" if head else f"::{command}::{escape_data(message)}"


def _github_report(diags: Diagnostics, path_prefix: str) -> str:
    lines = [github_annotation(d, path_prefix) for d in diags.sorted()]
    lines.append(diags.report().rsplit("\n", 1)[-1])  # the count line: plain text, not an annotation
    return "\n".join(lines)
