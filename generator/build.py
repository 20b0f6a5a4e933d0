"""``build()``: the pipeline, one stage after another.

load → validate → resolve the graph → render Markdown → plan and render pages
→ write atomically. Each stage adds to one ``Diagnostics``; nothing is written
when any stage reported an error. The CLI, the preview server and the tests
all call this same function.

Docket replaces only a folder it made (see ``writer.check_owned``), and never
one that is, holds or lies inside the site's own files.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from urllib.parse import urlsplit

from .diagnostics import Diagnostics
from .exports import render_exports
from .graph import add_citations, resolve
from .links import check_local_links, tracked
from .loader import CONFIG_NAME, UsageError, load_site
from .markdown import render_all
from .pages import plan_pages
from .render import render_pages
from .validate import validate
from .writer import StagedOutput, check_owned, remove_leftovers


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
    now = now or dt.datetime.now(dt.UTC)

    loaded = load_site(site_dir, diags)
    target = prepare_output(site_dir, output) if write else None
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
    if target is None:  # docket check
        count = sum(1 for _ in pages)
        check_local_links(bodies.values(), built, diags)
        return BuildResult(diags, None, count)
    with StagedOutput(target) as staged:
        staged.write_all(pages)
        check_local_links(bodies.values(), built, diags)
        if diags.has_errors:
            return BuildResult(diags, None, 0)
        staged.copy_static([*loaded.theme_assets, *loaded.static])
        staged.commit()
        return BuildResult(diags, target, staged.count)


def prepare_output(site_dir: Path, output: str | Path | None) -> Path:
    """The output folder to build into, once checked; leftovers of killed builds are removed."""
    target = check_output_location(site_dir, output)
    remove_leftovers(target)
    return target


def check_output_location(site_dir: Path, output: str | Path | None) -> Path:
    """Where ``output`` really is, if Docket may replace it; otherwise raise ``UsageError``."""
    target = real_location(Path(output) if output else site_dir / "output")
    if target == site_dir or target in site_dir.parents:
        raise UsageError(f"{target}: the output folder cannot be the site folder or hold it; "
                         "choose another folder with --output")
    for name, shown in ((CONFIG_NAME, CONFIG_NAME), ("content", "content/"), ("templates", "templates/"),
                        ("static", "static/")):
        own = (site_dir / name).resolve()
        if target == own or own in target.parents or target in own.parents:
            raise UsageError(f"{target}: the output folder overlaps the site's {shown}, which replacing it "
                             "would delete; choose another folder with --output")
    check_owned(target)
    return target


def real_location(path: Path) -> Path:
    """``path`` made absolute with its parent's links resolved but not its own last part.

    The last part is what gets replaced, so a link there must be seen (and refused), not followed.
    """
    absolute = Path(os.getcwd()) / path  # no normpath: "link/.." means what the kernel says it means
    if absolute.name in ("", ".."):
        return absolute.resolve()
    return absolute.parent.resolve() / absolute.name
