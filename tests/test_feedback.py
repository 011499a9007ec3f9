"""Feedback workbooks, one per unit that sent something: built by the CLI from the demo's
submissions (plus a form for the wrong year), then read back cell by cell."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from builders import load, make_run, office, run_cli, texts, unit_form

from pipeline.app.demo import make_demo
from pipeline.core import config as config_mod
from pipeline.core.model import SUPERSEDED, AppraisalChange, FileRecord
from pipeline.core.problems import CATALOGUE, Issue, issue
from pipeline.writers.feedback import PAGE_ROWS, SHEET, _pages, write_feedback_workbooks
from pipeline.writers.feedback_words import commune_fix
from pipeline.writers.pagination import TrackedRows


@pytest.fixture(scope="module")
def office_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("phan-hoi")
    cfg = office(root)
    make_demo(config_mod.load(cfg), root / "inputs")  # the last unit, Quang Trung, sends nothing in the demo...
    unit_form(cfg, "14824", year=2022, name="quang-trung-nam-2022.xlsx")  # ...here it sends last year's form
    out = run_cli("consolidate", "--config", str(cfg), "--today", "2024-01-20")
    assert out.exit_code == 0, out.output
    return root, out


def problems(ws) -> list[dict]:
    """Rows of section 3: numbered rows under the heading that has 'Ô'."""
    header = next(r for r in ws.iter_rows() if [c.value for c in r][:2] == ["STT", "Ô"])
    names = {c.column: c.value for c in header if c.value}
    out = []
    for r in ws.iter_rows(min_row=header[0].row + 1):
        if not isinstance(r[0].value, int):
            break
        out.append({names[c.column]: c.value for c in r if c.column in names})
    return out


def lowest(ws) -> list[dict]:
    header = next(r for r in ws.iter_rows() if [c.value for c in r][:4] == ["Chỉ tiêu", "Điểm", "Tối đa", "Còn thiếu"])
    names = {c.column: c.value for c in header if c.value}
    out = []
    for r in ws.iter_rows(min_row=header[0].row + 1):
        if r[0].value is None:
            break
        out.append({names[c.column]: c.value for c in r if c.column in names})
    return out


def test_one_workbook_per_unit_that_sent_something(office_run):
    root, out = office_run
    folder = root / "outputs" / "phan-hoi"
    assert sorted(p.name for p in folder.iterdir()) == [
        "14809-bac-son-phan-hoi.xlsx",
        "14812-ba-dinh-phan-hoi.xlsx",
        "14815-lam-son-phan-hoi.xlsx",
        "14818-ngoc-trao-phan-hoi.xlsx",
        "14821-dong-son-phan-hoi.xlsx",
        "14823-phu-son-phan-hoi.xlsx",
        "14824-quang-trung-phan-hoi.xlsx",
    ]
    assert f"Phiếu phản hồi cho 7 đơn vị: {folder}" in out.output


def test_problems_with_their_cells(office_run):
    ws = load(office_run[0] / "outputs" / "phan-hoi" / "14823-phu-son-phan-hoi.xlsx")[SHEET]
    rows = problems(ws)
    cells = {(r["Ô"], r["Trang tính"], r["Mức độ"]) for r in rows}
    assert {
        ("E15", "Bảng điểm", "Lỗi"),
        ("H19", "Bảng điểm", "Lỗi"),
        ("H25", "Bảng điểm", "Lỗi"),
        ("B10", "Thông tin chung", "Cảnh báo"),
    } <= cells
    h19 = next(r for r in rows if r["Ô"] == "H19")
    assert "3.2" in h19["Nội dung"] and h19["Cách khắc phục"] == "Nhập điểm từ 0 đến 5."
    text = texts(ws)
    assert "3. VẤN ĐỀ TRONG PHIẾU: 3 lỗi, 2 cảnh báo" in text
    assert any(t.startswith("Đề nghị: sửa 3 lỗi ở mục 3") for t in text)
    assert "Kính gửi: Ủy ban nhân dân phường Phú Sơn" in text  # the unit's name, not its code
    assert not any(t.startswith("Kính gửi") and "14823" in t for t in text)
    # the indicators furthest below their maximum: the rows zeroed by errors come first
    low = lowest(ws)
    assert [r["Chỉ tiêu"] for r in low[:3]] == ["3.2", "4.4", "2.5"] and low[0]["Còn thiếu"] == 5
    assert len(low) == 5
    assert ws.page_setup.orientation == "portrait" and ws.page_setup.paperSize == 9


def test_rejected_unit_gets_feedback_too(office_run):
    ws = load(office_run[0] / "outputs" / "phan-hoi" / "14824-quang-trung-phan-hoi.xlsx")[SHEET]
    text = texts(ws)
    assert any(t.startswith("PHIẾU KHÔNG DÙNG ĐƯỢC") for t in text)
    assert "quang-trung-nam-2022.xlsx" in text and "Bị loại" in text
    wrong = [r for r in problems(ws) if "năm đánh giá 2022" in r["Nội dung"]]
    assert wrong and wrong[0]["Mức độ"] == "Lỗi" and wrong[0]["Ô"]
    assert not any(t.startswith("4. CHỈ TIÊU CÒN THẤP NHẤT") for t in text)


def test_clean_unit_is_told_not_to_resend(office_run):
    ws = load(office_run[0] / "outputs" / "phan-hoi" / "14809-bac-son-phan-hoi.xlsx")[SHEET]
    text = texts(ws)
    assert any(t.startswith("ĐẠT CHUẨN TIẾP CẬN PHÁP LUẬT (TẠM TÍNH)") for t in text)
    assert any("Không cần gửi lại phiếu." in t for t in text)


def test_council_changes_in_feedback_but_not_its_workbook_problems(tmp_path):
    run = make_run(units=["recognised", "not_submitted"])
    bac_son = run.units[0]
    council = issue(
        "APPRAISAL_POINTS_NOT_NUMBER",
        file="tham-dinh.xlsx",
        sheet="Phiếu thẩm định",
        cell="I9",
        value="x",
        unit="14809",
        indicator="3.1",
        unit_name="Phường Bắc Sơn",
    )
    changed = replace(
        bac_son,
        appraisal=(AppraisalChange("3.1", 8.5, 6, "Hồ sơ hòa giải thiếu"),),
        self_assessed=bac_son.verdict,
        issues=bac_son.issues + (council,),
    )
    run = replace(run, units=(changed, run.units[1]), appraisal_file="tham-dinh.xlsx")
    paths = write_feedback_workbooks(run, tmp_path / "a")
    assert [p.name for p in paths] == ["14809-bac-son-phan-hoi.xlsx"]  # nothing for a unit that sent nothing
    ws = load(paths[0])[SHEET]
    text = texts(ws)
    assert not any("I9" == t or "tham-dinh.xlsx" in t for t in text)
    assert any(t.startswith("4. HỘI ĐỒNG THẨM ĐỊNH: 1 chỉ tiêu, 1 chỉ tiêu thay đổi điểm") for t in text)
    assert "Hồ sơ hòa giải thiếu" in text and "−2,5" in text
    again = write_feedback_workbooks(run, tmp_path / "b")
    assert paths[0].read_bytes() == again[0].read_bytes()  # same result, same bytes


def test_feedback_on_two_cores_same_files_same_order(tmp_path, monkeypatch):
    """Written by forked workers, the feedback workbooks are the same files, byte for byte and in
    the same order, as written in one process."""
    from pipeline.infra import parallel
    from pipeline.writers import feedback

    if not parallel._can_fork():
        pytest.skip("workers are forked")
    run = make_run()
    monkeypatch.setenv("TCPL_WORKERS", "1")
    alone = write_feedback_workbooks(run, tmp_path / "alone")
    monkeypatch.setenv("TCPL_WORKERS", "2")  # two workers, whatever the number of units
    assert parallel.workers(6, feedback.FEEDBACK_PARALLEL_MIN) == 2
    pooled = write_feedback_workbooks(run, tmp_path / "pooled")
    assert len(alone) == 6  # every unit but the one that sent nothing
    assert [p.name for p in pooled] == [p.name for p in alone]
    assert all(p.parent == tmp_path / "pooled" for p in pooled)
    assert [p.read_bytes() for p in pooled] == [p.read_bytes() for p in alone]
    assert sorted(p.name for p in (tmp_path / "pooled").iterdir()) == sorted(p.name for p in pooled)  # no temp files


# ------------------------------------------------------------------ addressed to the commune

OFFICE_WORDS = ("Xác nhận với xã", "xin xã", "Xin xã", "config.toml", "make ", "inputs", "Lỗi dữ liệu", "Đôn đốc")


# What a commune's letter can hold: the problems of its forms (not the council's workbook, last
# year's results nor the periodic reports, which have their own flows).
LETTER_CODES = sorted(c for c, spec in CATALOGUE.items() if spec.area not in ("season", "reports"))


@pytest.mark.parametrize("code", LETTER_CODES)
def test_every_fix_a_commune_can_get_is_addressed_to_it(code):
    spec = CATALOGUE[code]
    fix = commune_fix(Issue(code, spec.severity, spec.message, spec.fix), "Phòng Tư pháp thị xã Bỉm Sơn")
    assert fix and fix[0].isupper()
    assert not any(w in fix for w in OFFICE_WORDS), fix
    assert "phòng Tư pháp" not in fix  # named: "Phòng Tư pháp thị xã Bỉm Sơn"


def test_the_letter_shows_no_office_folder_and_no_office_instruction(tmp_path):
    run = make_run(units=["recognised", "low_total"])
    bac_son = run.units[0]
    old, new = "email/2024-01-04/bac-son-cu.xlsx", bac_son.file
    differs = issue("DUPLICATE_DIFFERS", file=old, unit="14809", indicator="1.1", value=2, used=3)
    newer = issue("NEWER_FILE_REJECTED", file=new, unit="14809", value=old)
    record = FileRecord(
        old, 40_000, "a" * 64, dt.datetime(2024, 1, 4, 8, 0), SUPERSEDED, "14809", note=f"thay bằng {new}"
    )
    run = replace(run, units=(replace(bac_son, issues=(differs, newer)), run.units[1]), files=(*run.files, record))
    ws = load(write_feedback_workbooks(run, tmp_path)[0])[SHEET]
    text = "\n".join(texts(ws))
    assert "bac-son-cu.xlsx" in text and "email/" not in text
    assert "Xác nhận với xã" not in text
    fixes = [r["Cách khắc phục"] for r in problems(ws)]
    assert fixes[0].startswith("Các phiếu đã gửi ghi khác nhau ở chỉ tiêu này")


class _Sheet:
    def __init__(self):
        self.breaks, self.fit = [], None

    def set_row(self, row, height=None, *args, **kwargs):
        pass

    def set_h_pagebreaks(self, rows):
        self.breaks = rows

    def fit_to_pages(self, wide, tall):
        self.fit = (wide, tall)


def _letter(rows: int, height: float = 20) -> TrackedRows:
    ws = TrackedRows(_Sheet())
    for r in range(rows):
        ws.set_row(r, height)
    return ws


def test_a_letter_that_fits_is_one_page_and_one_that_nearly_fits_is_shrunk_to_one():
    fits = _letter(int(PAGE_ROWS // 20))
    _pages(fits, 30, int(PAGE_ROWS // 20) - 1)
    assert fits.fit is None and fits.breaks == []
    nearly = _letter(int(PAGE_ROWS * 1.05 // 20))
    _pages(nearly, 30, int(PAGE_ROWS * 1.05 // 20) - 1)
    assert nearly.fit == (1, 1)


def test_the_sender_never_starts_a_page_alone():
    per_page = int(PAGE_ROWS // 20)
    ws = _letter(per_page + 6)  # too long to shrink to one page
    closing = per_page - 2  # the closing block would run from page 1's last rows onto page 2
    _pages(ws, closing, per_page + 5)
    assert ws.breaks == [closing] and ws.fit is None
    long = _letter(per_page * 2 - 4)
    long.keep.add(per_page - 1)  # a heading on page 1's last row goes to page 2
    _pages(long, per_page + 5, per_page * 2 - 5)  # the closing block well inside page 2
    assert long.breaks == [per_page - 1]


@pytest.mark.libreoffice
def test_the_demo_letters_print_on_one_page_each(office_run, tmp_path):
    from test_recognition_docs import to_pdf

    letters = sorted((office_run[0] / "outputs" / "phan-hoi").glob("*.xlsx"))
    pages = to_pdf(letters, tmp_path)
    assert set(pages.values()) == {1}, pages
