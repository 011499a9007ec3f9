"""Every code of the catalogue (pipeline/core/problems.py) is produced by a scenario here.

Each scenario builds a few inputs in tmp_path (tests/builders.py, tests/corpus.py), runs the
real pipeline (`collect`; the public writer for the council's appraisal workbook, filled with
openpyxl as a secretary would in Excel) and asserts the exact list of (file, sheet, cell, code)
the run reports, nothing more. The meta-test fails when a code is added to the catalogue
without a scenario that produces it.

The office of a scenario configures only the units it uses, so a run's list is short: a unit
that sends a clean form is not mentioned at all, one that sends nothing is UNIT_NOT_SUBMITTED.
Several units share a run where their files cannot interfere (a run's validation costs ~1 s).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import builders
import corpus
import openpyxl
import pytest

from pipeline.app.run import collect
from pipeline.core import config as config_mod
from pipeline.core import layout, rules
from pipeline.core.appraisal_layout import COL, HEADER_ROW
from pipeline.core.appraisal_layout import SHEET as APPRAISAL
from pipeline.core.config import Config
from pipeline.core.model import RunResult
from pipeline.core.problems import CATALOGUE, Issue

FIELDS = ("file", "sheet", "cell", "code")
SCORES, COVER, META = layout.SHEET_SCORES, "Thông tin chung", layout.SHEET_META
TOWN = {u.code: u for u in config_mod.load(builders.REPO / "config.toml").units}
# Codes no scenario can produce, each with the reason. Keep it empty unless one truly cannot be.
NOT_PRODUCIBLE: dict[str, str] = {}

Build = Callable[[Path], "RunResult | list[Issue]"]
SCENARIOS: dict[str, tuple[Build, list[tuple[str, str, str, str]]]] = {}


def scenario(*expected: tuple[str, str, str, str]) -> Callable[[Build], Build]:
    """Register a scenario: a function of tmp_path returning its run (or, for a reader that
    needs no run, its issues), and the exact (file, sheet, cell, code) it reports, in order."""

    def register(build: Build) -> Build:
        SCENARIOS[build.__name__] = (build, list(expected))
        return build

    return register


# ============================================================================= an office and its forms


def town(root: Path, *codes: str, **office) -> Config:
    """An office of the repository's config whose units are `codes` (default: 14809 Bắc Sơn)."""
    units = [(TOWN[c].code, TOWN[c].name, TOWN[c].kind) for c in codes or ("14809",)]
    return builders.make_config(root, extra_units=False, units=units, **office)


def form(config: Config, name: str, code: str = "14809", **overrides) -> Path:
    """A clean form of unit `code` in the inputs (nothing to report), `overrides` by defined name."""
    unit = TOWN[code]
    return builders.form(config.inputs / name, unit.code, unit.name, unit.kind, **overrides)


# ============================================================================= files: found, opened


@scenario(
    ("ba-dinh.xlsm", "", "", "EXTERNAL_LINKS"),
    ("ba-dinh.xlsm", "", "", "MACROS_PRESENT"),
    ("bao-cao.xlsx", "", "", "FILE_NOT_SPREADSHEET"),
    ("cut.xlsx", "", "", "FILE_CORRUPT"),
    ("danh-ba.xlsx", "", "", "NOT_OUR_FORM"),
    ("ghi-chu.txt", "", "", "FILE_IGNORED"),
    ("mat-khau.xlsx", "", "", "FILE_ENCRYPTED"),
    ("qua-lon.xlsx", "", "", "FILE_TOO_LARGE"),
    ("rong.xlsx", "", "", "FILE_EMPTY"),
    ("thuc-the.xlsx", "", "", "FILE_UNSAFE"),
)
def files(root):
    """Beside a clean form (never mentioned), files that are not read or cannot be used."""
    config = town(root, "14809", "14812", max_file_mb=1)
    inputs = config.inputs
    good = form(config, "bac-son.xlsx")
    (inputs / "ghi-chu.txt").write_text("Danh sách gửi phiếu", encoding="utf-8")
    (inputs / "rong.xlsx").write_bytes(b"")
    corpus.too_large(inputs / "qua-lon.xlsx", 3 * corpus.MB // 2)
    corpus.not_a_spreadsheet(inputs / "bao-cao.xlsx")
    corpus.truncated(inputs / "cut.xlsx", good)
    corpus.encrypted(inputs / "mat-khau.xlsx")
    corpus.billion_laughs(inputs / "thuc-the.xlsx", good)
    corpus.macros_and_links(inputs / "ba-dinh.xlsm", builders.form(root / "ba-dinh.xlsx", "14812", "Ba Đình"))
    contacts = openpyxl.Workbook()  # someone else's workbook: no indicator code anywhere
    contacts.active.append(["Họ và tên", "Điện thoại"])
    contacts.active.append(["Nguyễn Văn A", "0912345678"])
    contacts.save(inputs / "danh-ba.xlsx")
    return collect(config)


@scenario(
    ("ket-qua/", "", "", "FOLDER_SKIPPED"),
    ("loi-tat/", "", "", "FOLDER_SKIPPED"),
    ("ong-dan.xlsx", "", "", "FILE_NOT_REGULAR"),
)
def folders_and_special_files(root):
    """The outputs folder inside inputs/, a symlinked folder, a named pipe: listed, never read."""
    config = town(root)
    config = config.with_paths(outputs=config.inputs / "ket-qua")
    form(config, "bac-son.xlsx")
    form(config, "ket-qua/bac-son-cu.xlsx")  # an output copy: never read back as a submission
    elsewhere = root / "o-khac"
    form(config, "../o-khac/bac-son.xlsx")
    (config.inputs / "loi-tat").symlink_to(elsewhere, target_is_directory=True)
    os.mkfifo(config.inputs / "ong-dan.xlsx")
    return collect(config)


# ============================================================================= the form's structure


@scenario(
    ("ba-dinh.xlsx", META, "", "TEMPLATE_OLD"),
    ("bac-son.xlsx", META, "", "TEMPLATE_UNKNOWN"),
    ("lam-son.xlsx", META, "", "WRONG_RULE_SET"),
    ("ngoc-trao.xlsx", COVER, "B7", "WRONG_YEAR"),
)
def template_and_year(root):
    config = town(root, "14809", "14812", "14815", "14818")
    builders.edit_with_openpyxl(form(config, "bac-son.xlsx"), lambda wb: wb.remove(wb[META]))
    builders.set_meta(form(config, "ba-dinh.xlsx", "14812"), "template_version", 0)
    builders.set_meta(form(config, "lam-son.xlsx", "14815"), "rule_set", "qd619-2017")
    form(config, "ngoc-trao.xlsx", "14818", nam_danh_gia=2022)
    return collect(config)


def _reshape_rows(wb):
    """Row 1.2 deleted, row 2.2 relabelled 2.1, an unknown 9.9 inserted above the total."""
    ws = wb[SCORES]
    row = {c.value: c.row for c in ws["A"] if c.value}
    ws.delete_rows(row["1.2"])
    ws.cell(row["2.2"] - 1, 1).value = "2.1"
    ws.insert_rows(row[layout.TOTAL_CODE] - 1)
    ws.cell(row[layout.TOTAL_CODE] - 1, 1).value = "9.9"


def _not_applicable_on_1_2(path: Path) -> Callable[[openpyxl.Workbook], None]:
    """Types "Có" in the "không phát sinh" column of row 1.2, which may not be not-applicable."""
    sheet, ref = builders.named_cell(path, "khong_phat_sinh_1_1")
    column, row = "".join(ch for ch in ref if ch.isalpha()), int("".join(ch for ch in ref if ch.isdigit()))
    return lambda wb: wb[sheet].cell(row + 1, openpyxl.utils.column_index_from_string(column), "Có")


@scenario(
    ("ba-dinh.xlsx", SCORES, "H8", "NOT_APPLICABLE_WITH_POINTS"),
    ("ba-dinh.xlsx", SCORES, "H9", "POINTS_MISSING"),
    ("ba-dinh.xlsx", SCORES, "I9", "NOT_APPLICABLE_NOT_ALLOWED"),
    ("ba-dinh.xlsx", SCORES, "H11", "POINTS_NOT_NUMBER"),
    ("ba-dinh.xlsx", SCORES, "H12", "POINTS_OUT_OF_RANGE"),
    ("ba-dinh.xlsx", SCORES, "H13", "POINTS_NOT_STEP"),
    ("ba-dinh.xlsx", SCORES, "J18", "TEXT_TOO_LONG"),
    ("bac-son.xlsx", SCORES, "", "INDICATOR_MISSING"),
    ("bac-son.xlsx", SCORES, "", "INDICATOR_MISSING"),
    ("bac-son.xlsx", SCORES, "A11", "INDICATOR_DUPLICATE"),
    ("bac-son.xlsx", SCORES, "A31", "INDICATOR_UNKNOWN"),
    ("lam-son.xlsx", SCORES, "I8", "NOT_APPLICABLE_INVALID"),
    ("ngoc-trao.xlsx", SCORES, "H32", "CACHED_TOTAL_DIFFERS"),
)
def indicator_rows(root):
    config = town(root, "14809", "14812", "14815", "14818")
    builders.edit_with_openpyxl(form(config, "bac-son.xlsx"), _reshape_rows)
    values = form(
        config,
        "ba-dinh.xlsx",
        "14812",
        diem_1_2=None,
        diem_2_1="sáu",
        diem_2_2=9,
        diem_2_3=2.3,
        khong_phat_sinh_1_1="Có",
        diem_1_1=3,
        tai_lieu_3_1="x" * 1200,
    )
    builders.edit_with_openpyxl(values, _not_applicable_on_1_2(values))
    form(config, "lam-son.xlsx", "14815", khong_phat_sinh_1_1="Hình như")
    form(config, "ngoc-trao.xlsx", "14818", diem_1_2="6 điểm")  # read as 6, left out of the form's own sum
    return collect(config)


@scenario(
    ("14809.xlsx", SCORES, "E15", "RATE_NOT_NUMBER"),
    ("14812.xlsx", SCORES, "E15", "RATE_NEGATIVE"),
    ("14815.xlsx", SCORES, "F15", "RATE_MISSING"),
    ("14818.xlsx", SCORES, "E15", "RATE_NUMERATOR_GT_DENOMINATOR"),
    ("14821.xlsx", SCORES, "F15", "RATE_ZERO_DENOMINATOR"),
    ("14823.xlsx", SCORES, "H15", "BANDED_POINTS_DIFFER"),
)
def rates(root):
    """One unit a problem with indicator 2.5's figures (the only banded one)."""
    changes = {
        "14809": dict(tu_so_2_5="mười"),
        "14812": dict(tu_so_2_5=-1),
        "14815": dict(mau_so_2_5=None),
        "14818": dict(tu_so_2_5=12, mau_so_2_5=10),
        "14821": dict(tu_so_2_5=0, mau_so_2_5=0),
        "14823": dict(diem_2_5=1),
    }
    config = town(root, *changes)
    for code, change in changes.items():
        form(config, f"{code}.xlsx", code, **change)
    return collect(config)


@scenario(
    ("14809.xlsx", COVER, "B8", "REPORT_DATE_MISSING"),
    ("14812.xlsx", COVER, "B8", "REPORT_DATE_INVALID"),
    ("14815.xlsx", COVER, "B8", "REPORT_DATE_OUT_OF_RANGE"),
    ("14818.xlsx", "", "", "SUBMITTED_LATE"),
    ("14821.xlsx", COVER, "B10", "CONTACT_MISSING"),
    ("14823.xlsx", COVER, "B11", "DECLARATION_MISSING"),
    ("14824.xlsx", COVER, "B11", "DECLARATION_INVALID"),
)
def cover(root):
    changes = {
        "14809": dict(ngay_bao_cao=None),
        "14812": dict(ngay_bao_cao="32/13/2024"),
        "14815": dict(ngay_bao_cao=dt.date(2020, 6, 1)),
        "14818": dict(ngay_bao_cao=dt.date(2024, 1, 15)),
        "14821": dict(dien_thoai=None),
        "14823": dict(ky_luat_nguoi_dung_dau=None),
        "14824": dict(ky_luat_nguoi_dung_dau="Có lẽ"),
    }
    config = town(root, *changes)
    for code, change in changes.items():
        form(config, f"{code}.xlsx", code, **change)
    return collect(config)


# ============================================================================= which unit, which file


@scenario(
    ("", "", "", "UNIT_NOT_SUBMITTED"),
    ("ba-dinh.xlsx", COVER, "B5", "UNIT_NAME_MISMATCH"),
    ("khong-ma.xlsx", COVER, "B4", "UNIT_CODE_MISSING"),
    ("ma-la.xlsx", COVER, "B4", "UNIT_UNKNOWN"),
    ("phieu-lam-son.xlsx", "", "", "FILE_NAME_MISMATCH"),
)
def unit_identity(root):
    config = town(root, "14809", "14812", "14815")
    form(config, "khong-ma.xlsx", ma_don_vi="")
    form(config, "ma-la.xlsx", ma_don_vi="99999")
    form(config, "ba-dinh.xlsx", "14812", ten_don_vi="Quang Trung")
    form(config, "phieu-lam-son.xlsx")  # Bắc Sơn's form, named after Lam Sơn (which sent nothing)
    return collect(config)


@scenario(
    ("", "", "", "UNIT_NOT_SUBMITTED"),
    ("lam-son.xlsx", "", "", "FILE_NAME_MISMATCH"),
    ("lam-son.xlsx", COVER, "B4", "UNIT_CLAIMED_BY_OTHER"),
)
def unit_claimed_by_another(root):
    """Lam Sơn's newer form carries Bắc Sơn's code: Bắc Sơn's own form still counts."""
    config = town(root, "14809", "14815")
    form(config, "bac-son.xlsx", ngay_bao_cao=dt.date(2024, 1, 3))
    form(config, "lam-son.xlsx", ngay_bao_cao=dt.date(2024, 1, 9))
    return collect(config)


@scenario(
    ("ba-dinh-sua.xlsx", COVER, "B7", "WRONG_YEAR"),
    ("ba-dinh.xlsx", "", "", "NEWER_FILE_REJECTED"),
    ("bac-son-cu.xlsx", "", "", "SUPERSEDED"),
    ("bac-son-cu.xlsx", SCORES, "H8", "DUPLICATE_DIFFERS"),
    ("bac-son-moi.xlsx", "", "", "DUPLICATE_FILE"),
    ("bac-son-moi.xlsx", "", "", "SUPERSEDED"),
)
def several_files_of_a_unit(root):
    config = town(root, "14809", "14812")
    form(config, "bac-son-cu.xlsx", ngay_bao_cao=dt.date(2024, 1, 3))
    new = form(config, "bac-son-moi.xlsx", ngay_bao_cao=dt.date(2024, 1, 8), diem_1_1=2)
    corpus.copy(new, config.inputs / "gui-lai" / "bac-son-moi.xlsx")  # the same file sent twice
    form(config, "ba-dinh.xlsx", "14812", ngay_bao_cao=dt.date(2024, 1, 3))
    form(config, "ba-dinh-sua.xlsx", "14812", ngay_bao_cao=dt.date(2024, 1, 8), nam_danh_gia=2022)
    return collect(config)


# ============================================================================= last year's results


@scenario(
    ("", "", "", "PREVIOUS_MISSING"),
    ("", "", "", "PREVIOUS_UNREADABLE"),
)
def previous_results(root):
    """Read by the reader of last year's results, which needs no run."""
    from pipeline.readers.previous import load_previous

    missing = town(root / "a", extra='[previous]\nresults = "khong-co/ket-qua.csv"\nyear = 2022')
    (root / "b" / "nam-truoc").mkdir(parents=True)
    (root / "b" / "nam-truoc" / "ket-qua.csv").write_bytes(b"\x00\xff khong phai ket qua\n")
    unreadable = town(root / "b", extra='[previous]\nresults = "nam-truoc"')
    return load_previous(missing)[2] + load_previous(unreadable)[2]


# ============================================================================= the council's appraisal workbook


def appraisal_workbook(config: Config, path: Path) -> Path:
    """The council's workbook as the office makes it: the public writer, from a run of the inputs."""
    from pipeline.app.appraisal import write_appraisal_form

    return write_appraisal_form(collect(config), path)


def fill(book: Path, dst: Path, cells: dict[tuple[str, str], dict[str, object]]) -> Path:
    """The workbook filled as a secretary would in Excel: {(unit, indicator): {column key: value}}."""
    wb = openpyxl.load_workbook(book)
    ws = wb[APPRAISAL]
    rows = {
        (r[COL["unit"]].value, r[COL["code"]].value): r[0].row for r in ws.iter_rows(min_row=6) if r[COL["code"]].value
    }
    for key, columns in cells.items():
        for column, value in columns.items():
            ws.cell(rows[key], COL[column] + 1).value = value
    wb.save(dst)
    return dst


@scenario(
    ("", "", "", "UNIT_NOT_SUBMITTED"),
    ("bo-khac.xlsx", META, "", "APPRAISAL_WRONG_RULE_SET"),
    ("lan-dau.xlsx", "", "", "APPRAISAL_SUPERSEDED"),
    ("nam-cu.xlsx", META, "", "APPRAISAL_WRONG_YEAR"),
    ("sua-tieu-de.xlsx", "", "", "APPRAISAL_NO_TABLE"),
    ("tham-dinh.xlsx", APPRAISAL, "", "APPRAISAL_UNIT_NO_FORM"),
    ("tham-dinh.xlsx", APPRAISAL, "I7", "APPRAISAL_POINTS_NOT_NUMBER"),
    ("tham-dinh.xlsx", APPRAISAL, "I8", "APPRAISAL_POINTS_OUT_OF_RANGE"),
    ("tham-dinh.xlsx", APPRAISAL, "I9", "APPRAISAL_POINTS_NOT_STEP"),
    ("tham-dinh.xlsx", APPRAISAL, "I11", "APPRAISAL_DUPLICATE"),
    ("tham-dinh.xlsx", APPRAISAL, "D12", "APPRAISAL_INDICATOR_UNKNOWN"),
    ("tham-dinh.xlsx", APPRAISAL, "I13", "APPRAISAL_POINTS_NOT_BAND"),
    ("tham-dinh.xlsx", APPRAISAL, "I14", "APPRAISAL_UNIT_UNKNOWN"),
    ("tham-dinh.xlsx", APPRAISAL, "I15", "APPRAISAL_STALE"),
)
def appraisal(root):
    """The workbook made from Bắc Sơn's and Ba Đình's forms; Ba Đình's is withdrawn before the
    filled workbook comes back. Older and unusable copies lie beside it in the council's folder."""
    config = town(root, "14809", "14812")
    form(config, "bac-son.xlsx")
    ba_dinh = form(config, "ba-dinh.xlsx", "14812")
    book = appraisal_workbook(config, root / "tham-dinh.xlsx")
    ba_dinh.unlink()
    inputs = config.appraisal  # the council's folder, beside the inputs
    inputs.mkdir()
    for name, key, value in (("nam-cu.xlsx", "year", "2022"), ("bo-khac.xlsx", "rule_set", "qd619-2017")):
        builders.set_meta(shutil.copy(book, inputs / name), key, value)
    builders.edit_with_openpyxl(
        shutil.copy(book, inputs / "sua-tieu-de.xlsx"),  # a heading typed over
        lambda wb: wb[APPRAISAL].cell(HEADER_ROW + 1, COL["appraised"] + 1, "Điểm"),
    )
    os.utime(shutil.copy(book, inputs / "lan-dau.xlsx"), (1_700_000_000, 1_700_000_000))
    fill(
        book,
        inputs / "tham-dinh.xlsx",
        {
            ("14809", "1.1"): {"appraised": "ba"},
            ("14809", "1.2"): {"appraised": 8},  # over 7
            ("14809", "2.1"): {"appraised": 2.3},  # not a multiple of 0.25
            ("14809", "2.2"): {"appraised": 3},
            ("14809", "2.3"): {"code": "2.2", "appraised": 4},  # a second, different 2.2
            ("14809", "2.4"): {"code": "9.9"},
            ("14809", "2.5"): {"appraised": 1.5},  # banded: 0; 0,25; 0,5; 1 or 2
            ("14809", "2.6"): {"unit": "99999", "appraised": 1},
            ("14809", "3.1"): {"self": 8, "appraised": 9},  # the workbook was made from an older form
            ("14812", "1.1"): {"appraised": 2},
        },
    )
    return collect(config)


PASS_FAIL = rules.parse(
    {
        "rule_set": {
            "id": "thu-dat-khong-dat",
            "name": "Bộ thử đạt / không đạt",
            "first_year": 2023,
            "scoring": "pass_fail",
            "total_max": 3,
            "provenance": {"status": "verified"},
        },
        "conditions": {
            "declarations": [
                {
                    "key": "vi_pham",
                    "label": "Có vi phạm không?",
                    "disqualifying_answer": True,
                    "provenance": {"status": "verified"},
                }
            ]
        },
        "criteria": [
            {
                "code": "TC1",
                "name": "Tiêu chí một",
                "max": 3,
                "provenance": {"status": "verified"},
                "indicators": [
                    {
                        "code": f"1.{n}",
                        "name": f"Chỉ tiêu {n}",
                        "max": 1,
                        "kind": "pass_fail",
                        "provenance": {"status": "verified"},
                    }
                    for n in (1, 2, 3)
                ],
            }
        ],
    }
)


def pass_fail_form(config: Config, name: str, **overrides) -> Path:
    unit = TOWN["14809"]
    values = {
        "ma_don_vi": unit.code,
        "ten_don_vi": unit.name,
        "loai_don_vi": unit.kind,
        "nam_danh_gia": 2023,
        "ngay_bao_cao": dt.date(2024, 1, 5),
        "nguoi_phu_trach": "Nguyễn Văn A",
        "dien_thoai": "0912345678",
        "vi_pham": "Không",
        **overrides,
    }
    return builders.filled_form(config.inputs / name, values, rule_set=PASS_FAIL)


@scenario(
    ("bac-son.xlsx", SCORES, "H8", "PASS_FAIL_INVALID"),
    ("bac-son.xlsx", SCORES, "H9", "PASS_FAIL_MISSING"),
    ("tham-dinh.xlsx", APPRAISAL, "I9", "APPRAISAL_PASS_FAIL_INVALID"),
)
def pass_fail(root):
    """A pass / fail rule set: the form's results and the council's."""
    config = replace(
        town(root), loaded_rule_set=PASS_FAIL, loaded_rule_set_for=PASS_FAIL.id, rule_set_name=PASS_FAIL.id
    )
    pass_fail_form(config, "bac-son.xlsx", diem_1_1="Chưa rõ", diem_1_3="Không đạt")
    book = appraisal_workbook(config, root / "tham-dinh.xlsx")
    config.appraisal.mkdir()
    fill(book, config.appraisal / "tham-dinh.xlsx", {("14809", "1.3"): {"appraised": "Gần đạt"}})
    return collect(config)


@scenario(("tu-cham.xlsx", "", "", "APPRAISAL_IN_INPUTS"))
def appraisal_in_inputs(root):
    """A workbook carrying the appraisal workbook's hidden mark, in the communes' inputs/
    (any commune could have made it): listed, never applied."""
    config = town(root)
    form(config, "bac-son.xlsx")
    book = appraisal_workbook(config, root / "tham-dinh.xlsx")
    fill(book, config.inputs / "tu-cham.xlsx", {("14809", "1.2"): {"appraised": 7}})
    return collect(config)


# ============================================================================= periodic reports (tcpl reports)


def report(config: Config, folder: Path, name: str, code: str | None = "14809", **overrides) -> Path:
    """A clean six-monthly report of unit `code` (None: the blank workbook) in `folder`,
    `overrides` by defined name (None leaves a cell blank; period="nam" for the annual one)."""
    from pipeline.core.report_layout import FIGURE_NAMES
    from pipeline.writers.report_form import write_report_form

    values: dict[str, object] = dict.fromkeys(FIGURE_NAMES, 3)
    values |= {"ngay_bao_cao": dt.date(2023, 5, 5), "nguoi_bao_cao": "Nguyễn Văn A", "ket_qua": "Đã triển khai."}
    period = str(overrides.pop("period", "6-thang"))
    values |= overrides
    unit = config.unit(code) if code else None
    filled = {k: v for k, v in values.items() if v is not None}
    return write_report_form(folder / name, config, period, unit, filled)


@scenario(
    ("ba-dinh.xlsx", "Báo cáo định kỳ", "C15", "REPORT_FIGURE_NOT_NUMBER"),
    ("ba-dinh.xlsx", "Báo cáo định kỳ", "C16", "REPORT_FIGURE_NOT_WHOLE"),
    ("ba-dinh.xlsx", "Báo cáo định kỳ", "C17", "REPORT_FIGURE_MISSING"),
    ("ba-dinh.xlsx", "Báo cáo định kỳ", "C22", "REPORT_MEDIATION_EXCEEDS"),
    ("ba-dinh.xlsx", "Báo cáo định kỳ", "C10", "REPORT_LATE"),
    ("bac-son-nhap.xlsx", "", "", "REPORT_SUPERSEDED"),
    ("ca-nam.xlsx", META, "", "REPORT_OTHER_PERIOD"),
    ("danh-ba.xlsx", "", "", "REPORT_NOT_OURS"),
    ("khong-ma.xlsx", "Báo cáo định kỳ", "C5", "REPORT_UNIT_MISSING"),
    ("ma-la.xlsx", "Báo cáo định kỳ", "C5", "REPORT_UNIT_UNKNOWN"),
    ("nam-cu.xlsx", META, "", "REPORT_WRONG_YEAR"),
    ("phieu.xlsx", "", "", "REPORT_IS_FORM"),
    ("", "", "", "REPORT_NOT_SUBMITTED"),
)
def periodic_reports(root):
    """The six-monthly reports of three units: Bắc Sơn's clean one and its earlier draft, Ba
    Đình's with a word, a fraction, a blank and too many mediated cases, sent late; Lam Sơn
    sends nothing. Beside them: an annual report, last year's, the blank workbook without a
    code or with a stranger's, a commune form and someone else's workbook."""
    from pipeline.app.reports import collect_reports

    config = town(root, "14809", "14812", "14815")
    folder = root / "bao-cao"
    folder.mkdir()
    report(config, folder, "bac-son.xlsx")
    report(config, folder, "bac-son-nhap.xlsx", ngay_bao_cao=dt.date(2023, 5, 2))
    report(
        config,
        folder,
        "ba-dinh.xlsx",
        "14812",
        so_cuoc_pbgdpl="mười",
        so_luot_nguoi_pbgdpl=2.5,
        so_tu_sach=None,
        so_vu_hoa_giai=3,
        so_vu_hoa_giai_thanh=9,
        ngay_bao_cao=dt.date(2023, 5, 12),
    )
    report(config, folder, "ca-nam.xlsx", "14815", period="nam")
    builders.set_meta(report(config, folder, "nam-cu.xlsx", "14815"), "year", "2022")
    report(config, folder, "khong-ma.xlsx", None)
    report(config, folder, "ma-la.xlsx", None, ma_don_vi="99999")
    form(config, "../bao-cao/phieu.xlsx")
    contacts = openpyxl.Workbook()
    contacts.active.append(["Họ và tên", "Điện thoại"])
    contacts.save(folder / "danh-ba.xlsx")
    return list(collect_reports(config, "6-thang", folder).issues)


# ============================================================================= the 2026 season: contents


@scenario(
    ("hac-thanh.xlsx", SCORES, "I7", "SWITCH_INVALID"),
    ("hac-thanh.xlsx", SCORES, "F16", "CONTENT_RATE_ZERO_DENOMINATOR"),
    ("hac-thanh.xlsx", SCORES, "F19", "CONTENT_RATE_MISSING"),
    ("hac-thanh.xlsx", SCORES, "H23", "OPTION_INVALID"),
    ("hac-thanh.xlsx", SCORES, "H30", "OPTION_UNKNOWN"),
    ("hac-thanh.xlsx", SCORES, "I43", "NOT_APPLICABLE_CONTRADICTED"),
    ("hac-thanh.xlsx", SCORES, "I52", "CONTENT_NOT_APPLICABLE_NOT_ALLOWED"),
)
def contents_run(root):
    """A QĐ 27/2025 form with each content problem: a zero denominator not declared "không phát
    sinh", a missing figure, figures under a "không phát sinh", odd ticks, an option the rule
    set does not list, an odd switch, and "không phát sinh" typed where it is not allowed."""
    config = builders.province(root)
    path = builders.content_form(
        config.inputs / "hac-thanh.xlsx",
        tu_so_2_3=0,
        mau_so_2_3=0,
        mau_so_2_4_2=None,
        khong_phat_sinh_3_2_1="Có",
        chon_2_5_2="có lẽ",
        khong_phat_sinh_tc1="Chưa rõ",
    )
    sheet, option = builders.named_cell(path, "chon_2_5_8")
    _, refused = builders.named_cell(path, "tu_so_3_4_2")

    def edit(wb):
        ws = wb[sheet]
        below = f"H{int(option[1:]) + 1}"  # the row under the last option: a ninth, unlisted one
        ws[below] = "x"
        wb.defined_names["chon_2_5_9"] = openpyxl.workbook.defined_name.DefinedName(
            "chon_2_5_9", attr_text=f"'{sheet}'!${below[0]}${below[1:]}"
        )
        ws[f"I{refused[1:]}"] = "Có"  # a grey cell: 3.4.2 does not allow "không phát sinh"

    builders.edit_with_openpyxl(path, edit)
    return collect(config)


@scenario(("bao-cao-6-thang.xlsx", "", "", "REPORT_IN_INPUTS"))
def report_in_inputs(root):
    """A commune's periodic report dropped among the forms: named, never read as a form."""
    config = town(root)
    form(config, "bac-son.xlsx")
    report(config, config.inputs, "bao-cao-6-thang.xlsx")
    return collect(config)


# ============================================================================= the tests (every scenario registered)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_reports_exactly_its_problems(name, tmp_path):
    build, expected = SCENARIOS[name]
    got = build(tmp_path)
    issues = got.issues if isinstance(got, RunResult) else got
    found = got.flatten(FIELDS) if isinstance(got, RunResult) else [tuple(getattr(i, f) for f in FIELDS) for i in got]
    assert found == expected
    for i in issues:  # built through the catalogue, every template field filled
        assert i.severity == CATALOGUE[i.code].severity and i.message and "{" not in i.message + i.fix


def test_every_catalogue_code_has_a_scenario():
    produced = {code for _, expected in SCENARIOS.values() for *_, code in expected}
    assert sorted(set(CATALOGUE) - produced - set(NOT_PRODUCIBLE)) == []
    assert sorted(set(NOT_PRODUCIBLE) & produced) == []  # an exception a scenario now produces is stale
    assert sorted(produced - set(CATALOGUE)) == []


def test_flatten_keeps_the_runs_order_and_the_fields_asked_for():
    run = builders.make_run(units=["criterion_floor", "not_submitted"])
    assert run.flatten(("code", "cell")) == [
        ("POINTS_OUT_OF_RANGE", "H17"),
        ("CONTACT_MISSING", "B10"),
        ("UNIT_NOT_SUBMITTED", ""),
        ("FILE_IGNORED", ""),
    ]
    assert run.flatten(["unit"]) == [("14809",), ("14809",), ("14812",), ("",)]


def test_a_pass_fail_forms_own_total_is_not_flagged(tmp_path):
    config = replace(
        town(tmp_path), loaded_rule_set=PASS_FAIL, loaded_rule_set_for=PASS_FAIL.id, rule_set_name=PASS_FAIL.id
    )
    pass_fail_form(config, "bac-son.xlsx", diem_1_1="Đạt", diem_1_2="Đạt", diem_1_3="Không đạt")
    assert collect(config).flatten(FIELDS) == []
