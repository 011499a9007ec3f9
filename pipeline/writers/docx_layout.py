"""Word documents in the NĐ 30/2020/NĐ-CP layout (python-docx): what every administrative
document the program writes shares.

- `new_document`: A4 portrait, margins top/bottom 20 mm, left 30 mm, right 15 mm, Times New
  Roman (for Latin and every other script slot, so Word never substitutes a font for the
  Vietnamese letters), black, page numbers centred in the top margin from page 2;
- `header_block`: the two-column head — issuing body in bold capitals over a short rule and
  (for a document with a number) "Số: …"; quốc hiệu over the tiêu ngữ and its rule, then the
  place-and-date line in italics;
- `paragraph`, `rule`, `signature`, `recipients`: the pieces of the body and its end;
- `save`: written atomically and byte-identically for the same content (fixed dates in the
  package properties and in the zip members).

Nothing here knows what a document says: the words come from the caller.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from pipeline.writers.atomic import atomic_output

FONT = "Times New Roman"
BODY = 14  # NĐ 30: 13-14 pt
PAGE_WIDTH_CM, LEFT_CM, RIGHT_CM = 21.0, 3.0, 1.5
TEXT_WIDTH_CM = PAGE_WIDTH_CM - LEFT_CM - RIGHT_CM
RED = RGBColor(0xC0, 0x00, 0x00)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)

CENTER, LEFT, RIGHT, JUSTIFY = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.LEFT,
    WD_ALIGN_PARAGRAPH.RIGHT,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
)


def new_document(title: str, subject: str, author: str, moment: dt.datetime, size: float = BODY):
    """An empty A4 document in the NĐ 30 page layout, `size` pt Times New Roman."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(PAGE_WIDTH_CM), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(LEFT_CM), Cm(RIGHT_CM)
    section.header_distance = section.footer_distance = Cm(1)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(size)
    normal.font.color.rgb = RGBColor(0, 0, 0)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    _page_numbers(section)
    props = doc.core_properties
    props.title, props.subject, props.author, props.last_modified_by = title, subject, author, author
    props.created = props.modified = moment.replace(tzinfo=None, microsecond=0)
    props.revision = 1
    props.comments, props.keywords, props.category = "", "", ""
    return doc


def _page_numbers(section) -> None:
    """The page number centred in the top margin, not on the first page (NĐ 30)."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = CENTER
    _field(p, "PAGE", size=13)


def _field(p, code: str, size: float) -> None:
    run = p.add_run()
    run.font.size = Pt(size)
    for kind, text in (("begin", None), (None, f" {code} "), ("separate", None), (None, "1"), ("end", None)):
        if kind is not None:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text.strip() == code:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def running_header_notice(doc, text: str) -> None:
    """A red notice at the top of every page (the first page's header too)."""
    section = doc.sections[0]
    for header in (section.first_page_header, section.header):
        p = header.add_paragraph() if header.paragraphs[0].runs else header.paragraphs[0]
        p.alignment = CENTER
        run = p.add_run(text)
        run.bold, run.font.size, run.font.color.rgb = True, Pt(12), RED


def paragraph(
    container,
    text: str = "",
    *,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    align=None,
    indent_cm: float | None = None,
    before: float = 0,
    after: float = 0,
    keep_with_next: bool = False,
    colour: RGBColor | None = None,
    line: float | None = None,
):
    """One paragraph in `container` (the document, a cell, a header); lines of `text` split at
    '\\n' become line breaks of the same paragraph."""
    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if line is not None:
        fmt.line_spacing = line
    if indent_cm is not None:
        fmt.first_line_indent = Cm(indent_cm)
    if align is not None:
        p.alignment = align
    fmt.keep_with_next = keep_with_next or None
    for n, part in enumerate(text.split("\n")):
        run = p.add_run()
        if n:
            run.add_break(WD_BREAK.LINE)
        run.add_text(part)
        run.bold, run.italic = bold or None, italic or None
        if size is not None:
            run.font.size = Pt(size)
        if colour is not None:
            run.font.color.rgb = colour
    return p


def rule(container, length_cm: float, width_cm: float) -> None:
    """A short horizontal rule, centred, `length_cm` long, under the line above it (the rule
    under the issuing body, the tiêu ngữ and the title): a bottom border on an empty
    paragraph indented to that length in a column `width_cm` wide."""
    p = container.add_paragraph()
    fmt = p.paragraph_format
    side = max(0.0, (width_cm - length_cm) / 2)
    fmt.left_indent = fmt.right_indent = Cm(side)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(2)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p._p.get_or_add_pPr().append(borders)


def borderless_table(doc, widths_cm: Sequence[float]):
    """A table without borders laying out blocks side by side (the head, the signatures)."""
    table = doc.add_table(rows=1, cols=len(widths_cm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell in table.rows[0].cells:
        _clear(cell)
    set_widths(table, widths_cm)
    _no_split(table.rows[0])
    return table


def set_widths(table, widths_cm: Sequence[float]) -> None:
    """Fixed column widths, in the grid (what LibreOffice reads) and in every cell (Word)."""
    table.autofit = False
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_cm, strict=True):
        col.set(qn("w:w"), str(int(Cm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=False):
            cell.width = Cm(width)


def _clear(cell) -> None:
    """A new cell holds one empty paragraph: remove it so the cell holds only what is added."""
    for p in list(cell.paragraphs):
        p._p.getparent().remove(p._p)


def _no_split(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    tr_pr.append(el)


def header_block(doc, authority: Sequence[str], nation: str, motto: str, place_date: str, number: str = "") -> None:
    """The head of the document: authority lines in bold capitals, a rule, the number (if
    any) | quốc hiệu, tiêu ngữ, a rule, the place-and-date line in italics."""
    left_w, right_w = 6.3, TEXT_WIDTH_CM - 6.3
    table = borderless_table(doc, (left_w, right_w))
    left, right = table.rows[0].cells
    paragraph(left, "\n".join(authority), size=13, bold=True, align=CENTER)
    rule(left, 2.2, left_w)
    if number:
        paragraph(left, number, size=13, align=CENTER, before=6)
    paragraph(right, nation, size=12.5, bold=True, align=CENTER)
    paragraph(right, motto, size=13.5, bold=True, align=CENTER)
    rule(right, 5.4, right_w)
    if place_date:
        paragraph(right, place_date, size=13.5, italic=True, align=CENTER, before=6)


def signature(doc, title: str, name: str, place_date: str = "", left: list[tuple[str, bool, bool]] | None = None):
    """The signer's block on the right (title in bold capitals, room to sign, the name in bold,
    blank when not known: written by hand); `left`: lines (text, bold, italic) beside it
    (Nơi nhận), or none."""
    table = borderless_table(doc, (8.0, TEXT_WIDTH_CM - 8.0))
    lcell, rcell = table.rows[0].cells
    for text, bold, italic in left or []:
        paragraph(lcell, text, size=12 if bold else 11, bold=bold, italic=italic)
    if not left:
        paragraph(lcell, "")
    if place_date:
        paragraph(rcell, place_date, size=13.5, italic=True, align=CENTER)
    paragraph(rcell, title, size=14, bold=True, align=CENTER)
    for _ in range(4):  # room to sign and stamp
        paragraph(rcell, "", size=14)
    paragraph(rcell, name, size=14, bold=True, align=CENTER)
    return table


def recipients(entries: Sequence[str]) -> list[tuple[str, bool, bool]]:
    """'Nơi nhận:' (bold italic 12) and its entries '- …;' (11), the last one '- Lưu: …'."""
    return [("Nơi nhận:", True, True), *((f"- {e}", False, False) for e in entries)]


def save(doc, path: Path) -> Path:
    """Write `doc` to `path` atomically, the same bytes for the same content."""
    buffer = io.BytesIO()
    doc.save(buffer)
    fixed = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            out.writestr(member, src.read(info.filename))
    with atomic_output(Path(path)) as tmp:
        tmp.write_bytes(fixed.getvalue())
    return Path(path)
