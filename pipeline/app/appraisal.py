"""The `appraisal-form` use case: write the council's appraisal workbook from a run, without
ever replacing one that holds points nobody has consolidated yet.

The pieces live in their layers: core/appraisal_layout.py (the workbook's contract),
readers/appraisal.py (reading one), steps/appraise.py (checking and applying its values),
writers/appraisal_form.py (writing one). This module only wires the guard around the writer.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline.core.config import Config
from pipeline.core.errors import TcplError
from pipeline.core.model import RunResult
from pipeline.readers.appraisal import read_appraisal
from pipeline.steps.appraise import check_appraisal, unapplied
from pipeline.writers import appraisal_form


class AppraisalError(TcplError, RuntimeError):
    """The appraisal workbook cannot be written (shown as one line by the CLI)."""


def appraisal_path(config: Config) -> Path:
    return config.outputs / "tham-dinh" / f"{config.slug}-{config.year}-tham-dinh.xlsx"


def write_appraisal_form(result: RunResult, path: Path, guard: bool = False) -> Path:
    """Write the appraisal workbook for every unit with a usable form; return its path.

    guard: refuse to replace a workbook at `path` that holds appraised points this run has not
    applied (the council filled the copy in outputs/ and nobody copied it into inputs/ yet).
    """
    path = Path(path)
    if guard:
        _refuse_to_lose_work(result, path)
    return appraisal_form.write_appraisal_form(result, path)


def _refuse_to_lose_work(result: RunResult, path: Path) -> None:
    if not path.exists():
        return
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if any(f.sha256 == digest for f in result.files):
        return  # the same file is in inputs/: nothing would be lost
    read = read_appraisal(path, path.name)
    if read is None:
        return
    book, _ = check_appraisal(read, result.rule_set, result.config)
    if book.rejected:
        return
    waiting = unapplied(book, result.units)
    if waiting:
        raise AppraisalError(
            f"Tệp {path} đã có {len(waiting)} điểm thẩm định chưa được tổng hợp (chưa có trong {result.config.inputs}). "
            "Chép tệp đó vào thư mục inputs/ (hoặc đổi tên nó) rồi chạy lại: lệnh không ghi đè để khỏi mất điểm "
            "Hội đồng đã nhập."
        )
