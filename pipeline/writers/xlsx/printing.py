"""Printing: A4 page setup, headers and footers, and the signature block under a document.
Offices print these sheets and sign them, so every sheet says how it prints."""

from __future__ import annotations

from pipeline.writers.xlsx.cells import put_merged
from pipeline.writers.xlsx.formats import Formats


def print_setup(
    ws, *, landscape: bool, repeat: tuple[int, int] | None, header: str = "", fit_width: bool = True
) -> None:
    """A4, 1 page wide, repeated table header, page numbers in the footer."""
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(left=0.5, right=0.4, top=0.6, bottom=0.6)
    if repeat is not None:
        ws.repeat_rows(*repeat)
    if fit_width:
        ws.fit_to_pages(1, 0)
    if header:
        ws.set_header(f"&L&8{header_safe(header)}")
    ws.set_footer("&L&8&A&R&8Trang &P/&N")


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
