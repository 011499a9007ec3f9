"""Printing: A4 page setup, headers and footers, and the signature block under a document.
Offices print these sheets and sign them, so every sheet says how it prints."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from pipeline.writers.xlsx.cells import put_merged
from pipeline.writers.xlsx.formats import Formats

MARGINS = {"left": 0.5, "right": 0.4, "top": 0.6, "bottom": 0.6}  # inches


def print_setup(
    ws,
    *,
    landscape: bool,
    repeat: tuple[int, int] | None,
    header: str = "",
    fit_width: bool = True,
    margins: Mapping[str, float] = MARGINS,
    header_margin: float = 0.3,
) -> None:
    """A4, 1 page wide, repeated table header, page numbers in the footer; `margins` (inches:
    left, right, top, bottom) around the cells, the header and footer `header_margin` from the
    paper's edge."""
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(**margins)
    if repeat is not None:
        ws.repeat_rows(*repeat)
    if fit_width:
        ws.fit_to_pages(1, 0)
    if header:
        ws.set_header(f"&L&8{header_safe(header)}", margin=header_margin)
    ws.set_footer("&L&8&A&R&8Trang &P/&N", margin=header_margin)


def header_safe(text: str, limit: int = 200) -> str:
    """Text for a page header or footer: '&' starts a control code there, so it is doubled,
    and the whole header is limited to 255 characters, so the text is cut at `limit`."""
    return text.replace("&", "&&")[:limit]


def signature_pair(
    ws,
    fmt: Formats,
    row: int,
    place: str,
    left: tuple[int, int, str, str],
    right: tuple[int, int, str, str],
    room: int = 5,
) -> int:
    """The place-and-date line, then two signers side by side: (first col, last col, title, note)
    each. Leaves `room` rows to sign in and returns the last row used."""
    put_merged(ws, row, right[0], right[1], f"{place}, ngày ...... tháng ...... năm ........", fmt("italic", "center"))
    for offset, (style, index) in enumerate((("bold", 2), ("italic", 3)), start=1):
        for side in (left, right):
            put_merged(ws, row + offset, side[0], side[1], side[index], fmt(style, "center"))
    row += 2
    for _ in range(room):
        row += 1
        ws.set_row(row, 18)
    return row


A4_WIDTH, A4_HEIGHT = 595.28, 841.89  # points
# A width unit of the default font (Times New Roman 11) as LibreOffice prints it, in points
# (measured on its PDFs: 5.45); Excel counts 7 px = 5.25 pt, so a sheet that fits LibreOffice's
# page fits Excel's. xlsxwriter stores every column 5 px (0.71 unit) wider than asked.
UNIT_POINTS = 5.45
COLUMN_PADDING = 0.71


def page_scale(
    widths: Sequence[float], height: float, margins: Mapping[str, float], landscape: bool = False
) -> tuple[float, float]:
    """How a sheet of these column widths and `height` points of rows prints on A4 with these
    margins (inches), as LibreOffice scales it (whole percents, never above 100%):
    (the scale that fits it one page wide, the scale that fits it on one page)."""
    page_w, page_h = (A4_HEIGHT, A4_WIDTH) if landscape else (A4_WIDTH, A4_HEIGHT)
    room_w = page_w - 72 * (margins["left"] + margins["right"])
    room_h = page_h - 72 * (margins["top"] + margins["bottom"])
    sheet_w = UNIT_POINTS * sum(w + COLUMN_PADDING for w in widths)
    wide = min(100, math.floor(100 * room_w / sheet_w)) / 100
    tall = min(100, math.floor(100 * room_h / height)) / 100 if height > 0 else 1.0
    return wide, min(wide, tall)
