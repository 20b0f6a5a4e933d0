"""Docket: a static site generator for investigative journalism."""

__version__ = "0.1.0"


def build(*args, **kwargs):
    """The whole pipeline; see ``generator.build.build``."""
    from .build import build as _build

    return _build(*args, **kwargs)
