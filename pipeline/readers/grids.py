"""A workbook's worksheets as grids of values addressed by absolute (row, col).

Values are kept as calamine gives them (str, float, int, bool, date/datetime); an empty cell
is None (calamine gives '' inside the used range and nothing outside it: one spelling for both).
"""

from __future__ import annotations

import functools
from typing import Any

import python_calamine as calamine

from pipeline.core.cells import a1
from pipeline.core.layout import SHEET_META
from pipeline.core.model import Located
from pipeline.steps.values import code_text


class Grid:
    """One worksheet's values addressed by absolute 0-based (row, col).

    calamine returns the used range only, starting at sheet.start; a sheet whose content
    begins at C3 gives a grid whose [0][0] is C3.
    """

    def __init__(self, name: str, rows: list[list[Any]], start: tuple[int, int] | None, merged: list | None = None):
        self.name = name
        self.rows = rows
        self.r0, self.c0 = start or (0, 0)
        self.merged = merged or []
        self.width = max((len(r) for r in rows), default=0)
        self.header_rows: dict[int, int | None] = {}  # code column -> heading row (cache)

    def get(self, row: int, col: int) -> Any:
        r, c = row - self.r0, col - self.c0
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            value = self.rows[r][c]
            return None if value == "" else value
        return None

    def at(self, row: int, col: int) -> Located:
        return Located(self.get(row, col), self.name, a1(row, col))

    def cells(self):
        """(row, col, value) of every non-empty cell."""
        for r, values in enumerate(self.rows):
            for c, value in enumerate(values):
                if value != "" and value is not None:
                    yield r + self.r0, c + self.c0, value

    def right_of(self, row: int, col: int) -> int:
        """The column right of a label, past the label's merged range."""
        for (mr0, mc0), (mr1, mc1) in self.merged:
            if mr0 <= row <= mr1 and mc0 <= col <= mc1:
                return mc1 + 1
        return col + 1


class Sheets:
    """A workbook's worksheets in order, each parsed into a Grid only when first asked for.

    The searches below look at the sheet they expect first and stop when it is conclusive, so
    a form's instruction sheet (its largest, and useless to us) is never parsed. A sheet whose
    XML is damaged fails when it is needed, which makes the file FILE_CORRUPT as before.
    """

    def __init__(self, wb: calamine.CalamineWorkbook):
        self._wb = wb
        # chart / macro sheets hold no form values
        self.names = [m.name for m in wb.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet]
        self._grids: dict[str, Grid] = {}

    def __len__(self) -> int:
        return len(self.names)

    def __iter__(self):
        return (self.grid(name) for name in self.names)

    def grid(self, name: str) -> Grid:
        found = self._grids.get(name)
        if found is None:
            sheet = self._wb.get_sheet_by_name(name)
            try:
                merged = sheet.merged_cell_ranges or []
            except Exception:  # noqa: BLE001 - not every format reports merged cells
                merged = []
            found = self._grids[name] = Grid(name, sheet.to_python(), sheet.start, merged)
        return found

    def first(self, preferred: str) -> list[str]:
        """Sheet names with `preferred` first, the others in workbook order."""
        return sorted(self.names, key=lambda n: n != preferred)


# ----------------------------------------------------------------------------- cell codes and the hidden metadata


@functools.lru_cache(maxsize=8192)
def _str_code(value: str) -> str:
    return code_text(value) if len(value) <= 16 else ""  # codes are short; skip sentences


def cell_code(value: Any) -> str:
    """Code text of a cell: '1.1', 1.1 (float) -> '1.1'; '' for anything that cannot be a code."""
    if isinstance(value, str):
        return _str_code(value)
    if isinstance(value, (float, int)) and not isinstance(value, bool):
        return code_text(value)
    return ""


def read_meta(sheets: Sheets) -> tuple[str, dict[str, Located]]:
    """(sheet name, key -> value cell) of the sheet whose column A holds 'template_id' (the
    hidden _meta, looked at first); ('', {}) when there is none. Both our workbooks have one:
    its template id says which reader a file goes to."""
    for name in sheets.first(SHEET_META):  # the same name in the form and the appraisal workbook
        grid = sheets.grid(name)
        keys = {cell_code(grid.get(r, 0)): r for r in range(grid.r0, grid.r0 + len(grid.rows))}
        if "template_id" in keys:
            return grid.name, {key: grid.at(row, 1) for key, row in keys.items() if key}
    return "", {}
