"""The pre-parse checks (pipeline/readers/safety.py) against declared sizes written every way
XML and BIFF allow: each variant must be refused before the parser sees it, and the files a
real office writes must pass. The files are generated (tests/hostile_xml.py)."""

from __future__ import annotations

import io
import zipfile

import corpus
import hostile_xml as hx
import pytest

from pipeline.readers import safety
from pipeline.readers.sniff import sniff

TOO_WIDE = "bảng tính quá rộng, hơn 1.000.000 ô"


def problem(data: bytes) -> tuple[str, str]:
    found = sniff(data)
    return found.problem, found.detail


@pytest.mark.parametrize("variant", sorted(hx.FAR_CELLS))
def test_far_cells_are_seen_however_written(variant):
    assert problem(hx.far_cell(variant)) == ("FILE_UNSAFE", TOO_WIDE)


def test_far_cell_with_another_prefix_utf16_or_another_part_name():
    for data in (hx.prefixed_far_cell(), hx.utf16_far_cell(), hx.sheet_under_another_name()):
        assert problem(data) == ("FILE_UNSAFE", TOO_WIDE)
    assert problem(hx.sheet_under_another_name("../x/sheet.bin")) == ("FILE_UNSAFE", TOO_WIDE)


@pytest.mark.parametrize("variant", sorted(hx.DIMENSIONS))
def test_declared_dimensions_count(variant):
    assert problem(hx.declared_dimension(variant)) == ("FILE_UNSAFE", TOO_WIDE)


def test_a_small_declared_dimension_passes():
    data = hx.xlsx(hx.sheet('<row r="1"><c r="A1"><v>1</v></c></row>', head='<dimension ref="a1:z99"/>'))
    assert problem(data) == ("", "")


@pytest.mark.parametrize(
    "count, unique", [("4294967295", "1"), ("1", "4294967295"), ("1000001", "1000001"), ("18446744073709551615", "2")]
)
def test_shared_string_counts_are_checked(count, unique):
    code, detail = problem(hx.shared_strings(count, unique))
    assert code == "FILE_UNSAFE" and "xl/sharedStrings.xml" in detail


def test_ordinary_shared_string_counts_pass():
    assert problem(hx.shared_strings("12", "9")) == ("", "")


@pytest.mark.parametrize("variant", sorted(hx.DTDS))
@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/styles.xml", "docProps/app.xml", "customXml/item1.xml"])
def test_any_dtd_in_any_xml_part_is_refused(part, variant):
    assert problem(hx.dtd_in(part, variant)) == ("FILE_UNSAFE", f"XML có khai báo DOCTYPE/ENTITY ở phần {part}")


def test_an_svg_may_have_a_doctype_but_no_entities():
    svg = b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd"><svg/>'
    ok = hx.xlsx(hx.sheet('<row r="1"><c r="A1"><v>1</v></c></row>'), extra={"xl/media/a.svg": svg})
    assert problem(ok) == ("", "")
    bad = hx.xlsx(hx.sheet(""), extra={"xl/media/a.svg": hx.DTDS["entities"]})
    assert problem(bad)[0] == "FILE_UNSAFE"


def test_broken_xml_in_a_sheet_is_corrupt_not_a_crash():
    data = hx.xlsx('<?xml version="1.0"?><worksheet><sheetData><row><c r="A1"><v>1</v></row></worksheet>')
    assert problem(data) == ("FILE_CORRUPT", "nội dung XML bị lỗi ở phần xl/worksheets/sheet1.xml")
    garbage = hx.xlsx(b"\x00\x01garbage" + hx.sheet("").encode())
    assert problem(garbage) == ("FILE_CORRUPT", "phần xl/worksheets/sheet1.xml không phải XML")


@pytest.mark.parametrize("variant", hx.XLS_VARIANTS)
def test_xls_sheets_are_found_as_the_parser_finds_them(variant):
    data = corpus._compound_file({"Workbook": hx.xls_stream(variant)})
    assert problem(data) == ("FILE_UNSAFE", TOO_WIDE)


def test_xls_within_the_limit_passes():
    assert safety.check_biff(hx._biff(hx._BOF_GLOBALS, hx._boundsheet(0), hx._EOF)) is None
    assert sniff(corpus.xls([(0, 0, 1.0), (999, 99, 2.0)])).problem == ""


@pytest.mark.parametrize("prefix", ["table", "t", "tbl"])
@pytest.mark.parametrize("variant", sorted(hx.ODS_TABLES))
def test_ods_repeats_are_counted_however_written(variant, prefix):
    assert problem(hx.ods(variant, prefix)) == ("FILE_UNSAFE", TOO_WIDE)


def test_real_forms_in_every_format_pass(tmp_path, make_form):
    data = make_form(tmp_path / "f.xlsx").read_bytes()
    assert problem(data) == ("", "")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert safety.check_zip(data, zf, "ooxml") is None


# ----------------------------------------------------------------------------- one run over all of it


def test_valid_forms_among_one_of_each_hostile_class_keep_their_verdicts(tmp_path, monkeypatch):
    """The run exits 0 and every valid unit's verdict and total are those of a run over the
    valid forms alone."""
    import os

    import builders
    from builders import form, run_cli

    from pipeline.app import run

    def verdicts(config):
        result = run.collect(config)
        return {u.unit.code: (u.status, u.verdict.total if u.verdict else None) for u in result.units}

    clean = builders.make_config(tmp_path / "clean")
    mixed = builders.make_config(tmp_path / "mixed")
    for config in (clean, mixed):
        form(config.inputs / "bac-son.xlsx", "14809", "Bắc Sơn")
        form(config.inputs / "xa" / "ba-dinh.xlsx", "14812", "Ba Đình")
        form(config.inputs / "lam-son.xlsx", "14815", "Lam Sơn", diem_1_1=0)
    bad = mixed.inputs / "hong"
    bad.mkdir()
    for n, variant in enumerate(sorted(hx.FAR_CELLS)):
        (bad / f"o-xa-{n}.xlsx").write_bytes(hx.far_cell(variant))
    for n, variant in enumerate(sorted(hx.DIMENSIONS)):
        (bad / f"kich-thuoc-{n}.xlsx").write_bytes(hx.declared_dimension(variant))
    (bad / "chuoi.xlsx").write_bytes(hx.shared_strings("4294967295", "4294967295"))
    (bad / "utf16.xlsx").write_bytes(hx.utf16_far_cell())
    (bad / "thuc-the.xlsx").write_bytes(hx.dtd_in("xl/styles.xml", "entities"))
    for n, variant in enumerate(hx.XLS_VARIANTS):
        (bad / f"cu-{n}.xls").write_bytes(corpus._compound_file({"Workbook": hx.xls_stream(variant)}))
    for n, variant in enumerate(sorted(hx.ODS_TABLES)):
        (bad / f"lap-{n}.ods").write_bytes(hx.ods(variant, "t"))
    os.mkfifo(bad / "ong-dan.xlsx")
    # A neighbour's newer form with Bắc Sơn's code and its own name on the cover.
    form(mixed.inputs / "phieu-moi.xlsx", "14809", "Bắc Sơn", ten_don_vi="Phường Lam Sơn", diem_1_2=0)
    assert verdicts(mixed) == verdicts(clean)
    out = run_cli("consolidate", "--config", str(mixed.source_file))
    assert out.exit_code == 0, out.output
