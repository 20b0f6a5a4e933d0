"""Shared fixtures: the repository's example site, built once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import REPO, docket

# Every build the tests run (in process or in a child process) checks each page kept for its
# unchanged declared dependencies against its whole context: a dependency a planner leaves out
# fails the test that meets it (produce.DependencyMissed) instead of publishing a stale page.
os.environ.setdefault("DOCKET_VERIFY_DEPS", "1")


@pytest.fixture(scope="session")
def example_output(tmp_path_factory) -> Path:
    """The bundled example site, built into a temporary folder."""
    out = tmp_path_factory.mktemp("example") / "output"
    result = docket("build", REPO, "--output", out)
    assert result.returncode == 0, result.stderr
    return out
