"""``build()``: the pipeline, one stage after another.

load → validate → resolve the graph → render Markdown → plan pages → render
or reuse them → write atomically. Each unit of work (a file validated, a body
rendered, a page rendered) returns its own diagnostics, which the build
collects; nothing is published when any of them is an error. A
``BuildSession`` carries caches from one build to the next. The CLI, the
preview server and the tests all call this same function.

Docket replaces only a folder it made (see ``writer.check_owned``), and never
one that is, holds or lies inside the site's own files.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .basemaps import map_keys, place_basemaps
from .config import site_timezone
from .contexts import PageLink
from .diagnostics import Diagnostics
from .errors import UsageError
from .exports import Dumps, build_date, data_listing, render_exports
from .fingerprint import TemplateDigests, known_references, remember_references
from .graph import SiteGraph, add_citations, resolve
from .links import check_item_images, check_local_links
from .loader import CONFIG_NAME, LoadedSite, load_site
from .markdown import RenderedBody, render_all
from .model import Content, Incident, Moment, Page, Report, StaticFile
from .outfiles import ManifestEntry
from .outputs import OutputFile
from .pagejob import PageJob
from .pages import plan_pages
from .parallel import Progress
from .produce import PageOutcome, PageRecord, Producer, produce_all
from .render import PageRenderer, SiteInputs
from .searchindex import start_search
from .session import BuildSession, LastBuild, State, inputs_digest
from .sitemap import lastmod, site_map_files
from .validate import validate
from .writer import StagedOutput, check_owned, remove_leftovers


@dataclass(frozen=True, slots=True)
class BuildResult:
    diagnostics: Diagnostics
    output: Path | None  # None when nothing was written (errors, or check only)
    pages: int  # files rendered: pages, data exports and the feed (static files not counted)
    rendered: int = 0  # pages rendered by this build; the rest were unchanged and kept
    # Output files whose bytes this build changed (path -> SHA-256), so the preview reloads only those
    changed: Mapping[str, str] = field(default_factory=dict)
    unpublished: int = 0  # drafts and embargoed items this build left out


    @property
    def ok(self) -> bool:
        return not self.diagnostics.has_errors


def build(site_dir: str | Path = ".", output: str | Path | None = None, *, drafts: bool = False,
          write: bool = True, now: dt.datetime | None = None, base_path: str | None = None,
          session: BuildSession | None = None, cache: bool = True, jobs: int | None = None,
          review: bool = False, strict: bool = False, progress: Progress | None = None) -> BuildResult:
    """Build the site in ``site_dir`` into ``output`` (default ``site_dir/output``).

    ``write=False`` validates and renders everything but writes nothing (``docket check``).
    ``base_path`` overrides the path of ``base_url`` for root-relative links (the preview uses "/").
    ``session`` carries caches from one build to the next (the preview keeps one); without one, a
    session is made for this build, saved in ``.docket-cache/`` unless ``cache`` is False.
    ``jobs`` is the number of processes that render pages (default: one per core).
    ``review`` adds the editor's warnings of ``review.py`` (``docket check`` does); ``strict`` turns
    every warning into an error, so that a build with warnings writes nothing. ``progress`` is told
    how many pages of how many are done as they render.
    """
    diags = Diagnostics()
    site_dir = Path(site_dir).resolve()
    now = now or dt.datetime.now(dt.UTC)
    # Without a cache and a session of the caller's, no later build can reuse this one's pages.
    keyed = cache or session is not None
    # `docket check` writes nothing at all, not even the cache.
    session = session or BuildSession(site_dir, cache=cache and write, drafts=drafts, jobs=jobs)
    session.begin(diags)

    loaded = load_site(site_dir, diags)
    target = prepare_output(site_dir, output) if write else None
    # SOURCE_DATE_EPOCH sets the data page's build date: another value makes another site.
    inputs = inputs_digest(loaded, drafts, base_path, str(target), os.environ.get("SOURCE_DATE_EPOCH"))
    last = session.unchanged(inputs, target, now) if not diags.items else None
    if last is not None and not review:  # made from exactly these inputs, and still in place: nothing to do
        return _replayed(last, target, diags, strict)
    content = validate(loaded, diags, session, session.jobs)
    graph = resolve(content, diags, now, drafts)
    bodies = render_all(graph, diags, session, session.jobs)
    graph = add_citations(graph, {key: body.sources for key, body in bodies.items()}, diags)
    if review and not diags.has_errors:  # reviewed once it is valid: an error's knock-on effects are no news
        from .review import review as review_graph  # noqa: PLC0415 - only `docket check` reviews

        diags.extend(review_graph(graph, bodies))
    if _stops(diags, strict):
        session.finish(None, None, diags)
        return BuildResult(diags, None, 0)
    plan = plan_site(loaded, graph, bodies, session, diags, now, base_path)
    if target is None:  # docket check
        return _checked(plan, session, diags, strict, progress)
    written = _write(plan, target, session, diags, strict=strict, reuse=cache, keyed=keyed, progress=progress)
    if written is None:
        return BuildResult(diags, None, 0)
    held = unpublished(content, graph)
    session.remember(inputs, target, next_embargo_end(content, now), written.pages, diags, held)
    session.last = LastBuild(graph, plan.renderer, target, now, site_timezone(graph.config))
    return BuildResult(diags, target, written.pages, written.rendered, written.changed, held)


def _stops(diags: Diagnostics, strict: bool) -> bool:
    """Whether the build stops before publishing: on an error, or with ``strict`` (``--strict``) on any warning.

    The one place where ``strict`` promotes warnings, at each point where the build decides whether
    to go on, so that what stops a strict build is reported as an error.
    """
    if strict:
        diags.promote_warnings()
    return diags.has_errors


def _replayed(last: State, target: Path | None, diags: Diagnostics, strict: bool) -> BuildResult:
    """The last build's result, when it was made from exactly these inputs: its warnings are told again."""
    last.replay(diags)
    if _stops(diags, strict):
        return BuildResult(diags, None, 0)
    return BuildResult(diags, target, last.pages, 0, unpublished=last.unpublished)


@dataclass(frozen=True, slots=True)
class SitePlan:
    """Everything the site will have: the pages to render, the files made in memory and the static files."""

    graph: SiteGraph
    bodies: dict[tuple[str, str], RenderedBody]
    renderer: PageRenderer
    jobs: list[PageJob]
    exports: list[OutputFile]  # the data exports and their schemas; then the sitemap and robots.txt
    static: tuple[StaticFile, ...]  # the theme's assets, then the site's static files
    built: set[str]  # every path of the site, for the link check; the pages are added as they are made


def plan_site(loaded: LoadedSite, graph: SiteGraph, bodies: dict[tuple[str, str], RenderedBody],
              session: BuildSession, diags: Diagnostics, now: dt.datetime, base_path: str | None) -> SitePlan:
    """Plan every page, and make the data exports and the sitemap."""
    base = base_path if base_path is not None else urlsplit(graph.config.base_url).path
    site_inputs = SiteInputs(graph.config, tuple(PageLink(p.slug, p.title) for p in graph.pages), base)
    renderer = PageRenderer(session.environment(loaded.templates_dir, diags), site_inputs, loaded.root)
    dumps = Dumps(session.memo.dumps)  # each record's JSON text, kept from the last build
    exports = list(render_exports(graph, bodies, dumps))  # first: the data page lists their sizes and row counts
    session.memo.dumps = dumps.used
    data = data_listing(exports, build_date(now, site_timezone(graph.config)))
    jobs = list(plan_pages(graph, bodies, now, data=data))
    static = (*loaded.theme_assets, *loaded.static)
    built: set[str] = {f.target for f in static} | {f.path for f in exports}
    return SitePlan(graph, bodies, renderer, jobs, exports, static, built)


@dataclass(frozen=True, slots=True)
class Written:
    """What ``_write`` published."""

    pages: int  # pages, data exports and the feed (static files not counted)
    rendered: int  # pages rendered; the rest were unchanged and kept
    changed: dict[str, str]  # output files whose bytes changed -> SHA-256


def _write(plan: SitePlan, target: Path, session: BuildSession, diags: Diagnostics, *, strict: bool, reuse: bool,
           keyed: bool, progress: Progress | None) -> Written | None:
    """Render or reuse every page into a staging folder and publish it whole; None when it is not published."""
    # The search index (a build that writes): Pagefind indexes while the pages render.
    search = start_search(plan.graph, plan.bodies, session)
    try:
        with StagedOutput(target, reuse=reuse) as staged:
            previous = session.pages_for(target)
            producer = Producer(plan.renderer, session.digests, TemplateDigests(plan.renderer.env), previous, target,
                                staged.root, keyed)
            remember_references(session.memo.references)
            producer.triage(plan.jobs)  # the pages whose declared dependencies are unchanged: kept, never made
            _add_site_map(plan, producer.lastmod_of)
            # Each map's land, once per box, before the pages that name the files render.
            maps, basemaps = place_basemaps(producer.map_keys(plan.jobs), session.maps_for(target), session.jobs,
                                            producer)
            outcomes = produce_all(producer, plan.jobs, session.jobs, progress)
            records = _take(outcomes, staged, plan.built, diags)
            for path, record in basemaps.items():
                _keep(records, staged, path, record)
                plan.built.add(path)
            check_local_links(plan.bodies.values(), plan.built, diags)
            check_item_images((*plan.graph.incidents, *plan.graph.reports), plan.built, diags)
            # Placed with the exports, not counted as pages.
            bundle = search.result(diags) if not diags.has_errors else []
            if _stops(diags, strict):
                session.finish(None, None, diags)
                return None
            for file in (*plan.exports, *bundle):
                _keep(records, staged, file.path, producer.place(file.path, file.data))
            # The site's static files replace the theme's of the same name.
            for static in {f.target: f for f in plan.static}.values():
                _keep(records, staged, static.target, producer.place_static(static)[0])
            staged.commit()
    finally:
        search.cancel()  # when the build failed or was interrupted (nothing to stop otherwise)
    session.memo.references = known_references()
    session.finish(target, records, diags, maps)
    pages = sum(1 for o in outcomes if o.record is not None) + len(plan.exports)
    changed = {path: r.sha256 for path, r in records.items()
               if path not in previous or previous[path].sha256 != r.sha256}
    return Written(pages, sum(o.rendered for o in outcomes), changed)


def _add_site_map(plan: SitePlan, lastmod_of: Callable[[PageJob], Moment | None]) -> None:
    """sitemap.xml and robots.txt, with the data exports; ``lastmod_of`` says when each page last changed."""
    for file in site_map_files(plan.graph.config, plan.jobs, lastmod_of=lastmod_of):
        plan.exports.append(file)
        plan.built.add(file.path)


def unpublished(content: Content, graph: SiteGraph) -> int:
    """Drafts and embargoed incidents, reports and pages left out of this build."""
    return (len(content.incidents) + len(content.reports) + len(content.pages)
            - len(graph.incidents) - len(graph.reports) - len(graph.pages))


def next_embargo_end(content: Content, now: dt.datetime) -> float | None:
    """When the next embargo ends (a timestamp): from then on, the same inputs make another site."""
    items: tuple[Incident | Report | Page, ...] = (*content.incidents, *content.reports, *content.pages)
    ends = [item.publishing.publish_after.value.timestamp() for item in items
            if item.publishing.publish_after is not None and item.publishing.publish_after.value > now]
    return min(ends, default=None)


def _keep(records: dict[str, PageRecord], staged: StagedOutput, path: str, record: PageRecord) -> None:
    records[path] = record
    staged.record(path, ManifestEntry(record.size, record.sha256))


def _take(outcomes: list[PageOutcome], staged: StagedOutput, built: set[str],
          diags: Diagnostics) -> dict[str, PageRecord]:
    """Collect the pages' diagnostics and records; the manifest learns every page placed in ``staged``."""
    records = {}
    for outcome in outcomes:
        diags.extend(outcome.diagnostics)
        if outcome.record is not None:
            records[outcome.path] = outcome.record
            staged.record(outcome.path, ManifestEntry(outcome.record.size, outcome.record.sha256))
            built.add(outcome.path)
    return records


def _checked(plan: SitePlan, session: BuildSession, diags: Diagnostics, strict: bool,
             progress: Progress | None) -> BuildResult:
    """``docket check``: every page rendered, to catch template errors, and the links checked; nothing written."""
    _add_site_map(plan, lastmod)
    place_basemaps(map_keys(plan.jobs), session.maps_for(None), session.jobs, None)
    producer = Producer(plan.renderer, session.digests, TemplateDigests(plan.renderer.env), {}, None, None)
    outcomes = produce_all(producer, plan.jobs, session.jobs, progress)
    for outcome in outcomes:
        diags.extend(outcome.diagnostics)
        if outcome.record is not None:
            plan.built.add(outcome.path)
    check_local_links(plan.bodies.values(), plan.built, diags)
    check_item_images((*plan.graph.incidents, *plan.graph.reports), plan.built, diags)
    _stops(diags, strict)
    count = sum(1 for o in outcomes if o.record is not None) + len(plan.exports)
    return BuildResult(diags, None, count, count - len(plan.exports))


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
