"""Stage 6 — write the site atomically.

Pages are streamed into a temporary folder beside the output; only when the
whole build succeeded is it swapped in place of the old output, so readers and
the preview never see a half-built site, and a failed build leaves the
previous output exactly as it was. Stale files cannot survive: the new folder
starts empty.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterable

from .model import StaticFile
from .render import OutputFile


class StagedOutput:
    """A temporary output folder that becomes ``target`` on ``commit()``, or vanishes."""

    def __init__(self, target: Path):
        self.target = Path(target).resolve()
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.root = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.new-", dir=self.target.parent))
        self.count = 0
        self.committed = False

    def __enter__(self) -> "StagedOutput":
        return self

    def __exit__(self, *exc_info) -> None:
        if not self.committed:
            shutil.rmtree(self.root, ignore_errors=True)

    def _destination(self, rel: str) -> Path:
        dest = (self.root / rel).resolve()
        if self.root not in dest.parents:  # ids are validated; this is the last line of defence
            raise ValueError(f"refusing to write outside the output folder: {rel}")
        dest.parent.mkdir(parents=True, exist_ok=True)
        return dest

    def write_all(self, files: Iterable[OutputFile]) -> None:
        for file in files:
            self._destination(file.path).write_bytes(file.data)
            self.count += 1

    def copy_static(self, files: Iterable[StaticFile]) -> None:
        """Copy static files; later ones (the site's) replace earlier ones (the theme's)."""
        for file in files:
            shutil.copyfile(file.source, self._destination(file.target))

    def commit(self) -> None:
        os.chmod(self.root, 0o755)  # mkdtemp makes it private; a site is for reading
        old = None
        if self.target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.old-", dir=self.target.parent))
            os.replace(self.target, old / "site")
        os.replace(self.root, self.target)
        self.committed = True
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
