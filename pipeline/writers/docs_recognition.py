"""The recognition documents as Word files, beside the consolidated workbook in outputs/:

- `<slug>-<year>-danh-sach-cong-nhan.docx`: the annex (Mẫu 08) — the two lists, each under
  its own title, with the numbered column row and its headings repeated on every page;
- `<slug>-<year>-du-thao-quyet-dinh-cong-nhan.docx`: the draft decision of the chairman —
  head, "Số: ……/QĐ-UBND" and the date left for the văn thư unless config.toml has them,
  title and summary line, the authority, the "Căn cứ" lines, "QUYẾT ĐỊNH:", three articles,
  "Nơi nhận" and the signer's block with room to sign.

Both follow NĐ 30/2020 (see docx_layout) and say what the annex sheet of the workbook says
(the words are recognition_text's). While any result is provisional both carry the red
notice on every page, as the sheet does; no decision is drafted when no unit meets the
standard (there would be nothing to recognise).
"""

from __future__ import annotations

from pathlib import Path

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from pipeline.core.model import RunResult
from pipeline.writers import docx_layout as layout
from pipeline.writers import recognition_text as words
from pipeline.writers.docx_layout import CENTER, JUSTIFY, RED, paragraph
from pipeline.writers.recognition import provisional_notice

LIST_WIDTHS_CM = (1.4, 5.0, 2.2, 7.9)  # STT, unit, result, note: the 16.5 cm of text width
LIST_SIZE = 13


def document_paths(result: RunResult, folder: Path) -> dict[str, Path]:
    stem = f"{result.config.slug}-{result.config.year}"
    return {
        "list": Path(folder) / f"{stem}-danh-sach-cong-nhan.docx",
        "decision": Path(folder) / f"{stem}-du-thao-quyet-dinh-cong-nhan.docx",
    }


def write_recognition_documents(result: RunResult, folder: Path) -> list[Path]:
    """Write the list and (when some unit meets the standard) the draft decision into
    `folder`; return the paths written. A draft left from an earlier run with recognised
    units is removed when there is none now, so that it can never be signed by mistake."""
    paths = document_paths(result, folder)
    found = words.lists(result)
    written = [write_list(result, paths["list"], found)]
    if found.met:
        written.append(write_decision(result, paths["decision"], found))
    elif paths["decision"].exists():
        paths["decision"].unlink()
    return written


# ------------------------------------------------------------------ the list (annex)


def write_list(result: RunResult, path: Path, found: words.Lists | None = None) -> Path:
    cfg = result.config
    found = found or words.lists(result)
    doc = _document(result, words.annex_title(cfg).replace("\n", " "), LIST_SIZE)
    layout.header_block(doc, words.authority_lines(cfg.authority), words.NATION, words.MOTTO, "")
    paragraph(doc, words.annex_title(cfg), size=14, bold=True, align=CENTER, before=12, keep_with_next=True)
    paragraph(doc, words.annex_line(cfg), italic=True, align=CENTER, after=6)
    notice = provisional_notice(result)
    if notice:
        paragraph(doc, notice, size=11, bold=True, colour=RED, align=JUSTIFY, after=6)
    for met, rows in ((True, found.met), (False, found.not_met)):
        paragraph(doc, words.list_title(cfg, met), bold=True, align=CENTER, before=12, after=6, keep_with_next=True)
        _list_table(doc, found, rows, last=not met)
    paragraph(doc, found.totals_line(), bold=True, before=12, after=6, keep_with_next=True)
    title = cfg.signature.signer_title.replace("\\n", "\n")
    layout.signature(doc, title, cfg.signature.signer_name, words.place_date_line(cfg))
    return layout.save(doc, path)


def _list_table(doc, found: words.Lists, rows: tuple[words.Row, ...], last: bool) -> None:
    """Headings and the numbered row (both repeated on every page the table runs onto), one
    row per unit; rows never split; the last table's last row goes with the totals."""
    table = doc.add_table(rows=2, cols=len(LIST_WIDTHS_CM))
    table.style = "Table Grid"  # thin single borders
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    headings = ("STT", "Tên đơn vị", found.result_heading, found.note_heading)
    for c, text in enumerate(headings):
        _cell(table.rows[0].cells[c], text, bold=True, align=CENTER)
        _cell(table.rows[1].cells[c], f"({c + 1})", italic=True, align=CENTER)
    for tr in (table.rows[0], table.rows[1]):
        _row_flags(tr, header=True)
    if not rows:
        cells = table.add_row().cells
        merged = cells[0].merge(cells[-1])
        _cell(merged, "(không có đơn vị nào)", italic=True, align=CENTER)
    for n, r in enumerate(rows, start=1):
        tr = table.add_row()
        cells = tr.cells
        result = r.result
        shown = f"{result:.2f}".replace(".", ",") if isinstance(result, float) else (result or "")
        keep = last and n == len(rows)
        _cell(cells[0], str(n), align=CENTER, keep=keep)
        _cell(cells[1], r.name, keep=keep)
        _cell(cells[2], shown, align=CENTER, keep=keep)
        _cell(cells[3], r.note, keep=keep)
        _row_flags(tr)
    layout.set_widths(table, LIST_WIDTHS_CM)


def _cell(cell, text: str, *, bold=False, italic=False, align=None, keep=False) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.keep_with_next = keep or None
    if align is not None:
        p.alignment = align
    run = p.add_run(text)
    run.bold, run.italic = bold or None, italic or None
    run.font.size = Pt(LIST_SIZE)


def _row_flags(row, header: bool = False) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        el = OxmlElement("w:tblHeader")
        el.set(qn("w:val"), "true")
        tr_pr.append(el)


# ------------------------------------------------------------------ the draft decision


def write_decision(result: RunResult, path: Path, found: words.Lists | None = None) -> Path:
    cfg = result.config
    found = found or words.lists(result)
    doc = _document(result, f"Quyết định {words.decision_subject(cfg)[:1].lower()}{words.decision_subject(cfg)[1:]}")
    layout.header_block(
        doc,
        words.authority_lines(cfg.authority),
        words.NATION,
        words.MOTTO,
        words.place_date_line(cfg),
        number=words.number_line(cfg),
    )
    notice = provisional_notice(result)
    if notice:
        paragraph(doc, notice, size=11, bold=True, colour=RED, align=JUSTIFY, before=6)
    paragraph(doc, "QUYẾT ĐỊNH", size=14, bold=True, align=CENTER, before=18, keep_with_next=True)
    paragraph(doc, words.decision_subject(cfg), size=14, bold=True, align=CENTER, keep_with_next=True)
    layout.rule(doc, 3.5, layout.TEXT_WIDTH_CM)
    paragraph(doc, words.signer_of(cfg).upper(), size=14, bold=True, align=CENTER, before=12, after=6)
    for line in words.legal_bases(result):
        paragraph(doc, line, italic=True, align=JUSTIFY, indent_cm=1.27, after=6, line=1.1)
    paragraph(doc, "QUYẾT ĐỊNH:", size=14, bold=True, align=CENTER, before=6, after=6)
    for heading, text in words.articles(result, len(found.met)):
        # The last article goes with the signature: never a page holding only the signer.
        p = paragraph(doc, "", align=JUSTIFY, indent_cm=1.27, after=6, line=1.1, keep_with_next=heading == "Điều 3.")
        head = p.add_run(f"{heading} ")
        head.bold = True
        p.add_run(text)
    paragraph(doc, "", after=6, keep_with_next=True)
    title = cfg.signature.signer_title.replace("\\n", "\n")
    layout.signature(doc, title, cfg.signature.signer_name, left=layout.recipients(words.recipients(cfg)))
    return layout.save(doc, path)


def _document(result: RunResult, title: str, size: float = layout.BODY):
    cfg = result.config
    doc = layout.new_document(
        title=title,
        subject=f"Chuẩn tiếp cận pháp luật — {cfg.area} — năm {cfg.year}",
        author=cfg.office_name,
        moment=result.generated_at,
        size=size,
    )
    notice = provisional_notice(result)
    if notice:
        layout.running_header_notice(doc, "KẾT QUẢ TẠM TÍNH — CHƯA DÙNG ĐỂ TRÌNH KÝ")
    return doc
