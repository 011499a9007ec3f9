"""Shared look and safe cell writing for every sheet of the consolidated workbook.

- `Formats`: every cell format is built once per workbook from named style pieces and cached,
  because creating a format per cell is slow and bloats the file (thousands of sheets).
- `put`: the only way sheets write a value. Text always goes through write_string, so a
  file name or figure like '=HYPERLINK(...)' can never become a formula or a link.
  `put_row` is `put` for a row of cells, and `write_table` a whole table: both store plain
  values without xlsxwriter's per-cell checks (text still only ever a shared string).
- `add_sheet` / `Sheet`: a worksheet whose cells are serialised faster, to the same XML;
  `gc_paused`: sheet writers run without the cyclic collector (see there).
- `Col` / `fit_widths`: column widths computed from the text written, with caps.
- `print_setup`: A4, margins, repeated title rows, page numbers.
- Small Vietnamese labels shared by the sheets (dates, on time, verdict).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import CellBlankTuple, CellDatetimeTuple, CellNumberTuple, CellStringTuple, Worksheet

from pipeline.infra.collector import without_collector
from pipeline.core.model import NOT_SUBMITTED, SUBMITTED, UNUSABLE, UnitOutcome

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
        self._asked: dict[tuple[str, ...], Any] = {}  # the names exactly as asked, '' included

    def __call__(self, *names: str):
        found = self._asked.get(names)  # one dict lookup per cell once a combination was seen
        if found is None:
            found = self._asked[names] = self._build(tuple(n for n in names if n))
        return found

    def _build(self, key: tuple[str, ...]):
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


# ------------------------------------------------------------------ sheets


# Sheet writers run with the cyclic collector paused: a sheet of one row per unit stores tens of
# thousands of cells, each a small tuple living until the workbook is closed (see collector.py).
gc_paused = without_collector


# xlsxwriter versions whose internals `Sheet` and `put_row` were checked against, byte for byte
# (tests/test_report.py compares them with the stock writers); with any other version every
# sheet is a stock xlsxwriter Worksheet and put_row is put cell by cell.
CHECKED_XLSXWRITER = ("3.3.1",)
FAST_SHEETS = xlsxwriter.__version__ in CHECKED_XLSXWRITER


class Sheet(Worksheet):
    """A stock xlsxwriter worksheet whose cell data is serialised a few times faster when the
    workbook is closed, to exactly the same XML.

    xlsxwriter writes each cell through a chain of general helpers (attribute lists, escaping,
    a class-name test per cell type); a summary of 10,000 units has half a million cells.
    Here numbers, dates, shared strings and blanks with a format, the only cells our sheets
    write, become one formatted string each; any other cell (formulas, unformatted cells,
    rich strings) and every row element still go through xlsxwriter's own methods.
    """

    def _calculate_spans(self) -> None:
        # Same spans as Worksheet._calculate_spans, from each row's keys instead of every column.
        spans = {}
        span_min = span_max = None
        table, comments = self.table, self.comments
        col_min, col_max = self.dim_colmin, self.dim_colmax
        last = self.dim_rowmax
        for row_num in range(self.dim_rowmin, last + 1):
            for source in (table, comments):
                if row_num in source:
                    cols = [c for c in source[row_num] if col_min <= c <= col_max]
                    if cols:
                        low, high = min(cols), max(cols)
                        if span_min is None:
                            span_min, span_max = low, high
                        else:
                            span_min, span_max = min(span_min, low), max(span_max, high)
            if (row_num + 1) % 16 == 0 or row_num == last:
                if span_min is not None:
                    spans[int(row_num / 16)] = f"{span_min + 1}:{span_max + 1}"
                    span_min = None
        self.row_spans = spans

    def _write_rows(self) -> None:
        if self.constant_memory:  # never used here; xlsxwriter's own path then
            super()._write_rows()
            return
        self._calculate_spans()
        table, row_info, comments, spans = self.table, self.row_info, self.comments, self.row_spans
        col_min, col_max = self.dim_colmin, self.dim_colmax
        names = [f'<c r="{xl_col_to_name(c)}' for c in range(col_max + 1)]
        write = self.fh.write
        # A row without attributes of its own is '<row r=".." spans="..">' (see Worksheet._write_row)
        plain_rows = self.default_row_height == self.original_row_height and self.excel_version != 2010
        style: dict[Any, str] = {}  # format -> '" s="n"', asked in the order the stock writer asks
        numbers: dict[float, str] = {}  # a non-zero int or float -> its text (equal ones print alike; not -0.0)
        number, date, text, blank = CellNumberTuple, CellDatetimeTuple, CellStringTuple, CellBlankTuple
        for row_num in range(self.dim_rowmin, self.dim_rowmax + 1):
            cells = table[row_num]  # (the stock writer also leaves an empty entry per row)
            span = spans.get(int(row_num / 16))
            info = row_info.get(row_num)
            if not cells:
                if row_num in row_info or row_num in comments:
                    self._write_empty_row(row_num, span, info)
                continue
            r = str(row_num + 1)
            if info is None and plain_rows:
                out = [f'<row r="{r}" spans="{span}">' if span else f'<row r="{r}">']
            else:
                self._write_row(row_num, span, info)
                out = []
            items = sorted(cells.items())
            if items[0][0] < col_min or items[-1][0] > col_max:
                items = [(c, cell) for c, cell in items if col_min <= c <= col_max]
            for col_num, cell in items:
                kind = cell.__class__
                fmt = cell.format
                if fmt is None or (kind is not number and kind is not text and kind is not blank
                                   and kind is not date):
                    write("".join(out))
                    out = []
                    self._write_cell(row_num, col_num, cell)
                    continue
                s = style.get(fmt)
                if s is None:
                    s = style[fmt] = f'" s="{fmt._get_xf_index()}"'
                if kind is text:
                    out.append(f'{names[col_num]}{r}{s} t="s"><v>{cell.string}</v></c>')
                elif kind is blank:
                    out.append(f'{names[col_num]}{r}{s}/>')
                else:
                    value = cell.number
                    cached = (value.__class__ is float or value.__class__ is int) and value != 0
                    shown = numbers.get(value) if cached else None
                    if shown is None:
                        shown = f"{value:.16G}"
                        if cached:
                            numbers[value] = shown
                    out.append(f'{names[col_num]}{r}{s}><v>{shown}</v></c>')
            out.append("</row>")
            write("".join(out))


def add_sheet(wb, name: str):
    """wb.add_worksheet(name), as a `Sheet` when this xlsxwriter version was checked."""
    return wb.add_worksheet(name, worksheet_class=Sheet) if FAST_SHEETS else wb.add_worksheet(name)


# ------------------------------------------------------------------ writing cells


def put(ws, row: int, col: int, value: Any, fmt=None) -> None:
    """Write one value with the writer its type calls for; text is always a plain string."""
    kind = type(value)  # the common exact types first: this runs for every cell of every sheet
    if kind is str:
        if value:
            ws.write_string(row, col, value if len(value) <= MAX_CELL_TEXT else clip(value), fmt)
        elif fmt is not None:
            ws.write_blank(row, col, None, fmt)
    elif kind is float:
        if math.isfinite(value):
            ws.write_number(row, col, value, fmt)
        else:
            ws.write_string(row, col, "", fmt)
    elif kind is int:
        ws.write_number(row, col, value, fmt)
    elif value is None:
        if fmt is not None:
            ws.write_blank(row, col, None, fmt)
    else:
        _put_any(ws, row, col, value, fmt)


def _put_any(ws, row: int, col: int, value: Any, fmt) -> None:
    """`put` for every other type (bool, subclasses of str and numbers, dates, anything else)."""
    if value == "":
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


def put_row(ws, row: int, first_col: int, values: Sequence[Any], formats: Sequence[Any]) -> None:
    """put(ws, row, first_col + n, values[n], formats[n]) for each n (as far as both go), with the
    same cells, shared strings and dimensions as a result.

    The cells of a plain value (text, a finite float, an int, a date, a blank) are stored the way
    xlsxwriter's writers store them, without their per-cell checks: the row and columns are
    checked once, and the sheet's dimensions updated once per row. Anything else, and every
    cell of a sheet the checked xlsxwriter version does not cover, goes through `put`.
    """
    last_col = first_col + min(len(values), len(formats)) - 1
    if (not FAST_SHEETS or not isinstance(ws, Worksheet) or ws.constant_memory or row < 0 or first_col < 0
            or row >= ws.xls_rowmax or last_col >= ws.xls_colmax):
        for c, (value, fmt) in enumerate(zip(values, formats), start=first_col):
            put(ws, row, c, value, fmt)
        return
    shared = ws.str_table._get_shared_string_index
    number, text, blank = CellNumberTuple, CellStringTuple, CellBlankTuple
    cells: dict[int, Any] = {}
    col = first_col - 1
    for value, fmt in zip(values, formats):
        col += 1
        kind = type(value)
        if kind is str:
            if not value:
                if fmt is not None:
                    cells[col] = blank(fmt)
            elif len(value) <= _SHORT_TEXT:
                cells[col] = text(shared(value), fmt)
            else:  # long text: xlsxwriter's own checks (clipping, UTF-16 length)
                put(ws, row, col, value, fmt)
        elif kind is int or (kind is float and value - value == 0.0):  # finite: inf - inf is nan
            cells[col] = number(value, fmt)
        elif value is None:
            if fmt is not None:
                cells[col] = blank(fmt)
        elif kind is dt.date or kind is dt.datetime:
            moment = value if kind is dt.datetime else dt.datetime.combine(value, dt.time())
            cells[col] = CellDatetimeTuple(ws._convert_date_time(moment),
                                           ws.default_date_format if fmt is None else fmt)
        else:
            put(ws, row, col, value, fmt)
    if cells:
        ws.table[row].update(cells)
        ws._check_dimensions(row, min(cells))
        ws._check_dimensions(row, max(cells))


# Text up to this length cannot reach Excel's cell limit in UTF-16 units: stored without checks.
_SHORT_TEXT = MAX_CELL_TEXT // 2


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
    usable = _usable(width, font_size, bold=bold, mono=mono)
    if type(text) is str and "\n" not in text:
        return 1 if len(text) <= usable else math.ceil(len(text) / usable)
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
        if self.min >= self.max:  # a fixed width: the values cannot change it
            return min(max(widest_word + 2, self.min), self.max)
        widest = widest_text(values)
        need = widest_word + 2 if widest is None else max(widest_word + 2, widest * self.scale + 2)
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


_NONE = type(None)


def widest_text(values: Iterable[Any]) -> int | None:
    """max(text_width(v) for v in values), None when there are none; a column of plain text,
    numbers or blanks is measured without a Python call per value."""
    values = values if isinstance(values, (list, tuple)) else list(values)
    if not values:
        return None
    kinds = set(map(type, values))
    if _NONE in kinds:
        kinds.discard(_NONE)
        values = [v for v in values if v is not None]
        if not values:
            return 0
    if len(kinds) == 1:
        kind = kinds.pop()
        if kind is str and "\n" not in "".join(values):
            return max(map(len, values))
        if kind is float:
            return max(map(len, map("{:.2f}".format, values)))
        if kind is int:
            return max(map(len, map(str, values)))
    return max(map(text_width, values))


def write_table(ws, fmt: Formats, top: int, cols: list[Col], rows: list[list[Any]],
                cell_fmt=None, first_col: int = 0, col_fmt: dict[int, Sequence[tuple[str, ...]]] | None = None) -> int:
    """Header at `top`, one row per item below it; widths fitted. Returns the last row written.

    cell_fmt(row_index, col_index, value) may return extra format pieces for one cell
    (a verdict's colour, a bold subtotal); col_fmt says the same without a call per cell:
    {col_index: one piece or a tuple of pieces for each row}, after cell_fmt's pieces.
    Rows with wrapped text get an explicit height: neither Excel nor LibreOffice re-measures
    rows when opening a file.

    Every cell is written as `put` would write it; a column's format is looked up once, and
    once more per cell only where there are extra pieces.
    """
    columns = list(zip(*rows)) if rows else [()] * len(cols)
    if len(columns) < len(cols):  # a short row: fail as indexing it would
        columns = [[v[c] for v in rows] for c in range(len(cols))]
    widths = [col.width(columns[c]) for c, col in enumerate(cols)]
    head = fmt("head")
    for c, col in enumerate(cols):
        put(ws, top, first_col + c, col.header, head)
        ws.set_column(first_col + c, first_col + c, widths[c])

    names = [("cell", *col.fmt, "wrap" if col.wrap else "") for col in cols]
    bases = [fmt(*n) for n in names]
    by_col = sorted((col_fmt or {}).items())
    for r, values in enumerate(rows):
        n = min(len(values), len(cols))
        extras = [cell_fmt(r, c, values[c]) for c in range(n)] if cell_fmt is not None else None
        for c, per_row in by_col:
            extra = per_row[r]
            if c < n and extra:
                if extras is None:
                    extras = [()] * n
                extras[c] = (*extras[c], *((extra,) if isinstance(extra, str) else extra))
        formats = bases
        if extras is not None and any(extras):
            formats = [fmt(*nm, *extra) if extra else base for nm, base, extra in zip(names, bases, extras)]
        put_row(ws, top + 1 + r, first_col, values, formats)

    wrapped = [(c, col.font_size, widths[c], "mono" in col.fmt) for c, col in enumerate(cols) if col.wrap]
    if wrapped:
        for r, values in enumerate(rows, start=top + 1):
            most = None
            for c, size, width, mono in wrapped:
                if not values[c]:
                    continue
                need = lines_needed(values[c], width, size, mono=mono) * size
                if most is None or need > most:
                    most = need
            lines = (FONT_SIZE if most is None else most) / FONT_SIZE
            if lines > 1:
                ws.set_row(r, row_height(math.ceil(lines)))
    return top + len(rows)


def _usable(width: float, font_size: float = FONT_SIZE, *, bold: bool = False, mono: bool = False) -> float:
    """Characters per line in a column `width` wide (see lines_needed)."""
    per_unit = 1.05 * 8 / font_size if mono else 1.12 * FONT_SIZE / font_size * (0.9 if bold else 1)
    return max(width * per_unit - 2, 1)


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
