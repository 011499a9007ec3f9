"""Read a commune's periodic report workbook through the product's hardened opening
(readers/opening.py: the bytes sniffed for zip bombs, DTDs and huge sheets before any parser
sees them, a damaged file turned into one located problem by `guarded`).

The workbook is recognised by its hidden metadata (template id `tcpl-bao-cao-dinh-ky`); a
commune's self-assessment form dropped among the reports is named as such, anything else is
not a report. Each field is found by its defined name and, when the names are lost (a copy
saved by another program), by its label; the values are returned as typed, with their cells.
Checking them is a pure step (steps/reports.py).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pipeline.core import layout
from pipeline.core import report_layout as L
from pipeline.core.model import Located
from pipeline.core.problems import Issue, issue
from pipeline.readers.discover import Candidate, NotRegularFile, TooLargeFile, read_regular, too_large
from pipeline.readers.grids import Sheets
from pipeline.readers.opening import Opened, guarded, open_workbook
from pipeline.steps import values


def is_report(meta: dict[str, Located]) -> bool:
    located = meta.get("template_id")
    return located is not None and values.text(located.value) == L.TEMPLATE_ID


def read_report_candidate(candidate: Candidate, max_bytes: int) -> tuple[L.ReportRead | None, list[Issue]]:
    """A file found in the reports folder, its bytes read once (a regular file of at most
    max_bytes), then read as a report. Never raises."""
    rel = candidate.rel
    try:
        data = read_regular(candidate.path, max_bytes)
    except TooLargeFile as exc:
        return None, [too_large(rel, exc.size, max_bytes)]
    except NotRegularFile:
        return None, [issue("FILE_CORRUPT", file=rel, value="không còn là tệp thường khi đọc")]
    except OSError as exc:
        return None, [issue("FILE_CORRUPT", file=rel, value=exc.strerror or type(exc).__name__)]
    if not data:
        return None, [issue("FILE_EMPTY", file=rel)]
    return read_report_file(candidate.path, rel, candidate.modified, data)


def read_report_file(path: Path, rel: str, modified: dt.datetime, data: bytes) -> tuple[L.ReportRead | None, list]:
    """The report in `data` (the bytes of `path`, read once), or None when the file is not a
    report or cannot be read; and every problem found. Never raises."""
    return guarded(rel, lambda: open_workbook(Path(path), rel, lambda opened: read_report(opened, modified), data))


def read_report(opened: Opened, modified: dt.datetime) -> tuple[L.ReportRead | None, list[Issue]]:
    rel = opened.rel
    problems = list(opened.warnings)
    template = values.text(opened.meta["template_id"].value) if "template_id" in opened.meta else ""
    if template != L.TEMPLATE_ID:
        code = "REPORT_IS_FORM" if template == layout.TEMPLATE_ID else "REPORT_NOT_OURS"
        return None, problems + [issue(code, file=rel)]
    meta = {key: values.text(loc.value) for key, loc in opened.meta.items()}
    found = _by_names(opened)
    missing = [f for f in L.FIELDS if f.name not in found]
    if missing:
        found.update(_by_labels(opened.sheets, missing, exclude=opened.meta_sheet))
    return L.ReportRead(rel, modified, meta, opened.meta_sheet, found), problems


def _by_names(opened: Opened) -> dict[str, Located]:
    """Fields whose defined name points into a sheet of the workbook."""
    found: dict[str, Located] = {}
    names = opened.sheets.names
    for f in L.FIELDS:
        target = opened.names.get(f.name)
        if target is None or target[0] not in names:
            continue
        sheet, row, col = target
        found[f.name] = opened.sheets.grid(sheet).at(row, col)
    return found


def _by_labels(sheets: Sheets, wanted: list[L.Field], exclude: str) -> dict[str, Located]:
    """Fields found by their label: the value is the cell right of the label (past a merge)."""
    keys = {values.strip_accents(f.label): f.name for f in wanted}
    found: dict[str, Located] = {}
    for name in sheets.first(L.SHEET):
        if name == exclude:
            continue
        grid = sheets.grid(name)
        for row, col, value in grid.cells():
            if not isinstance(value, str):
                continue
            key = _label_key(value)
            target = keys.get(key)
            if target is not None and target not in found:
                found[target] = grid.at(row, grid.right_of(row, col))
        if len(found) == len(keys):
            break
    return found


def _label_key(value: Any) -> str:
    return values.strip_accents(value).rstrip(" :*")
