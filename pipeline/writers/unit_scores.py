"""The unit sheet's score table: criteria as bold subtotal rows with their floor, then their
indicators with the way the points were obtained, figures and evidence, and a pointer to the
row's problems; the total last, with the condition on the total.

Two grids (unit_layout): `POINTS` when every point is self-assessed (the source is said once,
in the notes), `POINTS_SOURCE` with a "Nguồn điểm" column once the council appraised some. The
conditions on the total and on each criterion's floor are shown on the total and criterion rows,
next to the figures they judge (the conditions block lists the others).

The written cells carry their borders; the empty ones (an indicator without figures, the
subtotal rows' free columns) are not written and get their border, and grey, from two
conditional formats 'value = 0', which Excel and LibreOffice apply to empty cells (a real 0
there already looks the same); a rule with a formula would cost xlsxwriter ~0.4 ms per sheet to
prepare. The problems are grouped by row once per unit.
"""

from __future__ import annotations

from pipeline.core.cells import col_letter
from pipeline.core.model import IndicatorDetail, RunResult, UnitOutcome
from pipeline.core.problems import Issue
from pipeline.core.text import basis_text, number_text
from pipeline.core.verdict import SELF_ASSESSED, SOURCE_LABEL, CriterionResult, IndicatorResult, Verdict
from pipeline.writers.unit_layout import NOTES, POINTS, POINTS_SOURCE, Grid, Out, count_lines, needs
from pipeline.writers.xlsx import put_row

# Conditions shown on a table row rather than in the conditions block (pipeline.steps.scoring).
IN_TABLE = frozenset({"TOTAL_BELOW_MIN", "CRITERION_BELOW_FLOOR"})


def points_grid(v: Verdict) -> Grid:
    """POINTS_SOURCE once any point is not self-assessed, else POINTS."""
    return POINTS_SOURCE if any(r.source != SELF_ASSESSED for r in v.indicators) else POINTS


def score_table(out: Out, result: RunResult, outcome: UnitOutcome, top: int) -> int:
    """Header, then per criterion its subtotal row and its indicator rows, then the total.
    Empty cells are left unwritten: `_empty_cells` gives them their border (and grey)."""
    f, ws, grid = out.f, out.ws, out.grid
    put_row(ws, top, 0, list(grid.headers), [f.head] * len(grid.headers))
    out.tall(top, needs(grid.header_lines))
    v = outcome.verdict
    by_criterion: dict[str, list[IndicatorResult]] = {}
    for r in v.indicators:
        by_criterion.setdefault(r.criterion, []).append(r)
    problems = problems_by_row(outcome.issues, [r.code for r in v.indicators])
    indicator, details = result.rule_set.indicator, outcome.details
    with_source = grid is POINTS_SOURCE
    row = top + 1
    subtotals, blocks = [], []  # subtotal rows; (first, last) runs of indicator rows
    for c in v.criteria:
        _criterion_row(out, row, c)
        subtotals.append((row, row))
        rows = by_criterion.get(c.code, ())
        for r in rows:
            row += 1
            _indicator_row(out, row, r, indicator(r.code).name, details.get(r.code), problems.get(r.code), with_source)
        if rows:
            blocks.append((row - len(rows) + 1, row))
        row += 1
    put_row(ws, row, 1, ["TỔNG CỘNG", v.total_max, v.total], [f.group_center, f.group_pts, f.group_pts])
    total_min = result.rule_set.conditions.total_min
    judged = next((c for c in v.conditions if c.code == "TOTAL_BELOW_MIN"), None)
    if judged is not None and total_min is not None:
        verdict = "✓ đạt" if judged.met else "✗ không đạt"
        _condition_cell(out, row, f"≥ {number_text(total_min)} điểm: {verdict}", judged.met)
    subtotals.append((row, row))
    _empty_cells(ws, grid, subtotals, f.group)
    _empty_cells(ws, grid, blocks, f.box)
    return row


def _empty_cells(ws, grid: Grid, runs: list[tuple[int, int]], fmt) -> None:
    """The look of the empty cells of the table's rows `runs` ((first, last) pairs)."""
    if runs:
        last = col_letter(grid.last)
        ranges = " ".join(f"A{first + 1}:{last}{end + 1}" for first, end in runs)
        ws.conditional_format(
            runs[0][0],
            0,
            runs[-1][1],
            grid.last,
            {"type": "cell", "criteria": "==", "value": 0, "format": fmt, "multi_range": ranges},
        )


def _condition_cell(out: Out, row: int, text: str, met: bool) -> int:
    """A condition judged on a table row, from "Cách tính" to the last column; its lines."""
    grid = out.grid
    first = grid.col(NOTES if grid is POINTS else "Cách tính")
    out.merged(row, first, grid.last, text, out.f.fmt("cell", "group", "wrap", "ok" if met else "bad"))
    lines = count_lines(text, grid.span(first, grid.last), 11, True)
    out.tall(row, needs(lines))
    return lines


def _criterion_row(out: Out, row: int, c: CriterionResult) -> None:
    f = out.f
    put_row(
        out.ws,
        row,
        0,
        [c.code, c.name, c.max, c.points],
        [f.group_center, f.group_wrap, f.group_pts, f.group_pts],
    )
    if c.floor is None:
        floor = f"{c.passed_count}/{c.indicator_count} chỉ tiêu đạt: " + ("✓ đạt" if c.met else "✗ không đạt")
    else:
        floor = f"≥ {number_text(c.floor)} điểm: " + (
            "✓ đạt" if c.met else f"✗ không đạt (thiếu {number_text(c.floor - c.points)})"
        )
    lines = _condition_cell(out, row, floor, c.met)
    name_lines = count_lines(c.name, out.grid.widths[1], 11, True)
    out.tall(row, needs(max(lines, name_lines)))


def _indicator_row(
    out: Out,
    row: int,
    r: IndicatorResult,
    name: str,
    d: IndicatorDetail | None,
    problems: list[Issue] | None,
    with_source: bool,
) -> None:
    f, widths = out.f, out.grid.widths
    zero = r.counted_as_zero
    basis = basis_text(r)
    found = problem_pointer(problems)
    values: list = [r.code, name, r.max, r.points]
    formats: list = [f.box_center, f.box_wrap, f.pts, f.points_zero if zero else f.points]
    if out.grid is POINTS:  # one column: how, figures, evidence, problems (at 9 pt)
        how = "" if basis == f"điểm {SOURCE_LABEL[SELF_ASSESSED]}" else basis
        notes = _lines(how, _figures(d), d.evidence if d else "", found)
        values.append(notes)
        formats.append((f.box_small_bad if zero else f.box_small_warn if found else f.box_small) if notes else None)
        height = needs(count_lines(notes, widths[-1], 9), 9) if notes else 0
    else:
        notes = _lines(_figures(d), d.evidence if d else "", found)
        if with_source:
            values.append(SOURCE_LABEL.get(r.source, r.source))
            formats.append(f.source)
        values += [basis, notes]
        # An empty figures cell is left unwritten (no format): _empty_cells gives it its border.
        formats += [
            f.basis_zero if zero else f.box_wrap,
            (f.box_small_warn if found else f.box_small) if notes else None,
        ]
        height = needs(count_lines(basis, widths[-2])) if basis else 0
        if with_source:
            height = max(height, needs(count_lines(values[4], widths[4])))
        if notes:
            height = max(height, needs(count_lines(notes, widths[-1], 9), 9))
    put_row(out.ws, row, 0, values, formats)
    out.tall(row, max(height, needs(count_lines(name, widths[1]))))


def _lines(*texts: str) -> str:
    return "\n".join(t for t in texts if t)


def problem_pointer(problems: list[Issue] | None) -> str:
    """The row's problems, pointed to by their cells (each is listed in full under the table)."""
    if not problems:
        return ""
    cells = list(dict.fromkeys(i.cell for i in problems if i.cell))
    return "⚠ Vấn đề: " + (f"ô {', '.join(cells)}" if cells else "xem mục dưới")


def _figures(d) -> str:
    if d is None:
        return ""
    parts = [d.figures] if d.figures else []
    if d.numerator is not None or d.denominator is not None:
        parts.append(f"Tử số {_num(d.numerator)} / mẫu số {_num(d.denominator)}")
    if d.not_applicable:
        parts.append("Không phát sinh")
    if d.note:
        parts.append(f"Ghi chú: {d.note}")
    return "\n".join(parts)


def _num(x: float | None) -> str:
    return "—" if x is None else number_text(x)


def row_issues(issues: tuple[Issue, ...], code: str) -> list[Issue]:
    """Issues about one indicator row: every row-level Issue names its indicator."""
    return [i for i in issues if i.indicator == code]


def problems_by_row(issues: tuple[Issue, ...], codes: list[str]) -> dict[str, list[Issue]]:
    """code -> row_issues(issues, code) for every code, in one pass over the unit's issues."""
    out: dict[str, list[Issue]] = {}
    for i in issues:
        if i.indicator:
            out.setdefault(i.indicator, []).append(i)
    return out
