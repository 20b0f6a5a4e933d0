"""The W3C Nu HTML Checker (vnu.jar) for the tests: where it is and how to run it.

The jar comes from the npm package ``vnu-jar`` (pinned in package.json and
package-lock.json, installed into the repository's node_modules by
``.ci/install-tools.sh``), so the tests check against the current rules, not
an old jar bundled in a Python package. Java comes from Debian
(``default-jre-headless``). A missing java or jar fails the run with the
command that installs it: nothing skips.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
VNU_JAR = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
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
