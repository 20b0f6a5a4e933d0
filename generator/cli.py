"""The ``docket`` command: build, check, serve, new.

Exit status: 0 built (warnings allowed), 1 content errors, 2 usage errors and
failures of the environment (a full disk, a read-only folder), reported on one
line without a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from . import __version__
from .build import BuildResult, build
from .diagnostics import printable
from .errors import UsageError
from .loader import CONTENT_KINDS
from .report import FORMATS as REPORT_FORMATS
from .report import render_report
from .terminal import ProgressLine
from .validate import ENTITY_KINDS

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        resolve_site(args)
        code: int = args.run(args)
        return code
    except UsageError as exc:  # the writer's OutputError included: it names the output folder
        print(f"docket: error: {printable(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # anything else the machine refused (docket new, serve's port)
        print(f"docket: error: {printable(describe_os_error(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


def describe_os_error(exc: OSError) -> str:
    """``path: reason`` on one line, like the diagnostics."""
    reason = exc.strerror or str(exc)
    paths = [str(p) for p in (exc.filename, exc.filename2) if p is not None]
    return f"{' -> '.join(paths)}: {reason}" if paths else reason


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="docket",
                       description="Build an investigative site from Markdown incidents.")
    parser.add_argument("--version", action="version", version=f"docket {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("build", help="validate the content and build the site",
                       description="Validate the content and build the site into the output folder "
                       "(replaced atomically; untouched when there are errors).")
    p.add_argument("site", nargs="?", default=".", metavar="SITE_DIR", help="the folder holding site.yaml (default: .)")
    add_site_option(p)
    p.add_argument("--output", "-o", metavar="DIR", help="where to write the site (default: SITE_DIR/output)")
    p.add_argument("--drafts", action="store_true", help="include drafts and embargoed items")
    add_strict_option(p)
    add_speed_options(p)
    p.set_defaults(run=run_build)

    p = sub.add_parser("check", help="validate the content and review it for publishing; write nothing",
                       description="Validate the content and templates, and add an editor's warnings "
                       "(sources without a URL, incidents citing no source, unedited scaffold text...), "
                       "without writing anything. See docs/checks.md.")
    p.add_argument("site", nargs="?", default=".", metavar="SITE_DIR", help="the folder holding site.yaml (default: .)")
    add_site_option(p)
    p.add_argument("--drafts", action="store_true", help="include drafts and embargoed items")
    add_strict_option(p)
    p.add_argument("--format", choices=REPORT_FORMATS, default="text",
                   help="text (default), json (machine-readable) or github (workflow annotations)")
    add_speed_options(p)
    p.set_defaults(run=run_check)

    p = sub.add_parser("serve", help="preview the site, rebuilding and reloading on every change",
                       description="Build the site, serve it on loopback, rebuild on every change under content/, "
                       "templates/, static/ or site.yaml and reload the open page.")
    p.add_argument("site", nargs="?", default=".", metavar="SITE_DIR", help="the folder holding site.yaml (default: .)")
    add_site_option(p)
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--output", "-o", metavar="DIR", help="where to write the preview (default: a temporary folder)")
    p.add_argument("--no-drafts", dest="drafts", action="store_false",
                   help="hide drafts in the preview (shown by default)")
    p.set_defaults(run=run_serve)

    p = sub.add_parser("new", help="start a new site, or a new incident, report, source, entity or page",
                       usage='%(prog)s site DIR\n'
                       '       %(prog)s KIND "Title" [SITE_DIR] [--site SITE_DIR] [--slug SLUG]\n'
                       '       %(prog)s entity "Name" [--kind person|organisation|place]',
                       description="'docket new site DIR' writes a small site that builds at once. "
                       "'docket new KIND \"Title\"' writes a new content file from the site's archetypes/KIND.md "
                       "(or the default one), ready to edit. See docs/writing.md.")
    kinds = list(CONTENT_KINDS.values())
    p.add_argument("kind", choices=["site", *kinds], metavar="KIND", help="site, or one of: " + ", ".join(kinds))
    p.add_argument("title", metavar="TITLE", help="the title (the file name is made from it); for 'site': the folder")
    p.add_argument("site", nargs="?", default=".", metavar="SITE_DIR", help="the folder holding site.yaml (default: .)")
    p.add_argument("--slug", help="the new file's id and name, instead of one made from the title")
    p.add_argument("--kind", dest="entity_kind", choices=ENTITY_KINDS,
                   help="for an entity: person, organisation (the default) or place")
    add_site_option(p)
    p.set_defaults(run=run_new)
    return parser


def add_site_option(p: argparse.ArgumentParser) -> None:
    """``--site SITE_DIR``, the same as the positional SITE_DIR (``resolve_site`` joins the two)."""
    p.add_argument("--site", dest="site_option", metavar="SITE_DIR", help="the same as SITE_DIR")
    p.set_defaults(site=None)  # so that resolve_site can tell an omitted SITE_DIR from "."


def resolve_site(args: argparse.Namespace) -> None:
    """One site folder from SITE_DIR and --site; two different ones are a usage error."""
    given = [value for value in (getattr(args, "site", None), getattr(args, "site_option", None)) if value]
    if len(given) == 2 and Path(given[0]).resolve() != Path(given[1]).resolve():
        raise UsageError(f"two site folders given, {given[0]!r} (SITE_DIR) and {given[1]!r} (--site); give one")
    if hasattr(args, "site"):
        args.site = given[0] if given else "."


def add_strict_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--strict", action="store_true",
                   help="treat every warning as an error: exit 1 and write nothing")


def add_speed_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--jobs", "-j", type=positive, metavar="N",
                   help="processes that render pages (default: one per core)")
    p.add_argument("--no-cache", dest="cache", action="store_false",
                   help="build from scratch: neither read nor write SITE_DIR/.docket-cache/")


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text!r}")
    return value


def print_diagnostics(result: BuildResult) -> None:
    diags = result.diagnostics
    if diags.items:
        print(diags.report(), file=sys.stderr)


def run_build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    progress = ProgressLine.for_terminal()
    try:
        result = build(args.site, args.output, drafts=args.drafts, cache=args.cache, jobs=args.jobs,
                       strict=args.strict, progress=progress)
    finally:
        if progress is not None:
            progress.clear()
    print_diagnostics(result)
    if not result.ok:
        why = " (--strict: warnings count as errors)" if args.strict and result.diagnostics.items else ""
        print(f"docket: build failed{why}; {kept_output(args)}", file=sys.stderr)
        return EXIT_CONTENT
    output = printable(str(result.output))
    print(f"docket: built {result.pages} files into {output} in {time.perf_counter() - started:.2f} s "
          f"({result.rendered} pages rendered, the others unchanged){held_back(result.unpublished)}")
    return EXIT_OK


def kept_output(args: argparse.Namespace) -> str:
    """What a failed build did to the output: nothing; said as the previous output kept only when there is one."""
    output = Path(args.output) if args.output else Path(args.site) / "output"
    return "the previous output was left as it was" if os.path.lexists(output) else "nothing was written"


def held_back(count: int) -> str:
    """Why a new draft is not on the site: said on the summary line, not left to be guessed."""
    if not count:
        return ""
    items = "1 draft or embargoed item" if count == 1 else f"{count} drafts or embargoed items"
    return f"; {items} left out (docket build --drafts, or docket serve, shows them)"


def run_check(args: argparse.Namespace) -> int:
    result = build(args.site, drafts=args.drafts, write=False, cache=args.cache, jobs=args.jobs,
                   review=True, strict=args.strict)
    if args.format == "text":
        print_diagnostics(result)
    else:  # for a program: the whole report on stdout, and nothing else there
        print(render_report(result.diagnostics, args.format, path_prefix=site_prefix(args.site)))
    if not result.ok:
        return EXIT_CONTENT
    if args.format == "text":
        print(f"docket: content is valid ({result.pages} files would be written)")
    return EXIT_OK


def site_prefix(site: str) -> str:
    """The site folder as seen from here ("docs/site/"), so that annotations name files in the repository."""
    folder = Path(site).resolve()
    try:
        relative = folder.relative_to(Path.cwd().resolve())
    except ValueError:
        return f"{folder.as_posix()}/"
    return "" if relative == Path() else f"{relative.as_posix()}/"


def run_serve(args: argparse.Namespace) -> int:
    from .serve import serve  # livereload and watchfiles load only for the preview

    return serve(Path(args.site), args.host, args.port, args.output, args.drafts)


def run_new(args: argparse.Namespace) -> int:
    from .scaffold import new_content, new_site, written_kind

    if args.kind == "site":
        return run_new_site(args, new_site)
    path = new_content(Path(args.site), args.kind, args.title, slug=args.slug, entity_kind=args.entity_kind)
    print(f"docket: wrote {printable(str(shown_path(path, Path(args.site))))}")
    if args.kind == "entity":
        print(entity_kind_line(written_kind(path.read_text(encoding="utf-8")), args.entity_kind is not None))
    if is_draft(path):
        print("docket: it is a draft: 'docket serve' shows it; 'docket build' leaves it out "
              "until you remove 'draft: true'")
    return EXIT_OK


def entity_kind_line(kind: str, chosen: bool) -> str:
    """Which kind a new entity got, and how to choose another: `docket new` asks nothing."""
    if not kind:
        return "docket: it has no 'kind:' line; add one: kind: " + " | ".join(ENTITY_KINDS)
    others = " or ".join(f"--kind {k}" for k in ENTITY_KINDS if k != kind)
    how = "from --kind" if chosen else "the default"
    return f"docket: kind: {kind} ({how}); for another, edit that line, or use {others}"


def run_new_site(args: argparse.Namespace, new_site: Callable[[Path], list[Path]]) -> int:
    if args.site != "." or args.slug or args.entity_kind:
        raise UsageError("'docket new site' takes one folder and no --site, --slug or --kind: docket new site DIR")
    import shlex

    written = new_site(Path(args.title))
    folder = printable(shlex.quote(args.title))  # the commands below are meant to be pasted into a shell
    print(f"docket: created the site {printable(args.title)} ({len(written)} files). Next:\n"
          f"  docket serve {folder}    # preview it while you edit\n"
          f"  docket build {folder}    # build it into {printable(str(Path(args.title) / 'output'))}")
    return EXIT_OK


def shown_path(path: Path, site: Path) -> Path:
    """The new file as the writer finds it: from the current folder, or else from the site."""
    for start in (Path.cwd(), site):
        try:
            return path.relative_to(start.resolve())
        except ValueError:
            continue
    return path


def is_draft(path: Path) -> bool:
    from .diagnostics import Diagnostics
    from .frontmatter import parse_document

    doc = parse_document(path.name, path.read_text(encoding="utf-8"), Diagnostics())
    return doc is not None and doc.data.get("draft") is True
