"""The help sheet of the form: how to fill it in, what the colours mean, and every criterion and
indicator with how it is scored. Mostly prose, generated from the rule set."""

from __future__ import annotations

from typing import Any

from pipeline.core import layout
from pipeline.core.rules import Indicator, RuleSet
from pipeline.core.text import band_text, number_text
from pipeline.writers.form.look import HELP_WIDTHS, FormFormats, fit_row


class HelpSheet:
    """The help sheet's part of the form writer (see writer._Form, whose state it uses: the rule
    set, year, office and formats below, and its print_setup, header_text and protect)."""

    rs: RuleSet
    year: int
    office: str
    f: FormFormats
    pass_fail: bool

    def help(self, ws: Any) -> None:
        f = self.f
        for col, width in enumerate(HELP_WIDTHS):
            ws.set_column(col, col, width)
        ws.merge_range(0, 0, 0, 3, "HƯỚNG DẪN ĐIỀN PHIẾU", f.title)
        ws.merge_range(1, 0, 1, 3, f"Năm đánh giá {self.year} - {self.rs.name}", f.subtitle)
        row = 3
        ws.write_string(row, 0, "Cách điền", f.heading)
        row += 1
        for n, text in enumerate(self.help_steps(), start=1):
            ws.write_string(row, 0, f"{n}.", f.para_bold)
            ws.merge_range(row, 1, row, 3, text, f.para)
            fit_row(ws, row, [(text, sum(HELP_WIDTHS[1:]))], size=12)
            row += 1
        row += 1
        ws.write_string(row, 0, "Màu ô", f.heading)
        row += 1
        for fmt, text in (
            (f.h_example_in, "Ô cần điền (nền vàng)"),
            (f.h_example_pre, "Đã điền sẵn, không sửa (nền xanh)"),
            (f.h_example_na, "Không điền (nền xám)"),
        ):
            ws.write_blank(row, 0, None, fmt)
            ws.write_string(row, 1, text, f.para)
            row += 1
        row += 1
        ws.write_string(row, 0, "Danh sách nội dung" if self.rs.has_contents else "Danh sách chỉ tiêu", f.heading)
        row += 1
        self.help_table(ws, row)
        self.print_setup(ws, landscape=False, header=self.header_text())
        self.protect(ws)

    def content_steps(self) -> list[str]:
        """How to fill a form whose indicators have contents (pass/fail, no points)."""
        rs = self.rs
        steps = [
            "Chỉ điền vào các ô nền vàng (ô không bị khóa). Các ô khác đã khóa để tránh sửa nhầm; không cần mật khẩu.",
            'Trang "Thông tin chung": kiểm tra tên, mã, loại đơn vị; điền ngày báo cáo (dạng '
            f"ngày/tháng/năm, ví dụ 05/01/{self.year + 1}), người phụ trách và số điện thoại.",
            'Trang "Bảng điểm": mỗi nội dung được đánh giá Đạt hoặc Không đạt, không chấm điểm. '
            'Nội dung "Đạt yêu cầu": chọn Đạt hoặc Không đạt ở cột (8).',
            "Nội dung tính theo tỷ lệ: ghi Tử số ở cột (5) và Mẫu số ở cột (6); Tỷ lệ (%) và kết quả "
            "ở cột (8) tự tính. Ô mẫu số nền xám có công thức: số đó lấy từ nội dung khác, không nhập.",
            f'Nội dung là danh sách hoạt động: gõ "{layout.TICK}" ở cột (8) vào mỗi hoạt động đã thực hiện; '
            "kết quả tự tính.",
        ]
        naf = [i.code for i in rs.indicators if i.not_applicable_full]
        if naf:
            steps.append(
                'Cột (9) "Không phát sinh" chỉ dùng cho nội dung ' + ", ".join(naf) + ": nếu trong năm "
                'không phát sinh việc thuộc nội dung, chọn "Có" và để trống tử số, mẫu số (nội dung được tính Đạt).'
            )
        for c in rs.criteria:
            if c.switch:
                steps.append(
                    f'Nếu "{c.switch.label}", chọn "Có" ở cột (9) dòng {c.code}: tiêu chí {c.code} được tính Đạt.'
                )
        steps += [
            'Ghi số liệu làm căn cứ ở cột (4) và số, ký hiệu văn bản, hồ sơ chứng minh ở cột (10) "Tài liệu kiểm '
            'chứng" (một ô cho mỗi chỉ tiêu).',
            "Kết quả từng chỉ tiêu, tiêu chí và số tiêu chí đạt do bảng tự tính (dòng 4 luôn hiện kết quả).",
            "Không đổi tên, không xóa hoặc chèn trang, dòng, cột. Muốn ghi dài, có thể nới rộng cột hoặc dòng.",
            "Lưu tệp dạng Excel (.xlsx), giữ nguyên tên trang, rồi gửi về "
            + (self.office or "cơ quan tư pháp cấp trên")
            + " (qua email, Zalo hoặc USB). Nếu gửi lại bản sửa, ghi ngày báo cáo mới.",
        ]
        return steps

    def help_steps(self) -> list[str]:
        if self.rs.has_contents:
            return self.content_steps()
        rs, step = self.rs, number_text(self.rs.point_step)
        steps = [
            "Chỉ điền vào các ô nền vàng (ô không bị khóa). Các ô khác đã khóa để tránh sửa nhầm; không cần mật khẩu.",
            'Trang "Thông tin chung": kiểm tra tên, mã, loại đơn vị; điền ngày báo cáo (dạng '
            f"ngày/tháng/năm, ví dụ 05/01/{self.year + 1}), người phụ trách và số điện thoại.",
        ]
        if rs.conditions.declarations:
            steps.append(
                'Trả lời câu hỏi cam kết ở cuối trang "Thông tin chung" bằng cách chọn Có hoặc '
                "Không. Câu trả lời này là một điều kiện công nhận đạt chuẩn."
            )
        if self.pass_fail:
            steps.append(
                'Trang "Bảng điểm": với mỗi chỉ tiêu, chọn Đạt hoặc Không đạt ở cột '
                '"Điểm tự chấm"; ghi số liệu và tài liệu kiểm chứng.'
            )
        else:
            steps.append(
                'Trang "Bảng điểm": với mỗi chỉ tiêu, ghi điểm tự chấm ở cột "Điểm tự chấm", '
                f"không vượt điểm tối đa, theo bậc {step} điểm (ví dụ 0; 0,25; 0,5; ...). Gõ số "
                "thập phân bằng dấu phẩy (2,5) hoặc dấu chấm (2.5) tùy cài đặt của máy; nếu máy "
                'báo lỗi, thử dấu còn lại. Không gõ thêm chữ như "điểm".'
            )
            steps.append(
                'Ghi số liệu làm căn cứ chấm điểm ở cột "Số liệu sử dụng để đánh giá" và '
                'số, ký hiệu văn bản, hồ sơ ở cột "Tài liệu kiểm chứng".'
            )
        for ind in rs.indicators:
            if ind.kind == "rate_bands":
                steps.append(
                    f"Chỉ tiêu {ind.code} tính theo tỷ lệ: ghi Tử số ({ind.numerator_label.lower()}) "
                    f"và Mẫu số ({ind.denominator_label.lower()}); cột Tỷ lệ tự tính. Mức điểm: "
                    f'{band_text(ind)}. Ghi điểm tương ứng ở cột "Điểm tự chấm".'
                )
        naf = [i.code for i in rs.indicators if i.not_applicable_full]
        if naf:
            steps.append(
                'Cột "Không phát sinh" chỉ dùng cho chỉ tiêu ' + ", ".join(naf) + ": nếu trong năm "
                'không phát sinh việc thuộc chỉ tiêu, chọn "Có" và ghi điểm tối đa; nếu có phát '
                "sinh thì để trống và tự chấm như bình thường."
            )
        steps += [
            "Điểm từng tiêu chí và tổng điểm do bảng tự tính, không cần điền.",
            "Không đổi tên, không xóa hoặc chèn trang, dòng, cột. Muốn ghi dài, có thể nới rộng cột hoặc dòng.",
            "Lưu tệp dạng Excel (.xlsx), giữ nguyên tên trang, rồi gửi về "
            + (self.office or "cơ quan tư pháp cấp trên")
            + " (qua email, Zalo hoặc USB). "
            "Nếu gửi lại bản sửa, ghi ngày báo cáo mới.",
        ]
        return steps

    def content_table(self, ws: Any, row: int) -> None:
        """Every criterion, indicator and content with its level and how it is judged."""
        f = self.f
        for col, text in enumerate(("Mã", "Tiêu chí / chỉ tiêu / nội dung", "Mức đạt", "Cách đánh giá")):
            ws.write_string(row, col, text, f.h_head)
        for crit in self.rs.criteria:
            row += 1
            need = crit.pass_rule.describe(len(crit.groups))
            ws.write_string(row, 0, crit.code, f.h_crit_center)
            ws.write_string(row, 1, crit.name, f.h_crit)
            ws.write_string(row, 2, "", f.h_crit_center)
            how = f"Đạt khi {need} chỉ tiêu đạt" + (f'; hoặc khi "{crit.switch.label}"' if crit.switch else "")
            ws.write_string(row, 3, how, f.h_crit)
            fit_row(ws, row, [(crit.name, HELP_WIDTHS[1]), (how, HELP_WIDTHS[3])], size=12, bold=True)
            for group in crit.groups:
                if len(group.contents) > 1:
                    row += 1
                    how = f"Đạt khi cả {len(group.contents)} nội dung đạt"
                    for col, text in enumerate((group.code, group.name, "", how)):
                        ws.write_string(row, col, text, f.h_center if col in (0, 2) else f.h_cell)
                    fit_row(ws, row, [(group.name, HELP_WIDTHS[1]), (how, HELP_WIDTHS[3])], size=12)
                for code in group.contents:
                    c = self.rs.indicator(code)
                    row += 1
                    how = self.how_judged(c)
                    ws.write_string(row, 0, c.code, f.h_center)
                    ws.write_string(row, 1, c.name, f.h_cell)
                    ws.write_string(
                        row, 2, c.requirement_text().replace("Tỷ lệ đạt từ ", "≥ ").replace(" trở lên", ""), f.h_center
                    )
                    ws.write_string(row, 3, how, f.h_cell)
                    fit_row(ws, row, [(c.name, HELP_WIDTHS[1]), (how, HELP_WIDTHS[3])], size=12)

    def how_judged(self, c: Indicator) -> str:
        if c.kind == "rate":
            parts = []
            for figure, label in (("numerator", c.numerator_label), ("denominator", c.denominator_label)):
                source = c.derived(figure)
                parts.append(label + (f" (lấy từ {source.describe()})" if source else ""))
            text = f"Tỷ lệ = {parts[0]} / {parts[1]} × 100"
        elif c.kind == "checklist":
            text = f'Gõ "{layout.TICK}" vào hoạt động đã thực hiện; đạt khi có ít nhất {c.min_ticked}'
        else:
            text = "Chọn Đạt hoặc Không đạt" + (f" ({c.requirement})" if c.requirement else "")
        if c.not_applicable_full:
            text += '; được chọn "Không phát sinh" (tính Đạt)'
        return text

    def help_table(self, ws: Any, row: int) -> None:
        if self.rs.has_contents:
            self.content_table(ws, row)
            return
        f = self.f
        for col, text in enumerate(("Mã", "Tiêu chí / chỉ tiêu", "Điểm tối đa", "Cách chấm")):
            ws.write_string(row, col, text, f.h_head)
        fit_row(ws, row, [("Điểm tối đa", HELP_WIDTHS[2])], size=12, bold=True)
        for crit in self.rs.criteria:
            row += 1
            ws.write_string(row, 0, crit.code, f.h_crit_center)
            ws.write_string(row, 1, crit.name, f.h_crit)
            fit_row(ws, row, [(crit.name, HELP_WIDTHS[1])], size=12, bold=True)
            if self.pass_fail:
                ws.write_blank(row, 2, None, f.h_crit_center)
                ws.write_string(row, 3, f"Yêu cầu {crit.pass_rule.describe(len(crit.indicators))} chỉ tiêu", f.h_crit)
            else:
                ws.write_string(row, 2, number_text(crit.max), f.h_crit_center)
                ws.write_blank(row, 3, None, f.h_crit)
            for ind in crit.indicators:
                row += 1
                ws.write_string(row, 0, ind.code, f.h_center)
                ws.write_string(row, 1, ind.name, f.h_cell)
                ws.write_string(row, 2, "" if self.pass_fail else number_text(ind.max), f.h_center)
                how = self.how_scored(ind)
                ws.write_string(row, 3, how, f.h_cell)
                fit_row(ws, row, [(ind.name, HELP_WIDTHS[1]), (how, HELP_WIDTHS[3])], size=12)

    def how_scored(self, ind: Indicator) -> str:
        if ind.kind == "pass_fail":
            return "Đạt / Không đạt"
        text = f"Từ {number_text(ind.min_points)} đến {number_text(ind.max)}, bậc {number_text(self.rs.point_step)}"
        if ind.kind == "rate_bands":
            text = f"Theo tỷ lệ: {band_text(ind)}"
        if ind.not_applicable_full:
            text += '; được chọn "Không phát sinh" (tính điểm tối đa)'
        return text
