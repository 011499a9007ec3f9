"""The xlsx toolkit (pipeline/writers/xlsx): its fast path writes exactly what stock xlsxwriter
writes (compared with the stock writers, and with fixed expected XML), the fast path is on for
the pinned xlsxwriter version, and the text-size model."""

from __future__ import annotations

import datetime as dt
import io
import re
import tomllib
import zipfile
from pathlib import Path

import pytest
from builders import INJECTION

ROOT = Path(__file__).resolve().parents[1]


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _workbook(path: Path):
    import xlsxwriter

    from pipeline.writers import xlsx as style

    wb = xlsxwriter.Workbook(str(path), style.workbook_options())
    wb.set_properties({"created": dt.datetime(2024, 1, 15, 8, 30)})
    return wb, style.Formats(wb)


def _every_kind_of_cell(ws, fmt) -> None:
    """Cells of every type xlsxwriter stores, with and without formats, written out of order,
    with merged ranges, row and column formats, heights, comments, links and a blank row."""
    ws.set_column(0, 0, 12, fmt("pts"))
    ws.set_row(7, 30, fmt("bold"))
    ws.set_row(40, 25)  # a row with a height and nothing in it
    ws.write_number(3, 2, 1 / 3, fmt("cell", "pts"))
    ws.write_number(3, 1, 10**20)
    ws.write_number(0, 0, -0.0, fmt("cell"))
    ws.write_string(1, 3, 'a & b < "c" >\n_x0041_ \x07 ', fmt("cell", "wrap"))
    ws.write_string(1, 0, "  leading space", None)
    ws.write_blank(2, 2, None, fmt("cell", "ok"))
    ws.write_datetime(4, 0, dt.datetime(2024, 1, 2, 3, 4, 5), fmt("datetime"))
    ws.write_datetime(4, 1, dt.datetime(2024, 1, 2, 3, 4, 5))  # the default date format
    ws.write_formula(5, 0, "=SUM(A1:B2)", fmt("bold"), 3)
    ws.write_formula(5, 1, '="x"', None, "x")
    ws.write_boolean(5, 2, True, fmt("center"))
    ws.write_rich_string(6, 0, "plain ", fmt("bold"), "bold", fmt("cell"))
    ws.write_url(7, 1, "internal:'Khác'!A1", fmt("link"), string="liên kết")
    ws.write_number(7, 0, 7)  # the row's format
    ws.write_number(8, 0, 8)  # the column's format
    ws.merge_range(9, 0, 9, 3, "", fmt("head"))
    ws.write_string(9, 0, "gộp", fmt("head"))
    ws.write_comment(11, 5, "ghi chú")  # a comment in a row without cells
    ws.write_comment(3, 6, "ghi chú ngoài bảng")
    for r in range(12, 60):
        ws.write_number(r, r % 7, r * 1.25, fmt("cell", "pts") if r % 3 else None)
        ws.write_string(r, 8 + r % 3, f"dòng {r}", fmt("cell"))
    for c, value in enumerate((15, 15.0, -0.0, 0, 0.0, -0.0, 2**53 + 1, float(2**53), True, 1, 1.0)):
        ws.write_number(60, c, value, fmt("cell"))  # equal numbers, zeros of both signs


def test_fast_sheet_writes_exactly_what_xlsxwriter_writes(tmp_path):
    from pipeline.writers import xlsx as style

    if not style.FAST_SHEETS:
        pytest.skip("xlsxwriter version not checked: stock worksheets are used")
    paths = []
    for cls in (None, style.Sheet):
        path = tmp_path / f"{'stock' if cls is None else 'fast'}.xlsx"
        wb, fmt = _workbook(path)
        _every_kind_of_cell(wb.add_worksheet("Một", worksheet_class=cls), fmt)
        wb.add_worksheet("Trống", worksheet_class=cls)
        taller = wb.add_worksheet("Hàng cao", worksheet_class=cls)
        taller.set_default_row(24)  # every row element then carries a height
        _every_kind_of_cell(taller, fmt)
        wb.close()
        paths.append(path)
    stock, fast = (_members(p) for p in paths)
    assert stock == fast


PUT_VALUES = [
    "chữ",
    "",
    None,
    True,
    False,
    0,
    7,
    -3,
    2.5,
    1 / 3,
    -0.0,
    10**20,
    float("nan"),
    float("inf"),
    dt.date(2024, 1, 2),
    dt.datetime(2024, 1, 2, 3, 4, 5),
    dt.datetime(2024, 1, 2, 3, tzinfo=dt.UTC),
    "x" * 20_000,
    "y" * 40_000,
    "😀" * 17_000,
    INJECTION,
    "dòng 1\ndòng 2",
]


def _odd_values():
    import decimal
    import enum
    import fractions

    import numpy

    class Level(str, enum.Enum):  # noqa: UP042 (a str subclass whose str() is not its value)
        HIGH = "cao"

    return [fractions.Fraction(1, 3), decimal.Decimal("1.5"), Level.HIGH, numpy.float64(2.25), numpy.int64(4)]


def test_put_row_is_put_cell_by_cell(tmp_path):
    from pipeline.writers import xlsx as style

    values = PUT_VALUES + _odd_values()
    out = []
    for how in ("put", "put_row"):
        path = tmp_path / f"{how}.xlsx"
        wb, fmt = _workbook(path)
        for cls in (None, style.Sheet):
            ws = wb.add_worksheet("stock" if cls is None else "fast", worksheet_class=cls)
            for row, formats in enumerate(
                (
                    [fmt("cell")] * len(values),
                    [None] * len(values),
                    [fmt("cell", "pts") if n % 2 else None for n in range(len(values))],
                )
            ):
                if how == "put":
                    for col, (value, f) in enumerate(zip(values, formats, strict=True), start=1):
                        style.put(ws, row * 2 + 1, col, value, f)
                else:
                    style.put_row(ws, row * 2 + 1, 1, values, formats)
            if how == "put_row":
                style.put_row(ws, 9, 0, [None, ""], [None, None])  # blanks without a format: no cells
        wb.close()
        out.append(_members(path))
    assert out[0] == out[1]


def test_write_table_col_fmt_is_cell_fmt(tmp_path):
    """Extra pieces per column and row (col_fmt) are the same cells as asking cell_fmt per cell."""
    from pipeline.writers import xlsx as style

    cols = [
        style.Col("Mã", ("center",)),
        style.Col("Tên", wrap=True, min=8, max=12),
        style.Col("Điểm", ("pts",)),
        style.Col("Ghi chú", ("small",), wrap=True, min=6, max=10),
    ]
    rows = [[n, f"Đơn vị số {n} " * (n % 3 + 1), n * 1.5 if n % 4 else None, "dài " * n] for n in range(30)]
    tone = ["ok" if n % 3 == 0 else "" if n % 3 == 1 else ("bad", "bold") for n in range(30)]
    out = []
    for how in ("cell_fmt", "col_fmt"):
        path = tmp_path / f"{how}.xlsx"
        wb, fmt = _workbook(path)
        ws = style.add_sheet(wb, "Bảng")
        if how == "cell_fmt":

            def extra(r, c, v):
                t = tone[r]
                return ((t,) if isinstance(t, str) else t) if c == 2 else ()

            last = style.write_table(ws, fmt, 1, cols, rows, cell_fmt=extra)
        else:
            last = style.write_table(ws, fmt, 1, cols, rows, col_fmt={2: tone})
        assert last == 31
        wb.close()
        out.append(_members(path))
    assert out[0] == out[1]


def test_widest_text_is_the_widest_text_width():
    from pipeline.writers.xlsx import Col, text_width, widest_text

    columns = [
        ["a", "bcd", ""],
        ["dòng 1\ndòng dài 2", "x"],
        [1.5, None, 123.456],
        [None, None],
        [1, 22, 333],
        [True, 5],
        [dt.date(2024, 1, 1), "ab"],
        [dt.datetime(2024, 1, 1), None],
        ["a", 1.0, None, 12],
    ]
    for values in columns:
        assert widest_text(values) == max(text_width(v) for v in values)
        assert widest_text(iter(values)) == widest_text(values)
    assert widest_text([]) is None
    col = Col("Ngày báo cáo", min=11, max=11)
    assert col.width(["một giá trị rất dài"] * 3) == 11 == col.width([])


def test_formats_ignore_empty_pieces_and_are_shared(tmp_path):
    wb, fmt = _workbook(tmp_path / "f.xlsx")
    assert fmt("cell", "", "pts") is fmt("cell", "pts") is fmt("cell", "pts", "")
    wb.close()


def test_gc_paused_restores_the_collector():
    import gc

    from pipeline.writers.xlsx import gc_paused

    @gc_paused
    def inside():
        return gc.isenabled()

    @gc_paused
    def fails():
        raise ValueError("x")

    was = gc.isenabled()
    try:
        gc.enable()
        assert inside() is False and gc.isenabled()
        with pytest.raises(ValueError):
            fails()
        assert gc.isenabled()
        gc.disable()
        assert inside() is False and not gc.isenabled()  # left off when it was off
    finally:
        gc.enable() if was else gc.disable()


# ------------------------------------------------------------------ the fast path: fixed XML, version gate


def test_fast_path_is_on_for_the_pinned_xlsxwriter():
    """pyproject pins xlsxwriter; the fast path must be checked for that version, or every sheet
    is silently written the slow way (update CHECKED_XLSXWRITER after checking a new version)."""
    import xlsxwriter

    from pipeline.writers.xlsx import fast_sheet

    pins = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    pinned = next(
        re.fullmatch(r"xlsxwriter==([\w.]+)", p.split("#")[0].strip().lower())
        for p in pins
        if p.lower().startswith("xlsxwriter")
    )
    assert pinned is not None, "xlsxwriter is not pinned with == in pyproject.toml"
    assert pinned.group(1) in fast_sheet.CHECKED_XLSXWRITER
    assert xlsxwriter.__version__ == pinned.group(1)
    assert fast_sheet.FAST_SHEETS


# What the fast path writes for the small sheet below, as xlsxwriter 3.3.1 writes it (XlsxWriter's
# own tests assert its writers' XML the same way): shared strings, formats, a date, -0, an
# exponent, an unformatted string, blanks, a row height, and a formula (xlsxwriter's own path).
SMALL_SHEET_XML = (
    "<sheetData>"
    '<row r="1" spans="1:6"><c r="A1" s="1" t="s"><v>0</v></c><c r="B1" s="1" t="s"><v>1</v></c>'
    '<c r="C1" s="1" t="s"><v>2</v></c><c r="D1" s="1" t="s"><v>3</v></c></row>'
    '<row r="2" spans="1:6"><c r="A2" s="2" t="s"><v>4</v></c><c r="B2" s="2" t="s"><v>5</v></c>'
    '<c r="C2" s="3"><v>2.125</v></c><c r="D2" s="4"><v>45296</v></c></row>'
    '<row r="3" spans="1:6"><c r="B3" t="s"><v>6</v></c><c r="C3" s="2"/><c r="D3" s="2"><v>-0</v></c>'
    '<c r="E3" s="2"><v>1E+20</v></c><c r="F3" s="2"/></row>'
    '<row r="4" spans="1:6" ht="30" customHeight="1"><c r="A4" s="2"><v>7</v></c></row>'
    '<row r="5" spans="1:6"><c r="C5" s="3"><f>SUM(C2:C3)</f><v>2.125</v></c></row>'
    "</sheetData>"
)
SMALL_SHEET_STRINGS = ["Mã", "Tên", "Điểm", "Ngày", "14809", "Bắc Sơn", "a &amp; &lt;b&gt;"]


def _small_sheet(worksheet_class) -> dict[str, bytes]:
    import xlsxwriter

    from pipeline.writers import xlsx

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, xlsx.workbook_options())
    wb.set_properties({"created": dt.datetime(2024, 1, 15, 8, 30)})
    fmt = xlsx.Formats(wb)
    ws = wb.add_worksheet("Một", worksheet_class=worksheet_class)
    xlsx.put_row(ws, 0, 0, ["Mã", "Tên", "Điểm", "Ngày"], [fmt("head")] * 4)
    xlsx.put_row(
        ws,
        1,
        0,
        ["14809", "Bắc Sơn", 2.125, dt.date(2024, 1, 5)],
        [fmt("cell"), fmt("cell"), fmt("cell", "pts"), fmt("date")],
    )
    xlsx.put_row(ws, 2, 1, ["a & <b>", None, -0.0, 10**20, ""], [None] + [fmt("cell")] * 4)
    ws.set_row(3, 30)
    xlsx.put(ws, 3, 0, 7, fmt("cell"))
    ws.write_formula(4, 2, "=SUM(C2:C3)", fmt("cell", "pts"), 2.125)
    wb.close()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_fast_sheet_writes_the_expected_xml():
    from pipeline.writers.xlsx import fast_sheet

    if not fast_sheet.FAST_SHEETS:
        pytest.skip("xlsxwriter version not checked: stock worksheets are used")
    members = _small_sheet(fast_sheet.Sheet)
    sheet = members["xl/worksheets/sheet1.xml"].decode("utf-8")
    assert sheet[sheet.index("<sheetData>") : sheet.index("</sheetData>") + len("</sheetData>")] == SMALL_SHEET_XML
    strings = members["xl/sharedStrings.xml"].decode("utf-8")
    assert re.findall(r"<t>(.*?)</t>", strings) == SMALL_SHEET_STRINGS
    assert members == _small_sheet(None)  # and the stock writers agree, byte for byte


def test_without_the_gate_rows_are_written_cell_by_cell(monkeypatch):
    """With an unchecked xlsxwriter version nothing of the fast path runs, and the bytes are
    those of the stock writers all the same."""
    from pipeline.writers.xlsx import fast_sheet

    expected = _small_sheet(None)
    monkeypatch.setattr(fast_sheet, "FAST_SHEETS", False)
    assert _small_sheet(None) == expected


# ------------------------------------------------------------------ the text-size model


def test_one_text_model_two_calibrations():
    from pipeline.writers.xlsx.measure import FORM, REPORT, lines_needed, row_height, wrapped_lines

    text = "Tỷ lệ văn bản quy phạm pháp luật được ban hành đúng thẩm quyền, đúng hạn"  # 72 letters
    # The form's calibration: whole characters, 1.1 a unit at 12 pt (1.2 at 11), 0.9 in bold.
    assert FORM.per_line(46, 12, False, False) == 50 and FORM.per_line(46, 11, True, False) == 49
    assert FORM.lines(text, 46, 12) == 2 and FORM.lines(text, 66, 12) == 1
    assert FORM.lines("a\n\nb", 10, 12) == 3  # an empty line still takes a line
    assert FORM.row_height(2, 12) == 34.7 and FORM.row_height(1, 11) == 17.5
    # The report's: fractional characters, less a margin of 2.
    assert lines_needed(text, 40) == REPORT.lines(text, 40, 11) == 2
    assert row_height(1) == REPORT.row_height(1, 11) == 17.75 and row_height(0) == 17.75
    assert wrapped_lines("x" * 10, 4.5) == 3 and wrapped_lines("", 3) == 1
