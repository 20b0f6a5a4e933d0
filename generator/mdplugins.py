"""markdown-it plugins for Docket's two reference syntaxes.

``[@source-id]`` (or ``[@a; @b]``) is a citation; ``[[id]]``, ``[[kind:id]]`` and
``[[id|text]]`` are wiki-links. A citation is attached to the word before it: "starts
[@x]." reads "starts[1].", the space (or line break) before the marker dropped, so that
the marker never starts a line on its own. The inline rules only recognise the syntax;
a core rule that runs after inline parsing (and after the footnote plugin has
moved footnote bodies to the end) resolves every reference through a
``Resolver`` kept in ``env``, using the enclosing block's ``token.map`` for the
line number of any error. The same rule holds every Markdown link and image
to the site's URL policy (``urls.url_problem``).

``docket_anchors_plugin`` gives headings their ids in linear time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from markdown_it import MarkdownIt
from markdown_it.common.utils import unescapeAll
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from .urls import url_problem

SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # "https:", "data:": not a file of the site
CITATION = re.compile(r"\[@([A-Za-z0-9_.:-]+(?:\s*;\s*@[A-Za-z0-9_.:-]+)*)\]")
WIKILINK = re.compile(r"\[\[([^\[\]\n|]{1,200})(?:\|([^\[\]\n]{1,300}))?\]\]")


class Resolver(Protocol):
    """What the core rule asks of the page being rendered (see markdown.PageContext)."""

    def cite(self, source_id: str, line: int) -> tuple[int, str] | None: ...

    def link(self, spec: str, line: int) -> tuple[str, str] | None: ...

    def local(self, href: str, line: int, image: bool = False) -> str: ...

    def relative_to_page(self, href: str, line: int, image: bool = False) -> None: ...

    def refuse(self, what: str, href: str, problem: str, line: int) -> None: ...

    def report(self, severity: str, message: str, hint: str, line: int) -> None: ...


def citation_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[@", state.pos):
        return False
    match = CITATION.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        ids = [part.strip().lstrip("@") for part in match.group(1).split(";")]
        _attach_to_previous_word(state)
        token = state.push("citation", "sup", 0)
        token.meta = {"ids": ids}
        token.content = match.group(0)
    state.pos = match.end()
    return True


def _attach_to_previous_word(state: StateInline) -> None:
    """Drop the spaces, or the line break, between a citation and the word it follows.

    The spaces are still pending text here (not yet a token). A line break is a softbreak
    token: it is kept, only marked, so that ``resolve_references`` still counts the lines
    it moves past (the block's ``token.map`` plus the breaks gives an error's line).
    """
    if state.pending:
        state.pending = state.pending.rstrip(" \t")
        if state.pending:
            return
    if state.tokens and state.tokens[-1].type == "softbreak":
        state.tokens[-1].meta["joined"] = True


def render_softbreak(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    """A line break before a citation renders as nothing (see ``_attach_to_previous_word``)."""
    if tokens[idx].meta.get("joined"):
        return ""
    return str(self.softbreak(tokens, idx, options, env))


def wikilink_rule(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("[[", state.pos):
        return False
    match = WIKILINK.match(state.src, state.pos)
    if not match:
        return False
    if not silent:
        token = state.push("wikilink", "a", 0)
        # The text is Markdown text like any other: "&amp;" and "\\|" are decoded here, once,
        # and the renderer escapes the result once.
        token.meta = {"spec": match.group(1).strip(), "text": unescapeAll((match.group(2) or "").strip())}
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
                _check_url(token, resolver, line)
            elif token.type == "citation":
                token.meta["resolved"] = [resolver.cite(i, line) for i in token.meta["ids"]]
            elif token.type == "wikilink":
                token.meta["resolved"] = resolver.link(token.meta["spec"], line)


def _check_url(token: Token, resolver: Resolver, line: int) -> None:
    """Refuse a URL the policy does not allow; make root-relative ones ("/about/") relative.

    markdown-it's own ``validateLink`` would drop a ``javascript:`` link without a
    word, so the parser lets every link through (``markdown.make_parser``) and
    the writer is told here instead.
    """
    attr = "href" if token.type == "link_open" else "src"
    value = token.attrGet(attr)
    if not isinstance(value, str):
        return
    problem = url_problem(value, "body")
    if problem:
        resolver.refuse("link" if attr == "href" else "image", value, problem, line)
        token.attrs.pop(attr, None)
    elif value.startswith("/"):
        token.attrSet(attr, resolver.local(value, line, image=attr == "src"))
    elif not SCHEME.match(value) and not value.startswith(("#", "?")):
        # "../../img/x.png", "../fire/": checked like "/img/x.png" and "/incidents/fire/", left as written
        resolver.relative_to_page(value, line, image=attr == "src")
    elif attr == "href" and value.lower().startswith(("http://", "https://")):
        # Another site learns nothing of the page a reader came from, and cannot script it.
        token.attrSet("rel", "noopener noreferrer")


# ---------------------------------------------------------------------------
# Heading anchors


class UniqueIds:
    """Hands out "x", then "x-1", "x-2", ... in time linear in the number of ids.

    mdit-py-plugins' ``unique_slug`` tries x-1, x-2, ... from 1 on every call, so
    n identical headings cost n^2 / 2 tries. Here each base remembers the next
    suffix to try; the ids before it are all taken already, because ``taken``
    only grows, so the ids are the same as ``unique_slug``'s.
    """

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self.taken = set(taken)
        self.next_suffix: dict[str, int] = {}

    def make(self, base: str) -> str:
        if base not in self.taken:
            self.taken.add(base)
            return base
        n = self.next_suffix.get(base, 1)
        while f"{base}-{n}" in self.taken:  # a heading that is literally "x-1": each id is skipped at most once
            n += 1
        self.next_suffix[base] = n + 1
        unique = f"{base}-{n}"
        self.taken.add(unique)
        return unique


def docket_anchors_plugin(md: MarkdownIt, slug_func: Callable[[str], str], levels: Sequence[int] = (2, 3)) -> None:
    """An ``id`` on every heading of the given levels, from its text, unique in the document."""
    tags = {f"h{level}" for level in levels}

    def anchors(state: StateCore) -> None:
        headings = [(i, t) for i, t in enumerate(state.tokens) if t.type == "heading_open"]
        ids = UniqueIds(str(t.attrGet("id")) for _, t in headings if t.attrGet("id"))
        for i, token in headings:
            if token.tag not in tags or token.attrGet("id"):
                continue
            children = state.tokens[i + 1].children or []
            title = "".join(c.content for c in children if c.type in ("text", "code_inline"))
            token.attrSet("id", ids.make(slug_func(title)))

    md.core.ruler.push("docket_anchors", anchors)


def render_citation(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    parts = []
    # "resolved" is missing when no resolver ran (a parse outside a build): nothing is linked then.
    for source_id, resolved in zip(token.meta["ids"], token.meta.get("resolved") or [], strict=False):
        if resolved is None:
            parts.append(f'<span class="cite-missing">[{_esc(source_id)}]</span>')
            continue
        number, anchor = resolved
        parts.append(f'<a href="#source-{_esc(source_id)}" id="{anchor}" '
                     f'aria-label="Source {number}">[{number}]</a>')
    return f'<sup class="cite">{"".join(parts)}</sup>'


def render_wikilink(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    resolved = token.meta.get("resolved")
    if resolved is None:
        return f'<span class="link-missing">{_esc(token.meta["text"] or token.meta["spec"])}</span>'
    href, title = resolved
    return f'<a class="wikilink" href="{_esc(href)}">{_esc(token.meta["text"] or title)}</a>'


def note_letter(n: int) -> str:
    """The letter of footnote ``n`` (from 1): a, b, ... z, aa, ab, ... as ``<ol type="a">`` counts.

    Sources are numbered in brackets ("[1]"), notes lettered ("a"), so that note 1 and
    source 1 never look alike.
    """
    letters = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def render_footnote_ref(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    meta = tokens[idx].meta
    n = str(meta["id"] + 1)
    letter = note_letter(meta["id"] + 1)
    ref_id = n + (f":{meta['subId']}" if meta.get("subId", -1) > 0 else "")
    # The same marker as a citation, "[a]" beside "[1]": one style in a paragraph, letters for notes.
    return (f'<sup class="cite cite-note"><a href="#fn{n}" id="fnref{ref_id}" '
            f'aria-label="Note {letter}">[{letter}]</a></sup>')


def render_footnote_block_open(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict,
                               env: EnvType) -> str:
    return ('<section class="footnotes" aria-labelledby="notes">\n'
            '<h2 id="notes">Notes</h2>\n<ol class="footnotes-list" type="a">\n')


def render_footnote_anchor(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict,
                           env: EnvType) -> str:
    meta = tokens[idx].meta
    letter = note_letter(meta["id"] + 1)
    ref_id = str(meta["id"] + 1) + (f":{meta['subId']}" if meta.get("subId", 0) > 0 else "")
    return (f' <a href="#fnref{ref_id}" class="footnote-backref" aria-label="Back to note {letter} in the text">'
            '\u21a9\ufe0e</a>')


def docket_footnote_style_plugin(md: MarkdownIt) -> None:
    md.add_render_rule("footnote_ref", render_footnote_ref)
    md.add_render_rule("footnote_block_open", render_footnote_block_open)
    md.add_render_rule("footnote_anchor", render_footnote_anchor)


CAPTION = re.compile(r"^Table:[ \t]+")  # a paragraph "Table: People held, by outcome" beside a table


def _caption_at(tokens: list[Token], start: int, level: int) -> Token | None:
    """The inline token of a "Table: ..." paragraph at ``tokens[start:start + 3]``, or None."""
    if start < 0 or start + 3 > len(tokens):
        return None
    opening, inline, closing = tokens[start:start + 3]
    if (opening.type, inline.type, closing.type) != ("paragraph_open", "inline", "paragraph_close"):
        return None
    children = inline.children or []
    if opening.level != level or not children or children[0].type != "text" or not CAPTION.match(children[0].content):
        return None
    return inline


def table_captions(state: StateCore) -> None:
    """Give a table the caption its writer wrote beside it, and a box that scrolls on a phone.

    A paragraph that starts with "Table: " just before a table (or, failing that, just after it) becomes
    the table's <caption> (the syntax of Pandoc's table captions). Every table is wrapped in
    <div class="table-wrap" role="region" tabindex="0" aria-label="...">: it scrolls sideways in its own
    box, which a keyboard can reach and scroll, named by its caption (or "Table 2").
    """
    tokens, out, number = state.tokens, [], 0
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type != "table_open":
            out.append(token)
            i += 1
            continue
        close = next(j for j in range(i, len(tokens))
                     if tokens[j].type == "table_close" and tokens[j].level == token.level)
        caption, after = None, False
        if len(out) >= 3 and _caption_at(out, len(out) - 3, token.level) is not None:
            caption = out[-2]
            del out[-3:]
        elif _caption_at(tokens, close + 1, token.level) is not None:
            caption, after = tokens[close + 2], True
        number += 1
        wrap = Token("table_wrap_open", "div", 1, level=token.level, block=True)
        wrap.meta = {"label": _caption_text(caption) if caption is not None else f"Table {number}"}
        out += [wrap, token]
        if caption is not None:
            assert caption.children is not None
            caption.children[0].content = CAPTION.sub("", caption.children[0].content, count=1)
            out += [Token("caption_open", "caption", 1, block=True), caption,
                    Token("caption_close", "caption", -1, block=True)]
        out += tokens[i + 1:close + 1]
        out.append(Token("table_wrap_close", "div", -1, level=token.level, block=True))
        i = close + 1 + (3 if after else 0)
    state.tokens[:] = out


def _caption_text(inline: Token) -> str:
    text = "".join(c.content for c in inline.children or () if c.type in ("text", "code_inline"))
    return CAPTION.sub("", text, count=1)


def render_table_wrap_open(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict,
                           env: EnvType) -> str:
    return f'<div class="table-wrap" role="region" tabindex="0" aria-label="{_esc(tokens[idx].meta["label"])}">\n'


def render_table_wrap_close(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict,
                            env: EnvType) -> str:
    return "</div>\n"


def docket_tables_plugin(md: MarkdownIt) -> None:
    md.core.ruler.push("docket_table_captions", table_captions)
    md.add_render_rule("table_wrap_open", render_table_wrap_open)
    md.add_render_rule("table_wrap_close", render_table_wrap_close)


def docket_references_plugin(md: MarkdownIt) -> None:
    # Before "link" so "[@x]" and "[[x]]" never become reference-style links.
    md.inline.ruler.before("link", "docket_wikilink", wikilink_rule)
    md.inline.ruler.before("link", "docket_citation", citation_rule)
    md.core.ruler.push("docket_resolve", resolve_references)
    md.add_render_rule("citation", render_citation)
    md.add_render_rule("wikilink", render_wikilink)
    md.add_render_rule("softbreak", render_softbreak)


def _esc(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))
