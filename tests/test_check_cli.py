"""`docket check` and `--strict` through the CLI, and the three report formats of docs/checks.md.

Most tests call ``generator.cli.main`` in the process (capturing stdout and
stderr); one runs the real ``docket`` in a subprocess from a parent folder, so
that the paths of the json and github forms carry the site folder's prefix.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import COUNT_LINE, DIAGNOSTIC, assert_no_traceback, docket, line_of, snapshot, write_site

from generator import cli
from generator.diagnostics import Diagnostic, Diagnostics
from generator.report import escape_data, escape_property, github_annotation, render_report

CLEAN = {
    "content/incidents/fire.md": """
        ---
        title: Fire at the depot
        date: 2023-03-27
        sources:
          - id: local-paper
            title: Fire at the depot
            url: https://example.org/fire
        ---
        The fire began at night [@local-paper].
        """,
}
# A claim with no source: the site builds, and the review warns. Its text holds '%', ',' and ':'.
CLAIM_TEXT = "Costs rose 50%, officials said: more later"
WARNED = """
    ---
    title: Fire at the depot
    date: 2023-03-27
    sources:
      - id: local-paper
        title: Fire at the depot
        url: https://example.org/fire
    claims:
      - text: "Costs rose 50%, officials said: more later"
    ---
    The fire began at night [@local-paper].
    """
FIRE = "content/incidents/fire.md"
CLAIM_LINE = line_of(WARNED, "- text:")  # a claim is named at its entry's first line

JSON_KEYS = {"version", "diagnostics", "counts"}
DIAGNOSTIC_KEYS = {"path", "line", "column", "severity", "field", "message", "hint"}
# docs/checks.md: "::error file=PATH,line=N,col=C,title=FIELD::MESSAGE; HINT", each property optional.
PROPERTY = r"[^,:\r\n]+"
ANNOTATION = re.compile(rf"^::(?P<severity>error|warning)(?: (?P<props>file={PROPERTY}(?:,line=\d+(?:,col=\d+)?)?"
                        rf"(?:,title={PROPERTY})?|title={PROPERTY}))?::(?P<message>[^\r\n]+)$")


def run_cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def warned_site(root: Path) -> Path:
    return write_site(root, {FIRE: WARNED})


# -- --strict -------------------------------------------------------------------------

def test_check_passes_a_site_with_only_warnings_and_strict_fails_it(tmp_path, capsys):
    site = warned_site(tmp_path)
    code, _, err = run_cli(capsys, "check", site)
    assert code == 0, err
    [warning] = [line for line in err.splitlines() if DIAGNOSTIC.match(line)]
    assert warning.startswith(f"{FIRE}:{CLAIM_LINE}: warning: claims[0]: ")

    code, _, err = run_cli(capsys, "check", site, "--strict")
    assert code == 1, err
    [error] = [line for line in err.splitlines() if DIAGNOSTIC.match(line)]
    assert error.startswith(f"{FIRE}:{CLAIM_LINE}: error: claims[0]: ") and "has no source" in error
    assert "1 error, 0 warnings" in err.splitlines()


def test_strict_check_passes_a_clean_site(tmp_path, capsys):
    code, _, err = run_cli(capsys, "check", write_site(tmp_path, CLEAN), "--strict")
    assert code == 0, err
    assert not [line for line in err.splitlines() if DIAGNOSTIC.match(line)]


def test_strict_check_in_a_real_process(tmp_path):
    site = warned_site(tmp_path / "warned")
    run = docket("check", site, "--strict")
    assert run.returncode == 1, run.describe()
    assert_no_traceback(run)
    assert [(d.path, d.line, d.severity) for d in run.diagnostics] == [(FIRE, CLAIM_LINE, "error")], run.describe()

    run = docket("check", write_site(tmp_path / "clean", CLEAN), "--strict")
    assert run.returncode == 0, run.describe()


def test_build_strict_fails_on_a_warning_and_leaves_the_output_untouched(tmp_path, capsys):
    text = WARNED.replace("title: Fire at the depot\n", "title: Fire at the depot\n    sumary: A typo.\n", 1)
    site = write_site(tmp_path, {FIRE: text})
    code, _, err = run_cli(capsys, "build", site)  # the typo is the build's own warning; it builds
    assert code == 0, err
    assert f"{FIRE}:{line_of(text, 'sumary')}: warning: sumary: unknown key" in err
    before = snapshot(site / "output")
    assert "index.html" in before

    code, _, err = run_cli(capsys, "build", site, "--strict")  # the very same inputs
    assert code == 1, err
    assert f"{FIRE}:{line_of(text, 'sumary')}: error: sumary: unknown key" in err
    assert snapshot(site / "output") == before

    (site / FIRE).write_text((site / FIRE).read_text().replace("night", "dawn"), encoding="utf-8")
    code, _, err = run_cli(capsys, "build", site, "--strict")  # inputs that would change the pages
    assert code == 1, err
    assert snapshot(site / "output") == before


def test_build_does_not_review(tmp_path, capsys):
    code, _, err = run_cli(capsys, "build", warned_site(tmp_path), "--strict")
    assert code == 0, err
    assert "has no source" not in err


# -- --format json ---------------------------------------------------------------------

def test_json_report_has_the_documented_shape(tmp_path, capsys, monkeypatch):
    files = {FIRE: WARNED, "content/sources/unused.md": "---\ntitle: Unused\n---\n"}
    monkeypatch.chdir(write_site(tmp_path, files))  # the site is the current folder: paths have no prefix
    code, out, err = run_cli(capsys, "check", "--format", "json")
    assert code == 0 and err == "", err
    report = json.loads(out)
    assert set(report) == JSON_KEYS and report["version"] == 1
    items = report["diagnostics"]
    for item in items:
        assert set(item) == DIAGNOSTIC_KEYS
        assert isinstance(item["line"], int) and isinstance(item["column"], int)
        assert item["severity"] in ("error", "warning")
    assert report["counts"] == {"errors": sum(i["severity"] == "error" for i in items),
                                "warnings": sum(i["severity"] == "warning" for i in items)}
    assert report["counts"]["errors"] == 0 and report["counts"]["warnings"] >= 3
    as_diags = [Diagnostic(i["path"], i["line"], i["severity"], i["field"], i["message"], i["hint"], i["column"])
                for i in items]
    assert as_diags == Diagnostics(list(reversed(as_diags))).sorted()
    claim = next(i for i in items if i["field"] == "claims[0]")
    assert claim == {"path": FIRE, "line": CLAIM_LINE, "column": 0, "severity": "warning", "field": "claims[0]",
                     "message": claim["message"], "hint": claim["hint"]}
    assert CLAIM_TEXT in claim["message"] and claim["hint"]


def test_review_waits_until_the_site_is_valid(tmp_path, capsys, monkeypatch):
    """An error's knock-on effects (an incident whose source cannot be read "cites no source") are no news."""
    files = {FIRE: WARNED, "content/incidents/bad.md": "---\ntitle: Bad\ndate: 2023-13-01\n---\nText.\n"}
    monkeypatch.chdir(write_site(tmp_path, files))
    code, out, err = run_cli(capsys, "check", "--format", "json")
    assert code == 1 and err == "", err
    report = json.loads(out)
    assert report["counts"] == {"errors": 1, "warnings": 0}
    assert report["diagnostics"][0]["path"] == "content/incidents/bad.md"
    assert report["diagnostics"][0]["column"] > 0


def test_json_report_of_a_clean_site(tmp_path, capsys):
    code, out, _ = run_cli(capsys, "check", write_site(tmp_path, CLEAN), "--format", "json")
    assert code == 0
    assert json.loads(out) == {"version": 1, "diagnostics": [], "counts": {"errors": 0, "warnings": 0}}


# -- --format github -----------------------------------------------------------------

def test_github_report_from_a_parent_folder_names_repository_paths(tmp_path):
    site = warned_site(tmp_path / "my,site:x")
    (site / "content/sources").mkdir()
    (site / "content/sources/unused.md").write_text("---\ntitle: Unused\nurl: https://example.org/u\n---\n")
    run = docket("check", "my,site:x", "--format", "github", cwd=tmp_path)
    assert run.returncode == 0 and run.stderr == "", run.describe()
    *annotations, summary = run.stdout.splitlines()
    assert COUNT_LINE.match(summary) and not summary.startswith("::"), run.describe()
    assert summary == "0 errors, 2 warnings"
    parsed = [ANNOTATION.match(line) for line in annotations]
    assert all(parsed), run.describe()
    claim = next(line for line in annotations if "title=claims[0]" in line)
    # The folder's ',' and ':' are escaped in the file property; the message keeps them, but not '%'.
    assert claim.startswith(
        f"::warning file=my%2Csite%3Ax/content/incidents/fire.md,line={CLAIM_LINE},title=claims[0]::")
    assert "Costs rose 50%25, officials said: more later" in claim
    unused = next(line for line in annotations if "unused.md" in line)
    assert unused.startswith("::warning file=my%2Csite%3Ax/content/sources/unused.md,line=1::")


def test_github_report_of_errors_in_process(tmp_path, capsys, monkeypatch):
    text = "---\ntitle: Bad\ndate: 2023-13-01\n---\nText.\n"
    site = write_site(tmp_path / "site", {"content/incidents/bad.md": text})
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, "check", "site", "--format", "github")
    assert code == 1 and err == ""
    *annotations, summary = out.splitlines()
    assert all(ANNOTATION.match(line) for line in annotations), out
    date = text.split("\n")[line_of(text, "date:") - 1]
    where = f"line={line_of(text, 'date:')},col={date.index('2023') + 1}"
    assert any(line.startswith(f"::error file=site/content/incidents/bad.md,{where},title=date::")
               for line in annotations), out
    assert summary.startswith("1 error")
    assert site.is_dir()


def test_github_escaping_of_data_and_properties():
    assert escape_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert escape_property("a:b,c%d\n") == "a%3Ab%2Cc%25d%0A"
    assert escape_data("%0A") == "%250A"  # '%' first: an escape in the text is not read as one


def test_github_annotation_leaves_out_unknown_line_and_column():
    whole_file = Diagnostic("site.yaml", 0, "warning", "description", "placeholder", "write your own", 7)
    assert github_annotation(whole_file) == "::warning file=site.yaml,title=description::placeholder; write your own"
    located = Diagnostic("a.md", 3, "error", "", "bad: 5%", "", 9)
    assert github_annotation(located, "docs/site/") == "::error file=docs/site/a.md,line=3,col=9::bad: 5%25"
    nowhere = Diagnostic("", 0, "error", "", "no site.yaml", "")
    assert github_annotation(nowhere) == "::error::no site.yaml"


def test_text_report_is_exactly_the_diagnostics_report():
    diags = Diagnostics()
    diags.warning("b.md", 2, "summary", "w", "h")
    diags.error("a.md", 5, "date", "e", "", column=3)
    assert render_report(diags, "text", path_prefix="ignored/") == diags.report()
    with pytest.raises(ValueError):
        render_report(diags, "xml")
