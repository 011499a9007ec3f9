"""The unit sheet's score table: criteria as bold subtotal rows with their floor, then their
indicators with figures, evidence and the row's problems; the total last.

The written cells carry their borders; the empty ones (an indicator without figures or
problems, the subtotal rows' free columns) are not written and get their border, and grey,
from two conditional formats 'value = 0', which Excel and LibreOffice apply to empty cells (a
real 0 there already looks the same); a rule with a formula would cost xlsxwriter ~0.4 ms per
sheet to prepare. The problems are grouped by row once per unit.
"""

from __future__ import annotations

from pipeline.core.cells import col_letter
from pipeline.core.model import IndicatorDetail, RunResult, UnitOutcome
from pipeline.core.problems import Issue
from pipeline.core.text import basis_text, number_text
from pipeline.core.verdict import SOURCE_LABEL, CriterionResult, IndicatorResult
from pipeline.writers.unit_layout import COLUMNS, LAST, WIDTHS, Out, count_lines, span
from pipeline.writers.xlsx import put_row, row_height


def score_table(out: Out, result: RunResult, outcome: UnitOutcome, top: int) -> int:
    """Header, then per criterion its subtotal row and its indicator rows, then the total.
    Empty cells are left unwritten: `_empty_cells` gives them their border (and grey)."""
    f, ws = out.f, out.ws
    put_row(ws, top, 0, [header for header, _ in COLUMNS], [f.head] * len(COLUMNS))
    out.set_row(top, row_height(2), None)
    v = outcome.verdict
    by_criterion: dict[str, list[IndicatorResult]] = {}
    for r in v.indicators:
        by_criterion.setdefault(r.criterion, []).append(r)
    problems = problems_by_row(outcome.issues, [r.code for r in v.indicators])
    indicator, details = result.rule_set.indicator, outcome.details
    row = top + 1
    subtotals, blocks = [], []  # subtotal rows; (first, last) runs of indicator rows
    for c in v.criteria:
        _criterion_row(out, row, c)
        subtotals.append((row, row))
        rows = by_criterion.get(c.code, ())
        for r in rows:
            row += 1
            _indicator_row(out, row, r, indicator(r.code).name, details.get(r.code), problems.get(r.code))
        if rows:
            blocks.append((row - len(rows) + 1, row))
        row += 1
    put_row(
        ws,
        row,
        1,
        ["TỔNG CỘNG", v.total_max, v.total, v.total / v.total_max if v.total_max else None],
        [f.group_center, f.group_pts, f.group_pts, f.group_pct],
    )
    subtotals.append((row, row))
    _empty_cells(ws, subtotals, f.group)
    _empty_cells(ws, blocks, f.box)
    return row


def _empty_cells(ws, runs: list[tuple[int, int]], fmt) -> None:
    """The look of the empty cells of the table's rows `runs` ((first, last) pairs)."""
    if runs:
        ranges = " ".join(f"A{first + 1}:{_LAST_NAME}{last + 1}" for first, last in runs)
        ws.conditional_format(
            runs[0][0],
            0,
            runs[-1][1],
            LAST,
            {"type": "cell", "criteria": "==", "value": 0, "format": fmt, "multi_range": ranges},
        )


_LAST_NAME = col_letter(LAST)


def _criterion_row(out: Out, row: int, c: CriterionResult) -> None:
    f = out.f
    put_row(
        out.ws,
        row,
        0,
        [c.code, c.name, c.max, c.points, c.points / c.max if c.max else None],
        [f.group_center, f.group_wrap, f.group_pts, f.group_pts, f.group_pct],
    )
    if c.floor is None:
        floor = f"{c.passed_count}/{c.indicator_count} chỉ tiêu đạt: " + ("✓ đạt" if c.met else "✗ không đạt")
    else:
        floor = f"Tối thiểu {number_text(c.floor)} điểm: " + (
            "✓ đạt" if c.met else f"✗ không đạt (thiếu {number_text(c.floor - c.points)})"
        )
    out.merged(row, 6, 7, floor, f.fmt("cell", "group", "wrap", "ok" if c.met else "bad"))
    height = max(count_lines(c.name, WIDTHS[1], 11, True), count_lines(floor, span(6, 7), 11, True))
    out.set_row(row, row_height(height), None)


def _indicator_row(
    out: Out, row: int, r: IndicatorResult, name: str, d: IndicatorDetail | None, problems: list[Issue] | None
) -> None:
    f = out.f
    figures = _figures(d)
    evidence = d.evidence if d else ""
    found = "\n".join(i.message for i in problems) if problems else ""
    zero = r.counted_as_zero
    basis = basis_text(r)
    # An empty percentage, figures, evidence or problems cell is left unwritten (no format):
    # _empty_cells gives it its border.
    put_row(
        out.ws,
        row,
        0,
        [
            r.code,
            name,
            r.max,
            r.points,
            r.points / r.max if r.max else None,
            SOURCE_LABEL.get(r.source, r.source),
            basis,
            figures,
            evidence,
            found,
        ],
        [
            f.box_center,
            f.box_wrap,
            f.pts,
            f.points_zero if zero else f.points,
            f.pct if r.max else None,
            f.source,
            f.basis_zero if zero else f.box_wrap,
            f.box_small if figures else None,
            f.box_small if evidence else None,
            f.box_small_warn if found else None,
        ],
    )
    height = row_height(count_lines(name, WIDTHS[1]))
    if basis:
        height = max(height, row_height(count_lines(basis, WIDTHS[6])))
    for t, width in ((figures, WIDTHS[7]), (evidence, WIDTHS[8]), (found, WIDTHS[9])):
        if t:
            height = max(height, row_height(count_lines(t, width, 9), 9))
    out.set_row(row, height, None)


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
