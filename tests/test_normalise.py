"""values.py parsers (table-driven) and normalise(): frame columns, dtypes, parsed values and
the located problems found while parsing."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from pipeline.core import layout
from pipeline.core.model import Located, Submission
from pipeline.readers.form import read_workbook
from pipeline.steps import values
from pipeline.steps.frames import COVER_COLUMNS, INDICATOR_COLUMNS, declaration_columns
from pipeline.steps.normalise import normalise

BAD = "invalid"  # expected result of a value that was typed but cannot be understood


def outcome(parsed: tuple) -> object:
    value, ok = parsed
    return value if ok else BAD


# ----------------------------------------------------------------------------- values.py

NUMBERS = [
    (8.5, 8.5),
    (8, 8.0),
    (0, 0.0),
    (-1.5, -1.5),
    ("8.5", 8.5),
    ("8,5", 8.5),
    (" 8 ", 8.0),
    ("8 điểm", 8.0),
    ("8,5 điểm", 8.5),
    ("8,5điểm", 8.5),
    ("8 Điểm", 8.0),
    ("8 diem", 8.0),
    ("2,25", 2.25),
    ("-0,5", -0.5),
    (",5", 0.5),
    ("10", 10.0),
    ("8,5\u00a0", 8.5),  # non-breaking space pasted from the web
    (None, None),
    ("", None),
    ("   ", None),
    ("abc", BAD),
    ("1.234,5", BAD),
    ("1,234.5", BAD),
    ("8 5", BAD),
    ("8,5,1", BAD),
    ("điểm", BAD),
    ("8/10", BAD),
    ("1e3", BAD),
    (True, BAD),
    (float("nan"), None),
    (float("inf"), BAD),
    (dt.date(2024, 1, 1), BAD),
]


@pytest.mark.parametrize("raw, expected", NUMBERS)
def test_parse_number(raw, expected):
    assert outcome(values.parse_number(raw)) == expected


DATES = [
    (dt.date(2024, 1, 5), dt.date(2024, 1, 5)),
    (dt.datetime(2024, 1, 5, 14, 30), dt.date(2024, 1, 5)),
    (45296.0, dt.date(2024, 1, 5)),
    (45296, dt.date(2024, 1, 5)),
    (45296.75, dt.date(2024, 1, 5)),
    ("05/01/2024", dt.date(2024, 1, 5)),
    ("5/1/2024", dt.date(2024, 1, 5)),
    ("05-01-2024", dt.date(2024, 1, 5)),
    ("05.01.2024", dt.date(2024, 1, 5)),
    ("2024-01-05", dt.date(2024, 1, 5)),
    ("2024-01-05 00:00:00", dt.date(2024, 1, 5)),
    (" 05/01/2024 ", dt.date(2024, 1, 5)),
    (None, None),
    ("", None),
    ("31/02/2024", BAD),
    ("05/01/24", BAD),
    ("ngày 5 tháng 1", BAD),
    ("2024", BAD),
    (2024, BAD),
    (100.0, BAD),
    (True, BAD),
    ("01/13/2024", BAD),
]


@pytest.mark.parametrize("raw, expected", DATES)
def test_parse_date(raw, expected):
    assert outcome(values.parse_date(raw)) == expected


YES_NO = [
    ("Có", True),
    ("có", True),
    ("CÓ", True),
    ("co", True),
    ("x", True),
    ("X", True),
    ("yes", True),
    (True, True),
    (1, True),
    (1.0, True),
    ("Không", False),
    ("không", False),
    ("KHÔNG", False),
    ("ko", False),
    ("khong", False),
    (False, False),
    (0, False),
    (0.0, False),
    (None, None),
    ("", None),
    (" ", None),
    ("có lẽ", BAD),
    ("2", BAD),
    (2, BAD),
    ("?", BAD),
]


@pytest.mark.parametrize("raw, expected", YES_NO)
def test_parse_yes_no(raw, expected):
    assert outcome(values.parse_yes_no(raw)) == expected


PASS_FAIL = [
    ("Đạt", True),
    ("đạt", True),
    ("Dat", True),
    ("ĐẠT", True),
    ("Không đạt", False),
    ("không  đạt", False),
    ("Chưa đạt", False),
    ("Chua dat", False),
    (None, None),
    ("", None),
    ("Tốt", BAD),
    (1, BAD),
    (True, BAD),
]


@pytest.mark.parametrize("raw, expected", PASS_FAIL)
def test_parse_pass_fail(raw, expected):
    assert outcome(values.parse_pass_fail(raw)) == expected


YEARS = [
    (2023, 2023),
    (2023.0, 2023),
    ("2023", 2023),
    ("Năm 2023", 2023),
    (None, None),
    ("23", BAD),
    (2023.5, BAD),
    ("hai nghìn", BAD),
    (True, BAD),
]


@pytest.mark.parametrize("raw, expected", YEARS)
def test_parse_year(raw, expected):
    assert outcome(values.parse_year(raw)) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        (14809.0, "14809"),
        (14809, "14809"),
        ("14809", "14809"),
        ("014809", "014809"),
        (" 14809 ", "14809"),
        (4.0, "00004"),
        ("4", "00004"),
        ("", ""),
        (None, ""),
        ("Xã A", "Xã A"),
    ],
)
def test_unit_code(raw, expected):
    assert values.unit_code(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("  Nguyễn   Văn\tA ", "Nguyễn Văn A"),
        ("Nguye\u0302\u0303n", "Nguyễn"),
        (912345678.0, "912345678"),
        (None, ""),
        (2.5, "2.5"),
        (dt.datetime(2024, 1, 5), "05/01/2024"),
    ],
)
def test_text(raw, expected):
    assert values.text(raw) == expected


def test_text_is_nfc():
    decomposed = "Thi\u0323 tra\u0302\u0301n"
    assert values.text(decomposed) == "Thị trấn"
    assert values.raw_text(decomposed) == "Thị trấn"
    assert values.raw_text(2.5) == "2,5"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Mã  đơn vị Hành chính", "ma don vi hanh chinh"),
        ("ĐẠT", "dat"),
        ("Thị trấn", "thi tran"),
        (None, ""),
    ],
)
def test_strip_accents(raw, expected):
    assert values.strip_accents(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [(1.1, "1.1"), (2.5, "2.5"), ("1.1", "1.1"), (" 2.5 ", "2.5"), (3.0, "3"), (3, "3"), ("TC1", "TC1"), (True, "")],
)
def test_code_text(raw, expected):
    assert values.code_text(raw) == expected


# ----------------------------------------------------------------------------- normalise()


def _sub(rule_set, file="a.xlsx", **cells) -> Submission:
    """A Submission as the reader would give it; cells: name or '<field>:<code>' -> value."""
    sub = Submission(file=file, score_sheet="Bảng điểm", cover_sheet="Thông tin chung")
    for n, (name, _, _) in enumerate(layout.COVER_FIELDS):
        sub.cover[name] = Located(cells.get(name), "Thông tin chung", f"B{4 + n}")
    for d in rule_set.conditions.declarations:
        sub.cover[d.key] = Located(cells.get(d.key), "Thông tin chung", "B11")
    for r, ind in enumerate(rule_set.indicators, start=8):
        sub.rows[ind.code] = {
            f: Located(cells.get(f"{f}:{ind.code}"), "Bảng điểm", f"{layout.SCORE_COLUMNS[f]}{r}")
            for f in layout.INDICATOR_FIELDS
        }
    return sub


def test_frames_have_exactly_the_contract_columns_and_dtypes(rule_set):
    for subs in ([], [_sub(rule_set)]):
        cover, indicators, _ = normalise(subs, rule_set)
        decl = [c for d in rule_set.conditions.declarations for c in declaration_columns(d.key)]
        assert list(cover.columns) == list(COVER_COLUMNS) + decl
        assert list(indicators.columns) == list(INDICATOR_COLUMNS)
        types = {c: str(t) for c, t in cover.dtypes.items()}
        assert types["year"] == "Int64" and types["report_date"] == "datetime64[ns]"
        assert types[decl[0]] == "boolean"
        assert {types[c] for c in cover.columns if c not in ("year", "report_date", decl[0])} == {"str"}
        itypes = {c: str(t) for c, t in indicators.dtypes.items()}
        numeric = {
            "row": "int64",
            "points": "float64",
            "numerator": "float64",
            "denominator": "float64",
            "not_applicable": "bool",
            "passed": "boolean",
        }
        assert {c: itypes[c] for c in numeric} == numeric
        assert {itypes[c] for c in indicators.columns if c not in numeric} == {"str"}


def test_values_are_parsed_and_problems_located(rule_set):
    sub = _sub(
        rule_set,
        file="xa/a.xlsx",
        ma_don_vi=14809.0,
        ten_don_vi="  Quang  Trung ",
        nam_danh_gia=2023.0,
        ngay_bao_cao="31/02/2024",
        ky_luat_nguoi_dung_dau="chắc không",
        **{
            "diem:1.1": "8,5",
            "diem:1.2": "tám",
            "khong_phat_sinh:1.1": "Có",
            "khong_phat_sinh:1.2": "?",
            "tu_so:2.5": "9 người",
            "mau_so:2.5": 10.0,
            "so_lieu:2.5": " 9/10  người ",
            "tu_so:1.1": "n/a",
        },
    )
    cover, indicators, issues = normalise([sub], rule_set)

    row = cover.iloc[0]
    assert (row["unit_code"], row["unit_name"], row["year"]) == ("14809", "Quang Trung", 2023)
    assert pd.isna(row["report_date"]) and row["report_date_raw"] == "31/02/2024"
    assert pd.isna(row["decl_ky_luat_nguoi_dung_dau"])
    by_code = indicators.set_index("code")
    assert by_code.loc["1.1", "points"] == 8.5 and by_code.loc["1.1", "points_raw"] == "8,5"
    assert bool(by_code.loc["1.1", "not_applicable"]) is True
    assert math.isnan(by_code.loc["1.2", "points"]) and by_code.loc["1.2", "points_raw"] == "tám"
    assert by_code.loc["1.2", "row"] == 9 and by_code.loc["1.2", "points_cell"] == "H9"
    assert math.isnan(by_code.loc["2.5", "numerator"])  # "9 người" is not a number
    assert by_code.loc["2.5", "denominator"] == 10.0 and by_code.loc["2.5", "figures"] == "9/10 người"
    assert pd.isna(by_code.loc["1.1", "passed"])

    assert [(i.file, i.sheet, i.cell, i.code, i.value, i.unit) for i in issues] == [
        ("xa/a.xlsx", "Thông tin chung", "B8", "REPORT_DATE_INVALID", "31/02/2024", "14809"),
        ("xa/a.xlsx", "Thông tin chung", "B11", "DECLARATION_INVALID", "chắc không", "14809"),
        ("xa/a.xlsx", "Bảng điểm", "H9", "POINTS_NOT_NUMBER", "tám", "14809"),
        ("xa/a.xlsx", "Bảng điểm", "I9", "NOT_APPLICABLE_INVALID", "?", "14809"),
        (
            "xa/a.xlsx",
            "Bảng điểm",
            f"E{8 + [i.code for i in rule_set.indicators].index('2.5')}",
            "RATE_NOT_NUMBER",
            "9 người",
            "14809",
        ),
    ]
    assert issues[2].message == 'Điểm chỉ tiêu 1.2 không phải là số: "tám".'
    assert "tử số" in issues[4].message


def test_pass_fail_indicators_fill_passed(rule_set):
    from dataclasses import replace

    ind = rule_set.indicators[0]
    pf = replace(rule_set, indicator_index={**rule_set.indicator_index, ind.code: replace(ind, kind="pass_fail")})
    subs = [_sub(pf, **{f"diem:{ind.code}": "Đạt"}), _sub(pf, file="b.xlsx", **{f"diem:{ind.code}": "Tốt"})]
    _, indicators, issues = normalise(subs, pf)
    first = indicators[indicators["code"] == ind.code]
    assert first["passed"].tolist() == [True, pd.NA]
    assert first["points"].isna().all()
    assert [(i.file, i.cell, i.code) for i in issues] == [("b.xlsx", "H8", "PASS_FAIL_INVALID")]


def test_form_read_and_normalised_end_to_end(tmp_path, make_form, rule_set, filled):
    values_in = dict(filled, diem_1_2="6,5", diem_2_1="sáu")
    path = make_form(tmp_path / "f.xlsx", values_in)
    sub, read_issues = read_workbook(path, "f.xlsx", rule_set)
    cover, indicators, issues = normalise([sub], rule_set)

    assert read_issues == []
    assert cover.loc[0, "report_date"] == pd.Timestamp("2024-01-05")
    assert cover.loc[0, "meta_template_id"] == layout.TEMPLATE_ID
    assert cover.loc[0, "decl_ky_luat_nguoi_dung_dau"] == False  # noqa: E712 (pandas boolean)
    points = dict(zip(indicators["code"], indicators["points"], strict=True))
    assert points["1.2"] == 6.5 and points["1.1"] == filled["diem_1_1"] and math.isnan(points["2.1"])
    cell_2_1 = indicators.set_index("code").loc["2.1", "points_cell"]
    assert [(i.file, i.sheet, i.cell, i.code) for i in issues] == [
        ("f.xlsx", layout.SHEET_SCORES, cell_2_1, "POINTS_NOT_NUMBER")
    ]


def test_parsed_in_the_reading_worker_is_what_normalise_would_make(tmp_path, make_form, rule_set, filled):
    """The workers parse each file where they read it and send back only the rows; the frames
    and problems must be exactly what parsing the raw cells in the main process gives."""
    from pipeline.app.run import read_and_parse

    path = make_form(tmp_path / "f.xlsx", dict(filled, diem_1_2="6,5", diem_2_1="sáu", ngay_bao_cao="32/13/2024"))
    raw, _ = read_workbook(path, "f.xlsx", rule_set)
    parsed, _ = read_and_parse(path, "f.xlsx", rule_set)

    assert parsed.rows == {} and parsed.cover == {}  # the raw cells are not sent back
    assert parsed.meta == raw.meta and parsed.cached_totals == raw.cached_totals
    expected, got = normalise([raw], rule_set), normalise([parsed], rule_set)
    pd.testing.assert_frame_equal(got[0], expected[0])
    pd.testing.assert_frame_equal(got[1], expected[1])
    assert got[2] == expected[2] and {i.code for i in got[2]} >= {"POINTS_NOT_NUMBER", "REPORT_DATE_INVALID"}
