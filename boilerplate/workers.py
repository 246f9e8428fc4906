"""Parallel map for the passes that parse many pages (featurizing a dataset, indexing site
templates): a window of inputs at a time, results in input order."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from multiprocessing import get_context
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

START_METHOD = "fork" if sys.platform.startswith("linux") else "spawn"
"""Forked workers start in milliseconds; these passes run the parser, never the model."""


def map_in_windows(func: Callable[[T], R], items: Iterable[T], jobs: int, window: int,
                   chunk: int) -> Iterator[tuple[list[T], Iterator[R]]]:
    """Each window of `items` with `func`'s results for it, in order, computed in `jobs`
    processes (`chunk` items per task) or in this one; only a window's inputs are ever held,
    so a dataset or crawl of any size fits in memory."""
    pool = (ProcessPoolExecutor(jobs, mp_context=get_context(START_METHOD)) if jobs > 1
            else None)
    try:
        items = iter(items)
        while batch := list(islice(items, window)):
            yield batch, (pool.map(func, batch, chunksize=chunk) if pool else map(func, batch))
    finally:
        if pool is not None:
            pool.shutdown()
