"""Run independent units of work in forked worker processes, results in order.

Workers are forked after the caller has built everything they read (the
loaded files, the graph, the compiled templates), so they share it without
copying or pickling it; only each unit's result comes back, pickled. Workers
take contiguous chunks in turn. Below ``min_per_worker`` units per worker the
work stays in this process, where it costs no start-up at all.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Held by a thread doing work that takes locks a forked worker would need (the preview's fast
# render, inside Jinja) and while workers are forked, so that no worker starts with such a lock held.
FORK_GUARD = threading.Lock()
# How much lower than ours the workers' CPU priority is (``os.nice``). The preview raises it, so
# that on a machine with few cores the fast render of the page being edited is not starved by the
# full build's workers.
WORKER_NICENESS = 0

_work: tuple[Callable[[Any], Any], Sequence[Any], int] | None = None  # set before forking; workers inherit it
Progress = Callable[[int, int], None]  # (units done, units in all)
CHUNKS_PER_WORKER = 8
SERIAL_PROGRESS_EVERY = 50


def fork_map(func: Callable[[T], R], items: Sequence[T], workers: int, min_per_worker: int,
             progress: Progress | None = None) -> list[R]:
    """``[func(item) for item in items]``, computed by up to ``workers`` processes.

    ``progress(done, total)`` is called in this process as results arrive.
    """
    workers = max(1, min(workers, len(items) // max(1, min_per_worker)))
    if workers == 1 or "fork" not in multiprocessing.get_all_start_methods():
        return _serial(func, items, progress)
    global _work
    # Chunks, not one share per worker: a worker that finishes early takes the next chunk, and
    # every finished chunk is progress to report. Several per worker, for both reasons.
    size = max(min_per_worker, -(-len(items) // (workers * CHUNKS_PER_WORKER)))
    _work = (func, items, size)
    gc.freeze()  # objects made so far stay out of the collector's way, so their memory stays shared
    with FORK_GUARD:  # the workers are forked here, with no other thread of ours holding a lock
        pool = multiprocessing.get_context("fork").Pool(workers, initializer=_forget_signals)
    results: list[Any] = []
    try:
        for chunk in pool.imap(_run_chunk, range(0, len(items), size)):
            results.extend(chunk)
            if progress is not None:
                progress(len(results), len(items))
        pool.close()  # not terminate(): that would send the workers SIGTERM
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
        _work = None
        gc.unfreeze()
    return results


def _serial(func: Callable[[T], R], items: Sequence[T], progress: Progress | None) -> list[R]:
    if progress is None:
        return [func(item) for item in items]
    results = []
    for item in items:
        results.append(func(item))
        if len(results) % SERIAL_PROGRESS_EVERY == 0 or len(results) == len(items):
            progress(len(results), len(items))
    return results


def _forget_signals() -> None:
    """A worker must not act on the parent's signal handling.

    Under ``docket serve`` the parent's event loop listens on a wakeup socket the worker
    inherits; a signal delivered to the worker would reach the loop as its own SIGTERM.
    """
    signal.set_wakeup_fd(-1)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_DFL)
    if WORKER_NICENESS:
        with contextlib.suppress(OSError):  # not allowed here: the worker runs at our priority
            os.nice(WORKER_NICENESS)


def _run_chunk(start: int) -> list[Any]:
    assert _work is not None
    func, items, size = _work
    return [func(item) for item in items[start:start + size]]
