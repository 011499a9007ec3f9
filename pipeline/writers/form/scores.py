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

TITLE = "PHIẾU TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHUẨN TIẾP CẬN PHÁP LUẬT"  # the workbook's (cover sheet) title
MAU_02_TITLE = "BẢN TỔNG HỢP ĐIỂM SỐ CỦA CÁC TIÊU CHÍ, CHỈ TIÊU"  # TT 09/2021 Mẫu 02


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
        self.finish_score_sheet(ws, head, self.footnotes(ws, total_row + 2))

    def finish_score_sheet(self, ws: Any, head: int, end: int) -> None:
        """Signatures under the last footnote (row `end`), validations, frozen heading rows,
        print setup and protection: the same for both score sheets."""
        self.signatures(ws, end + 1)
        self.flush_validations(ws)
        ws.freeze_panes(layout.SCORE_FIRST_ROW - 1, 0)
        ws.repeat_rows(head, head + 1)
        ws.print_area(0, 0, end + 6, LAST_SCORE_COL)
        self.print_setup(ws, landscape=True, header=self.header_text())
        self.protect(ws)

    def score_titles(self, ws: Any, title: str = MAU_02_TITLE) -> None:
        """Rows 1-4, the NĐ 30 heading of the sheet (so the printed page is the document): the
        issuing body (ỦY BAN NHÂN DÂN / the unit, from the cover) left, the quốc hiệu and tiêu
        ngữ right, the form mark; the title and the year; the colour note and, on the right, the
        result so far (rows 1-6 stay frozen: the total is in sight while filling any row)."""
        f = self.f
        left, right = (0, 2), (score_col("ty_le"), LAST_SCORE_COL - 1)
        ws.set_row(0, 20)
        ws.merge_range(0, left[0], 0, left[1], "ỦY BAN NHÂN DÂN", f.body)
        ws.merge_range(0, right[0], 0, right[1], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", f.nation)
        if not self.rs.has_contents:  # TT 15/2025's form numbers were not found: no mark there
            ws.write_string(0, LAST_SCORE_COL, "Mẫu 02", f.form_mark)
        ws.set_row(1, 22)
        # The unit, from the cover sheet, so a printed score sheet says whose it is.
        formula = '=IF(ten_don_vi="","' + "." * 30 + '",UPPER(loai_don_vi&" "&ten_don_vi))'
        ws.merge_range(1, left[0], 1, left[1], "", f.body_line)
        ws.write_formula(1, 0, formula, f.body_line, self.unit_line())
        ws.merge_range(1, right[0], 1, right[1], "Độc lập - Tự do - Hạnh phúc", f.motto)
        decision = "; ".join(x for x in (self.rs.decision, self.rs.guidance) if x)
        subtitle = f"Năm đánh giá {self.year} - theo {decision or self.rs.name}"
        ws.set_row(2, 48)
        ws.merge_range(2, 0, 2, LAST_SCORE_COL, "", f.title_block)
        ws.write_rich_string(2, 0, f.title_part, title, f.subtitle_part, "\n" + subtitle, f.title_block)
        live = score_col("ty_le")
        if self.rs.has_contents:
            note = "Ô nền vàng: ô cần điền. Ô nền xám: không điền. Kết quả tự tính."
        else:
            note = "Ô nền vàng: ô cần điền. Ô nền xám: không điền. Điểm tiêu chí và tổng điểm tự tính."
        ws.set_row(3, 20)
        ws.merge_range(3, 0, 3, live - 1, note, f.note)

    def live_total(self, ws: Any, total_cell: str, cached: float) -> None:
        """Row 4, right: the total so far, from the total row's formula."""
        live = score_col("ty_le")
        text = f"Tổng điểm tự chấm: {number_text(cached)}/{number_text(self.rs.total_max)}"
        ws.merge_range(3, live, 3, LAST_SCORE_COL, "", self.f.live)
        formula = f'="Tổng điểm tự chấm: "&TEXT({total_cell},"0.##")&"/{number_text(self.rs.total_max)}"'
        ws.write_formula(3, live, formula, self.f.live, text)

    def unit_line(self) -> str:
        name, kind = self.values.get("ten_don_vi"), self.values.get("loai_don_vi")
        if name in (None, ""):
            return "." * 30
        return f"{'' if kind is None else kind} {name}".strip().upper()

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
        method = "Cách chấm: " + self.how_scored(ind)  # type: ignore[attr-defined]  # help.HelpSheet
        ws.write_rich_string(row, score_col("noi_dung"), f.name_part, ind.name + "\n", f.method, method, f.name)
        ws.write_blank(row, score_col("chu_ky"), None, f.name)
        if ind.kind == "pass_fail":
            ws.write_blank(row, score_col("diem_toi_da"), None, f.na)
        else:
            ws.write_number(row, score_col("diem_toi_da"), ind.max, f.max)
        if ind.kind == "rate_bands":
            self.rate_formula(ws, row, ind)
        texts = [(f"{ind.name}\n{method}", SCORE_WIDTHS["noi_dung"])]
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
        if not self.pass_fail:
            self.live_total(ws, a1(row, diem), cached)

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
