"""Shared fixtures: the repository's example site, built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import REPO, docket


@pytest.fixture(scope="session")
def example_output(tmp_path_factory) -> Path:
    """The bundled example site, built into a temporary folder."""
    out = tmp_path_factory.mktemp("example") / "output"
    result = docket("build", REPO, "--output", out)
    assert result.returncode == 0, result.stderr
    return out
