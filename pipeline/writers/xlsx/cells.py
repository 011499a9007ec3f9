"""Safe cell writing for every sheet of the consolidated workbooks.

- `put`: the only way sheets write a value. Text always goes through write_string, so a
  file name or figure like '=HYPERLINK(...)' can never become a formula or a link.
  `put_row` is `put` for a row of cells, and `write_table` a whole table: both store plain
  values without xlsxwriter's per-cell checks (text still only ever a shared string).
- `Col`: one column of a table, its width computed from the text written, with caps.
- `gc_paused`: sheet writers run without the cyclic collector (see there).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.infra.collector import without_collector
from pipeline.writers.xlsx.fast_sheet import row_writer
from pipeline.writers.xlsx.formats import FONT_SIZE, MAX_CELL_TEXT, Formats
from pipeline.writers.xlsx.measure import lines_needed, row_height, widest_text

# Sheet writers run with the cyclic collector paused: a sheet of one row per unit stores tens of
# thousands of cells, each a small tuple living until the workbook is closed (see collector.py).
gc_paused = without_collector


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


# put_row(ws, row, first_col, values, formats): put(ws, row, first_col + n, values[n], formats[n])
# for each n (as far as both go), with the same cells, shared strings and dimensions as a result,
# stored a few times faster where the xlsxwriter version was checked (see fast_sheet.row_writer).
put_row = row_writer(put)


def put_merged(ws, row: int, first_col: int, last_col: int, value: Any, fmt) -> None:
    """A value across several columns; text still goes through write_string."""
    if last_col > first_col:
        ws.merge_range(row, first_col, row, last_col, "", fmt)
    put(ws, row, first_col, value, fmt)


def clip(text: str) -> str:
    return text if len(text) <= MAX_CELL_TEXT else text[: MAX_CELL_TEXT - 1] + "…"


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


def write_table(
    ws,
    fmt: Formats,
    top: int,
    cols: list[Col],
    rows: list[list[Any]],
    cell_fmt=None,
    first_col: int = 0,
    col_fmt: dict[int, Sequence[tuple[str, ...]]] | None = None,
) -> int:
    """Header at `top`, one row per item below it; widths fitted. Returns the last row written.

    cell_fmt(row_index, col_index, value) may return extra format pieces for one cell
    (a verdict's colour, a bold subtotal); col_fmt says the same without a call per cell:
    {col_index: one piece or a tuple of pieces for each row}, after cell_fmt's pieces.
    Rows with wrapped text get an explicit height: neither Excel nor LibreOffice re-measures
    rows when opening a file.

    Every cell is written as `put` would write it; a column's format is looked up once, and
    once more per cell only where there are extra pieces.
    """
    columns = list(zip(*rows, strict=False)) if rows else [()] * len(cols)
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
            formats = [
                fmt(*nm, *extra) if extra else base for nm, base, extra in zip(names, bases, extras, strict=False)
            ]
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
