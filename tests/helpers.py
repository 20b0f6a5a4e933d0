"""Shared helpers for Docket's tests: small sites written inline, the real CLI, snapshots.

The style follows Hugo's and MkDocs' own test suites: every test writes the
few files it needs into pytest's ``tmp_path`` (so the content under test is
right there in the test), runs the real ``python -m generator`` in a
process of its own (forked from one that has already imported Docket: see
forkserver.py), and asserts on the exit status, the diagnostics on stderr and
the built files.

    site = write_site(tmp_path, {"content/incidents/fire.md": '''
        ---
        title: Fire
        date: 2023-03-27
        ---
        Body.
        '''})
    run = docket("build", site)

Text values are dedented and their leading newlines dropped, so line 1 of the
file is the first line of the literal; ``line_of(text, needle)`` computes the
line a diagnostic should name from the same literal. ``bytes`` values are
written exactly as given (for encodings, whitespace-only files and so on).
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import forkserver
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parents[1]

SITE_YAML = """\
title: Test site
base_url: https://example.org/
"""

# The smallest valid incident, for tests about something other than its content.
INCIDENT = """
    ---
    title: Fire at the depot
    date: 2023-03-27
    ---
    The fire began at night.
    """

# --------------------------------------------------------------------------
# Writing sites


def dedent(text: str) -> str:
    """The file text a test literal stands for: dedented, leading newlines dropped."""
    return textwrap.dedent(text).lstrip("\n")


def write_site(root: Path, files: dict[str, str | bytes | None], *, site_yaml: str | None = SITE_YAML) -> Path:
    """Write a site into ``root`` and return ``root``.

    ``site.yaml`` is the minimal ``SITE_YAML`` unless ``files`` gives one (or
    ``site_yaml=None`` leaves it out). A value of None skips that file.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    everything: dict[str, str | bytes | None] = {}
    if site_yaml is not None:
        everything["site.yaml"] = site_yaml
    everything.update(files)
    for rel, content in everything.items():
        if content is None:
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(dedent(content), encoding="utf-8")
    return root


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The 1-based line of the ``nth`` line of the (dedented) file text containing ``needle``."""
    seen = 0
    for number, line in enumerate(dedent(text).split("\n"), start=1):
        if needle in line:
            seen += 1
            if seen == nth:
                return number
    raise AssertionError(f"{needle!r} does not occur {nth} time(s) in the file text")


# --------------------------------------------------------------------------
# Running the CLI

DIAGNOSTIC = re.compile(r"^(?P<path>[^\s:][^:]*?)(?::(?P<line>\d+))?: (?P<severity>error|warning): (?P<rest>.*)$")
COUNT_LINE = re.compile(r"^(?P<errors>\d+) errors?, (?P<warnings>\d+) warnings?$")


@dataclass(frozen=True)
class Diag:
    path: str
    line: int
    severity: str
    rest: str  # "field: message; hint" or "message; hint"
    text: str  # the whole line


@dataclass(frozen=True)
class Run:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    @property
    def diagnostics(self) -> list[Diag]:
        out = []
        for line in self.stderr.splitlines():
            m = DIAGNOSTIC.match(line)
            if m:
                out.append(Diag(m["path"], int(m["line"] or 0), m["severity"], m["rest"], line))
        return out

    @property
    def errors(self) -> list[Diag]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diag]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    @property
    def counts(self) -> tuple[int, int] | None:
        """(errors, warnings) from the final count line, or None when there is none."""
        for line in reversed(self.stderr.splitlines()):
            m = COUNT_LINE.match(line)
            if m:
                return int(m["errors"]), int(m["warnings"])
        return None

    def describe(self) -> str:
        return (f"$ docket {' '.join(self.args)}\nexit {self.returncode}\n"
                f"--- stdout\n{self.stdout}--- stderr\n{self.stderr}")


# The build date the data page shows, for every build the tests run through the CLI (unless the
# environment sets its own): two builds compared byte for byte must not straddle midnight.
SOURCE_DATE_EPOCH = "1780272000"  # 2026-06-01 00:00 UTC


def docket(*args: str | Path, cwd: Path | None = None, timeout: float = 120, fresh: bool = False) -> Run:
    """Run ``python -m generator ARGS`` in its own process, the way a writer runs ``docket``.

    The process is forked from a Python that has already imported Docket (tests/forkserver.py),
    which spares each run about 0.6 s of start-up; ``fresh=True`` starts a new interpreter, for a
    test about the start-up itself.
    """
    env = dict(os.environ)
    env.setdefault("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env["PYTHONIOENCODING"] = "utf-8"
    env.pop("PYTHONWARNINGS", None)
    argv = tuple(str(a) for a in args)
    if not fresh and forkserver.usable(env):
        code, out, err = forkserver.run(list(argv), env, str(cwd if cwd is not None else os.getcwd()), timeout)
        return Run(argv, code, as_text(out), as_text(err))
    proc = subprocess.run([sys.executable, "-m", "generator", *argv], capture_output=True, text=True,
                          encoding="utf-8", errors="replace", env=env, cwd=cwd, timeout=timeout)
    return Run(argv, proc.returncode, proc.stdout, proc.stderr)


def as_text(data: bytes) -> str:
    """Output as ``subprocess.run(text=True, errors="replace")`` gives it: decoded, newlines made ``\\n``."""
    return data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")


# --------------------------------------------------------------------------
# Output snapshots


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes); {} when it does not exist."""
    folder = Path(folder)
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def seed_output(site: Path) -> dict[str, bytes]:
    """Put a 'previous build' into ``site/output`` and return its snapshot.

    A hand-made one keeps the error tests independent of the theme; one test
    in test_errors.py also checks a real previous build.
    """
    out = Path(site) / "output"
    files = {
        "index.html": "<!doctype html><title>old</title><p>previous build</p>\n",
        "incidents/old-incident/index.html": "<!doctype html><title>old incident</title>\n",
        "assets/style.css": "body { color: #222 }\n",
        "feed.xml": "<?xml version='1.0'?><feed/>\n",
    }
    for rel, text in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    # Docket's marker, as a real build writes it: Docket replaces only folders that carry one.
    import hashlib
    import json
    entries = [{"path": rel, "size": len(text.encode("utf-8")),
                "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()} for rel, text in sorted(files.items())]
    manifest = {"generator": "docket", "version": "0.1.0", "format": 1, "files": entries}
    (out / ".docket-manifest.json").write_text(json.dumps(manifest) + "\n", encoding="utf-8")
    return snapshot(out)


def stray_build_folders(site: Path) -> list[str]:
    """Temporary folders the atomic writer leaves beside output/ if it fails to clean up."""
    return sorted(p.name for p in Path(site).iterdir() if p.name.startswith(".output.") and p.name != ".output.spare")


# --------------------------------------------------------------------------
# Assertions


def assert_no_traceback(run: Run) -> None:
    assert "Traceback" not in run.output, run.describe()


def build_fails(site: Path, *extra: str, command: str = "build") -> Run:
    """Build a site that has content errors; assert exit 1, no traceback, previous output whole."""
    before = seed_output(site)
    run = docket(command, site, *extra)
    assert run.returncode == 1, run.describe()
    assert_no_traceback(run)
    assert run.errors, run.describe()
    assert snapshot(Path(site) / "output") == before, "the previous output changed:\n" + run.describe()
    assert stray_build_folders(site) == [], run.describe()
    counts = run.counts
    assert counts is not None, "no final count line:\n" + run.describe()
    assert counts[0] == len({d.text for d in run.errors}), run.describe()
    assert_one_diagnostic_per_line(run)
    return run


def assert_one_diagnostic_per_line(run: Run) -> None:
    """Every stderr line is a diagnostic, the count line or a 'docket:' summary (no wrapped messages)."""
    for line in run.stderr.splitlines():
        ok = DIAGNOSTIC.match(line) or COUNT_LINE.match(line) or line.startswith("docket: ")
        assert ok, f"stray stderr line {line!r} (a diagnostic spread over several lines?):\n{run.describe()}"


def build_ok(site: Path, *extra: str) -> Run:
    """Build a site that must build; assert exit 0 and no traceback."""
    run = docket("build", site, *extra)
    assert run.returncode == 0, run.describe()
    assert_no_traceback(run)
    return run



def expect(run: Run, path: str, line: int, field: str, *phrases: str, severity: str = "error") -> Diag:
    """Assert a diagnostic ``path:line: severity: field: ...`` whose text holds every phrase."""
    prefix = f"{path}:{line}: {severity}: " if line else f"{path}: {severity}: "
    if field:
        prefix += f"{field}: "
    candidates = [d for d in run.diagnostics if d.text.startswith(prefix)]
    assert candidates, f"no diagnostic starting {prefix!r}:\n{run.describe()}"
    for d in candidates:
        if all(p.lower() in d.text.lower() for p in phrases):
            return d
    raise AssertionError(f"no diagnostic {prefix!r} mentioning {phrases!r}:\n{run.describe()}")


def expect_each(run: Run, cases: list[tuple], *, exact: bool = True) -> None:
    """``expect`` for each ``(path, line, field, *phrases)`` case, reporting every miss at once.

    With ``exact``, the run must also have reported no other error.
    """
    misses = []
    for path, line, field, *phrases in cases:
        try:
            expect(run, path, line, field, *phrases)
        except AssertionError as exc:
            misses.append(str(exc).split("\n", 1)[0])
    assert not misses, "\n".join(misses) + "\n" + run.describe()
    if exact:
        assert len({d.text for d in run.errors}) == len(cases), run.describe()


def expect_only(run: Run, path: str, line: int, field: str, *phrases: str) -> Diag:
    """Like ``expect`` for an error, and that error is the only one."""
    diag = expect(run, path, line, field, *phrases)
    assert len({d.text for d in run.errors}) == 1, run.describe()
    return diag


# --------------------------------------------------------------------------
# Built HTML


def page(site_or_output: Path, site_path: str) -> BeautifulSoup:
    """Parse a built page: ``page(site, "incidents/fire/")`` reads output/incidents/fire/index.html."""
    root = Path(site_or_output)
    if (root / "site.yaml").exists():
        root = root / "output"
    rel = site_path + "index.html" if site_path == "" or site_path.endswith("/") else site_path
    path = root / rel
    assert path.is_file(), f"{path} was not built"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def main_content(soup: BeautifulSoup):
    """The page's main content (the <main> element when the theme has one, else <body>)."""
    return soup.find("main") or soup.body or soup


def resolve_href(site: Path, from_site_path: str, href: str) -> Path:
    """The built file a relative ``href`` on the page at ``from_site_path`` points to."""
    href = href.split("#", 1)[0]
    out = (Path(site) / "output").resolve()
    folder = from_site_path.endswith("/") or from_site_path == ""
    here = (out / from_site_path) if folder else (out / from_site_path).parent
    target = (here / href).resolve() if href else (here / "index.html")
    if target.is_dir() or href.endswith("/"):
        target = target / "index.html"
    return target


def link_texts(element) -> list[str]:
    return [" ".join(a.get_text(" ", strip=True).split()) for a in element.find_all("a")]


def resolve_link(output: Path, from_file: Path, href: str) -> tuple[Path | None, str]:
    """The file an internal href points at (or None for external links) and its fragment."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None, ""
    if not parts.path:
        return from_file, parts.fragment
    target = (from_file.parent / unquote(parts.path)).resolve()
    if href.split("#")[0].endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, parts.fragment


def linked_paths(soup: BeautifulSoup, site_path: str) -> set[str]:
    """The site paths ("incidents/x/") that the links inside <main> lead to."""
    base = posixpath.dirname(site_path.rstrip("/") + "/index.html")
    out = set()
    for a in soup.find("main").find_all("a", href=True):
        parts = urlsplit(a["href"])
        if parts.scheme or parts.netloc or not parts.path:
            continue
        joined = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
        out.add("" if joined == "." else joined + ("/" if parts.path.endswith("/") else ""))
    return out


# --------------------------------------------------------------------------
# The theme's own active parts


# What the theme itself puts in pages that content never may: the header's search form, the search
# page's script (and its no-JavaScript note), and the maps and charts drawn at build time. Each is
# recognised by its shape, and only its expected children are allowed inside it.
THEME_SVG_CHILDREN = {"title", "desc", "g", "rect", "path", "circle", "a", "line", "text", "use"}
# A map's <use> draws land from the build's own basemap file, and from nothing else.
BASEMAP_USE = re.compile(r"(\.\./)*assets/basemap-[0-9a-f]{16}\.svg#[A-Za-z0-9_-]+")
THEME_FORM_CHILDREN = {"label", "input", "button", "span", "div", "p", "fieldset", "legend"}
SEARCH_SCRIPTS = ("assets/search.js", "pagefind/")
MAP_SCRIPT = re.compile(r"(\.\./)*assets/map-zoom\.js")
SEARCH_NOSCRIPT_STYLE = ".search-form { display: none; }"


def remove_theme_parts(soup: BeautifulSoup, where: str) -> None:
    """Take the theme's own forms, scripts and SVGs out of ``soup``, checking that each is only that."""
    for svg in soup.find_all("svg"):
        classes = set(svg.get("class") or ())
        assert classes & {"map", "chart"}, f"{where}: <svg> that is not a theme map or chart: {str(svg)[:200]!r}"
        for el in svg.find_all(True):
            assert el.name in THEME_SVG_CHILDREN, f"{where}: <{el.name}> inside a theme SVG: {str(el)[:200]!r}"
            if el.name == "use":
                assert BASEMAP_USE.fullmatch(el.get("href", "")), f"{where}: <use> of {el.get('href')!r}"
            href = el.get("href")
            assert href is None or not href.lower().startswith(("javascript:", "data:")), f"{where}: {href!r}"
        svg.decompose()
    for form in soup.find_all("form"):
        action = form.get("action", "")
        own = action == "./" and where.startswith("search/")  # the search page's own form
        assert form.get("method") == "get" and (own or action.rstrip("/").endswith("search")), \
            f"{where}: <form> that is not the theme's search form: {str(form)[:200]!r}"
        for el in form.find_all(True):
            assert el.name in THEME_FORM_CHILDREN, f"{where}: <{el.name}> inside the search form: {str(el)[:200]!r}"
        form.decompose()
    for script in soup.find_all("script", type="application/ld+json"):
        json.loads(script.get_text())  # structured data, never run by the browser
        script.decompose()
    for script in soup.find_all("script"):
        src = script.get("src", "")
        own = (where.startswith("search/") and src.endswith(SEARCH_SCRIPTS[0])
               or where.startswith("map/") and MAP_SCRIPT.fullmatch(src))  # the map pages' zoom and pan
        assert own and not script.string, f"{where}: <script> that is not the search or map page's own: " \
            f"{str(script)[:200]!r}"
        script.decompose()
    if where.startswith("search/"):  # the search page's own controls (its results are drawn by search.js)
        for control in soup.select("[data-search] button, [data-search] input, [data-search] fieldset"):
            assert not any(a.lower().startswith("on") for a in control.attrs), f"{where}: {str(control)[:200]!r}"
            control.decompose()
    for note in soup.find_all("noscript"):
        assert where.startswith("search/"), f"{where}: <noscript> outside the search page"
        for style in note.find_all("style"):  # the search page hides its form where no script can run it
            assert style.get_text() == SEARCH_NOSCRIPT_STYLE, f"{where}: {str(note)[:200]!r}"
            style.decompose()
        assert not note.find_all(["script", "style", "link", "meta", "iframe"]), f"{where}: {str(note)[:200]!r}"
        note.decompose()
