"""Where the default theme lives: beside the package when installed, else the repo's templates/.

The repository's top-level ``templates/`` is the default theme. A wheel has no
repository, so the build backend copies that folder into the package as
``generator/theme``; an editable install or a checkout uses the folder itself.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def theme_dir() -> Path:
    bundled = _PACKAGE / "theme"
    if (bundled / "base.html").is_file():
        return bundled
    return _PACKAGE.parent / "templates"


def theme_assets_dir() -> Path:
    return theme_dir() / "assets"


def is_theme_dir(folder: Path) -> bool:
    """Whether ``folder`` is the default theme itself, as when the repository's example site is built.

    ``os.path.realpath`` rather than ``Path.resolve``: it never raises, even on a link loop.
    """
    return Path(os.path.realpath(folder)) == Path(os.path.realpath(theme_dir()))
