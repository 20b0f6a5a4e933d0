"""Every list is paginated the same way: ``per_page`` items a page, a compact pager, the total shown.

Page 1 of a list is at its own path ("sources/"), page n at "<path>page/n/", so the first page's
URL, the one other sites link to, never changes as the list grows.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import TypeVar

from ..contexts import Pager

T = TypeVar("T")


def page_path(first: str, number: int) -> str:
    """The site path of page ``number`` of the list whose first page is at ``first``."""
    return first if number == 1 else f"{first}page/{number}/"


def paginate(items: Sequence[T], per_page: int, first: str) -> Iterator[tuple[str, Pager, Sequence[T]]]:
    """(path, pager, items shown) for every page of ``items``; an empty list still has its first page."""
    total = max(1, math.ceil(len(items) / per_page))
    paths = tuple((n, page_path(first, n)) for n in range(1, total + 1))
    for n, path in paths:
        shown = items[(n - 1) * per_page: n * per_page]
        start = (n - 1) * per_page + 1 if shown else 0
        pager = Pager(n, total, paths[n - 2][1] if n > 1 else None, paths[n][1] if n < total else None,
                      paths, len(items), start, len(shown))
        yield path, pager, shown


def titled(title: str, pager: Pager) -> str:
    """The page title: "Sources", then "Sources (page 2 of 16)"."""
    return title if pager.number == 1 else f"{title} (page {pager.number} of {pager.total})"


def page_of(position: int, per_page: int) -> int:
    """The page (from 1) that shows the item at ``position`` (from 0)."""
    return position // per_page + 1
