"""One run at a time per outputs folder: a second run is refused with a clear message
instead of two runs writing the same workbook."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from .errors import RunLocked

LOCK_NAME = ".tcpl-dang-chay.lock"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def run_lock(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    for _ in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            break
        except FileExistsError:
            text = path.read_text(encoding="ascii", errors="replace").strip()
            pid = int(text) if text.isdigit() else 0
            if pid and pid != os.getpid() and _alive(pid):
                raise RunLocked(
                    f"Một lần tổng hợp khác (tiến trình {pid}) đang ghi vào {folder}. "
                    "Chờ lần đó xong rồi chạy lại."
                ) from None
            path.unlink(missing_ok=True)  # left behind by a run that died: take it over
    else:
        raise RunLocked(f"Không tạo được tệp khóa {path}.")
    try:
        os.write(fd, str(os.getpid()).encode("ascii"))
        os.close(fd)
        yield path
    finally:
        path.unlink(missing_ok=True)
