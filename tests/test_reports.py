"""Periodic reports (issue 16, item 3): the seed's 8 units of thị xã Bỉm Sơn 2018 report for the
first half of the year (one late, one missing, one with a word typed for a figure) and are
consolidated into the period's workbook and the office's draft report upward (.docx).

Every report is written by the real writer and filled through its defined names, as a commune
would type; the expected totals are computed here from the values typed, not by the code under
test.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import builders
import corpus
import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn
from test_recognition_docs import paragraphs, require_writer, to_pdf

from pipeline.app.reports import collect_reports, make_report_demo, run_reports
from pipeline.core import config as config_mod
from pipeline.core import report_layout as L
from pipeline.core.config import ConfigError
from pipeline.writers.report_form import report_form_name, write_report_form

EXAMPLE = builders.REPO / "examples" / "bim-son-2018" / "config.toml"
DEADLINE = dt.date(2018, 5, 10)
FIELDS = ("file", "sheet", "cell", "code")
LAM_SON, NGOC_TRAO = 2, 3  # the late unit, the unit with a word typed for a figure
BAD_WORD = "ba trăm lượt"


def office(root: Path) -> config_mod.Config:
    """The Bỉm Sơn 2018 example, its outputs in `root` (its reports folder is passed to each run)."""
    return config_mod.load(EXAMPLE).with_paths(outputs=root / "outputs")


def typed(n: int) -> dict:
    """What unit n (0-based) typed: distinct figures, so a wrong sum cannot pass by chance."""
    return {
        "ngay_bao_cao": dt.date(2018, 5, 14) if n == LAM_SON else dt.date(2018, 5, 4 + n),
        "nguoi_bao_cao": f"Nguyễn Thị {n} - Công chức Tư pháp - Hộ tịch",
        "dien_thoai": f"0912 000 00{n}",
        "so_cuoc_pbgdpl": 5 + n,
        "so_luot_nguoi_pbgdpl": BAD_WORD if n == NGOC_TRAO else 300 + 10 * n,
        "so_tu_sach": 1,
        "so_luot_doc_sach": 100 + n,
        "so_clb": n % 2,
        "so_buoi_clb": 2 * (n % 2),
        "so_vu_hoa_giai": 6 + n,
        "so_vu_hoa_giai_thanh": 5 + n,
        "so_lop_tap_huan": 1,
        "so_luot_tap_huan": 20 + n,
        "so_mo_hinh_diem": 1 if n == 0 else 0,
        "ket_qua": f"Kết quả của đơn vị {n}, dòng một.\nDòng hai của đơn vị {n}.",
        "vuong_mac": f"Vướng mắc {n}: kinh phí hạn hẹp.",
        "nguyen_nhan": f"Nguyên nhân {n}.",
        "de_xuat": "" if n == 1 else f"Đề xuất {n}: mở lớp tập huấn.",
    }


def send(config, folder: Path, n: int, **changed) -> Path:
    unit = config.units[n]
    values = {k: v for k, v in (typed(n) | changed).items() if v != ""}
    return write_report_form(folder / report_form_name(config, "6-thang", unit), config, "6-thang", unit, values)


@pytest.fixture(scope="module")
def season(tmp_path_factory):
    """The half-year of 2018: units 0-6 report, Hà Lan (the 8th) sends nothing."""
    root = tmp_path_factory.mktemp("bao-cao")
    config = office(root)
    folder = root / "bao-cao"
    folder.mkdir()
    for n in range(7):
        send(config, folder, n)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    out = run_reports(config, "6-thang", folder)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    return config, folder, out, before, after


def file_of(config, n: int) -> str:
    return report_form_name(config, "6-thang", config.units[n])


# ----------------------------------------------------------------------------- consolidation


def test_the_totals_are_the_sums_of_the_accepted_figures(season):
    _config, _, out, _, _ = season
    r = out.result
    expected = {}
    for f in L.FIGURES:
        given = [typed(n)[f.name] for n in range(7)]
        expected[f.name] = sum(v for v in given if isinstance(v, int))
    assert r.totals == expected
    assert r.totals["so_cuoc_pbgdpl"] == sum(5 + n for n in range(7)) == 56
    assert r.totals["so_luot_nguoi_pbgdpl"] == sum(300 + 10 * n for n in range(7) if n != NGOC_TRAO) == 1980
    assert r.given["so_luot_nguoi_pbgdpl"] == 6 and r.given["so_cuoc_pbgdpl"] == 7
    assert r.mediation_rate() == pytest.approx(100 * 56 / 63)


def test_late_and_missing_units_are_named(season):
    _config, _, out, _, _ = season
    r = out.result
    assert [(x.unit.name, x.days_late) for x in r.late] == [("Lam Sơn", 4)]
    assert [u.name for u in r.missing] == ["Hà Lan"]
    assert len(r.on_time) == 6


def test_every_problem_is_located_and_nothing_else_is_reported(season):
    config, _, out, _, _ = season
    assert out.result.flatten(FIELDS) == [
        (file_of(config, LAM_SON), L.SHEET, "C10", "REPORT_LATE"),
        (file_of(config, NGOC_TRAO), L.SHEET, "C16", "REPORT_FIGURE_NOT_NUMBER"),
        ("", "", "", "REPORT_NOT_SUBMITTED"),
    ]
    bad = out.result.issues[1]
    assert bad.value == BAD_WORD and bad.unit == "14818" and "Số lượt người tham dự" in bad.message
    assert out.result.issues[2].message == "Xã Hà Lan chưa gửi báo cáo 6 tháng đầu năm 2018."


def test_no_input_is_modified(season):
    _, _, _, before, after = season
    assert before == after and len(before) == 7


def rows_of(ws) -> list[tuple]:
    return [tuple(c for c in row) for row in ws.iter_rows(values_only=True)]


def test_the_workbook_has_one_row_per_unit_the_totals_and_the_names(season):
    config, _, out, _, _ = season
    wb = openpyxl.load_workbook(out.workbook)
    assert wb.sheetnames == ["Tổng hợp", "Nội dung", "Lỗi dữ liệu", "Hồ sơ"]
    rows = rows_of(wb["Tổng hợp"])
    units = {r[1]: r for r in rows if isinstance(r[1], str) and r[1].isdigit() and len(r[1]) == 5}
    assert list(units) == [u.code for u in config.units]
    first = len(("STT", "Mã", "Đơn vị", "Ngày báo cáo", "Tình trạng"))
    lam_son, ngoc_trao, ha_lan = units["14815"], units["14818"], units["14827"]
    assert lam_son[2:5] == ("Phường Lam Sơn", "14/05/2018", "Muộn 4 ngày")
    assert ha_lan[2] == "Xã Hà Lan" and ha_lan[4] == "Chưa gửi" and set(ha_lan[first:]) == {None}
    people = first + L.FIGURE_NAMES.index("so_luot_nguoi_pbgdpl")
    assert ngoc_trao[people] is None  # refused: blank, not 0
    assert units["14809"][first:] == tuple(typed(0)[name] for name in L.FIGURE_NAMES)
    total = next(r for r in rows if r[0] == "Tổng cộng")
    assert total[first:] == tuple(out.result.totals[name] for name in L.FIGURE_NAMES)
    texts = [c for r in rows for c in r if isinstance(c, str)]
    assert "Đã nhận 7/8 báo cáo: 6 đúng hạn, 1 nộp muộn; 1 đơn vị chưa gửi." in texts
    assert "Đơn vị nộp muộn: Phường Lam Sơn (báo cáo ngày 14/05/2018, muộn 4 ngày)." in texts
    assert "Đơn vị chưa gửi báo cáo: Xã Hà Lan." in texts
    assert "Số liệu chưa cộng vào tổng: Phường Ngọc Trạo — Lượt người tham dự (không hợp lệ)." in texts
    assert any(t.startswith("Tỷ lệ hòa giải thành") and t.endswith("88,89%.") for t in texts)


def test_the_texts_are_grouped_by_heading_with_the_unit_named(season):
    _, _, out, _, _ = season
    rows = rows_of(openpyxl.load_workbook(out.workbook)["Nội dung"])
    headings = [r[0] for r in rows if isinstance(r[0], str) and re.match(r"^\d\. ", r[0])]
    assert headings == ["1. Kết quả thực hiện", "2. Vướng mắc, bất cập", "3. Nguyên nhân", "4. Đề xuất, kiến nghị"]
    start = next(i for i, r in enumerate(rows) if r[0] == "2. Vướng mắc, bất cập")
    block = [r[1:3] for r in rows[start + 2 : start + 9]]
    assert block[0] == ("Phường Bắc Sơn", "Vướng mắc 0: kinh phí hạn hẹp.")
    assert [b[0] for b in block][-1] == "Xã Quang Trung"
    assert ("Phường Bắc Sơn", "Kết quả của đơn vị 0, dòng một.\nDòng hai của đơn vị 0.") in [r[1:3] for r in rows]
    assert "Không ghi nội dung mục này: Phường Ba Đình." in [r[0] for r in rows]


def test_the_problem_and_file_sheets_locate_everything(season):
    config, _, out, _, _ = season
    wb = openpyxl.load_workbook(out.workbook)
    problems = [r for r in rows_of(wb["Lỗi dữ liệu"]) if isinstance(r[0], int)]
    assert [tuple(c or "" for c in r[1:4]) for r in problems] == [(i.file, i.sheet, i.cell) for i in out.result.issues]
    assert problems[1][4] == "Phường Ngọc Trạo" and problems[1][5] == "Lỗi"
    files = [r for r in rows_of(wb["Hồ sơ"]) if isinstance(r[0], int)]
    assert [(r[1], r[3]) for r in files] == [
        (file_of(config, n), "Được dùng") for n in sorted(range(7), key=lambda n: file_of(config, n))
    ]


# ----------------------------------------------------------------------------- the draft report (.docx)


def test_the_draft_report_has_the_nd30_head_block(season):
    _, _, out, _, _ = season
    doc = Document(str(out.document))
    head = doc.tables[0]
    left, right = ("\n".join(paragraphs_of(cell)) for cell in head.rows[0].cells)
    assert left.split("\n") == ["ỦY BAN NHÂN DÂN", "THỊ XÃ BỈM SƠN", "", "Số: ……/BC-UBND"]
    assert right.split("\n") == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "",
        "Bỉm Sơn, ngày …… tháng …… năm ……",
    ]
    s = doc.sections[0]
    assert (round(s.page_width.cm, 1), round(s.page_height.cm, 1)) == (21.0, 29.7)
    assert doc.styles["Normal"].font.name == "Times New Roman"


def paragraphs_of(cell) -> list[str]:
    out = []
    for p in cell._tc.iter(qn("w:p")):
        parts = ["\n" if el.tag == qn("w:br") else el.text or "" for el in p.iter(qn("w:t"), qn("w:br"))]
        out.append("".join(parts))
    return out


def test_the_draft_report_has_its_headings_figures_and_compiled_texts(season):
    _, _, out, _, _ = season
    doc = Document(str(out.document))
    text = paragraphs(doc)
    body = [p for p in text if p]
    start = body.index("BÁO CÁO")
    assert body[start + 1] == "Kết quả thực hiện xây dựng xã, phường đạt chuẩn tiếp cận pháp luật 6 tháng đầu năm 2018"
    assert body[start + 2] == "Kính gửi: Sở Tư pháp tỉnh Thanh Hóa."
    headings = [
        "I. KẾT QUẢ THỰC HIỆN",
        "1. Tình hình báo cáo của các xã, phường",
        "2. Kết quả cụ thể",
        "3. Kết quả thực hiện tại các xã, phường",
        "II. VƯỚNG MẮC, BẤT CẬP VÀ NGUYÊN NHÂN",
        "1. Vướng mắc, bất cập",
        "2. Nguyên nhân",
        "III. ĐỀ XUẤT, KIẾN NGHỊ",
    ]
    positions = [body.index(h) for h in headings]
    assert positions == sorted(positions)
    assert (
        "Đến ngày 14/05/2018, 7/8 xã, phường đã gửi báo cáo (6 đúng hạn, 1 nộp muộn: Phường Lam Sơn); chưa gửi "
        "báo cáo: Xã Hà Lan (hạn nộp 10/05/2018)." in body
    )
    assert "- Tổ chức 56 cuộc tuyên truyền, phổ biến pháp luật với 1980 lượt người tham dự;" in body
    assert "- Hòa giải ở cơ sở: tiếp nhận 63 vụ, việc; hòa giải thành 56 vụ, việc (tỷ lệ 88,89%);" in body
    table = doc.tables[1]
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0] == ["STT", "Nội dung", "Đơn vị tính", "Số lượng", "Số đơn vị có số liệu"]
    assert cells[2] == ["2", "Lượt người tham dự", "lượt người", "1980", "6/8"]
    assert len(cells) == 1 + len(L.FIGURES)
    difficulties = body[body.index("1. Vướng mắc, bất cập") + 1 : body.index("2. Nguyên nhân")]
    assert difficulties[0] == "- Phường Bắc Sơn: Vướng mắc 0: kinh phí hạn hẹp."
    assert len(difficulties) == 7
    proposals = body[body.index("III. ĐỀ XUẤT, KIẾN NGHỊ") + 1 :]
    assert "- Phường Ba Đình:" not in " ".join(proposals) and proposals[0].startswith("- Phường Bắc Sơn: Đề xuất 0")
    assert any(
        "chưa gồm: Xã Hà Lan chưa gửi báo cáo; Phường Ngọc Trạo — lượt người tham dự (không hợp lệ)" in p for p in body
    )
    sign = doc.tables[-1]
    left = [p for p in paragraphs_of(sign.rows[0].cells[0]) if p]
    right = [p for p in paragraphs_of(sign.rows[0].cells[1]) if p]
    assert left == ["Nơi nhận:", "- Sở Tư pháp tỉnh Thanh Hóa;", "- UBND các xã, phường;", "- Lưu: VT, TP."]
    assert right == ["TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"]
    closing = [p for p in body if p.startswith("Trên đây là báo cáo")]
    assert closing and closing[0].endswith("./.")


def test_the_same_reports_give_the_same_bytes(season, tmp_path):
    """No clock in the outputs: dated by the newest report, so a second run changes nothing."""
    config, folder, out, _, _ = season
    again = run_reports(config, "6-thang", folder, tmp_path / "lai")
    assert again.workbook.read_bytes() == out.workbook.read_bytes()
    assert again.document.read_bytes() == out.document.read_bytes()


# ----------------------------------------------------------------------------- reading


def test_a_report_whose_names_were_lost_is_read_by_its_labels(tmp_path):
    config = office(tmp_path)
    folder = tmp_path / "bao-cao"
    folder.mkdir()
    path = send(config, folder, 0)

    def drop_names(wb):
        for name in list(wb.defined_names):
            del wb.defined_names[name]

    builders.edit_with_openpyxl(path, drop_names)
    result = collect_reports(config, "6-thang", folder)
    assert [r.unit.code for r in result.reports] == ["14809"]
    assert result.totals["so_cuoc_pbgdpl"] == 5 and result.reports[0].texts["ket_qua"].count("\n") == 1
    assert [i.code for i in result.issues] == ["REPORT_NOT_SUBMITTED"] * 7  # the other units only


def test_hostile_and_broken_files_among_the_reports_are_listed_and_the_run_goes_on(tmp_path):
    """The same hardened opening as the forms: nothing is parsed before the safety checks, a
    damaged file is one located problem, every file is in the register, none is modified."""
    config = office(tmp_path)
    folder = tmp_path / "bao-cao"
    folder.mkdir()
    good = send(config, folder, 0)
    spare = send(config, tmp_path, 1)
    corpus.truncated(folder / "cat-ngan.xlsx", spare)
    corpus.not_a_spreadsheet(folder / "cong-van.xlsx")
    corpus.billion_laughs(folder / "thuc-the.xlsx", spare)
    corpus.zip_bomb(folder / "bom.xlsx", spare, megabytes=120)
    (folder / "ghi-chu.txt").write_text("Danh sách", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    result = collect_reports(config, "6-thang", folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert [r.unit.code for r in result.reports] == ["14809"]
    fates = {f.file: f.status for f in result.files}
    assert fates == {
        good.name: "used",
        "bom.xlsx": "rejected",
        "cat-ngan.xlsx": "rejected",
        "cong-van.xlsx": "rejected",
        "thuc-the.xlsx": "rejected",
        "ghi-chu.txt": "ignored",
    }
    codes = {(i.file, i.code) for i in result.issues if i.file}
    assert codes == {
        ("bom.xlsx", "FILE_UNSAFE"),
        ("cat-ngan.xlsx", "FILE_CORRUPT"),
        ("cong-van.xlsx", "FILE_NOT_SPREADSHEET"),
        ("thuc-the.xlsx", "FILE_UNSAFE"),
        ("ghi-chu.txt", "FILE_IGNORED"),
    }


@pytest.mark.libreoffice
def test_a_report_saved_by_libreoffice_as_xls_and_ods_reads_the_same(tmp_path):
    config = office(tmp_path)
    made = tmp_path / "made"
    made.mkdir()
    source = send(config, made, 0)
    soffice = require_writer()
    folder = tmp_path / "bao-cao"
    for fmt in ("xls", "ods"):
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                fmt,
                "--outdir",
                str(folder / fmt),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    result = collect_reports(config, "6-thang", folder)
    assert [f.file for f in result.files] == [f"ods/{source.stem}.ods", f"xls/{source.stem}.xls"]
    assert sorted(f.status for f in result.files) == ["superseded", "used"]
    assert result.reports[0].figures == {k: v for k, v in typed(0).items() if k in L.FIGURE_NAMES}


# ----------------------------------------------------------------------------- the demo, the CLI, the config


def test_the_demo_period_has_one_late_one_missing_one_bad_number(tmp_path):
    config = office(tmp_path)
    folder = make_report_demo(config, "6-thang", tmp_path / "demo")
    result = collect_reports(config, "6-thang", folder)
    assert [u.name for u in result.missing] == ["Hà Lan"]
    assert [r.unit.name for r in result.late] == ["Lam Sơn"]
    assert [(i.unit, i.code) for i in result.issues if i.severity == "error"] == [("14818", "REPORT_FIGURE_NOT_NUMBER")]


def test_the_cli_consolidates_the_demo_period(tmp_path):
    got = builders.run_cli("reports", "--config", str(EXAMPLE), "--period", "nam", "--demo", "--outputs", str(tmp_path))
    assert got.exit_code == 0, got.output
    lines = got.output.splitlines()
    assert (
        "Báo cáo năm 2018 (hạn 20/11/2018): 7/8 đơn vị đã gửi, 1 nộp muộn (Phường Lam Sơn); 1 chưa gửi (Xã Hà Lan)."
        in lines
    )
    assert (tmp_path / "bao-cao" / "bim-son-2018-bao-cao-nam-tong-hop.xlsx").is_file()
    assert (tmp_path / "bao-cao" / "bim-son-2018-bao-cao-nam-du-thao-bao-cao.docx").is_file()


def test_the_cli_says_what_is_missing_in_one_line(tmp_path):
    path = builders.office(tmp_path)
    text = path.read_text(encoding="utf-8").replace("half_year_deadline = 2023-05-10", "")
    path.write_text(text, encoding="utf-8")
    got = builders.run_cli("reports", "--config", str(path), "--period", "6-thang")
    assert got.exit_code == 1
    assert got.output.startswith("Lỗi: config.toml chưa có hạn nộp báo cáo 6 tháng đầu năm: thêm vào mục [reports]")
    got = builders.run_cli("reports", "--config", str(path), "--period", "nam")
    assert got.exit_code == 1 and "Không thấy thư mục báo cáo" in got.output
    got = builders.run_cli("reports", "--config", str(path), "--period", "quy")
    assert got.exit_code == 2 and "--period" in got.output


def test_the_cli_writes_the_report_workbooks_to_send(tmp_path):
    got = builders.run_cli(
        "reports", "--config", str(EXAMPLE), "--period", "6-thang", "--template", "--outputs", str(tmp_path)
    )
    assert got.exit_code == 0, got.output
    made = sorted(p.name for p in (tmp_path / "mau-bao-cao").iterdir())
    assert len(made) == 9 and "mau-bao-cao-6-thang-2018.xlsx" in made
    wb = openpyxl.load_workbook(tmp_path / "mau-bao-cao" / "bao-cao-6-thang-2018-14827-ha-lan.xlsx")
    ws = wb[L.SHEET]
    assert ws.protection.sheet and wb["_meta"].sheet_state == "hidden"
    assert {r[0].value: r[1].value for r in wb["_meta"].iter_rows()}["template_id"] == L.TEMPLATE_ID
    names = set(wb.defined_names)
    assert names == {f.name for f in L.FIELDS}
    for f in L.FIGURES:
        _sheet, ref = next(iter(wb.defined_names[f.name].destinations))
        cell = ws[ref.replace("$", "")]
        assert not cell.protection.locked
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    people = validations[next(iter(wb.defined_names["so_luot_nguoi_pbgdpl"].destinations))[1].replace("$", "")]
    assert (people.type, people.formula1, people.formula2) == ("whole", "0", str(L.FIGURE_MAX))
    assert people.prompt.startswith("Số lượt người tham dự") and people.error.startswith("Nhập số nguyên")
    assert ws["C5"].value == "14827" and ws["C5"].protection.locked  # pre-filled and locked
    assert ws["C8"].value == "6 tháng đầu năm"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            'half_year_deadline = "10/05/2023"',
            "[reports] half_year_deadline: hạn nộp báo cáo 6 tháng phải là ngày dạng YYYY-MM-DD",
        ),
        ("year_deadline = 2025-11-20", "[reports] year_deadline: 2025-11-20 không thuộc năm 2023 hoặc 2024"),
        (
            "half_year_deadline = 2023-12-10",
            "[reports] half_year_deadline: hạn báo cáo 6 tháng (2023-12-10) phải trước hạn báo cáo năm (2023-11-20)",
        ),
        ("signer_title = 3", "[reports] signer_title: phải là chữ trong ngoặc kép"),
        ("ky = 1", "[reports] ky: khóa không được biết"),
    ],
)
def test_reports_config_is_checked(tmp_path, line, message):
    path = builders.office(tmp_path)
    text = path.read_text(encoding="utf-8")
    key = line.split(" = ")[0]
    text = re.sub(rf"^{key} = .*$", "", text, flags=re.M)
    text = text.replace("[reports]\n", f"[reports]\n{line}\n")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        config_mod.load(path)
    assert any(p.startswith(message) for p in err.value.problems), err.value.problems


def test_the_repository_config_and_the_example_set_the_seeds_days():
    assert config_mod.load(builders.REPO / "config.toml").reports.deadline("6-thang") == dt.date(2023, 5, 10)
    example = config_mod.load(EXAMPLE).reports
    assert (example.deadline("6-thang"), example.deadline("nam")) == (DEADLINE, dt.date(2018, 11, 20))


# ----------------------------------------------------------------------------- LibreOffice: what prints


@pytest.mark.libreoffice
def test_libreoffice_prints_the_workbook_and_the_draft(season, tmp_path):
    _, _, out, _, _ = season
    pages = to_pdf([out.workbook, out.document], tmp_path / "pdf")
    # The summary on one landscape page, the texts, the problems and the files one page each;
    # the draft on three A4 pages.
    assert pages == {out.workbook.name: 4, out.document.name: 3}
    if shutil.which("pdftotext"):
        pdf = tmp_path / "pdf" / f"{out.document.stem}.pdf"
        last = subprocess.run(
            ["pdftotext", "-f", "3", "-l", "3", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        # the closing line goes with the signer and the Nơi nhận: never a page of signature alone
        assert "Trên đây là báo cáo" in last and "Nơi nhận:" in last and "TM. ỦY BAN NHÂN DÂN" in last
        first = subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "Số: ……/BC-UBND" in first and "BÁO CÁO" in first and "Kính gửi: Sở Tư pháp tỉnh Thanh Hóa." in first
