"""The site's basemap files: the land of each box its maps show, drawn once and written to assets/.

Before the pages render, the build collects the boxes of every map its pages show (each
page's ``MapSpec``), places one file per box in the output (``assets/basemap-<hash>.svg``,
see ``geo/basemap.py``) and registers their names, so that each map drawn by the page
workers names its file instead of carrying its land. A box the last build drew (the
session remembers its file's name) keeps its file from the last output, like an unchanged
page, without being drawn again; the others are drawn by worker processes, each once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from .geo.basemap import BasemapKey, BasemapRef, draw_basemap, use_basemaps
from .pagejob import PageJob
from .parallel import fork_map
from .produce import PageRecord, Producer, page_maps

ASSETS = "assets/"
BASEMAPS_PER_WORKER = 4  # a basemap takes a tenth of a second or so: worth a worker sooner than a page


def map_keys(jobs: Iterable[PageJob]) -> list[BasemapKey]:
    """The basemap of every map the pages show, each once, in the order the pages come."""
    keys: dict[BasemapKey, None] = {}
    for job in jobs:
        keys.update(dict.fromkeys(page_maps(job)))
    return list(keys)


def place_basemaps(keys: Iterable[BasemapKey], known: Mapping[BasemapKey, BasemapRef], workers: int,
                   producer: Producer | None) -> tuple[dict[BasemapKey, BasemapRef], dict[str, PageRecord]]:
    """The basemaps ``keys`` (``map_keys``, ``Producer.map_keys``), registered: each key's file, and the files placed.

    ``known`` are the last build's; ``producer`` places the files in the output (None for
    ``docket check``, which writes nothing and draws only the basemaps it does not know).
    """
    refs: dict[BasemapKey, BasemapRef] = {}
    placed: dict[str, PageRecord] = {}
    missing = []
    for key in keys:
        ref = known.get(key)
        if ref is not None and producer is None:
            refs[key] = ref
            continue
        if ref is not None and producer is not None:
            path = ASSETS + ref.name
            record = placed.get(path) or producer.reuse(path, _fingerprint(ref))
            if record is not None:
                refs[key], placed[path] = ref, record
                continue
        missing.append(key)
    for key, drawn in zip(missing, fork_map(draw_basemap, missing, workers, BASEMAPS_PER_WORKER), strict=True):
        refs[key] = drawn.ref
        path = ASSETS + drawn.ref.name
        if producer is not None and path not in placed:  # two boxes with the same land (open sea): one file
            placed[path] = producer.place_keyed(path, _fingerprint(drawn.ref), drawn.data)
    use_basemaps(refs)
    return refs, placed


def _fingerprint(ref: BasemapRef) -> bytes:
    # The name is a hash of the file's bytes: the same name is the same file.
    return hashlib.blake2b(ref.name.encode("ascii"), digest_size=16).digest()
