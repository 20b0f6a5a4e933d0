"""Docket: a static site generator for investigative journalism."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:
    from .build import BuildResult

__all__ = ["__version__", "build"]


def build(*args: Any, **kwargs: Any) -> BuildResult:
    """The whole pipeline; see ``generator.build.build``."""
    from .build import build as _build

    return _build(*args, **kwargs)
