"""A whole golden site, built and compared with its expected output file by file.

The site in tests/golden/site exercises every page kind and most features on a
few files. When a change to the generator or the theme is meant to change the
output, regenerate the expected files and review the diff like any other code:

    DOCKET_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

The theme's own assets (assets/) are left out: they are copied byte for byte
and checked by the example-site tests (the maps' basemap files there are drawn
by the build, and compared). So are Pagefind's own scripts, styles and
WebAssembly under pagefind/ (the same bytes for every site, those of the installed
Pagefind); the search index made from the site's records (its entry file, metadata,
filters, fragments and word index) is compared like any page, and so is the
manifest, less its lines for the files left out.
"""

from __future__ import annotations

import difflib
import json
import os
import shutil
from pathlib import Path

import pytest
from helpers import REPO, SOURCE_DATE_EPOCH, docket, snapshot

GOLDEN = REPO / "tests" / "golden"


def compared(path: str) -> bool:
    if path.startswith("assets/"):  # the theme's, less the basemap files the build draws for the maps
        return path.startswith("assets/basemap-")
    if path.startswith("pagefind/"):  # the index, not Pagefind's runtime (pagefind.js, wasm.en.pagefind, ...)
        name = path.removeprefix("pagefind/")
        return "/" in name or name in ("pagefind-entry.json", "docket-shards.json", "docket-sort.json") \
            or name.endswith(".pf_meta")
    return True


def built_files(out: Path) -> dict[str, bytes]:
    files = {path: data for path, data in snapshot(out).items() if compared(path)}
    manifest = json.loads(files[".docket-manifest.json"])
    manifest["files"] = [f for f in manifest["files"] if compared(f["path"])]
    files[".docket-manifest.json"] = (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()
    return files


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
        diffs.extend(difflib.unified_diff(expected[path].decode(errors="replace").splitlines(),
                                          actual[path].decode(errors="replace").splitlines(),
                                          f"expected/{path}", f"built/{path}", lineterm="", n=2))
    assert not changed, f"{len(changed)} files differ: {changed[:10]}\n" + "\n".join(diffs[:200])
