"""The score sheet for a pass/fail rule set whose indicators have contents (QĐ 27/2025): one
row per criterion, per indicator made of several contents, per content and per checklist
option, in the same columns as the points form (layout.SCORE_COLUMNS, headings from
layout.CONTENT_HEADERS).

The commune sees its result as it types: every rate, every content's, indicator's and
criterion's Đạt / Không đạt and the number of criteria Đạt are formulas. Their cached values
are the engine's own verdict on the values written (so a reader that does not recalculate sees
them); the engine recomputes everything from the inputs anyway and never trusts a formula.
A derived figure (1.2's denominator is 1.1's) is shown by formula in a locked cell, not entered.
"""

from __future__ import annotations

from typing import Any

from pipeline.core import layout
from pipeline.core.cells import a1
from pipeline.core.rules import Indicator, RuleSet
from pipeline.core.text import number_text
from pipeline.core.verdict import IndicatorEntry, UnitEntries
from pipeline.steps import values as parse
from pipeline.steps.scoring import score_unit
from pipeline.writers.form.look import SCORE_WIDTHS, FormFormats, fit_row
from pipeline.writers.form.plan import LAST_SCORE_COL, ContentRow, InputCell, absolute, content_rows, score_col

CONTENT_TITLE = "PHIẾU TỰ ĐÁNH GIÁ CHUẨN TIẾP CẬN PHÁP LUẬT"
PASS, FAIL = layout.PASS_FAIL


def short_requirement(content: Indicator) -> str:
    """Column (3): the level to reach, in a few characters."""
    if content.kind == "rate" and content.threshold is not None:
        return f"≥ {number_text(content.threshold)}%"
    if content.kind == "checklist":
        return f"≥ {content.min_ticked}/{len(content.options)} hoạt động"  # fits the widened column (3)
    return "Đạt yêu cầu"


def entries_from_values(rule_set: RuleSet, values: dict[str, Any]) -> UnitEntries:
    """What the engine would read from a form holding `values` (defined name -> value)."""

    def number(name: str) -> float | None:
        got, ok = parse.parse_number(values.get(name))
        return got if ok else None

    out = {}
    for c in rule_set.indicators:
        passed, _ = parse.parse_pass_fail(values.get(layout.content_name("diem", c.code)))
        flagged, _ = parse.parse_yes_no(values.get(layout.content_name("khong_phat_sinh", c.code)))
        ticked = tuple(
            n
            for n in range(1, len(c.options) + 1)
            if str(values.get(layout.option_name(c.code, n)) or "").strip().lower() == layout.TICK
        )
        out[c.code] = IndicatorEntry(
            c.code,
            passed=passed,
            not_applicable=bool(flagged),
            numerator=number(layout.content_name("tu_so", c.code)),
            denominator=number(layout.content_name("mau_so", c.code)),
            ticked=ticked,
        )
    switches = {
        c.code: parse.parse_yes_no(values.get(layout.switch_name(c.code)))[0] for c in rule_set.criteria if c.switch
    }
    return UnitEntries(out, {}, switches)


class ContentScoreSheet:
    """The score sheet's part of the form writer for sets with contents (see writer._Form)."""

    wb: Any
    rs: RuleSet
    year: int
    values: dict[str, Any]
    cells: dict[str, InputCell]
    f: FormFormats

    # provided by ScoreSheet / _Form
    def score_titles(self, ws: Any, title: str = "") -> None: ...
    def write_input(self, ws: Any, cell: InputCell) -> None: ...
    def flush_validations(self, ws: Any) -> None: ...
    def print_setup(self, ws: Any, landscape: bool, header: str) -> None: ...
    def header_text(self) -> str: ...
    def protect(self, ws: Any) -> None: ...
    def conditions_text(self) -> str: ...
    def footnotes_from(self, ws: Any, row: int, lines: list[str]) -> int: ...
    def finish_score_sheet(self, ws: Any, head: int, end: int) -> None: ...

    def content_scores(self, ws: Any) -> None:
        f = self.f
        for field, _letter in layout.SCORE_COLUMNS.items():
            ws.set_column(
                score_col(field), score_col(field), SCORE_WIDTHS[field] + (7 if field == "diem_toi_da" else 0)
            )
        rows = content_rows(self.rs)
        self.verdict = score_unit(self.rs, entries_from_values(self.rs, self.values))
        self.typed = self._typed()
        self.result_cells = {r.content.code: a1(r.row, score_col("diem")) for r in rows if r.kind == "content"}
        self.row_of = {r.content.code: r.row for r in rows if r.kind == "content" and r.content}
        total_row = rows[-1].row + 2
        self.score_titles(ws, CONTENT_TITLE)
        passed = self.verdict.criteria_passed
        ws.merge_range(3, score_col("ty_le"), 3, LAST_SCORE_COL, "", f.c_name)
        ws.write_formula(
            3,
            score_col("ty_le"),
            f'="Kết quả: "&{a1(total_row, score_col("diem"))}&"/{len(self.rs.criteria)} tiêu chí Đạt"',
            f.c_name,
            f"Kết quả: {passed}/{len(self.rs.criteria)} tiêu chí Đạt",
        )
        head = layout.SCORE_HEADER_ROW - 1
        ws.set_row(head, 45)
        for field in layout.SCORE_COLUMNS:
            col = score_col(field)
            ws.write_string(head, col, layout.CONTENT_HEADERS[field], f.head)
            ws.write_string(head + 1, col, f"({col + 1})", f.colnum)
        criterion_cells = []
        for r in rows:
            if r.kind == "criterion":
                criterion_cells.append(self.content_criterion_row(ws, r, rows))
            elif r.kind == "group":
                self.group_row(ws, r)
            elif r.kind == "content":
                self.content_row(ws, r)
            else:
                self.option_row(ws, r)
        self.result_total_row(ws, total_row, criterion_cells)
        self.finish_score_sheet(ws, head, self.footnotes_from(ws, total_row + 2, self.content_footnotes()))

    # -- what the commune sees computed

    def _typed(self) -> set[str]:
        """Contents with anything typed in them: an empty content shows no result yet."""
        out = set()
        for c in self.rs.indicators:
            names = [layout.content_name(f, c.code) for f in ("diem", "khong_phat_sinh", "tu_so", "mau_so")]
            names += [layout.option_name(c.code, n) for n in range(1, len(c.options) + 1)]
            if any(self.values.get(n) not in (None, "") for n in names):
                out.add(c.code)
        return out

    def cached(self, code: str) -> str:
        result = next(r for r in self.verdict.indicators if r.code == code)
        return (PASS if result.passed else FAIL) if code in self.typed else ""

    # -- rows

    def blank_row(self, ws: Any, row: int, fmt: Any, keep: set[str]) -> None:
        for field in layout.SCORE_COLUMNS:
            if field not in keep:
                # The signature column is for signing, not greyed out like the unused inputs.
                look = self.f.name if field == "chu_ky" and fmt is self.f.na else fmt
                ws.write_blank(row, score_col(field), None, look)

    def content_criterion_row(self, ws: Any, r: ContentRow, rows: list[ContentRow]) -> str:
        f, c = self.f, r.criterion
        self.blank_row(ws, r.row, f.c_blank, set())
        ws.write_string(r.row, score_col("ma"), c.code, f.c_code)
        need = c.pass_rule.describe(len(c.groups))
        name = f"{c.name} (yêu cầu: {need} chỉ tiêu)"
        ws.write_string(r.row, score_col("noi_dung"), name, f.c_name)
        fit_row(ws, r.row, [(name, SCORE_WIDTHS["noi_dung"])], bold=True)
        ws.write_string(r.row, score_col("diem_toi_da"), need.replace("đạt ", "").capitalize(), f.c_max)
        parts = [self.group_result_cell(g.code, rows) for g in c.groups]
        count = "+".join(f'({p}="{PASS}")' for p in parts)
        target = len(parts) if c.pass_rule.mode == "all" else c.pass_rule.n
        condition = f"{count}>={target}"
        if c.switch is not None:
            cell = self.cells[layout.switch_name(c.code)]
            self.write_input(ws, cell)
            condition = f'OR({a1(cell.row, cell.col)}="Có",{condition})'
        result = next(x for x in self.verdict.criteria if x.code == c.code)
        diem = score_col("diem")
        ws.write_formula(r.row, diem, f'=IF({condition},"{PASS}","{FAIL}")', f.c_max, PASS if result.met else FAIL)
        self.wb.define_name(layout.criterion_total_name(c.code), f"='{layout.SHEET_SCORES}'!{absolute(r.row, diem)}")
        return a1(r.row, diem)

    def group_result_cell(self, code: str, rows: list[ContentRow]) -> str:
        for r in rows:
            if r.kind == "group" and r.group and r.group.code == code:
                return a1(r.row, score_col("diem"))
        return self.result_cells[code]  # an indicator with one content: the content's result

    def group_row(self, ws: Any, r: ContentRow) -> None:
        f, g = self.f, r.group
        assert g is not None
        self.blank_row(ws, r.row, f.na, {"tai_lieu"})
        ws.write_string(r.row, score_col("ma"), g.code, f.code)
        ws.write_string(r.row, score_col("noi_dung"), g.name, f.name)
        ws.write_string(r.row, score_col("diem_toi_da"), f"Đạt cả {len(g.contents)} nội dung", f.max)
        count = "+".join(f'({self.result_cells[c]}="{PASS}")' for c in g.contents)
        result = next(x for x in self.verdict.groups if x.code == g.code)
        cached = (PASS if result.passed else FAIL) if any(c in self.typed for c in g.contents) else ""
        ws.write_formula(r.row, score_col("diem"), f'=IF({count}={len(g.contents)},"{PASS}","{FAIL}")', f.max, cached)
        cell = self.cells[layout.content_name("tai_lieu", g.code)]
        self.write_input(ws, cell)
        fit_row(ws, r.row, [(g.name, SCORE_WIDTHS["noi_dung"]), (self.values.get(cell.name), SCORE_WIDTHS["tai_lieu"])])

    def content_row(self, ws: Any, r: ContentRow) -> None:
        f, c = self.f, r.content
        assert c is not None and r.group is not None
        mine = {cell.field: cell for cell in self.cells.values() if cell.indicator is c and cell.field != "chon"}
        self.blank_row(ws, r.row, f.na, set(mine) | {"diem"} | ({"ty_le"} if c.kind == "rate" else set()))
        ws.write_string(r.row, score_col("ma"), c.code, f.code)
        ws.write_string(r.row, score_col("noi_dung"), c.name, f.name)
        ws.write_string(r.row, score_col("diem_toi_da"), short_requirement(c), f.max)
        for cell in mine.values():
            self.write_input(ws, cell)
        if c.kind == "rate":
            self.rate_cells(ws, r.row, c)
        elif c.kind == "checklist":
            self.checklist_result(ws, r.row, c)
        texts = [(c.name, SCORE_WIDTHS["noi_dung"])] + [
            (self.values.get(cell.name), SCORE_WIDTHS[field]) for field, cell in mine.items()
        ]
        fit_row(ws, r.row, texts)

    def figure_ref(self, c: Indicator, figure: str) -> str:
        """The cell holding a content's numerator or denominator: its own or its source's."""
        source = c.derived(figure)
        field = "tu_so" if figure == "numerator" else "mau_so"
        if source is None:
            return a1(self.row_of[c.code], score_col(field))
        other = "tu_so" if source.figure == "numerator" else "mau_so"
        return a1(self.row_of[source.content], score_col(other))

    def rate_cells(self, ws: Any, row: int, c: Indicator) -> None:
        f = self.f
        result = next(x for x in self.verdict.indicators if x.code == c.code)
        for figure, field in (("numerator", "tu_so"), ("denominator", "mau_so")):
            if c.derived(figure) is not None:  # shown, not entered
                value = getattr(result, figure)
                ref = self.figure_ref(c, figure)
                ws.write_formula(
                    row, score_col(field), f'=IF({ref}="","",{ref})', f.derived, "" if value is None else value
                )
        num, den = self.figure_ref(c, "numerator"), self.figure_ref(c, "denominator")
        own_num, own_den = a1(row, score_col("tu_so")), a1(row, score_col("mau_so"))
        rate: Any = result.rate if result.rate is not None else ""
        ws.write_formula(
            row,
            score_col("ty_le"),
            f'=IF(AND(ISNUMBER({num}),ISNUMBER({den}),{den}>0),{num}/{den}*100,"")',
            f.rate,
            rate,
        )
        threshold = number_text(c.threshold or 0).replace(",", ".")
        judged = (
            f"IF(AND(ISNUMBER({num}),ISNUMBER({den}),{den}>0,{num}>=0,{num}<={den}),"
            f'IF({num}*100>={threshold}*{den},"{PASS}","{FAIL}"),"{FAIL}")'
        )
        if c.not_applicable_full:
            flags = [a1(row, score_col("khong_phat_sinh"))]
            source = c.denominator_from
            if source is not None and self.rs.indicator(source.content).not_applicable_full:
                flags.append(a1(self.row_of[source.content], score_col("khong_phat_sinh")))
            flagged = "OR(" + ",".join(f'{x}="Có"' for x in flags) + ")"
            nothing = f'OR({den}="",{den}=0),OR({num}="",{num}=0)'
            judged = f'IF(AND({flagged},{nothing}),"{PASS}",{judged})'
        typed = [own for figure, own in (("numerator", own_num), ("denominator", own_den)) if not c.derived(figure)]
        if c.not_applicable_full:
            typed.append(a1(row, score_col("khong_phat_sinh")))
        empty = "AND(" + ",".join(f'{x}=""' for x in typed) + ")"
        ws.write_formula(row, score_col("diem"), f'=IF({empty},"",{judged})', f.max, self.cached(c.code))

    def checklist_result(self, ws: Any, row: int, c: Indicator) -> None:
        first, last = a1(row + 1, score_col("diem")), a1(row + len(c.options), score_col("diem"))
        ticked = f'COUNTIF({first}:{last},"{layout.TICK}")'
        judged = f'IF({ticked}>={c.min_ticked},"{PASS}","{FAIL}")'
        if c.not_applicable_full:
            judged = f'IF({a1(row, score_col("khong_phat_sinh"))}="Có","{PASS}",{judged})'
        formula = f'=IF(COUNTA({first}:{last})=0,"",{judged})'
        ws.write_formula(row, score_col("diem"), formula, self.f.max, self.cached(c.code))

    def option_row(self, ws: Any, r: ContentRow) -> None:
        f, c = self.f, r.content
        assert c is not None
        self.blank_row(ws, r.row, f.na, {"noi_dung", "diem"})
        text = f"({r.option}) {c.options[r.option - 1]}"
        ws.write_string(r.row, score_col("noi_dung"), text, f.option)
        self.write_input(ws, self.cells[layout.option_name(c.code, r.option)])
        fit_row(ws, r.row, [(text, SCORE_WIDTHS["noi_dung"])])

    def result_total_row(self, ws: Any, row: int, criterion_cells: list[str]) -> None:
        f = self.f
        self.blank_row(ws, row, f.t_blank, set())
        ws.write_string(row, score_col("ma"), layout.TOTAL_CODE, f.t_code)
        ws.write_string(row, score_col("noi_dung"), "Số tiêu chí Đạt", f.t_name)
        ws.write_string(row, score_col("diem_toi_da"), f"/{len(criterion_cells)}", f.t_num)
        formula = "=" + "+".join(f'({x}="{PASS}")' for x in criterion_cells)
        ws.write_formula(row, score_col("diem"), formula, f.t_num, self.verdict.criteria_passed)
        self.wb.define_name(layout.TOTAL_NAME, f"='{layout.SHEET_SCORES}'!{absolute(row, score_col('diem'))}")

    def content_footnotes(self) -> list[str]:
        lines = []
        for c in self.rs.indicators:
            if c.kind == "rate":
                parts = []
                for figure, label in (("numerator", c.numerator_label), ("denominator", c.denominator_label)):
                    source = c.derived(figure)
                    word = "Tử số" if figure == "numerator" else "Mẫu số"
                    parts.append(
                        f"{word} ({label.lower()}" + (f", lấy từ {source.describe()}, không nhập)" if source else ")")
                    )
                lines.append(
                    f"Nội dung {c.code}: Tỷ lệ (%) = {parts[0]} / {parts[1]} × 100, tự tính; "
                    f"Đạt khi từ {number_text(c.threshold or 0)}% trở lên."
                )
            elif c.kind == "checklist":
                lines.append(
                    f'Nội dung {c.code}: gõ "{layout.TICK}" vào cột (8) ở mỗi hoạt động đã thực hiện; '
                    f"Đạt khi có ít nhất {c.min_ticked} hoạt động."
                )
            elif c.requirement:
                lines.append(f"Nội dung {c.code}: {c.requirement}.")
        allowed = [c.code for c in self.rs.indicators if c.not_applicable_full]
        if allowed:
            lines.append(
                'Cột (9) "Không phát sinh" chỉ dùng cho nội dung ' + ", ".join(allowed) + ": nếu trong năm không "
                'phát sinh việc thuộc nội dung, chọn "Có" (nội dung được tính Đạt) và để trống tử số, mẫu số.'
            )
        for crit in self.rs.criteria:
            if crit.switch:
                lines.append(
                    f'{crit.code}: nếu "{crit.switch.label}", chọn "Có" ở cột (9) dòng {crit.code}: tiêu chí được tính Đạt.'
                )
        lines.append(self.conditions_text())
        return lines
