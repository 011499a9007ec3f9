"""The consolidated workbook (xlsxwriter): the office's main output, read on screen and printed.

Sheets, in order: 'Tổng hợp' (counts, one row per unit, chart), 'Chỉ tiêu' (units x indicators),
one sheet per unit (when asked), 'Lỗi dữ liệu' (every problem), 'Hồ sơ' (every file seen).
Above `Config.per_unit_sheets_max` units the caller asks for no per-unit sheets and writes
one small workbook per unit with `write_unit_workbooks` instead (same renderer).

Every file is written to a temporary name in the same folder and moved into place at the end,
and is byte-identical for the same RunResult (fixed author, `created` = generated_at, stable
ordering; xlsxwriter already stamps zip members with a fixed 1980 date).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

from pipeline.core.model import RunResult
from pipeline.infra.parallel import map_in_order
from pipeline.steps.season import files_by_unit
from pipeline.writers.atomic import atomic_output
from pipeline.writers.lists import FILES_SHEET, ISSUES_SHEET, write_issues, write_register
from pipeline.writers.matrix import SHEET as MATRIX_SHEET
from pipeline.writers.matrix import write_matrix
from pipeline.writers.matrix_pass_fail import write_pass_fail_matrix
from pipeline.writers.naming import file_stem, sheet_names
from pipeline.writers.recognition import SHEET as RECOGNITION_SHEET
from pipeline.writers.recognition import write_recognition
from pipeline.writers.season_sheets import APPRAISAL_SHEET, CHASE_SHEET, write_appraisal_differences, write_chase
from pipeline.writers.summary import SHEET as SUMMARY_SHEET
from pipeline.writers.summary import write_summary
from pipeline.writers.unit import render_unit
from pipeline.writers.upward_report import SHEET as UPWARD_SHEET
from pipeline.writers.upward_report import write_upward_sheet
from pipeline.writers.xlsx import Formats, add_sheet, gc_paused, workbook_options

__all__ = ["Formats", "render_unit", "sheet_names", "write_unit_workbooks", "write_workbook"]

FIXED_SHEETS = (SUMMARY_SHEET, MATRIX_SHEET, ISSUES_SHEET, FILES_SHEET)
UNIT_WORKBOOKS_PARALLEL_MIN = 32  # below this, starting workers costs more than it saves
# The season's sheets, between 'Chỉ tiêu' and the unit sheets ('Thẩm định' only once appraised).
SEASON_SHEETS = (CHASE_SHEET, APPRAISAL_SHEET, RECOGNITION_SHEET, UPWARD_SHEET)


@gc_paused  # hundreds of thousands of stored cells, no reference cycles among them (style.gc_paused)
def write_workbook(result: RunResult, path: Path, per_unit_sheets: bool = True) -> Path:
    """Write the consolidated workbook to `path` (replacing any previous one) and return it."""
    path = Path(path)
    with atomic_output(path) as tmp:
        wb = _new_workbook(tmp, result, f"Tổng hợp chuẩn tiếp cận pháp luật năm {result.config.year}")
        fmt = Formats(wb)
        names = sheet_names(result, set(FIXED_SHEETS + SEASON_SHEETS)) if per_unit_sheets else None
        write_summary(wb, fmt, result, names)
        if result.rule_set.scoring == "pass_fail":
            write_pass_fail_matrix(wb, fmt, result)
        else:
            write_matrix(wb, fmt, result)
        write_chase(wb, fmt, result)
        if result.appraisal_file:
            write_appraisal_differences(wb, fmt, result)
        write_recognition(wb, fmt, result)
        write_upward_sheet(wb, fmt, result)
        if names:
            files = files_by_unit(result)
            for outcome in result.units:
                code = outcome.unit.code
                render_unit(add_sheet(wb, names[code]), fmt, result, outcome, files.get(code, []))
        write_issues(wb, fmt, result)
        write_register(wb, fmt, result)
        wb.get_worksheet_by_name(SUMMARY_SHEET).activate()
        wb.close()
    return path


def write_unit_workbooks(result: RunResult, folder: Path) -> list[Path]:
    """One workbook per unit in `folder` ('14809-bac-son.xlsx'), each with the unit's sheet."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    names = sheet_names(result, set())
    files = files_by_unit(result)

    @gc_paused
    def write_one(outcome) -> Path:
        path = folder / f"{file_stem(outcome)}.xlsx"
        with atomic_output(path) as tmp:
            wb = _new_workbook(tmp, result, f"Kết quả chuẩn tiếp cận pháp luật — {outcome.unit.full_name}")
            code = outcome.unit.code
            render_unit(add_sheet(wb, names[code]), Formats(wb), result, outcome, files.get(code, []))
            wb.close()
        return path

    # Independent files: written on every core when there are many (each is byte-identical
    # whichever process writes it).
    return map_in_order(write_one, result.units, min_items=UNIT_WORKBOOKS_PARALLEL_MIN)


def _new_workbook(path: Path, result: RunResult, title: str) -> xlsxwriter.Workbook:
    wb = xlsxwriter.Workbook(str(path), workbook_options())
    wb.set_properties(
        {
            "title": title,
            "subject": f"Chuẩn tiếp cận pháp luật — {result.config.area} — năm {result.config.year}",
            "author": "tcpl",
            "company": result.config.office_name,
            "comments": f"tcpl {result.tool_version}; bộ tiêu chí {result.rule_set.id}",
            "created": _utc(result.generated_at),
        }
    )
    return wb


def _utc(moment: dt.datetime) -> dt.datetime:
    """core.xml stamps the date as UTC ('...Z'); a naive time is taken as already UTC."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.UTC).replace(tzinfo=None)
