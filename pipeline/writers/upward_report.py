"""The report the office sends up on the assessment (issue 16), from a consolidation:

- `write_upward_sheet`: the sheet "Báo cáo" of the consolidated workbook, the report's figures
  as tables (so they are checked against the summary in the same workbook);
- `write_upward_report`: a draft .docx in the NĐ 30 layout, ready to number and sign: the
  issuing body and "Số: ……/BC-UBND" left for the văn thư, the quốc hiệu, "Kính gửi", the
  figures filled in (units meeting / total and the rate, by kind, the recognition decision,
  year over year, the extremes or the contents failed most often, the named units not meeting
  the standard with their reasons), and a headed section for the office to write its
  assessment and proposals. A provisional result says so in red on every page.

Both work for points and pass/fail rule sets; the figures come from steps.upward.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from pipeline.core.model import RunResult
from pipeline.core.text import number_text
from pipeline.steps.upward import Upward, upward_figures
from pipeline.writers import docx_layout as layout
from pipeline.writers import recognition_text as words
from pipeline.writers.docx_layout import CENTER, JUSTIFY, RED, paragraph
from pipeline.writers.recognition import provisional_notice
from pipeline.writers.xlsx import (
    Col,
    Formats,
    add_sheet,
    lines_needed,
    print_setup,
    put,
    put_merged,
    row_height,
    write_table,
)

SHEET = "Báo cáo"


def upward_path(result: RunResult, folder: Path) -> Path:
    cfg = result.config
    return folder / f"{cfg.slug}-{cfg.year}-bao-cao-ket-qua.docx"


def pct(rate: Fraction | None) -> str:
    return "" if rate is None else number_text(rate, places=2) + "%"


def addressee(result: RunResult) -> str:
    """Who the report goes to: a town's office reports to the province's Sở Tư pháp; the
    province (its Sở Tư pháp consolidates since 1/7/2025) to the Ministry of Justice."""
    cfg = result.config
    if cfg.office_name.strip().lower().startswith("sở"):
        return "Bộ Tư pháp"
    return f"Sở Tư pháp tỉnh {cfg.province}"


def summary_lines(result: RunResult, up: Upward) -> list[str]:
    """The report's figures as sentences (the .docx body, point 1)."""
    cfg = result.config
    kinds = ", ".join(f"{k.total} {k.kind}" for k in up.by_kind)
    lines = [
        f"Tổng số đơn vị hành chính cấp xã được đánh giá: {up.total} ({kinds}); "
        f"{up.submitted} đơn vị có hồ sơ tự đánh giá dùng được"
        + (f", {up.not_submitted} đơn vị không gửi hồ sơ" if up.not_submitted else "")
        + (f", {up.unusable} đơn vị có hồ sơ không dùng được" if up.unusable else "")
        + ".",
        f"Số đơn vị đạt chuẩn tiếp cận pháp luật năm {cfg.year}: {up.met}/{up.total} đơn vị, "
        f"đạt tỷ lệ {pct(up.rate)}"
        + (" (" + "; ".join(f"{k.kind}: {k.met}/{k.total}" for k in up.by_kind) + ")" if len(up.by_kind) > 1 else "")
        + ".",
        f"Quyết định công nhận: {words.decision_ref(cfg)}.",
    ]
    if up.previous_total:
        change = (up.rate or 0) - (up.previous_rate or 0)
        word = "tăng" if change > 0 else "giảm" if change < 0 else "không đổi"
        lines.append(
            f"So với năm {up.previous_year}: {up.previous_met}/{up.previous_total} đơn vị đạt chuẩn "
            f"({pct(up.previous_rate)}); tỷ lệ {word}"
            + (f" {number_text(abs(change), places=2)} điểm phần trăm" if change else "")
            + "."
        )
    if up.highest:
        best = ", ".join(e.unit for e in up.highest)
        worst = ", ".join(e.unit for e in up.lowest)
        lines.append(
            f"Đơn vị có tổng điểm cao nhất: {best} ({number_text(up.highest[0].value)} điểm); "
            f"thấp nhất: {worst} ({number_text(up.lowest[0].value)} điểm)."
        )
    if up.failed_most:
        lines.append(
            "Nội dung nhiều đơn vị chưa đạt nhất: "
            + "; ".join(f"{f.code} {f.name} ({f.units} đơn vị)" for f in up.failed_most)
            + "."
        )
    return lines


def not_met_rows(result: RunResult, up: Upward) -> list[tuple[str, str]]:
    """(unit, reasons) of every unit not meeting the standard, in the decision's wording."""
    from pipeline.core.text import rejected_files

    rejected = rejected_files(result)
    return [
        (u.unit.full_name, "; ".join(words.reasons(u, result.rule_set, rejected.get(u.unit.code, []))))
        for u in up.not_met
    ]


# ------------------------------------------------------------------ the workbook's sheet


def write_upward_sheet(wb, fmt: Formats, result: RunResult) -> None:
    """One grid for both tables: column A holds a kind or a unit's name, B:E the figures or,
    merged, the unit's reasons (so neither table squeezes the other's columns)."""
    up = upward_figures(result)
    ws = add_sheet(wb, SHEET)
    cols = [
        Col("Loại đơn vị / đơn vị", min=24, max=26),
        Col("Tổng số", ("center",), min=9, max=9),
        Col("Có hồ sơ dùng được", ("center",), min=11, max=11),
        Col("Đạt chuẩn", ("center",), min=10, max=10),
        Col("Tỷ lệ đạt chuẩn", ("center",), min=11, max=11),
    ]
    last_col = len(cols) - 1
    full = sum(c.min for c in cols)
    reasons_width = full - cols[0].min

    def line(row: int, text: str, look, size: float = 11, bold: bool = False) -> int:
        put_merged(ws, row, 0, last_col, text, look)
        ws.set_row(row, row_height(lines_needed(text, full, size, bold=bold), size))
        return row + 1

    title = f"SỐ LIỆU BÁO CÁO KẾT QUẢ ĐÁNH GIÁ, CÔNG NHẬN NĂM {result.config.year}"
    row = line(0, title, fmt("title"), 14, bold=True)
    notice = provisional_notice(result)
    if notice:
        row = line(row, notice, fmt("banner_bad"), bold=True)
    row = line(row, f"Gửi: {addressee(result)}. Cùng số liệu với trang Tổng hợp.", fmt("italic")) + 1
    rows = [[k.kind, k.total, k.submitted, k.met, pct(k.rate)] for k in up.by_kind]
    rows.append(["Cộng", up.total, up.submitted, up.met, pct(up.rate)])
    ws.set_row(row, row_height(2))  # the headings wrap on two lines
    row = write_table(ws, fmt, row, cols, rows) + 2
    for text in summary_lines(result, up)[2:]:
        row = line(row, text, fmt("wrap"))
    row += 1
    put(ws, row, 0, "Đơn vị chưa đạt chuẩn và lý do", fmt("section"))
    listed = not_met_rows(result, up)
    row += 1
    if not listed:
        put(ws, row, 0, "Không có: mọi đơn vị đạt chuẩn.", fmt("italic"))
    else:
        put(ws, row, 0, "Đơn vị", fmt("head"))
        put_merged(ws, row, 1, last_col, "Lý do", fmt("head"))
        for name, why in listed:
            row += 1
            put(ws, row, 0, name, fmt("cell", "wrap"))
            put_merged(ws, row, 1, last_col, why, fmt("cell", "wrap"))
            ws.set_row(row, row_height(max(lines_needed(why, reasons_width), lines_needed(name, cols[0].min))))
    print_setup(ws, landscape=False, repeat=None, header=result.config.office_name)


# ------------------------------------------------------------------ the .docx


def write_upward_report(result: RunResult, path: Path) -> Path:
    cfg = result.config
    up = upward_figures(result)
    subject = f"Kết quả đánh giá, công nhận {words.kinds_text(cfg)} đạt chuẩn tiếp cận pháp luật năm {cfg.year}"
    doc = layout.new_document(
        title=f"Báo cáo {subject[:1].lower()}{subject[1:]}",
        subject=f"Chuẩn tiếp cận pháp luật — {cfg.area} — năm {cfg.year}",
        author=cfg.office_name,
        moment=result.generated_at,
    )
    notice = provisional_notice(result)
    if notice:
        layout.running_header_notice(doc, "KẾT QUẢ TẠM TÍNH — CHƯA DÙNG ĐỂ TRÌNH KÝ")
    layout.header_block(
        doc,
        words.authority_lines(cfg.authority),
        words.NATION,
        words.MOTTO,
        f"{words.place(cfg)}, {words.legal_date(None)}",  # the day is the văn thư's
        number=f"Số: {words.DOTS}/BC-UBND",
    )
    if notice:
        paragraph(doc, notice, size=11, bold=True, colour=RED, align=JUSTIFY, before=6)
    paragraph(doc, "BÁO CÁO", size=14, bold=True, align=CENTER, before=18, keep_with_next=True)
    paragraph(doc, subject, size=14, bold=True, align=CENTER, keep_with_next=True)
    layout.rule(doc, 3.5, layout.TEXT_WIDTH_CM)
    paragraph(doc, f"Kính gửi: {addressee(result)}.", align=CENTER, before=12, after=12)
    body = dict(align=JUSTIFY, indent_cm=1.27, after=6, line=1.1)
    paragraph(
        doc,
        f"Thực hiện {result.rule_set.decision or result.rule_set.name}"
        + (f" và {result.rule_set.guidance}" if result.rule_set.guidance else "")
        + f", {cfg.authority} báo cáo kết quả đánh giá, công nhận đạt chuẩn tiếp cận pháp luật năm {cfg.year} "
        "như sau:",
        **body,
    )
    paragraph(doc, "I. KẾT QUẢ ĐÁNH GIÁ, CÔNG NHẬN", bold=True, before=6, after=6, keep_with_next=True)
    lines = summary_lines(result, up)
    for n, line in enumerate(lines, start=1):
        paragraph(doc, f"{n}. {line}", **body)
    rows = not_met_rows(result, up)
    paragraph(
        doc,
        f"{len(lines) + 1}. Đơn vị chưa đạt chuẩn và lý do" + (":" if rows else ": không có."),
        **body,
        keep_with_next=bool(rows),
    )
    if rows:
        _not_met_table(doc, rows)
    paragraph(doc, "II. ĐÁNH GIÁ CHUNG", bold=True, before=12, after=6, keep_with_next=True)
    _to_write(doc, "(Văn phòng viết: ưu điểm, hạn chế, nguyên nhân.)")
    paragraph(doc, "III. GIẢI PHÁP, ĐỀ XUẤT, KIẾN NGHỊ", bold=True, before=12, after=6, keep_with_next=True)
    _to_write(doc, "(Văn phòng viết: giải pháp bảo đảm tính thực chất, nâng cao hiệu quả; đề xuất, kiến nghị.)")
    paragraph(doc, f"Trên đây là báo cáo của {cfg.authority}./.", **body, keep_with_next=True)
    head = words.authority_lines(cfg.authority)[0]
    title = f"TM. {head}\n" + cfg.signature.signer_title.replace("\\n", "\n")
    entries = ["Như trên;", "Lưu: VT, TP."]
    layout.signature(doc, title, cfg.signature.signer_name, left=layout.recipients(entries))
    return layout.save(doc, path)


def _to_write(doc, hint: str) -> None:
    """A headed section left for the office: the hint in italics, then dotted lines to write on."""
    paragraph(doc, hint, italic=True, indent_cm=1.27, after=3)
    for _ in range(3):
        paragraph(doc, words.DOTS * 13, indent_cm=1.27, after=3)


def _not_met_table(doc, rows: list[tuple[str, str]]) -> None:
    widths = (1.3, 5.0, layout.TEXT_WIDTH_CM - 6.3)
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    layout.set_widths(table, widths)
    for cell, text in zip(table.rows[0].cells, ("STT", "Đơn vị", "Lý do"), strict=True):
        cell.paragraphs[0].text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        cell.paragraphs[0].alignment = CENTER
    for n, (unit, why) in enumerate(rows, start=1):
        cells = table.add_row().cells
        for cell, text, align in zip(cells, (str(n), unit, why), (CENTER, None, JUSTIFY), strict=True):
            cell.paragraphs[0].text = text
            if align is not None:
                cell.paragraphs[0].alignment = align
    layout.set_widths(table, widths)
