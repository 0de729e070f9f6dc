"""Work over many pages split among forked processes, one a core: tens of thousands of entity pages in a city."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
_WORK: Callable[[list[str]], object] | None = None


def in_parallel(work: Callable[[list[str]], T], items: list[str], jobs: int) -> list[T]:
    """`work` over `items`, split among up to `jobs` forked processes when it pays; results in order.

    Forked children see the caller's objects as they are (no pickling of the plugin or the content); `mkdocs serve`
    runs builds beside its server threads, so it passes `jobs=1` and the work is done here.
    """
    jobs = min(jobs, len(items) // 500)
    if jobs < 2:
        return [work(items)]
    # Several chunks a process: whoever is done first takes the next, so a run of heavy pages (areas) at the end
    # does not leave one core idle. `map` keeps the results in the order of the items.
    size = -(-len(items) // (jobs * 8))
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    global _WORK
    _WORK = work
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            return list(pool.map(_run, chunks))
    finally:
        _WORK = None


def _run(ids: list[str]) -> object:
    assert _WORK is not None, "set by in_parallel before it forks"
    return _WORK(ids)
