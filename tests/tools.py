"""The tools the tests need from outside Python's standard library, found or failed loudly.

Nothing skips: a missing tool fails the test with the command that installs it.

The W3C Nu HTML Checker: the jar comes from the npm package ``vnu-jar`` (pinned in package.json and
package-lock.json, installed into the repository's node_modules by
``.ci/install-tools.sh``), so the tests check against the current rules, not
an old jar bundled in a Python package. Java comes from Debian
(``default-jre-headless``).

shared/bench/make_corpus.py, which makes the large synthetic sites: beside the repository (CI's
clone, the main checkout) or further up (a git worktree).

hatchling, the build backend: the packaging tests build a wheel with it
without build isolation, so it comes from the test lock (requirements/test.txt).
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PIP_INSTALL = "pip install -r requirements/test.txt"
INSTALL = "run `bash .ci/install-tools.sh` (as root; it installs Java and runs `npm ci` in the repository)"


def vnu_command() -> list[str]:
    """``java -jar vnu.jar`` as a command list; fails the test when either is missing."""
    java = shutil.which("java")
    if java is None:
        pytest.fail(f"java is missing: the HTML validity tests run vnu.jar; {INSTALL}", pytrace=False)
    if not VNU_JAR.is_file():
        pytest.fail(f"{VNU_JAR} is missing: the HTML validity tests need the npm vnu-jar package; {INSTALL}",
                    pytrace=False)
    # A larger thread stack than Java's default: vnu's parser recurses deeply on long pages.
    return [java, "-Xss1m", "-jar", str(VNU_JAR)]


def make_corpus() -> Path:
    """The path of shared/bench/make_corpus.py; fails the test when it is nowhere above the repository."""
    for folder in REPO.parents:
        script = folder / "shared" / "bench" / "make_corpus.py"
        if script.is_file():
            return script
    pytest.fail(f"shared/bench/make_corpus.py is missing (looked beside {REPO} and above): "
                "it makes the synthetic sites", pytrace=False)


def generate_corpus(out: Path, incidents: int) -> Path:
    """A synthetic site of ``incidents`` made by make_corpus.py, with the report images it names supplied."""
    subprocess.run([sys.executable, str(make_corpus()), "--incidents", str(incidents), "--out", str(out)],
                   check=True, capture_output=True, text=True, timeout=600)
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from corpus_images import supply_images  # noqa: PLC0415 - bench/ is not a package
    finally:
        sys.path.remove(str(REPO / "bench"))
    supply_images(out)
    return out


def hatchling_build() -> ModuleType:
    """``hatchling.build`` (its ``build_wheel``); fails the test when hatchling is not installed."""
    try:
        return importlib.import_module("hatchling.build")
    except ImportError as error:
        pytest.fail(f"hatchling is missing ({error}): the packaging tests build a wheel with it; "
                    f"run `{PIP_INSTALL}`", pytrace=False)
