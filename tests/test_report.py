"""The consolidated workbook, the results CSV and the manifest, read back and checked cell by cell."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from builders import INJECTION, make_run, texts
from openpyxl.utils import get_column_letter

from pipeline.core.config import Unit
from pipeline.core.model import REJECTED, FileRecord
from pipeline.core.problems import issue
from pipeline.writers import workbook as report
from pipeline.writers.exports import write_manifest, write_results_csv
from pipeline.writers.workbook import write_unit_workbooks, write_workbook

FIXED = ["Tổng hợp", "Chỉ tiêu", "Lỗi dữ liệu", "Hồ sơ"]
SEASON = ["Đôn đốc", "Danh sách công nhận", "Báo cáo"]  # before the unit sheets; "Thẩm định" once appraised


@pytest.fixture(scope="module")
def run():
    return make_run()


@pytest.fixture(scope="module")
def book(run, tmp_path_factory):
    path = write_workbook(run, tmp_path_factory.mktemp("wb") / "tong-hop.xlsx")
    return openpyxl.load_workbook(path)


def find(ws, text, column: int | None = None):
    """The first cell whose value is `text` (optionally only in one column)."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == text and (column is None or cell.column == column):
                return cell
    raise AssertionError(f"{text!r} not found in {ws.title}")


def header_map(ws, header_row: int) -> dict[str, int]:
    return {c.value: c.column for c in ws[header_row] if c.value}


# ------------------------------------------------------------------ sheets and summary


def test_sheet_order_and_names(book, run):
    names = book.sheetnames
    assert names[:2] == FIXED[:2] and names[-2:] == FIXED[2:] and names[2:5] == SEASON
    assert names[5:-2] == [
        "14809 Bắc Sơn",
        "14812 Ba Đình",
        "14815 Lam Sơn",
        "14818 Ngọc Trạo",
        "14821 Đông Sơn",
        "14823 Phú Sơn",
        "14824 Quang Trung",
    ]


def test_summary_counts(book, run):
    ws = book["Tổng hợp"]
    counts = run.counts
    for label, key in [
        ("Đạt chuẩn", "recognised"),
        ("Chưa đạt chuẩn", "not_recognised"),
        ("Chưa nộp phiếu", "not_submitted"),
        ("Nộp muộn", "late"),
        ("Số đơn vị phải đánh giá", "expected"),
    ]:
        cell = find(ws, label)
        assert ws.cell(cell.row, cell.column + 2).value == counts[key], label
    assert counts["recognised"] == 2 and counts["not_submitted"] == 1


def test_summary_unit_rows(book, run):
    ws = book["Tổng hợp"]
    head = find(ws, "Tổng điểm").row
    cols = header_map(ws, head)
    low = find(ws, "14812", column=1).row
    assert ws.cell(low, cols["Tổng điểm"]).value == 78.5
    assert ws.cell(low, cols["Kết quả"]).value == "Chưa đạt"
    assert "78,5" in ws.cell(low, cols["Lý do"]).value
    assert ws.cell(low, cols["Thời hạn nộp"]).value == "Muộn 3 ngày"
    assert ws.cell(low, cols["Ngày báo cáo"]).value == dt.datetime(2024, 1, 13)
    assert ws.cell(low, cols["Ngày báo cáo"]).number_format == "dd/mm/yyyy"
    ok = find(ws, "14809", column=1).row
    assert ws.cell(ok, cols["Kết quả"]).value == "Đạt"
    assert ws.cell(ok, cols["Kết quả"]).fill.fgColor.rgb.endswith("C6EFCE")
    assert ws.cell(ok, cols["TC3"]).value == 18.5
    missing = find(ws, "14821", column=1).row
    assert ws.cell(missing, cols["Kết quả"]).value == "Chưa nộp"
    assert ws.cell(missing, cols["Lý do"]).value == "Chưa nộp phiếu"
    assert ws.cell(missing, cols["Tổng điểm"]).value is None
    unusable = find(ws, "14823", column=1).row
    assert ws.cell(unusable, cols["Kết quả"]).value == "Không dùng được"
    assert ws.cell(unusable, cols["Lý do"]).value.startswith("Phiếu bị loại: phiếu năm 2022")
    # the unit's name links to its own sheet
    assert ws.cell(ok, cols["Đơn vị"]).hyperlink.location == "'14809 Bắc Sơn'!A1"
    assert ws.auto_filter.ref.startswith(f"A{head}:")
    assert ws.freeze_panes == f"C{head + 1}"


def test_summary_banners(book, run):
    ws = book["Tổng hợp"]
    texts = [c.value for row in ws.iter_rows(max_row=12) for c in row if isinstance(c.value, str)]
    provisional = next(t for t in texts if t.startswith("KẾT QUẢ TẠM TÍNH: bộ tiêu chí"))
    assert "mức ≥ 90% của chỉ tiêu 2.5" in provisional
    assert any("Điểm tự chấm, chưa có điểm thẩm định của Hội đồng" in t for t in texts)
    assert any("Phòng Tư pháp thị xã Bỉm Sơn" in t for t in texts)
    assert any("qd25-2021" in t and "QĐ 25/2021/QĐ-TTg" in t for t in texts)


def test_summary_chart_and_print_setup(tmp_path, run):
    path = write_workbook(run, tmp_path / "wb.xlsx")
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert "xl/charts/chart1.xml" in names
        chart = z.read("xl/charts/chart1.xml").decode()
        assert "<c:barChart>" in chart and "<c:lineChart>" in chart  # totals + threshold line
    ws = openpyxl.load_workbook(path)["Tổng hợp"]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    head = find(ws, "Tổng điểm").row
    assert ws.print_title_rows == f"${head}:${head}"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0  # 1 page wide, as long as needed


def test_summary_chart_under_the_table_or_on_its_own_page(tmp_path, run):
    """A town's chart sits under its table on the first page (no page break, shorter than on a
    page of its own); under a province's table it starts a page of its own, full height."""
    import re

    for units, own_page in ((run, False), (make_run(units=60), True)):
        path = write_workbook(units, tmp_path / f"{own_page}.xlsx")
        ws = openpyxl.load_workbook(path)["Tổng hợp"]
        last = max(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value)  # the table's last row
        assert [b.id for b in ws.row_breaks.brk] == ([last] if own_page else [])
        with zipfile.ZipFile(path) as z:
            drawing = z.read("xl/drawings/drawing1.xml").decode()
        anchor = re.findall(r"<xdr:row>(\d+)</xdr:row><xdr:rowOff>(\d+)</xdr:rowOff>", drawing)
        (top, top_off), (bottom, bottom_off) = ((int(r), int(o) / 9525) for r, o in anchor)
        assert top == last + 1  # from the second row under the table (0-based)
        height = (bottom - top) * 20 + bottom_off - top_off  # pixels: rows of 20 under the table
        assert height == 360 if own_page else 200 <= height < 360


def test_indicator_matrix(book):
    ws = book["Chỉ tiêu"]
    codes = header_map(ws, 4)
    row = find(ws, "14812", column=1).row
    cell = ws.cell(row, codes["2.5"])
    assert cell.value == 0.25 and cell.number_format == "0%"  # 75% of propagandists trained -> 0.5 of 2
    assert ws.cell(5, codes["3.1"]).value == 10  # maximum row
    assert ws.freeze_panes == "C6"
    assert ws.conditional_formatting and ws.page_setup.orientation == "landscape"
    assert ws.cell(find(ws, "14821", column=1).row, codes["1.1"]).value is None


# ------------------------------------------------------------------ per-unit sheets


def test_unit_sheet(book):
    ws = book["14815 Lam Sơn"]
    assert ws["A1"].value == "KẾT QUẢ ĐÁNH GIÁ CHUẨN TIẾP CẬN PHÁP LUẬT — Phường Lam Sơn — năm 2023"
    head = find(ws, "Nội dung").row
    cols = header_map(ws, head)
    # every point self-assessed: no "Nguồn điểm" column, the notes say it once
    assert list(cols) == ["Mã", "Nội dung", "Tối đa", "Điểm", "Số liệu, minh chứng"]
    assert any("19/20 chỉ tiêu dùng điểm tự chấm" in t for t in texts(ws))  # 3.2 counts 0
    r12 = find(ws, "1.2", column=1).row
    assert ws.cell(r12, cols["Điểm"]).value == 2.75
    tc1 = find(ws, "TC1", column=1).row
    assert ws.cell(tc1, cols["Điểm"]).value == 4.75 and ws.cell(tc1, cols["Điểm"]).font.b
    # each criterion's floor on its row, judged (the condition "TC1 đạt từ 50% …")
    floor = ws.cell(tc1, cols["Số liệu, minh chứng"])
    assert floor.value == "≥ 5 điểm: ✗ không đạt (thiếu 0,25)" and floor.fill.fgColor.rgb.endswith("FFC7CE")
    total = find(ws, "TỔNG CỘNG").row
    assert ws.cell(total, cols["Số liệu, minh chứng"]).value == "≥ 80 điểm: ✓ đạt"  # the total's condition
    r32 = find(ws, "3.2", column=1).row
    assert ws.cell(r32, cols["Điểm"]).value == 0
    # the row points to its problem by cell; the problem is listed in full below the table
    assert ws.cell(r32, cols["Số liệu, minh chứng"]).value.endswith("⚠ Vấn đề: ô H17")
    assert "⚠" not in ws.cell(r12, cols["Số liệu, minh chứng"]).value
    h17 = find(ws, "H17", column=1)
    assert "3.2" in ws.cell(h17.row, 2).value and "Cách khắc phục: " in ws.cell(h17.row, 2).value
    # qd25-2021 has provisional figures: the verdict line itself says the result is provisional
    verdict = next(t for t in texts(ws) if t.startswith("CHƯA ĐẠT CHUẨN"))
    assert verdict.startswith("CHƯA ĐẠT CHUẨN TIẾP CẬN PHÁP LUẬT (TẠM TÍNH) — 89,75/100")
    # the other conditions, problems with their cells, signatures
    declaration = next(t for t in texts(ws) if t.startswith("Điều kiện công nhận: "))
    assert declaration.endswith("— Đạt")
    assert find(ws, "B10", column=1)
    assert find(ws, "NGƯỜI LẬP BIỂU") and find(ws, "TRƯỞNG PHÒNG TƯ PHÁP")
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)


def test_unit_sheet_empty_table_cells_keep_their_look(tmp_path, run):
    """Empty cells of the score table are not written: two rules 'value = 0' (an empty cell counts
    as 0) give them the border, and on subtotal rows the grey, that the written cells carry."""
    lam_son = run.units[2]
    bare = replace(lam_son, details={c: d for c, d in lam_son.details.items() if c != "1.2"})  # nothing beside 1.2
    [path] = write_unit_workbooks(replace(run, units=(bare,)), tmp_path)
    ws = openpyxl.load_workbook(path).active
    head = find(ws, "Nội dung").row
    cols = header_map(ws, head)
    r12, tc1, total = find(ws, "1.2", column=1).row, find(ws, "TC1", column=1).row, find(ws, "TỔNG CỘNG").row
    looks = {}
    for cf in ws.conditional_formatting:
        (rule,) = cf.rules
        assert (rule.type, rule.operator, rule.formula) == ("cellIs", "equal", ["0"])
        for cells in cf.sqref.ranges:
            assert (cells.min_col, cells.max_col) == (1, len(cols))
            looks.update(dict.fromkeys(range(cells.min_row, cells.max_row + 1), rule.dxf))
    assert sorted(looks) == list(range(head + 1, total + 1))  # the table's body, nothing else
    notes = ws.cell(r12, cols["Số liệu, minh chứng"])
    assert notes.value is None and notes.border.left.style is None  # not written...
    assert looks[r12].border.left.style == looks[r12].border.bottom.style == "thin"  # ...but bordered
    assert ws.cell(r12, cols["Điểm"]).border.left.style == "thin"
    assert looks[r12].fill is None or looks[r12].fill.bgColor.rgb in (None, "00000000")
    assert ws.cell(total, 1).value is None  # the total row's code cell: not written, grey
    for row in (tc1, total):
        assert looks[row].fill.bgColor.rgb.endswith("F2F2F2") and looks[row].border.top.style == "thin"
        assert ws.cell(row, cols["Điểm"]).fill.fgColor.rgb.endswith("F2F2F2")


def test_unit_sheet_is_few_cells(tmp_path, run):
    """The unit sheet's cost is its cell count (xlsxwriter writes every cell of a merged range):
    one-line texts are single cells, empty table cells are not written (543 cells, 60 merged
    ranges before issue 7; 339 and 18 before issue 15's five columns; 192 and 11 now)."""
    [path] = write_unit_workbooks(replace(run, units=run.units[2:3]), tmp_path)  # Lam Sơn: 2 problems
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert xml.count("<c ") <= 210 and xml.count("<mergeCell ") <= 12


def test_unit_sheet_long_texts_wrap(tmp_path, run):
    """A text that fits on one line is one cell running on to the right; a longer one is merged
    across the page and wrapped, with a taller row, never cut off at the print area."""
    long_file = "Lam Sơn/" + "phiếu tự đánh giá chuẩn tiếp cận pháp luật bản cuối cùng đã ký " * 3 + ".xlsx"
    long_place = "Phường Lam Sơn, thị xã Bỉm Sơn, tỉnh Thanh Hóa, nước Cộng hòa xã hội chủ nghĩa Việt Nam"
    short = replace(run.units[2], file="14815.xlsx")
    unit = replace(run.units[2], file=long_file)
    cfg = replace(run.config, signature=replace(run.config.signature, place=long_place))
    for outcome, config, wrapped in ((short, run.config, False), (unit, cfg, True)):
        [path] = write_unit_workbooks(replace(run, config=config, units=(outcome,)), tmp_path / str(wrapped))
        ws = openpyxl.load_workbook(path).active
        merged = {str(m) for m in ws.merged_cells.ranges}
        for text in (outcome.file, f"{config.signature.place or 'Bỉm Sơn'}, ngày ...... tháng ...... năm ........"):
            cell = next(c for r in ws.iter_rows() for c in r if isinstance(c.value, str) and text in c.value)
            spans = [m for m in merged if m.startswith(f"{cell.coordinate}:")]
            assert bool(spans) == bool(cell.alignment.wrap_text) == wrapped, text
            assert not wrapped or (spans[0].endswith(f"E{cell.row}") and ws.row_dimensions[cell.row].height > 20)


def test_unit_formats_do_not_outlive_their_workbook(tmp_path, run):
    """The unit sheets' formats are remembered per workbook, never past it (a workbook holds
    every cell of every sheet)."""
    import gc

    from pipeline.writers import unit_layout as unit

    write_workbook(run, tmp_path / "a.xlsx")
    write_unit_workbooks(run, tmp_path / "don-vi")
    gc.collect()
    assert len(unit._LOOKS) == 0


def test_problems_by_row_is_row_issues_for_every_row():
    from pipeline.core.problems import Issue
    from pipeline.writers.unit_scores import problems_by_row as _problems_by_row
    from pipeline.writers.unit_scores import row_issues

    issues = (  # every row-level Issue names its indicator; the message is never parsed
        Issue("A", "error", "Điểm chỉ tiêu 2.1 là 9.", indicator="2.1"),
        Issue("B", "warning", "Chỉ tiêu 2.1: tử số lớn hơn mẫu số.", indicator="2.1"),
        Issue("C", "warning", "Số liệu chỉ tiêu 2.10 và chỉ tiêu 1.2 chưa khớp.", indicator="2.10"),  # 2.10 is not 2.1
        Issue("D", "warning", "Thiếu số điện thoại liên hệ."),
        Issue("E", "error", "Chỉ tiêu 3.2 thiếu điểm; xem chỉ tiêu 2.1.", indicator="3.2"),  # the field wins
        Issue("F", "warning", "Chỉ tiêu 2.1: nói trong câu, không ghi chỉ tiêu."),  # not a row's issue
    )
    codes = ["1.2", "2.1", "2.10", "3.2", "4.1"]
    by_row = _problems_by_row(issues, codes)
    assert {code: by_row.get(code, []) for code in codes} == {code: row_issues(issues, code) for code in codes}
    assert [i.code for i in by_row["2.1"]] == ["A", "B"] and [i.code for i in by_row["2.10"]] == ["C"]


def test_unit_sheet_without_result(book):
    ws = book["14821 Đông Sơn"]
    assert find(ws, "CHƯA NỘP PHIẾU")
    ws = book["14823 Phú Sơn"]
    assert find(ws, "PHIẾU KHÔNG DÙNG ĐƯỢC")
    assert find(ws, "B7", column=1)


def test_input_text_is_never_a_formula(tmp_path, run):
    hostile = replace(
        run,
        files=run.files
        + (FileRecord(INJECTION + ".xlsx", 10, "0" * 64, dt.datetime(2024, 1, 2), REJECTED, note=INJECTION),),
    )
    path = write_workbook(hostile, tmp_path / "wb.xlsx")
    book = openpyxl.load_workbook(path)
    ws = book["14809 Bắc Sơn"]
    cols = header_map(ws, find(ws, "Nội dung").row)
    cell = ws.cell(find(ws, "2.1", column=1).row, cols["Số liệu, minh chứng"])
    assert cell.data_type == "s" and cell.value.startswith(INJECTION)
    register = book["Hồ sơ"]
    cell = find(register, INJECTION + ".xlsx")
    assert cell.data_type == "s"
    with zipfile.ZipFile(path) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_sheet_names_short_valid_unique(tmp_path, run):
    long = "Thị trấn Có Tên Rất Rất Dài Để Thử: Độ [Dài] / Tên*"
    units = tuple(Unit(f"{30000 + n}", long, "thị trấn") for n in range(3)) + (Unit("30009", "Tổng hợp", "xã"),)
    cfg = replace(run.config, units=units)
    big = make_run(cfg, units=["recognised", "recognised", "not_submitted", "low_total"])
    book = openpyxl.load_workbook(write_workbook(big, tmp_path / "wb.xlsx"))
    names = book.sheetnames
    assert len(names) == len({n.casefold() for n in names}) == 8 + len(SEASON)
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


def test_no_unit_sheets_and_unit_workbooks(tmp_path, run):
    book = openpyxl.load_workbook(write_workbook(run, tmp_path / "wb.xlsx", per_unit_sheets=False))
    assert book.sheetnames == FIXED[:2] + SEASON + FIXED[2:]
    assert book["Tổng hợp"].cell(find(book["Tổng hợp"], "14809", column=1).row, 2).hyperlink is None
    paths = write_unit_workbooks(run, tmp_path / "don-vi")
    assert [p.name for p in paths][:2] == ["14809-bac-son.xlsx", "14812-ba-dinh.xlsx"]
    assert len(paths) == len(run.units)
    one = openpyxl.load_workbook(paths[3])
    assert one.sheetnames == ["14818 Ngọc Trạo"]
    assert any(t.startswith("CHƯA ĐẠT CHUẨN TIẾP CẬN PHÁP LUẬT") for t in texts(one.active))


def test_issue_list(book, run):
    ws = book["Lỗi dữ liệu"]
    cols = header_map(ws, 3)
    assert ws.freeze_panes == "A4" and ws.auto_filter.ref.startswith("A3:")
    row = find(ws, "POINTS_OUT_OF_RANGE").row
    assert ws.cell(row, cols["Ô"]).value == "H17"
    assert ws.cell(row, cols["Trang tính"]).value == "Bảng điểm"
    assert ws.cell(row, cols["Mức độ"]).value == "Lỗi"
    assert ws.cell(row, cols["Đơn vị"]).value == "Lam Sơn"
    assert ws.cell(row, cols["Mức độ"]).fill.fgColor.rgb.endswith("FFC7CE")
    assert ws.max_row == 3 + len(run.issues)


def test_register(book, run):
    ws = book["Hồ sơ"]
    cols = header_map(ws, 3)
    statuses = [ws.cell(r, cols["Trạng thái"]).value for r in range(4, ws.max_row + 1)]
    assert sorted(set(statuses)) == ["Bị loại", "Bị thay thế", "Bỏ qua", "Được dùng"]
    assert len(statuses) == len(run.files)
    row = find(ws, "Phú Sơn/phieu Phú Sơn 2022.xlsx").row
    assert ws.cell(row, cols["Trạng thái"]).value == "Bị loại"
    assert len(ws.cell(row, cols["SHA-256"]).value) == 64
    assert ws.auto_filter.ref.startswith("A3:")


@pytest.mark.parametrize("name", ["Lỗi dữ liệu", "Hồ sơ"])
def test_lists_print_one_page_wide_at_full_size(book, name):
    """Landscape, one page wide at 100% (the printed columns fit between the margins, so the
    11 pt body and the 9 pt codes print at their size); the register's SHA-256 is on screen only."""
    from openpyxl.utils import column_index_from_string

    from pipeline.writers.lists import PRINT_WIDTH

    ws = book[name]
    cols = header_map(ws, 3)
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$3:$3"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    area = ws.print_area.split("!")[1].replace("$", "")
    last = column_index_from_string(area.split(":")[1].rstrip("0123456789"))
    printed = [ws.column_dimensions[get_column_letter(c)].width for c in range(1, last + 1)]
    assert sum(printed) <= PRINT_WIDTH
    if name == "Hồ sơ":
        assert cols["SHA-256"] == len(cols) == last + 1  # the last column, outside the print area
        assert "SHA-256 (cột cuối, chỉ xem trên màn hình, không in)" in ws["A2"].value
    else:
        assert last == len(cols)


def test_issue_carries_indicator():
    assert issue("POINTS_MISSING", indicator="2.1", max=6).indicator == "2.1"
    assert issue("UNIT_NOT_SUBMITTED").indicator == ""


# ------------------------------------------------------------------ atomic and deterministic


def test_same_result_same_bytes(tmp_path, run):
    a = write_workbook(run, tmp_path / "a.xlsx").read_bytes()
    b = write_workbook(run, tmp_path / "b.xlsx").read_bytes()
    assert a == b
    with zipfile.ZipFile(tmp_path / "a.xlsx") as z:
        # xlsxwriter stamps every zip member with one fixed 1980 date, never the clock
        stamps = {i.date_time for i in z.infolist()}
        assert len(stamps) == 1 and stamps.pop()[0] == 1980
        core = z.read("docProps/core.xml").decode()
    assert '<dcterms:created xsi:type="dcterms:W3CDTF">2024-01-15T08:30:00Z' in core
    assert "<dc:creator>tcpl</dc:creator>" in core


def test_failed_write_keeps_previous_file(tmp_path, run, monkeypatch):
    path = write_workbook(run, tmp_path / "wb.xlsx")
    before = path.read_bytes()

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(report, "write_register", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        write_workbook(replace(run, tool_version="9.9"), path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wb.xlsx"]


def test_failed_csv_keeps_previous_file(tmp_path, run, monkeypatch):
    path = write_results_csv(run, tmp_path / "ket-qua.csv")
    before = path.read_bytes()
    monkeypatch.setattr("pipeline.writers.exports._csv_row", lambda *a: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        write_results_csv(run, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ket-qua.csv"]


# ------------------------------------------------------------------ CSV and manifest


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


def test_results_csv(tmp_path, run):
    rows = read_csv(write_results_csv(run, tmp_path / "ket-qua.csv"))
    assert rows[0] == [
        "Mã đơn vị",
        "Tên đơn vị",
        "Loại",
        "Tình trạng",
        "Ngày báo cáo",
        "Số ngày muộn",
        "TC1",
        "TC2",
        "TC3",
        "TC4",
        "TC5",
        "Tổng điểm",
        "Kết quả",
        "Lý do",
    ]
    assert len(rows) == 1 + len(run.units)
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["14809"][1:6] == ["Bắc Sơn", "phường", "Đã nộp", "2024-01-05", "-5"]
    assert by_code["14809"][6:13] == ["10", "29", "18.5", "19.25", "20", "96.75", "Đạt"]
    assert by_code["14812"][5] == "3" and by_code["14812"][12] == "Chưa đạt"
    assert by_code["14821"][3:] == ["Chưa nộp", "", "", "", "", "", "", "", "", "Chưa nộp", "Chưa nộp phiếu"]


def test_csv_neutralises_formulas(tmp_path, run):
    units = list(run.units)
    units[0] = replace(units[0], unit=replace(units[0].unit, name=INJECTION))
    units[1] = replace(units[1], unit=replace(units[1].unit, name="-2+3"))
    units[2] = replace(units[2], unit=replace(units[2].unit, name="@SUM(A1)"))
    rows = read_csv(write_results_csv(replace(run, units=tuple(units)), tmp_path / "k.csv"))
    assert [r[1] for r in rows[1:4]] == ["'" + INJECTION, "'-2+3", "'@SUM(A1)"]
    assert rows[4][1] == "Ngọc Trạo"


def test_manifest(tmp_path, run):
    path = write_manifest(run, tmp_path / "m.json", "c" * 64, "r" * 64)
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert sorted(data) == ["config", "counts", "files", "generated_at", "rule_set", "tool", "year"]
    assert data["tool"] == {"name": "tcpl", "version": "0.1.0"}
    assert data["config"]["sha256"] == "c" * 64 and data["rule_set"]["sha256"] == "r" * 64
    assert data["rule_set"]["id"] == "qd25-2021" and data["rule_set"]["file"].endswith("qd25-2021.toml")
    assert data["counts"] == run.counts and data["year"] == 2023
    assert data["generated_at"] == "2024-01-15T08:30:00"
    assert len(data["files"]) == len(run.files)
    first = data["files"][0]
    assert sorted(first) == ["modified", "note", "path", "sha256", "size", "status", "unit"]
    assert [f["path"] for f in data["files"]] == sorted(f.path for f in run.files)
    assert "Bỉm Sơn" in text or "Ba Đình" in text  # ensure_ascii=False: diacritics as written
    again = write_manifest(run, tmp_path / "m2.json", "c" * 64, "r" * 64)
    assert again.read_bytes() == path.read_bytes()
