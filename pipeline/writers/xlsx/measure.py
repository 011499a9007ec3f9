"""How much room text takes: the one text-size model of every workbook the program writes.

xlsxwriter cannot measure text, and neither Excel nor LibreOffice re-measures rows when
opening a file, so column widths and the height of every row with wrapped text are computed
here from the text written:
- `text_width` / `widest_text`: characters a value needs on one line (column widths);
- `TextModel`: the lines a wrapped text takes in a column, and the height of that many lines.

One model, two calibrations, because a width unit is a digit of the workbook's default font:
`REPORT` for the consolidated workbooks (default Times New Roman 11; `lines_needed` and
`row_height` are its two functions) and `FORM` for the commune's form (default 12 pt, measured
separately on LibreOffice's PDF of the form). The two are not merged into one calibration:
that would change the row heights of every form and workbook already written, and the outputs
are kept byte for byte.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pipeline.writers.xlsx.formats import FONT_SIZE


def text_width(value: Any) -> int:
    """Characters a value needs on screen: its longest line, numbers as shown with 2 decimals."""
    if value is None:
        return 0
    if isinstance(value, float):
        return len(f"{value:.2f}")
    if isinstance(value, (dt.date, dt.datetime)):
        return 16 if isinstance(value, dt.datetime) else 10
    return max((len(line) for line in str(value).split("\n")), default=0)


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


# ------------------------------------------------------------------ wrapped text


def wrapped_lines(text: Any, per_line: float) -> int:
    """Lines a text takes at `per_line` characters a line: each line of it at least one,
    rounded towards more lines (a row a little too tall is better than cut-off text)."""
    if type(text) is str and "\n" not in text:
        return 1 if len(text) <= per_line else math.ceil(len(text) / per_line)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in str(text).split("\n"))


@dataclass(frozen=True)
class TextModel:
    """One calibration of the model: characters per line of a column, points per line of text."""

    per_line: Callable[[float, float, bool, bool], float]  # (width, font size, bold, mono) -> characters
    line_height: float  # points per line, per point of font size
    padding: float  # points a row adds for the cell's margins
    decimals: int | None = None  # heights rounded to this many decimals (None: as computed)

    def lines(self, text: Any, width: float, font_size: float, *, bold: bool = False, mono: bool = False) -> int:
        """Wrapped lines a text needs in a column `width` units wide."""
        return wrapped_lines(text, self.per_line(width, font_size, bold, mono))

    def row_height(self, lines: int, font_size: float) -> float:
        """Height in points of a row of `lines` lines of text."""
        height = max(1, lines) * font_size * self.line_height + self.padding
        return height if self.decimals is None else round(height, self.decimals)


def _report_per_line(width: float, font_size: float = FONT_SIZE, bold: bool = False, mono: bool = False) -> float:
    # Measured on Times New Roman (LibreOffice's metric twin, Liberation Serif): about 1.15
    # average letters per width unit at 11 pt, fewer in bold; Courier about 1.05 at 8 pt.
    per_unit = 1.05 * 8 / font_size if mono else 1.12 * FONT_SIZE / font_size * (0.9 if bold else 1)
    return max(width * per_unit - 2, 1)


def _form_per_line(width: float, font_size: float, bold: bool = False, mono: bool = False) -> int:
    # Measured on LibreOffice's PDF of the form: Times 11 fits about 1.25 characters per width
    # unit (a digit of the form's default 12 pt font); 1.2 at 11 pt and 1.1 at 12 pt, less in
    # bold, leave a small margin. Whole characters: a word does not break inside a letter.
    return max(1, int(width * (1.2 if font_size <= 11 else 1.1) * (0.9 if bold else 1.0)))


REPORT = TextModel(_report_per_line, line_height=1.25, padding=4)
FORM = TextModel(_form_per_line, line_height=1.32, padding=3, decimals=1)


def lines_needed(
    text: str, width: float, font_size: float = FONT_SIZE, *, bold: bool = False, mono: bool = False
) -> int:
    """REPORT.lines: wrapped lines a text needs in a column `width` characters wide (the
    consolidated workbooks call this for every wrapped cell, hence no detour)."""
    return wrapped_lines(text, _report_per_line(width, font_size, bold, mono))


def row_height(lines: int, font_size: float = FONT_SIZE) -> float:
    """REPORT.row_height: the height of a row of `lines` lines of the body font."""
    return REPORT.row_height(lines, font_size)
