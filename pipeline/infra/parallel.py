"""Read many workbooks on every core, in order, one file's failure contained.

`read_all` gives exactly what calling `read(path, rel, rule_set)` on each candidate in turn
gives, in the candidates' order; only the time differs. Measured on 2 cores (README,
*Performance*): forking a worker costs ~10-20 ms, and a form costs a few ms to read, so
below `PARALLEL_MIN_FILES` one process is faster. Workers are forked (they inherit the rule
set and the imported modules; nothing is re-imported), so this is used only where fork is the
safe default (Linux); elsewhere, and when `TCPL_WORKERS=1`, files are read in this process.

A worker that dies (a parser aborting the process on a hostile file) takes down only its
chunk: those files are read again one per process, and a file that kills its process again is
reported as FILE_CORRUPT; every other file's result is unaffected.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

from pipeline.core.model import AppraisalRead, Submission
from pipeline.core.problems import Issue, issue
from pipeline.core.rules import RuleSet
from pipeline.infra.collector import collector_paused

Result = tuple[Submission | AppraisalRead | None, list[Issue]]  # what readers/inputs.py gives
Reader = Callable[..., Result]

PARALLEL_MIN_FILES = 48  # below this, starting workers costs more than it saves (measured)
CHUNK = 24  # files per task: large enough to amortise the round trip, small enough to balance

# Set in the parent just before forking; the children inherit it (never pickled per task).
_JOB: tuple[Reader, RuleSet] | None = None


def workers(n_items: int, min_items: int = PARALLEL_MIN_FILES) -> int:
    """How many processes to handle `n_items` with (1 = this process only). TCPL_WORKERS=n
    overrides the core count and the minimum (TCPL_WORKERS=1: never fork)."""
    wanted = os.environ.get("TCPL_WORKERS", "").strip()
    if wanted.isdigit() and int(wanted) >= 1:
        cores = int(wanted)
    else:
        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            cores = os.cpu_count() or 1
        if n_items < min_items:
            return 1
    if cores < 2 or not _can_fork():
        return 1
    return min(cores, max(1, n_items))


def _can_fork() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def read_all(items: Sequence[tuple[object, str]], rule_set: RuleSet, read: Reader) -> Iterator[Result]:
    """read(path, rel, rule_set) for each (path, rel) in items, in order."""
    n = workers(len(items))
    with collector_paused():  # reading allocates many small objects and makes no cycles
        if n == 1:
            for path, rel in items:
                yield read(path, rel, rule_set)
            return
        yield from _in_pool(items, rule_set, read, n)


def _in_pool(items, rule_set, read, n) -> Iterator[Result]:
    global _JOB
    context = multiprocessing.get_context("fork")
    chunks = [list(range(k, min(k + CHUNK, len(items)))) for k in range(0, len(items), CHUNK)]
    _JOB = (read, rule_set)
    try:
        while chunks:
            with _shared_heap(), ProcessPoolExecutor(max_workers=n, mp_context=context) as pool:
                futures = [(chunk, pool.submit(_read_chunk, [items[i] for i in chunk])) for chunk in chunks]
                chunks = []
                for k, (chunk, future) in enumerate(futures):
                    try:
                        results = future.result()
                    except Exception:  # noqa: BLE001 - a worker died (BrokenProcessPool) or could not send its results
                        yield from (_read_alone(items[i], context) for i in chunk)
                        chunks = [c for c, _ in futures[k + 1 :]]  # the pool is broken: a new one
                        for _, later in futures[k + 1 :]:
                            later.cancel()
                        break
                    yield from results
    finally:
        _JOB = None


@contextlib.contextmanager
def _shared_heap():
    """Keep the forked workers' memory shared with the parent: objects that exist at fork time
    go to the collector's permanent generation, so no collection in a worker writes to them
    (which would copy every page of the parent's heap into each worker: at 10,000 units, gigabytes).
    Python's documented recipe for fork without exec (gc.freeze)."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _read_chunk(chunk: list[tuple[object, str]]) -> list[Result]:
    read, rule_set = _JOB
    gc.enable()  # the parent's heap is frozen (_shared_heap): collections here see only new objects
    return [read(path, rel, rule_set) for path, rel in chunk]


def _read_alone(item: tuple[object, str], context) -> Result:
    """One file in a process of its own: if that process dies too, the file is the cause."""
    _, rel = item
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            return pool.submit(_read_chunk, [item]).result()[0]
    except Exception as exc:  # noqa: BLE001 - whatever killed the process, the file is rejected, the run goes on
        return None, [
            issue("FILE_CORRUPT", file=rel, value=f"chương trình đọc tệp dừng đột ngột ({type(exc).__name__})")
        ]


# ------------------------------------------------------------------ any ordered map

_TASK: tuple[Callable, Sequence] | None = None


def map_in_order(func: Callable, items: Sequence, *, min_items: int = PARALLEL_MIN_FILES, chunk: int = CHUNK) -> list:
    """[func(x) for x in items], on every core when there are at least `min_items` (forked
    workers inherit func and items: only indices and results cross between processes).
    Exceptions propagate as from the plain loop (the first failing chunk's, in order)."""
    global _TASK
    n = workers(len(items), min_items)
    if n == 1:
        return [func(x) for x in items]
    _TASK = (func, items)
    try:
        with _shared_heap(), ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_run_task, k, min(k + chunk, len(items))) for k in range(0, len(items), chunk)]
            out: list = []
            for future in futures:
                out += future.result()
            return out
    finally:
        _TASK = None


def _run_task(first: int, last: int) -> list:
    func, items = _TASK
    gc.enable()  # needed: xlsxwriter leaves reference cycles; the parent's frozen heap is not scanned
    return [func(items[i]) for i in range(first, last)]
