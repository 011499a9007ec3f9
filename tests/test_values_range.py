"""Issue 12, class 3: one typed value never ends the run.

A report date outside the dates a form can carry (05/01/3024 typed as text, a real date cell of
year 3024 or 1500, an Excel serial far in the future, an .ods date cell) and a number beyond any
real figure ("1" and 400 zeros, which float() makes infinity, "1e400", "inf", "nan", "-1e309")
are range-checked before they reach pandas or the scoring (values.DATE_MIN..DATE_MAX,
values.NUMBER_LIMIT): each becomes a located error of its file, the run completes, and the other
units' verdicts are those of a run without the hostile files.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
from pathlib import Path

import builders
import openpyxl
import pytest
from test_read import ods_file

from pipeline.app.run import collect
from pipeline.core import config as config_mod
from pipeline.core import layout
from pipeline.core.config import Config
from pipeline.core.model import RunResult
from pipeline.steps import values

HUGE = "1" + "0" * 400  # digits only: float() gives inf
BAD_NUMBERS = [HUGE, "1e400", "inf", "nan", "-1e309"]
RATE = next(i.code for i in builders.QD25.indicators if i.kind == "rate_bands")
CLEAN = "14809"  # the unit whose verdict must not move


# ----------------------------------------------------------------------------- the parsers


@pytest.mark.parametrize(
    "raw",
    [HUGE, "-" + HUGE, 1e300, -1e10, 10**400, float("inf"), float("-inf"), "1000000001", 1_000_000_001],
)
def test_numbers_beyond_the_limit_are_not_understood(raw):
    assert values.parse_number(raw) == (None, False)


@pytest.mark.parametrize("raw, expected", [("1000000000", 1e9), (-1e9, -1e9), ("999999999,5", 999999999.5)])
def test_numbers_up_to_the_limit_are_kept(raw, expected):
    assert values.parse_number(raw) == (expected, True)


@pytest.mark.parametrize(
    "raw, large",
    [
        (HUGE, True),
        (1e12, True),
        ("1e400", False),
        ("inf", False),
        (float("inf"), False),
        ("abc", False),
        (5, False),
        (None, False),
    ],
)
def test_number_too_large_tells_a_huge_number_from_text(raw, large):
    assert values.number_too_large(raw) is large


@pytest.mark.parametrize(
    "raw",
    [
        "05/01/3024",
        "3024-01-05",
        "05/01/1500",
        "31/12/1899",
        "01/01/2101",
        dt.date(3024, 1, 5),
        dt.datetime(1500, 1, 5),
        dt.datetime(9999, 12, 31, 23, 59),
        dt.date(1, 1, 1),
        80_000,  # serial of 2119
        1e7,
        float("inf"),
        dt.time(0, 0),  # what calamine gives for a date before 1900 in an .xlsx
    ],
)
def test_dates_outside_the_bounds_are_invalid(raw):
    assert values.parse_date(raw) == (None, False)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("01/01/1900", dt.date(1900, 1, 1)),
        ("31/12/2100", dt.date(2100, 12, 31)),
        (dt.datetime(2100, 12, 31, 23, 0), dt.date(2100, 12, 31)),
        (73415, dt.date(2100, 12, 31)),  # the last serial accepted
    ],
)
def test_dates_at_the_bounds_are_kept(raw, expected):
    assert values.parse_date(raw) == (expected, True)


@pytest.mark.parametrize("raw", [3024, "3024", 1500.0, "năm 1899", 2101, 1e300, float("inf")])
def test_years_outside_the_bounds_are_invalid(raw):
    assert values.parse_year(raw) == (None, False)


# ----------------------------------------------------------------------------- a run with hostile files


def _set(name: str, value, number_format: str | None = None):
    """An edit of the named input cell, as a secretary would make it in Excel (openpyxl)."""

    def edit(wb: openpyxl.Workbook) -> None:
        sheet, ref = next(iter(wb.defined_names[name].destinations))
        cell = wb[sheet][ref.replace("$", "")]
        cell.value = value
        if number_format:
            cell.number_format = number_format

    return edit


DATE = "ngay_bao_cao"
POINTS = layout.indicator_name("diem", "1.1")
NUMERATOR = layout.indicator_name("tu_so", RATE)

# file name -> (the edit, the code the file's unit gets, the named cell it is located at)
XLSX_CASES: dict[str, tuple] = {
    "date-text-3024.xlsx": (_set(DATE, "05/01/3024"), "REPORT_DATE_INVALID", DATE),
    "date-cell-3024.xlsx": (_set(DATE, dt.datetime(3024, 1, 5)), "REPORT_DATE_INVALID", DATE),
    "date-cell-1500.xlsx": (_set(DATE, dt.datetime(1500, 1, 5)), "REPORT_DATE_INVALID", DATE),
    "date-serial-2119.xlsx": (_set(DATE, 80_000, "dd/mm/yyyy"), "REPORT_DATE_INVALID", DATE),
    "date-serial-huge.xlsx": (_set(DATE, 10_000_000, "dd/mm/yyyy"), "REPORT_DATE_INVALID", DATE),
    **{
        f"points-{n}.xlsx": (_set(POINTS, raw), "POINTS_OUT_OF_RANGE" if raw == HUGE else "POINTS_NOT_NUMBER", POINTS)
        for n, raw in enumerate(BAD_NUMBERS)
    },
    **{
        f"numerator-{n}.xlsx": (_set(NUMERATOR, raw), "RATE_NOT_NUMBER", NUMERATOR) for n, raw in enumerate(BAD_NUMBERS)
    },
}
ODS_CASES = {  # (the named cell, the cell value written into the .ods, the expected code)
    "date-3024.ods": (DATE, dt.date(3024, 1, 5), "REPORT_DATE_INVALID"),
    "date-1500.ods": (DATE, dt.date(1500, 1, 5), "REPORT_DATE_INVALID"),
    "points-inf.ods": (POINTS, math.inf, "POINTS_NOT_NUMBER"),
    "points-nan.ods": (POINTS, math.nan, "POINTS_NOT_NUMBER"),
    "points-huge.ods": (POINTS, 1e300, "POINTS_OUT_OF_RANGE"),
    "numerator-inf.ods": (NUMERATOR, -math.inf, "RATE_NOT_NUMBER"),
}
HOSTILE = list(XLSX_CASES) + list(ODS_CASES)
CODES = [f"9{n:04d}" for n in range(1, len(HOSTILE) + 1)]  # one unit per hostile file


class _Odd(float):
    """A float cell whose office:value is written as given ("inf", "nan"), as ods_file uses repr."""

    def __new__(cls, value: float):
        return float.__new__(cls, value)

    def __repr__(self) -> str:
        return {math.inf: "INF", -math.inf: "-INF"}.get(self, "NaN" if math.isnan(self) else float.__repr__(self))


def _office(root: Path) -> Path:
    units = [(CLEAN, "Bắc Sơn", "phường")] + [(code, f"Thử Nghiệm {code}", "xã") for code in CODES]
    return builders.office(root, units=units)


def _config(cfg_path: Path) -> Config:
    return config_mod.load(cfg_path)


def _ods_copy(xlsx: Path, target: Path, name: str, value) -> None:
    """The form as an .ods, with the named cell holding `value` (found through the xlsx's names)."""
    sheet, ref = builders.named_cell(xlsx, name)
    wb = openpyxl.load_workbook(xlsx)
    sheets = {}
    for ws in wb:
        rows = [[c.value if not str(c.value).startswith("=") else None for c in row] for row in ws.iter_rows()]
        if ws.title == sheet:
            cell = ws[ref]
            rows[cell.row - 1][cell.column - 1] = _Odd(value) if isinstance(value, float) else value
        sheets[ws.title] = rows
    ods_file(target, sheets)


def _hostile_inputs(cfg_path: Path) -> dict[str, tuple[str, str, str, str]]:
    """Write every hostile file; -> file -> (unit code, expected code, sheet, cell)."""
    expected = {}
    cases = list(XLSX_CASES.items()) + list(ODS_CASES.items())
    for code, (file, case) in zip(CODES, cases, strict=True):
        if file.endswith(".xlsx"):
            edit, problem, name = case
            path = builders.unit_form(cfg_path, code, name=file)
            sheet, cell = builders.named_cell(path, name)
            builders.edit_with_openpyxl(path, edit)
        else:
            name, value, problem = case
            xlsx = builders.unit_form(cfg_path, code, name=file + ".xlsx")
            sheet, cell = builders.named_cell(xlsx, name)
            _ods_copy(xlsx, xlsx.parent / file, name, value)
            xlsx.unlink()
        expected[file] = (code, problem, sheet, cell)
    return expected


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[RunResult, RunResult, dict, Path]:
    """(the run with only the clean unit, the run with every hostile file too, expectations, office)."""
    root = tmp_path_factory.mktemp("range")
    clean_cfg = _office(root / "clean")
    builders.unit_form(clean_cfg, CLEAN)
    clean = collect(_config(clean_cfg))
    cfg = _office(root / "hostile")
    builders.unit_form(cfg, CLEAN)
    expected = _hostile_inputs(cfg)
    return clean, collect(_config(cfg)), expected, cfg


def test_the_run_completes_and_the_clean_unit_keeps_its_verdict(runs):
    clean, hostile, _, _ = runs
    before = next(u for u in clean.units if u.unit.code == CLEAN)
    after = next(u for u in hostile.units if u.unit.code == CLEAN)
    assert after.verdict == before.verdict and after.verdict is not None
    assert [i for i in hostile.issues if i.file == after.file] == [i for i in clean.issues if i.file == before.file]


@pytest.mark.parametrize("file", HOSTILE)
def test_each_hostile_value_is_a_located_error_of_its_unit(runs, file):
    _, hostile, expected, _ = runs
    code, problem, sheet, cell = expected[file]
    found = [(i.file, i.sheet, i.cell, i.code, i.unit) for i in hostile.issues if i.file == file]
    assert (file, sheet, cell, problem, code) in found, found
    errors = [i for i in hostile.issues if i.file == file and i.severity == "error"]
    assert [i.code for i in errors] == [problem], errors  # that one value, nothing else
    unit = next(u for u in hostile.units if u.unit.code == code)
    assert unit.file == file and unit.verdict is not None  # the rest of the form still counts


def test_messages_name_the_value_and_make_sense(runs):
    _, hostile, _, _ = runs
    by_file = {i.file: i for i in hostile.issues if i.severity == "error"}
    assert by_file["date-text-3024.xlsx"].message == "Ngày báo cáo không hợp lệ: 05/01/3024."
    assert by_file["date-cell-3024.xlsx"].message == "Ngày báo cáo không hợp lệ: 05/01/3024."
    assert by_file["points-0.xlsx"].message == f"Điểm chỉ tiêu 1.1 là {HUGE}, ngoài khoảng cho phép [0, 3]."
    assert by_file["points-1.xlsx"].message == 'Điểm chỉ tiêu 1.1 không phải là số: "1e400".'


def test_a_cli_run_over_such_a_folder_exits_0(runs, tmp_path):
    _, _, _, cfg = runs
    root = tmp_path / "office"
    shutil.copytree(cfg.parent, root, ignore=shutil.ignore_patterns("outputs"))
    result = builders.run_cli("consolidate", "--config", str(root / "config.toml"), "--today", "2024-01-12")
    assert result.exit_code == 0, result.output
    assert (root / "outputs" / "ket-qua.csv").is_file()
