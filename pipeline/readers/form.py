"""The commune form's reader: one opened workbook into a Submission, raw values with the sheet
and cell they came from.

It never trusts row numbers or sheet names:
- the score sheet is the sheet with the most indicator codes of the rule set in one column;
  rows are found by code, columns by the header labels (layout.SCORE_HEADERS);
- the cover sheet is the one carrying the label "Mã đơn vị hành chính"; each value is in the
  cell right of its label;
- workbook-level defined names (xlsx/xlsm) are used where they agree with that search (same
  row as the code / label), because a program that inserts rows (openpyxl) leaves names
  pointing at the old cells; they fill in a column whose header was not found, and a cover
  field whose label was edited away.

Any failure becomes an Issue; `read_workbook` never raises.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.core import layout
from pipeline.core.cells import a1, col_index
from pipeline.core.model import Submission
from pipeline.core.problems import Issue, issue
from pipeline.core.rules import RuleSet
from pipeline.readers.grids import Grid, Sheets
from pipeline.readers.grids import cell_code as _code
from pipeline.readers.opening import Opened, guarded, open_workbook
from pipeline.steps.values import strip_accents

# ----------------------------------------------------------------------------- entry point


def read_workbook(path: Path, rel: str, rule_set: RuleSet) -> tuple[Submission | None, list[Issue]]:
    """The form at `path` (None when it cannot be used) and every problem found; never raises."""
    return guarded(rel, lambda: _read(Path(path), rel, rule_set))


def _read(path: Path, rel: str, rule_set: RuleSet) -> tuple[Submission | None, list[Issue]]:
    return open_workbook(path, rel, lambda opened: read_form(opened, rule_set))


def read_form(opened: Opened, rule_set: RuleSet) -> tuple[Submission | None, list[Issue]]:
    """The form in an opened workbook; raises only what the parser raises on a damaged sheet."""
    rel, grids, names = opened.rel, opened.sheets, opened.names
    issues = list(opened.warnings)
    sub = Submission(file=rel)
    score = _find_score_sheet(grids, rule_set)
    for key in layout.META_KEYS:
        if key in opened.meta:
            sub.meta[key] = opened.meta[key]
    if score is None or not _looks_like_ours(score, sub):
        return None, issues + [issue("NOT_OUR_FORM", file=rel)]
    issues += _read_scores(score, rule_set, names, sub)
    _read_cover(grids, rule_set, names, sub, exclude={opened.meta_sheet})
    return sub, issues


# ----------------------------------------------------------------------------- score sheet


@dataclass
class _Score:
    grid: Grid
    col: int  # column of the codes
    count: int  # distinct rule-set indicator codes in it


def _find_score_sheet(grids: Sheets, rule_set: RuleSet) -> _Score | None:
    """The column holding the most indicator codes, preferring one under a heading row that has
    "Điểm tự chấm": the instruction sheet lists every code too, but has nowhere to score.

    The sheet named like the form's score sheet is looked at first: when it has every code under
    a "Điểm" heading no other sheet can rank higher (the name breaks the tie), so the others
    are not parsed."""
    codes = {i.code for i in rule_set.indicators}
    best: tuple | None = None
    order_of = {name: n for n, name in enumerate(grids.names)}
    for name in grids.first(layout.SHEET_SCORES):
        if best is not None and best[0][:3] == (True, len(codes), True):
            break
        order, grid = order_of[name], grids.grid(name)
        per_col: dict[int, set[str]] = {}
        for _, c, value in grid.cells():
            if (code := _code(value)) in codes:
                per_col.setdefault(c, set()).add(code)
        for col, found in per_col.items():
            header = _header_row(grid, col)
            scored = header is not None and any(
                _header_match(grid.get(header, c)) == "diem" for c in range(col, grid.c0 + grid.width)
            )
            key = (scored, len(found), grid.name == layout.SHEET_SCORES, -order, -col)
            if best is None or key > best[0]:
                best = (key, _Score(grid, col, len(found)))
    return best[1] if best else None


def _looks_like_ours(score: _Score, sub: Submission) -> bool:
    """A couple of '1.1'-like numbers in some unrelated workbook is not our form: with fewer
    than 3 codes, ask for a second sign (our template id, or the 'Mã' column heading)."""
    if score.count >= 3:
        return True
    template = sub.meta.get("template_id")
    if template and template.value == layout.TEMPLATE_ID:
        return True
    return _header_row(score.grid, score.col) is not None


def _label_key(value: Any) -> str:
    """Labels compared without accents, case, spacing or trailing ':' / '*'."""
    return _text_key(value) if isinstance(value, str) else strip_accents(value).rstrip(" :*")


@functools.lru_cache(maxsize=8192)
def _text_key(value: str) -> str:
    # Cached: every form repeats the same few hundred labels, and stripping accents is the
    # most expensive step of reading a workbook.
    return strip_accents(value).rstrip(" :*")


_HEADER_KEYS = {
    _label_key(label): field
    for headers in (layout.SCORE_HEADERS, layout.CONTENT_HEADERS)
    for field, label in headers.items()
}


def _header_match(value: Any) -> str | None:
    key = _label_key(value)
    if key in _HEADER_KEYS:
        return _HEADER_KEYS[key]
    # "Điểm tự chấm (*)" / "Tử số (người)": a heading with a note after it. Short headings
    # ("Mã") only by equality, or "Mẫu số" would match "Mã".
    for label, field in _HEADER_KEYS.items():
        if len(label) >= 5 and key.startswith(label):
            return field
    return None


def _header_row(grid: Grid, code_col: int) -> int | None:
    """The row whose code-column cell reads 'Mã' (the column headings)."""
    if code_col not in grid.header_rows:
        grid.header_rows[code_col] = next(
            (
                r
                for r in range(grid.r0, grid.r0 + len(grid.rows))
                if isinstance(v := grid.get(r, code_col), str) and len(v) <= 8 and _header_match(v) == "ma"
            ),
            None,
        )
    return grid.header_rows[code_col]


def _columns(
    grid: Grid, code_col: int, names: dict, code_rows: dict[str, int], name_of=layout.indicator_name
) -> dict[str, int]:
    """Column of each field: by heading; else by a defined name on the right row; else the
    layout letter shifted by as much as the code column moved."""
    found: dict[str, int] = {}
    header = _header_row(grid, code_col)
    if header is not None:
        for c in range(grid.c0, grid.c0 + grid.width):
            field = _header_match(grid.get(header, c))
            if field and field not in found:
                found[field] = c
    shift = code_col - col_index(layout.SCORE_COLUMNS["ma"])
    for field, letter in layout.SCORE_COLUMNS.items():
        if field in found:
            continue
        for code, row in code_rows.items():
            ref = names.get(name_of(field, code).lower())
            if ref and ref[0] == grid.name and ref[1] == row:
                found[field] = ref[2]
                break
        else:
            found[field] = col_index(letter) + shift
    return found


_CODE_LIKE = re.compile(r"^\d+(\.\d+)+$")


def _read_scores(score: _Score, rule_set: RuleSet, names: dict, sub: Submission) -> list[Issue]:
    grid, code_col, rel = score.grid, score.col, sub.file
    issues: list[Issue] = []
    codes = {i.code for i in rule_set.indicators}
    criteria = {c.code.lower(): c.code for c in rule_set.criteria}
    total_key = _label_key(layout.TOTAL_CODE)
    header = _header_row(grid, code_col)
    first = grid.r0 if header is None else header + 1

    groups = {g.code for g in rule_set.groups if len(g.contents) > 1}
    group_rows: dict[str, int] = {}
    rows: dict[str, int] = {}
    criterion_rows: dict[str, int] = {}
    total_row: int | None = None
    for r in range(first, grid.r0 + len(grid.rows)):
        value = grid.get(r, code_col)
        code = _code(value)
        if not code:
            continue
        if code in codes:
            if code in rows:
                issues.append(
                    issue(
                        "INDICATOR_DUPLICATE",
                        file=rel,
                        sheet=grid.name,
                        cell=a1(r, code_col),
                        value=code,
                        indicator=code,
                    )
                )
            else:
                rows[code] = r
        elif code.lower() in criteria:
            criterion_rows.setdefault(criteria[code.lower()], r)
        elif code in groups:
            group_rows.setdefault(code, r)
        elif _label_key(code) == total_key:
            total_row = r if total_row is None else total_row
        elif _CODE_LIKE.match(code):
            issues.append(issue("INDICATOR_UNKNOWN", file=rel, sheet=grid.name, cell=a1(r, code_col), value=code))

    if rule_set.has_contents:
        cols = _columns(grid, code_col, names, rows, layout.content_name)
        sub.score_sheet = grid.name
        return issues + _read_contents(grid, rule_set, names, sub, cols, rows, group_rows, criterion_rows)
    cols = _columns(grid, code_col, names, rows)
    sub.score_sheet = grid.name
    for ind in rule_set.indicators:
        if ind.code not in rows:
            issues.append(issue("INDICATOR_MISSING", file=rel, sheet=grid.name, value=ind.code, indicator=ind.code))
            continue
        sub.rows[ind.code] = {f: grid.at(rows[ind.code], cols[f]) for f in layout.INDICATOR_FIELDS}
    for code, r in criterion_rows.items():
        sub.cached_totals[layout.criterion_total_name(code)] = grid.at(r, cols["diem"])
    if total_row is not None:
        sub.cached_totals[layout.TOTAL_NAME] = grid.at(total_row, cols["diem"])
    return issues


def _read_contents(
    grid: Grid,
    rule_set: RuleSet,
    names: dict,
    sub: Submission,
    cols: dict[str, int],
    rows: dict[str, int],
    group_rows: dict[str, int],
    criterion_rows: dict[str, int],
) -> list[Issue]:
    """A set with contents: each content's inputs, its checklist options (by defined name on
    this sheet, else the rows under the content), the indicator's evidence (on the indicator's
    row when it has several contents) and each criterion's switch (its row, column (9))."""
    issues: list[Issue] = []
    rel = sub.file

    def named(name: str, row_hint: int | None = None) -> tuple[int, int] | None:
        ref = names.get(name.lower())
        if ref and ref[0] == grid.name and (row_hint is None or ref[1] == row_hint):
            return ref[1], ref[2]
        return None

    for group in rule_set.groups:
        for code in group.contents:
            content = rule_set.indicator(code)
            if code not in rows:
                issues.append(issue("INDICATOR_MISSING", file=rel, sheet=grid.name, value=code, indicator=code))
                continue
            r = rows[code]
            cells = {f: grid.at(r, cols[f]) for f in layout.CONTENT_FIELDS}
            if len(group.contents) > 1:
                g = group_rows.get(group.code)
                cells["tai_lieu"] = grid.at(g, cols["tai_lieu"]) if g is not None else grid.at(r, cols["tai_lieu"])
            for n in range(1, len(content.options) + 1):
                at = named(layout.option_name(code, n)) or (r + n, cols["diem"])
                cells[f"chon_{n}"] = grid.at(*at)
            # A name for an option the rule set does not list, holding a tick: reported, not counted.
            extra = len(content.options) + 1
            while (at := named(layout.option_name(code, extra))) is not None:
                found = grid.at(*at)
                if found.value not in (None, ""):
                    issues.append(
                        issue(
                            "OPTION_UNKNOWN",
                            file=rel,
                            sheet=grid.name,
                            cell=found.cell,
                            value=str(extra),
                            indicator=code,
                        )
                    )
                extra += 1
            sub.rows[code] = cells
    for criterion in rule_set.criteria:
        if criterion.switch is None:
            continue
        name = layout.switch_name(criterion.code)
        r = criterion_rows.get(criterion.code)
        at = named(name, r) if r is not None else named(name)
        if at is None and r is not None:
            at = (r, cols["khong_phat_sinh"])
        if at is not None:
            sub.cover[name] = grid.at(*at)
    for code, r in criterion_rows.items():
        sub.cached_totals[layout.criterion_total_name(code)] = grid.at(r, cols["diem"])
    return issues


# ----------------------------------------------------------------------------- cover


_COVER_LABELS = {_label_key(label): name for name, label, _ in layout.COVER_FIELDS}
_COVER_LABELS.update(
    {_label_key(label): name for name, labels in layout.COVER_LABEL_ALIASES.items() for label in labels}
)
_UNIT_LABEL = _label_key(layout.COVER_FIELDS[0][1])


def _read_cover(grids: Sheets, rule_set: RuleSet, names: dict, sub: Submission, exclude: set) -> None:
    labels = dict(_COVER_LABELS)
    declarations = {_label_key(d.label): d.key for d in rule_set.conditions.declarations}
    grid = _find_cover_sheet(grids, names, exclude)
    if grid is None:
        return
    sub.cover_sheet = grid.name
    found: dict[str, tuple[int, int]] = {}  # name -> (row, col) of the label
    for r, c, value in grid.cells():
        if not isinstance(value, str):
            continue
        key = _label_key(value)
        name = labels.get(key) or declarations.get(key)
        if name is None and len(key) > 20:
            # A declaration label with a number or note added ("1. Trong năm ...?").
            name = next((k for label, k in declarations.items() if label in key), None)
        if name and name not in found:
            found[name] = (r, c)
    for name in [n for n, _, _ in layout.COVER_FIELDS] + [d.key for d in rule_set.conditions.declarations]:
        ref = names.get(name.lower())
        ref_here = ref if ref and ref[0] == grid.name else None
        if name in found:
            r, c = found[name]
            if ref_here and ref_here[1] == r:
                sub.cover[name] = grid.at(r, ref_here[2])  # the named input cell, verified by its row
            else:
                sub.cover[name] = grid.at(r, grid.right_of(r, c))
        elif ref_here:
            sub.cover[name] = grid.at(ref_here[1], ref_here[2])  # label edited away: trust the name


def _find_cover_sheet(grids: Sheets, names: dict, exclude: set) -> Grid | None:
    for name in grids.first(layout.SHEET_COVER):
        if name in exclude:
            continue
        grid = grids.grid(name)
        if any(isinstance(v, str) and _label_key(v) == _UNIT_LABEL for _, _, v in grid.cells()):
            return grid
    ref = names.get(layout.COVER_FIELDS[0][0])
    if ref and ref[0] in grids.names and ref[0] not in exclude:
        return grids.grid(ref[0])
    return grids.grid(layout.SHEET_COVER) if layout.SHEET_COVER in grids.names else None
