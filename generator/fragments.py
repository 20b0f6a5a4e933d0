"""The theme's hottest macros, written in Python: the same markup, a fraction of the cost.

A 1,000-incident site lists incidents tens of thousands of times (terms, sources,
entities, lists, the table), and a Jinja macro call, with its attribute reads and the
macros it calls in turn, costs far more than the few hundred bytes it makes. The theme's
``_macros.html`` and ``_lists.html`` bind these functions under the macros' names
(``{% set time = time_tag %}``), so templates call ``m.time(...)`` and
``m.incident_item(...)`` as before, and a site that overrides ``_macros.html`` still
gets its own macros. Each function makes exactly the bytes the macro it replaces made
(``tests/test_golden.py``) and escapes every value that comes from content.

They are template globals, so templates rendered in the sandbox (``sandbox.py``) can call
them too; they read only public attributes of the objects they are given and make text
in proportion to them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from .model import Incident, Moment
from .numbers import format_number
from .terms import TermLink
from .urls import place_slug, term_slug

Link = Callable[[Context, Any], str]  # render._url: the link from the page being rendered to a target


def figure_label(key: str) -> str:
    """A figure's key as a label: "killed_civilians" -> "Killed civilians"."""
    return key.replace("_", " ").capitalize()


def where_terms(incident: Incident) -> tuple[TermLink | None, TermLink | None]:
    """The place and country pages an incident in a list links to (each may be None).

    Their slugs depend on the incident's own location alone, so a list of incidents
    needs nothing from the rest of the site to link them.
    """
    loc = incident.location
    place = place_slug(loc.place, loc.country) if loc.place else ""
    country = term_slug(loc.country) if loc.country else ""
    return (TermLink("place", place, loc.place) if place else None,
            TermLink("country", country, loc.country) if country else None)


def time_tag(moment: Moment) -> Markup:
    """``m.time``: a date, or a date and its time with its zone, one unit that never breaks (CSS nowrap)."""
    return Markup(f'<time datetime="{escape(moment.iso())}">{escape(moment.human())}</time>')


def host_name(link: str) -> Markup:
    """``m.host``: the host of a web address, or the text itself when it has none."""
    return escape(link.split("/")[2] if "://" in link else link)


@pass_context
def lang_attribute(context: Context, src: Any) -> Markup:
    """``m.lang``: ' lang="es"' on the element holding a source's title, when not in the site's language."""
    language = src.language
    if language and str(language).lower() != str(context.resolve_or_missing("site").language).lower():
        return Markup(f' lang="{escape(language)}"')
    return Markup("")


def make_incident_item(link: Link) -> Callable[..., Markup]:
    """``m.incident_item``, linking with ``link`` (render's url()), for the environment's globals."""

    @pass_context
    def incident_item(context: Context, incident: Incident, level: int = 2, show_figures: bool = True) -> Markup:
        """One incident in a list. level: the heading level of its title."""
        loc, date, h = incident.location, incident.date, escape(level)
        out = ['<li class="item item-incident', " item-fictional" if incident.fictional else "",
               f'">\n  <article>\n    <h{h} class="item-title"><a href="{escape(link(context, incident))}">',
               f'{escape(incident.title)}</a></h{h}>\n    <p class="item-meta">',
               f'<time datetime="{escape(date.iso())}">{escape(date.human())}</time>']
        if loc.place or loc.region or loc.country:
            out.append(_place(context, link, incident))
        status = escape(incident.status)
        out.append(f' <span class="badge status status-{status}"><span class="visually-hidden">Status: </span>'
                   f"{escape(str(incident.status).capitalize())}</span>")
        if incident.fictional:
            out.append(' <span class="badge badge-fictional">Fictional example</span>')
        elif incident.exclude_from_totals:
            out.append(' <span class="badge badge-excluded">Not in totals</span>')
        out.append("</p>\n")
        if incident.summary:
            out.append(f'    <p class="item-summary">{escape(incident.summary)}</p>\n')
        if show_figures and incident.figures:
            out.append(_figures(incident.figures))
        out.append("  </article>\n</li>")
        return Markup("".join(out))

    return incident_item


def _place(context: Context, link: Link, incident: Incident) -> str:
    """' · Place, Region, Country', each term linked to its page."""
    loc = incident.location
    place_term, country_term = where_terms(incident)
    out = ['<span class="sep" aria-hidden="true"> · </span><span class="place">']
    if loc.place:
        out.append(_linked(context, link, place_term, loc.place))
    if loc.region:
        out.append(f"{', ' if loc.place else ''}{escape(loc.region)}")
    if loc.country:
        out.append(", " if loc.place or loc.region else "")
        out.append(_linked(context, link, country_term, loc.country))
    out.append("</span>")
    return "".join(out)


def _linked(context: Context, link: Link, term: TermLink | None, name: str) -> str:
    if term:
        return f'<a href="{escape(link(context, term))}">{escape(name)}</a>'
    return str(escape(name))


def _figures(figures: Sequence[tuple[str, int | float]]) -> str:
    rows = "".join(f'      <div class="figure"><dt>{escape(figure_label(key))}</dt><dd>{escape(format_number(value))}'
                   "</dd></div>\n" for key, value in figures)
    return f'    <dl class="figures figures-compact">\n{rows}    </dl>\n'


def make_incident_rows(link: Link) -> Callable[..., Markup]:
    """The body rows of ``_lists.html``'s ``incident_table``, linking with ``link``."""

    @pass_context
    def incident_rows(context: Context, rows: Sequence[Incident], figures: Sequence[str]) -> Markup:
        """One ``<tr>`` per incident, each line ended: title, date, place, country, status, each figure."""
        out = []
        for incident in rows:
            place, country = where_terms(incident)
            values = dict(incident.figures)
            date = incident.date
            out.append(f"    <tr{'' if incident.in_totals else _NOT_COUNTED}>\n"
                       f'      <th scope="row"><a href="{escape(link(context, incident))}">'
                       f"{escape(incident.title)}</a>{_FICTIONAL if incident.fictional else ''}</th>\n"
                       f'      <td class="date"><time datetime="{escape(date.iso())}">'
                       f"{escape(date.human())}</time></td>\n"
                       f"      <td>{_term_cell(context, link, place)}</td>\n"
                       f"      <td>{_term_cell(context, link, country)}</td>\n"
                       f"      <td>{escape(str(incident.status).capitalize())}</td>\n")
            out.extend(f'<td class="num">{escape(format_number(values[key]))}</td>' if key in values else _NOT_GIVEN
                       for key in figures)
            out.append("    </tr>\n")
        return Markup("".join(out))

    return incident_rows


_NOT_COUNTED = ' class="not-counted"'
_FICTIONAL = ' <span class="badge badge-fictional">Fictional</span>'
_NOT_GIVEN = ('<td class="num"><span class="muted" aria-hidden="true">–</span>'
              '<span class="visually-hidden">not given</span></td>')


def _term_cell(context: Context, link: Link, term: TermLink | None) -> str:
    return f'<a href="{escape(link(context, term))}">{escape(term.name)}</a>' if term else ""


def make_source_entry(link: Link) -> Callable[..., Markup]:
    """``m.source_entry``: one entry of a page's numbered source list, linking with ``link``."""

    @pass_context
    def source_entry(context: Context, number: int, src: Any, backrefs: Sequence[str], cited: bool) -> Markup:
        lang, title, n = lang_attribute(context, src), escape(src.title), escape(number)
        out = [f'<li id="source-{escape(src.id)}" value="{n}">\n'
               f'    <p class="source-title"><a href="{escape(link(context, src))}"{lang}>{title}</a></p>\n'
               '    <p class="source-meta">']
        if src.publisher:
            out.append(f'{escape(src.publisher)}{_SEP}')
        out.append(f'<span class="source-type">{escape(str(src.type).capitalize())}</span>')
        if src.published:
            out.append(f"{_SEP}published {time_tag(src.published)}")
        if src.accessed:
            out.append(f"{_SEP}accessed {time_tag(src.accessed)}")
        out.append("</p>\n")
        if src.url or src.archive_url:
            out.append('    <p class="source-links">\n')
            if src.url:
                out.append(f'<a class="external" rel="noopener noreferrer" href="{escape(src.url)}">Original at '
                           f'{host_name(src.url)}<span class="visually-hidden">: <span{lang}>{title}</span></span></a>')
            if src.url and src.archive_url:
                out.append(_SEP)
            if src.archive_url:
                out.append(f'<a class="external archive" rel="noopener noreferrer" href="{escape(src.archive_url)}">'
                           f'Archived copy<span class="visually-hidden"> of <span{lang}>{title}</span></span></a>')
            out.append("    </p>\n")
        if backrefs:
            out.append(_backrefs(backrefs, n))
        elif not cited:
            out.append('    <p class="backrefs muted">Not cited in the main text.</p>\n')
        out.append("  </li>")
        return Markup("".join(out))

    return source_entry


_SEP = '<span class="sep" aria-hidden="true"> · </span>'


def _backrefs(backrefs: Sequence[str], n: Markup) -> str:
    if len(backrefs) == 1:
        links = (f'      <a href="#{escape(backrefs[0])}"><span aria-hidden="true">↑</span> Back to citation'
                 f'<span class="visually-hidden"> 1 of source {n}</span></a>\n')
    else:
        links = "      Back to citations:\n" + "".join(
            f'      <a href="#{escape(ref)}"><span aria-hidden="true">↑</span><span class="visually-hidden">Back to '
            f'citation</span> {i}<span class="visually-hidden"> of source {n}</span></a>\n'
            for i, ref in enumerate(backrefs, 1))
    return f'    <p class="backrefs">\n{links}    </p>\n'
