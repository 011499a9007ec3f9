"""The unit sheet's column grids, its formats, how its text is written and how tall it prints.

The sheet prints on portrait A4 at ≥ 10 pt: its body font is 11 pt, so the print scale must stay
≥ 10/11 (LibreOffice prints in whole percents and lands a little under the exact fit: the sheet
is sized for 92%), which leaves about 104 width units across the page between the margins of
unit.MARGINS (LibreOffice counts a unit of the default Times New Roman 11 as 5.45 pt, Excel as
5.25 pt). Three grids share that width:
`POINTS` (every point self-assessed: the source is said once, in the notes), `POINTS_SOURCE`
(some points appraised by the council: a "Nguồn điểm" column), `PASS_FAIL`. The blocks other
than the table (info, verdict, conditions, notes, problems, signatures) are written on whichever
grid the sheet has, through the grid's named columns.

The formats are looked up once per workbook, and only those a sheet writes (a separate unit
workbook creates just its own). Cheap by construction (a province writes hundreds of unit
sheets, and xlsxwriter's cost is per cell written, blank or not, and it writes every cell of a
merged range): a text spans several columns through a merged range only where it has to wrap
or carries a fill; otherwise a line of text is one cell whose text runs on into the empty cells
to its right. Line counts are remembered: names, bases and labels repeat from unit to unit.

Heights: the line counts are the workbook's one text model (xlsx.measure); the height of a row
of n lines is `needs`, the same model with the line pitch Excel and LibreOffice really
use for Times New Roman (17 px a line at 11 pt, 14 px at 9 pt, plus the cell's margins; the
consolidated workbook's `row_height` keeps a looser pitch, too loose to get a unit on one page).
A row of one line keeps the sheet's default height (15 pt).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.writers.xlsx import MAX_CELL_TEXT, Formats, clip, lines_needed
from pipeline.writers.xlsx.measure import REPORT, TextModel

# Line pitch measured for Times New Roman (Excel: 17 px = 12.75 pt a line at 11 pt, 14 px at 9 pt;
# LibreOffice's Liberation Serif a little less), plus 3 pt of cell margins.
PRINT = TextModel(REPORT.per_line, line_height=1.16, padding=3)
DEFAULT_ROW = 15.0  # the height of a row left as it is (one line of 11 pt)


@dataclass(frozen=True)
class Grid:
    """A sheet's columns (heading, width) and where the blocks outside the table sit.

    The signature block: the left signer centred in column 1 ("Nội dung"), the right one
    centred across columns 2 to the last.
    """

    columns: tuple[tuple[str, float], ...]
    header_lines: int = 2  # lines of the table's heading row
    widths: tuple[float, ...] = field(init=False)
    last: int = field(init=False)
    full: float = field(init=False)

    def __post_init__(self):
        widths = tuple(w for _, w in self.columns)
        object.__setattr__(self, "widths", widths)
        object.__setattr__(self, "last", len(widths) - 1)
        object.__setattr__(self, "full", sum(widths))

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(h for h, _ in self.columns)

    def col(self, header: str) -> int:
        return self.headers.index(header)

    def span(self, first: int, last: int) -> float:
        return _span(self.widths, first, last)


@lru_cache(maxsize=64)
def _span(widths: tuple[float, ...], first: int, last: int) -> float:
    return sum(widths[first : last + 1])


# Widths (about 104 units in all, see above): "Nội dung" takes what the other columns leave
# (one line up to about 74 characters); a one-line "Hồ sơ số 01/TCPL" or "tỷ lệ 92% thuộc mức
# ≥ 90%" at 9 pt needs 20 in the last column, "điểm tự chấm" 12.5 at 11 pt in "Cách tính".
# On POINTS the way the points were obtained joins the figures and evidence (at 9 pt, as they
# are), and says nothing when it is just "điểm tự chấm": the notes say every point is.
NOTES = "Số liệu, minh chứng"  # and how the points were obtained, when it says more than "tự chấm"
FIGURES = NOTES
POINTS = Grid(
    (("Mã", 4), ("Nội dung", 68.5), ("Tối đa", 5.5), ("Điểm", 5.5), (NOTES, 20)),
    header_lines=1,  # every heading fits its column (checked on LibreOffice's PDF)
)
POINTS_SOURCE = Grid(
    (
        ("Mã", 4),
        ("Nội dung", 53),
        ("Điểm tối đa", 5.5),
        ("Điểm", 5.5),
        ("Nguồn điểm", 8.5),
        ("Cách tính", 13),
        (FIGURES, 14),
    ),
)
PASS_FAIL = Grid(
    (("Mã", 5), ("Nội dung", 48), ("Mức đạt", 10), ("Kết quả", 10.5), ("Lý do", 16), (FIGURES, 14)),
)


# The unit sheet's formats by role: Formats names (see xlsx/formats.py, _STYLES).
_LOOK_NAMES = {
    "title": ("title",),
    "subtitle": ("subtitle",),
    "section": ("section",),
    "head": ("head",),
    "plain": (),
    "bold": ("bold",),
    "italic": ("italic",),
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
    "box_small_bad": ("cell", "wrap", "small", "bad"),
    "pts": ("cell", "pts"),
    "source": ("cell", "wrap", "center"),
    "points": ("cell", "pts", "bold"),
    "points_zero": ("cell", "pts", "bold", "bad"),
    "basis_zero": ("cell", "wrap", "bad"),
    # subtotal rows (criteria, total)
    "group": ("cell", "group"),
    "group_center": ("cell", "group", "center"),
    "group_wrap": ("cell", "group", "wrap"),
    "group_pts": ("cell", "group", "pts"),
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
    """The sheet's writers, bound once, on one grid: text always goes through write_string.
    (The score table's rows go through xlsx.put_row, a row at a time.) Remembers the height
    given to each row, so the sheet knows how tall it prints."""

    __slots__ = ("_blank", "_merge", "_rich", "_set_row", "_string", "f", "grid", "heights", "last", "ws")

    def __init__(self, ws, looks: Looks, grid: Grid):
        self.ws, self.f, self.grid, self.last = ws, looks, grid, grid.last
        self._string, self._blank, self._rich = ws.write_string, ws.write_blank, ws.write_rich_string
        self._merge, self._set_row = ws.merge_range, ws.set_row
        self.heights: dict[int, float] = {}

    def set_row(self, row: int, height: float) -> None:
        self._set_row(row, height, None)
        self.heights[row] = height

    def tall(self, row: int, height: float) -> None:
        """Give a row the height its tallest cell needs (`needs`); the default is left alone."""
        if height > DEFAULT_ROW:
            self.set_row(row, height)

    def text(self, row: int, col: int, text: str, fmt) -> None:
        """A text cell; an empty text is a blank cell with the format."""
        if text:
            self._string(row, col, text if len(text) <= MAX_CELL_TEXT else clip(text), fmt)
        else:
            self._blank(row, col, None, fmt)

    def merged(self, row: int, first: int, last: int, text: str, fmt) -> None:
        """Text across several columns (xlsxwriter writes a blank cell into the rest of the range);
        in one column when first == last (a grid's last column may stand alone)."""
        if last > first:
            self._merge(row, first, row, last, "", fmt)
        self.text(row, first, text, fmt)

    def pairs(self, row: int, pairs, cell_fmt=None, size: float = 11) -> None:
        """'Label: text · Label: text' across the page, the labels in bold: one cell running on
        to the right when it fits on one line, else merged and wrapped with the row as tall as
        it needs. `cell_fmt` (a fill) always merges, so the fill spans the page."""
        # Every run names its format: a run without one is in xlsxwriter's default font, not ours.
        bold, plain = self.f.bold, self.f.plain
        parts: list = []
        for n, (label, text) in enumerate(pairs):
            text = text or "—"  # a rich string cannot hold an empty run
            parts += [
                bold,
                (" · " if n else "") + label + ": ",
                plain,
                clip(text) if len(text) > MAX_CELL_TEXT else text,
            ]
        whole = "".join(p for p in parts if isinstance(p, str))
        lines = count_lines(whole, self.grid.full, size)
        fmt = cell_fmt if cell_fmt is not None else (self.f.wrap if lines > 1 else None)
        if fmt is not None:
            self._merge(row, 0, row, self.last, "", fmt)
            self._rich(row, 0, *parts, fmt)
        else:
            self._rich(row, 0, *parts)
        self.tall(row, needs(lines, size))

    def rich(self, row: int, col: int, parts, fmt) -> None:
        """A cell of text runs: plain strings, or a format followed by the string it applies to."""
        self._rich(row, col, *parts, fmt)

    def line(self, row: int, first: int, text: str, one_line, wrapped, size: float = 11) -> None:
        """Text from `first` to the last column: one cell running on to the right when it fits on
        one line, else merged and wrapped with the row as tall as it needs."""
        lines = count_lines(text, self.grid.span(first, self.last), size)
        if lines == 1 and one_line is not None:
            self.text(row, first, text, one_line)
        else:
            self.merged(row, first, self.last, text, wrapped)
            self.tall(row, needs(lines, size))

    def printed_height(self, last_row: int) -> float:
        """Points the rows 0..last_row take (a row never given a height: the default)."""
        heights = self.heights
        return sum(heights.get(r, DEFAULT_ROW) for r in range(last_row + 1))


@lru_cache(maxsize=8192)
def count_lines(text: str, width: float, size: float = 11, bold: bool = False) -> int:
    """lines_needed, remembered: indicator names, bases and labels repeat from unit to unit."""
    return lines_needed(text, width, size, bold=bold)


def needs(lines: int, size: float = 11) -> float:
    """Height in points a cell of `lines` lines of text needs (see the module's note); one line
    of the body font fits the default row."""
    if lines <= 1 and size <= 11:
        return DEFAULT_ROW
    return round(PRINT.row_height(lines, size), 2)
