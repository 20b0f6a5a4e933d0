"""Run independent units of work in forked worker processes, results in order.

Workers are forked after the caller has built everything they read (the
loaded files, the graph, the compiled templates), so they share it without
copying or pickling it; only each unit's result comes back, pickled. Worker
*w* takes every *n*-th unit. Below ``min_per_worker`` units per worker the
work stays in this process, where it costs no start-up at all.
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Held by a thread doing work that takes locks a forked worker would need (the preview's fast
# render, inside Jinja) and while workers are forked, so that no worker starts with such a lock held.
FORK_GUARD = threading.Lock()

_work: tuple[Callable[[Any], Any], Sequence[Any], int] | None = None  # set before forking; workers inherit it


def fork_map(func: Callable[[T], R], items: Sequence[T], workers: int, min_per_worker: int) -> list[R]:
    """``[func(item) for item in items]``, computed by up to ``workers`` processes."""
    workers = max(1, min(workers, len(items) // max(1, min_per_worker)))
    if workers == 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [func(item) for item in items]
    global _work
    _work = (func, items, workers)
    gc.freeze()  # objects made so far stay out of the collector's way, so their memory stays shared
    with FORK_GUARD:  # the workers are forked here, with no other thread of ours holding a lock
        pool = multiprocessing.get_context("fork").Pool(workers, initializer=_forget_signals)
    try:
        shares = pool.map(_run_share, range(workers))
        pool.close()  # not terminate(): that would send the workers SIGTERM
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
        _work = None
        gc.unfreeze()
    results: list[Any] = [None] * len(items)
    for worker, share in enumerate(shares):
        results[worker::workers] = share
    return results


def _forget_signals() -> None:
    """A worker must not act on the parent's signal handling.

    Under ``docket serve`` the parent's event loop listens on a wakeup socket the worker
    inherits; a signal delivered to the worker would reach the loop as its own SIGTERM.
    """
    signal.set_wakeup_fd(-1)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_DFL)


def _run_share(worker: int) -> list[Any]:
    assert _work is not None
    func, items, workers = _work
    return [func(items[i]) for i in range(worker, len(items), workers)]
