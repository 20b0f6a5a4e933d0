"""The macros written in Python (generator/fragments.py) make exactly what the theme's macros made.

``OLD_MACROS`` is the theme's Jinja text of ``time``, ``host``, ``lang``, ``incident_item``, ``source_entry`` and
the incident table's rows before they moved to Python: the specification of their markup.
Each is rendered beside its Python version for incidents and sources that take every branch
(fictional, excluded, a place, a region or a country missing, a time of day, a source in another
language) with text that must be escaped, on pages at several depths.
"""

# ruff: noqa: E501 - OLD_MACROS is the theme's text as it was, long lines and all
from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment

from generator.build import build
from generator.session import BuildSession
from tests.helpers import write_site

OLD_MACROS = r"""
{% macro time(moment) -%}
<time datetime="{{ moment.iso() }}">{{ moment.human() }}</time>
{%- endmacro %}
{% macro host(link) -%}
{{ link.split("/")[2] if "://" in link else link }}
{%- endmacro %}
{% macro lang(src) -%}
{% if src.language and src.language|lower != site.language|lower %} lang="{{ src.language }}"{% endif %}
{%- endmacro %}
{% macro incident_item(incident, level=2, show_figures=true) -%}
{% set loc = incident.location %}
<li class="item item-incident{{ ' item-fictional' if incident.fictional }}">
  <article>
    <h{{ level }} class="item-title"><a href="{{ url(incident) }}">{{ incident.title }}</a></h{{ level }}>
    <p class="item-meta"><time datetime="{{ incident.date.iso() }}">{{ incident.date.human() }}</time>
    {%- if loc.place or loc.region or loc.country %}{% set place_term, country_term = where_terms(incident) %}<span class="sep" aria-hidden="true"> · </span><span class="place">
    {%- if loc.place %}{% if place_term %}<a href="{{ url(place_term) }}">{{ loc.place }}</a>{% else %}{{ loc.place }}{% endif %}{% endif %}
    {%- if loc.region %}{% if loc.place %}, {% endif %}{{ loc.region }}{% endif %}
    {%- if loc.country %}{% if loc.place or loc.region %}, {% endif %}{% if country_term %}<a href="{{ url(country_term) }}">{{ loc.country }}</a>{% else %}{{ loc.country }}{% endif %}{% endif -%}
    </span>{% endif %} <span class="badge status status-{{ incident.status }}"><span class="visually-hidden">Status: </span>{{ incident.status|capitalize }}</span>
    {%- if incident.fictional %} <span class="badge badge-fictional">Fictional example</span>{% elif incident.exclude_from_totals %} <span class="badge badge-excluded">Not in totals</span>{% endif %}</p>
    {% if incident.summary %}
    <p class="item-summary">{{ incident.summary }}</p>
    {% endif %}
    {% if show_figures and incident.figures %}
    <dl class="figures figures-compact">
      {% for key, value in incident.figures %}
      <div class="figure"><dt>{{ figure_label(key) }}</dt><dd>{{ value|num }}</dd></div>
      {% endfor %}
    </dl>
    {% endif %}
  </article>
</li>
{%- endmacro %}
{% macro rows_of(rows, figures) -%}
  <tbody>
    {% for incident in rows %}
    {% set place, country = where_terms(incident) %}
    {% set values = dict(incident.figures) %}
    <tr{% if not incident.in_totals %} class="not-counted"{% endif %}>
      <th scope="row"><a href="{{ url(incident) }}">{{ incident.title }}</a>{% if incident.fictional %} <span class="badge badge-fictional">Fictional</span>{% endif %}</th>
      <td class="date"><time datetime="{{ incident.date.iso() }}">{{ incident.date.human() }}</time></td>
      <td>{% if place %}<a href="{{ url(place) }}">{{ place.name }}</a>{% endif %}</td>
      <td>{% if country %}<a href="{{ url(country) }}">{{ country.name }}</a>{% endif %}</td>
      <td>{{ incident.status|capitalize }}</td>
      {% for key in figures %}<td class="num">{% if key in values %}{{ values[key]|num }}{% else %}<span class="muted" aria-hidden="true">–</span><span class="visually-hidden">not given</span>{% endif %}</td>{% endfor %}
    </tr>
    {% endfor %}
  </tbody>
{%- endmacro %}
{% macro source_entry(number, src, backrefs, cited) -%}
<li id="source-{{ src.id }}" value="{{ number }}">
    <p class="source-title"><a href="{{ url(src) }}"{{ lang(src) }}>{{ src.title }}</a></p>
    <p class="source-meta">
      {%- if src.publisher %}{{ src.publisher }}<span class="sep" aria-hidden="true"> · </span>{% endif -%}
      <span class="source-type">{{ src.type|capitalize }}</span>
      {%- if src.published %}<span class="sep" aria-hidden="true"> · </span>published {{ time(src.published) }}{% endif -%}
      {%- if src.accessed %}<span class="sep" aria-hidden="true"> · </span>accessed {{ time(src.accessed) }}{% endif -%}
    </p>
    {% if src.url or src.archive_url %}
    <p class="source-links">
      {% if src.url %}<a class="external" rel="noopener noreferrer" href="{{ src.url }}">Original at {{ host(src.url) }}<span class="visually-hidden">: <span{{ lang(src) }}>{{ src.title }}</span></span></a>{% endif %}
      {% if src.url and src.archive_url %}<span class="sep" aria-hidden="true"> · </span>{% endif %}
      {% if src.archive_url %}<a class="external archive" rel="noopener noreferrer" href="{{ src.archive_url }}">Archived copy<span class="visually-hidden"> of <span{{ lang(src) }}>{{ src.title }}</span></span></a>{% endif %}
    </p>
    {% endif %}
    {% if backrefs %}
    <p class="backrefs">
      {% if backrefs|length == 1 %}
      <a href="#{{ backrefs[0] }}"><span aria-hidden="true">↑</span> Back to citation<span class="visually-hidden"> 1 of source {{ number }}</span></a>
      {% else %}
      Back to citations:
      {% for ref in backrefs %}
      <a href="#{{ ref }}"><span aria-hidden="true">↑</span><span class="visually-hidden">Back to citation</span> {{ loop.index }}<span class="visually-hidden"> of source {{ number }}</span></a>
      {% endfor %}
      {% endif %}
    </p>
    {% elif not cited %}
    <p class="backrefs muted">Not cited in the main text.</p>
    {% endif %}
  </li>
{%- endmacro %}
"""

HOSTILE = "<script>alert('x')</script> & \"quoted\""


TITLE_YAML = HOSTILE.replace('"', '\\"')  # inside a double-quoted YAML scalar


def _incident(slug: str, extra: str) -> tuple[str, str]:
    return (f"content/incidents/{slug}.md",
            f'---\ntitle: "{slug} {TITLE_YAML}"\ndate: 2023-03-27\n{extra}\n---\nBody [@src-{slug}].\n')


SOURCES = """
sources:
  - id: src-{slug}
    title: "Informe <b>{slug}</b> & co"
    type: article
    publisher: Pub
    url: "https://example.org/{slug}?a=1&b=2"
    language: {language}
    published: 2023-03-28T10:30:00+02:00
  - id: bare-{slug}
    title: "Bare & plain"
    type: document
  - id: archived-{slug}
    title: Archived
    type: video
    archive_url: "https://web.archive.org/web/2023/https://example.org/<{slug}>"
    accessed: 2023-04-01
"""

CASES = {
    "full": "summary: \"Sum <i>mary</i> & more\"\nstatus: disputed\nlocation:\n  place: \"Ciudad <J>uárez\"\n"
            "  region: \"Chi & huahua\"\n  country: Mexico\nfigures:\n  killed: 38\n  missing_persons: 2.5\n",
    "fictional": "fictional: true\nlocation:\n  country: \"Peru & <x>\"\nfigures:\n  killed: 1234567\n",
    "excluded": "exclude_from_totals: true\nlocation:\n  region: Somewhere\n",
    "placeonly": "location:\n  place: Alone\n",
    "nowhere": "status: developing\n",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Environment, BuildSession]:
    root = tmp_path_factory.mktemp("fragments")
    files: dict[str, str | bytes | None] = {}
    for n, (slug, extra) in enumerate(CASES.items()):
        language = "es" if n % 2 else "en"
        path, text = _incident(slug, extra + SOURCES.format(slug=slug, language=language).strip("\n"))
        files[path] = text
    site = write_site(root / "site", files)
    session = BuildSession(site, cache=False, jobs=1)
    result = build(site, root / "out", cache=False, jobs=1, session=session)
    assert result.ok, [d.message for d in result.diagnostics.items]
    assert session.last is not None
    return session.last.renderer.env, session


def _render(env: Environment, session: BuildSession, source: str, page_path: str, **values: object) -> str:
    assert session.last is not None
    variables = {"site": session.last.graph.config, "page_path": page_path, "root_relative": False,
                 "base_path": "/", **values}
    if source.startswith(OLD_MACROS):  # without the text between the macros' definitions
        return env.from_string(source).render(variables).removeprefix(env.from_string(OLD_MACROS).render())
    return env.from_string(source).render(variables)


PAGES = ("", "tags/fire/", "incidents/full/", "places/alone/", "countries/mexico/page/2/")
NEW = '{% import "_macros.html" as m with context %}{% import "_lists.html" as l with context %}'


@pytest.mark.parametrize("page_path", PAGES)
def test_incident_items_and_table_rows_are_the_macros_bytes(built: tuple[Environment, BuildSession],
                                                             page_path: str) -> None:
    env, session = built
    assert session.last is not None
    incidents = session.last.graph.incidents
    assert len(incidents) == len(CASES)
    for incident in incidents:
        for level, shown in ((2, True), (4, False), (3, True)):
            call = f"incident_item(i, level={level}, show_figures={str(shown).lower()})"
            old = _render(env, session, OLD_MACROS + "{{ " + call + " }}", page_path, i=incident)
            new = _render(env, session, NEW + "{{ m." + call + " }}", page_path, i=incident)
            assert new == old
            assert "<script>" not in new and "&lt;script&gt;" in new
    figures = ["killed", "missing_persons", "injured"]
    old = _render(env, session, OLD_MACROS + "{{ rows_of(rows, figures) }}", page_path, rows=incidents,
                  figures=figures)
    new = _render(env, session, NEW + "<tbody>\n{{ incident_rows(rows, figures) }}  </tbody>", page_path,
                  rows=incidents, figures=figures)
    assert new == old
    assert 'class="not-counted"' in new and "Fictional" in new


def test_time_host_and_lang_are_the_macros_bytes(built: tuple[Environment, BuildSession]) -> None:
    env, session = built
    assert session.last is not None
    sources = list(session.last.graph.sources.values())
    assert {s.language for s in sources} == {"es", "en", ""}
    for src in sources:
        moments = [m for m in (src.published, src.accessed, *(i.date for i in session.last.graph.incidents)) if m]
        for moment in moments:
            call = "{{ time(x) }}|{{ host(s.url) }}|{{ host('no host <here>') }}|<a{{ lang(s) }}>"
            old = _render(env, session, OLD_MACROS + call, "sources/x/", x=moment, s=src)
            new = _render(env, session, NEW + call.replace("{{ ", "{{ m."), "sources/x/", x=moment, s=src)
            assert new == old


def test_pages_listing_hostile_incidents_escape_them(built: tuple[Environment, BuildSession]) -> None:
    _, session = built
    assert session.last is not None
    out = session.last.output
    for listing in ("incidents/index.html", "table/index.html", "countries/mexico/index.html",
                    "sources/src-full/index.html"):
        text = (Path(out) / listing).read_text(encoding="utf-8")
        assert "<script>alert" not in text, listing
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;quoted&#34;" in text, listing


@pytest.mark.parametrize("backrefs", [(), ("cite-1",), ("cite-1", "cite-<2>", "cite-3")])
def test_source_entries_are_the_macros_bytes(built: tuple[Environment, BuildSession], backrefs: tuple[str, ...]) -> None:
    env, session = built
    assert session.last is not None
    sources = list(session.last.graph.sources.values())
    assert {bool(s.url) for s in sources} == {True, False} and any(s.archive_url for s in sources)
    for src in sources:
        for number, cited in ((1, True), (12, False)):
            call = "source_entry(n, s, refs, cited)"
            values = {"n": number, "s": src, "refs": backrefs, "cited": cited}
            old = _render(env, session, OLD_MACROS + "{{ " + call + " }}", "incidents/full/", **values)
            new = _render(env, session, NEW + "{{ m." + call + " }}", "incidents/full/", **values)
            assert new == old
