"""Read the council's appraisal workbook: its metadata and the rows of its table, as written.

The file was classified by its hidden metadata when it was opened (readers/inputs.py); this
module only finds the table, by its heading labels rather than fixed cells, and returns every
row's cells with their addresses. Checking the values against the rule set and the units is
a pure step (steps/appraise.py), as parsing a form's cells is (steps/normalise.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.core.appraisal_layout import COLUMNS, CONTENT_HEADINGS, NEEDED, TEMPLATE_ID
from pipeline.core.cells import a1
from pipeline.core.model import AppraisalRead, AppraisalRow, Located
from pipeline.readers.grids import Sheets
from pipeline.readers.opening import Opened, open_workbook
from pipeline.steps import values


def is_appraisal(meta: dict[str, Located]) -> bool:
    """The hidden metadata of the council's appraisal workbook (never the commune form's)."""
    located = meta.get("template_id")
    return located is not None and values.text(located.value) == TEMPLATE_ID


def read_appraisal(path: Path, rel: str) -> AppraisalRead | None:
    """The appraisal workbook at `path`, or None when it is not one or cannot be read; never
    raises. For a file outside the inputs (the copy in outputs/ that is about to be replaced)."""
    try:
        return open_workbook(Path(path), rel, _read_if_appraisal)[0]
    except Exception:  # noqa: BLE001 - a damaged file must never stop the run
        return None


def _read_if_appraisal(opened: Opened) -> tuple[AppraisalRead | None, list]:
    return (read_table(opened.sheets, opened.meta, opened.rel) if is_appraisal(opened.meta) else None), []


def read_table(sheets: Sheets, meta: dict[str, Located], rel: str) -> AppraisalRead:
    """The metadata and the rows under the first heading row found, in workbook order of sheets."""
    shown = {key: values.text(loc.value) for key, loc in meta.items()}
    for grid in sheets:
        header = _header(grid.rows)
        if header is not None:
            return AppraisalRead(rel, shown, grid.name, tuple(_rows(grid.rows, (grid.r0, grid.c0), *header)))
    return AppraisalRead(rel, shown)


_LABELS = [(key, values.strip_accents(heading)) for key, heading, _ in COLUMNS]
_LABELS += [(key, values.strip_accents(heading)) for key, heading in CONTENT_HEADINGS.items()]


def _header(rows: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    """(row index, key -> column index) of the heading row, found by its labels."""
    for r, row in enumerate(rows):
        found: dict[str, int] = {}
        for c, value in enumerate(row):
            if not isinstance(value, str):
                continue
            key = values.strip_accents(value).rstrip(" :*")
            for field_, label in _LABELS:
                if field_ not in found and (key == label or key.startswith(label + " ")):
                    found[field_] = c
        if all(k in found for k in NEEDED):
            return r, found
    return None


def _rows(rows: list[list[Any]], start: tuple[int, int], header: int, cols: dict[str, int]):
    r0, c0 = start

    def get(row: list[Any], key: str) -> Any:
        c = cols.get(key)
        value = row[c] if c is not None and c < len(row) else None
        return None if value == "" else value

    for r in range(header + 1, len(rows)):
        row = rows[r]
        if get(row, "unit") is None or get(row, "code") is None:
            continue  # a unit's total row, a blank or a signature line
        yield AppraisalRow(
            get(row, "unit"),
            get(row, "code"),
            get(row, "appraised"),
            get(row, "note"),
            get(row, "self"),
            a1(r + r0, cols["appraised"] + c0),
            a1(r + r0, cols["code"] + c0),
        )
