"""The ``docket`` command: build, check, serve, new.

Exit status: 0 built (warnings allowed), 1 content errors, 2 usage errors and
failures of the environment (a full disk, a read-only folder), reported on one
line without a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import __version__
from .build import BuildResult, build
from .loader import UsageError

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        code: int = args.run(args)
        return code
    except UsageError as exc:  # the writer's OutputError included: it names the output folder
        print(f"docket: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # anything else the machine refused (docket new, serve's port)
        print(f"docket: error: {describe_os_error(exc)}", file=sys.stderr)
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
    p.add_argument("--output", "-o", metavar="DIR", help="where to write the site (default: SITE_DIR/output)")
    p.add_argument("--drafts", action="store_true", help="include drafts and embargoed items")
    add_speed_options(p)
    p.set_defaults(run=run_build)

    p = sub.add_parser("check", help="validate the content; write nothing",
                       description="Validate the content and templates without writing anything.")
    p.add_argument("site", nargs="?", default=".", metavar="SITE_DIR", help="the folder holding site.yaml (default: .)")
    p.add_argument("--drafts", action="store_true", help="include drafts and embargoed items")
    add_speed_options(p)
    p.set_defaults(run=run_check)

    p = sub.add_parser("serve", help="preview the site, rebuilding and reloading on every change",
                       description="Build the site, serve it on loopback, rebuild on every change under content/, "
                       "templates/, static/ or site.yaml and reload the open page.")
    p.add_argument("site", nargs="?", default=".", metavar="SITE_DIR", help="the folder holding site.yaml (default: .)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--output", "-o", metavar="DIR", help="where to write the preview (default: a temporary folder)")
    p.add_argument("--no-drafts", dest="drafts", action="store_false",
                   help="hide drafts in the preview (shown by default)")
    p.set_defaults(run=run_serve)

    p = sub.add_parser("new", help="start a new incident, report, source, entity or page",
                       description="Write a new content file with its front matter filled in, ready to edit.")
    p.add_argument("kind", choices=["incident", "report", "source", "entity", "page"])
    p.add_argument("title", help="the title (the file name is made from it)")
    p.add_argument("--site", default=".", metavar="SITE_DIR", help="the folder holding site.yaml (default: .)")
    p.set_defaults(run=run_new)
    return parser


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
    result = build(args.site, args.output, drafts=args.drafts, cache=args.cache, jobs=args.jobs)
    print_diagnostics(result)
    if not result.ok:
        print("docket: build failed; the previous output was left as it was", file=sys.stderr)
        return EXIT_CONTENT
    print(f"docket: built {result.pages} files into {result.output} in {time.perf_counter() - started:.2f} s "
          f"({result.rendered} pages rendered, the others unchanged)")
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    result = build(args.site, drafts=args.drafts, write=False, cache=args.cache, jobs=args.jobs)
    print_diagnostics(result)
    if not result.ok:
        return EXIT_CONTENT
    print(f"docket: content is valid ({result.pages} files would be written)")
    return EXIT_OK


def run_serve(args: argparse.Namespace) -> int:
    from .serve import serve  # livereload and watchfiles load only for the preview

    return serve(Path(args.site), args.host, args.port, args.output, args.drafts)


def run_new(args: argparse.Namespace) -> int:
    from .scaffold import new_content

    path = new_content(Path(args.site), args.kind, args.title)
    print(f"docket: wrote {path}")
    return EXIT_OK
