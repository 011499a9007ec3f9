"""The recognition list and the draft decision as Word documents (NĐ 30/2020 layout): read
back with python-docx element by element, written by a consolidation beside the workbook,
byte-identical for the same run, and opened by LibreOffice (PDF pages counted), as is the
annex sheet of the workbook."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import subprocess
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
import xlsxwriter
from builders import make_config, make_run
from docx import Document
from docx.oxml.ns import qn

from pipeline.core import rules
from pipeline.core.config import Signature
from pipeline.writers.docs_recognition import document_paths, write_recognition_documents
from pipeline.writers.recognition import write_recognition
from pipeline.writers.xlsx import Formats, workbook_options

SIGNED = Signature(
    authority="Ủy ban nhân dân thị xã Bỉm Sơn",
    signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
    signer_name="Nguyễn Văn Bình",
    place="Bỉm Sơn",
    decision_number="125/QĐ-UBND",
    decision_date=dt.date(2024, 2, 5),
)


def signed(run, signature: Signature = SIGNED):
    return replace(run, config=replace(run.config, signature=signature))


def final_run(units=("appraised", "low_total")):
    """A run whose results are all final: confirmed rule set, appraised points."""
    text = rules.resolve("qd25-2021").read_text(encoding="utf-8").replace('"provisional"', '"verified"')
    run = make_run(rule_set=rules.parse(tomllib.loads(text), "verified.toml"), units=list(units))
    return replace(run, units=tuple(replace(u, verdict=replace(u.verdict, provisional=())) for u in run.units))


def paragraphs(container) -> list[str]:
    """Every paragraph's text, tables included, in document order."""
    out = []
    for block in container.element.body.iterchildren():
        if block.tag == qn("w:p"):
            out.append("".join(t.text or "" for t in block.iter(qn("w:t"))))
        elif block.tag == qn("w:tbl"):
            for p in block.iter(qn("w:p")):
                out.append(_text_with_breaks(p))
    return out


def _text_with_breaks(p) -> str:
    parts = []
    for el in p.iter(qn("w:t"), qn("w:br")):
        parts.append("\n" if el.tag == qn("w:br") else el.text or "")
    return "".join(parts)


def all_text(doc) -> str:
    return "\n".join(paragraphs(doc))


@pytest.fixture(scope="module")
def docs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docs")
    paths = write_recognition_documents(signed(make_run()), folder)
    return {p.name: Document(str(p)) for p in paths}, paths


def test_both_documents_are_written_with_their_names(docs):
    _, paths = docs
    assert [p.name for p in paths] == [
        "bim-son-2023-danh-sach-cong-nhan.docx",
        "bim-son-2023-du-thao-quyet-dinh-cong-nhan.docx",
    ]


def _page_is_nd30(doc):
    s = doc.sections[0]
    assert (round(s.page_width.cm, 1), round(s.page_height.cm, 1)) == (21.0, 29.7)
    assert [round(x.cm, 1) for x in (s.top_margin, s.bottom_margin, s.left_margin, s.right_margin)] == [2, 2, 3, 1.5]
    normal = doc.styles["Normal"].font
    assert normal.name == "Times New Roman" and normal.size.pt in (13, 14)
    fonts = doc.styles["Normal"].element.rPr.rFonts
    assert {fonts.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "eastAsia", "cs")} == {"Times New Roman"}
    assert s.different_first_page_header_footer  # the page number from page 2, top centre
    assert "PAGE" in "".join(t.text for t in s.header._element.iter(qn("w:instrText")))


def test_the_list_carries_the_official_elements(docs):
    found, _ = docs
    doc = found["bim-son-2023-danh-sach-cong-nhan.docx"]
    _page_is_nd30(doc)
    head = doc.tables[0]
    left, right = (_text_with_breaks_cell(c) for c in head.rows[0].cells)
    assert left.startswith("ỦY BAN NHÂN DÂN\nTHỊ XÃ BỈM SƠN")
    assert right.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc")
    text = all_text(doc)
    assert "DANH SÁCH XÃ, PHƯỜNG ĐẠT CHUẨN VÀ CHƯA ĐẠT CHUẨN" in text
    assert (
        "(Kèm theo Quyết định số 125/QĐ-UBND ngày 05 tháng 02 năm 2024 của Chủ tịch Ủy ban nhân dân thị xã Bỉm Sơn)"
        in text
    )
    assert "I. DANH SÁCH XÃ, PHƯỜNG ĐẠT CHUẨN TIẾP CẬN PHÁP LUẬT" in text
    assert "II. DANH SÁCH XÃ, PHƯỜNG CHƯA ĐẠT CHUẨN TIẾP CẬN PHÁP LUẬT" in text
    lists = doc.tables[1:3]
    for table in lists:
        assert [c.text for c in table.rows[0].cells] == ["STT", "Tên đơn vị", "Tổng điểm", "Ghi chú"]
        assert [c.text for c in table.rows[1].cells] == ["(1)", "(2)", "(3)", "(4)"]
        for row in table.rows[:2]:  # repeated on every page the table runs onto
            assert row._tr.trPr.find(qn("w:tblHeader")) is not None
        assert table.style.name == "Table Grid"
    assert [[c.text for c in r.cells] for r in lists[0].rows[2:]] == [
        ["1", "Phường Bắc Sơn", "96,75", "Điểm tự chấm (chưa thẩm định)"],
        ["2", "Xã Quang Trung", "92,00", "Điểm tự chấm (chưa thẩm định)"],
    ]
    second = {r.cells[1].text: r.cells[3].text for r in lists[1].rows[2:]}
    assert second["Phường Ba Đình"] == "Tổng số điểm đạt 78,5/100 điểm, thấp hơn mức tối thiểu 80 điểm"
    assert second["Phường Đông Sơn"] == "Không gửi hồ sơ tự đánh giá"
    assert "Tổng số: 7 đơn vị; đạt chuẩn tiếp cận pháp luật: 2 đơn vị (28,57%); chưa đạt chuẩn: 5 đơn vị." in text
    assert "Bỉm Sơn, ngày 05 tháng 02 năm 2024" in text
    assert "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH" in text and "Nguyễn Văn Bình" in text
    assert "Ký, ghi rõ" not in text and "đóng dấu" not in text
    widths = [c.width.cm for c in lists[0].rows[2].cells]
    assert sum(widths) == pytest.approx(16.5, abs=0.05)  # the text width of A4 less 30 + 15 mm


def _text_with_breaks_cell(cell) -> str:
    return "\n".join(_text_with_breaks(p._p) for p in cell.paragraphs)


def test_the_draft_decision_carries_the_official_elements(docs):
    found, _ = docs
    doc = found["bim-son-2023-du-thao-quyet-dinh-cong-nhan.docx"]
    _page_is_nd30(doc)
    left, right = (_text_with_breaks_cell(c) for c in doc.tables[0].rows[0].cells)
    assert left.split("\n")[:2] == ["ỦY BAN NHÂN DÂN", "THỊ XÃ BỈM SƠN"] and left.endswith("Số: 125/QĐ-UBND")
    assert right.endswith("Bỉm Sơn, ngày 05 tháng 02 năm 2024")
    text = paragraphs(doc)
    i = text.index("QUYẾT ĐỊNH")
    assert text[i + 1] == "Về việc công nhận xã, phường đạt chuẩn tiếp cận pháp luật năm 2023"
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN THỊ XÃ BỈM SƠN" in text
    bases = [t for t in text if t.startswith("Căn cứ")]
    assert len(bases) == 3 and all(t.endswith(";") for t in bases)
    assert any("Quyết định số 25/2021/QĐ-TTg ngày 22 tháng 7 năm 2021 của Thủ tướng Chính phủ" in t for t in bases)
    assert "Theo đề nghị của Trưởng phòng Tư pháp thị xã Bỉm Sơn." in text
    assert "QUYẾT ĐỊNH:" in text
    articles = [t for t in text if t.startswith("Điều ")]
    assert (
        articles[0] == "Điều 1. Công nhận 2 xã, phường đạt chuẩn tiếp cận pháp luật năm 2023 (có danh sách kèm theo)."
    )
    assert articles[-1].endswith("chịu trách nhiệm thi hành Quyết định này./.")
    ending = _text_with_breaks_cell(doc.tables[-1].rows[0].cells[0]).split("\n")
    assert ending == ["Nơi nhận:", "- Như Điều 3;", "- Sở Tư pháp tỉnh Thanh Hóa;", "- Lưu: VT, TP."]
    signer = _text_with_breaks_cell(doc.tables[-1].rows[0].cells[1])
    assert signer.startswith("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH") and signer.endswith("Nguyễn Văn Bình")
    # The last article is kept with the signature block
    last = next(p for p in doc.paragraphs if p.text.startswith("Điều 3."))
    assert last.paragraph_format.keep_with_next


def test_not_numbered_yet_leaves_the_number_and_date_to_the_clerk(tmp_path):
    paths = document_paths(make_run(), tmp_path)
    write_recognition_documents(signed(make_run(), Signature(place="Bỉm Sơn")), tmp_path)
    doc = Document(str(paths["decision"]))
    left, right = (_text_with_breaks_cell(c) for c in doc.tables[0].rows[0].cells)
    assert left.endswith("Số: ……/QĐ-UBND")
    assert right.endswith("Bỉm Sơn, ngày …… tháng …… năm ……")
    signer = _text_with_breaks_cell(doc.tables[-1].rows[0].cells[1])
    assert signer.startswith("CHỦ TỊCH") and "\n" in signer  # the name is left to write by hand
    assert "(Kèm theo Quyết định số ……/QĐ-UBND ngày …… tháng …… năm ……" in all_text(Document(str(paths["list"])))


def test_provisional_documents_say_so_on_every_page_and_final_ones_do_not(tmp_path, docs):
    found, _ = docs
    for doc in found.values():
        section = doc.sections[0]
        for header in (section.header, section.first_page_header):
            assert "KẾT QUẢ TẠM TÍNH — CHƯA DÙNG ĐỂ TRÌNH KÝ" in "".join(p.text for p in header.paragraphs)
        assert "KẾT QUẢ TẠM TÍNH — CHƯA DÙNG ĐỂ TRÌNH KÝ QUYẾT ĐỊNH CÔNG NHẬN" in all_text(doc)
    for path in write_recognition_documents(signed(final_run()), tmp_path):
        doc = Document(str(path))
        assert "TẠM TÍNH" not in all_text(doc)
        assert "TẠM TÍNH" not in "".join(p.text for p in doc.sections[0].header.paragraphs)


def test_no_decision_is_drafted_when_no_unit_meets_the_standard(tmp_path):
    paths = write_recognition_documents(make_run(), tmp_path)
    assert len(paths) == 2
    again = write_recognition_documents(make_run(units=["low_total", "not_submitted"]), tmp_path)
    assert [p.name for p in again] == ["bim-son-2023-danh-sach-cong-nhan.docx"]
    assert not document_paths(make_run(), tmp_path)["decision"].exists()  # the old draft cannot be signed


def test_the_same_run_gives_the_same_bytes(tmp_path):
    first = [p.read_bytes() for p in write_recognition_documents(make_run(), tmp_path / "a")]
    second = [p.read_bytes() for p in write_recognition_documents(make_run(), tmp_path / "b")]
    assert first == second


def test_a_consolidation_writes_them_beside_the_workbook(tmp_path):
    from pipeline.app.run import write_outputs

    config = make_config(tmp_path, extra_units=False)
    run = replace(make_run(config), config=config)
    out = write_outputs(config, run)
    mine = [
        config.outputs / "bim-son-2023-danh-sach-cong-nhan.docx",
        config.outputs / "bim-son-2023-du-thao-quyet-dinh-cong-nhan.docx",
    ]
    assert out.documents[:2] == mine  # (other documents may follow)
    assert out.workbook.parent == mine[0].parent
    assert all(p.is_file() and Document(str(p)).paragraphs for p in mine)


# ------------------------------------------------------------------ LibreOffice

SOFFICE_TIMEOUT = 180


def require_writer() -> str:
    """soffice with its Writer component (it converts .docx); skip without it, or fail when
    TCPL_REQUIRE_LIBREOFFICE=1."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    program = Path(os.path.realpath(exe)).parent if exe else None
    if exe and program is not None and any(program.glob("libswlo*")):
        return exe
    why = "LibreOffice Writer (soffice with libswlo) is not installed"
    if os.environ.get("TCPL_REQUIRE_LIBREOFFICE") == "1":
        pytest.fail(f"{why}: apt-get install --no-install-recommends libreoffice-writer-nogui", pytrace=False)
    pytest.skip(why)


def to_pdf(sources: list[Path], out: Path) -> dict[str, int]:
    """One soffice call converting every source to PDF; file name -> its page count."""
    soffice = require_writer()
    cmd = [soffice, f"-env:UserInstallation={(out / 'profile').as_uri()}", "--headless", "--norestore"]
    cmd += ["--convert-to", "pdf", "--outdir", str(out), *map(str, sources)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        proc.communicate(timeout=SOFFICE_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"soffice did not finish in {SOFFICE_TIMEOUT} s", pytrace=False)
    pages = {}
    for s in sources:
        pdf = out / f"{s.stem}.pdf"
        assert pdf.is_file(), f"LibreOffice did not convert {s.name}"
        pages[s.name] = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    return pages


def annex_only(run, path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path), workbook_options())
    write_recognition(wb, Formats(wb), run)
    wb.close()
    return path


@pytest.mark.libreoffice
def test_libreoffice_opens_them_and_they_print_on_the_expected_pages(tmp_path):
    provisional = write_recognition_documents(signed(make_run()), tmp_path / "p")
    final = write_recognition_documents(signed(final_run()), tmp_path / "f")
    final = [p.rename(p.with_name("final-" + p.name)) for p in final]
    sheets = [annex_only(signed(final_run()), tmp_path / "annex-final.xlsx")]
    sheets.append(annex_only(signed(make_run(units=60)), tmp_path / "annex-60.xlsx"))
    pages = to_pdf([*provisional, *final, *sheets], tmp_path / "pdf")
    assert pages == {
        "bim-son-2023-danh-sach-cong-nhan.docx": 2,  # 7 units and the provisional notice
        "bim-son-2023-du-thao-quyet-dinh-cong-nhan.docx": 2,
        "final-bim-son-2023-danh-sach-cong-nhan.docx": 1,
        "final-bim-son-2023-du-thao-quyet-dinh-cong-nhan.docx": 1,
        "annex-final.xlsx": 1,
        "annex-60.xlsx": 5,
    }
