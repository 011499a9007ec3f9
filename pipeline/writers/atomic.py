"""Write an output file so that a run which dies leaves the previous file intact."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pipeline.core.errors import OutputInUse


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temporary path next to `path`; on success move it into place in one step.

    The temporary file lives in the same folder so that os.replace is a rename on the same
    disk (atomic), never a copy. On any failure the temporary file is removed and the error
    propagates; the file already at `path` is untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)  # mkstemp makes it owner-only; outputs are for the whole office
        try:
            os.replace(tmp, path)
        except PermissionError as exc:  # Windows: the file is open in Excel
            raise OutputInUse(
                f"Không ghi được {path}: tệp đang được mở (Excel?). Đóng tệp rồi chạy lại; tệp cũ vẫn còn nguyên."
            ) from exc
    finally:
        if tmp.exists():
            tmp.unlink()
