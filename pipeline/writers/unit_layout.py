"""The unit sheet's column layout, its formats and how its text is written.

The formats are looked up once per workbook, and only those a sheet writes (a separate unit
workbook creates just its own). Cheap by construction (a province writes hundreds of unit
sheets, and xlsxwriter's cost is per cell written, blank or not, and it writes every cell of a
merged range): a text spans several columns through a merged range only where it has to wrap
or carries a fill; otherwise a line of text is one cell whose text runs on into the empty cells
to its right. Line counts are remembered: names, bases and labels repeat from unit to unit.
"""

from __future__ import annotations

import weakref
from functools import cache, lru_cache

from pipeline.writers.xlsx import MAX_CELL_TEXT, Formats, clip, lines_needed, row_height

# Column layout, sized for A4 portrait at about 75% (widths in characters).
COLUMNS = (
    ("Mã", 5.5),
    ("Nội dung", 34),
    ("Điểm tối đa", 6.5),
    ("Điểm", 6.5),
    ("% tối đa", 6),
    ("Nguồn điểm", 9.5),
    ("Cách tính", 18),
    ("Số liệu", 17),
    ("Minh chứng", 15),
    ("Vấn đề trong dòng", 18),
)
LAST = len(COLUMNS) - 1
WIDTHS = [w for _, w in COLUMNS]
FULL_WIDTH = sum(WIDTHS)


# The unit sheet's formats by role: Formats names (see xlsx/formats.py, _STYLES).
_LOOK_NAMES = {
    "title": ("title",),
    "subtitle": ("subtitle",),
    "section": ("section",),
    "head": ("head",),
    "plain": (),
    "bold": ("bold",),
    "wrap": ("wrap",),
    "big": ("big",),
    "sign_title": ("bold", "center"),
    "sign_note": ("italic", "center"),
    # bordered cells
    "box": ("cell",),
    "box_wrap": ("cell", "wrap"),
    "box_center": ("cell", "center"),
    "box_small": ("cell", "wrap", "small"),
    "box_small_warn": ("cell", "wrap", "small", "warn"),
    "pts": ("cell", "pts"),
    "pct": ("cell", "pct"),
    "source": ("cell", "wrap", "center"),
    "points": ("cell", "pts", "bold"),
    "points_zero": ("cell", "pts", "bold", "bad"),
    "basis_zero": ("cell", "wrap", "bad"),
    # subtotal rows (criteria, total)
    "group": ("cell", "group"),
    "group_center": ("cell", "group", "center"),
    "group_wrap": ("cell", "group", "wrap"),
    "group_pts": ("cell", "group", "pts"),
    "group_pct": ("cell", "group", "pct"),
}


class Looks:
    """The formats of `_LOOK_NAMES` as attributes, each looked up from Formats on first use
    only (a separate unit workbook creates just the formats it writes)."""

    def __init__(self, fmt: Formats):
        # Weak: _LOOKS must not keep a closed workbook (and all its sheets) alive.
        self._fmt = weakref.ref(fmt)

    def fmt(self, *names: str):
        """A coloured variant: fmt("cell", "big", "center", tone)."""
        return self._fmt()(*names)

    def __getattr__(self, role: str):
        if role not in _LOOK_NAMES:
            raise AttributeError(role)
        found = self._fmt()(*_LOOK_NAMES[role])
        setattr(self, role, found)
        return found


_LOOKS: weakref.WeakKeyDictionary[Formats, Looks] = weakref.WeakKeyDictionary()  # one per workbook


def looks(fmt: Formats) -> Looks:
    found = _LOOKS.get(fmt)
    if found is None:
        found = _LOOKS[fmt] = Looks(fmt)
    return found


class Out:
    """The sheet's writers, bound once: text always goes through write_string. (The score
    table's rows go through xlsx.put_row, a row at a time.)"""

    __slots__ = ("_blank", "_merge", "_string", "f", "set_row", "ws")

    def __init__(self, ws, looks: Looks):
        self.ws, self.f = ws, looks
        self._string, self._blank = ws.write_string, ws.write_blank
        self._merge, self.set_row = ws.merge_range, ws.set_row

    def text(self, row: int, col: int, text: str, fmt) -> None:
        """A text cell; an empty text is a blank cell with the format."""
        if text:
            self._string(row, col, text if len(text) <= MAX_CELL_TEXT else clip(text), fmt)
        else:
            self._blank(row, col, None, fmt)

    def merged(self, row: int, first: int, last: int, text: str, fmt) -> None:
        """Text across several columns (xlsxwriter writes a blank cell into the rest of the range)."""
        self._merge(row, first, row, last, "", fmt)
        self.text(row, first, text, fmt)

    def line(self, row: int, first: int, text: str, one_line, wrapped, size: float = 11) -> None:
        """Text from `first` to the last column: one cell running on to the right when it fits on
        one line, else merged and wrapped with the row as tall as it needs."""
        lines = count_lines(text, span(first, LAST), size)
        if lines == 1 and one_line is not None:
            self.text(row, first, text, one_line)
        else:
            self.merged(row, first, LAST, text, wrapped)
            if lines > 1:
                self.set_row(row, row_height(lines, size), None)


@lru_cache(maxsize=8192)
def count_lines(text: str, width: float, size: float = 11, bold: bool = False) -> int:
    """lines_needed, remembered: indicator names, bases and labels repeat from unit to unit."""
    return lines_needed(text, width, size, bold=bold)


@cache
def span(first: int, last: int) -> float:
    return sum(WIDTHS[first : last + 1])
