"""The office's draft report upward (to the Sở Tư pháp) on the period's periodic reports, as a
Word file in the NĐ 30/2020 layout, for the clerk to edit and the văn thư to number:

head (issuing authority, "Số: ……/BC-UBND" and the date left for the văn thư; quốc hiệu, tiêu
ngữ), BÁO CÁO and its summary line, "Kính gửi", the bases, I. the results (who reported, late,
not at all; the figures filled in, in sentences and a table; what each commune did), II. the
difficulties and their causes, III. the proposals — each commune's words under its heading,
with the unit named — then "./.", the signer's block and "Nơi nhận" as in the seed plan.

The building blocks are docx_layout's (page, head, paragraphs, signature, Nơi nhận) and the
words recognition_text's (authority lines, quốc hiệu, dates, citations), shared with the
recognition documents.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.shared import Pt

from pipeline.core import report_layout as L
from pipeline.core.text import date_text, number_text
from pipeline.steps.reports import PeriodResult
from pipeline.writers import docx_layout as layout
from pipeline.writers import recognition_text as words
from pipeline.writers.docx_layout import CENTER, JUSTIFY, RED, paragraph
from pipeline.writers.report_outputs import grouped_texts, rate_text

TABLE_WIDTHS_CM = (1.2, 8.3, 2.6, 2.2, 2.2)  # STT, content, unit, quantity, units reporting: 16.5 cm
TABLE_SIZE = 12


def number_line(result: PeriodResult) -> str:
    """'Số: ……/BC-UBND' for a People's Committee's report, always left for the văn thư."""
    committee = result.config.authority.casefold().startswith("ủy ban nhân dân")
    return f"Số: {words.DOTS}/BC-{'UBND' if committee else words.DOTS}"


def summary_line(result: PeriodResult) -> str:
    return (
        f"Kết quả thực hiện xây dựng {words.kinds_text(result.config)} đạt chuẩn tiếp cận pháp luật "
        f"{L.period_words(result.period, result.config.year)}"
    )


def addressee(result: PeriodResult) -> str:
    """The office above: the Sở Tư pháp of the province (the Bộ for a Sở), as the recognition
    decision's Nơi nhận names it."""
    return words.recipients(result.config)[1].rstrip(";")


def recipients(result: PeriodResult) -> list[str]:
    """As in the seed plan: the Sở Tư pháp, the communes, the archive."""
    return [f"{addressee(result)};", f"UBND các {words.kinds_text(result.config)};", "Lưu: VT, TP."]


def figure_lines(result: PeriodResult) -> list[str]:
    """The figures of the period in the report's sentences."""
    t = {k: number_text(v) for k, v in result.totals.items()}
    return [
        f"- Tổ chức {t['so_cuoc_pbgdpl']} cuộc tuyên truyền, phổ biến pháp luật với {t['so_luot_nguoi_pbgdpl']} "
        "lượt người tham dự;",
        f"- Duy trì {t['so_tu_sach']} tủ sách pháp luật với {t['so_luot_doc_sach']} lượt mượn, đọc sách, tài liệu "
        f"pháp luật; {t['so_clb']} câu lạc bộ pháp luật hoạt động với {t['so_buoi_clb']} buổi sinh hoạt;",
        f"- Hòa giải ở cơ sở: tiếp nhận {t['so_vu_hoa_giai']} vụ, việc; hòa giải thành {t['so_vu_hoa_giai_thanh']} "
        f"vụ, việc (tỷ lệ {rate_text(result)});",
        f"- Tổ chức {t['so_lop_tap_huan']} lớp tập huấn, bồi dưỡng với {t['so_luot_tap_huan']} lượt cán bộ, "
        "tuyên truyền viên, hòa giải viên tham dự;",
        f"- Xây dựng {t['so_mo_hinh_diem']} mô hình điểm về xã, phường đạt chuẩn tiếp cận pháp luật.",
    ]


def reporting_line(result: PeriodResult) -> str:
    cfg = result.config
    kinds = words.kinds_text(cfg)
    text = (
        f"Đến ngày {date_text(result.as_of)}, {len(result.reports)}/{len(cfg.units)} {kinds} đã gửi báo cáo "
        f"({len(result.on_time)} đúng hạn, {len(result.late)} nộp muộn"
    )
    if result.late:
        text += ": " + ", ".join(r.unit.full_name for r in result.late)
    text += ")"
    if result.missing:
        text += "; chưa gửi báo cáo: " + ", ".join(u.full_name for u in result.missing)
    return text + f" (hạn nộp {date_text(result.deadline)})."


def gaps_note(result: PeriodResult) -> str:
    """For the clerk: what the figures do not include yet (red, to be removed once settled)."""
    parts = [f"{u.full_name} chưa gửi báo cáo" for u in result.missing]
    for r in result.incomplete:
        names = ", ".join(f.short.lower() for f in L.FIGURES if r.figures[f.name] is None)
        parts.append(f"{r.unit.full_name} — {names} ({'không hợp lệ' if r.refused else 'chưa nhập'})")
    if not parts:
        return ""
    return (
        "(Ghi chú cho người soạn: số liệu trên chưa gồm: " + "; ".join(parts) + ". Bổ sung khi các đơn vị gửi lại, "
        "rồi xóa ghi chú này.)"
    )


def write_report_docx(result: PeriodResult, path: Path) -> Path:
    cfg = result.config
    rule_set = cfg.load_rule_set()
    doc = layout.new_document(
        title=f"Báo cáo {summary_line(result)[:1].lower()}{summary_line(result)[1:]}",
        subject=f"Báo cáo định kỳ chuẩn tiếp cận pháp luật — {cfg.area}",
        author=cfg.office_name,
        moment=dt.datetime.combine(result.as_of, dt.time()),
    )
    place_date = f"{words.place(cfg)}, {words.legal_date(None)}"  # the day is the văn thư's
    layout.header_block(
        doc, words.authority_lines(cfg.authority), words.NATION, words.MOTTO, place_date, number=number_line(result)
    )
    paragraph(doc, "BÁO CÁO", size=14, bold=True, align=CENTER, before=18, keep_with_next=True)
    paragraph(doc, summary_line(result), size=14, bold=True, align=CENTER, keep_with_next=True)
    layout.rule(doc, 3.5, layout.TEXT_WIDTH_CM)
    paragraph(doc, f"Kính gửi: {addressee(result)}.", align=CENTER, before=12, after=12)
    bases = f"Thực hiện {words.citation(rule_set.decision)}" if rule_set.decision.strip() else "Thực hiện"
    body(
        doc,
        f"{bases} và Kế hoạch số {words.DOTS}/KH-UBND của {cfg.authority} về xây dựng {words.kinds_text(cfg)} đạt "
        f"chuẩn tiếp cận pháp luật năm {cfg.year}; trên cơ sở báo cáo của các {words.kinds_text(cfg)}, "
        f"{cfg.authority} báo cáo kết quả thực hiện {L.period_words(result.period, cfg.year)} như sau:",
    )
    heading(doc, "I. KẾT QUẢ THỰC HIỆN")
    heading(doc, f"1. Tình hình báo cáo của các {words.kinds_text(cfg)}", level=2)
    body(doc, reporting_line(result))
    heading(doc, "2. Kết quả cụ thể", level=2)
    for line in figure_lines(result):
        body(doc, line)
    _figures_table(doc, result)
    note = gaps_note(result)
    if note:
        paragraph(doc, note, size=12, italic=True, colour=RED, align=JUSTIFY, before=6, after=6)
    groups = {f.name: (written, silent) for f, written, silent in grouped_texts(result)}
    heading(doc, f"3. Kết quả thực hiện tại các {words.kinds_text(cfg)}", level=2)
    _compiled(doc, groups["ket_qua"][0])
    heading(doc, "II. VƯỚNG MẮC, BẤT CẬP VÀ NGUYÊN NHÂN")
    heading(doc, "1. Vướng mắc, bất cập", level=2)
    _compiled(doc, groups["vuong_mac"][0])
    heading(doc, "2. Nguyên nhân", level=2)
    _compiled(doc, groups["nguyen_nhan"][0])
    heading(doc, "III. ĐỀ XUẤT, KIẾN NGHỊ")
    _compiled(doc, groups["de_xuat"][0])
    body(
        doc,
        f"Trên đây là báo cáo kết quả thực hiện xây dựng {words.kinds_text(cfg)} đạt chuẩn tiếp cận pháp luật "
        f"{L.period_words(result.period, cfg.year)} của {cfg.authority}./.",
        keep_with_next=True,
    )
    paragraph(doc, "", after=6, keep_with_next=True)
    title = cfg.reports.signer_title.replace("\\n", "\n")
    layout.signature(doc, title, cfg.reports.signer_name, left=layout.recipients(recipients(result)))
    return layout.save(doc, path)


def heading(doc, text: str, level: int = 1) -> None:
    paragraph(
        doc, text, bold=True, align=JUSTIFY, indent_cm=1.27, before=6, after=6 if level == 1 else 3, keep_with_next=True
    )


def body(doc, text: str, keep_with_next: bool = False) -> None:
    paragraph(doc, text, align=JUSTIFY, indent_cm=1.27, after=6, line=1.1, keep_with_next=keep_with_next)


def _compiled(doc, written: list[tuple[str, str]]) -> None:
    """Each commune's words under the heading, the unit named, for the clerk to edit."""
    if not written:
        paragraph(doc, "(Các đơn vị không nêu.)", italic=True, align=JUSTIFY, indent_cm=1.27, after=6)
        return
    for unit, text in written:
        p = paragraph(doc, "", align=JUSTIFY, indent_cm=1.27, after=6, line=1.1)
        head = p.add_run(f"- {unit}: ")
        head.bold = True
        p.add_run(" ".join(text.split("\n")))


def _figures_table(doc, result: PeriodResult) -> None:
    table = doc.add_table(rows=1, cols=len(TABLE_WIDTHS_CM))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    expected = len(result.config.units)
    for c, text in enumerate(("STT", "Nội dung", "Đơn vị tính", "Số lượng", "Số đơn vị có số liệu")):
        _cell(table.rows[0].cells[c], text, bold=True, align=CENTER, keep=True)
    for n, f in enumerate(L.FIGURES, start=1):
        keep = n < len(L.FIGURES)  # the small table stays on one page: every row with the next
        cells = table.add_row().cells
        _cell(cells[0], str(n), align=CENTER, keep=keep)
        _cell(cells[1], f.short, keep=keep)
        _cell(cells[2], f.unit, align=CENTER, keep=keep)
        _cell(cells[3], number_text(result.totals[f.name]), align=CENTER, keep=keep)
        _cell(cells[4], f"{result.given[f.name]}/{expected}", align=CENTER, keep=keep)
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    layout.set_widths(table, TABLE_WIDTHS_CM)
    paragraph(doc, "", after=6)


def _cell(cell, text: str, *, bold: bool = False, align=None, keep: bool = False) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.keep_with_next = keep or None
    if align is not None:
        p.alignment = align
    run = p.add_run(text)
    run.bold = bold or None
    run.font.size = Pt(TABLE_SIZE)
