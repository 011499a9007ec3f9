"""The 2026 season end to end: the QĐ 27/2025 form filled through its defined names (by the
writer, by openpyxl as a program would, after a LibreOffice round trip to xlsx, xls and ods),
read, validated and judged; the outputs speak pass/fail."""

from __future__ import annotations

import csv
import shutil
import subprocess

import openpyxl
import pytest
from builders import QD27, content_form, content_values, edit_with_openpyxl, named_cell, province

from pipeline.app.run import collect
from pipeline.core import layout
from pipeline.readers.form import read_workbook
from pipeline.writers.form import input_names


def verdict(config):
    result = collect(config)
    (unit,) = [u for u in result.units if u.verdict is not None]
    return result, unit.verdict


def content(v, code):
    return next(r for r in v.indicators if r.code == code)


def test_the_form_has_the_names_the_readme_lists():
    names = set(input_names(QD27))
    for expected in (
        "dat_2_1_1",
        "tu_so_1_1",
        "mau_so_1_1",
        "chon_2_5_1",
        "chon_2_5_8",
        "khong_phat_sinh_2_3",
        "khong_phat_sinh_tc1",
        "tai_lieu_1_1",
        "tai_lieu_2_1",
        "ma_don_vi",
        "ngay_bao_cao",
    ):
        assert expected in names
    # Derived figures are shown, not entered: 1.2's denominator is 1.1's.
    assert "mau_so_1_2" not in names and "tu_so_1_2" in names
    assert "mau_so_3_2_2" not in names
    # Evidence is per indicator: on the indicator's row when it has several contents.
    assert "tai_lieu_2_1_1" not in names
    # "Không phát sinh" only where the rule set allows it.
    assert "khong_phat_sinh_2_4_2" not in names and "khong_phat_sinh_2_4_3" in names


def test_a_passing_form_passes(tmp_path):
    config = province(tmp_path)
    content_form(config.inputs / "hac-thanh.xlsx")
    result, v = verdict(config)
    assert v.recognised and v.criteria_passed == 3
    assert [i for i in result.issues if i.severity == "error"] == []


def test_figures_typed_through_the_names_decide_the_verdict(tmp_path):
    config = province(tmp_path)
    content_form(
        config.inputs / "hac-thanh.xlsx",
        tu_so_3_2_1=10,
        mau_so_3_2_1=10,
        tu_so_3_2_2=7,  # 7 of the 10 mediated: 70% < 80%
    )
    _result, v = verdict(config)
    assert content(v, "3.2.2").denominator == 10 and content(v, "3.2.2").passed is False
    assert not v.recognised and "3.2.2" in v.reasons[0].text


def test_khong_phat_sinh_and_the_switch_through_the_form(tmp_path):
    config = province(tmp_path)
    content_form(
        config.inputs / "hac-thanh.xlsx",
        khong_phat_sinh_tc1="Có",
        tu_so_1_1=None,
        mau_so_1_1=None,
        tu_so_1_2=None,
        tu_so_1_3=None,
        khong_phat_sinh_2_2="Có",
        tu_so_2_2=None,
        khong_phat_sinh_2_3="Có",
        tu_so_2_3=None,
        mau_so_2_3=None,
    )
    result, v = verdict(config)
    tc1 = next(c for c in v.criteria if c.code == "TC1")
    assert tc1.met and tc1.switched and v.recognised
    assert content(v, "2.3").not_arisen
    # A switched criterion's blank figures are not reported as missing.
    assert [i.code for i in result.issues if i.severity == "error"] == []


def test_content_problems_are_located(tmp_path):
    config = province(tmp_path)
    path = content_form(
        config.inputs / "hac-thanh.xlsx",
        tu_so_2_3=0,
        mau_so_2_3=0,  # nothing arose, but not ticked
        chon_2_5_1=None,
        chon_2_5_2="có lẽ",
        dat_2_1_2="Chưa rõ",
    )
    result, v = verdict(config)
    found = {(i.code, i.cell) for i in result.issues}
    assert ("CONTENT_RATE_ZERO_DENOMINATOR", named_cell(path, "mau_so_2_3")[1]) in found
    assert ("OPTION_INVALID", named_cell(path, "chon_2_5_2")[1]) in found
    assert ("PASS_FAIL_INVALID", named_cell(path, "dat_2_1_2")[1]) in found
    assert [content(v, c).passed for c in ("2.3", "2.5", "2.1.2")] == [False, False, False]
    assert not v.recognised


def test_a_form_filled_with_openpyxl_through_its_names(tmp_path):
    """A program fills the blank form by defined name (no cached formula results)."""
    config = province(tmp_path)
    blank = content_form(tmp_path / "blank.xlsx", **{k: None for k in content_values() if k not in ("ma_don_vi",)})
    values = content_values(tu_so_2_4_2=4, mau_so_2_4_2=5)  # 80% of the plan: Không đạt

    def fill(wb):
        for name, value in values.items():
            sheet, ref = next(iter(wb.defined_names[name].destinations))
            wb[sheet][ref.replace("$", "")].value = value

    shutil.copy(blank, config.inputs / "hac-thanh.xlsx")
    edit_with_openpyxl(config.inputs / "hac-thanh.xlsx", fill)
    _, v = verdict(config)
    assert content(v, "2.4.2").passed is False and content(v, "2.4.2").rate == 80
    assert [c.met for c in v.criteria] == [True, False, True]


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")
def test_libreoffice_round_trips_to_xlsx_xls_and_ods(tmp_path):
    config = province(tmp_path)
    source = content_form(tmp_path / "src" / "hac-thanh.xlsx", tu_so_2_4_2=4, mau_so_2_4_2=5, chon_3_3_4="x")
    for fmt in ("xlsx", "xls", "ods"):
        out = tmp_path / fmt
        subprocess.run(
            [soffice(), "--headless", "--convert-to", fmt, "--outdir", str(out), str(source)],
            check=True,
            capture_output=True,
            timeout=180,
        )
        (converted,) = out.iterdir()
        sub, issues = read_workbook(converted, converted.name, QD27)
        assert sub is not None, issues
        assert sub.rows["2.4.2"]["tu_so"].value == 4
        assert sub.rows["3.3"]["chon_4"].value == "x"
        shutil.copy(converted, config.inputs / converted.name)
        _, v = verdict(config)
        assert content(v, "2.4.2").passed is False and content(v, "3.3").ticked == 2, fmt
        assert [c.met for c in v.criteria] == [True, False, True], fmt
        (config.inputs / converted.name).unlink()


def test_the_csv_and_the_workbook_speak_pass_fail(tmp_path):
    from pipeline.app.run import consolidate

    config = province(tmp_path, units=(("14797", "Hạc Thành", "phường"), ("16522", "Quảng Phú", "phường")))
    content_form(config.inputs / "hac-thanh.xlsx")
    content_form(config.inputs / "quang-phu.xlsx", ma_don_vi="16522", ten_don_vi="Quảng Phú", dat_2_4_1="Không đạt")
    consolidate(config)
    rows = list(csv.DictReader((config.outputs / "ket-qua.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [(r["TC1"], r["TC2"], r["TC3"], r["Số tiêu chí đạt"], r["Kết quả"]) for r in rows] == [
        ("Đạt", "Đạt", "Đạt", "3", "Đạt"),
        ("Đạt", "Không đạt", "Đạt", "2", "Chưa đạt"),
    ]
    assert "2.4.1" in rows[1]["Lý do"]
    book = openpyxl.load_workbook(next(config.outputs.glob("*-tong-hop.xlsx")))
    summary = [c for row in book["Tổng hợp"].iter_rows(values_only=True) for c in row if c is not None]
    assert "Số tiêu chí đạt" in summary and "Tổng điểm" not in summary
    matrix = list(book["Chỉ tiêu"].iter_rows(values_only=True))
    quang_phu = next(r for r in matrix if r[0] == "16522")
    assert "KĐ" in quang_phu and quang_phu[-1] == 2
    sheet = next(name for name in book.sheetnames if name.startswith("16522"))
    texts = [c for row in book[sheet].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any("CHƯA ĐẠT CHUẨN" in t and "2/3 tiêu chí đạt" in t for t in texts)
    assert "Không đạt" in texts and any("TẠM TÍNH" in t for t in texts)


def test_names_follow_layout():
    assert layout.content_name("diem", "2.1.1") == "dat_2_1_1"
    assert layout.option_name("2.5", 8) == "chon_2_5_8"
    assert layout.switch_name("TC1") == "khong_phat_sinh_tc1"


def test_the_councils_appraisal_round_trip(tmp_path):
    """The council sets Đạt / Không đạt per content, or a rate's figures; the run applies them."""
    from pipeline.app.appraisal import write_appraisal_form
    from pipeline.core.appraisal_layout import COL, SHEET

    config = province(tmp_path)
    content_form(config.inputs / "hac-thanh.xlsx")
    book = write_appraisal_form(collect(config), tmp_path / "tham-dinh.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb[SHEET]
    assert "Kết quả thẩm định" in [c.value for row in ws.iter_rows(max_row=6) for c in row]
    rows = {r[COL["code"]].value: r[0].row for r in ws.iter_rows(min_row=6) if r[COL["code"]].value}
    assert {"1.1", "2.1.1", "2.5", "3.4.4"} <= set(rows)
    ws.cell(rows["2.1.1"], COL["appraised"] + 1).value = "Không đạt"
    ws.cell(rows["2.1.1"], COL["note"] + 1).value = "Danh mục chưa được phê duyệt"
    ws.cell(rows["3.2.1"], COL["appraised"] + 1).value = "8/10"  # the council's figures: 80% < 100%
    ws.cell(rows["2.5"], COL["appraised"] + 1).value = "Đạt"
    ws.cell(rows["1.1"], COL["appraised"] + 1).value = "gần đạt"  # refused, located
    wb.save(book)
    target = config.inputs.parent / "tham-dinh"
    target.mkdir(exist_ok=True)
    shutil.copy(book, target / "tham-dinh.xlsx")
    shutil.copy(book, config.inputs / "tham-dinh.xlsx")  # wherever the office drops it
    result = collect(config)
    (unit,) = result.units
    v = unit.verdict
    assert content(v, "2.1.1").passed is False and content(v, "2.1.1").source == "tham_dinh"
    assert "Danh mục chưa được phê duyệt" in content(v, "2.1.1").basis
    r = content(v, "3.2.1")
    assert (r.numerator, r.denominator, r.rate, r.passed) == (8, 10, 80, False)
    assert content(v, "1.1").refused_cell and content(v, "1.1").passed is True  # kept: self-assessed
    assert any(i.code == "APPRAISAL_PASS_FAIL_INVALID" for i in result.issues)
    assert [c.met for c in v.criteria] == [True, False, False] and not v.recognised
