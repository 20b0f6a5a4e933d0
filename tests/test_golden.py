"""A whole golden site, built and compared with its expected output file by file.

The site in tests/golden/site exercises every page kind and most features on a
few files. When a change to the generator or the theme is meant to change the
output, regenerate the expected files and review the diff like any other code:

    DOCKET_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

The theme's own assets (assets/) are left out: they are copied byte for byte
and checked by the example-site tests.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest
from helpers import REPO, SOURCE_DATE_EPOCH, comparable, docket, snapshot

GOLDEN = REPO / "tests" / "golden"


def built_files(out: Path) -> dict[str, bytes]:
    # The manifest lists the assets' hashes too, so it is left out with them.
    # The search bundle differs from run to run (see helpers.comparable); the search tests check it.
    return {path: data for path, data in comparable(snapshot(out)).items()
            if not path.startswith("assets/") and path != ".docket-manifest.json"}


def test_golden_site_matches_expected_output_file_by_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The data page shows the build date: the golden build's is fixed, whatever the environment says.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    out = tmp_path / "out"
    result = docket("build", GOLDEN / "site", "--output", out)
    assert result.returncode == 0, result.stderr
    actual = built_files(out)
    expected_dir = GOLDEN / "expected"
    if os.environ.get("DOCKET_UPDATE_GOLDEN"):
        shutil.rmtree(expected_dir, ignore_errors=True)
        for path, data in actual.items():
            (expected_dir / path).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / path).write_bytes(data)
    expected = snapshot(expected_dir)
    assert sorted(actual) == sorted(expected), "the set of built files changed"
    changed = [path for path in sorted(expected) if actual[path] != expected[path]]
    diffs = []
    for path in changed[:3]:
        diffs.extend(difflib.unified_diff(expected[path].decode().splitlines(), actual[path].decode().splitlines(),
                                          f"expected/{path}", f"built/{path}", lineterm="", n=2))
    assert not changed, f"{len(changed)} files differ: {changed[:10]}\n" + "\n".join(diffs[:200])
