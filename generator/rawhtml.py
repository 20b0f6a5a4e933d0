"""Raw HTML in bodies (``allow_html: true``): cleaned with nh3, the writer's names kept apart from Docket's.

nh3 cleans the whole rendered body at once (a raw ``<div>`` may open before Markdown and close
after it), so it cannot tell the ``id`` of a writer's ``<a id="main">`` from the id Docket gives a
heading. While a body is rendered, each piece of raw HTML stands as a placeholder; every ``id=``
and ``class=`` Docket's renderer wrote is then marked with a prefix no writer can know (made
afresh in every process), and the raw pieces are put back. nh3's attribute filter keeps the
marked values as they were and gives every other id and class the prefix ``user-content-`` (as
GitHub does): a writer's ``id="main"`` cannot become a second ``#main``, nor ``class="draft-banner"``
pass for the theme's banner. The same filter holds every ``href`` and ``src`` to the site's URL
policy (``urls.url_problem``): a ``//host`` URL is removed, and the writer warned on its line
(as for a ``javascript:`` URL, which nh3 removes before the filter sees it: Python's own HTML
parser finds those for the warning).

The marking can rely on a regular expression because it only ever reads Docket's own renderer
output, where text and attribute values are escaped: ``id="`` occurs nowhere but as an attribute.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from .urls import url_problem

USER_PREFIX = "user-content-"
_NONCE = secrets.token_hex(8)
_OURS = f"docket{_NONCE}-"  # before the value of each of Docket's own ids and classes, while cleaning
_PLACEHOLDER = re.compile(rf"docketraw{_NONCE}-(\d+)-")
_OUR_ATTRIBUTE = re.compile(r'(\s(?:id|class)=")')

ALLOWED_ATTRIBUTES = {"*": {"id", "class", "title", "lang", "dir", "aria-label", "aria-hidden", "role"},
                      "a": {"href"}, "img": {"src", "alt", "width", "height"},
                      "td": {"colspan", "rowspan", "style"}, "th": {"colspan", "rowspan", "style", "scope"},
                      "ol": {"start", "type"}, "time": {"datetime"}}  # type="a": lettered notes
ALLOWED_TAGS = nh3.ALLOWED_TAGS | {"sup", "sub", "section", "figure", "figcaption", "time"}

Refusal = Callable[[str, str, str, int], None]  # (what, url, problem, body line)


@dataclass(frozen=True, slots=True)
class RawPiece:
    text: str
    line: int  # 0-based, in the body


def raw_lines(state: StateCore) -> None:
    """Note the body line of every piece of raw HTML, for the warnings of ``sanitise``."""
    for block in state.tokens:
        line = block.map[0] if block.map else 0
        if block.type == "html_block":
            block.meta["line"] = line
        for token in block.children or ():
            if token.type in ("softbreak", "hardbreak"):
                line += 1
            elif token.type == "html_inline":
                token.meta["line"] = line


def render_raw(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    """A placeholder for the raw HTML, kept in ``env["raw_html"]`` (as written, when nothing collects it)."""
    token = tokens[idx]
    pieces: list[RawPiece] | None = env.get("raw_html")
    if pieces is None:
        return token.content
    pieces.append(RawPiece(token.content, token.meta.get("line", 0)))
    return f"docketraw{_NONCE}-{len(pieces) - 1}-"


def docket_raw_html_plugin(md: MarkdownIt) -> None:
    md.core.ruler.push("docket_raw_lines", raw_lines)
    md.add_render_rule("html_block", render_raw)
    md.add_render_rule("html_inline", render_raw)


def sanitise(html: str, pieces: Sequence[RawPiece], refuse: Refusal) -> str:
    """The rendered body with its raw HTML put back and cleaned; ``refuse`` hears of each URL removed."""
    marked = _OUR_ATTRIBUTE.sub(lambda m: m.group(1) + _OURS, html)
    full = _PLACEHOLDER.sub(lambda m: pieces[int(m.group(1))].text, marked)
    refused: list[tuple[str, str, str]] = []

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute in ("id", "class"):
            if value.startswith(_OURS):
                return value[len(_OURS):]
            return " ".join(USER_PREFIX + name for name in value.split()) or None
        if attribute in ("href", "src"):
            problem = url_problem(value, "body")
            if problem:
                refused.append(("link" if attribute == "href" else "image", value, problem))
                return None
        return value

    clean: str = nh3.clean(full, attributes=ALLOWED_ATTRIBUTES, attribute_filter=keep,
                           url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer",
                           filter_style_properties={"text-align"}, tags=ALLOWED_TAGS)
    for what, value, problem in refused:
        refuse(what, value, problem, _line_of(value, pieces))
    told = {value for _, value, _ in refused}
    for what, value, problem, line in _unsafe_urls(pieces):  # those nh3 removed before asking the filter
        if value not in told:
            told.add(value)
            refuse(what, value, problem, line)
    return clean


class _UrlFinder(HTMLParser):
    """The ``href`` of every ``<a>`` and the ``src`` of every ``<img>`` in a piece of raw HTML, with its line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"a": "href", "img": "src"}.get(tag)
        for name, value in attrs:
            if name == wanted and value is not None:
                self.found.append(("link" if tag == "a" else "image", value, self.getpos()[0]))


def _unsafe_urls(pieces: Sequence[RawPiece]) -> list[tuple[str, str, str, int]]:
    """URLs in raw HTML outside the policy, found by Python's own HTML parser, for the warnings only.

    nh3 drops a URL whose scheme it does not allow (``javascript:``) before the attribute filter
    sees it, so the filter cannot tell the writer; nh3 still does the removing, so a URL this
    parser reads differently is never kept because of it.
    """
    out = []
    for piece in pieces:
        if "href" not in piece.text and "src" not in piece.text:
            continue
        finder = _UrlFinder()
        finder.feed(piece.text)
        finder.close()
        for what, value, line in finder.found:
            problem = url_problem(value, "body")
            if problem:
                out.append((what, value, problem, piece.line + line - 1))
    return out


def _line_of(value: str, pieces: Sequence[RawPiece]) -> int:
    """The body line of the raw HTML that holds ``value`` (its first piece's, if written with entities)."""
    for piece in pieces:
        at = piece.text.find(value)
        if at >= 0:
            return piece.line + piece.text.count("\n", 0, at)
    return pieces[0].line if pieces else 0
