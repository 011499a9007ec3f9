"""Shared look and safe cell writing for every sheet of the consolidated workbook.

- `Formats`: every cell format is built once per workbook from named style pieces and cached,
  because creating a format per cell is slow and bloats the file (thousands of sheets).
- `put`: the only way sheets write a value. Text always goes through write_string, so a
  file name or figure like '=HYPERLINK(...)' can never become a formula or a link.
- `Col` / `fit_widths`: column widths computed from the text written, with caps.
- `print_setup`: A4, margins, repeated title rows, page numbers.
- Small Vietnamese labels shared by the sheets (dates, on time, verdict).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Iterable

from ..model import NOT_SUBMITTED, SUBMITTED, UNUSABLE, UnitOutcome

FONT = "Times New Roman"  # the font of Vietnamese administrative documents; full diacritics coverage
FONT_SIZE = 11
MAX_CELL_TEXT = 32_767  # Excel's limit for one cell

COLOURS = {
    "ok": ("#C6EFCE", "#006100"),
    "bad": ("#FFC7CE", "#9C0006"),
    "warn": ("#FFEB9C", "#9C5700"),
    "grey": ("#E7E6E6", "#3A3838"),
}

_STYLES: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter", "text_wrap": True},
    "subtitle": {"italic": True, "align": "center", "valign": "vcenter", "text_wrap": True},
    "head": {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "align": "center",
             "valign": "vcenter"},
    "section": {"bold": True, "font_size": 12},
    "cell": {"border": 1},
    "wrap": {"text_wrap": True},
    "bold": {"bold": True},
    "italic": {"italic": True},
    "center": {"align": "center"},
    "vcenter": {"valign": "vcenter"},
    "right": {"align": "right"},
    "group": {"bg_color": "#F2F2F2", "bold": True},
    "big": {"bold": True, "font_size": 16, "valign": "vcenter"},
    "count": {"bold": True, "font_size": 13, "align": "center", "valign": "vcenter"},
    "pts": {"num_format": "0.00"},
    "pct": {"num_format": "0%"},
    "int": {"num_format": "0"},
    "kb": {"num_format": "#,##0.0"},
    "date": {"num_format": "dd/mm/yyyy", "align": "center"},
    "datetime": {"num_format": "dd/mm/yyyy hh:mm", "align": "center"},
    "mono": {"font_name": "Courier New", "font_size": 8},
    "small": {"font_size": 9},
    "caps": {},  # marks a column of upper-case codes: wider letters, see Col.scale
    "link": {"font_color": "#0563C1", "underline": 1},
    "banner_bad": {"bold": True, "bg_color": COLOURS["bad"][0], "font_color": COLOURS["bad"][1], "border": 2,
                   "border_color": COLOURS["bad"][1], "text_wrap": True, "valign": "vcenter"},
    "banner_warn": {"bold": True, "bg_color": COLOURS["warn"][0], "font_color": COLOURS["warn"][1], "border": 2,
                    "border_color": COLOURS["warn"][1], "text_wrap": True, "valign": "vcenter"},
    **{name: {"bg_color": bg, "font_color": fg} for name, (bg, fg) in COLOURS.items()},
}


class Formats:
    """Cached cell formats: fmt('cell', 'pts', 'bold') merges the named pieces left to right."""

    def __init__(self, workbook):
        self._workbook = workbook
        self._cache: dict[tuple[str, ...], Any] = {}

    def __call__(self, *names: str):
        key = tuple(n for n in names if n)
        found = self._cache.get(key)
        if found is None:
            props: dict[str, Any] = {"font_name": FONT, "font_size": FONT_SIZE, "valign": "top"}
            for n in key:
                props.update(_STYLES[n])
            found = self._cache[key] = self._workbook.add_format(props)
        return found


def workbook_options() -> dict[str, Any]:
    # Never turn text into formulas, numbers or links behind our back; datetimes may be tz-aware.
    # in_memory: build the zip in memory instead of one temp file per part (half the time for
    # a small per-unit workbook; the largest workbook, 10,000 units, is a few MB).
    return {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
        "remove_timezone": True,
        "default_format_properties": {"font_name": FONT, "font_size": FONT_SIZE},
    }


# ------------------------------------------------------------------ writing cells


def put(ws, row: int, col: int, value: Any, fmt=None) -> None:
    """Write one value with the writer its type calls for; text is always a plain string."""
    if value is None or value == "":
        if fmt is not None:
            ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, "Có" if value else "Không", fmt)
    elif isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            ws.write_string(row, col, "", fmt)
        else:
            ws.write_number(row, col, value, fmt)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(row, col, value, fmt)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt)
    else:
        ws.write_string(row, col, clip(str(value)), fmt)


def put_merged(ws, row: int, first_col: int, last_col: int, value: Any, fmt) -> None:
    """A value across several columns; text still goes through write_string."""
    if last_col > first_col:
        ws.merge_range(row, first_col, row, last_col, "", fmt)
    put(ws, row, first_col, value, fmt)


def clip(text: str) -> str:
    return text if len(text) <= MAX_CELL_TEXT else text[: MAX_CELL_TEXT - 1] + "…"


def text_width(value: Any) -> int:
    """Characters a value needs on screen: its longest line, numbers as shown with 2 decimals."""
    if value is None:
        return 0
    if isinstance(value, float):
        return len(f"{value:.2f}")
    if isinstance(value, (dt.date, dt.datetime)):
        return 16 if isinstance(value, dt.datetime) else 10
    return max((len(line) for line in str(value).split("\n")), default=0)


def lines_needed(text: str, width: float, font_size: float = FONT_SIZE, *, bold: bool = False,
                 mono: bool = False) -> int:
    """Wrapped lines a text needs in a column `width` characters wide.

    Measured on Times New Roman (LibreOffice's metric twin, Liberation Serif): about 1.15
    average letters per width unit at 11 pt, fewer in bold; Courier about 1.05 at 8 pt.
    Rounded towards more lines: a row a little too tall is better than cut-off text.
    """
    per_unit = 1.05 * 8 / font_size if mono else 1.12 * FONT_SIZE / font_size * (0.9 if bold else 1)
    usable = max(width * per_unit - 2, 1)
    return sum(max(1, math.ceil(len(part) / usable)) for part in str(text).split("\n"))


def row_height(lines: int, font_size: float = FONT_SIZE) -> float:
    return max(1, lines) * font_size * 1.25 + 4


@dataclass(frozen=True)
class Col:
    """One column of a table: heading, format pieces, and width limits in characters."""

    header: str
    fmt: tuple[str, ...] = ()
    min: float = 6
    max: float = 40
    wrap: bool = False

    def width(self, values: Iterable[Any]) -> float:
        widest_word = max((len(w) for w in self.header.split()), default=0)
        need = max([widest_word + 2, *(text_width(v) * self.scale + 2 for v in values)])
        return min(max(need, self.min), self.max)

    @property
    def font_size(self) -> float:
        return 8 if "mono" in self.fmt else 9 if "small" in self.fmt else FONT_SIZE

    @property
    def scale(self) -> float:
        """Width units one character of this column takes, relative to the body font."""
        if "mono" in self.fmt:
            return 1 / 1.05
        return self.font_size / FONT_SIZE / (0.85 if "caps" in self.fmt else 1.12)


def write_table(ws, fmt: Formats, top: int, cols: list[Col], rows: list[list[Any]],
                cell_fmt=None, first_col: int = 0) -> int:
    """Header at `top`, one row per item below it; widths fitted. Returns the last row written.

    cell_fmt(row_index, col_index, value) may return extra format pieces for one cell
    (a verdict's colour, a bold subtotal). Rows with wrapped text get an explicit height:
    neither Excel nor LibreOffice re-measures rows when opening a file.
    """
    widths = [col.width(v[c] for v in rows) for c, col in enumerate(cols)]
    for c, col in enumerate(cols):
        put(ws, top, first_col + c, col.header, fmt("head"))
        ws.set_column(first_col + c, first_col + c, widths[c])
    wrapped = [(c, col) for c, col in enumerate(cols) if col.wrap]
    for r, values in enumerate(rows, start=1):
        for c, (col, value) in enumerate(zip(cols, values)):
            extra = cell_fmt(r - 1, c, value) if cell_fmt else ()
            put(ws, top + r, first_col + c, value, fmt("cell", *col.fmt, "wrap" if col.wrap else "", *extra))
        lines = max((lines_needed(values[c], widths[c], col.font_size, mono="mono" in col.fmt) * col.font_size
                     for c, col in wrapped if values[c]), default=FONT_SIZE) / FONT_SIZE
        if lines > 1:
            ws.set_row(top + r, row_height(math.ceil(lines)))
    return top + len(rows)


# ------------------------------------------------------------------ printing


def print_setup(ws, *, landscape: bool, repeat: tuple[int, int] | None, header: str = "",
                fit_width: bool = True) -> None:
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
        ws.set_header(f"&L&8{_hf(header)}")
    ws.set_footer("&L&8&A&R&8Trang &P/&N")


def _hf(text: str) -> str:
    # '&' starts a control code in Excel headers; the whole header is limited to 255 characters.
    return text.replace("&", "&&")[:200]


# ------------------------------------------------------------------ Vietnamese labels


def date_text(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def on_time_text(days_late: int | None) -> str:
    if days_late is None:
        return "—"
    return "Đúng hạn" if days_late <= 0 else f"Muộn {days_late} ngày"


def verdict_text(outcome: UnitOutcome) -> str:
    if outcome.status == NOT_SUBMITTED:
        return "Chưa nộp"
    if outcome.status == UNUSABLE or outcome.verdict is None:
        return "Không dùng được"
    return outcome.verdict.label


def verdict_colour(outcome: UnitOutcome) -> str:
    if outcome.status == NOT_SUBMITTED:
        return "grey"
    if outcome.status != SUBMITTED or outcome.verdict is None:
        return "warn"
    return "ok" if outcome.verdict.recognised else "bad"


def number_text(x: float) -> str:
    """2.5 -> '2,5', 3.0 -> '3': numbers inside Vietnamese sentences."""
    return f"{x:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def place_name(area: str) -> str:
    """'Thị xã Bỉm Sơn' -> 'Bỉm Sơn', for the place-and-date line above the signatures."""
    for prefix in ("Thành phố", "Thị xã", "Huyện", "Quận", "Tỉnh"):
        if area.casefold().startswith(prefix.casefold() + " "):
            return area[len(prefix):].strip()
    return area


def signature_pair(ws, fmt: "Formats", row: int, place: str, left: tuple[int, int, str, str],
                   right: tuple[int, int, str, str], room: int = 5) -> int:
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
