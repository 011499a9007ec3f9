"""The unit sheet's result table for a pass/fail rule set: every criterion, every indicator made
of several contents and every content with its level to reach, its result (Đạt / Không đạt,
coloured), why (the engine's basis: the rate computed, what was missing, "không phát sinh"),
the figures used (a derived denominator included), the evidence and the row's problems.

Same ten columns as the points table (unit_layout.COLUMNS), headed for pass/fail: the level
spans columns C:D, the result E:F.
"""

from __future__ import annotations

from pipeline.core.model import IndicatorDetail, RunResult, UnitOutcome
from pipeline.core.problems import Issue
from pipeline.core.text import basis_text, number_text
from pipeline.core.verdict import CriterionResult, GroupResult, IndicatorResult
from pipeline.writers.unit_layout import LAST, WIDTHS, Out, count_lines, span
from pipeline.writers.unit_scores import problems_by_row
from pipeline.writers.xlsx import row_height

HEADERS = (
    ("Mã", 0, 0),
    ("Nội dung", 1, 1),
    ("Mức đạt", 2, 3),
    ("Kết quả", 4, 5),
    ("Lý do", 6, 6),
    ("Số liệu", 7, 7),
    ("Minh chứng", 8, 8),
    ("Vấn đề trong dòng", 9, 9),
)


def short_level(rule_set, code: str) -> str:
    c = rule_set.indicator(code)
    if c.kind == "rate" and c.threshold is not None:
        return f"≥ {number_text(c.threshold)}%"
    if c.kind == "checklist":
        return f"≥ {c.min_ticked}/{len(c.options)} hoạt động"
    return "Đạt yêu cầu"


def pass_fail_table(out: Out, result: RunResult, outcome: UnitOutcome, top: int) -> int:
    f, rs, v = out.f, result.rule_set, outcome.verdict
    for text, first, last in HEADERS:
        (out.text(top, first, text, f.head) if first == last else out.merged(top, first, last, text, f.head))
    out.set_row(top, row_height(2), None)
    problems = problems_by_row(outcome.issues, [r.code for r in v.indicators])
    contents = {r.code: r for r in v.indicators}
    groups = {g.code: g for g in v.groups}
    row = top
    for c in v.criteria:
        row += 1
        _criterion_row(out, row, c, rs.criterion(c.code))
        crit = rs.criterion(c.code)
        parts = crit.groups or ()
        for g in parts:
            if len(g.contents) > 1:
                row += 1
                _group_row(out, row, groups[g.code], len(g.contents))
            for code in g.contents:
                row += 1
                _content_row(
                    out,
                    row,
                    contents[code],
                    rs.indicator(code).name,
                    short_level(rs, code),
                    outcome.details.get(code),
                    problems.get(code),
                    switched=c.switched,
                )
        if not parts:  # a pass/fail set without contents: its indicators
            for i in crit.indicators:
                row += 1
                _content_row(
                    out, row, contents[i.code], i.name, "Đạt yêu cầu", outcome.details.get(i.code), problems.get(i.code)
                )
    row += 1
    n = len(v.criteria)
    out.merged(row, 0, 3, "KẾT QUẢ CHUNG", f.group_center)
    out.merged(
        row, 4, 5, f"{v.criteria_passed}/{n} tiêu chí", f.fmt("cell", "group", "center", "bold", _tone(v.recognised))
    )
    out.merged(row, 6, LAST, "", f.group)
    return row


def _tone(passed: bool) -> str:
    return "ok" if passed else "bad"


def _result(out: Out, row: int, passed: bool, bold: bool = True) -> None:
    look = ("cell", "center", "bold", _tone(passed)) if bold else ("cell", "center", _tone(passed))
    out.merged(row, 4, 5, "Đạt" if passed else "Không đạt", out.f.fmt(*look))


def _criterion_row(out: Out, row: int, c: CriterionResult, criterion) -> None:
    f = out.f
    out.text(row, 0, c.code, f.group_center)
    out.text(row, 1, c.name, f.group_wrap)
    need = criterion.pass_rule.describe(c.indicator_count)
    out.merged(row, 2, 3, need.capitalize() + " chỉ tiêu", f.fmt("cell", "group", "wrap", "center"))
    _result(out, row, c.met)
    why = (
        f'Đơn vị khai "{criterion.switch.label}": tiêu chí được tính Đạt'
        if c.switched and criterion.switch
        else f"{c.passed_count}/{c.indicator_count} chỉ tiêu đạt"
    )
    out.merged(row, 6, LAST, why, f.fmt("cell", "group", "wrap"))
    lines = max(count_lines(c.name, WIDTHS[1], 11, True), count_lines(why, span(6, LAST), 11, True), 2)
    out.set_row(row, row_height(lines), None)


def _group_row(out: Out, row: int, g: GroupResult, n: int) -> None:
    f = out.f
    out.text(row, 0, g.code, f.box_center)
    out.text(row, 1, g.name, f.fmt("cell", "wrap", "bold"))
    out.merged(row, 2, 3, f"Đạt cả {n} nội dung", f.fmt("cell", "wrap", "center", "small"))
    _result(out, row, g.passed)
    why = "Tất cả nội dung đạt" if g.passed else "Nội dung chưa đạt: " + ", ".join(g.failed)
    out.text(row, 6, why, f.box_wrap)
    for col in range(7, LAST + 1):
        out.text(row, col, "", f.box)
    lines = max(count_lines(g.name, WIDTHS[1], 11, True), count_lines(why, WIDTHS[6]))
    out.set_row(row, row_height(lines), None)


def _content_row(
    out: Out,
    row: int,
    r: IndicatorResult,
    name: str,
    level: str,
    d: IndicatorDetail | None,
    problems: list[Issue] | None,
    switched: bool = False,
) -> None:
    f = out.f
    figures = _figures(r, d)
    evidence = d.evidence if d else ""
    found = "\n".join(i.message for i in problems) if problems else ""
    basis = "Tiêu chí được tính Đạt (không được giao nhiệm vụ)" if switched else basis_text(r)
    out.text(row, 0, r.code, f.box_center)
    out.text(row, 1, name, f.box_wrap)
    out.merged(row, 2, 3, level, f.fmt("cell", "wrap", "center", "small"))
    if switched:
        out.merged(row, 4, 5, "—", f.box_center)
    else:
        _result(out, row, bool(r.passed), bold=False)
    out.text(row, 6, basis, f.basis_zero if (r.counted_as_zero and not switched) else f.box_wrap)
    out.text(row, 7, figures, f.box_small)
    out.text(row, 8, evidence, f.box_small)
    out.text(row, 9, found, f.box_small_warn if found else f.box_small)
    height = row_height(count_lines(name, WIDTHS[1]))
    height = max(height, row_height(count_lines(basis, WIDTHS[6])))
    for t, width in ((figures, WIDTHS[7]), (evidence, WIDTHS[8]), (found, WIDTHS[9])):
        if t:
            height = max(height, row_height(count_lines(t, width, 9), 9))
    out.set_row(row, height, None)


def _figures(r: IndicatorResult, d: IndicatorDetail | None) -> str:
    parts = [d.figures] if d and d.figures else []
    if r.numerator is not None or r.denominator is not None:
        parts.append(f"{_num(r.numerator)}/{_num(r.denominator)}")
    if r.ticked is not None:
        parts.append(f"{r.ticked} hoạt động")
    if d and d.not_applicable:
        parts.append("Không phát sinh")
    if d and d.note:
        parts.append(f"Ghi chú: {d.note}")
    return "\n".join(parts)


def _num(x: float | None) -> str:
    return "—" if x is None else number_text(x)
