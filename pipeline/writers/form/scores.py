"""The score sheet of the form, laid out like Mẫu 02 of TT 09/2021: one row per criterion and
indicator, criterion subtotals and the total as formulas (with cached values, so a reader that
does not recalculate sees them), footnotes and the signature block."""

from __future__ import annotations

from typing import Any

from pipeline.core import layout
from pipeline.core.cells import a1, col_index
from pipeline.core.rules import Criterion, Indicator, RuleSet
from pipeline.core.text import band_text, number_text
from pipeline.writers.form.look import SCORE_WIDTHS, FormFormats, fit_row
from pipeline.writers.form.plan import LAST_SCORE_COL, InputCell, absolute, indicator_fields, score_col, score_rows

TITLE = "PHIẾU TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHUẨN TIẾP CẬN PHÁP LUẬT"


class ScoreSheet:
    """The score sheet's part of the form writer (see writer._Form, whose state it uses: the
    workbook, rule set, year, values, cells and formats below, and its write_input, number,
    flush_validations, print_setup, header_text and protect)."""

    wb: Any
    rs: RuleSet
    year: int
    values: dict[str, Any]
    cells: dict[str, InputCell]
    f: FormFormats
    pass_fail: bool

    def scores(self, ws: Any) -> None:
        if self.rs.has_contents:
            self.content_scores(ws)  # type: ignore[attr-defined]  # contents.ContentScoreSheet
            return
        f = self.f
        for field, letter in layout.SCORE_COLUMNS.items():
            col = col_index(letter)
            ws.set_column(col, col, SCORE_WIDTHS[field])
        self.score_titles(ws)
        head = layout.SCORE_HEADER_ROW - 1
        ws.set_row(head, 45)
        for field, letter in layout.SCORE_COLUMNS.items():
            col = col_index(letter)
            ws.write_string(head, col, layout.SCORE_HEADERS[field], f.head)
            ws.write_string(head + 1, col, f"({col + 1})", f.colnum)
        subtotal_cells = []
        rows = score_rows(self.rs)
        for row, criterion, indicator in rows:
            if indicator is None:
                subtotal_cells.append(self.criterion_row(ws, row, criterion))
            else:
                self.indicator_row(ws, row, indicator)
        total_row = rows[-1][0] + 1
        self.total_row(ws, total_row, subtotal_cells)
        end = self.footnotes(ws, total_row + 2)
        self.signatures(ws, end + 1)
        self.flush_validations(ws)
        ws.freeze_panes(layout.SCORE_FIRST_ROW - 1, 0)
        ws.repeat_rows(head, head + 1)
        ws.print_area(0, 0, end + 6, LAST_SCORE_COL)
        self.print_setup(ws, landscape=True, header=self.header_text())
        self.protect(ws)

    def score_titles(self, ws: Any, title: str = TITLE) -> None:
        f = self.f
        ws.set_row(0, 24)
        ws.merge_range(0, 0, 0, LAST_SCORE_COL, title, f.title)
        ws.set_row(1, 20)
        decision = "; ".join(x for x in (self.rs.decision, self.rs.guidance) if x)
        ws.merge_range(
            1, 0, 1, LAST_SCORE_COL, f"Năm đánh giá {self.year} - theo {decision or self.rs.name}", f.subtitle
        )
        # The unit, from the cover sheet, so a printed score sheet says whose it is.
        formula = (
            '=IF(ten_don_vi="","Đơn vị: ' + "." * 60 + '",'
            '"Đơn vị: "&UPPER(LEFT(loai_don_vi,1))&MID(loai_don_vi,2,20)&" "&ten_don_vi)'
        )
        ws.set_row(2, 20)
        ws.merge_range(2, 0, 2, LAST_SCORE_COL, "", f.subtitle)
        ws.write_formula(2, 0, formula, f.subtitle, self.unit_line())
        if self.rs.has_contents:  # the right part of the row shows the result (contents.py)
            note, last = "Ô nền vàng: ô cần điền. Ô nền xám: không điền. Kết quả tự tính.", score_col("mau_so")
        else:
            note, last = (
                "Ô nền vàng: ô cần điền. Ô nền xám: không điền. Điểm tiêu chí và tổng điểm tự tính.",
                LAST_SCORE_COL,
            )
        ws.merge_range(3, 0, 3, last, note, f.note)

    def unit_line(self) -> str:
        name, kind = self.values.get("ten_don_vi"), self.values.get("loai_don_vi")
        if name in (None, ""):
            return "Đơn vị: " + "." * 60
        kind = "" if kind is None else str(kind)
        return f"Đơn vị: {kind[:1].upper()}{kind[1:]} {name}"

    def criterion_row(self, ws: Any, row: int, criterion: Criterion) -> str:
        f = self.f
        first, last = row + 1, row + len(criterion.indicators)
        diem = score_col("diem")
        span = f"{a1(first, diem)}:{a1(last, diem)}"
        for field in layout.SCORE_COLUMNS:
            ws.write_blank(row, score_col(field), None, f.c_blank)
        ws.write_string(row, score_col("ma"), criterion.code, f.c_code)
        codes = [i.code for i in criterion.indicators]
        if self.pass_fail:
            # Pass/fail sets: the criterion row counts "Đạt" answers out of its indicators;
            # whether that is enough is the scoring engine's call (criterion.pass_rule).
            name = f"{criterion.name} (yêu cầu: {criterion.pass_rule.describe(len(codes))} chỉ tiêu)"
            ws.write_string(row, score_col("noi_dung"), name, f.c_name)
            fit_row(ws, row, [(name, SCORE_WIDTHS["noi_dung"])], bold=True)
            ws.write_number(row, score_col("diem_toi_da"), len(codes), f.c_max)
            passed = sum(1 for c in codes if self.values.get(layout.indicator_name("diem", c)) == "Đạt")
            ws.write_formula(row, diem, f'=COUNTIF({span},"Đạt")', f.c_max, passed)
        else:
            ws.write_string(row, score_col("noi_dung"), criterion.name, f.c_name)
            fit_row(ws, row, [(criterion.name, SCORE_WIDTHS["noi_dung"])], bold=True)
            ws.write_number(row, score_col("diem_toi_da"), criterion.max, f.c_max)
            points = [self.number(layout.indicator_name("diem", c)) for c in codes]
            ws.write_formula(row, diem, f"=SUM({span})", f.c_max, sum(p for p in points if p is not None))
        cell = a1(row, diem)
        self.wb.define_name(
            layout.criterion_total_name(criterion.code), f"='{layout.SHEET_SCORES}'!{absolute(row, diem)}"
        )
        return cell

    def indicator_row(self, ws: Any, row: int, ind: Indicator) -> None:
        f = self.f
        inputs = set(indicator_fields(ind))
        for field in layout.SCORE_COLUMNS:
            if field not in inputs:
                ws.write_blank(row, score_col(field), None, f.na)
        ws.write_string(row, score_col("ma"), ind.code, f.code)
        ws.write_string(row, score_col("noi_dung"), ind.name, f.name)
        if ind.kind == "pass_fail":
            ws.write_blank(row, score_col("diem_toi_da"), None, f.na)
        else:
            ws.write_number(row, score_col("diem_toi_da"), ind.max, f.max)
        if ind.kind == "rate_bands":
            self.rate_formula(ws, row, ind)
        texts = [(ind.name, SCORE_WIDTHS["noi_dung"])]
        for field in indicator_fields(ind):
            name = layout.indicator_name(field, ind.code)
            self.write_input(ws, self.cells[name])
            texts.append((self.values.get(name), SCORE_WIDTHS[field]))
        fit_row(ws, row, texts)

    def rate_formula(self, ws: Any, row: int, ind: Indicator) -> None:
        num = a1(row, score_col("tu_so"))
        den = a1(row, score_col("mau_so"))
        n, d = (
            self.number(layout.indicator_name("tu_so", ind.code)),
            self.number(layout.indicator_name("mau_so", ind.code)),
        )
        cached: Any = n / d * 100 if n is not None and d is not None and d > 0 else ""
        ws.write_formula(
            row, score_col("ty_le"), f'=IF(AND(ISNUMBER({den}),{den}>0),{num}/{den}*100,"")', self.f.rate, cached
        )

    def total_row(self, ws: Any, row: int, subtotal_cells: list[str]) -> None:
        f = self.f
        for field in layout.SCORE_COLUMNS:
            ws.write_blank(row, score_col(field), None, f.t_blank)
        ws.write_string(row, score_col("ma"), layout.TOTAL_CODE, f.t_code)
        diem = score_col("diem")
        if self.pass_fail:
            ws.write_string(row, score_col("noi_dung"), "Tổng số chỉ tiêu Đạt", f.t_name)
            ws.write_number(row, score_col("diem_toi_da"), len(self.rs.indicators), f.t_num)
            cached = sum(
                1 for i in self.rs.indicators if self.values.get(layout.indicator_name("diem", i.code)) == "Đạt"
            )
        else:
            ws.write_string(row, score_col("noi_dung"), "Tổng điểm", f.t_name)
            ws.write_number(row, score_col("diem_toi_da"), self.rs.total_max, f.t_num)
            points = [self.number(layout.indicator_name("diem", i.code)) for i in self.rs.indicators]
            cached = sum(p for p in points if p is not None)
        ws.write_formula(row, diem, f"=SUM({','.join(subtotal_cells)})", f.t_num, cached)
        self.wb.define_name(layout.TOTAL_NAME, f"='{layout.SHEET_SCORES}'!{absolute(row, diem)}")

    def footnote_lines(self) -> list[str]:
        # The office's doubts about unconfirmed figures are its own (shown on its outputs until
        # confirmed, never on what the communes receive).
        rs, lines = self.rs, []
        for ind in rs.indicators:
            if ind.kind == "rate_bands":
                lines.append(
                    f"Chỉ tiêu {ind.code}: Tỷ lệ (%) = Tử số ({ind.numerator_label.lower()}) / "
                    f"Mẫu số ({ind.denominator_label.lower()}) × 100, tự tính. "
                    f"Mức điểm: {band_text(ind)}."
                )
            if ind.not_applicable_full:
                lines.append(
                    f'Chỉ tiêu {ind.code}: nếu trong năm không phát sinh, chọn "Có" ở cột (9) '
                    f"và ghi {number_text(ind.max)} điểm (điểm tối đa)."
                )
        lines.append(self.conditions_text())
        return lines

    def conditions_text(self) -> str:
        cond, parts = self.rs.conditions, []
        if cond.total_min is not None:
            parts.append(f"tổng điểm từ {number_text(cond.total_min)} trở lên")
        if cond.criterion_min_fraction is not None:
            parts.append(
                f"mỗi tiêu chí đạt từ {number_text(cond.criterion_min_fraction * 100, places=2)}% điểm tối đa trở lên"
            )
        if cond.criteria_pass_rule is not None:
            parts.append(f"{cond.criteria_pass_rule.describe(len(self.rs.criteria))} tiêu chí")
        parts += [f'"{d.short}": trả lời "{"Không" if d.disqualifying_answer else "Có"}"' for d in cond.declarations]
        return "Điều kiện công nhận đạt chuẩn: " + "; ".join(parts) + "."

    def footnotes(self, ws: Any, row: int) -> int:
        return self.footnotes_from(ws, row, self.footnote_lines())

    def footnotes_from(self, ws: Any, row: int, lines: list[str]) -> int:
        """Notes under the table, one merged row each; returns the last row used."""
        for text in lines:
            fit_row(ws, row, [(text, sum(SCORE_WIDTHS.values()))])
            ws.merge_range(row, 0, row, LAST_SCORE_COL, text, self.f.note)
            row += 1
        return row - 1

    def signatures(self, ws: Any, row: int) -> None:
        f, right = self.f, (score_col("diem") - 1, LAST_SCORE_COL)
        ws.merge_range(
            row, right[0], row, right[1], "............, ngày ...... tháng ...... năm ..........", f.sign_note
        )
        ws.set_row(row + 1, 32)
        ws.merge_range(row + 1, 0, row + 1, 1, "NGƯỜI LẬP PHIẾU", f.sign)
        ws.merge_range(row + 1, right[0], row + 1, right[1], "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", f.sign)
        ws.merge_range(row + 2, 0, row + 2, 1, "(Ký, ghi rõ họ tên)", f.sign_note)
        ws.merge_range(row + 2, right[0], row + 2, right[1], "(Ký tên, đóng dấu)", f.sign_note)
