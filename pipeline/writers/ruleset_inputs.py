"""The rule-set workbook's cells: its formats, and the inputs every sheet writes (a number, a
Có / Không, a status and its basis, a pass rule), each with its validation and input message.
"""

from __future__ import annotations

from typing import Any

from pipeline.core import ruleset_layout as L
from pipeline.core.rules import Provenance, RuleSet
from pipeline.writers.form import INPUT_FILL  # the commune form's colour for "type here"
from pipeline.writers.xlsx import FONT, Formats, lines_needed, print_setup, row_height

LOCKED_FILL = "#F2F2F2"
PROVISIONAL_FILL = "#FCE4D6"
CRITERION_FILL = "#E2EFDA"
TEXT_LIMIT = 2000
PROTECT_OPTIONS = {
    "select_locked_cells": True,
    "select_unlocked_cells": True,
    "format_columns": True,
    "format_rows": True,
}


class BookCells:
    """Writes one cell or heading of the rule-set workbook; `writers.ruleset_book` lays out the sheets."""

    def __init__(self, wb, rule_set: RuleSet):
        self.wb, self.rs = wb, rule_set
        self.fmt = Formats(wb)
        self.input = wb.add_format(
            {
                "font_name": FONT,
                "font_size": 11,
                "bg_color": INPUT_FILL,
                "border": 1,
                "locked": False,
                "text_wrap": True,
                "valign": "top",
            }
        )
        self.input_num = wb.add_format(
            {
                "font_name": FONT,
                "font_size": 11,
                "bg_color": INPUT_FILL,
                "border": 1,
                "locked": False,
                "valign": "top",
                "num_format": "0.##",
            }
        )
        self.input_pct = wb.add_format(
            {
                "font_name": FONT,
                "font_size": 11,
                "bg_color": INPUT_FILL,
                "border": 1,
                "locked": False,
                "valign": "top",
                "num_format": "0%",
            }
        )
        self.locked = wb.add_format(
            {
                "font_name": FONT,
                "font_size": 11,
                "bg_color": LOCKED_FILL,
                "border": 1,
                "text_wrap": True,
                "valign": "top",
            }
        )
        self.criterion = wb.add_format(
            {
                "font_name": FONT,
                "font_size": 11,
                "bg_color": CRITERION_FILL,
                "border": 1,
                "bold": True,
                "text_wrap": True,
                "valign": "top",
            }
        )
        self.provisional = wb.add_format({"bg_color": PROVISIONAL_FILL})

    def _title(self, ws, last_col: int, title: str, note: str, width: float) -> None:
        """Title and one explanatory line over the table; `width` is the table's width (characters)."""
        ws.merge_range(0, 0, 0, last_col, title, self.fmt("title"))
        ws.set_row(0, 24)
        ws.merge_range(1, 0, 1, last_col, note, self.fmt("subtitle"))
        ws.set_row(1, row_height(lines_needed(note, width)))

    def _status_cells(self, ws, row: int, col: int, prov: Provenance | None) -> None:
        """Trạng thái and Căn cứ of one figure: a validated list and a free text."""
        status = L.STATUS_WORDS[prov.status] if prov else L.STATUS_WORDS["provisional"]
        ws.write_string(row, col, status, self.input)
        ws.write_string(row, col + 1, prov.source if prov else "", self.input)
        ws.data_validation(row, col, row, col, status_validation())
        ws.data_validation(
            row,
            col + 1,
            row,
            col + 1,
            text_validation("Căn cứ", "Văn bản và điều, khoản đã đối chiếu (bắt buộc khi đã đối chiếu hoặc suy ra)."),
        )

    def _input_number(self, ws, row: int, col: int, value: float | None, title: str, message: str, fmt=None) -> None:
        if value is None:
            ws.write_blank(row, col, None, fmt or self.input_num)
        else:
            ws.write_number(row, col, value, fmt or self.input_num)
        ws.data_validation(
            row,
            col,
            row,
            col,
            {
                "validate": "decimal",
                "criteria": ">=",
                "value": 0,
                "input_title": title[:32],
                "input_message": message[:255],
                "error_title": "Không phải số",
                "error_message": "Nhập một số không âm (dùng dấu phẩy hoặc chấm thập phân theo máy).",
            },
        )

    def _yes_no(self, ws, row: int, col: int, value: bool, title: str) -> None:
        ws.write_string(row, col, L.YES if value else L.NO, self.input)
        ws.data_validation(
            row,
            col,
            row,
            col,
            {
                "validate": "list",
                "source": [L.YES, L.NO],
                "input_title": title[:32],
                "input_message": "Chọn Có hoặc Không.",
                "error_title": "Chọn Có hoặc Không",
                "error_message": "Chỉ chọn Có hoặc Không trong danh sách.",
            },
        )

    def _table_head(self, ws, columns) -> None:
        for n, (_, heading, width, _) in enumerate(columns):
            ws.write_string(L.HEADER_ROW, n, heading, self.fmt("head"))
            ws.set_column(n, n, width)
        ws.set_row(L.HEADER_ROW, row_height(max(lines_needed(h, w, bold=True) for _, h, w, _ in columns)))
        ws.freeze_panes(L.HEADER_ROW + 1, 2)

    def _finish(self, ws, landscape: bool) -> None:
        print_setup(ws, landscape=landscape, repeat=(L.HEADER_ROW, L.HEADER_ROW), header=f"Bộ tiêu chí {self.rs.id}")
        ws.protect("", PROTECT_OPTIONS)

    # -- sheets
    def _pass_rule(self, ws, row: int, col: int, rule, parts: int) -> None:
        value = L.PASS_ALL if rule.mode == "all" else rule.n
        if isinstance(value, str):
            ws.write_string(row, col, value, self.input)
        else:
            ws.write_number(row, col, value, self.input_num)
        ws.data_validation(
            row,
            col,
            row,
            col,
            {
                "validate": "any",
                "input_title": "Số phải đạt",
                "input_message": f'"{L.PASS_ALL}" hoặc một số từ 1 đến {parts}.',
            },
        )

    def _mark_provisional(self, ws, first: int, last: int, status_col: int) -> None:
        if last < first:
            return
        ws.conditional_format(
            first,
            status_col,
            last,
            status_col,
            {
                "type": "cell",
                "criteria": "==",
                "value": f'"{L.STATUS_WORDS["provisional"]}"',
                "format": self.provisional,
            },
        )


def status_validation() -> dict[str, Any]:
    words = list(L.STATUS_WORDS.values())
    return {
        "validate": "list",
        "source": words,
        "input_title": "Trạng thái",
        "input_message": "tạm tính: chưa đối chiếu văn bản gốc; đã đối chiếu: đã kiểm tra với văn bản ghi ở "
        "cột Căn cứ; suy ra: tính từ các số đã đối chiếu.",
        "error_title": "Trạng thái không hợp lệ",
        "error_message": "Chọn một trong: " + ", ".join(words) + ".",
    }


def text_validation(title: str, message: str) -> dict[str, Any]:
    return {
        "validate": "length",
        "criteria": "<=",
        "value": TEXT_LIMIT,
        "input_title": title[:32],
        "input_message": message[:255],
        "error_title": "Quá dài",
        "error_message": f"Tối đa {TEXT_LIMIT} ký tự.",
    }
