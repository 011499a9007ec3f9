"""The one file that touches xlsxwriter's internals: a worksheet whose cells are serialised
faster, and a row of plain values stored without xlsxwriter's per-cell checks, both giving
exactly the XML and shared strings the stock writers give.

Both are behind a version gate: `CHECKED_XLSXWRITER` lists the xlsxwriter versions they were
checked against, byte for byte (tests/test_xlsx.py compares them with the stock writers
and with fixed expected XML, and fails if the gate is shut for the version pyproject pins).
With any other version every sheet is a stock Worksheet and every row is written cell by cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import CellBlankTuple, CellDatetimeTuple, CellNumberTuple, CellStringTuple, Worksheet

from pipeline.core.cells import col_letter
from pipeline.writers.xlsx.formats import MAX_CELL_TEXT

# xlsxwriter versions whose internals `Sheet` and `row_writer` were checked against, byte for byte.
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
        names = [f'<c r="{col_letter(c)}' for c in range(col_max + 1)]
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
                if fmt is None or (kind is not number and kind is not text and kind is not blank and kind is not date):
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
                    out.append(f"{names[col_num]}{r}{s}/>")
                else:
                    value = cell.number
                    cached = (value.__class__ is float or value.__class__ is int) and value != 0
                    shown = numbers.get(value) if cached else None
                    if shown is None:
                        shown = f"{value:.16G}"
                        if cached:
                            numbers[value] = shown
                    out.append(f"{names[col_num]}{r}{s}><v>{shown}</v></c>")
            out.append("</row>")
            write("".join(out))


def add_sheet(wb, name: str):
    """wb.add_worksheet(name), as a `Sheet` when this xlsxwriter version was checked."""
    return wb.add_worksheet(name, worksheet_class=Sheet) if FAST_SHEETS else wb.add_worksheet(name)


# Text up to this length cannot reach Excel's cell limit in UTF-16 units: stored without checks.
_SHORT_TEXT = MAX_CELL_TEXT // 2


def row_writer(put: Callable[[Any, int, int, Any, Any], None]) -> Callable[..., None]:
    """`put_row` (see cells.py) for this xlsxwriter version, over the given cell writer `put`.

    Built here, as one function, because put_row runs for every row of every sheet: a second
    call per row would cost more than the check it saves. Where the version and the sheet are
    covered, values[n] with formats[n] go to (row, first_col + n), as far as both go, the way
    xlsxwriter's writers store a plain value (text, a finite float, an int, a date, a blank):
    the row and columns checked once, the sheet's dimensions updated once per row. Any other
    value goes through `put`, in its turn (shared strings are numbered in the order written).
    Elsewhere the row is written cell by cell with `put`.
    """

    def put_row(ws, row: int, first_col: int, values: Sequence[Any], formats: Sequence[Any]) -> None:
        """put(ws, row, first_col + n, values[n], formats[n]) for each n, as far as both go."""
        last_col = first_col + min(len(values), len(formats)) - 1
        if (
            not FAST_SHEETS
            or not isinstance(ws, Worksheet)
            or ws.constant_memory
            or row < 0
            or first_col < 0
            or row >= ws.xls_rowmax
            or last_col >= ws.xls_colmax
        ):
            for c, (value, fmt) in enumerate(zip(values, formats, strict=False), start=first_col):
                put(ws, row, c, value, fmt)
            return
        shared = ws.str_table._get_shared_string_index
        number, text, blank = CellNumberTuple, CellStringTuple, CellBlankTuple
        cells: dict[int, Any] = {}
        col = first_col - 1
        for value, fmt in zip(values, formats, strict=False):
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
                cells[col] = CellDatetimeTuple(
                    ws._convert_date_time(moment), ws.default_date_format if fmt is None else fmt
                )
            else:
                put(ws, row, col, value, fmt)
        if cells:
            ws.table[row].update(cells)
            ws._check_dimensions(row, min(cells))
            ws._check_dimensions(row, max(cells))

    return put_row
