"""Archetypes: the skeleton a new content file starts from.

A site's ``archetypes/KIND.md`` wins over the default one shipped in this package.
An archetype is a Jinja template rendered in a sandbox (it is the site's text, so it
may not reach Python objects) with four variables, ``title``, ``date`` (today,
YYYY-MM-DD), ``slug`` (the new file's id) and ``kind`` (an entity's, from ``--kind``;
"organisation" by default), and one filter, ``yaml``, which
quotes a text so that it stays one YAML string whatever it contains.
"""

from __future__ import annotations

import datetime as dt
import json
import traceback
from pathlib import Path

import jinja2

from ..errors import UsageError
from ..sandbox import ARCHETYPE_LIMITS, BoundedSandbox

KINDS = ("incident", "report", "source", "entity", "page")
DEFAULTS_DIR = Path(__file__).parent / "archetypes"
SITE_ARCHETYPES = "archetypes"
KNOWN = ("archetypes know {{ title }}, {{ date }}, {{ slug }}, {{ kind }} and the filter 'yaml' "
         "(see docs/writing.md)")
DEFAULT_ENTITY_KIND = "organisation"


def yaml_quoted(value: object) -> str:
    """A double-quoted YAML scalar; JSON's string escapes are valid YAML ones, line breaks included."""
    return json.dumps(str(value), ensure_ascii=False)


def _environment() -> BoundedSandbox:
    # StrictUndefined: a misspelt placeholder is an error, not an empty string in the new file.
    # Bounded: an archetype cannot hang ``docket new`` or fill the memory (sandbox.py).
    env = BoundedSandbox(ARCHETYPE_LIMITS, undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                         autoescape=False)
    env.filters["yaml"] = yaml_quoted
    return env


def archetype_path(site: Path, kind: str) -> Path:
    """The site's own archetype for ``kind`` when it has one, otherwise the default."""
    own = site / SITE_ARCHETYPES / f"{kind}.md"
    return own if own.is_file() else DEFAULTS_DIR / f"{kind}.md"


def render_archetype(path: Path, shown: str, title: str, slug: str, today: dt.date,
                     kind: str = DEFAULT_ENTITY_KIND) -> str:
    """The archetype at ``path`` filled in; a bad one is a one-line UsageError naming ``shown``."""
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{shown}: archetype is not UTF-8 text") from None
    try:
        return _environment().from_string(source).render(title=title, date=today.isoformat(), slug=slug,
                                                           kind=kind)
    except jinja2.TemplateSyntaxError as exc:
        raise UsageError(f"{shown}:{exc.lineno}: bad placeholder: {_plain(exc)}; {KNOWN}") from None
    except Exception as exc:  # an unknown name, the sandbox's refusal, {{ 1/0 }}: the archetype is the site's code
        where = f"{shown}:{_template_line(exc)}" if _template_line(exc) else shown
        raise UsageError(f"{where}: bad placeholder: {_plain(exc)}; {KNOWN}") from None


def _plain(exc: Exception) -> str:
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return str(text).rstrip(".")


def _template_line(exc: BaseException) -> int | None:
    """The archetype's line that failed: Jinja puts template lines into the traceback it raises."""
    lines = [frame.lineno for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == "<template>"]
    return lines[-1] if lines else None
