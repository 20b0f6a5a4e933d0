"""Docket: a static site generator for investigative journalism."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .build import BuildResult

__version__ = "0.1.0"


def build(*args: Any, **kwargs: Any) -> BuildResult:
    """The whole pipeline; see ``generator.build.build``."""
    from .build import build as _build

    return _build(*args, **kwargs)
