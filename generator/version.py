"""Docket's version, at the bottom of the package: the manifest and the code id need it, and the package's
``__init__`` (which offers ``build``) sits above every stage."""

from __future__ import annotations

__version__ = "0.1.0"
