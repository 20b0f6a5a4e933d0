"""Stage 5 — render templates: turn each planned page into bytes, one at a time.

Templates load through a ChoiceLoader: the site's own ``templates/`` first,
then the default theme, which is also reachable as ``default/<name>`` so that
a site's override can ``{% extends "default/incident.html" %}``. Autoescape is
on for every template. A template error becomes a diagnostic naming the
template file and line, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from .diagnostics import Diagnostics
from .graph import SiteGraph
from .model import Entity, Incident, Page, Report, Source
from .pages import PageJob
from .terms import Term
from .theme import theme_dir
from .urls import absolute, nav_target, output_file, path_of, relative


@dataclass(frozen=True, slots=True)
class OutputFile:
    path: str  # inside the output folder, forward slashes
    data: bytes


@dataclass(frozen=True, slots=True)
class NavLink:
    title: str
    href: str
    current: bool


def site_path(target: Any) -> str:
    """The site path of anything a template may link to."""
    if isinstance(target, str):
        return target.lstrip("/")
    if isinstance(target, Incident):
        return path_of("incident", target.slug)
    if isinstance(target, Report):
        return path_of("report", target.slug)
    if isinstance(target, Source):
        return path_of("source", target.id)
    if isinstance(target, Entity):
        return path_of("entity", target.id)
    if isinstance(target, Page):
        return path_of("page", target.slug)
    if isinstance(target, Term):
        return path_of(target.kind, target.slug)
    raise TypeError(f"url() cannot link to {type(target).__name__}")


def make_environment(site_templates: Path | None) -> Environment:
    theme = FileSystemLoader(str(theme_dir()))
    loaders: list[jinja2.BaseLoader] = []
    if site_templates is not None and site_templates.resolve() != theme_dir().resolve():
        loaders.append(FileSystemLoader(str(site_templates)))
    loaders += [PrefixLoader({"default": theme}), theme]
    env = Environment(loader=ChoiceLoader(loaders), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["num"] = format_number
    env.globals["figure_label"] = lambda key: key.replace("_", " ").capitalize()
    env.globals["url"] = _url
    env.globals["abs_url"] = _abs_url
    env.globals["asset"] = _asset
    return env


def format_number(value: int | float) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


@pass_context
def _url(context: Context, target: Any) -> str:
    path = site_path(target)
    if context.get("root_relative"):
        return str(context["base_path"]) + path
    return relative(context["page_path"], path)


@pass_context
def _abs_url(context: Context, target: Any) -> str:
    return absolute(context["site"].base_url, site_path(target))


@pass_context
def _asset(context: Context, name: str) -> str:
    return _url(context, f"assets/{name}")


def _nav(graph: SiteGraph, page_path: str, base_path: str, root_relative: bool) -> list[NavLink]:
    links = []
    for item in graph.config.nav:
        target = nav_target(item.url)
        if target is None:
            links.append(NavLink(item.title, item.url, False))
            continue
        href = base_path + target if root_relative else relative(page_path, target)
        current = bool(target) and page_path.startswith(target) or target == page_path
        links.append(NavLink(item.title, href, current))
    return links


def render_pages(graph: SiteGraph, jobs: Iterable[PageJob], site_templates: Path | None,
                 diags: Diagnostics, base_path: str, site_root: Path) -> Iterator[OutputFile]:
    """Render each job; a page whose template fails is reported and left out."""
    env = make_environment(site_templates)
    broken: set[str] = set()
    for job in jobs:
        if job.template in broken:
            continue
        root_relative = job.path == "404.html"  # served at any depth, so links start at the root
        context = {
            "site": graph.config, "graph": graph, "page_path": job.path, "page_title": job.title,
            "base_path": base_path, "root_relative": root_relative,
            "canonical": absolute(graph.config.base_url, job.path),
            "nav": _nav(graph, job.path, base_path, root_relative),
            "unpublished": None,  # a pages.Unpublished on drafts and embargoed items, for the banner
            **job.context,
        }
        try:
            html = env.get_template(job.template).render(context)
        except Exception as exc:  # noqa: BLE001 - a site's template may fail in any way; never a traceback
            broken.add(job.template)
            _report_template_error(exc, job, diags, site_root)
            continue
        yield OutputFile(output_file(job.path), html.encode("utf-8"))


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
