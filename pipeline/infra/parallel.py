"""Read many workbooks in child processes, in order, one file's failure contained to it.

`read_all` gives what calling `read(path, rel, rule_set)` on each candidate in turn would give,
in the candidates' order, but every call runs in a child process, whatever the number of files:
a parser that aborts its process (python-calamine's Rust code aborts on a failed allocation,
and no `except` catches that) takes down a child, never the run.

- Children are forked where fork is the safe default (Linux: they inherit the rule set and the
  imported modules, nothing is re-imported, and the parent's heap stays shared, gc.freeze);
  elsewhere (Windows, macOS) they are spawned, which costs an import of the reader once per
  child.
- Each child runs with a memory ceiling (POSIX: RLIMIT_AS, its address space at start plus
  CHILD_MEMORY; Windows: a job object limiting the child's committed memory to CHILD_BASE +
  CHILD_MEMORY; TCPL_CHILD_MEMORY_MB overrides CHILD_MEMORY), so a file asking for gigabytes
  fails that allocation in the child instead of swapping the machine. Where no limit can be
  set (macOS does not enforce RLIMIT_AS; a Windows job refused), the pre-parse checks
  (readers/safety.py) are the memory guard and the child still contains the crash. The
  Windows job is not exercised by the test suite, which runs on Linux.
- A child's stdout and stderr go to the null device: nothing a parser prints ("memory
  allocation of ... bytes failed", a Rust panic's text) reaches the office's terminal; what
  happened is said by the file's issue.
- Children are reused: files go out in batches of BATCH, each file's result comes back as soon
  as it is read, and a child is replaced after FILES_PER_CHILD files (memory it kept is given
  back). Below PARALLEL_MIN_FILES one child reads everything (a second costs more than it saves).
- A child that dies was reading the first file of its batch whose result has not come back:
  that file is tried once more in a fresh child (a child killed from outside is not the file's
  fault); if it kills that one too, the file is rejected with a located issue (`failed`:
  FILE_UNSAFE for a death by signal, e.g. SIGABRT, FILE_CORRUPT otherwise) and the rest of the
  batch goes on in other children. Every other file's result is unaffected.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.connection import wait

from pipeline.core.model import AppraisalRead, Submission
from pipeline.core.problems import Issue, issue
from pipeline.core.rules import RuleSet
from pipeline.infra.collector import collector_paused

Result = tuple  # what the reader gives: (Submission | AppraisalRead | None, [Issue], ...)
Reader = Callable[..., Result]
Failed = Callable[[object, str, str, str], Result]  # (path, rel, code, detail) -> the file's result

PARALLEL_MIN_FILES = 48  # below this, a second child costs more than it saves (measured)
CHUNK = 24  # map_in_order: items per task
BATCH = 8  # read_all: files sent to a child at once (two batches in flight per child)
FILES_PER_CHILD = 1000  # then the child is replaced
CHILD_MEMORY = 1024 * 1024 * 1024  # address space a child may add to what it starts with
CHILD_BASE = 512 * 1024 * 1024  # Windows: what a spawned child commits before reading (imports), roughly
MAX_DEATHS = 2  # a file that kills this many children is rejected

_TwoParts = tuple[Submission | AppraisalRead | None, list[Issue]]


def workers(n_items: int, min_items: int = PARALLEL_MIN_FILES) -> int:
    """How many processes to handle `n_items` with (1 = this process only). TCPL_WORKERS=n
    overrides the core count and the minimum (TCPL_WORKERS=1: never fork)."""
    wanted = os.environ.get("TCPL_WORKERS", "").strip()
    if wanted.isdigit() and int(wanted) >= 1:
        cores = int(wanted)
    else:
        cores = _cores()
        if n_items < min_items:
            return 1
    if cores < 2 or not _can_fork():
        return 1
    return min(cores, max(1, n_items))


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _can_fork() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def reading_children(n_items: int) -> int:
    """How many child processes read `n_items` files: at least one, always."""
    if _can_fork():
        return max(1, workers(n_items))
    wanted = os.environ.get("TCPL_WORKERS", "").strip()
    if wanted.isdigit() and int(wanted) >= 1:
        return int(wanted)
    # Spawned children import the reader (pandas included, ~1 s each): worth it only for many files.
    return max(1, min(_cores(), 4)) if n_items >= 400 else 1


def died(path: object, rel: str, code: str, detail: str) -> _TwoParts:
    """The default result of a file whose reading killed its child."""
    return None, [issue(code, file=rel, value=detail)]


def read_all(
    items: Sequence[tuple[object, str]], rule_set: RuleSet, read: Reader, failed: Failed = died
) -> Iterator[Result]:
    """read(path, rel, rule_set) for each (path, rel) in items, in order, each in a child."""
    if not items:
        return
    with collector_paused():  # reading allocates many small objects and makes no cycles
        yield from _Children(items, rule_set, read, failed, reading_children(len(items))).results()


class _Child:
    def __init__(self, context, job: tuple):
        parent_end, child_end = context.Pipe(duplex=True)
        self.conn = parent_end
        self.process = context.Process(target=_child_main, args=(child_end, *job), daemon=True)
        self.process.start()
        child_end.close()  # so the parent sees EOF when the child dies
        self.pending: deque[int] = deque()  # files sent, result not yet back, in order
        self.done = 0


class _Children:
    """The parent's side: hand out batches, collect results, replace children that die."""

    def __init__(self, items, rule_set, read, failed, n):
        self.items, self.failed, self.n = items, failed, n
        method = "fork" if _can_fork() else "spawn"
        self.context = multiprocessing.get_context(method)
        self.job = (read, rule_set, _memory_ceiling())
        self.todo: deque[int] = deque(range(len(items)))
        self.deaths: dict[int, int] = {}
        self.out: dict[int, Result] = {}
        self.children: list[_Child] = []

    def results(self) -> Iterator[Result]:
        nxt = 0
        with _shared_heap() if self.context.get_start_method() == "fork" else contextlib.nullcontext():
            try:
                while nxt < len(self.items):
                    while nxt in self.out:
                        yield self.out.pop(nxt)
                        nxt += 1
                    if nxt >= len(self.items):
                        break
                    self._feed()
                    self._collect()
            finally:
                self._stop_all()

    def _feed(self) -> None:
        for child in list(self.children):
            if child.done + len(child.pending) >= FILES_PER_CHILD and not child.pending:
                self._retire(child)
        while len(self.children) < self.n and self.todo:
            self.children.append(_Child(self.context, self.job))
        for child in self.children:
            room = min(BATCH, FILES_PER_CHILD - child.done - len(child.pending))
            if len(child.pending) < BATCH and self.todo and room > 0:
                batch = []
                while self.todo and len(batch) < room:
                    batch.append(self.todo.popleft())
                child.pending.extend(batch)
                try:
                    child.conn.send([(k, *self.items[k]) for k in batch])
                except OSError:  # the child is gone: _collect finds out and requeues
                    pass

    def _collect(self) -> None:
        busy = [c for c in self.children if c.pending]
        if not busy:
            return
        ready = wait([c.conn for c in busy] + [c.process.sentinel for c in busy])
        for child in busy:
            if child.conn not in ready and child.process.sentinel not in ready:
                continue
            try:
                while child.pending and child.conn.poll():
                    k, result = child.conn.recv()
                    self._got(child, k, result)
                alive = child.process.is_alive() or not child.pending
            except (EOFError, OSError):
                alive = False
            if not alive:
                self._died(child)

    def _got(self, child: _Child, k: int, result: Result) -> None:
        if child.pending and child.pending[0] == k:
            child.pending.popleft()
        else:  # never happens: a child answers in order
            child.pending.remove(k)
        child.done += 1
        self.out[k] = result

    def _died(self, child: _Child) -> None:
        with contextlib.suppress(EOFError, OSError):
            while child.pending and child.conn.poll():  # results sent before dying still count
                k, result = child.conn.recv()
                self._got(child, k, result)
        child.process.join(5)
        code = child.process.exitcode
        self.children.remove(child)
        child.conn.close()
        if not child.pending:
            return
        culprit, rest = child.pending[0], list(child.pending)[1:]
        self.todo.extendleft(reversed(rest))
        self.deaths[culprit] = self.deaths.get(culprit, 0) + 1
        if self.deaths[culprit] < MAX_DEATHS:
            self.todo.appendleft(culprit)
            return
        path, rel = self.items[culprit]
        if code is not None and code < 0:
            detail = f"chương trình đọc tệp dừng đột ngột ({_signal_name(-code)}): tệp đòi quá nhiều bộ nhớ hoặc làm hỏng bộ đọc"
            self.out[culprit] = self.failed(path, rel, "FILE_UNSAFE", detail)
        else:
            detail = f"chương trình đọc tệp dừng đột ngột (mã thoát {code})"
            self.out[culprit] = self.failed(path, rel, "FILE_CORRUPT", detail)

    def _retire(self, child: _Child) -> None:
        with contextlib.suppress(OSError):
            child.conn.send(None)
        child.process.join(5)
        if child.process.is_alive():
            child.process.kill()
            child.process.join()
        child.conn.close()
        self.children.remove(child)

    def _stop_all(self) -> None:
        for child in list(self.children):
            with contextlib.suppress(OSError):
                child.conn.send(None)
        for child in list(self.children):
            child.process.join(2)
            if child.process.is_alive():
                child.process.kill()
                child.process.join()
            child.conn.close()
        self.children.clear()


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"tín hiệu {number}"


def _memory_ceiling() -> int:
    wanted = os.environ.get("TCPL_CHILD_MEMORY_MB", "").strip()
    return int(wanted) * 1024 * 1024 if wanted.isdigit() and int(wanted) > 0 else CHILD_MEMORY


def _child_main(conn, read: Reader, rule_set: RuleSet, memory: int) -> None:
    """A reading child: quiet, limited, reading batch after batch until told to stop."""
    _quiet()
    if faulthandler.is_enabled():  # PYTHONFAULTHANDLER: its report would reach the terminal
        faulthandler.disable()
    _limit_memory(memory)
    gc.enable()  # a forked child: the parent's heap is frozen (_shared_heap), collections see only new objects
    while True:
        try:
            batch = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if batch is None:
            return
        for k, path, rel in batch:
            result = read(path, rel, rule_set)
            try:
                conn.send((k, result))
            except (OSError, EOFError):
                return
            except Exception as exc:  # noqa: BLE001 - a result that cannot be sent back: the file is rejected
                conn.send((k, died(path, rel, "FILE_CORRUPT", f"không gửi được kết quả đọc ({type(exc).__name__})")))


def _quiet() -> None:
    """The child's stdout and stderr to the null device, at the level of file descriptors (what
    the Rust parser writes to) and, on Windows, of the process's standard handles."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.close(null)
        if os.name == "nt":
            import ctypes
            import msvcrt

            handle = msvcrt.get_osfhandle(2)
            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
            kernel32.SetStdHandle(-11, handle)  # STD_OUTPUT_HANDLE
            kernel32.SetStdHandle(-12, handle)  # STD_ERROR_HANDLE
    except OSError:
        pass


def _limit_memory(extra: int) -> None:
    """POSIX: the child's address space may grow by `extra` bytes over what it has now.
    Windows: the child's committed memory is capped by a job object (CHILD_BASE + extra)."""
    if os.name == "nt":
        with contextlib.suppress(Exception):  # no job object: the pre-parse checks stay the guard
            _limit_memory_windows(CHILD_BASE + extra)
        return
    try:
        import resource
    except ImportError:
        return
    try:
        with open("/proc/self/statm", "rb") as fh:
            now = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return  # no /proc (macOS, where RLIMIT_AS is not enforced anyway)
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = now + extra
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft == resource.RLIM_INFINITY or soft > wanted:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))


def _job_limit_structure():
    """JOBOBJECT_EXTENDED_LIMIT_INFORMATION (winnt.h): 144 bytes on 64 bits. DWORD is spelt
    c_uint32 (ctypes.wintypes.DWORD is a C long, 8 bytes off Windows), so the layout can be
    checked on any system."""
    import ctypes

    class Basic(ctypes.Structure):  # JOBOBJECT_BASIC_LIMIT_INFORMATION
        _fields_ = [
            ("PerProcessUserTimeLimit", ctypes.c_int64),
            ("PerJobUserTimeLimit", ctypes.c_int64),
            ("LimitFlags", ctypes.c_uint32),
            ("MinimumWorkingSetSize", ctypes.c_size_t),
            ("MaximumWorkingSetSize", ctypes.c_size_t),
            ("ActiveProcessLimit", ctypes.c_uint32),
            ("Affinity", ctypes.c_size_t),
            ("PriorityClass", ctypes.c_uint32),
            ("SchedulingClass", ctypes.c_uint32),
        ]

    class Extended(ctypes.Structure):
        _fields_ = [
            ("BasicLimitInformation", Basic),
            ("IoInfo", ctypes.c_ulonglong * 6),  # IO_COUNTERS
            ("ProcessMemoryLimit", ctypes.c_size_t),
            ("JobMemoryLimit", ctypes.c_size_t),
            ("PeakProcessMemoryUsed", ctypes.c_size_t),
            ("PeakJobMemoryUsed", ctypes.c_size_t),
        ]

    return Extended


def _limit_memory_windows(limit: int) -> None:
    """Put this process in a job object whose per-process committed-memory limit is `limit`
    bytes (JOB_OBJECT_LIMIT_PROCESS_MEMORY): an allocation beyond it fails, in this child only."""
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32.CreateJobObjectW.restype = wintypes.HANDLE
    kernel32.GetCurrentProcess.restype = wintypes.HANDLE
    job = kernel32.CreateJobObjectW(None, None)
    if not job:
        return
    info = _job_limit_structure()()
    info.BasicLimitInformation.LimitFlags = 0x00000100  # JOB_OBJECT_LIMIT_PROCESS_MEMORY
    info.ProcessMemoryLimit = limit
    extended_limit_information = 9  # JobObjectExtendedLimitInformation
    if kernel32.SetInformationJobObject(job, extended_limit_information, ctypes.byref(info), ctypes.sizeof(info)):
        kernel32.AssignProcessToJobObject(job, kernel32.GetCurrentProcess())  # the handle stays open: the job lives


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
