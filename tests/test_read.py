"""read_workbook(): where every value is found, on the form as written and on forms that
communes (or other programs) have changed, and what happens with files that are not forms."""

from __future__ import annotations

import shutil
import struct
import zipfile

import openpyxl
import pytest

from pipeline.core import layout
from pipeline.core.cells import a1, col_letter, parse_a1
from pipeline.core.model import Located
from pipeline.core.problems import issue
from pipeline.readers.form import read_workbook
from pipeline.readers.names import defined_names
from pipeline.readers.sniff import sniff


def named_cells(path) -> dict[str, tuple[str, str]]:
    """Where the form itself says each input is: defined name -> (sheet, 'H8'), read with openpyxl."""
    wb = openpyxl.load_workbook(path)
    out = {}
    for name, dn in wb.defined_names.items():
        for sheet, ref in dn.destinations:
            out[name] = (sheet, ref.replace("$", ""))
    return out


def shift_cell(cell: str, rows: int = 0, cols: int = 0) -> str:
    r, c = parse_a1(cell)
    return a1(r + rows, c + cols)


def located(sub, field: str, code: str) -> tuple:
    loc = sub.rows[code][field]
    return loc.value, loc.sheet, loc.cell


def issue_tuples(issues) -> list[tuple]:
    return [(i.file, i.sheet, i.cell, i.code) for i in issues]


@pytest.fixture
def form(tmp_path, make_form):
    return make_form(tmp_path / "form.xlsx")


# ----------------------------------------------------------------------------- the form as written


def test_filled_form_reads_every_value_at_its_named_cell(form, rule_set, filled):
    values = filled
    names = named_cells(form)
    sub, issues = read_workbook(form, "xa/form.xlsx", rule_set)

    assert issues == []
    assert sub.file == "xa/form.xlsx"
    assert (sub.score_sheet, sub.cover_sheet) == (layout.SHEET_SCORES, layout.SHEET_COVER)
    assert sub.cover["ma_don_vi"] == Located(filled["ma_don_vi"], *names["ma_don_vi"])
    assert sub.cover["ngay_bao_cao"].value.isoformat()[:10] == "2024-01-05"
    assert (sub.cover["ngay_bao_cao"].sheet, sub.cover["ngay_bao_cao"].cell) == names["ngay_bao_cao"]
    for d in rule_set.conditions.declarations:
        assert sub.cover[d.key] == Located("Không", *names[d.key])
    assert sub.meta["template_id"].value == layout.TEMPLATE_ID
    assert set(sub.rows) == {i.code for i in rule_set.indicators}
    for ind in rule_set.indicators:
        for field in layout.INDICATOR_FIELDS:
            name = layout.indicator_name(field, ind.code)
            value, sheet, cell = located(sub, field, ind.code)
            if name not in names:  # a column this indicator has no input in (grey cell)
                assert value is None, name
                continue
            assert (sheet, cell) == names[name], name
            assert value == values.get(name), name
    # The example of the brief, spelled out once.
    assert located(sub, "diem", "1.1")[1:] == ("Bảng điểm", "H8")
    for c in rule_set.criteria:
        assert (
            sub.cached_totals[layout.criterion_total_name(c.code)].cell == names[layout.criterion_total_name(c.code)][1]
        )
    assert sub.cached_totals[layout.TOTAL_NAME].cell == names[layout.TOTAL_NAME][1]


def test_defined_names_are_parsed_from_the_package(form):
    names = defined_names(form.read_bytes())
    sheet, row, col = names["diem_1_1"]
    assert (sheet, a1(row, col)) == named_cells(form)["diem_1_1"]


# ----------------------------------------------------------------------------- forms changed by hand


def test_rows_inserted_above_both_tables_are_followed(tmp_path, form, rule_set, filled):
    # openpyxl shifts cells but not the defined names: the names now point one row too high,
    # and the reader must not believe them.
    names = named_cells(form)
    wb = openpyxl.load_workbook(form)
    wb[layout.SHEET_SCORES].insert_rows(3)
    wb[layout.SHEET_COVER].insert_rows(2, amount=2)
    changed = tmp_path / "changed.xlsx"
    wb.save(changed)

    sub, issues = read_workbook(changed, "changed.xlsx", rule_set)

    assert issues == []
    for ind in rule_set.indicators:
        sheet, cell = names[layout.indicator_name("diem", ind.code)]
        assert located(sub, "diem", ind.code)[1:] == (sheet, shift_cell(cell, rows=1))
    assert located(sub, "diem", "1.1")[1:] == ("Bảng điểm", "H9")
    assert sub.cover["ma_don_vi"] == Located(
        filled["ma_don_vi"], layout.SHEET_COVER, shift_cell(names["ma_don_vi"][1], rows=2)
    )


def test_column_inserted_before_the_table_is_followed_by_headings(tmp_path, form, rule_set, filled):
    wb = openpyxl.load_workbook(form)
    wb[layout.SHEET_SCORES].insert_cols(1)  # the used range now starts in column B
    changed = tmp_path / "changed.xlsx"
    wb.save(changed)

    sub, issues = read_workbook(changed, "changed.xlsx", rule_set)

    assert issues == []
    expected = shift_cell(named_cells(form)["diem_1_1"][1], cols=1)
    assert located(sub, "diem", "1.1") == (filled["diem_1_1"], "Bảng điểm", expected)


def test_renamed_sheets_are_found_by_content(tmp_path, form, rule_set, filled):
    wb = openpyxl.load_workbook(form)
    wb[layout.SHEET_SCORES].title = "Sheet1"
    wb[layout.SHEET_COVER].title = "Bia"
    wb.move_sheet("Sheet1", offset=-1)  # order changed too
    changed = tmp_path / "changed.xlsx"
    wb.save(changed)

    sub, issues = read_workbook(changed, "changed.xlsx", rule_set)

    assert issues == []
    assert (sub.score_sheet, sub.cover_sheet) == ("Sheet1", "Bia")
    cell = named_cells(form)["diem_1_1"][1]
    assert located(sub, "diem", "1.1")[1:] == ("Sheet1", cell)
    assert sub.cover["ma_don_vi"].value == filled["ma_don_vi"]


def test_codes_saved_as_numbers_are_recognised(tmp_path, form, rule_set):
    wb = openpyxl.load_workbook(form)
    ws = wb[layout.SHEET_SCORES]
    for row in ws.iter_rows(min_col=1, max_col=1):
        if isinstance(row[0].value, str) and row[0].value[:1].isdigit():
            row[0].value = float(row[0].value)
    changed = tmp_path / "changed.xlsx"
    wb.save(changed)

    sub, issues = read_workbook(changed, "changed.xlsx", rule_set)

    assert issues == []
    assert set(sub.rows) == {i.code for i in rule_set.indicators}


def _score_row(ws, code: str) -> int:
    return next(c.row for c in ws["A"] if c.value == code)


def test_missing_duplicate_and_unknown_indicator_rows(tmp_path, form, rule_set):
    wb = openpyxl.load_workbook(form)
    ws = wb[layout.SHEET_SCORES]
    ws.delete_rows(_score_row(ws, "1.2"))
    dup = _score_row(ws, "2.2")
    ws.cell(dup, 1).value = "2.1"
    extra = _score_row(ws, layout.TOTAL_CODE)
    ws.insert_rows(extra)
    ws.cell(extra, 1).value = "9.9"
    changed = tmp_path / "changed.xlsx"
    wb.save(changed)

    sub, issues = read_workbook(changed, "x/changed.xlsx", rule_set)

    assert issue_tuples(issues) == [
        ("x/changed.xlsx", "Bảng điểm", f"A{dup}", "INDICATOR_DUPLICATE"),
        ("x/changed.xlsx", "Bảng điểm", f"A{extra}", "INDICATOR_UNKNOWN"),
        ("x/changed.xlsx", "Bảng điểm", "", "INDICATOR_MISSING"),
        ("x/changed.xlsx", "Bảng điểm", "", "INDICATOR_MISSING"),
    ]
    assert [i.indicator for i in issues] == ["2.1", "", "1.2", "2.2"]
    assert [i.severity for i in issues] == ["error", "warning", "error", "error"]
    assert "1.2" not in sub.rows and "9.9" not in sub.rows
    assert located(sub, "diem", "2.1")[2] == f"H{dup - 1}"  # the first occurrence is kept


def test_xlsm_is_read_with_a_macro_warning(tmp_path, form, rule_set):
    target = tmp_path / "form.xlsm"
    shutil.copy(form, target)
    sub, issues = read_workbook(target, "form.xlsm", rule_set)
    assert sub is not None and len(sub.rows) == len(rule_set.indicators)
    assert issue_tuples(issues) == [("form.xlsm", "", "", "MACROS_PRESENT")]


# ----------------------------------------------------------------------------- not a usable form


def test_unrelated_workbook_is_not_our_form(tmp_path, rule_set):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Tên", "Giá"])
    ws.append(["Gạo", 1.1])  # one code-like number is not enough to be a form
    ws.append(["Muối", 2.5])
    path = tmp_path / "bang gia.xlsx"
    wb.save(path)
    assert read_workbook(path, "bang gia.xlsx", rule_set) == (None, [issue("NOT_OUR_FORM", file="bang gia.xlsx")])


def test_text_and_pdf_renamed_xlsx_are_not_spreadsheets(tmp_path, rule_set):
    for name, data, detail in (
        ("a.xlsx", "Báo cáo của xã".encode(), "tệp văn bản"),
        ("b.xlsx", b"%PDF-1.7\n...", "tài liệu PDF"),
        ("c.xls", b"<html><table><tr><td>1</td></tr></table></html>", "trang web HTML"),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        sub, issues = read_workbook(path, name, rule_set)
        assert sub is None
        assert issue_tuples(issues) == [(name, "", "", "FILE_NOT_SPREADSHEET")]
        assert issues[0].value == detail


def test_truncated_zip_is_corrupt(tmp_path, form, rule_set):
    path = tmp_path / "cut.xlsx"
    path.write_bytes(form.read_bytes()[:2000])
    sub, issues = read_workbook(path, "cut.xlsx", rule_set)
    assert sub is None
    assert issue_tuples(issues) == [("cut.xlsx", "", "", "FILE_CORRUPT")]


def test_damaged_member_inside_a_valid_zip_is_corrupt(tmp_path, form, rule_set):
    path = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(form) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, b"<not xml" if "worksheets/" in item.filename else data)
    sub, issues = read_workbook(path, "bad.xlsx", rule_set)
    assert sub is None
    assert issue_tuples(issues) == [("bad.xlsx", "", "", "FILE_CORRUPT")]


def test_word_document_in_a_zip_is_not_a_spreadsheet(tmp_path, rule_set):
    path = tmp_path / "bao cao.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    sub, issues = read_workbook(path, "bao cao.xlsx", rule_set)
    assert (sub, [(i.code, i.value) for i in issues]) == (None, [("FILE_NOT_SPREADSHEET", "tài liệu Word")])


# ----------------------------------------------------------------------------- OLE containers

ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE compound file (CFB v3) holding the given streams in the root storage.

    olefile cannot write new files, so tests build one by hand: sector 0 is the FAT, sector 1
    the directory, then each non-empty stream padded to 4096 bytes (so no mini stream).
    """
    assert len(streams) <= 3
    data_sectors: list[bytes] = []
    entries = [("Root Entry", 5, ENDOFCHAIN, 0)]
    fat = [FATSECT, ENDOFCHAIN]
    for name, data in streams.items():
        if not data:
            entries.append((name, 2, ENDOFCHAIN, 0))
            continue
        data = data.ljust(max(4096, -(-len(data) // 512) * 512), b"\0")
        first = 2 + len(data_sectors)
        count = len(data) // 512
        data_sectors += [data[i * 512 : (i + 1) * 512] for i in range(count)]
        fat += [first + i + 1 for i in range(count - 1)] + [ENDOFCHAIN]
        entries.append((name, 2, first, len(data)))
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
    struct.pack_into("<109I", header, 76, 0, *([FREESECT] * 108))
    directory = bytearray(512)
    for n, (name, kind, start, size) in enumerate(entries):
        raw = name.encode("utf-16-le") + b"\0\0"
        child = 1 if kind == 5 and len(entries) > 1 else NOSTREAM
        right = n + 1 if kind == 2 and n + 1 < len(entries) else NOSTREAM
        entry = raw.ljust(64, b"\0") + struct.pack("<HBBIII", len(raw), kind, 1, NOSTREAM, right, child)
        entry += b"\0" * 36 + struct.pack("<IQ", start, size)
        directory[n * 128 : (n + 1) * 128] = entry
    fat_sector = struct.pack(f"<{len(fat)}I", *fat) + struct.pack("<I", FREESECT) * (128 - len(fat))
    return bytes(header) + fat_sector + bytes(directory) + b"".join(data_sectors)


def biff(*records: tuple[int, bytes]) -> bytes:
    return b"".join(struct.pack("<HH", rtype, len(body)) + body for rtype, body in records)


BOF = (0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0))
EOF = (0x000A, b"")
FILEPASS = (0x002F, struct.pack("<H", 1) + b"\0" * 52)


def test_sniff_encrypted_ooxml_package():
    data = compound_file({"EncryptionInfo": b"", "EncryptedPackage": b""})
    assert sniff(data).problem == "FILE_ENCRYPTED"


def test_sniff_encrypted_xls_by_filepass_record():
    assert sniff(compound_file({"Workbook": biff(BOF, FILEPASS, EOF)})).problem == "FILE_ENCRYPTED"
    plain = sniff(compound_file({"Workbook": biff(BOF, EOF)}))
    assert (plain.container, plain.problem) == ("ole", "")


def test_sniff_other_ole_documents_and_damaged_headers():
    word = sniff(compound_file({"WordDocument": b"x" * 10}))
    assert (word.problem, word.detail) == ("FILE_NOT_SPREADSHEET", "tài liệu Word (.doc)")
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100).problem == "FILE_CORRUPT"
    assert sniff(b"PK\x03\x04garbage").problem == "FILE_CORRUPT"


def test_encrypted_workbook_file_is_reported(tmp_path, rule_set):
    path = tmp_path / "mat khau.xlsx"
    path.write_bytes(compound_file({"EncryptionInfo": b"", "EncryptedPackage": b"\1" * 600}))
    sub, issues = read_workbook(path, "mat khau.xlsx", rule_set)
    assert sub is None
    assert issue_tuples(issues) == [("mat khau.xlsx", "", "", "FILE_ENCRYPTED")]


def test_unreadable_path_never_raises(tmp_path, rule_set):
    sub, issues = read_workbook(tmp_path / "gone.xlsx", "gone.xlsx", rule_set)
    assert sub is None and issue_tuples(issues) == [("gone.xlsx", "", "", "FILE_CORRUPT")]


def test_cell_addresses():
    assert [col_letter(n) for n in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]
    assert parse_a1("$AB$12") == (11, 27) and a1(11, 27) == "AB12"
    assert parse_a1("B") is None


# ----------------------------------------------------------------------------- OpenDocument


def ods_file(path, sheets: dict[str, list[list]]) -> None:
    """A minimal .ods (what LibreOffice writes, reduced to the parts a reader needs)."""
    from xml.sax.saxutils import escape, quoteattr

    def cell(value) -> str:
        if value is None or value == "":
            return "<table:table-cell/>"
        if isinstance(value, bool):
            return (
                f'<table:table-cell office:value-type="boolean" office:boolean-value="{str(value).lower()}">'
                "<text:p/></table:table-cell>"
            )
        if isinstance(value, (int, float)):
            return f'<table:table-cell office:value-type="float" office:value="{value!r}"><text:p/></table:table-cell>'
        if hasattr(value, "isoformat"):
            return (
                f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                "<text:p/></table:table-cell>"
            )
        return f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'

    tables = "".join(
        f"<table:table table:name={quoteattr(name)}>"
        + "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
        + "</table:table>"
        for name, rows in sheets.items()
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
        zf.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )


def test_form_saved_as_ods_reads_the_same_values(tmp_path, form, rule_set, filled):
    # The same cells as the xlsx form, without defined names: everything is found by search.
    wb = openpyxl.load_workbook(form)
    sheets = {
        ws.title: [[c.value if not str(c.value).startswith("=") else None for c in row] for row in ws.iter_rows()]
        for ws in wb
    }
    ods = tmp_path / "form.ods"
    ods_file(ods, sheets)

    from_xlsx, _ = read_workbook(form, "form.xlsx", rule_set)
    from_ods, issues = read_workbook(ods, "form.ods", rule_set)

    assert issues == []
    assert from_ods.rows == from_xlsx.rows
    assert from_ods.cover["ma_don_vi"] == from_xlsx.cover["ma_don_vi"]
    assert from_ods.cover["ngay_bao_cao"].value.isoformat()[:10] == "2024-01-05"
    assert sniff(ods.read_bytes()).container == "ods"


def test_entity_declarations_in_workbook_xml_are_refused(tmp_path, form, rule_set):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(form) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/workbook.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>', 1)
            dst.writestr(item, data)
    sub, issues = read_workbook(path, "bomb.xlsx", rule_set)
    assert sub is None
    assert issue_tuples(issues) == [("bomb.xlsx", "", "", "FILE_UNSAFE")]


def test_xls_without_sheets_is_read_and_found_not_to_be_a_form(tmp_path, rule_set):
    path = tmp_path / "cu.xls"
    path.write_bytes(compound_file({"Workbook": biff(BOF, EOF)}))
    sub, issues = read_workbook(path, "cu.xls", rule_set)
    assert sub is None
    assert issue_tuples(issues) == [("cu.xls", "", "", "NOT_OUR_FORM")]
