"""The rule-set workbook (`tcpl rules export`): a rule set a clerk can read, correct and confirm.

One sheet for the identity of the rule set, one row per criterion and indicator, one per rate
band, the recognition conditions and declarations, and for every figure a "Trạng thái"
(tạm tính / đã đối chiếu / suy ra, a validated list) and a "Căn cứ". Codes, keys and kinds are
locked (changing them would break the structure); every other cell is an unlocked input with
a validation. Sheets are protected without a password: protection guards against accidents,
not people. `readers.ruleset_book` reads it back; `core.ruleset_layout` is their contract.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import xlsxwriter

from pipeline import __version__
from pipeline.core import ruleset_layout as L
from pipeline.core.rules import PassRule, RuleSet
from pipeline.writers.atomic import atomic_output
from pipeline.writers.ruleset_inputs import PROTECT_OPTIONS, BookCells, text_validation
from pipeline.writers.xlsx import lines_needed, print_setup, row_height, workbook_options


def write_ruleset_book(rule_set: RuleSet, path: Path) -> Path:
    """Write the workbook for `rule_set` to `path` (atomically). Returns the path.

    Never modifies the rule-set file; the same rule set always gives the same bytes.
    """
    with atomic_output(Path(path)) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), workbook_options())
        wb.set_properties({"title": f"Bộ tiêu chí {rule_set.id}", "author": "tcpl", "created": _fixed_date()})
        _Book(wb, rule_set).write()
        wb.close()
    return Path(path)


def _fixed_date() -> dt.datetime:
    return dt.datetime(2000, 1, 1)  # fixed, so the same rule set gives the same bytes


class _Book(BookCells):
    def write(self) -> None:
        self.help()
        self.identity()
        self.tree()
        self.bands()
        if any(i.options for i in self.rs.indicators):
            self.options()
        self.conditions()
        self.meta()

    # -- shared pieces
    def help(self) -> None:
        ws = self.wb.add_worksheet(L.SHEET_HELP)
        ws.set_column(0, 0, 100)
        lines = instructions(self.rs)
        ws.write_string(0, 0, f"ĐỐI CHIẾU VÀ XÁC NHẬN BỘ TIÊU CHÍ {self.rs.id}", self.fmt("title"))
        for n, line in enumerate(lines, start=2):
            ws.write_string(n, 0, line, self.fmt("wrap"))
            ws.set_row(n, row_height(lines_needed(line, 100)))
        print_setup(ws, landscape=False, repeat=None, header=f"Bộ tiêu chí {self.rs.id}")
        ws.protect("", PROTECT_OPTIONS)

    def identity(self) -> None:
        ws = self.wb.add_worksheet(L.SHEET_IDENTITY)
        for n, width in enumerate((44, 50, 13, 50, 10)):
            ws.set_column(n, n, width)
        ws.set_column(4, 4, 10, None, {"hidden": True})
        self._title(ws, 3, f"BỘ TIÊU CHÍ {self.rs.id}", "Ô màu vàng sửa được; ô màu xám không sửa.", 157)
        for n, heading in enumerate(L.IDENTITY_COLUMNS):
            ws.write_string(L.HEADER_ROW, n, heading, self.fmt("head"))
        ws.freeze_panes(L.HEADER_ROW + 1, 1)
        rs = self.rs
        values: dict[str, Any] = {
            "id": rs.id,
            "name": rs.name,
            "decision": rs.decision,
            "guidance": rs.guidance,
            "first_year": rs.first_year,
            "last_year": rs.last_year,
            "scoring": L.SCORING_WORDS[rs.scoring],
            "total_max": rs.total_max,
            "point_step": rs.point_step,
            "confirmed_by": rs.confirmed_by,
        }
        provenance = {"provenance": rs.provenance, "point_step_provenance": rs.point_step_provenance}
        row = L.HEADER_ROW + 1
        for key, label, kind, editable, prov_key in L.IDENTITY_FIELDS:
            if key == "point_step" and rs.scoring != "points":
                continue
            ws.write_string(row, 0, label, self.locked)
            ws.write_string(row, 4, key, self.locked)
            value = values[key]
            if not editable:
                ws.write_string(row, 1, str(value), self.locked)
            elif kind == "year":
                if value is None:
                    ws.write_blank(row, 1, None, self.input_num)
                else:
                    ws.write_number(row, 1, value, self.input_num)
                ws.data_validation(
                    row,
                    1,
                    row,
                    1,
                    {
                        "validate": "integer",
                        "criteria": "between",
                        "minimum": 1990,
                        "maximum": 2100,
                        "error_title": "Năm không hợp lệ",
                        "error_message": "Nhập năm gồm 4 chữ số, ví dụ 2026.",
                    },
                )
            elif kind == "number":
                self._input_number(ws, row, 1, value, label, "Số không âm.")
            else:
                ws.write_string(row, 1, value, self.input)
                ws.data_validation(row, 1, row, 1, text_validation(label, "Văn bản, tối đa 2000 ký tự."))
            if prov_key:
                self._status_cells(ws, row, 2, provenance[prov_key])
            else:
                ws.write_blank(row, 2, None, self.locked)
                ws.write_blank(row, 3, None, self.locked)
            ws.set_row(row, row_height(max(lines_needed(label, 44), lines_needed(str(value or ""), 50))))
            row += 1
        self._finish(ws, landscape=True)

    def tree(self) -> None:
        ws = self.wb.add_worksheet(L.SHEET_TREE)
        self._title(
            ws,
            len(L.TREE_COLUMNS) - 1,
            "TIÊU CHÍ, CHỈ TIÊU, NỘI DUNG VÀ MỨC ĐẠT" if self.rs.has_contents else "TIÊU CHÍ, CHỈ TIÊU VÀ ĐIỂM TỐI ĐA",
            "Mỗi dòng là một tiêu chí, chỉ tiêu hoặc nội dung. Sửa tên, mức đạt, trạng thái và căn cứ ở ô màu vàng; "
            'cột "Không phát sinh" ở đây nghĩa là nội dung được tính Đạt khi không phát sinh.'
            if self.rs.has_contents
            else "Mỗi dòng là một tiêu chí hoặc chỉ tiêu. Sửa tên, điểm, trạng thái và căn cứ ở ô màu vàng; "
            "tổng điểm các chỉ tiêu phải bằng điểm tối đa của tiêu chí.",
            sum(w for _, _, w, _ in L.TREE_COLUMNS),
        )
        self._table_head(ws, L.TREE_COLUMNS)
        col = L.TREE_COL
        # Columns a rule set of this kind does not use are hidden, not removed: the layout stays
        # one contract for the reader.
        if self.rs.scoring == "points":
            unused: tuple[str, ...] = ("pass_rule", *L.CONTENT_ONLY)
        elif self.rs.has_contents:
            unused = ("max", "deduction_max")
        else:
            unused = ("deduction_max", "numerator_label", "denominator_label", *L.CONTENT_ONLY)
        for key in unused:
            ws.set_column(col[key], col[key], L.TREE_COLUMNS[col[key]][2], None, {"hidden": True})
        row = L.HEADER_ROW + 1
        points = self.rs.scoring == "points"
        for c in self.rs.criteria:
            for key in col:
                ws.write_blank(row, col[key], None, self.criterion)
            ws.write_string(row, col["level"], L.LEVEL_CRITERION, self.criterion)
            ws.write_string(row, col["code"], c.code, self.criterion)
            ws.write_string(row, col["name"], c.name, self.input)
            self._input_number(ws, row, col["max"], c.max, "Điểm tối đa", "Điểm tối đa của tiêu chí.")
            if not points:
                self._pass_rule(ws, row, col["pass_rule"], c.pass_rule, len(c.indicators))
            self._status_cells(ws, row, col["status"], c.provenance)
            ws.set_row(row, row_height(lines_needed(c.name, 58, bold=True)))
            row += 1
            if c.groups or c.switch:
                row = self.content_rows(ws, row, c)
                continue
            for i in c.indicators:
                for key in col:
                    ws.write_blank(row, col[key], None, self.locked)
                ws.write_string(row, col["level"], L.LEVEL_INDICATOR, self.locked)
                ws.write_string(row, col["code"], i.code, self.locked)
                self._text(ws, row, col["name"], i.name, "Tên chỉ tiêu")
                self._input_number(
                    ws, row, col["max"], i.max, "Điểm tối đa", "Điểm tối đa của chỉ tiêu, bội số của bậc điểm."
                )
                ws.write_string(row, col["kind"], L.KIND_WORDS[i.kind], self.locked)
                self._yes_no(ws, row, col["not_applicable_full"], i.not_applicable_full, "Không phát sinh")
                if points:
                    self._input_number(
                        ws,
                        row,
                        col["deduction_max"],
                        i.deduction_max or None,
                        "Điểm trừ tối đa",
                        "Để trống nếu chỉ tiêu không bị trừ điểm dưới 0.",
                    )
                if i.kind == "rate_bands":
                    for key, value in (
                        ("numerator_label", i.numerator_label),
                        ("denominator_label", i.denominator_label),
                    ):
                        self._text(ws, row, col[key], value, "Tên")
                self._status_cells(ws, row, col["status"], i.provenance)
                ws.set_row(row, row_height(max(lines_needed(i.name, 58), lines_needed(i.provenance.source, 40))))
                row += 1
        self._mark_provisional(ws, L.HEADER_ROW + 1, row - 1, col["status"])
        self._finish(ws, landscape=True)

    def content_rows(self, ws, row: int, c) -> int:
        """A criterion's switch, its indicators and their contents (pass/fail sets with contents)."""
        col = L.TREE_COL
        if c.switch is not None:
            self._blank_row(ws, row)
            ws.write_string(row, col["level"], L.LEVEL_SWITCH, self.locked)
            ws.write_string(row, col["code"], c.code, self.locked)
            self._text(ws, row, col["name"], c.switch.label, "Trường hợp được tính Đạt")
            self._status_cells(ws, row, col["status"], c.switch.provenance)
            ws.set_row(row, row_height(lines_needed(c.switch.label, 58)))
            row += 1
        leaves = {i.code: i for i in c.indicators}
        for g in c.groups:
            if len(g.contents) > 1:
                self._blank_row(ws, row)
                ws.write_string(row, col["level"], L.LEVEL_INDICATOR, self.locked)
                ws.write_string(row, col["code"], g.code, self.locked)
                self._text(ws, row, col["name"], g.name, "Tên chỉ tiêu")
                ws.write_string(row, col["kind"], L.GROUP_KIND, self.locked)
                self._status_cells(ws, row, col["status"], g.provenance)
                ws.set_row(row, row_height(lines_needed(g.name, 58)))
                row += 1
            for code in g.contents:
                level = L.LEVEL_CONTENT if len(g.contents) > 1 else L.LEVEL_INDICATOR
                self.content_row(ws, row, leaves[code], level)
                row += 1
        return row

    def content_row(self, ws, row: int, i, level: str) -> None:
        col = L.TREE_COL
        self._blank_row(ws, row)
        ws.write_string(row, col["level"], level, self.locked)
        ws.write_string(row, col["code"], i.code, self.locked)
        self._text(ws, row, col["name"], i.name, "Tên nội dung")
        ws.write_string(row, col["kind"], L.KIND_WORDS[i.kind], self.locked)
        self._yes_no(ws, row, col["not_applicable_full"], i.not_applicable_full, "Không phát sinh")
        self._text(ws, row, col["requirement"], i.requirement, "Yêu cầu thêm")
        if i.kind == "rate":
            self._input_number(ws, row, col["threshold"], i.threshold, "Mức đạt (%)", "Tỷ lệ tối thiểu để Đạt, %.")
            for key, value in (("numerator_label", i.numerator_label), ("denominator_label", i.denominator_label)):
                self._text(ws, row, col[key], value, "Tên")
            derived = [
                f"{L.FIGURE_WORDS[figure]} = {s.describe()}"
                for figure in ("numerator", "denominator")
                if (s := i.derived(figure)) is not None
            ]
            if derived:
                ws.write_string(row, col["derived"], "; ".join(derived), self.locked)
        if i.kind == "checklist":
            self._input_number(
                ws, row, col["min_ticked"], i.min_ticked, "Số hoạt động", "Số hoạt động tối thiểu để Đạt."
            )
        self._status_cells(ws, row, col["status"], i.provenance)
        ws.set_row(row, row_height(max(lines_needed(i.name, 58), lines_needed(i.provenance.source, 40))))

    def _blank_row(self, ws, row: int) -> None:
        for n in L.TREE_COL.values():
            ws.write_blank(row, n, None, self.locked)

    def _text(self, ws, row: int, col: int, value: str, title: str) -> None:
        """An editable text cell with its validation."""
        ws.write_string(row, col, value, self.input)
        ws.data_validation(row, col, row, col, text_validation(title, "Văn bản."))

    def options(self) -> None:
        ws = self.wb.add_worksheet(L.SHEET_OPTIONS)
        self._title(
            ws,
            len(L.OPTION_COLUMNS) - 1,
            "HOẠT ĐỘNG CỦA CÁC NỘI DUNG DẠNG DANH SÁCH",
            "Mỗi dòng là một hoạt động xã đánh dấu trên phiếu. Sửa tên hoạt động ở ô màu vàng; số hoạt động "
            'tối thiểu để Đạt ở trang "Tiêu chí, chỉ tiêu". Không thêm, xóa dòng.',
            sum(w for _, _, w, _ in L.OPTION_COLUMNS),
        )
        self._table_head(ws, L.OPTION_COLUMNS)
        col, row = L.OPTION_COL, L.HEADER_ROW + 1
        for i in self.rs.indicators:
            for n, option in enumerate(i.options, start=1):
                ws.write_string(row, col["content"], i.code, self.locked)
                ws.write_number(row, col["number"], n, self.locked)
                self._text(ws, row, col["text"], option, "Hoạt động")
                ws.set_row(row, row_height(lines_needed(option, 90)))
                row += 1
        self._finish(ws, landscape=False)

    def bands(self) -> None:
        ws = self.wb.add_worksheet(L.SHEET_BANDS)
        self._title(
            ws,
            len(L.BAND_COLUMNS) - 1,
            "MỨC ĐIỂM THEO TỶ LỆ",
            "Mỗi dòng là một mức của chỉ tiêu tính theo tỷ lệ: từ (%) đến dưới (%), điểm. Các mức phải "
            'liền nhau từ 0%, không chồng nhau; mức cao nhất để trống ô "Đến dưới".',
            sum(w for _, _, w, _ in L.BAND_COLUMNS),
        )
        self._table_head(ws, L.BAND_COLUMNS)
        col = L.BAND_COL
        row = L.HEADER_ROW + 1
        for i in self.rs.indicators:
            for b in sorted(i.bands, key=lambda b: -b.lower):
                ws.write_string(row, col["indicator"], i.code, self.locked)
                self._input_number(ws, row, col["from"], b.lower, "Từ (%)", "Tỷ lệ từ (%), tính cả mức này.")
                self._input_number(
                    ws, row, col["to"], b.upper, "Đến dưới (%)", "Tỷ lệ đến dưới (%); để trống ở mức cao nhất."
                )
                self._input_number(ws, row, col["points"], b.points, "Điểm", "Điểm của mức này.")
                self._status_cells(ws, row, col["status"], b.provenance)
                row += 1
        self._mark_provisional(ws, L.HEADER_ROW + 1, row - 1, col["status"])
        self._finish(ws, landscape=False)

    def conditions(self) -> None:
        ws = self.wb.add_worksheet(L.SHEET_CONDITIONS)
        widths = [w for _, _, w, _ in L.DECLARATION_COLUMNS]
        for n, w in enumerate(widths):
            ws.set_column(n, n, w)
        ws.set_column(len(widths), len(widths), 10, None, {"hidden": True})
        key_col = len(widths)
        self._title(
            ws,
            len(widths) - 1,
            "ĐIỀU KIỆN CÔNG NHẬN ĐẠT CHUẨN",
            "Ngưỡng công nhận, rồi các câu hỏi loại trừ trên phiếu của xã.",
            sum(widths),
        )
        for n, heading in enumerate(("Điều kiện", "Giá trị", "", "", "Trạng thái", "Căn cứ")):
            ws.write_string(L.HEADER_ROW, n, heading, self.fmt("head"))
        ws.freeze_panes(L.HEADER_ROW + 1, 0)
        cond = self.rs.conditions
        row = L.HEADER_ROW + 1
        for key, label, kind, scoring, prov_key in L.CONDITION_FIELDS:
            if scoring != self.rs.scoring:
                continue
            ws.write_string(row, 0, label, self.locked)
            ws.write_string(row, key_col, key, self.locked)
            if kind == "pass_rule":
                rule = cond.criteria_pass_rule or PassRule()
                self._pass_rule(ws, row, 1, rule, len(self.rs.criteria))
            else:
                value = getattr(cond, key)
                self._input_number(
                    ws,
                    row,
                    1,
                    value,
                    label[:32],
                    "Để trống nếu không áp dụng.",
                    self.input_pct if kind == "percent" else None,
                )
            ws.write_blank(row, 2, None, self.locked)
            ws.write_blank(row, 3, None, self.locked)
            self._status_cells(ws, row, 4, getattr(cond, prov_key))
            ws.set_row(row, row_height(lines_needed(label, widths[0])))
            row += 1
        row += 1
        ws.write_string(row, 0, L.DECLARATIONS_TITLE, self.fmt("section"))
        row += 1
        for n, (_, heading, _, _) in enumerate(L.DECLARATION_COLUMNS):
            ws.write_string(row, n, heading, self.fmt("head"))
        ws.write_string(row, key_col, "declarations", self.locked)
        ws.set_row(row, row_height(max(lines_needed(h, w, bold=True) for _, h, w, _ in L.DECLARATION_COLUMNS)))
        row += 1
        col = L.DECLARATION_COL
        for d in cond.declarations:
            ws.write_string(row, col["key"], d.key, self.locked)
            self._text(ws, row, col["label"], d.label, "Nội dung")
            self._text(ws, row, col["short"], d.short, "Nội dung")
            self._yes_no(ws, row, col["disqualifying_answer"], d.disqualifying_answer, "Trả lời không đạt")
            self._status_cells(ws, row, col["status"], d.provenance)
            ws.set_row(row, row_height(lines_needed(d.label, widths[1])))
            row += 1
        self._mark_provisional(ws, L.HEADER_ROW + 1, row - 1, 4)
        print_setup(ws, landscape=True, repeat=None, header=f"Bộ tiêu chí {self.rs.id}")
        ws.protect("", PROTECT_OPTIONS)

    def meta(self) -> None:
        ws = self.wb.add_worksheet(L.SHEET_META)
        rs = self.rs
        values = {
            "template_id": L.TEMPLATE_ID,
            "template_version": str(L.TEMPLATE_VERSION),
            "rule_set": rs.id,
            "scoring": rs.scoring,
            "criteria": " ".join(c.code for c in rs.criteria),
            "indicators": " ".join(i.code for i in rs.indicators),
            "bands": " ".join(f"{i.code}:{len(i.bands)}" for i in rs.indicators if i.bands),
            "declarations": " ".join(d.key for d in rs.conditions.declarations),
            "generated_by": f"tcpl {__version__}",
            "groups": " ".join(f"{g.code}={','.join(g.contents)}" for g in rs.groups if len(g.contents) > 1),
            "derived": " ".join(
                f"{i.code}:{figure}={s.content}.{s.figure}"
                for i in rs.indicators
                for figure in ("numerator", "denominator")
                if (s := i.derived(figure)) is not None
            ),
            "options": " ".join(f"{i.code}:{len(i.options)}" for i in rs.indicators if i.options),
            "switches": " ".join(c.code for c in rs.criteria if c.switch),
        }
        for n, key in enumerate(L.META_KEYS):
            ws.write_string(n, 0, key)
            ws.write_string(n, 1, values[key])
        ws.hide()
        ws.protect("", PROTECT_OPTIONS)


def instructions(rule_set: RuleSet) -> list[str]:
    return [
        "Sổ này là bộ tiêu chí mà chương trình dùng để chấm điểm và xét công nhận. Văn phòng đối chiếu từng số "
        "liệu với văn bản gốc (quyết định, thông tư và phụ lục) rồi xác nhận tại đây.",
        "1. Ô màu vàng sửa được: tên, điểm tối đa, mức tỷ lệ, ngưỡng công nhận, câu hỏi loại trừ, và với mỗi số "
        'liệu: cột "Trạng thái" và cột "Căn cứ". Ô màu xám (mã, cách chấm) không sửa: sửa chúng làm hỏng cấu '
        "trúc bộ tiêu chí.",
        '2. Trạng thái: "tạm tính" là số chưa đối chiếu văn bản gốc; "đã đối chiếu" là số đã kiểm tra, phải '
        'ghi văn bản và điều, khoản ở cột "Căn cứ"; "suy ra" là số tính từ các số đã đối chiếu (ghi cách tính '
        'ở cột "Căn cứ").',
        "3. Tổng điểm tối đa của các chỉ tiêu phải bằng điểm tối đa của tiêu chí; tổng các tiêu chí bằng tổng "
        "điểm của bộ tiêu chí; điểm là bội số của bậc điểm. Các mức tỷ lệ phải liền nhau từ 0%, không chồng nhau.",
        "4. Không thêm, xóa hay đổi tên trang, dòng, cột. Lưu tệp dạng .xlsx (Excel hoặc LibreOffice đều được).",
        "5. Nhập lại vào chương trình: tcpl rules import <tệp này>. Chương trình kiểm tra mọi điều trên, báo mọi "
        "lỗi cùng lúc kèm trang và ô, và chỉ ghi bộ tiêu chí khi không còn lỗi, vào thư mục rulesets/ bên cạnh "
        "config.toml. Bộ tiêu chí của văn phòng trùng mã với bộ có sẵn sẽ được dùng thay bộ có sẵn.",
        f"Bộ tiêu chí: {rule_set.name} ({rule_set.decision}; {rule_set.guidance}).",
    ]
