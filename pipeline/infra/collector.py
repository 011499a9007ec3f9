"""Pausing Python's cyclic garbage collector around bulk work.

A run builds hundreds of thousands of small objects (rows, cells, results) that live until the
run ends and make no reference cycles. With the collector on, each burst of allocations
triggers collections that walk an ever larger heap (all of pandas and great-expectations
included): measured at 2,000 units, a quarter of the time spent scoring and of the time
spent writing the summary. The few cycles other libraries leave behind are collected once the
collector is back on.
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The block runs with the cyclic collector off; it is back on afterwards if it was on."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def without_collector(func: Callable[P, R]) -> Callable[P, R]:
    """Decorator form of collector_paused."""

    @functools.wraps(func)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        with collector_paused():
            return func(*args, **kwargs)

    return paused
