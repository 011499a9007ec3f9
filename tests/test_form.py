"""The generated form: every input named, validated, unlocked and where the contract says;
values written with their type; formulas carry cached results; print setup; meta sheet."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from pipeline import __version__
from pipeline.core import layout, rules
from pipeline.core.config import Config, Unit
from pipeline.core.text import number_text
from pipeline.writers import form

# xlsxwriter drops a validation whose prompt is too long with only a warning: make it fail.
pytestmark = pytest.mark.filterwarnings("error")

RS = rules.load("qd25-2021")
YEAR = 2023
UNIT = Unit(code="14818", name="Ngọc Trạo", kind="phường")

FILLED = {
    "diem_1_1": 2.5,
    "diem_1_2": 7,
    "diem_2_1": 5.75,
    "diem_2_5": 1,
    "diem_3_1": 9,
    "tu_so_2_5": 9,
    "mau_so_2_5": 10,
    "khong_phat_sinh_1_1": "Có",
    "so_lieu_1_1": "=SUM(A1:A9) không phải công thức",
    "tai_lieu_2_1": "Báo cáo số 12/BC-UBND",
    "ghi_chu_3_1": "+84 là mã vùng",
    "ngay_bao_cao": dt.date(2024, 1, 5),
    "ky_luat_nguoi_dung_dau": "Không",
    "nguoi_phu_trach": "Nguyễn Văn An - Công chức Tư pháp",
    "dien_thoai": "0237 3824 818",
}

PASS_FAIL_DATA = {
    "rule_set": {
        "id": "thu-dat-khong-dat",
        "name": "Bộ thử đạt / không đạt",
        "first_year": 2026,
        "scoring": "pass_fail",
        "total_max": 3,
        "provenance": {"status": "verified"},
    },
    "conditions": {
        "declarations": [
            {
                "key": "cam_ket",
                "label": "Có vi phạm không?",
                "disqualifying_answer": True,
                "provenance": {"status": "verified"},
            }
        ],
    },
    "criteria": [
        {
            "code": "TC1",
            "name": "Tiêu chí một",
            "max": 2,
            "provenance": {"status": "verified"},
            "indicators": [
                {
                    "code": "1.1",
                    "name": "Chỉ tiêu một",
                    "max": 1,
                    "kind": "pass_fail",
                    "provenance": {"status": "verified"},
                },
                {
                    "code": "1.2",
                    "name": "Chỉ tiêu hai",
                    "max": 1,
                    "kind": "pass_fail",
                    "provenance": {"status": "verified"},
                },
            ],
        },
        {
            "code": "TC2",
            "name": "Tiêu chí hai",
            "max": 1,
            "provenance": {"status": "verified"},
            "pass_rule": {"mode": "n_of_m", "n": 1},
            "indicators": [
                {
                    "code": "2.1",
                    "name": "Chỉ tiêu ba",
                    "max": 1,
                    "kind": "pass_fail",
                    "provenance": {"status": "verified"},
                },
            ],
        },
    ],
}


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> Path:
    return form.write_form(tmp_path_factory.mktemp("f") / "trong.xlsx", RS, YEAR)


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> Path:
    return form.write_form(
        tmp_path_factory.mktemp("f") / "dien.xlsx",
        RS,
        YEAR,
        unit=UNIT,
        values=FILLED,
        office_name="Phòng Tư pháp thị xã Bỉm Sơn",
    )


def target(wb, name: str) -> tuple[str, str]:
    """(sheet, A1 cell) a workbook-level defined name points to."""
    ((sheet, ref),) = list(wb.defined_names[name].destinations)
    return sheet, ref.replace("$", "")


def row_of(ws, code: str) -> int:
    col = layout.SCORE_COLUMNS["ma"]
    return next(c.row for c in ws[col] if c.value == code)


def validation_for(ws, ref: str):
    found = [dv for dv in ws.data_validations.dataValidation if ref in dv.sqref]
    assert len(found) == 1, f"{ws.title}!{ref}: {len(found)} validations"
    return found[0]


# ------------------------------------------------------------------ names and places


def test_every_cover_name_is_next_to_its_label(blank):
    wb = openpyxl.load_workbook(blank)
    labels = {name: label for name, label, _k in layout.COVER_FIELDS}
    labels.update({d.key: d.label for d in RS.conditions.declarations})
    for n, (name, label) in enumerate(labels.items()):
        sheet, ref = target(wb, name)
        assert sheet == layout.SHEET_COVER
        assert ref == f"{layout.COVER_VALUE_COL}{layout.COVER_FIRST_ROW + n}"
        ws = wb[sheet]
        assert ws[f"{layout.COVER_LABEL_COL}{ws[ref].row}"].value == label


def test_every_indicator_name_is_in_its_code_row_and_column(blank):
    wb = openpyxl.load_workbook(blank)
    ws = wb[layout.SHEET_SCORES]
    for ind in RS.indicators:
        row = row_of(ws, ind.code)
        assert isinstance(ws[f"A{row}"].value, str)  # codes are text: '1.10' must not become 1.1
        for field in form.indicator_fields(ind):
            sheet, ref = target(wb, layout.indicator_name(field, ind.code))
            assert (sheet, ref) == (layout.SHEET_SCORES, f"{layout.SCORE_COLUMNS[field]}{row}")


def test_rate_and_not_applicable_inputs_exist_only_where_the_rule_set_allows(blank):
    names = set(openpyxl.load_workbook(blank).defined_names)
    for ind in RS.indicators:
        assert (f"tu_so_{ind.name_key}" in names) == (ind.kind == "rate_bands")
        assert (f"mau_so_{ind.name_key}" in names) == (ind.kind == "rate_bands")
        assert (f"khong_phat_sinh_{ind.name_key}" in names) == ind.not_applicable_full
        for field in ("diem", "so_lieu", "tai_lieu", "ghi_chu"):
            assert layout.indicator_name(field, ind.code) in names
    assert {n for n in names if n.startswith("tu_so_")} == {"tu_so_2_5"}
    assert {n for n in names if n.startswith("khong_phat_sinh_")} == {"khong_phat_sinh_1_1"}


def test_names_are_the_inputs_plus_the_totals(blank):
    names = set(openpyxl.load_workbook(blank).defined_names)
    totals = {layout.TOTAL_NAME} | {layout.criterion_total_name(c.code) for c in RS.criteria}
    assert names == set(form.input_names(RS)) | totals
    assert len(form.input_names(RS)) == 7 + 1 + 20 * 4 + 2 + 1


def test_total_rows_carry_their_names(blank):
    wb = openpyxl.load_workbook(blank)
    ws = wb[layout.SHEET_SCORES]
    diem = layout.SCORE_COLUMNS["diem"]
    for c in RS.criteria:
        assert target(wb, layout.criterion_total_name(c.code)) == (layout.SHEET_SCORES, f"{diem}{row_of(ws, c.code)}")
    total_row = row_of(ws, layout.TOTAL_CODE)
    assert target(wb, layout.TOTAL_NAME) == (layout.SHEET_SCORES, f"{diem}{total_row}")
    assert total_row == row_of(ws, "5.4") + 1
    # The sheet layout the reader relies on: header row, column numbers, first criterion row.
    assert [ws.cell(layout.SCORE_HEADER_ROW, col + 1).value for col in range(len(layout.SCORE_COLUMNS))] == [
        layout.SCORE_HEADERS[f] for f in layout.SCORE_COLUMNS
    ]
    assert ws[f"A{layout.SCORE_HEADER_ROW + 1}"].value == "(1)"
    assert ws[f"A{layout.SCORE_FIRST_ROW}"].value == "TC1"


# ------------------------------------------------------------------ validation and protection


EXPECTED_TYPE = {
    "code": "textLength",
    "text": "textLength",
    "kind": "list",
    "year": "whole",
    "date": "date",
    "yes_no": "list",
    "points": "custom",  # range and step in one rule: 2,3 is refused, not only 11
    "pass_fail": "list",
    "count": "whole",
    "flag": "list",
}


def test_every_input_has_a_validation_with_vietnamese_messages(blank):
    wb = openpyxl.load_workbook(blank)
    for cell in form.input_cells(RS).values():
        sheet, ref = target(wb, cell.name)
        dv = validation_for(wb[sheet], ref)
        assert dv.type == EXPECTED_TYPE[cell.kind], cell.name
        assert dv.showInputMessage and dv.showErrorMessage and dv.errorStyle in (None, "stop")
        assert dv.promptTitle and dv.prompt and dv.error, cell.name
        assert any(ch in "ăâđêôơưáàảãạếềểễệốồổỗộớờởỡợ" for ch in (dv.prompt + dv.error).lower()), cell.name


def test_validation_rules_follow_the_rule_set(blank):
    wb = openpyxl.load_workbook(blank)
    ws = wb[layout.SHEET_SCORES]
    ref = target(wb, "diem_3_1")[1]
    dv = validation_for(ws, ref)
    assert dv.formula1 == f"AND(ISNUMBER({ref}),{ref}>=0,{ref}<=10,MOD(ROUND({ref}/0.25,6),1)=0)"
    assert "0,25" in dv.prompt and "0,25" in dv.error
    assert validation_for(ws, target(wb, "khong_phat_sinh_1_1")[1]).formula1 == '"Có"'
    rate = validation_for(ws, target(wb, "tu_so_2_5")[1])
    assert (rate.operator, rate.formula1) == ("greaterThanOrEqual", "0")
    assert RS.indicator("2.5").numerator_label in rate.prompt
    cover = wb[layout.SHEET_COVER]
    assert validation_for(cover, "B6").formula1 == '"xã,phường,thị trấn,đặc khu"'  # config.UNIT_KINDS
    assert validation_for(cover, target(wb, "ky_luat_nguoi_dung_dau")[1]).formula1 == '"Có,Không"'
    date = validation_for(cover, target(wb, "ngay_bao_cao")[1])
    assert date.operator in (None, "between")  # between is the default, left out of the file
    assert (date.formula1, date.formula2) == ("44927", "45657")  # 01/01/2023 .. 31/12/2024
    assert "05/01/2024" in date.prompt


def test_sheets_are_protected_and_only_inputs_are_unlocked(blank):
    wb = openpyxl.load_workbook(blank)
    for title in (layout.SHEET_COVER, layout.SHEET_SCORES, layout.SHEET_HELP):
        assert wb[title].protection.sheet is True
        assert not wb[title].protection.password
        assert wb[title].protection.insertRows and wb[title].protection.deleteRows  # True = forbidden
    inputs = set()
    for cell in form.input_cells(RS).values():
        sheet, ref = target(wb, cell.name)
        inputs.add((sheet, ref))
        expected_locked = cell.name == "nam_danh_gia"
        assert wb[sheet][ref].protection.locked is expected_locked, cell.name
    ws = wb[layout.SHEET_SCORES]
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row):
        for c in row:
            if (ws.title, c.coordinate) not in inputs:
                assert c.protection.locked, c.coordinate
    row = row_of(ws, "1.2")
    assert ws[f"C{row}"].protection.locked and ws[f"A{row}"].protection.locked
    assert ws[f"E{row}"].fill.fgColor.rgb.endswith("D9D9D9")  # no numerator for 1.2: greyed


def test_prefilled_unit_fields_are_locked_and_filled(filled, blank):
    wb = openpyxl.load_workbook(filled)
    cover = wb[layout.SHEET_COVER]
    expected = {"ma_don_vi": "14818", "ten_don_vi": "Ngọc Trạo", "loai_don_vi": "phường", "nam_danh_gia": YEAR}
    for name, value in expected.items():
        ref = target(wb, name)[1]
        assert cover[ref].value == value
        assert cover[ref].protection.locked is True
    assert cover[target(wb, "ngay_bao_cao")[1]].protection.locked is False
    empty = openpyxl.load_workbook(blank)[layout.SHEET_COVER]
    assert empty["B4"].value is None and empty["B4"].protection.locked is False


# ------------------------------------------------------------------ values


def test_values_are_written_with_their_type(filled):
    wb = openpyxl.load_workbook(filled)

    def value(name):
        sheet, ref = target(wb, name)
        return wb[sheet][ref]

    assert value("diem_1_1").value == 2.5 and value("diem_1_2").value == 7
    assert value("tu_so_2_5").value == 9 and value("mau_so_2_5").value == 10
    assert value("ngay_bao_cao").value == dt.datetime(2024, 1, 5)
    assert value("ngay_bao_cao").number_format == "dd/mm/yyyy"
    assert value("khong_phat_sinh_1_1").value == "Có"
    assert value("ky_luat_nguoi_dung_dau").value == "Không"
    text = value("so_lieu_1_1")
    assert text.value == FILLED["so_lieu_1_1"] and text.data_type == "s"  # never a formula
    assert value("ghi_chu_3_1").data_type == "s"
    assert value("dien_thoai").value == "0237 3824 818"
    assert value("diem_2_2").value is None


def test_a_name_that_is_not_an_input_is_refused(tmp_path):
    for bad in ({"diem_9_9": 1}, {"tong_diem": 100}, {"tu_so_1_1": 3}, {"khong_phat_sinh_2_1": "Có"}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            form.write_form(tmp_path / "x.xlsx", RS, YEAR, values=bad)
    assert not (tmp_path / "x.xlsx").exists()


def test_values_override_the_prefill(tmp_path):
    # The benchmark and the reader's tests need forms where the commune typed a wrong code.
    path = form.write_form(tmp_path / "x.xlsx", RS, YEAR, unit=UNIT, values={"ma_don_vi": 14809, "nam_danh_gia": 2022})
    wb = openpyxl.load_workbook(path)
    assert wb[layout.SHEET_COVER]["B4"].value == 14809
    assert wb[layout.SHEET_COVER]["B7"].value == 2022
    assert dict(wb[layout.SHEET_META].iter_rows(values_only=True))["unit_code"] == "14818"


def test_formulas_carry_cached_results(filled):
    rows = CalamineWorkbook.from_path(str(filled)).get_sheet_by_name(layout.SHEET_SCORES).to_python()
    by_code = {r[0]: r for r in rows if r and r[0]}
    diem, rate = (ord(layout.SCORE_COLUMNS[f]) - ord("A") for f in ("diem", "ty_le"))
    points = [v for k, v in FILLED.items() if k.startswith("diem_")]
    assert by_code[layout.TOTAL_CODE][diem] == pytest.approx(sum(points))
    assert by_code["TC1"][diem] == pytest.approx(9.5)
    assert by_code["TC2"][diem] == pytest.approx(6.75)
    assert by_code["TC4"][diem] == 0
    assert by_code["2.5"][rate] == pytest.approx(90)
    assert by_code["1.1"][rate] == ""
    assert rows[1][0] == "PHƯỜNG NGỌC TRẠO"  # the issuing body, under ỦY BAN NHÂN DÂN
    assert rows[0][0] == "ỦY BAN NHÂN DÂN" and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in rows[0]
    assert "Mẫu 02" in rows[0] and rows[2][0].startswith("BẢN TỔNG HỢP ĐIỂM SỐ CỦA CÁC TIÊU CHÍ, CHỈ TIÊU")
    live = [v for v in rows[3] if isinstance(v, str) and v.startswith("Tổng điểm tự chấm")]
    assert live == [f"Tổng điểm tự chấm: {number_text(sum(points))}/100"]  # in sight while filling


def test_blank_form_totals_are_zero_and_rate_empty(blank):
    rows = CalamineWorkbook.from_path(str(blank)).get_sheet_by_name(layout.SHEET_SCORES).to_python()
    by_code = {r[0]: r for r in rows if r and r[0]}
    assert by_code[layout.TOTAL_CODE][7] == 0 and by_code["2.5"][6] == ""
    assert by_code[layout.TOTAL_CODE][2] == 100


def test_text_in_points_cells_is_kept_and_left_out_of_the_cached_sum(tmp_path):
    path = form.write_form(tmp_path / "x.xlsx", RS, YEAR, values={"diem_2_2": "3,5 điểm", "diem_2_1": 4})
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(layout.SHEET_SCORES).to_python()
    by_code = {r[0]: r for r in rows if r and r[0]}
    assert by_code["2.2"][7] == "3,5 điểm" and by_code["TC2"][7] == 4


# ------------------------------------------------------------------ sheets, print, meta


def test_meta_sheet_is_hidden_and_describes_the_form(blank, filled):
    for path, unit_code in ((blank, None), (filled, "14818")):
        wb = openpyxl.load_workbook(path)
        ws = wb[layout.SHEET_META]
        assert ws.sheet_state == "hidden"
        meta = dict(ws.iter_rows(values_only=True))
        assert meta == {
            "template_id": layout.TEMPLATE_ID,
            "template_version": str(layout.TEMPLATE_VERSION),
            "rule_set": "qd25-2021",
            "year": "2023",
            "unit_code": unit_code,
            "generated_by": f"tcpl {__version__}",
        }
        assert wb.sheetnames == [layout.SHEET_COVER, layout.SHEET_SCORES, layout.SHEET_HELP, layout.SHEET_META]
        assert wb.active.title == layout.SHEET_COVER
        assert wb.properties.creator == "tcpl"


def test_print_setup(filled):
    wb = openpyxl.load_workbook(filled)
    for title in (layout.SHEET_COVER, layout.SHEET_SCORES, layout.SHEET_HELP):
        ws = wb[title]
        assert ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)
        assert ws.page_setup.fitToHeight == 0
        assert "&P" in ws.oddFooter.right.text and "&N" in ws.oddFooter.right.text
    scores = wb[layout.SHEET_SCORES]
    assert scores.page_setup.orientation == "landscape"
    assert scores.print_title_rows == f"${layout.SCORE_HEADER_ROW}:${layout.SCORE_HEADER_ROW + 1}"
    assert scores.freeze_panes == f"A{layout.SCORE_FIRST_ROW}"
    assert scores["B8"].font.name == "Times New Roman"


def test_the_commune_form_shows_none_of_the_offices_doubts(blank, rule_set):
    """Unconfirmed rule-set figures are the office's concern (its own outputs name them); the
    form a commune fills carries no asterisk or footnote about them (issue: provisional shows
    where it belongs)."""
    assert rule_set.has_provisional  # the shipped set still has unconfirmed maxima
    wb = openpyxl.load_workbook(blank)
    ws = wb[layout.SHEET_SCORES]
    assert ws[f"C{row_of(ws, '2.1')}"].number_format == ws[f"C{row_of(ws, '1.1')}"].number_format == "General"
    for sheet in wb.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str):
                    assert "tạm tính" not in value.lower() and not value.startswith("(*)"), (sheet.title, value)
                    assert not value.endswith("*"), (sheet.title, value)


def test_all_text_is_nfc(filled):
    wb = openpyxl.load_workbook(filled)
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                if isinstance(v, str):
                    assert unicodedata.is_normalized("NFC", v), v


def test_same_inputs_same_bytes(tmp_path):
    a = form.write_form(tmp_path / "a.xlsx", RS, YEAR, unit=UNIT, values=FILLED)
    b = form.write_form(tmp_path / "b.xlsx", RS, YEAR, unit=UNIT, values=FILLED)
    assert a.read_bytes() == b.read_bytes()


# ------------------------------------------------------------------ pass / fail rule sets


def test_pass_fail_rule_set_renders_lists_and_counts(tmp_path):
    rs = rules.parse(PASS_FAIL_DATA)
    values = {"diem_1_1": "Đạt", "diem_1_2": "Không đạt", "diem_2_1": "Đạt", "cam_ket": "Không"}
    path = form.write_form(tmp_path / "pf.xlsx", rs, 2026, values=values)
    wb = openpyxl.load_workbook(path)
    ws = wb[layout.SHEET_SCORES]
    for code in ("1.1", "1.2", "2.1"):
        _sheet, ref = target(wb, f"diem_{code.replace('.', '_')}")
        dv = validation_for(ws, ref)
        assert (dv.type, dv.formula1) == ("list", '"Đạt,Không đạt"')
        assert ws[f"C{row_of(ws, code)}"].value is None  # no points maximum for pass/fail
    assert not any(n.startswith(("tu_so", "mau_so", "khong_phat_sinh")) for n in wb.defined_names)
    assert ws[f"H{row_of(ws, 'TC1')}"].value.startswith("=COUNTIF(")
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(layout.SHEET_SCORES).to_python()
    by_code = {r[0]: r for r in rows if r and r[0]}
    assert (by_code["TC1"][7], by_code["TC1"][2]) == (1, 2)
    assert (by_code["TC2"][7], by_code[layout.TOTAL_CODE][7], by_code[layout.TOTAL_CODE][2]) == (1, 2, 3)
    assert "đạt ít nhất 1/1" in by_code["TC2"][1]


# ------------------------------------------------------------------ templates


def test_write_templates_makes_blank_and_per_unit_forms(tmp_path):
    units = (UNIT, Unit(code="14821", name="Đông Sơn", kind="phường"))
    cfg = Config(
        office_name="Phòng Tư pháp thị xã Bỉm Sơn",
        area="",
        area_code="",
        province="",
        province_code="",
        slug="bim-son",
        year=YEAR,
        rule_set_name="qd25-2021",
        deadline=dt.date(2024, 1, 10),
        inputs=tmp_path,
        outputs=tmp_path,
        demo=tmp_path,
        max_file_bytes=1,
        per_unit_sheets_max=1,
        units=units,
        source_file=tmp_path / "c.toml",
        base_dir=tmp_path,
    )
    out = tmp_path / "mau" / "phieu"
    paths = form.write_templates(cfg, RS, out)
    assert [p.name for p in paths] == [
        "mau-phieu-qd25-2021-2023.xlsx",
        "mau-phieu-2023-14818-ngoc-trao.xlsx",
        "mau-phieu-2023-14821-dong-son.xlsx",
    ]
    assert all(p.parent == out and p.exists() for p in paths)
    meta = dict(openpyxl.load_workbook(paths[2])[layout.SHEET_META].iter_rows(values_only=True))
    assert meta["unit_code"] == "14821"


@pytest.mark.parametrize(
    "name, expected", [("Ngọc Trạo", "ngoc-trao"), ("Đông Sơn", "dong-son"), ("Thị trấn  Hà Lan", "thi-tran-ha-lan")]
)
def test_slug(name, expected):
    assert form.slug(name) == expected
