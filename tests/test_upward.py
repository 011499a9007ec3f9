"""The report upward on the assessment (issue 16, item 4): its figures agree with the summary,
it names every unit not meeting the standard with its reason, and its .docx carries the NĐ 30
head, the number left for the văn thư and the sections the office writes; for points and
pass/fail rule sets."""

from __future__ import annotations

import shutil
import subprocess
from fractions import Fraction

import pytest
from builders import content_form, make_run, province
from docx import Document

from pipeline.app.run import collect
from pipeline.steps.upward import upward_figures
from pipeline.writers.upward_report import summary_lines, write_upward_report


def texts(path):
    doc = Document(str(path))
    body = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        body += [cell.text for row in table.rows for cell in row.cells]
    return body


def test_the_figures_are_the_runs_figures():
    result = make_run()  # recognised, low total, criterion floor, disqualified, not submitted, unusable, appraised
    up = upward_figures(result)
    recognised = [u for u in result.units if u.verdict is not None and u.verdict.recognised]
    assert (up.total, up.met) == (len(result.units), len(recognised))
    assert up.rate == Fraction(len(recognised), len(result.units)) * 100
    assert sum(k.total for k in up.by_kind) == up.total and sum(k.met for k in up.by_kind) == up.met
    assert {u.unit.code for u in up.not_met} == {u.unit.code for u in result.units} - {u.unit.code for u in recognised}
    assert up.highest and up.lowest and up.highest[0].value >= up.lowest[0].value
    assert up.failed_most == ()


def test_the_docx_is_a_report_ready_to_number_and_sign(tmp_path):
    result = make_run()
    path = write_upward_report(result, tmp_path / "bao-cao.docx")
    body = texts(path)
    joined = "\n".join(body)
    for expected in (
        "ỦY BAN NHÂN DÂN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: ……/BC-UBND",
        "BÁO CÁO",
        "Kính gửi: Sở Tư pháp tỉnh Thanh Hóa.",
        "I. KẾT QUẢ ĐÁNH GIÁ, CÔNG NHẬN",
        "II. ĐÁNH GIÁ CHUNG",
        "III. GIẢI PHÁP, ĐỀ XUẤT, KIẾN NGHỊ",
        "Nơi nhận:",
        "Lưu: VT, TP.",
    ):
        assert expected in joined, expected
    up = upward_figures(result)
    assert any(f"{up.met}/{up.total} đơn vị" in t for t in body)
    for u in up.not_met:  # every unit not meeting the standard is named in the table
        assert u.unit.full_name in body
    assert "ngày …… tháng …… năm ……" in joined  # the date is the văn thư's, never invented
    assert any("KẾT QUẢ TẠM TÍNH" in t for t in body)  # self-assessed points: provisional


def test_a_pass_fail_year_names_the_contents_failed_most(tmp_path):
    config = province(tmp_path, units=(("14797", "Hạc Thành", "phường"), ("16522", "Quảng Phú", "phường")))
    content_form(config.inputs / "hac-thanh.xlsx", dat_2_4_1="Không đạt")
    content_form(config.inputs / "quang-phu.xlsx", ma_don_vi="16522", ten_don_vi="Quảng Phú", dat_2_4_1="Không đạt")
    result = collect(config)
    up = upward_figures(result)
    assert up.met == 0 and up.failed_most[0].code == "2.4.1" and up.failed_most[0].units == 2
    lines = summary_lines(result, up)
    assert any("2.4.1" in line and "(2 đơn vị)" in line for line in lines)
    body = texts(write_upward_report(result, tmp_path / "bao-cao.docx"))
    assert "Kính gửi: Bộ Tư pháp." in body  # the province's Sở Tư pháp reports to the Ministry
    assert not any("điểm cao nhất" in t for t in body)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_report(tmp_path):
    path = write_upward_report(make_run(), tmp_path / "bao-cao.docx")
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "bao-cao.pdf"
    assert pdf.exists() and pdf.stat().st_size > 5000
