"""Hostile and broken inputs, through the real pipeline: each file gets a located Vietnamese
problem and a status in the register, the run goes on, and the good files are still used.

The corpus is built by the tests (tests/corpus.py); nothing binary is committed. Files that
would exhaust memory without the defences of pipeline/safety.py (zip bombs, far cells, ODS
repeats, a .xls with a far cell) run in a subprocess, so a regression fails one test instead
of killing the test session, and the memory they cost is measured there.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import builders
import corpus
import olefile
import pytest
from builders import form, named_cell
from corpus import nfd

from pipeline.app import run
from pipeline.core import layout
from pipeline.core.model import REJECTED, SUBMITTED, SUPERSEDED, USED
from pipeline.core.problems import CATALOGUE, ERROR, WARNING, display
from pipeline.readers import safety
from pipeline.readers.form import read_workbook
from pipeline.readers.sniff import sniff

ROOT = Path(__file__).resolve().parents[1]


def issues_of(result, file: str) -> list[tuple[str, str, str]]:
    return sorted((i.sheet, i.cell, i.code) for i in result.issues if i.file == file)


def status_of(result, file: str) -> str:
    return next(f.status for f in result.files if f.path == file)


# ----------------------------------------------------------------------------- the corpus, one run


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    config = builders.make_config(root, max_file_mb=1)
    inputs, src = config.inputs, root / "src"
    src.mkdir()
    good = form(inputs / "bac-son.xlsx", "14809", "Bắc Sơn")
    corpus.copy(good, inputs / "ban-sao" / "bac-son.xlsx")  # the same file sent twice
    corpus.not_a_spreadsheet(inputs / "bao-cao.xlsx")
    corpus.truncated(inputs / "cut.xlsx", good)
    corpus.encrypted(inputs / "mat-khau.xlsx")
    (inputs / "rong.xlsx").write_bytes(b"")
    corpus.billion_laughs(inputs / "thuc-the.xlsx", good)
    corpus.billion_laughs(inputs / "thuc-the-2.xlsx", good, part="xl/workbook.xml")
    corpus.macros_and_links(inputs / "ba-dinh.xlsm", form(src / "bd.xlsx", "14812", "Ba Đình"))
    corpus.unrelated_workbook(inputs / "danh-sach.xlsx")
    bang_gia(inputs / "bang-gia.xlsx")
    builders.set_meta(form(inputs / "lam-son.xlsx", "14815", "Lam Sơn"), "template_version", 0)
    form(inputs / "nam-truoc.xlsx", "90001", "Thử Nghiệm Một", "xã", nam_danh_gia=2022)
    builders.set_meta(form(inputs / "bo-khac.xlsx", "90002", "Thử Nghiệm Hai", "xã"), "rule_set", "qd619-2017")
    builders.edit_with_openpyxl(form(inputs / "sua-bang.xlsx", "90003", "Thử Nghiệm Ba", "xã"), reshape)
    typed_over = form(inputs / "dong-son.xlsx", "14821", "Đông Sơn")
    sheet, cell = named_cell(typed_over, "diem_1_1")
    builders.edit_with_openpyxl(typed_over, lambda wb: wb[sheet].__setitem__(cell, "=1+1"))
    base = builders.form_values("14823", "Phú Sơn")
    as_text = {
        "diem_1_1": f"{display(base['diem_1_1'])}",
        "diem_1_2": f"{display(base['diem_1_2'])} điểm",
        "diem_2_1": f" {display(base['diem_2_1'])} ",
        "tu_so_2_5": "10",
        "ngay_bao_cao": "05/01/2024",
    }
    form(inputs / "phu-son.xlsx", "14823", "Phú Sơn", **as_text)
    form(inputs / "quang-trung.xlsx", "14824", "Quang Trung", "xã", diem_1_1=-1, diem_1_2=99)
    form(inputs / nfd("ngọc trạo.xlsx"), "14818", nfd("Ngọc Trạo"))
    corpus.too_large(inputs / "qua-lon.xlsx", 3 * corpus.MB // 2)
    form(inputs / "muon.xlsx", "90004", "Thử Nghiệm Bốn", "xã", ngay_bao_cao=dt.date(2024, 1, 20))
    (inputs / "~$bac-son.xlsx").write_bytes(b"\0" * 165)  # Excel's owner file while it is open
    (inputs / ".~lock.bac-son.xlsx#").write_text("x,máy,01.01.2024")  # LibreOffice's
    return run.collect(config), cell


def bang_gia(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Mặt hàng", "Đơn vị", "Giá"])
    for row in (["Gạo", "kg", 18000], ["Muối", "kg", 6000], ["Nước mắm", "chai", 35000]):
        ws.append(row)
    wb.save(path)
    return path


def reshape(wb) -> None:
    """Sheets renamed, rows inserted above the table, a title merged, the row of 1.2 deleted."""
    wb[layout.SHEET_SCORES].title = "Bang diem (sua)"
    wb[layout.SHEET_COVER].title = "Bia"
    ws = wb["Bang diem (sua)"]
    ws.insert_rows(3, amount=2)
    ws.merge_cells("B1:D1")
    ws.delete_rows(next(c.row for c in ws["A"] if c.value == "1.2"))


UNSAFE_DETAIL = "XML có khai báo DOCTYPE/ENTITY ở phần "

# file -> (status in the register, every issue of the file as (sheet, cell, code))
EXPECTED = {
    "bac-son.xlsx": (SUPERSEDED, [("", "", "DUPLICATE_FILE"), ("", "", "SUPERSEDED")]),
    "ban-sao/bac-son.xlsx": (USED, []),
    "bao-cao.xlsx": (REJECTED, [("", "", "FILE_NOT_SPREADSHEET")]),
    "cut.xlsx": (REJECTED, [("", "", "FILE_CORRUPT")]),
    "mat-khau.xlsx": (REJECTED, [("", "", "FILE_ENCRYPTED")]),
    "rong.xlsx": (REJECTED, [("", "", "FILE_EMPTY")]),
    "thuc-the.xlsx": (REJECTED, [("", "", "FILE_UNSAFE")]),
    "thuc-the-2.xlsx": (REJECTED, [("", "", "FILE_UNSAFE")]),
    "ba-dinh.xlsm": (USED, [("", "", "EXTERNAL_LINKS"), ("", "", "MACROS_PRESENT")]),
    "bang-gia.xlsx": (REJECTED, [("", "", "NOT_OUR_FORM")]),
    "lam-son.xlsx": (USED, [(layout.SHEET_META, "", "TEMPLATE_OLD")]),
    "nam-truoc.xlsx": (REJECTED, [(layout.SHEET_COVER, "B7", "WRONG_YEAR")]),
    "bo-khac.xlsx": (REJECTED, [(layout.SHEET_META, "", "WRONG_RULE_SET")]),
    "sua-bang.xlsx": (USED, [("Bang diem (sua)", "", "INDICATOR_MISSING")]),
    "dong-son.xlsx": (USED, [(layout.SHEET_SCORES, "H8", "POINTS_MISSING")]),
    "phu-son.xlsx": (USED, [(layout.SHEET_SCORES, "H32", "CACHED_TOTAL_DIFFERS")]),
    "quang-trung.xlsx": (
        USED,
        [(layout.SHEET_SCORES, "H8", "POINTS_OUT_OF_RANGE"), (layout.SHEET_SCORES, "H9", "POINTS_OUT_OF_RANGE")],
    ),
    nfd("ngọc trạo.xlsx"): (USED, []),
    "qua-lon.xlsx": (REJECTED, [("", "", "FILE_TOO_LARGE")]),
    "muon.xlsx": (USED, [("", "", "SUBMITTED_LATE")]),
}


@pytest.mark.parametrize("file", sorted(EXPECTED))
def test_each_bad_file_has_its_status_and_located_problems(hostile, file):
    result, _ = hostile
    status, issues = EXPECTED[file]
    assert status_of(result, file) == status
    assert issues_of(result, file) == sorted(issues)
    for i in result.issues:
        if i.file == file:
            assert i.severity == CATALOGUE[i.code].severity
            assert i.message and i.fix and "{" not in i.message  # every template field filled


def test_every_file_is_in_the_register_and_nothing_else(hostile):
    result, _ = hostile
    # Office lock files are not submissions: not read, not listed.
    assert sorted(f.path for f in result.files) == sorted([*EXPECTED, "danh-sach.xlsx"])
    assert all(f.status != USED or f.unit_code for f in result.files)


def test_good_files_are_still_used_and_scored(hostile):
    result, _ = hostile
    units = {u.unit.code: u for u in result.units}
    used = {code: u.file for code, u in units.items() if u.status == SUBMITTED}
    assert used == {
        "14809": "ban-sao/bac-son.xlsx",
        "14812": "ba-dinh.xlsm",
        "14815": "lam-son.xlsx",
        "14818": nfd("ngọc trạo.xlsx"),
        "14821": "dong-son.xlsx",
        "14823": "phu-son.xlsx",
        "14824": "quang-trung.xlsx",
        "90003": "sua-bang.xlsx",
        "90004": "muon.xlsx",
    }
    full = units["14809"].verdict.total
    assert units["14812"].verdict.total == full  # macros and links: warned, values read as typed
    assert units["14823"].verdict.total == full  # "2,5", "6 điểm", " 5 ", "10": text read as numbers
    assert units["14818"].verdict.total == full  # NFD name: same unit after NFC, no mismatch warning


def test_formula_typed_over_an_input_is_never_scored(hostile):
    """openpyxl saves no cached value: the reader sees an empty cell; it is reported at the cell
    and scores 0, never the maximum (a formula's result is not a self-assessment)."""
    result, cell = hostile
    units = {u.unit.code: u for u in result.units}
    verdict = units["14821"].verdict
    assert next(r for r in verdict.indicators if r.code == "1.1").points == 0
    assert units["14809"].verdict.total - verdict.total == pytest.approx(2.5)  # 1.1's points, entered 2.5
    [missing] = [i for i in result.issues if i.file == "dong-son.xlsx"]
    assert (missing.cell, missing.indicator, missing.severity) == (cell, "1.1", WARNING)


def test_points_out_of_range_score_zero_not_the_maximum(hostile):
    result, _ = hostile
    units = {u.unit.code: u for u in result.units}
    lost = units["14809"].verdict.total - units["14824"].verdict.total
    base = builders.form_values("14824", "Quang Trung")
    assert lost == base["diem_1_1"] + base["diem_1_2"]  # both rows count 0, not their maximum
    values = {i.cell: (i.value, i.severity) for i in result.issues if i.file == "quang-trung.xlsx"}
    assert values == {"H8": ("-1", ERROR), "H9": ("99", ERROR)}


def test_unsafe_and_unreadable_files_say_why(hostile):
    result, _ = hostile
    by_file = {i.file: i for i in result.issues if i.code in ("FILE_UNSAFE", "FILE_TOO_LARGE", "FILE_CORRUPT")}
    assert by_file["thuc-the.xlsx"].value == UNSAFE_DETAIL + "xl/worksheets/sheet2.xml"
    assert by_file["thuc-the-2.xlsx"].value == UNSAFE_DETAIL + "xl/workbook.xml"
    assert "để bảo vệ máy" in by_file["thuc-the.xlsx"].message
    assert by_file["qua-lon.xlsx"].message == "Tệp quá lớn (1,5 MB), vượt giới hạn 1,0 MB."
    assert by_file["cut.xlsx"].value == "tệp nén không đầy đủ"
    too_large = next(f for f in result.files if f.path == "qua-lon.xlsx")
    assert too_large.sha256 == ""  # not a byte of it was read


def test_a_list_of_decimals_is_rejected_not_used(hostile):
    """A workbook whose numbers look like indicator codes (1.1, 2.5 ...) passes for a form in the
    reader; it is still rejected (no unit code), never used."""
    result, _ = hostile
    assert status_of(result, "danh-sach.xlsx") == REJECTED
    assert "UNIT_CODE_MISSING" in {c for _, _, c in issues_of(result, "danh-sach.xlsx")}
    assert all(u.file != "danh-sach.xlsx" for u in result.units)


# ----------------------------------------------------------------------------- read_workbook never raises


class PanicException(BaseException):
    """What pyo3 raises when Rust code panics: a BaseException, not an Exception."""


@pytest.mark.parametrize("error", [MemoryError(), PanicException("index out of bounds")])
def test_a_crash_while_reading_one_file_is_contained_to_that_file(tmp_path, monkeypatch, error):
    import pipeline.readers.inputs as read

    config = builders.make_config(tmp_path)
    form(config.inputs / "bac-son.xlsx", "14809", "Bắc Sơn")
    form(config.inputs / "ba-dinh.xlsx", "14812", "Ba Đình")
    original = read._read

    def crash_on_one(path, rel, rule_set, *data):
        if rel == "ba-dinh.xlsx":
            raise error
        return original(path, rel, rule_set, *data)

    monkeypatch.setattr(read, "_read", crash_on_one)
    result = run.collect(config)
    assert status_of(result, "ba-dinh.xlsx") == REJECTED
    assert issues_of(result, "ba-dinh.xlsx") == [("", "", "FILE_CORRUPT")]
    assert status_of(result, "bac-son.xlsx") == USED


def test_interrupt_is_not_swallowed(tmp_path, monkeypatch, rule_set):
    import pipeline.readers.form as read

    monkeypatch.setattr(read, "_read", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        read_workbook(tmp_path / "x.xlsx", "x.xlsx", rule_set)


# ----------------------------------------------------------------------------- memory and time bounds

BOUNDED = r"""
import json, resource, sys, time
from pathlib import Path
from pipeline.core import config as config_mod
from pipeline.app import run
import pipeline.steps.validate, great_expectations  # imports are not what is measured

def peak_mb():
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024

config = config_mod.load(Path(sys.argv[1]))
run.collect(config.with_paths(Path(sys.argv[2])))  # warm-up: one good file
before = peak_mb()
start = time.perf_counter()
result = run.collect(config.with_paths(Path(sys.argv[3])))
print(json.dumps({
    "growth_mb": peak_mb() - before,
    "seconds": time.perf_counter() - start,
    "files": {f.path: f.status for f in result.files},
    "issues": sorted([i.file, i.code, i.value] for i in result.issues if i.file),
}))
"""


def test_bombs_cost_bounded_memory_and_time(tmp_path):
    """Each of these files alone would take the machine down without pipeline/safety.py
    (measured: the far cell aborts the process asking for 512 GB; the ODS repeats take 2.4 GB
    and more; the .xls far cell 1 GB; the bomb inflates to 500 MB)."""
    config = builders.make_config(tmp_path)
    warm, bad = tmp_path / "warm", config.inputs
    good = form(warm / "bac-son.xlsx", "14809", "Bắc Sơn")
    corpus.copy(good, bad / "bac-son.xlsx")
    corpus.zip_bomb(bad / "bom.xlsx", good, megabytes=500)
    corpus.lying_sizes(bad / "khai-sai.xlsx", good)
    corpus.far_cell(bad / "o-xa.xlsx", good)
    corpus.ods_repeats(bad / "lap-lai.ods")
    (bad / "o-xa.xls").write_bytes(corpus.xls([(0, 0, 1.0), (65535, 255, 2.0)]))
    corpus.billion_laughs(bad / "thuc-the.xlsx", good, part="xl/sharedStrings.xml")
    assert (bad / "bom.xlsx").stat().st_size < 2 * corpus.MB

    out = subprocess.run(
        [sys.executable, "-c", BOUNDED, str(config.source_file), str(warm), str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )  # a hang guard, not a timing
    assert out.returncode == 0, out.stderr[-2000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["files"] == {
        "bac-son.xlsx": USED,
        "bom.xlsx": REJECTED,
        "khai-sai.xlsx": REJECTED,
        "lap-lai.ods": REJECTED,
        "o-xa.xls": REJECTED,
        "o-xa.xlsx": REJECTED,
        "thuc-the.xlsx": REJECTED,
    }
    assert report["issues"] == [
        ["bom.xlsx", "FILE_UNSAFE", "giải nén ra 500,1 MB, vượt giới hạn 100,0 MB"],
        ["khai-sai.xlsx", "FILE_UNSAFE", "phần xl/sharedStrings.xml lớn hơn kích thước khai báo"],
        ["lap-lai.ods", "FILE_UNSAFE", "bảng tính quá rộng, hơn 1.000.000 ô"],
        ["o-xa.xls", "FILE_UNSAFE", "bảng tính quá rộng, hơn 1.000.000 ô"],
        ["o-xa.xlsx", "FILE_UNSAFE", "bảng tính quá rộng, hơn 1.000.000 ô"],
        ["thuc-the.xlsx", "FILE_UNSAFE", UNSAFE_DETAIL + "xl/sharedStrings.xml"],
    ]
    assert report["growth_mb"] < 200, report
    print(f"hostile files: peak RSS growth {report['growth_mb']:.1f} MB, {report['seconds']:.2f} s")


# ----------------------------------------------------------------------------- safety.py, case by case


def zip_of(members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def check(data: bytes, kind: str = "ooxml", **limits):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return safety.check_zip(data, zf, kind, safety.Limits(**limits) if limits else safety.LIMITS)


def sheet(cells: str) -> bytes:
    return (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>" + cells.encode() + b"</sheetData></worksheet>"
    )


def test_real_forms_pass_every_check(tmp_path, make_form):
    data = make_form(tmp_path / "f.xlsx").read_bytes()
    assert check(data) is None
    assert sniff(data).container == "ooxml"


def test_declared_sizes_ratio_and_member_count():
    zeros = zip_of({"xl/workbook.xml": b"<w/>", "xl/worksheets/sheet1.xml": bytes(2 * corpus.MB)})
    code, detail = check(zeros)
    assert code == "FILE_UNSAFE" and detail.startswith("tỷ lệ nén bất thường") and "sheet1.xml" in detail
    small = zip_of({"xl/workbook.xml": b"<w/>", "a.xml": bytes(100_000)})
    assert check(small) is None  # small parts compress very well without being a bomb
    many = zip_of({f"xl/p{n}.xml": b"<p/>" for n in range(6)})
    assert check(many, max_members=5) == ("FILE_UNSAFE", "6 thành phần trong tệp nén, quá 5")
    assert check(small, max_total_bytes=50_000)[1] == "giải nén ra 97,7 KB, vượt giới hạn 48,8 KB"


def test_stored_member_longer_than_declared_and_unknown_compression():
    data = bytearray(zip_of({"xl/workbook.xml": b"<w>" + b"x" * 5000 + b"</w>"}, zipfile.ZIP_STORED))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.infolist()[0]
    import struct

    struct.pack_into("<I", data, info.header_offset + 22, 100)
    central = bytes(data).rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 100)
    assert check(bytes(data)) == ("FILE_UNSAFE", "phần xl/workbook.xml lớn hơn kích thước khai báo")
    assert (
        check(zip_of({"xl/workbook.xml": b"<w/>"}, zipfile.ZIP_BZIP2))[1] == "kiểu nén lạ (12) ở phần xl/workbook.xml"
    )


@pytest.mark.parametrize(
    "prolog",
    [b"<!DOCTYPE w>", b"<!doctype w>", b'<!DOCTYPE w [<!ENTITY a "b">]>', b'<!ENTITY a SYSTEM "file:///etc/passwd">'],
)
def test_any_dtd_is_refused(prolog):
    assert check(zip_of({"xl/workbook.xml": b'<?xml version="1.0"?>' + prolog + b"<w/>"}))[0] == "FILE_UNSAFE"


def test_dtd_split_across_chunks_is_found():
    pad = b" " * (256 * 1024 - 30)  # the declaration straddles the first 256 KB chunk
    data = zip_of({"xl/workbook.xml": b'<?xml version="1.0"?>' + pad + b"<!DOCTYPE w><w/>"})
    assert check(data)[1] == "XML có khai báo DOCTYPE/ENTITY ở phần xl/workbook.xml"


def test_svg_image_may_carry_a_doctype():
    svg = b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd"><svg/>'
    assert check(zip_of({"xl/workbook.xml": b"<w/>", "xl/media/image1.svg": svg})) is None


@pytest.mark.parametrize(
    "cells, area",
    [
        ('<row r="1"><c r="A1"><v>1</v></c><c r="C1" s="1"/></row><row r="4"><c r="B4"><v>2</v></c></row>', 4 * 2),
        ('<row r="1"><c r="A1" s="1"/></row><row r="900000"><c r="Z900000" s="2"/></row>', 0),  # empty, styled
        ("<row><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>", 2 * 2),  # no r at all
        ('<row r="5"><c t="n" r="D5"><v>1</v></c></row>', 5 * 4),  # r not first
        ('<x:row r="3"><x:c r="B3"><x:v>1</x:v></x:c></x:row>', 3 * 2),  # prefixed elements
    ],
)
def test_sheet_area_follows_calamine(cells, area):
    measure = safety._XlsxArea()
    measure.feed(sheet(cells))
    assert measure.close() == area


@pytest.mark.parametrize(
    "cells, area",
    [
        ('<row r="1"><c r="A1"><v>1</v></c></row><row r="99"><c r="Z99" s="1"/></row>', 1),  # Z99 empty
        ('<row r="100"><c r="A100"><v>1</v></c></row>', 100),
        ('<row r="1"><c r="AA1"><v>1</v></c></row>', 27),
        ('<row r="1"><c s="1" r="A1"><v>1</v></c></row>', 1),  # r not first
        ("<row r=\"1\"><c r='C1'><v>1</v></c></row>", 3),  # other quotes
        ("<row><c><v>1</v></c></row>", 1),  # no reference
        ('<row r="2"><c r="b2"><v>1</v></c></row>', 4),  # lower case
        ('<row r="1"><c r="$C$1"><f>1+1</f></c></row>', 3),  # absolute, a formula without a value
        ('<row r="1"><c r="B1" t="inlineStr"><is><t>x</t></is></c></row>', 2),  # inline string
        ('<row r = "3" ><c  r = "B3" ><v>1</v></c></row>', 6),  # spaces around '='
    ],
)
def test_sheet_area_is_exact_whatever_the_writing(cells, area):
    measure = safety._XlsxArea()
    measure.feed(sheet(cells))
    assert measure.close() == area


def test_sheet_areas_add_up_to_the_limit():
    small = zip_of(
        {"xl/workbook.xml": b"<w/>", "xl/worksheets/sheet1.xml": sheet('<row r="2"><c r="B2"><v>1</v></c></row>')}
    )
    assert check(small, max_cells=100) is None  # bound 2574 > 100, exact 2 x 2 = 4
    wide = zip_of(
        {"xl/workbook.xml": b"<w/>", "xl/worksheets/sheet1.xml": sheet('<row r="60"><c r="B60"><v>1</v></c></row>')}
    )
    assert check(wide, max_cells=100) == ("FILE_UNSAFE", "bảng tính quá rộng, hơn 100 ô")  # 60 x 2 = 120
    sheets = {f"xl/worksheets/sheet{n}.xml": sheet('<row r="1"><c r="A1"><v>1</v></c></row>') for n in range(500)}
    assert check(zip_of({"xl/workbook.xml": b"<w/>", **sheets})) is None  # 500 bounds > 1,000,000; exact 500


def test_sheet_area_limit(tmp_path):
    wide = zip_of(
        {
            "xl/workbook.xml": b"<w/>",
            "xl/worksheets/sheet1.xml": sheet('<row r="1000"><c r="ALL1000"><v>1</v></c></row>'),
        }
    )
    assert check(wide) is None  # 1000 rows x 1000 columns: at the limit
    assert check(wide, max_cells=1_000_000 - 1)[1] == "bảng tính quá rộng, hơn 999.999 ô"
    # Every member counts, whatever its name: a parser follows relationships, not file names.
    hidden = zip_of({"xl/workbook.xml": b"<w/>", "xl/media/x.png": sheet('<row r="9"><c r="XFD9"><v>1</v></c></row>')})
    assert check(hidden, max_cells=100_000)[0] == "FILE_UNSAFE"


@pytest.mark.parametrize("rows, cols, unsafe", [(1000, 1000, False), (1001, 1000, True), (1_048_576, 1, True)])
def test_ods_repeats_are_counted(tmp_path, rows, cols, unsafe):
    data = corpus.ods_repeats(tmp_path / "x.ods", rows, cols).read_bytes()
    assert (sniff(data).problem == "FILE_UNSAFE") is unsafe


def test_ods_trailing_empty_repeats_as_libreoffice_writes_them(tmp_path):
    content = (
        '<table:table table:name="S"><table:table-row><table:table-cell office:value-type="float" '
        'office:value="1"><text:p>1</text:p></table:table-cell>'
        '<table:table-cell table:number-columns-repeated="16383"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048575"><table:table-cell '
        'table:number-columns-repeated="16384"/></table:table-row></table:table>'
    )
    measure = safety._OdsArea()
    measure.feed(content.encode())
    assert measure.close() == 1


def test_xls_area_from_cell_records():
    assert sniff(corpus.xls([(0, 0, 1.0), (40, 10, 2.0)])).container == "ole"
    far = sniff(corpus.xls([(0, 0, 1.0), (65535, 255, 2.0)]))
    assert (far.problem, far.detail) == ("FILE_UNSAFE", "bảng tính quá rộng, hơn 1.000.000 ô")


def test_encrypted_container_is_a_real_compound_file(tmp_path):
    path = corpus.encrypted(tmp_path / "mat-khau.xlsx")
    ole = olefile.OleFileIO(str(path))
    assert sorted("/".join(e) for e in ole.listdir()) == ["EncryptedPackage", "EncryptionInfo"]
    ole.close()
    assert sniff(path.read_bytes()).problem == "FILE_ENCRYPTED"


def test_calamine_does_not_expand_entities(tmp_path, make_form, rule_set):
    """Without the DTD check, calamine stops at the first custom entity (bounded, no expansion)."""
    good = make_form(tmp_path / "f.xlsx")
    path = corpus.billion_laughs(tmp_path / "b.xlsx", good)
    import python_calamine as calamine

    wb = calamine.CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
    refused = []
    for name in wb.sheet_names:  # the entity is in the second sheet, whatever its name
        try:
            wb.get_sheet_by_name(name).to_python()
        except calamine.XmlError as exc:
            refused.append(str(exc))
    assert len(refused) == 1 and "unrecognized entity" in refused[0]
