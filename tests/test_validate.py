"""validate(): value checks (great-expectations suites in expectations/) and structural checks,
each failure located to (file, sheet, cell, code). Frames are built here with the exact
columns of pipeline/frames.py, one valid submission mutated one value at a time."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.core import config as config_mod
from pipeline.core import layout, rules
from pipeline.steps import scoring
from pipeline.steps.frames import COVER_COLUMNS, INDICATOR_COLUMNS, declaration_columns
from pipeline.steps.validate import derive_cover, derive_indicators, load_suite, validate

ROOT = Path(__file__).resolve().parent.parent
RULE_SET = rules.load("qd25-2021")
CONFIG = config_mod.load(ROOT / "config.toml")
YEAR = CONFIG.year
COVER, SCORES, META = layout.SHEET_COVER, layout.SHEET_SCORES, layout.SHEET_META
DECL = RULE_SET.conditions.declarations[0].key


# ------------------------------------------------------------------ building frames


def cover_row(file: str = "a.xlsx", unit: str = "14809") -> dict:
    """A valid cover row; cells as on the form: fields from B4 down, declarations after."""
    cell = {name: f"B{layout.COVER_FIRST_ROW + n}" for n, (name, _, _) in enumerate(layout.COVER_FIELDS)}
    row = dict(
        file=file,
        sheet=COVER,
        unit_code=unit,
        unit_code_cell=cell["ma_don_vi"],
        unit_name="Bắc Sơn",
        unit_name_cell=cell["ten_don_vi"],
        unit_kind="phường",
        unit_kind_cell=cell["loai_don_vi"],
        year=YEAR,
        year_cell=cell["nam_danh_gia"],
        year_raw=str(YEAR),
        report_date=pd.Timestamp(YEAR, 12, 15),
        report_date_cell=cell["ngay_bao_cao"],
        report_date_raw=f"15/12/{YEAR}",
        contact_name="Nguyễn Văn An, công chức Tư pháp",
        contact_name_cell=cell["nguoi_phu_trach"],
        phone="0912345678",
        phone_cell=cell["dien_thoai"],
        meta_template_id=layout.TEMPLATE_ID,
        meta_template_version=str(layout.TEMPLATE_VERSION),
        meta_rule_set=RULE_SET.id,
        meta_year=str(YEAR),
        meta_unit_code=unit,
    )
    first = layout.COVER_FIRST_ROW + len(layout.COVER_FIELDS)
    for n, d in enumerate(RULE_SET.conditions.declarations):
        value, cell_col, raw = declaration_columns(d.key)
        row.update({value: False, cell_col: f"B{first + n}", raw: "Không"})
    return row


def indicator_rows(file: str = "a.xlsx") -> list[dict]:
    """One valid row per indicator, full marks; sheet rows as on the form (criterion rows between)."""
    rows, r = [], layout.SCORE_FIRST_ROW
    col = layout.SCORE_COLUMNS
    for criterion in RULE_SET.criteria:
        r += 1  # the criterion's own row
        for ind in criterion.indicators:
            banded = ind.kind == "rate_bands"
            rows.append(
                dict(
                    file=file,
                    sheet=SCORES,
                    code=ind.code,
                    row=r,
                    points=math.nan if banded else float(ind.max),
                    points_raw="" if banded else f"{ind.max:g}",
                    points_cell=f"{col['diem']}{r}",
                    not_applicable=False,
                    not_applicable_raw="",
                    not_applicable_cell=f"{col['khong_phat_sinh']}{r}",
                    numerator=9.0 if banded else math.nan,
                    numerator_raw="9" if banded else "",
                    numerator_cell=f"{col['tu_so']}{r}",
                    denominator=10.0 if banded else math.nan,
                    denominator_raw="10" if banded else "",
                    denominator_cell=f"{col['mau_so']}{r}",
                    passed=pd.NA,
                    figures="",
                    figures_cell=f"{col['so_lieu']}{r}",
                    evidence="",
                    evidence_cell=f"{col['tai_lieu']}{r}",
                    note="",
                    note_cell=f"{col['ghi_chu']}{r}",
                )
            )
            r += 1
    return rows


def frames(covers: list[dict], indicators: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    decl_cols = [c for d in RULE_SET.conditions.declarations for c in declaration_columns(d.key)]
    cover = pd.DataFrame(covers, columns=[*COVER_COLUMNS, *decl_cols])
    cover["year"] = cover["year"].astype("Int64")
    cover["report_date"] = pd.to_datetime(cover["report_date"])
    for d in RULE_SET.conditions.declarations:
        cover[f"decl_{d.key}"] = cover[f"decl_{d.key}"].astype("boolean")
    ind = pd.DataFrame(indicators, columns=list(INDICATOR_COLUMNS))
    for c in ("points", "numerator", "denominator"):
        ind[c] = ind[c].astype("float64")
    ind["not_applicable"] = ind["not_applicable"].astype(bool)
    ind["passed"] = ind["passed"].astype("boolean")
    ind["row"] = ind["row"].astype("int64")
    return cover, ind


def row_of(code: str) -> int:
    return next(r["row"] for r in indicator_rows() if r["code"] == code)


def at(field: str, code: str) -> str:
    """A1 address of an indicator input: at('diem', '1.2') -> 'H9'."""
    return f"{layout.SCORE_COLUMNS[field]}{row_of(code)}"


def submission(file: str, cover: dict | None = None, rows: dict[str, dict] | None = None) -> tuple[dict, list[dict]]:
    """One valid submission with some cover fields and indicator rows changed."""
    indicators = indicator_rows(file)
    for row in indicators:
        row.update((rows or {}).get(row["code"], {}))
    return {**cover_row(file), **(cover or {})}, indicators


def found(result, file: str | None = None) -> list[tuple[str, str, str, str]]:
    return [(i.file, i.sheet, i.cell, i.code) for i in result.issues if file in (None, i.file)]


# ------------------------------------------------------------------ scenarios, one file each
# All scenarios are validated together in one run (as in production: all files at once), so
# each also proves that one file's problems never leak into another's.


def points(value: float) -> dict:
    return {"points": value, "points_raw": "" if math.isnan(value) else f"{value:g}"}


def figures(numerator: float, denominator: float) -> dict:
    def raw(v):
        return "" if math.isnan(v) else f"{v:g}"

    return {
        "numerator": numerator,
        "numerator_raw": raw(numerator),
        "denominator": denominator,
        "denominator_raw": raw(denominator),
    }


NA = {"not_applicable": True, "not_applicable_raw": "Có"}
DECL_VALUE, DECL_CELL, DECL_RAW = declaration_columns(DECL)
NAN = math.nan

# id: (cover changes, {indicator code: row changes}, [(sheet, cell, code)], unusable codes, rejected)
SCENARIOS = {
    "valid": ({}, {}, [], set(), False),
    # points: [min, max] of 1.2 is [0, 7], step 0.25
    "points-at-max": ({}, {"1.2": points(7)}, [], set(), False),
    "points-above-max": (
        {},
        {"1.2": points(7.25)},
        [(SCORES, at("diem", "1.2"), "POINTS_OUT_OF_RANGE")],
        {"1.2"},
        False,
    ),
    "points-at-min": ({}, {"1.2": points(0)}, [], set(), False),
    "points-below-min": (
        {},
        {"1.2": points(-0.25)},
        [(SCORES, at("diem", "1.2"), "POINTS_OUT_OF_RANGE")],
        {"1.2"},
        False,
    ),
    "points-on-step": ({}, {"1.2": points(2.25)}, [], set(), False),
    "points-off-step": ({}, {"1.2": points(2.3)}, [(SCORES, at("diem", "1.2"), "POINTS_NOT_STEP")], {"1.2"}, False),
    "points-above-max-off-step": (
        {},
        {"1.2": points(7.3)},
        [(SCORES, at("diem", "1.2"), "POINTS_NOT_STEP"), (SCORES, at("diem", "1.2"), "POINTS_OUT_OF_RANGE")],
        {"1.2"},
        False,
    ),
    "points-missing": ({}, {"2.1": points(NAN)}, [(SCORES, at("diem", "2.1"), "POINTS_MISSING")], set(), False),
    # NaN with text typed: the normaliser reports POINTS_NOT_NUMBER; not reported twice.
    "points-unreadable": ({}, {"2.1": {"points": NAN, "points_raw": "tám"}}, [], set(), False),
    # không phát sinh: allowed on 1.1 (scored at max), not on 1.2
    "na-allowed": ({}, {"1.1": {**NA, **points(NAN)}}, [], set(), False),
    "na-allowed-with-points": (
        {},
        {"1.1": {**NA, **points(99)}},
        [(SCORES, at("diem", "1.1"), "NOT_APPLICABLE_WITH_POINTS")],
        set(),
        False,
    ),
    "na-not-allowed": (
        {},
        {"1.2": {**NA, **points(7.5)}},
        [
            (SCORES, at("diem", "1.2"), "POINTS_OUT_OF_RANGE"),
            (SCORES, at("khong_phat_sinh", "1.2"), "NOT_APPLICABLE_NOT_ALLOWED"),
        ],
        {"1.2"},
        False,
    ),
    # rates (2.5)
    "rate-equal": ({}, {"2.5": figures(10, 10)}, [], set(), False),
    "rate-numerator-above": (
        {},
        {"2.5": figures(11, 10)},
        [(SCORES, at("tu_so", "2.5"), "RATE_NUMERATOR_GT_DENOMINATOR")],
        {"2.5"},
        False,
    ),
    "rate-zero-of-one": ({}, {"2.5": figures(0, 1)}, [], set(), False),
    "rate-zero-of-zero": (
        {},
        {"2.5": figures(0, 0)},
        [(SCORES, at("mau_so", "2.5"), "RATE_ZERO_DENOMINATOR")],
        {"2.5"},
        False,
    ),
    "rate-three-of-zero": (
        {},
        {"2.5": figures(3, 0)},
        [
            (SCORES, at("tu_so", "2.5"), "RATE_NUMERATOR_GT_DENOMINATOR"),
            (SCORES, at("mau_so", "2.5"), "RATE_ZERO_DENOMINATOR"),
        ],
        {"2.5"},
        False,
    ),
    "rate-negative-numerator": (
        {},
        {"2.5": figures(-1, 10)},
        [(SCORES, at("tu_so", "2.5"), "RATE_NEGATIVE")],
        {"2.5"},
        False,
    ),
    "rate-negative-denominator": (
        {},
        {"2.5": figures(0, -1)},
        [(SCORES, at("tu_so", "2.5"), "RATE_NUMERATOR_GT_DENOMINATOR"), (SCORES, at("mau_so", "2.5"), "RATE_NEGATIVE")],
        {"2.5"},
        False,
    ),
    "rate-numerator-missing": (
        {},
        {"2.5": figures(NAN, 10)},
        [(SCORES, at("tu_so", "2.5"), "RATE_MISSING")],
        {"2.5"},
        False,
    ),
    "rate-denominator-missing": (
        {},
        {"2.5": figures(9, NAN)},
        [(SCORES, at("mau_so", "2.5"), "RATE_MISSING")],
        {"2.5"},
        False,
    ),
    "rate-both-missing": (
        {},
        {"2.5": figures(NAN, NAN)},
        [(SCORES, at("tu_so", "2.5"), "RATE_MISSING"), (SCORES, at("mau_so", "2.5"), "RATE_MISSING")],
        {"2.5"},
        False,
    ),
    "rate-unreadable": ({}, {"2.5": {**figures(NAN, 10), "numerator_raw": "chín"}}, [], set(), False),
    "rate-points-typed": ({}, {"2.5": points(5)}, [], set(), False),  # banded: points come from the rate
    # text
    "text-at-limit": (
        {},
        {"3.1": {"figures": "x" * 1000, "evidence": "ồ" * 1000, "note": "x" * 1000}},
        [],
        set(),
        False,
    ),
    "text-figures-long": (
        {},
        {"3.1": {"figures": "ồ" * 1001}},
        [(SCORES, at("so_lieu", "3.1"), "TEXT_TOO_LONG")],
        set(),
        False,
    ),
    "text-evidence-long": (
        {},
        {"3.1": {"evidence": "x" * 1001}},
        [(SCORES, at("tai_lieu", "3.1"), "TEXT_TOO_LONG")],
        set(),
        False,
    ),
    "text-note-long": (
        {},
        {"3.1": {"note": "x" * 5000}},
        [(SCORES, at("ghi_chu", "3.1"), "TEXT_TOO_LONG")],
        set(),
        False,
    ),
    # cover
    "unit-code-empty": ({"unit_code": "", "meta_unit_code": ""}, {}, [(COVER, "B4", "UNIT_CODE_MISSING")], set(), True),
    "unit-code-spaces": ({"unit_code": "   "}, {}, [(COVER, "B4", "UNIT_CODE_MISSING")], set(), True),
    "date-first-day": ({"report_date": pd.Timestamp(YEAR, 1, 1)}, {}, [], set(), False),
    "date-day-before": (
        {"report_date": pd.Timestamp(YEAR - 1, 12, 31)},
        {},
        [(COVER, "B8", "REPORT_DATE_OUT_OF_RANGE")],
        set(),
        False,
    ),
    "date-last-day": ({"report_date": pd.Timestamp(YEAR + 1, 12, 31)}, {}, [], set(), False),
    "date-day-after": (
        {"report_date": pd.Timestamp(YEAR + 2, 1, 1)},
        {},
        [(COVER, "B8", "REPORT_DATE_OUT_OF_RANGE")],
        set(),
        False,
    ),
    "date-missing": (
        {"report_date": pd.NaT, "report_date_raw": ""},
        {},
        [(COVER, "B8", "REPORT_DATE_MISSING")],
        set(),
        False,
    ),
    "date-unreadable": ({"report_date": pd.NaT, "report_date_raw": "ngày 32"}, {}, [], set(), False),
    "contact-missing": (
        {"contact_name": "", "phone": " "},
        {},
        [(COVER, "B9", "CONTACT_MISSING"), (COVER, "B10", "CONTACT_MISSING")],
        set(),
        False,
    ),
    # unanswered: an error (not recognised), but the file is still scored
    "declaration-missing": (
        {DECL_VALUE: pd.NA, DECL_RAW: ""},
        {},
        [(COVER, cover_row()[DECL_CELL], "DECLARATION_MISSING")],
        set(),
        False,
    ),
    "declaration-unreadable": ({DECL_VALUE: pd.NA, DECL_RAW: "Có lẽ"}, {}, [], set(), False),
    # structure
    "template-unknown": ({"meta_template_id": ""}, {}, [(META, "", "TEMPLATE_UNKNOWN")], set(), False),
    "template-old": (
        {"meta_template_version": str(layout.TEMPLATE_VERSION - 1)},
        {},
        [(META, "", "TEMPLATE_OLD")],
        set(),
        False,
    ),
    "rule-set-wrong": ({"meta_rule_set": "qd619-2017"}, {}, [(META, "", "WRONG_RULE_SET")], set(), True),
    "rule-set-absent": ({"meta_rule_set": ""}, {}, [], set(), False),
    "year-wrong": ({"year": YEAR - 1}, {}, [(COVER, "B7", "WRONG_YEAR")], set(), True),
    "year-from-meta-wrong": ({"year": pd.NA, "meta_year": str(YEAR + 1)}, {}, [(META, "", "WRONG_YEAR")], set(), True),
    "year-from-meta-right": ({"year": pd.NA, "meta_year": str(YEAR)}, {}, [], set(), False),
    "year-unknown": ({"year": pd.NA, "meta_year": ""}, {}, [], set(), False),
    "year-cover-wins": ({"meta_year": str(YEAR + 1)}, {}, [], set(), False),
}


@pytest.fixture(scope="module")
def built():
    parts = [submission(f"{name}.xlsx", cover, rows) for name, (cover, rows, *_) in SCENARIOS.items()]
    cover, ind = frames([c for c, _ in parts], [r for _, rows in parts for r in rows])
    return cover, ind, cover.copy(), ind.copy()


@pytest.fixture(scope="module")
def checked(built):
    cover, ind, _, _ = built
    return validate(cover, ind, RULE_SET, CONFIG)


def issues_of(checked, scenario: str):
    return [i for i in checked.issues if i.file == f"{scenario}.xlsx"]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario(checked, scenario):
    _, _, expected, unusable, rejected = SCENARIOS[scenario]
    file = f"{scenario}.xlsx"
    assert found(checked, file) == [(file, *e) for e in expected]
    assert {code for f, code in checked.unusable_rows if f == file} == unusable
    assert (file in checked.rejected_files) == rejected


def test_one_run_per_suite_for_all_files(checked):
    assert checked.gx_runs == 2


def test_input_frames_are_not_modified(built, checked):
    cover, ind, cover_before, ind_before = built
    pd.testing.assert_frame_equal(cover, cover_before)
    pd.testing.assert_frame_equal(ind, ind_before)


def test_issues_are_sorted_by_file_sheet_cell_code(checked):
    def key(i):
        return i.file, i.sheet, (int(i.cell[1:]) if i.cell else 0), i.cell[:1], i.code

    assert list(checked.issues) == sorted(checked.issues, key=key)
    (b9, b10) = issues_of(checked, "contact-missing")  # B9 before B10: row order, not text order
    assert (b9.cell, b10.cell) == ("B9", "B10")


def test_messages_severities_and_units(checked):
    (above,) = issues_of(checked, "points-above-max")
    assert above.message == "Điểm chỉ tiêu 1.2 là 7,25, ngoài khoảng cho phép [0, 7]."
    assert (above.severity, above.value, above.unit, above.indicator) == ("error", "7,25", "14809", "1.2")
    (step,) = issues_of(checked, "points-off-step")
    assert step.message == "Điểm chỉ tiêu 1.2 là 2,3, không phải bội số của 0,25."
    (missing,) = issues_of(checked, "points-missing")
    assert (missing.severity, missing.message) == ("warning", "Chỉ tiêu 2.1 chưa có điểm tự chấm; tính 0 điểm.")
    assert issues_of(checked, "rate-numerator-above")[0].message == "Chỉ tiêu 2.5: tử số (11) lớn hơn mẫu số (10)."
    assert "thiếu mẫu số" in issues_of(checked, "rate-denominator-missing")[0].message
    assert "tử số là số âm (-1)" in issues_of(checked, "rate-negative-numerator")[0].message
    assert issues_of(checked, "na-not-allowed")[1].value == "Có"
    assert issues_of(checked, "text-figures-long")[0].value == "1001"
    assert issues_of(checked, "date-day-before")[0].value == f"31/12/{YEAR - 1}"
    assert [i.message for i in issues_of(checked, "contact-missing")] == [
        "Chưa nhập họ tên người phụ trách.",
        "Chưa nhập số điện thoại liên hệ.",
    ]
    (declaration,) = issues_of(checked, "declaration-missing")
    assert declaration.severity == "error"
    assert declaration.message == f"Chưa trả lời câu hỏi: {RULE_SET.conditions.declarations[0].label}."
    (old,) = issues_of(checked, "template-old")
    assert old.message == (
        f"Phiếu theo mẫu phiên bản {layout.TEMPLATE_VERSION - 1}, mẫu hiện hành là phiên bản {layout.TEMPLATE_VERSION}."
    )
    assert all(
        i.severity == "warning"
        for s in ("date-day-after", "template-unknown", "na-allowed-with-points")
        for i in issues_of(checked, s)
    )


def test_rejected_files_say_why(checked):
    assert checked.rejected_files["unit-code-empty.xlsx"] == "Phiếu không ghi mã đơn vị."
    assert checked.rejected_files["rule-set-wrong.xlsx"] == (
        "Phiếu lập theo bộ tiêu chí qd619-2017, đợt đánh giá này dùng bộ qd25-2021."
    )
    assert checked.rejected_files["year-wrong.xlsx"] == f"Phiếu ghi năm đánh giá {YEAR - 1}, đợt này là năm {YEAR}."
    assert len(checked.rejected_files) == sum(s[4] for s in SCENARIOS.values())


@pytest.mark.parametrize("value", [2.25, 2.3, 0.1 + 0.2, 2.2500000000000004, 7.0, 7.25, -0.25, 0.0])
def test_points_checks_agree_with_scoring(value):
    """A row validation lets through is scored as entered; one it rejects, scoring refuses too
    (0.1 + 0.2 style float noise included): the two must never disagree."""
    entry = scoring.IndicatorEntry(code="1.2", points=value)
    scored = scoring.score_indicator(RULE_SET.indicator("1.2"), entry, RULE_SET.point_step)
    _, ind = frames([cover_row()], indicator_rows())
    ind.loc[ind["code"] == "1.2", "points"] = value
    derived = derive_indicators(ind, RULE_SET).set_index("code").loc["1.2"]
    rejected = not (derived["min"] <= value <= derived["max"]) or derived["step_remainder"] != 0
    assert rejected == scored.counted_as_zero


def test_pass_fail_rule_sets_need_a_result():
    """No pass/fail rule set ships yet: turn 1.2 into a pass/fail indicator to exercise the check."""
    from dataclasses import replace

    crit = RULE_SET.criteria[0]
    pass_fail = replace(crit, indicators=(crit.indicators[0], replace(crit.indicators[1], kind="pass_fail")))
    rule_set = replace(RULE_SET, criteria=(pass_fail, *RULE_SET.criteria[1:]))
    parts = [
        submission("blank.xlsx", rows={"1.2": {"passed": pd.NA, "points": NAN, "points_raw": ""}}),
        submission("typo.xlsx", rows={"1.2": {"passed": pd.NA, "points": NAN, "points_raw": "Dat?"}}),
        submission("passed.xlsx", rows={"1.2": {"passed": True, "points": NAN, "points_raw": "Đạt"}}),
    ]
    result = validate(*frames([c for c, _ in parts], [r for _, rows in parts for r in rows]), rule_set, CONFIG)
    assert found(result) == [("blank.xlsx", SCORES, at("diem", "1.2"), "PASS_FAIL_MISSING")]
    assert result.unusable_rows == frozenset()


def test_no_frames_no_validation_run():
    result = validate(*frames([], []), RULE_SET, CONFIG)
    assert (result.issues, result.rejected_files, result.gx_runs) == ((), {}, 0)


# ------------------------------------------------------------------ many files


def many(count: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """count valid submissions, built by repeating one (fast), files named f0000.xlsx ..."""
    cover, ind = frames([cover_row()], indicator_rows())
    names = [f"f{n:04d}.xlsx" for n in range(count)]
    covers = cover.loc[cover.index.repeat(count)].reset_index(drop=True)
    covers["file"] = names
    covers["unit_code"] = [f"{10000 + n}" for n in range(count)]
    rows = ind.loc[np.tile(ind.index, count)].reset_index(drop=True)
    rows["file"] = np.repeat(names, len(ind))
    return covers, rows


def test_thousand_files_one_run_per_suite_and_exact_locations():
    covers, rows = many(1000)
    assert len(rows) == 20_000
    in_737 = rows["file"] == "f0737.xlsx"
    rows.loc[in_737 & (rows["code"] == "2.5"), ["numerator", "numerator_raw"]] = [12.0, "12"]
    rows.loc[in_737 & (rows["code"] == "4.2"), "points"] = 99.0
    covers.loc[covers["file"] == "f0737.xlsx", "phone"] = ""
    result = validate(covers, rows, RULE_SET, CONFIG)
    assert result.gx_runs == 2
    assert found(result) == [
        ("f0737.xlsx", SCORES, at("tu_so", "2.5"), "RATE_NUMERATOR_GT_DENOMINATOR"),
        ("f0737.xlsx", SCORES, at("diem", "4.2"), "POINTS_OUT_OF_RANGE"),
        ("f0737.xlsx", COVER, "B10", "CONTACT_MISSING"),
    ]
    assert {i.unit for i in result.issues} == {"10737"}
    assert result.unusable_rows == {("f0737.xlsx", "2.5"), ("f0737.xlsx", "4.2")}
    assert result.rejected_files == {}


def test_every_failing_row_is_reported_not_a_sample():
    covers, rows = many(60)  # GX keeps 20 in its partial lists; COMPLETE must give all 60
    rows.loc[rows["code"] == "3.2", "points"] = 5.5
    result = validate(covers, rows, RULE_SET, CONFIG)
    assert [i.file for i in result.issues] == sorted(covers["file"])
    assert len(result.unusable_rows) == 60


# ------------------------------------------------------------------ suites as data


@pytest.mark.parametrize("name", ["cover", "indicators"])
def test_suites_name_known_codes_and_existing_columns(name):
    suite = load_suite(name, RULE_SET)
    cover, ind = frames([cover_row()], indicator_rows())
    columns = set(derive_cover(cover).columns if name == "cover" else derive_indicators(ind, RULE_SET).columns)
    for e in suite["expectations"]:
        problem = e["meta"]["problem"]
        used = {
            problem["cell"],
            problem["value"],
            *problem.get("context_columns", {}).values(),
            *suite["meta"]["row_context"].values(),
        }
        used |= {v for k, v in e["kwargs"].items() if k.startswith("column") and isinstance(v, str)}
        assert used <= columns, (e["type"], used - columns)
    if name == "cover":  # one expectation per declaration of the rule set
        assert sum(e["meta"]["problem"]["code"] == "DECLARATION_MISSING" for e in suite["expectations"]) == len(
            RULE_SET.conditions.declarations
        )


# ------------------------------------------------------------------ isolation


NO_NETWORK = """
import socket, sys
attempts = []
def refuse(*args, **kwargs):
    attempts.append(args[1:] or args)
    raise OSError("network disabled in this test")
socket.socket.connect = socket.socket.connect_ex = refuse
socket.getaddrinfo = refuse  # name lookups go through C, not socket.connect
sys.path.insert(0, "tests")
import test_validate as t
cover, rows = t.submission("a.xlsx", rows={"1.2": t.points(7.25)})
result = t.validate(*t.frames([cover], rows), t.RULE_SET, t.CONFIG)
print([i.code for i in result.issues], result.gx_runs, attempts)
"""


def test_validation_makes_no_network_connection():
    """In a fresh process, so importing great_expectations and building its context are covered too."""
    out = subprocess.run([sys.executable, "-c", NO_NETWORK], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['POINTS_OUT_OF_RANGE'] 2 []"


def test_importing_validate_does_not_import_great_expectations():
    code = "import sys, pipeline.steps.validate; print('great_expectations' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
