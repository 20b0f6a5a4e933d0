"""Shared fixtures: the repository's example site, built once per test session."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run_docket(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the real command line, as a writer would."""
    return subprocess.run([sys.executable, "-m", "generator", *map(str, args)], cwd=cwd or REPO,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def example_output(tmp_path_factory) -> Path:
    """The bundled example site, built into a temporary folder."""
    out = tmp_path_factory.mktemp("example") / "output"
    result = run_docket("build", REPO, "--output", out)
    assert result.returncode == 0, result.stderr
    return out
