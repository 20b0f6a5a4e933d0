"""``build()``: the pipeline, one stage after another.

load → validate → resolve the graph → render Markdown → plan and render pages
→ write atomically. Each stage adds to one ``Diagnostics``; nothing is written
when any stage reported an error. The CLI, the preview server and the tests
all call this same function.
"""

from __future__ import annotations

import datetime as dt
from itertools import chain
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .diagnostics import Diagnostics
from .exports import render_exports
from .graph import add_citations, resolve
from .links import check_local_links, tracked
from .loader import UsageError, load_site
from .markdown import render_all
from .pages import plan_pages
from .render import render_pages
from .validate import validate
from .writer import StagedOutput


@dataclass(frozen=True, slots=True)
class BuildResult:
    diagnostics: Diagnostics
    output: Path | None  # None when nothing was written (errors, or check only)
    pages: int  # files rendered: pages, data exports and the feed (static files not counted)

    @property
    def ok(self) -> bool:
        return not self.diagnostics.has_errors


def build(site_dir: str | Path = ".", output: str | Path | None = None, *, drafts: bool = False,
          write: bool = True, now: dt.datetime | None = None, base_path: str | None = None) -> BuildResult:
    """Build the site in ``site_dir`` into ``output`` (default ``site_dir/output``).

    ``write=False`` validates and renders everything but writes nothing (``docket check``).
    ``base_path`` overrides the path of ``base_url`` for root-relative links (the preview uses "/").
    """
    diags = Diagnostics()
    site_dir = Path(site_dir).resolve()
    output = Path(output).resolve() if output else site_dir / "output"
    check_output_location(site_dir, output)
    now = now or dt.datetime.now(dt.timezone.utc)

    loaded = load_site(site_dir, diags)
    content = validate(loaded, diags)
    graph = resolve(content, diags, now, drafts)
    bodies = render_all(graph, diags)
    graph = add_citations(graph, {key: body.sources for key, body in bodies.items()}, diags)
    if diags.has_errors:
        return BuildResult(diags, None, 0)
    base = base_path if base_path is not None else urlsplit(graph.config.base_url).path
    built: set[str] = {f.target for f in (*loaded.theme_assets, *loaded.static)}
    pages = tracked(chain(render_pages(graph, plan_pages(graph, bodies), loaded.templates_dir, diags, base, site_dir),
                          render_exports(graph, bodies)), built)
    if not write:
        count = sum(1 for _ in pages)
        check_local_links(bodies.values(), built, diags)
        return BuildResult(diags, None, count)
    with StagedOutput(output) as staged:
        staged.write_all(pages)
        check_local_links(bodies.values(), built, diags)
        if diags.has_errors:
            return BuildResult(diags, None, 0)
        staged.copy_static([*loaded.theme_assets, *loaded.static])
        staged.commit()
        return BuildResult(diags, output, staged.count)


def check_output_location(site_dir: Path, output: Path) -> None:
    """Refuse an output folder whose replacement would destroy the writer's own files."""
    if output == site_dir or output in site_dir.parents:
        raise UsageError(f"{output}: the output folder cannot be the site folder or hold it")
    for precious in ("content", "templates", "static"):
        folder = site_dir / precious
        if output == folder or folder in output.parents:
            raise UsageError(f"{output}: the output folder cannot be inside {precious}/")
    if (output / "site.yaml").exists() or (output / "content").is_dir():
        raise UsageError(f"{output}: this folder holds a site; choose an empty or earlier output folder")
