"""Every page Docket writes is valid HTML: the W3C Nu HTML Checker (vnu.jar)
reports zero errors on the example site and on a 300-incident synthetic site.

vnu.jar is the npm ``vnu-jar`` package's, the current checker (see
tests/tools.py); it runs once per site, one Java process over the whole output
folder, so every page kind Docket writes is checked. A missing java or
vnu.jar fails the run with the command that installs it: nothing skips.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from helpers import docket
from tools import generate_corpus, vnu_command

REPO = Path(__file__).resolve().parents[1]
SYNTHETIC_INCIDENTS = 300
# Every kind of page Docket writes (a folder of the output with an index.html); both sites have them all,
# so a new kind of page is checked as soon as it is added here and to the example content.
PAGE_KINDS = ("about", "corrections", "countries", "data", "entities", "incidents", "map", "places", "publishers",
              "reports", "search", "sources", "statistics", "status", "table", "tags", "timeline", "years")
MAX_LISTED = 400  # messages listed one by one in a failure; the summary counts them all


# --------------------------------------------------------------------------- tools


@pytest.fixture(scope="session")
def vnu() -> list[str]:
    return vnu_command()


# --------------------------------------------------------------------------- sites


def build_site(site_dir: Path, out: Path) -> Path:
    started = time.perf_counter()
    result = docket("build", site_dir, "--output", out, cwd=REPO, timeout=900)
    if result.returncode != 0:
        pytest.fail(f"`docket build {site_dir}` failed (exit {result.returncode}):\n"
                    f"{result.stdout[-4000:]}\n{result.stderr[-8000:]}", pytrace=False)
    print(f"\n[docket] built {site_dir} in {time.perf_counter() - started:.1f}s")
    return out


@pytest.fixture(scope="session")
def built_example(example_output: Path) -> Path:
    """The repository's own example site (site.yaml + content/), built once (tests/conftest.py)."""
    return example_output


@pytest.fixture(scope="session")
def built_synthetic(tmp_path_factory) -> Path:
    """A deterministic 300-incident site from shared/bench/make_corpus.py, built once."""
    root = tmp_path_factory.mktemp("valid-synthetic")
    site = root / "site"
    generate_corpus(site, SYNTHETIC_INCIDENTS)
    return build_site(site, root / "out")


# --------------------------------------------------------------------------- checking


def run_vnu(vnu: list[str], folder: Path) -> tuple[list[dict], int, float]:
    """Check every .html file under ``folder`` in one vnu run; (messages, files, seconds)."""
    files = sorted(folder.rglob("*.html"))
    assert files, f"no .html files under {folder}"
    started = time.perf_counter()
    result = subprocess.run(
        [*vnu, "--errors-only", "--format", "json", "--stdout", "--exit-zero-always", "--skip-non-html",
         str(folder)],
        capture_output=True, text=True, timeout=900,
    )
    seconds = time.perf_counter() - started
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"vnu.jar printed no JSON report (exit {result.returncode}):\n"
                    f"stdout: {result.stdout[-3000:]}\nstderr: {result.stderr[-3000:]}", pytrace=False)
    print(f"\n[vnu] checked {len(files)} files under {folder} in {seconds:.1f}s")
    return report.get("messages", []), len(files), seconds


def shown_file(url: str, folder: Path) -> str:
    path = Path(unquote(urlsplit(url).path)) if url.startswith("file:") else Path(url)
    try:
        return path.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return url


def describe(messages: list[dict], folder: Path) -> str:
    rows = []
    for m in messages:
        line = m.get("lastLine") or m.get("firstLine") or 0
        column = m.get("firstColumn") or m.get("lastColumn") or 0
        extract = " ".join((m.get("extract") or "").split())
        rows.append((shown_file(m.get("url", "?"), folder), line, column, m.get("type", "?"),
                     m.get("subType", ""), m.get("message", ""), extract))
    rows.sort()
    distinct = Counter(row[5] for row in rows)
    files = {row[0] for row in rows}
    out = [f"{len(rows)} vnu message(s) in {len(files)} file(s); {len(distinct)} distinct:"]
    out += [f"  {count:5d} × {message}" for message, count in distinct.most_common()]
    out.append("each message:")
    for file, line, column, kind, sub, message, extract in rows[:MAX_LISTED]:
        out.append(f"  {file}:{line}:{column}: {kind}{'/' + sub if sub else ''}: {message}"
                   + (f"  [{extract[:160]}]" if extract else ""))
    if len(rows) > MAX_LISTED:
        out.append(f"  … and {len(rows) - MAX_LISTED} more")
    return "\n".join(out)


def assert_every_page_kind(folder: Path) -> None:
    assert (folder / "index.html").is_file() and (folder / "404.html").is_file()
    missing = [kind for kind in PAGE_KINDS if not any((folder / kind).rglob("index.html"))]
    assert not missing, f"no page of these kinds under {folder}: {missing}"
    # Below the lists too: an incident, a source, a tag, a table order, a status...
    single = {"about", "corrections", "data", "map", "search", "statistics", "timeline"}
    shallow = [kind for kind in PAGE_KINDS if kind not in single and not any((folder / kind).glob("*/index.html"))]
    assert not shallow, f"no page below the list for these kinds under {folder}: {shallow}"


def assert_valid(vnu: list[str], folder: Path) -> None:
    messages, _files, _seconds = run_vnu(vnu, folder)
    # --errors-only drops warnings and info; anything left (error, non-document-error) fails.
    problems = [m for m in messages if m.get("type") != "info"]
    assert not problems, f"the Nu HTML Checker found errors under {folder}:\n" + describe(problems, folder)


# --------------------------------------------------------------------------- tests


def test_example_site_is_valid_html(vnu, built_example):
    pages = list(built_example.rglob("*.html"))
    assert_every_page_kind(built_example)
    assert len(pages) >= 20, f"the example site has only {len(pages)} pages"
    assert_valid(vnu, built_example)


def test_a_figure_not_given_is_read_as_not_given(built_example):
    """The table's empty figure cell shows a dash and says "not given" in text (an aria-label on a span
    without a role is invalid, and screen readers may ignore it)."""
    soup = BeautifulSoup((built_example / "table" / "index.html").read_text(encoding="utf-8"), "html.parser")
    cells = [td for td in soup.select("td.num") if td.select_one(".muted")]
    assert cells, "the example's table has no incident without some figure"
    for td in cells:
        assert td.select_one('.muted[aria-hidden="true"]').get_text() == "–"
        assert td.select_one(".visually-hidden").get_text() == "not given"


@pytest.mark.slow
def test_synthetic_300_incident_site_is_valid_html(vnu, built_synthetic):
    pages = list(built_synthetic.rglob("*.html"))
    assert len(pages) >= SYNTHETIC_INCIDENTS, f"the synthetic site has only {len(pages)} pages"
    assert_every_page_kind(built_synthetic)
    assert_valid(vnu, built_synthetic)


def test_checker_catches_invalid_html(vnu, tmp_path):
    """The gate itself works: vnu, run as above, reports a known error with file and line."""
    (tmp_path / "ok.html").write_text("<!doctype html><html lang=en><title>ok</title><p>fine</p>\n",
                                      encoding="utf-8")
    (tmp_path / "bad.html").write_text("<!doctype html><html lang=en><title>bad</title>\n<p><div>x</div></span>\n",
                                       encoding="utf-8")
    (tmp_path / "style.css").write_text("this is not html", encoding="utf-8")
    messages, files, _ = run_vnu(vnu, tmp_path)
    errors = [m for m in messages if m.get("type") == "error"]
    assert errors, "vnu reported nothing for a page with a stray end tag"
    assert {shown_file(m["url"], tmp_path) for m in errors} == {"bad.html"}
    assert all(m.get("lastLine") == 2 for m in errors), errors
    assert "bad.html:2:" in describe(errors, tmp_path)
