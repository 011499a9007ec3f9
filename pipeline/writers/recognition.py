"""'Danh sách công nhận': the annex of the chairman's recognition decision (Mẫu 08, TT 09/2021)
laid out as an administrative document (NĐ 30/2020), ready to print on A4 portrait.

Top to bottom: the issuing authority (left) and the quốc hiệu / tiêu ngữ (right); the annex
title and "(Kèm theo Quyết định số … của Chủ tịch …)", its number and date from config.toml
or dots for the văn thư; a red notice when any result is provisional (a provisional rule-set
figure, or points not yet appraised by the council) — repeated in every page header, so a
provisional list can never pass for the official one; list I (units that meet the standard)
and list II (units that do not, with the reasons in plain legal words; units that sent
nothing or nothing usable are here too), each under its own title, with its heading row and
the numbered column row (1), (2), …; the totals; the place-and-date line and the signature
block from [signature]. Times New Roman 13, thin borders, no form hints; the page numbers in
the footer are this sheet's own.

The words are those of `recognition_text`, which the .docx list and draft decision use too.
"""

from __future__ import annotations

from typing import Any

from pipeline.core.model import SUBMITTED, RunResult
from pipeline.writers import recognition_text as words
from pipeline.writers.pagination import TrackedRows
from pipeline.writers.xlsx import (
    Formats,
    add_sheet,
    gc_paused,
    header_safe,
    lines_needed,
    put,
    put_merged,
    put_row,
    row_height,
)

SHEET = "Danh sách công nhận"
WIDTHS = (6, 27, 10, 41)  # STT, unit, total, note / reasons: 165 mm of A4 portrait at 13 pt
LAST = len(WIDTHS) - 1
SIZE = 13  # NĐ 30/2020: body text 13-14 pt
LEFT, RIGHT = (0, 1), (2, LAST)  # the header block's two columns (authority | quốc hiệu)

# The annex is a document, not a worksheet: the shared formats at the document's size, with
# its own cells (wrapped), title and quốc hiệu.
_PIECES: dict[str, dict[str, Any]] = {
    "cell": {"border": 1, "text_wrap": True},
    "title": {"bold": True, "font_size": 14, "align": "center", "text_wrap": True},
    "nation": {"bold": True, "font_size": 12},
    "small": {"font_size": 11},
    "underline": {"underline": 1},
}


def provisional_reasons(result: RunResult) -> list[str]:
    """Why the lists are not final yet (empty when they are)."""
    out = []
    used = result.used_provisional_figures()  # only what the listed results rest on
    if used:
        out.append("bộ tiêu chí còn số liệu chưa đối chiếu văn bản gốc (" + "; ".join(used) + ")")
    usable = [u for u in result.units if u.status == SUBMITTED and u.verdict is not None]
    self_assessed = [u for u in usable if any(r.code == "SELF_ASSESSED" for r in u.verdict.provisional)]
    if self_assessed:
        out.append(
            f"{len(self_assessed)}/{len(usable)} đơn vị còn dùng điểm tự chấm, chưa có đủ điểm thẩm định của Hội đồng"
        )
    return out


def provisional_notice(result: RunResult) -> str:
    """The red notice of a provisional list ('' when the list is final)."""
    provisional = provisional_reasons(result)
    if not provisional:
        return ""
    return "KẾT QUẢ TẠM TÍNH — CHƯA DÙNG ĐỂ TRÌNH KÝ QUYẾT ĐỊNH CÔNG NHẬN: " + "; ".join(provisional) + "."


# Printable height of the page in points: A4 (842) less the top and bottom margins (2 x 20 mm),
# counted a little short (4%) for the rounding of Excel and LibreOffice.
PAGE_HEIGHT = (842 - 2 * 57) * 0.96
BLANK = 10  # a spacing row


def _blank(rows: TrackedRows, row: int) -> int:
    rows.set_row(row, BLANK)
    return row + 1


@gc_paused
def write_recognition(wb, _fmt: Formats, result: RunResult) -> None:
    ws = add_sheet(wb, SHEET)
    fmt, rows = Formats(wb, size=SIZE, styles=_PIECES), TrackedRows(ws)
    for c, width in enumerate(WIDTHS):
        ws.set_column(c, c, width)
    cfg = result.config
    row = _header_block(ws, fmt, rows, result)
    row = _text(ws, fmt, rows, row, words.annex_title(cfg), ("title",), size=14, caps=True)
    row = _blank(rows, _text(ws, fmt, rows, row, words.annex_line(cfg), ("italic", "center", "wrap")))
    notice = provisional_notice(result)
    if notice:
        row = _blank(rows, _text(ws, fmt, rows, row, notice, ("banner_bad", "small"), size=11, bold=True))
    found = words.lists(result)
    repeat: tuple[int, int] | None = (row + 1, row + 2)  # list I's heading rows: list II has the same columns
    for met, units in ((True, found.met), (False, found.not_met)):
        title = row
        row = _text(ws, fmt, rows, row, words.list_title(cfg, met), ("bold", "center", "wrap"), caps=True)
        row = _blank(rows, _table(ws, fmt, rows, row, found, units))
        rows.keep_together(title, title + 3)  # the title, the headings and the first row
    tail = row - 2 if len(found.not_met) > 1 else title  # never a page holding only the signature
    row = _blank(rows, _text(ws, fmt, rows, row, found.totals_line(), ("bold", "wrap"), bold=True))
    row = _signature(ws, fmt, rows, result, row)
    rows.keep_together(tail, row)
    starts = rows.page_starts(row + 1, PAGE_HEIGHT, repeat)
    if starts:  # every page end by hand (see pagination)
        ws.set_h_pagebreaks(starts)
    else:
        repeat = None  # one page: nothing to repeat
    _print_setup(ws, repeat, bool(notice))
    ws.print_area(0, 0, row, LAST)


def _header_block(ws, fmt, rows: TrackedRows, result: RunResult) -> int:
    """Authority (bold capitals, its last line underlined) | quốc hiệu over the underlined tiêu ngữ."""
    lines = words.authority_lines(result.config.authority)
    first, rest = lines[0], "\n".join(lines[1:])
    put_merged(ws, 0, *LEFT, first, fmt("bold", "center", "wrap") if rest else fmt("bold", "center", "underline"))
    put_merged(ws, 0, *RIGHT, words.NATION, fmt("nation", "center"))
    put_merged(ws, 1, *LEFT, rest, fmt("bold", "center", "underline", "wrap"))
    put_merged(ws, 1, *RIGHT, words.MOTTO, fmt("bold", "center", "underline"))
    rows.set_row(0, row_height(1, SIZE))
    rows.set_row(1, row_height(max(1, len(lines) - 1), SIZE))
    return _blank(rows, 2)


def _text(
    ws, fmt, rows: TrackedRows, row: int, text: str, style: tuple[str, ...], *, size: int = SIZE, bold=False, caps=False
) -> int:
    """A paragraph across the page, its row as tall as the text needs; returns the next row.
    Capitals are wider than the model's average letter."""
    put_merged(ws, row, 0, LAST, text, fmt(*style))
    width = sum(WIDTHS) * (0.8 if caps else 1)
    lines = sum(lines_needed(part, width, size, bold=bold or caps) for part in text.split("\n"))
    rows.set_row(row, row_height(lines, size) + 2)
    return row + 1


def _table(ws, fmt, rows: TrackedRows, row: int, found: words.Lists, units: tuple[words.Row, ...]) -> int:
    """Heading row, numbered column row, one row per unit; returns the next row."""
    headings = ("STT", "Tên đơn vị", found.result_heading, found.note_heading)
    for c, text in enumerate(headings):
        put(ws, row, c, text, fmt("cell", "bold", "center", "vcenter"))
    heading_lines = max(lines_needed(h, w, SIZE, bold=True) for h, w in zip(headings, WIDTHS, strict=True))
    rows.set_row(row, row_height(heading_lines, SIZE))
    for c in range(len(WIDTHS)):
        put(ws, row + 1, c, f"({c + 1})", fmt("cell", "italic", "center"))
    rows.set_row(row + 1, row_height(1, SIZE))
    row += 2
    if not units:
        put_merged(ws, row, 0, LAST, "(không có đơn vị nào)", fmt("cell", "italic", "center"))
        rows.set_row(row, row_height(1, SIZE))
        return row + 1
    number, text, centre = fmt("cell", "center"), fmt("cell"), fmt("cell", "pts", "center")
    for n, r in enumerate(units, start=1):
        put_row(ws, row, 0, [n, r.name, r.result, r.note], [number, text, centre, text])
        lines = max(lines_needed(r.note, WIDTHS[3], SIZE), lines_needed(r.name, WIDTHS[1], SIZE))
        rows.set_row(row, row_height(lines, SIZE))
        row += 1
    return row


def _signature(ws, fmt, rows: TrackedRows, result: RunResult, row: int) -> int:
    """The place-and-date line (the decision's date, or dots), the signer's title, room to
    sign, the name (blank until config.toml has it); returns the last row used."""
    cfg = result.config
    put_merged(ws, row, *RIGHT, words.place_date_line(cfg), fmt("italic", "center"))
    rows.set_row(row, row_height(1, SIZE))
    row += 1
    title = cfg.signature.signer_title.replace("\\n", "\n")
    put_merged(ws, row, *RIGHT, title, fmt("bold", "center", "wrap"))
    rows.set_row(row, row_height(title.count("\n") + 1, SIZE))
    for _ in range(4):  # room to sign and stamp
        row += 1
        rows.set_row(row, 20)
    row += 1
    put_merged(ws, row, *RIGHT, cfg.signature.signer_name, fmt("bold", "center"))
    rows.set_row(row, row_height(1, SIZE))
    return row


def _print_setup(ws, repeat: tuple[int, int] | None, provisional: bool) -> None:
    """A4 portrait, NĐ 30 margins (left 30 mm, right 15 mm, top and bottom 20 mm), one page
    wide, the lists' heading rows on every page when there is more than one; this sheet's own
    page numbers (from 1)."""
    ws.set_paper(9)
    ws.set_portrait()
    ws.set_margins(left=1.18, right=0.59, top=0.79, bottom=0.79)
    if repeat is not None:
        ws.repeat_rows(*repeat)
    ws.fit_to_pages(1, 0)
    ws.set_start_page(1)
    if provisional:  # on every printed page, in red, centred
        ws.set_header(f'&C&"Times New Roman,Bold"&12&KC00000{header_safe("KẾT QUẢ TẠM TÍNH")}', margin=0.3)
    ws.set_footer('&C&"Times New Roman,Regular"&11Trang &P', margin=0.3)
