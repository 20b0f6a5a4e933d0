"""Property-based fuzz tests (issue 3, item 4): hostile content never breaks a build.

For generated sites (see fuzz_strategies.py: front matter with valid, wrong-type,
huge, deeply nested and hostile values; Markdown bodies with citations,
wiki-links, raw HTML, hostile URLs, footnotes, tables and deep nesting; raw
YAML mutations) a build run in-process through ``generator.cli.main`` must:

* never raise (an exception escaping ``main`` is the traceback a writer would see);
* exit 0 or 1, and print only ``path[:line]: error|warning: ...`` lines, a count
  and the "build failed" line, each naming a file of the site;
* on exit 1: leave the previous output byte for byte as it was, with no
  staging folder left beside it;
* on exit 0: write pages that are inert — no script, no event-handler
  attribute, no javascript:/vbscript:/data: URL, no element or attribute
  smuggled in from the content — and that show hostile text as text;
* succeed when every field is valid (a "clean" case), however hostile its text.

``generator.frontmatter.parse_document`` is also fuzzed directly with
arbitrary text (never raises; one-line diagnostics; lines inside the file),
and front matter nested tens of thousands of levels deep is built in a child
process (a C stack overflow would otherwise kill the test run itself).

Runs are derandomised (the same examples on every run, as CI needs) and take
about a minute. ``DOCKET_FUZZ_SCALE=10`` runs ten times as many examples for a
deeper local search; ``DOCKET_FUZZ_NO_SHRINK=1`` reports a failure as first
found instead of spending up to five minutes per test minimising it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, Phase, assume, given, note, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import jinja2  # noqa: E402
from fuzz_strategies import MARK_ATTR, MARK_TAG, SKELETON, SiteCase, document_text, site_cases, site_yaml_text  # noqa: E402
from helpers import docket, remove_theme_parts  # noqa: E402

from generator import cli, session  # noqa: E402
from generator.diagnostics import Diagnostics  # noqa: E402
from generator.frontmatter import Document, parse_document  # noqa: E402

# Hundreds of generated sites built: left out of the fast loop (`python -m pytest -m "not slow"`).
pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
SCALE = float(os.environ.get("DOCKET_FUZZ_SCALE", "1"))
# Hundreds of small sites are written and deleted: use memory-backed storage where there is some.
FAST_TMP = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


def fuzz_settings(examples: int) -> settings:
    # DOCKET_FUZZ_NO_SHRINK=1 reports the first failing example as found (a failing run
    # otherwise spends up to five minutes per test making it minimal).
    no_shrink = os.environ.get("DOCKET_FUZZ_NO_SHRINK", "") not in ("", "0")
    phases = [p for p in Phase if not (p == Phase.shrink and no_shrink)]
    return settings(max_examples=max(1, int(examples * SCALE)), deadline=None, derandomize=True,
                    database=None, print_blob=True, phases=phases,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.data_too_large, HealthCheck.large_base_example])


# --------------------------------------------------------------------------
# Running a build in-process.

DIAGNOSTIC = re.compile(r"^(?P<path>[^:\n]+)(?::(?P<line>\d+))?: (?P<severity>error|warning): ")
SUMMARY = re.compile(r"^\d+ errors?, \d+ warnings?$")
FAILED = "docket: build failed; the previous output was left as it was"
# C0 and C1 controls other than tab: in a terminal they move the cursor, recolour or rewrite lines.
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates shared between builds, keyed by template name and source checksum.

    Every build makes a fresh Jinja environment and would otherwise parse and compile
    the whole theme again: most of a small build's time. The cache changes nothing
    else (a template whose source changes gets a new checksum), so hundreds of
    fuzzed builds fit in a CI minute.
    """

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()


_BYTECODE = _MemoryBytecodeCache()
_make_environment = session.make_environment


def _cached_environment(*args, **kwargs):
    env = _make_environment(*args, **kwargs)
    env.bytecode_cache = _BYTECODE
    return env


@pytest.fixture(scope="module", autouse=True)
def shared_template_bytecode():
    with pytest.MonkeyPatch.context() as mp:
        # The session makes the environment, under the name it imported.
        mp.setattr(session, "make_environment", _cached_environment)
        yield


def run_build(site: Path, out: Path) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = cli.main(["build", str(site), "--output", str(out)])
    return code, stdout.getvalue(), stderr.getvalue()


def write_site(root: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@contextlib.contextmanager
def built_baseline():
    """A known-good build of the skeleton site: the "previous output" every fuzzed build starts from."""
    with tempfile.TemporaryDirectory(prefix="docket-fuzz-baseline-", dir=FAST_TMP) as tmp:
        site, out = Path(tmp) / "site", Path(tmp) / "output"
        files = {rel: text.encode() for rel, text in SKELETON.items()}
        files["site.yaml"] = site_yaml_text(False).encode()
        write_site(site, files)
        code, _, err = run_build(site, out)
        assert code == 0, f"the skeleton site does not build:\n{err}"
        pages = snapshot(out)
        assert "index.html" in pages
        for name, data in pages.items():
            if name.endswith(".html"):
                assert_inert_once(data, name)
        yield Baseline(out, pages)


@pytest.fixture(scope="module")
def baseline():
    with built_baseline() as built:
        yield built


class Baseline(tuple):
    """(output folder, its files' bytes), with a short repr for Hypothesis' falsifying examples."""

    def __new__(cls, folder: Path, pages: dict[str, bytes]):
        return super().__new__(cls, (folder, pages))

    def __repr__(self) -> str:
        return f"<baseline build of the skeleton site, {len(self[1])} files>"


# --------------------------------------------------------------------------
# What an inert page is.

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "background", "cite", "data", "longdesc",
                  "manifest", "ping", "codebase", "xlink:href", "xml:base", "lowsrc", "dynsrc", "usemap"}
FORBIDDEN_ELEMENTS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form",
                      "input", "button", "textarea", "select", "svg", "math", "style", "noscript", "template",
                      "portal", "xmp", "plaintext", "listing", MARK_TAG}
UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
INERT_DATA = re.compile(r"^data:image/(?:png|gif|jpeg|webp);")  # raster images cannot run script


def url_is_unsafe(value: str) -> bool:
    # Browsers ignore leading C0 controls and spaces, and tabs and newlines anywhere, in a URL.
    squeezed = re.sub(r"[\x00-\x20\x7f]+", "", value).lower()
    return squeezed.startswith(UNSAFE_SCHEMES) and not INERT_DATA.match(squeezed)


# Pages already found inert, by name and digest. Most of a fuzzed site's pages do not show the fuzzed
# text (the about page, the status page, the lists it is not in) and come out byte for byte as in an
# earlier example; the check of the same bytes under the same name has the same outcome, and parsing
# every page again was a large share of these tests' time.
_INERT: set[tuple[str, bytes]] = set()


def assert_inert_once(data: bytes, where: str) -> None:
    """``assert_inert`` on a page's bytes, unless these very bytes were found inert at ``where`` before."""
    key = (where, hashlib.sha256(data).digest())
    if key in _INERT:
        return
    assert_inert(data.decode("utf-8"), where)
    _INERT.add(key)


def assert_inert(html: str, where: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    remove_theme_parts(soup, where)
    for el in soup.find_all(True):
        name = el.name.lower()
        assert name not in FORBIDDEN_ELEMENTS, f"{where}: <{name}> element in the output: {str(el)[:200]!r}"
        if name == "meta":
            assert "http-equiv" not in {a.lower() for a in el.attrs}, f"{where}: {str(el)[:200]!r}"
        if name == "link":
            assert el.find_parent("head") is not None, f"{where}: <link> outside <head>: {str(el)[:200]!r}"
        for attr, value in el.attrs.items():
            attr = attr.lower()
            text = " ".join(value) if isinstance(value, list) else str(value)
            assert not attr.startswith("on"), f"{where}: event handler {attr}= on <{name}>: {str(el)[:200]!r}"
            assert attr != MARK_ATTR, f"{where}: attribute injected from content on <{name}>: {str(el)[:200]!r}"
            if attr in URL_ATTRIBUTES or attr.endswith(":href"):
                assert not url_is_unsafe(text), f"{where}: unsafe URL in {attr}= on <{name}>: {text[:200]!r}"
            if attr == "srcset":
                for candidate in text.split(","):
                    assert not url_is_unsafe(candidate), f"{where}: unsafe URL in srcset: {text[:200]!r}"
            if attr == "style":
                squeezed = re.sub(r"[\s\\]+", "", text).lower()
                assert not any(bad in squeezed for bad in ("url(", "expression(", "javascript:", "@import")), \
                    f"{where}: unsafe style= on <{name}>: {text[:200]!r}"


def visible(text: str) -> str:
    """Text with all whitespace, control and bidi characters removed, to compare source and page.

    Docket removes control and bidi characters from bodies and bidi controls from front matter.
    """
    return re.sub(r"[\s\x00-\x1f\x7f-\x9f\ufeff\u202a-\u202e\u2066-\u2069]+", "", text)


# --------------------------------------------------------------------------
# The build property.

def check_build(case: SiteCase, baseline) -> None:
    baseline_dir, baseline_pages = baseline
    with tempfile.TemporaryDirectory(prefix="docket-fuzz-", dir=FAST_TMP) as tmp:
        tmp = Path(tmp)
        site, out = tmp / "site", tmp / "output"
        write_site(site, case.files)
        shutil.copytree(baseline_dir, out)

        code, stdout, stderr = run_build(site, out)  # an exception here is the traceback we look for
        note(f"exit {code}\nstderr:\n{stderr}")

        assert code in (0, 1), f"exit status {code}"
        lines = [line for line in stderr.split("\n") if line]
        diagnostics = []
        for line in lines:
            match = DIAGNOSTIC.match(line)
            assert match or SUMMARY.match(line) or line == FAILED, f"stderr line is not a diagnostic: {line!r}"
            if match:
                diagnostics.append(match)
        for match in diagnostics:
            path = match["path"]
            assert (site / path).is_file(), \
                f"diagnostic names {path!r}, which is not a file of the site: {match.string!r}"
        for match in diagnostics:
            assert not CONTROL.search(match.string), f"raw control character in a diagnostic: {match.string!r}"
        # The previous edition is kept as .output.spare for the next build to reuse; nothing else may stay.
        leftovers = sorted(p.name for p in tmp.iterdir() if p.name not in ("site", "output", ".output.spare"))
        assert not leftovers, f"staging folders left beside the output: {leftovers}"
        errors = [m for m in diagnostics if m["severity"] == "error"]

        if code == 1:
            assert errors, "exit 1 without any 'path:line: error:' line"
            assert lines[-1] == FAILED
            assert snapshot(out) == baseline_pages, "a failed build changed the previous output"
            assert case.broken, f"a clean case (every field valid) failed to build:\n{stderr}"
            return

        assert not errors, "exit 0 with errors"
        assert stdout.startswith("docket: built "), stdout
        pages = snapshot(out)
        assert "index.html" in pages and "404.html" in pages
        for name, data in pages.items():
            if name.endswith(".html"):
                assert_inert_once(data, name)
        for name, text in case.expected_pages:
            assert name in pages, f"{name} was not built"
            shown = BeautifulSoup(pages[name].decode("utf-8"), "html.parser").get_text()
            assert visible(text) in visible(shown), f"{name} does not show {text[:200]!r} as text"


@fuzz_settings(300)
@given(case=site_cases())
def test_hostile_site_builds_cleanly_or_fails_cleanly(case, baseline):
    check_build(case, baseline)


@fuzz_settings(100)
@given(case=site_cases(allow_html=True))
def test_allowed_raw_html_is_sanitised(case, baseline):
    check_build(case, baseline)


# --------------------------------------------------------------------------
# parse_document on arbitrary text.

def parse(text: str) -> tuple[Document | None, Diagnostics]:
    diags = Diagnostics()
    return parse_document("content/incidents/x.md", text, diags), diags


@fuzz_settings(1000)
@given(text=document_text())
def test_parse_document_never_raises(text):
    doc, diags = parse(text)
    assert doc is None or isinstance(doc, Document)
    if doc is None:
        assert diags.has_errors, "no document and no error"
    else:
        assert isinstance(doc.data, dict) and isinstance(doc.body, str)
        assert all(isinstance(line, int) and line >= 1 for line in doc.lines.values())
    for d in diags.items:
        assert d.path == "content/incidents/x.md"
        assert isinstance(d.line, int) and d.line >= 0


def parsed_or_skip(text: str) -> Diagnostics:
    try:
        _, diags = parse(text)
    except Exception:  # test_parse_document_never_raises reports these
        assume(False)
    return diags


@fuzz_settings(400)
@given(text=document_text())
def test_parse_document_diagnostics_are_one_line_each(text):
    for d in parsed_or_skip(text).items:
        formatted = d.format()
        assert "\n" not in formatted and "\r" not in formatted, f"a diagnostic spans lines: {formatted!r}"
        assert DIAGNOSTIC.match(formatted), formatted


@fuzz_settings(400)
@given(text=document_text())
def test_parse_document_lines_are_within_the_file(text):
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")  # as the loader hands it over
    last = normalised.count("\n") + 1
    for d in parsed_or_skip(normalised).items:
        assert d.line <= last, f"line {d.line} of a {last}-line file: {d.format()!r}"


# --------------------------------------------------------------------------
# Nesting too deep for the C YAML parser: must be an error, not a crashed process.

NESTINGS = {
    "flow lists": lambda n: "x: " + "[" * n + "]" * n,
    "flow mappings": lambda n: "x: " + "{a: " * n + "}" * n,
    "block lists": lambda n: "x:\n" + "- " * n + "a",
    "complex keys": lambda n: "? " * n + "a",
}


@settings(max_examples=8, deadline=None, derandomize=True, database=None)
@given(style=st.sampled_from(sorted(NESTINGS)), depth=st.sampled_from([50_000, 200_000]))
def test_very_deep_yaml_nesting_is_an_error_not_a_crash(style, depth):
    with tempfile.TemporaryDirectory(prefix="docket-fuzz-deep-") as tmp:
        site = Path(tmp) / "site"
        files = {rel: text.encode() for rel, text in SKELETON.items()}
        files["site.yaml"] = site_yaml_text(False).encode()
        files["content/incidents/deep.md"] = (
            f"---\ntitle: Deep\ndate: 2023-01-01\n{NESTINGS[style](depth)}\n---\nBody\n").encode()
        write_site(site, files)
        # In a child process: a stack overflow in C would kill this test run otherwise.
        proc = docket("build", site, "--output", Path(tmp) / "out", cwd=REPO, timeout=120)
        assert proc.returncode == 1, \
            f"exit {proc.returncode} (negative: killed by signal {-proc.returncode})\n{proc.stderr[-2000:]}"
        assert "Traceback" not in proc.stderr
        assert re.search(r"^content/incidents/deep\.md:\d+: error: ", proc.stderr, re.M), proc.stderr[-2000:]
        assert not (Path(tmp) / "out").exists()
