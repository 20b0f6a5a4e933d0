"""Stage 6a — render templates: turn each planned page into bytes, one at a time.

Templates load through a ChoiceLoader: the site's own ``templates/`` first,
then the default theme, which is also reachable as ``default/<name>`` so that
a site's override can ``{% extends "default/incident.html" %}``. Autoescape is
on for every template. When the site has templates of its own, every template,
the theme's too, renders in Docket's bounded sandbox (``sandbox.py``): a site's
templates are code from whoever commits to its repository. A site without any
renders the theme, Docket's own code, without it: the sandbox costs about a
sixth of a build's CPU time (docs/performance.md). A template error becomes a
diagnostic naming the template file and line, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, StrictUndefined, nodes, pass_context
from jinja2.runtime import Context

from .contexts import PageLink
from .diagnostics import Diagnostic, Diagnostics
from .fragments import (
    figure_label,
    host_name,
    lang_attribute,
    make_incident_item,
    make_incident_rows,
    make_source_entry,
    time_tag,
    where_terms,
)
from .model import Entity, Incident, Page, Report, SiteConfig, Source
from .numbers import format_number
from .pagejob import PageJob
from .sandbox import PAGE_LIMITS, BoundedSandbox
from .stats import describe
from .terms import Term, TermLink
from .theme import theme_dir
from .urls import absolute, nav_target, path_of, relative


@dataclass(frozen=True, slots=True)
class NavLink:
    title: str
    href: str
    current: bool


def site_path(target: Any) -> str:
    """The site path of anything a template may link to."""
    cls = type(target)
    if cls is Incident or cls is Report or cls is Page or cls is PageLink:
        return path_of(target.kind, target.slug)
    if cls is Source:
        return path_of("source", target.id)
    if cls is Entity:
        return path_of("entity", target.id)
    if cls is Term or cls is TermLink:
        return path_of(target.kind, target.slug)
    if isinstance(target, str):
        return target.lstrip("/")
    raise TypeError(f"url() cannot link to {type(target).__name__}")


def sandboxed(site_templates: Path | None) -> bool:
    """Whether the site has templates of its own, so that every template renders in the sandbox."""
    return site_templates is not None and site_templates.resolve() != theme_dir().resolve()


def make_environment(site_templates: Path | None, bytecode_cache: jinja2.BytecodeCache | None = None) -> Environment:
    theme = FileSystemLoader(str(theme_dir()))
    loaders: list[jinja2.BaseLoader] = []
    if site_templates is not None and sandboxed(site_templates):
        loaders.append(FileSystemLoader(str(site_templates)))
    loaders += [PrefixLoader({"default": theme}), theme]
    options: dict[str, Any] = dict(loader=ChoiceLoader(loaders), autoescape=True, undefined=StrictUndefined,
                                   trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                                   bytecode_cache=bytecode_cache, auto_reload=True)
    env = BoundedSandbox(PAGE_LIMITS, **options) if sandboxed(site_templates) else Environment(**options)
    env.filters["num"] = format_number
    env.globals["figure_label"] = figure_label
    env.globals["url"] = _url
    env.globals["abs_url"] = _abs_url
    env.globals["asset"] = _asset
    env.globals["where_terms"] = where_terms
    env.globals["describe_stats"] = describe  # what the totals count: "Totals count 12 incidents; …"
    # The hottest macros, in Python (fragments.py): _macros.html binds them under the macros' names.
    env.globals["time_tag"] = time_tag
    env.globals["host_name"] = host_name
    env.globals["lang_attribute"] = lang_attribute
    env.globals["incident_item_html"] = make_incident_item(_url)
    env.globals["incident_rows"] = make_incident_rows(_url)
    env.globals["source_entry_html"] = make_source_entry(_url)
    return env


_UNSET = object()


def _variable(context: Context, name: str, default: Any = _UNSET) -> Any:
    """``context[name]`` (or ``context.get(name, default)``) without Context's layers of calls.

    url() is called about fifty times a page; the lookup order is Jinja's: the template's own
    variables, then those it was rendered with.
    """
    value = context.vars.get(name, _UNSET)
    if value is not _UNSET:
        return value
    return context.parent[name] if default is _UNSET else context.parent.get(name, default)


@pass_context
def _url(context: Context, target: Any) -> str:
    path = target.lstrip("/") if type(target) is str else site_path(target)
    if _variable(context, "root_relative", None):
        return str(_variable(context, "base_path")) + path
    return relative(_variable(context, "page_path"), path)


@pass_context
def _abs_url(context: Context, target: Any) -> str:
    return absolute(context["site"].base_url, site_path(target))


@pass_context
def _asset(context: Context, name: str) -> str:
    return _url(context, f"assets/{name}")


def _nav(config: SiteConfig, page_path: str, base_path: str, root_relative: bool) -> list[NavLink]:
    links = []
    for item in config.nav:
        target = nav_target(item.url)
        if target is None:
            links.append(NavLink(item.title, item.url, False))
            continue
        href = base_path + target if root_relative else relative(page_path, target)
        current = bool(target) and page_path.startswith(target) or target == page_path
        links.append(NavLink(item.title, href, current))
    return links


@dataclass(frozen=True, slots=True)
class SiteInputs:
    """What every page gets besides its own context: a change here changes every page."""

    config: SiteConfig
    footer_pages: tuple[PageLink, ...]  # the site's plain pages, linked from every footer
    base_path: str  # the path of base_url, or "/" in the preview


class PageRenderer:
    """Renders one page at a time; a template that failed once is not tried again."""

    def __init__(self, env: Environment, site: SiteInputs, site_root: Path) -> None:
        self.env, self.site, self.site_root = env, site, site_root
        self.broken: set[str] = set()

    def variables(self, job: PageJob) -> dict[str, Any]:
        config = self.site.config
        root_relative = job.path == "404.html"  # served at any depth, so links start at the root
        return {
            "site": config, "page_path": job.path, "page_title": job.title,
            "base_path": self.site.base_path, "root_relative": root_relative,
            "canonical": absolute(config.base_url, job.path),
            "nav": _nav(config, job.path, self.site.base_path, root_relative),
            "footer_pages": self.site.footer_pages,
            "unpublished": None,  # a contexts.Unpublished on drafts and embargoed items, for the banner
            "feed": "",  # the site path of the page's own Atom feed, on lists, terms and entities
            "meta": None,  # a meta.PageMeta on item pages: JSON-LD, share image, citation
            **job.context.variables(),
        }

    def render(self, job: PageJob) -> tuple[bytes | None, tuple[Diagnostic, ...]]:
        """The page's bytes, or None and the diagnostic saying why its template failed."""
        if job.template in self.broken:
            return None, ()
        try:
            html = self.env.get_template(job.template).render(self.variables(job))
        except Exception as exc:  # noqa: BLE001 - a site's template may fail in any way; never a traceback
            self.broken.add(job.template)
            diags = Diagnostics()
            loop = find_template_loop(self.env, job.template) if isinstance(exc, RecursionError) else None
            if loop is not None:
                diags.error(_shown_path(loop.filename, self.site_root), loop.line, "", loop.message, loop.hint)
            else:
                _report_template_error(exc, job, diags, self.site_root)
            return None, tuple(diags.items)
        return html.encode("utf-8"), ()


def _report_template_error(exc: Exception, job: PageJob, diags: Diagnostics, site_root: Path) -> None:
    filename = getattr(exc, "filename", None) or job.template
    lineno = getattr(exc, "lineno", 0) or 0
    if not lineno:  # a runtime error: the innermost template frame of the traceback says where
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename.endswith((".html", ".xml", ".txt")):
                filename, lineno = tb.tb_frame.f_code.co_filename, tb.tb_lineno
            tb = tb.tb_next
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"template not found: {exc.name}"
    elif isinstance(exc, jinja2.TemplateError):
        message = f"template error: {(exc.message or str(exc)).rstrip('.')}"
    else:
        message = f"template error: {type(exc).__name__}: {str(exc).rstrip('.')}"
    diags.error(_shown_path(filename, site_root), lineno, "", message, f"while rendering /{job.path}")


def _shown_path(filename: str, site_root: Path) -> str:
    """A site template relative to the site; a default-theme template as "(theme) name"."""
    path = Path(filename)
    if not path.is_absolute():
        return filename
    for root, prefix in ((site_root, ""), (theme_dir(), "(default theme) ")):
        try:
            return prefix + path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            continue
    return filename


@dataclass(frozen=True, slots=True)
class TemplateLoop:
    filename: str
    line: int
    message: str
    hint: str


# The statement, as written, and what it does to the template it names.
_USES = {nodes.Extends: ("extends", "extends"), nodes.Include: ("include", "includes"),
         nodes.Import: ("import", "imports"), nodes.FromImport: ("from", "imports")}


def find_template_loop(env: Environment, start: str) -> TemplateLoop | None:
    """The ``{% extends %}`` or ``{% include %}`` that leads back to a template on its own way down, if any.

    Jinja recurses without end on such a loop (a RecursionError at render time);
    the usual cause is a site's ``incident.html`` extending "incident.html",
    which names the override itself, where "default/incident.html" was meant.
    """
    chain: list[str] = []
    done: set[str] = set()

    def walk(name: str) -> TemplateLoop | None:
        chain.append(name)
        for filename, line, (keyword, verb), target in _uses(env, name):
            if target in chain:
                return _describe_loop(env, chain[chain.index(target):], filename, line, keyword, verb, target)
            if target not in done:
                found = walk(target)
                if found is not None:
                    return found
        chain.pop()
        done.add(name)
        return None

    return walk(start)


def _uses(env: Environment, name: str) -> list[tuple[str, int, tuple[str, str], str]]:
    """(file, line, verb, name) for each template that ``name`` extends, includes or imports by a fixed name."""
    assert env.loader is not None  # make_environment always sets one
    try:
        source, filename, _ = env.loader.get_source(env, name)
        tree = env.parse(source, name, filename)
    except jinja2.TemplateError:
        return []  # a missing or broken template is reported on its own when it renders
    out = []
    for node in tree.find_all(tuple(_USES)):
        template = getattr(node, "template", None)
        if isinstance(template, nodes.Const) and isinstance(template.value, str):
            out.append((filename or name, node.lineno, _USES[type(node)], template.value))
    return out


def _describe_loop(env: Environment, loop: list[str], filename: str, line: int, keyword: str, verb: str,
                   target: str) -> TemplateLoop:
    in_theme = _theme_has(env, target)
    if len(loop) == 1:
        message = f"{{% {keyword} \"{target}\" %}} {verb} itself: \"{target}\" is this file, the site's own"
        if in_theme and verb == "extends":
            hint = f"extend 'default/{target}' to build on the default theme's template"
        elif in_theme:
            hint = f"name the default theme's template as 'default/{target}', or another one"
        else:
            hint = "a template cannot use itself: name another one"
        return TemplateLoop(filename, line, message, hint)
    steps = " → ".join([*loop, target])
    hint = "a template cannot extend or include one that leads back to it"
    if in_theme:
        hint += f"; for the default theme's {target}, write 'default/{target}'"
    return TemplateLoop(filename, line, f"templates loop: {steps}", hint)


def _theme_has(env: Environment, name: str) -> bool:
    assert env.loader is not None
    try:
        env.loader.get_source(env, f"default/{name}")
    except jinja2.TemplateNotFound:
        return False
    return True
