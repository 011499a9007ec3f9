"""The unit sheet's result table for a pass/fail rule set: every criterion, every indicator made
of several contents and every content with its level to reach, its result (Đạt / Không đạt,
coloured), why (the engine's basis: the rate computed, what was missing, "không phát sinh"),
the figures used (a derived denominator included) with the evidence, and a pointer to the row's
problems (listed in full under the table). On the PASS_FAIL grid of unit_layout.
"""

from __future__ import annotations

from pipeline.core.model import IndicatorDetail, RunResult, UnitOutcome
from pipeline.core.problems import Issue
from pipeline.core.text import basis_text, number_text
from pipeline.core.verdict import CriterionResult, GroupResult, IndicatorResult
from pipeline.writers.unit_layout import Out, count_lines, needs
from pipeline.writers.unit_scores import problem_pointer, problems_by_row
from pipeline.writers.xlsx import put_row

LEVEL, RESULT, WHY, NOTES = 2, 3, 4, 5  # the PASS_FAIL grid's columns after Mã, Nội dung


def short_level(rule_set, code: str) -> str:
    c = rule_set.indicator(code)
    if c.kind == "rate" and c.threshold is not None:
        return f"≥ {number_text(c.threshold)}%"
    if c.kind == "checklist":
        return f"≥ {c.min_ticked}/{len(c.options)} hoạt động"
    return "Đạt yêu cầu"


def pass_fail_table(out: Out, result: RunResult, outcome: UnitOutcome, top: int) -> int:
    f, rs, v = out.f, result.rule_set, outcome.verdict
    put_row(out.ws, top, 0, list(out.grid.headers), [f.head] * len(out.grid.headers))
    out.set_row(top, needs(2))
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
    out.merged(row, 0, LEVEL, "KẾT QUẢ CHUNG", f.group_center)
    out.text(
        row, RESULT, f"{v.criteria_passed}/{n} tiêu chí", f.fmt("cell", "group", "center", "bold", _tone(v.recognised))
    )
    out.merged(row, WHY, out.last, "", f.group)
    return row


def _tone(passed: bool) -> str:
    return "ok" if passed else "bad"


def _result(out: Out, row: int, passed: bool, bold: bool = True) -> None:
    look = ("cell", "center", "bold", _tone(passed)) if bold else ("cell", "center", _tone(passed))
    out.text(row, RESULT, "Đạt" if passed else "Không đạt", out.f.fmt(*look))


def _criterion_row(out: Out, row: int, c: CriterionResult, criterion) -> None:
    f = out.f
    out.text(row, 0, c.code, f.group_center)
    out.text(row, 1, c.name, f.group_wrap)
    need = criterion.pass_rule.describe(c.indicator_count).capitalize() + " chỉ tiêu"
    out.text(row, LEVEL, need, f.fmt("cell", "group", "wrap", "center", "small"))
    _result(out, row, c.met)
    why = (
        f'Đơn vị khai "{criterion.switch.label}": tiêu chí được tính Đạt'
        if c.switched and criterion.switch
        else f"{c.passed_count}/{c.indicator_count} chỉ tiêu đạt"
    )
    widths = out.grid.widths
    out.merged(row, WHY, out.last, why, f.fmt("cell", "group", "wrap"))
    height = needs(
        max(count_lines(c.name, widths[1], 11, True), count_lines(why, out.grid.span(WHY, out.last), 11, True))
    )
    out.tall(row, max(height, needs(count_lines(need, widths[LEVEL], 9), 9)))


def _group_row(out: Out, row: int, g: GroupResult, n: int) -> None:
    f = out.f
    out.text(row, 0, g.code, f.box_center)
    out.text(row, 1, g.name, f.fmt("cell", "wrap", "bold"))
    level = f"Đạt cả {n} nội dung"
    out.text(row, LEVEL, level, f.fmt("cell", "wrap", "center", "small"))
    _result(out, row, g.passed)
    why = "Tất cả nội dung đạt" if g.passed else "Nội dung chưa đạt: " + ", ".join(g.failed)
    out.text(row, WHY, why, f.box_wrap)
    out.text(row, NOTES, "", f.box)
    widths = out.grid.widths
    height = needs(max(count_lines(g.name, widths[1], 11, True), count_lines(why, widths[WHY])))
    out.tall(row, max(height, needs(count_lines(level, widths[LEVEL], 9), 9)))


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
    notes = "\n".join(t for t in (_figures(r, d), d.evidence if d else "", problem_pointer(problems)) if t)
    basis = "Tiêu chí được tính Đạt (không được giao nhiệm vụ)" if switched else basis_text(r)
    out.text(row, 0, r.code, f.box_center)
    out.text(row, 1, name, f.box_wrap)
    out.text(row, LEVEL, level, f.fmt("cell", "wrap", "center", "small"))
    if switched:
        out.text(row, RESULT, "—", f.box_center)
    else:
        _result(out, row, bool(r.passed), bold=False)
    out.text(row, WHY, basis, f.basis_zero if (r.counted_as_zero and not switched) else f.box_wrap)
    out.text(row, NOTES, notes, f.box_small_warn if problems else f.box_small)
    widths = out.grid.widths
    height = needs(max(count_lines(name, widths[1]), count_lines(basis, widths[WHY])))
    for t, width in ((level, widths[LEVEL]), (notes, widths[NOTES])):
        if t:
            height = max(height, needs(count_lines(t, width, 9), 9))
    out.tall(row, height)


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
