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


def page_room(margins: Mapping[str, float], landscape: bool = False) -> tuple[float, float]:
    """Points of A4 between these margins (inches): (width, height)."""
    page_w, page_h = (A4_HEIGHT, A4_WIDTH) if landscape else (A4_WIDTH, A4_HEIGHT)
    return page_w - 72 * (margins["left"] + margins["right"]), page_h - 72 * (margins["top"] + margins["bottom"])


def page_scale(
    widths: Sequence[float],
    height: float,
    margins: Mapping[str, float],
    landscape: bool = False,
    padded: bool = False,
) -> tuple[float, float]:
    """How a sheet of these column widths (as asked of set_column, or as stored when `padded`)
    and `height` points of rows prints on A4 with these margins (inches), as LibreOffice scales
    it (whole percents, never above 100%): (the scale that fits it one page wide, the scale
    that fits it on one page)."""
    room_w, room_h = page_room(margins, landscape)
    sheet_w = UNIT_POINTS * sum(w + (0 if padded else COLUMN_PADDING) for w in widths)
    wide = min(100, math.floor(100 * room_w / sheet_w)) / 100
    tall = min(100, math.floor(100 * room_h / height)) / 100 if height > 0 else 1.0
    return wide, min(wide, tall)


def sheet_extent(ws, last_row: int, last_col: int) -> tuple[list[float], float] | None:
    """(the width of each column 0..last_col in units as stored, the points rows 0..last_row
    take), as the worksheet holds them so far; None when this xlsxwriter does not keep them
    where 3.x does (row_sizes, col_info and default_row_height, in pixels, which it reads itself
    to place charts): a caller then prints as if the rows took a whole page."""
    rows, cols = getattr(ws, "row_sizes", None), getattr(ws, "col_info", None)
    default = getattr(ws, "default_row_height", None)
    if not isinstance(rows, dict) or not isinstance(cols, dict) or not isinstance(default, (int, float)):
        return None
    pixels = 0
    for r in range(last_row + 1):
        size = rows.get(r)
        pixels += default if size is None else (0 if size[1] else size[0])
    widths = []
    for c in range(last_col + 1):
        info = cols.get(c)
        if info is None or info.width is None:
            widths.append(8.43 + COLUMN_PADDING)  # Excel's default column
        elif not info.hidden:
            widths.append(max(info.width - 5, 0) / 7 + COLUMN_PADDING)  # pixels: 7 a unit, plus 5
    return widths, pixels * 0.75
