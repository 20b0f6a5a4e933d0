"""The images a synthetic corpus names, supplied as a writer would before publishing.

``../shared/bench/make_corpus.py`` gives some reports ``image: /static/img/<slug>.jpg`` but ships no
image files. Docket refuses a site whose items name images that do not exist (a reader found 20
broken images on such a site), so the benchmarks and the tests put a tiny JPEG at each named path
(``static/`` + the path, where both Docket and Hugo publish it) after generating a corpus.
Standard library only.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

# A valid 1 x 1 grey JPEG (134 bytes): browsers show it, so browser tests see no broken image.
TINY_JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////"
    "////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=")
IMAGE_LINE = re.compile(r"^image:\s*\"?(/[^\"\s]+)\"?\s*$", re.MULTILINE)


def supply_images(site: Path) -> int:
    """Write a tiny JPEG at every root-relative ``image:`` a content file names; how many were written."""
    written = 0
    for source in sorted((site / "content").rglob("*.md")):
        for path in IMAGE_LINE.findall(source.read_text(encoding="utf-8")):
            target = site / "static" / path.lstrip("/")
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(TINY_JPEG)
                written += 1
    return written
