"""Raw Submissions -> the two tidy frames of pipeline/frames.py, plus parsing problems.

Only parsing happens here ("8,5" -> 8.5, "05/01/2024" -> a date, "Có" -> True); whether a
value is allowed (range, step, required) is validation's job on these frames. Rows are built
as plain dicts and turned into one DataFrame per frame with explicit dtypes, which stays fast
for thousands of files and gives validation the same dtypes whether 0 or 5000 files were read.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from pipeline.core import layout
from pipeline.core.model import Located, Submission
from pipeline.core.problems import Issue, issue
from pipeline.core.rules import RuleSet
from pipeline.steps import values
from pipeline.steps.frames import COVER_COLUMNS, INDICATOR_COLUMNS, declaration_columns, switch_columns

_EMPTY = Located(None, "", "")

# dtype of every non-str column; all others are "str" ("" for empty, never NaN).
_COVER_TYPES = {"year": "Int64", "report_date": "datetime64[ns]"}
_INDICATOR_TYPES = {
    "row": "int64",
    "points": "float64",
    "not_applicable": "bool",
    "numerator": "float64",
    "denominator": "float64",
    "passed": "boolean",
}
_RATE_FIELDS = (("tu_so", "numerator"), ("mau_so", "denominator"))


@dataclass(frozen=True)
class Parsed:
    """One file's rows for the two frames, and its parsing problems (unit code stamped)."""

    cover: dict[str, Any]
    indicators: list[dict[str, Any]]
    issues: list[Issue]


def parse_submission(sub: Submission, rule_set: RuleSet) -> Parsed:
    """Everything normalise does for one file: pure, so the reading workers do it (in parallel)
    and only the finished rows travel back to the main process."""
    cover, found = cover_record(sub, rule_set)
    unit = cover["unit_code"]
    issues = [i.located(unit=unit) for i in found]
    rows = []
    for code in sub.rows:
        row, found = indicator_record(sub, code, rule_set)
        rows.append(row)
        issues += [i.located(unit=unit) for i in found]
    return Parsed(cover, rows, issues)


def parsed_only(sub: Submission, rule_set: RuleSet) -> Submission:
    """The Submission with its rows parsed and its raw cells dropped (they are in the rows now):
    a tenth of the data to send between processes and to keep in memory."""
    parsed = parse_submission(sub, rule_set)
    return replace(sub, cover={}, rows={}, parsed=parsed)


def normalise(subs: list[Submission], rule_set: RuleSet) -> tuple[pd.DataFrame, pd.DataFrame, list[Issue]]:
    issues: list[Issue] = []
    cover_rows: list[dict[str, Any]] = []
    indicator_rows: list[dict[str, Any]] = []
    for sub in subs:
        parsed = sub.parsed or parse_submission(sub, rule_set)
        cover_rows.append(parsed.cover)
        indicator_rows += parsed.indicators
        issues += parsed.issues
    cover_columns = list(COVER_COLUMNS)
    cover_types = dict(_COVER_TYPES)
    for c in rule_set.criteria:
        if c.switch is not None:
            name, cell, raw = switch_columns(c.code)
            cover_columns += [name, cell, raw]
            cover_types[name] = "boolean"
    for d in rule_set.conditions.declarations:
        name, cell, raw = declaration_columns(d.key)
        cover_columns += [name, cell, raw]
        cover_types[name] = "boolean"
    return (
        _frame(cover_rows, cover_columns, cover_types),
        _frame(indicator_rows, list(INDICATOR_COLUMNS), _INDICATOR_TYPES),
        issues,
    )


def _frame(rows: list[dict[str, Any]], columns: list[str], types: dict[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(rows, columns=columns)
    return frame.astype({c: types.get(c, "str") for c in columns})


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """frame.to_dict("records"), the same values (<NA> of nullable columns as None), built from
    whole columns: about 5x faster on the indicator frame of thousands of files."""
    columns = list(frame.columns)
    values = []
    for column in columns:
        series = frame[column]
        items = series.tolist()
        if isinstance(series.dtype, pd.api.extensions.ExtensionDtype) and not isinstance(series.dtype, pd.StringDtype):
            items = [None if v is pd.NA else v for v in items]
        values.append(items)
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


# ----------------------------------------------------------------------------- cover


def cover_record(sub: Submission, rule_set: RuleSet) -> tuple[dict[str, Any], list[Issue]]:
    issues: list[Issue] = []

    def get(name: str) -> Located:
        return sub.cover.get(name, _EMPTY)

    def where(loc: Located) -> dict[str, str]:
        return {"file": sub.file, "sheet": loc.sheet or sub.cover_sheet, "cell": loc.cell}

    code, name, kind = get("ma_don_vi"), get("ten_don_vi"), get("loai_don_vi")
    year, date = get("nam_danh_gia"), get("ngay_bao_cao")
    contact, phone = get("nguoi_phu_trach"), get("dien_thoai")
    parsed_year, _ = values.parse_year(year.value)  # an unreadable year stays <NA>; validation compares it
    parsed_date, ok = values.parse_date(date.value)
    if not ok:
        issues.append(issue("REPORT_DATE_INVALID", value=values.raw_text(date.value), **where(date)))
    record: dict[str, Any] = {
        "file": sub.file,
        "sheet": sub.cover_sheet,
        "unit_code": values.unit_code(code.value),
        "unit_code_cell": code.cell,
        "unit_name": values.text(name.value),
        "unit_name_cell": name.cell,
        "unit_kind": values.text(kind.value),
        "unit_kind_cell": kind.cell,
        "year": parsed_year,
        "year_cell": year.cell,
        "year_raw": values.raw_text(year.value),
        "report_date": pd.Timestamp(parsed_date) if parsed_date else None,
        "report_date_cell": date.cell,
        "report_date_raw": values.raw_text(date.value),
        "contact_name": values.text(contact.value),
        "contact_name_cell": contact.cell,
        "phone": values.text(phone.value),
        "phone_cell": phone.cell,
    }
    for key in ("template_id", "template_version", "rule_set", "year"):
        record[f"meta_{key}"] = values.text(sub.meta.get(key, _EMPTY).value)
    record["meta_unit_code"] = values.unit_code(sub.meta["unit_code"].value) if "unit_code" in sub.meta else ""
    for d in rule_set.conditions.declarations:
        loc = get(d.key)
        answer, ok = values.parse_yes_no(loc.value)
        if not ok:
            issues.append(issue("DECLARATION_INVALID", value=values.raw_text(loc.value), field=d.short, **where(loc)))
        name_col, cell_col, raw_col = declaration_columns(d.key)
        record.update({name_col: answer, cell_col: loc.cell, raw_col: values.raw_text(loc.value)})
    for c in rule_set.criteria:
        if c.switch is None:
            continue
        loc = sub.cover.get(layout.switch_name(c.code), _EMPTY)
        answer, ok = values.parse_yes_no(loc.value)
        if not ok:
            issues.append(issue("SWITCH_INVALID", value=values.raw_text(loc.value), field=c.code, **where(loc)))
        name_col, cell_col, raw_col = switch_columns(c.code)
        record.update({name_col: answer, cell_col: loc.cell, raw_col: values.raw_text(loc.value)})
    return record, issues


# ----------------------------------------------------------------------------- indicators

_ROW = re.compile(r"\d+$")


def indicator_record(sub: Submission, code: str, rule_set: RuleSet) -> tuple[dict[str, Any], list[Issue]]:
    indicator = rule_set.indicator(code)
    if indicator.is_content:
        return content_record(sub, code, rule_set)
    issues: list[Issue] = []
    get, where = _row_cells(sub, code)

    diem = get("diem")
    points: float | None = None
    passed: bool | None = None
    if indicator.kind == "pass_fail":
        passed, ok = values.parse_pass_fail(diem.value)
        if not ok:
            issues.append(issue("PASS_FAIL_INVALID", value=values.raw_text(diem.value), indicator=code, **where(diem)))
    else:
        points, ok = _cell_number(diem.value)
        if ok:
            pass
        elif values.number_too_large(diem.value):  # "1" and 400 zeros: a number, far out of range
            issues.append(
                issue(
                    "POINTS_OUT_OF_RANGE",
                    value=values.raw_text(diem.value),
                    indicator=code,
                    min=indicator.min_points + 0.0,
                    max=indicator.max,
                    **where(diem),
                )
            )
        else:
            issues.append(issue("POINTS_NOT_NUMBER", value=values.raw_text(diem.value), indicator=code, **where(diem)))

    na = get("khong_phat_sinh")
    not_applicable, ok = values.parse_yes_no(na.value)
    if not ok:
        issues.append(issue("NOT_APPLICABLE_INVALID", value=values.raw_text(na.value), indicator=code, **where(na)))

    match = _ROW.search(diem.cell)
    record: dict[str, Any] = {
        "file": sub.file,
        "sheet": diem.sheet or sub.score_sheet,
        "code": code,
        "row": int(match.group()) if match else 0,
        "points": points,
        "points_raw": values.raw_text(diem.value),
        "points_cell": diem.cell,
        "not_applicable": bool(not_applicable),
        "not_applicable_raw": values.raw_text(na.value),
        "not_applicable_cell": na.cell,
        "passed": passed,
        "ticked": "",
    }
    for field, column in _RATE_FIELDS:
        loc = get(field)
        number, ok = _cell_number(loc.value)
        if not ok and indicator.kind == "rate_bands":  # elsewhere these cells are unused
            issues.append(
                issue(
                    "RATE_NOT_NUMBER",
                    value=values.raw_text(loc.value),
                    indicator=code,
                    field=layout.SCORE_HEADERS[field].lower(),
                    **where(loc),
                )
            )
        record.update({column: number, f"{column}_raw": values.raw_text(loc.value), f"{column}_cell": loc.cell})
    record.update(_texts(get))
    return record, issues


def content_record(sub: Submission, code: str, rule_set: RuleSet) -> tuple[dict[str, Any], list[Issue]]:
    """A content's row (sets with contents). Only the cells its kind has as inputs are read:
    the result of a rate or checklist and a figure taken from another content are formulas on
    the form, recomputed by the engine, never trusted."""
    content = rule_set.indicator(code)
    issues: list[Issue] = []
    get, where = _row_cells(sub, code)

    result = get("diem")
    passed: bool | None = None
    if content.kind == "requirement":
        passed, ok = values.parse_pass_fail(result.value)
        if not ok:
            issues.append(
                issue("PASS_FAIL_INVALID", value=values.raw_text(result.value), indicator=code, **where(result))
            )
    na = get("khong_phat_sinh")
    not_applicable, ok = values.parse_yes_no(na.value)
    if not ok:
        issues.append(issue("NOT_APPLICABLE_INVALID", value=values.raw_text(na.value), indicator=code, **where(na)))
    ticked = []
    for n in range(1, len(content.options) + 1):
        loc = get(f"chon_{n}")
        tick, ok = values.parse_tick(loc.value)
        if not ok:
            issues.append(issue("OPTION_INVALID", value=values.raw_text(loc.value), indicator=code, **where(loc)))
        if tick:
            ticked.append(str(n))
    match = _ROW.search(result.cell)
    record: dict[str, Any] = {
        "file": sub.file,
        "sheet": result.sheet or sub.score_sheet,
        "code": code,
        "row": int(match.group()) if match else 0,
        "points": None,
        "points_raw": values.raw_text(result.value) if content.kind == "requirement" else "",
        "points_cell": result.cell,
        "not_applicable": bool(not_applicable),
        "not_applicable_raw": values.raw_text(na.value),
        "not_applicable_cell": na.cell,
        "passed": passed,
        "ticked": " ".join(ticked),
    }
    for field, column in _RATE_FIELDS:
        loc = get(field)
        entered = content.kind == "rate" and content.derived(column) is None
        number, ok = _cell_number(loc.value) if entered else (None, True)
        if not ok:
            issues.append(
                issue(
                    "RATE_NOT_NUMBER",
                    value=values.raw_text(loc.value),
                    indicator=code,
                    field=layout.SCORE_HEADERS[field].lower(),
                    **where(loc),
                )
            )
        raw = values.raw_text(loc.value) if entered else ""
        record.update({column: number, f"{column}_raw": raw, f"{column}_cell": loc.cell})
    record.update(_texts(get))
    return record, issues


def _row_cells(sub: Submission, code: str):
    """(get, where) for one score-sheet row: a field's Located cell (blank when absent), and
    the file / sheet / cell an Issue about that cell is located to."""
    cells = sub.rows[code]

    def get(field: str) -> Located:
        return cells.get(field, _EMPTY)

    def where(loc: Located) -> dict[str, str]:
        return {"file": sub.file, "sheet": loc.sheet or sub.score_sheet, "cell": loc.cell}

    return get, where


def _texts(get) -> dict[str, Any]:
    """The row's free text (figures used, evidence, note) and their cells."""
    out: dict[str, Any] = {}
    for field, column in (("so_lieu", "figures"), ("tai_lieu", "evidence"), ("ghi_chu", "note")):
        loc = get(field)
        out.update({column: values.text(loc.value), f"{column}_cell": loc.cell})
    return out


def _cell_number(value: Any) -> tuple[float | None, bool]:
    """values.parse_number of a cell, bounded (values.NUMBER_LIMIT) before it reaches the frame
    and the scoring. A cell holding NaN (an .ods office:value="NaN") was typed, not left blank:
    the reader gives None for an empty cell, so here NaN is not understood rather than blank."""
    if isinstance(value, float) and math.isnan(value):
        return None, False
    return values.parse_number(value)
