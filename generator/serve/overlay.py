"""What the preview shows in the browser about the last build: an error overlay, a warnings bar.

Like Astro's and Hugo's overlays, but drawn by the server: every HTML page the
preview serves gets the fragment made here injected after ``<body>`` (see
``app.py``), so it shows without any script. A failed build gives a full-window
``<dialog open>`` listing the same lines as the terminal (``Diagnostic.format()``),
each with a code frame read from the site folder when the build failed; a good
build with warnings gives a bar at the bottom of the window. Both close without
JavaScript (``<form method="dialog">``), carry their own inline CSS scoped to
their ids (no request leaves the page, and the page's layout is untouched:
they are ``position: fixed``), and follow the reader's light or dark scheme.

A ``BuildStatus`` is immutable and made in the thread that built; the IOLoop
thread only reads the one in place, so no lock is needed to serve it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment

from ..diagnostics import Diagnostic

CONTEXT_LINES = 2  # lines shown either side of the offending one, as Astro does
MAX_FRAMES = 20  # code frames read and shown; later errors are listed without one
MAX_LISTED = 200  # diagnostics listed; the terminal has the rest
MAX_FRAME_LINE = 400  # characters of a source line shown in a frame (a minified file has very long ones)


@dataclass(frozen=True, slots=True)
class Frame:
    """The offending source line with its neighbours: (line number, text) pairs."""

    path: str
    marked: int
    lines: tuple[tuple[int, str], ...]


@dataclass(frozen=True, slots=True)
class Problem:
    diagnostic: Diagnostic
    frame: Frame | None


@dataclass(frozen=True, slots=True)
class BuildStatus:
    """The outcome the pages show: errors (the build failed), or a good build's warnings."""

    errors: tuple[Problem, ...] = ()
    warnings: tuple[Diagnostic, ...] = ()
    notes: tuple[str, ...] = ()  # one-line failures that are no diagnostic (a deleted site.yaml, a disk error)
    built: bool = False  # whether any build has succeeded, so that there are pages to serve
    fragment: bytes = field(default=b"", compare=False)  # the HTML injected into every page
    key: str = field(default="", compare=False)  # a digest of ``fragment``: open pages reload when it changes

    @property
    def failed(self) -> bool:
        return bool(self.errors or self.notes)


def status_of(site: Path, diagnostics: Iterable[Diagnostic], notes: Iterable[str] = (), *,
              built: bool) -> BuildStatus:
    """The status of a build with these diagnostics (and failures), with code frames read now."""
    unique = sorted(set(diagnostics), key=lambda d: (d.path, d.line, d.field, d.message))
    errors = [d for d in unique if d.is_error]
    warnings = tuple(d for d in unique if not d.is_error)
    files: dict[str, list[str] | None] = {}
    problems = tuple(Problem(d, code_frame(site, d, files) if n < MAX_FRAMES else None)
                     for n, d in enumerate(errors))
    notes = tuple(notes)
    fragment = render_fragment(problems, warnings, notes, built=built) if (problems or notes or warnings) else b""
    return BuildStatus(problems, warnings, notes, built, fragment, hashlib.sha256(fragment).hexdigest()[:16])


def code_frame(site: Path, diagnostic: Diagnostic, files: dict[str, list[str] | None]) -> Frame | None:
    """Lines around the diagnostic's, as the file is now; None without a line or a readable file."""
    if diagnostic.line <= 0 or not diagnostic.path:
        return None
    if diagnostic.path not in files:
        files[diagnostic.path] = _read_lines(site, diagnostic.path)
    lines = files[diagnostic.path]
    if lines is None or diagnostic.line > len(lines):
        return None
    first = max(1, diagnostic.line - CONTEXT_LINES)
    last = min(len(lines), diagnostic.line + CONTEXT_LINES)
    shown = tuple((n, _clip(lines[n - 1])) for n in range(first, last + 1))
    return Frame(diagnostic.path, diagnostic.line, shown)


def _read_lines(site: Path, path: str) -> list[str] | None:
    target = (site / path).resolve()
    if not target.is_relative_to(site.resolve()):  # a diagnostic names only the site's own files
        return None
    try:
        return target.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:  # gone, or a folder: no frame, the line still says what is wrong
        return None


def _clip(line: str) -> str:
    line = line.expandtabs(4)
    return line if len(line) <= MAX_FRAME_LINE else line[:MAX_FRAME_LINE] + " …"


# -- the HTML ---------------------------------------------------------------------

STYLE = """
#docket-errors, #docket-warnings {
  --docket-bg: #fff; --docket-fg: #1a1a1a; --docket-muted: #555; --docket-line: #d0d0d0;
  --docket-code-bg: #f5f5f5; --docket-mark: #fde2e1; --docket-error: #b3261e; --docket-warn: #7a5200;
  --docket-warn-bg: #fff6dc;
  color-scheme: light dark; box-sizing: border-box; z-index: 2147483647; margin: 0; padding: 0;
  border: 0; max-width: none; max-height: none; color: var(--docket-fg); text-align: left;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; letter-spacing: normal;
}
@media (prefers-color-scheme: dark) {
  #docket-errors, #docket-warnings {
    --docket-bg: #1e1e1e; --docket-fg: #ececec; --docket-muted: #b0b0b0; --docket-line: #444;
    --docket-code-bg: #111; --docket-mark: #5c1d1a; --docket-error: #ff8a80; --docket-warn: #ffd27a;
    --docket-warn-bg: #2e2611;
  }
}
#docket-errors *, #docket-warnings * { box-sizing: border-box; font-family: inherit; color: inherit; }
#docket-errors {
  position: fixed; inset: 0; width: 100%; height: 100%; overflow: auto; background: rgba(0, 0, 0, .55);
}
#docket-errors .docket-box {
  max-width: 60rem; margin: 2rem auto; padding: 1.5rem; background: var(--docket-bg);
  border-top: 6px solid var(--docket-error); border-radius: 6px; box-shadow: 0 8px 32px rgba(0, 0, 0, .4);
}
#docket-warnings {
  position: fixed; left: 0; right: 0; bottom: 0; top: auto; width: 100%; max-height: 40vh; overflow: auto;
  background: var(--docket-warn-bg); border-top: 4px solid var(--docket-warn); padding: .75rem 1rem;
}
#docket-errors h2, #docket-warnings h2 { margin: 0 0 .5rem; font-size: 1.25rem; line-height: 1.3; font-weight: 700; }
#docket-errors h2 { color: var(--docket-error); }
#docket-warnings h2 { color: var(--docket-warn); font-size: 1rem; }
#docket-errors p, #docket-warnings p { margin: 0 0 .75rem; color: var(--docket-muted); }
#docket-errors ol, #docket-warnings ol { margin: 0; padding: 0; list-style: none; }
#docket-errors li { margin: 0 0 1.25rem; }
#docket-warnings li { margin: 0 0 .25rem; }
#docket-errors code, #docket-warnings code, #docket-errors pre {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px;
}
#docket-errors .docket-diagnostic, #docket-warnings .docket-diagnostic {
  display: block; white-space: pre-wrap; overflow-wrap: anywhere; margin: 0 0 .4rem; color: var(--docket-fg);
}
#docket-errors pre {
  margin: 0; padding: .5rem 0; overflow-x: auto; background: var(--docket-code-bg);
  border: 1px solid var(--docket-line); border-radius: 4px; line-height: 1.45; white-space: pre;
}
#docket-errors pre:focus-visible, #docket-errors button:focus-visible, #docket-warnings button:focus-visible {
  outline: 3px solid var(--docket-error); outline-offset: 2px;
}
#docket-errors .docket-code-line { display: block; padding: 0 .75rem; }
#docket-errors .docket-code-line.docket-marked { background: var(--docket-mark); font-weight: 700; }
#docket-errors .docket-gutter { display: inline-block; min-width: 4ch; margin-right: 1ch; text-align: right;
  color: var(--docket-muted); user-select: none; }
#docket-errors form, #docket-warnings form { margin: 0; float: right; }
#docket-errors button, #docket-warnings button {
  font: inherit; font-size: .9rem; padding: .3rem .8rem; margin: 0 0 .5rem .5rem; cursor: pointer;
  color: var(--docket-fg); background: var(--docket-bg); border: 1px solid var(--docket-muted); border-radius: 4px;
}
"""

TEMPLATE = """\
<style>{{ style }}</style>
{%- if failed %}
<dialog open id="docket-errors" aria-labelledby="docket-errors-title">
<div class="docket-box" role="alert">
<form method="dialog"><button type="submit">Hide until the next build</button></form>
<h2 id="docket-errors-title">The site could not be built: {{ count }}</h2>
<p>{% if built %}The preview shows the last good build underneath. {% endif %}\
Fix the {{ "problem" if total == 1 else "problems" }} below and save: this page reloads by itself.</p>
<ol>
{%- for note in notes %}
<li><code class="docket-diagnostic">{{ note }}</code></li>
{%- endfor %}
{%- for problem in errors %}
<li><code class="docket-diagnostic">{{ problem.diagnostic.format() }}</code>
{%- if problem.frame %}
<pre tabindex="0" aria-label="{{ problem.frame.path }}, lines {{ problem.frame.lines[0][0] }} to \
{{ problem.frame.lines[-1][0] }}, line {{ problem.frame.marked }} marked"><code>
{%- for number, text in problem.frame.lines -%}
{%- if number == problem.frame.marked -%}
<mark class="docket-code-line docket-marked"><span class="docket-gutter">&gt; {{ number }}</span>{{ text }}</mark>
{%- else -%}
<span class="docket-code-line"><span class="docket-gutter">{{ number }}</span>{{ text }}</span>
{%- endif -%}
{%- endfor -%}
</code></pre>
{%- endif %}</li>
{%- endfor %}
{%- if more %}
<li><p>…and {{ more }} more: the terminal running <code>docket serve</code> lists them all.</p></li>
{%- endif %}
</ol>
</div>
</dialog>
{%- elif warnings %}
<dialog open id="docket-warnings" aria-labelledby="docket-warnings-title">
<form method="dialog"><button type="submit">Dismiss</button></form>
<h2 id="docket-warnings-title">The site built with {{ count }}</h2>
<ol>
{%- for warning in warnings %}
<li><code class="docket-diagnostic">{{ warning.format() }}</code></li>
{%- endfor %}
{%- if more %}
<li><p>…and {{ more }} more: the terminal running <code>docket serve</code> lists them all.</p></li>
{%- endif %}
</ol>
</dialog>
{%- endif %}
"""

PAGE = """\
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Docket preview: the site could not be built</title>
</head>
<body>
<main><h1>Docket preview</h1><p>No build of this site has succeeded yet, so there is no page to show here.</p></main>
</body>
</html>
"""

_ENV = Environment(autoescape=True, keep_trailing_newline=True)
_TEMPLATE = _ENV.from_string(TEMPLATE)


def render_fragment(errors: tuple[Problem, ...], warnings: tuple[Diagnostic, ...], notes: tuple[str, ...], *,
                    built: bool) -> bytes:
    failed = bool(errors or notes)
    total = len(errors) + len(notes) if failed else len(warnings)
    word = ("error" if failed else "warning") + ("" if total == 1 else "s")
    listed_errors = errors[:MAX_LISTED]
    listed_warnings = warnings[:MAX_LISTED]
    more = total - len(notes) - len(listed_errors) if failed else total - len(listed_warnings)
    html = _TEMPLATE.render(style=" ".join(STYLE.split()), failed=failed, built=built, notes=notes,
                            errors=listed_errors, warnings=listed_warnings, count=f"{total} {word}",
                            total=total, more=more)
    return html.encode("utf-8")


def no_site_page() -> bytes:
    """The page served for every address while no build has succeeded: the overlay is added to it."""
    return PAGE.encode("utf-8")
