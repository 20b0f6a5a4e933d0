"""What the CLI shows while a long build runs: a progress line on a terminal, nothing elsewhere.

A log file or a CI job gets no ``\\r`` progress lines, only the one summary line the
command prints at the end, so that logs stay readable.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

REDRAW_SECONDS = 0.1  # often enough to look alive, rarely enough to cost nothing
MIN_PAGES = 200  # smaller builds finish before a progress line could be read


class ProgressLine:
    """``docket: rendering pages 1,200 of 10,000`` redrawn in place on a terminal."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.shown = False
        self.last = 0.0

    @classmethod
    def for_terminal(cls, stream: TextIO | None = None) -> ProgressLine | None:
        stream = stream or sys.stderr
        isatty = getattr(stream, "isatty", None)
        return cls(stream) if isatty is not None and isatty() else None

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if total < MIN_PAGES or (done < total and now - self.last < REDRAW_SECONDS):
            return
        self.last = now
        self.stream.write(f"\rdocket: rendering pages {done:,} of {total:,}")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        """Remove the line, so that what the command prints next starts at column 0."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False
