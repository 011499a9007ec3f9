"""One run at a time per outputs folder: a second run is refused with a clear message
instead of two runs writing the same workbook.

The lock is a file holding the process id of the run (and, on Linux, when that process
started). A lock whose process is gone (the run was killed, the machine lost power), or whose
pid now belongs to a process that started later (the pid reused after a reboot), is taken
over; a lock held by a live run is respected, and so is another run inside this same process
(a thread). When a lock is refused the message names the file to delete if no run is going.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from pathlib import Path

from pipeline.core.errors import RunLocked

LOCK_NAME = ".tcpl-dang-chay.lock"


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":
        return _alive_windows(pid)
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _alive_windows(pid: int) -> bool:
    """On Windows os.kill(pid, 0) is not a question: it sends CTRL_C_EVENT (0) to the process
    group, or kills the process. Ask the kernel instead."""
    import ctypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    process_query_limited_information, still_active, access_denied = 0x1000, 259, 5
    handle = kernel32.OpenProcess(process_query_limited_information, False, pid)
    if not handle:
        return ctypes.get_last_error() == access_denied  # exists, owned by someone else
    try:
        code = ctypes.c_ulong()
        return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == still_active
    finally:
        kernel32.CloseHandle(handle)


def _just_created(path: Path) -> bool:
    """A lock without a pid yet: another run is between creating it and writing its pid."""
    try:
        return time.time() - path.stat().st_mtime < 10
    except OSError:
        return False


@contextlib.contextmanager
def run_lock(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    key = str(path.resolve())
    with _HELD_GUARD:
        if key in _HELD:  # another run in this process (a thread) holds it
            raise RunLocked(f"Một lần tổng hợp khác đang ghi vào {folder}. Chờ lần đó xong rồi chạy lại.")
        _HELD.add(key)
    try:
        with _file_lock(path, folder):
            yield path
    finally:
        with _HELD_GUARD:
            _HELD.discard(key)


_HELD: set[str] = set()
_HELD_GUARD = threading.Lock()


@contextlib.contextmanager
def _file_lock(path: Path, folder: Path):
    for _ in range(2):
        if path.is_dir() and not path.is_symlink():
            raise RunLocked(
                f"{path} là một thư mục, không phải tệp khóa của chương trình. "
                "Xóa hoặc đổi tên thư mục đó rồi chạy lại."
            )
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            break
        except FileExistsError:
            try:
                text = path.read_text(encoding="ascii", errors="replace").strip()
            except FileNotFoundError:
                continue  # the other run just finished
            except OSError:  # not a file we can read (a folder, a device): say which and what to do
                raise RunLocked(f"Không đọc được tệp khóa {path}. Xóa tệp đó rồi chạy lại.") from None
            first, _, started = text.partition(" ")
            pid = int(first) if first.isdigit() else 0
            # Our own pid on a lock this process does not hold: a dead run's pid, reused; a live
            # pid that started at another time than the run that wrote it: reused too.
            live = pid and pid != os.getpid() and _alive(pid) and _same_process(pid, started)
            if live or (not pid and _just_created(path)):
                raise RunLocked(
                    f"Một lần tổng hợp khác (tiến trình {pid or '?'}) đang ghi vào {folder}. "
                    "Chờ lần đó xong rồi chạy lại. Nếu chắc chắn không còn lần nào đang chạy "
                    f"(chẳng hạn máy vừa khởi động lại), xóa tệp {path} rồi chạy lại."
                ) from None
            path.unlink(missing_ok=True)  # left behind by a run that died: take it over
    else:
        raise RunLocked(f"Không tạo được tệp khóa {path}. Xóa tệp đó rồi chạy lại.")
    try:
        started = _start_time(os.getpid())
        os.write(fd, f"{os.getpid()} {started}".strip().encode("ascii"))
        os.close(fd)
        yield path
    finally:
        path.unlink(missing_ok=True)


def _start_time(pid: int) -> str:
    """When the process started, in the kernel's clock ticks since boot (Linux), or '' where
    that cannot be known: with the pid it names one process, not whichever has the pid now."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return ""
    fields = stat[stat.rfind(b")") + 2 :].split()  # after the command name, which may hold spaces
    return fields[19].decode("ascii") if len(fields) > 19 else ""


def _same_process(pid: int, started: str) -> bool:
    """The live process with that pid is the one that wrote the lock (as far as can be told)."""
    if not started:
        return True  # an older lock, or a system that cannot say: assume it is
    now = _start_time(pid)
    return not now or now == started
