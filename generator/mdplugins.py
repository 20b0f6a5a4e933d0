"""markdown-it plugins for Docket's two reference syntaxes.

``[@source-id]`` (or ``[@a; @b]``) is a citation; ``[[id]]``, ``[[kind:id]]`` and
``[[id|text]]`` are wiki-links. The inline rules only recognise the syntax;
a core rule that runs after inline parsing (and after the footnote plugin has
moved footnote bodies to the end) resolves every reference through a
``Resolver`` kept in ``env``, using the enclosing block's ``token.map`` for the
line number of any error.
"""

from __future__ import annotations

import re
from typing import Protocol

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

CITATION = re.compile(r"\[@([A-Za-z0-9_.:-]+(?:\s*;\s*@[A-Za-z0-9_.:-]+)*)\]")
WIKILINK = re.compile(r"\[\[([^\[\]\n|]{1,200})(?:\|([^\[\]\n]{1,300}))?\]\]")


class Resolver(Protocol):
    """What the core rule asks of the page being rendered (see markdown.PageContext)."""

    def cite(self, source_id: str, line: int) -> tuple[int, str] | None: ...

    def link(self, spec: str, line: int) -> tuple[str, str] | None: ...

    def local(self, href: str, line: int) -> str: ...


def citation_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[@", state.pos):
        return False
    match = CITATION.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        ids = [part.strip().lstrip("@") for part in match.group(1).split(";")]
        token = state.push("citation", "sup", 0)
        token.meta = {"ids": ids}
        token.content = match.group(0)
    state.pos = match.end()
    return True


def wikilink_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[[", state.pos):
        return False
    match = WIKILINK.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("wikilink", "a", 0)
        token.meta = {"spec": match.group(1).strip(), "text": (match.group(2) or "").strip()}
        token.content = match.group(0)
    state.pos = match.end()
    return True


def resolve_references(state: StateCore) -> None:
    resolver: Resolver | None = state.env.get("resolver")
    if resolver is None:
        return
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        line = block.map[0] if block.map else 0
        for token in block.children:
            if token.type in ("softbreak", "hardbreak"):  # the inline text moved to the next line
                line += 1
            elif token.type in ("link_open", "image"):
                _localise(token, "href" if token.type == "link_open" else "src", resolver, line)
            elif token.type == "citation":
                token.meta["resolved"] = [resolver.cite(i, line) for i in token.meta["ids"]]
            elif token.type == "wikilink":
                token.meta["resolved"] = resolver.link(token.meta["spec"], line)


def _localise(token: Token, attr: str, resolver: Resolver, line: int) -> None:
    """Root-relative links ("/about/") become relative, so they work under any base path."""
    value = token.attrGet(attr)
    if isinstance(value, str) and value.startswith("/") and not value.startswith("//"):
        token.attrSet(attr, resolver.local(value, line))


def render_citation(self, tokens: list[Token], idx: int, options, env) -> str:
    token = tokens[idx]
    parts = []
    for source_id, resolved in zip(token.meta["ids"], token.meta.get("resolved") or []):
        if resolved is None:
            parts.append(f'<span class="cite-missing">[{_esc(source_id)}]</span>')
            continue
        number, anchor = resolved
        parts.append(f'<a href="#source-{_esc(source_id)}" id="{anchor}" '
                     f'aria-label="Source {number}">[{number}]</a>')
    return f'<sup class="cite">{"".join(parts)}</sup>'


def render_wikilink(self, tokens: list[Token], idx: int, options, env) -> str:
    token = tokens[idx]
    resolved = token.meta.get("resolved")
    if resolved is None:
        return f'<span class="link-missing">{_esc(token.meta["text"] or token.meta["spec"])}</span>'
    href, title = resolved
    return f'<a class="wikilink" href="{_esc(href)}">{_esc(token.meta["text"] or title)}</a>'


def render_footnote_ref(self, tokens: list[Token], idx: int, options, env) -> str:
    # Footnotes are numbered plainly, citations in brackets, so "note 1" never looks like "source [1]".
    meta = tokens[idx].meta
    n = str(meta["id"] + 1)
    ref_id = n + (f":{meta['subId']}" if meta.get("subId", -1) > 0 else "")
    return (f'<sup class="footnote-ref"><a href="#fn{n}" id="fnref{ref_id}" '
            f'aria-label="Note {n}">{n}</a></sup>')


def render_footnote_block_open(self, tokens: list[Token], idx: int, options, env) -> str:
    return ('<section class="footnotes" aria-labelledby="notes">\n'
            '<h2 id="notes">Notes</h2>\n<ol class="footnotes-list">\n')


def render_footnote_anchor(self, tokens: list[Token], idx: int, options, env) -> str:
    meta = tokens[idx].meta
    n = str(meta["id"] + 1)
    ref_id = n + (f":{meta['subId']}" if meta.get("subId", 0) > 0 else "")
    return f' <a href="#fnref{ref_id}" class="footnote-backref" aria-label="Back to note {n} in the text">\u21a9\ufe0e</a>'


def docket_footnote_style_plugin(md: MarkdownIt) -> None:
    md.add_render_rule("footnote_ref", render_footnote_ref)
    md.add_render_rule("footnote_block_open", render_footnote_block_open)
    md.add_render_rule("footnote_anchor", render_footnote_anchor)


def docket_references_plugin(md: MarkdownIt) -> None:
    # Before "link" so "[@x]" and "[[x]]" never become reference-style links.
    md.inline.ruler.before("link", "docket_wikilink", wikilink_rule)
    md.inline.ruler.before("link", "docket_citation", citation_rule)
    md.core.ruler.push("docket_resolve", resolve_references)
    md.add_render_rule("citation", render_citation)
    md.add_render_rule("wikilink", render_wikilink)


def _esc(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))
