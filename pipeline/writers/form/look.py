"""How the form looks: fills, fonts, column widths, every cell format, and row heights from the
text written (measured with the FORM calibration of writers.xlsx.measure)."""

from __future__ import annotations

from typing import Any

import xlsxwriter

from pipeline.core import layout
from pipeline.writers.form.plan import InputCell
from pipeline.writers.xlsx.measure import FORM

FONT = "Times New Roman"  # what the official forms use; full Vietnamese coverage everywhere
FONT_SIZE = 12  # the form's default font size: its width unit is a digit of this font

# Fills: yellow = type here, blue = filled in by the office, grey = nothing to enter.
INPUT_FILL = "#FFF2CC"
PREFILLED_FILL = "#DDEBF7"
NA_FILL = "#D9D9D9"
CRITERION_FILL = "#E2EFDA"
TOTAL_FILL = "#C6E0B4"
HEADER_FILL = "#D9E1F2"

SCORE_WIDTHS = {
    "ma": 6,
    "noi_dung": 46,
    "diem_toi_da": 8,
    "so_lieu": 24,
    "tu_so": 8,
    "mau_so": 8,
    "ty_le": 8,
    "diem": 9,
    "khong_phat_sinh": 10,
    "tai_lieu": 22,
    "ghi_chu": 16,
    "chu_ky": 12,
}
COVER_WIDTHS = (42, 30, 32)  # label, input, hint
HELP_WIDTHS = (7, 66, 10, 42)  # no. / code, text, max points, how scored


def fit_row(
    ws: Any, row: int, cells: list[tuple[Any, float]], size: int = 11, bold: bool = False, minimum: int = 1
) -> None:
    """Set a row's height to its tallest wrapped cell: cells are (text, column width).

    Neither xlsxwriter nor LibreOffice fits row heights to wrapped text on its own, so every
    row with long text gets an explicit height.
    """
    lines = max([minimum] + [FORM.lines(t, w, size, bold=bold) for t, w in cells if isinstance(t, str) and t])
    ws.set_row(row, FORM.row_height(lines, size))


class FormFormats:
    """Every cell format of one workbook, built once (xlsxwriter formats belong to a workbook)."""

    def __init__(self, wb: xlsxwriter.Workbook):
        def fmt(**props: Any) -> Any:
            return wb.add_format(props)

        box = {"border": 1, "valign": "vcenter", "text_wrap": True}
        small = {**box, "font_size": 11}
        inp = {"locked": False, "bg_color": INPUT_FILL}
        self.title = fmt(bold=True, font_size=14, align="center", valign="vcenter")
        self.subtitle = fmt(italic=True, align="center", valign="vcenter", text_wrap=True)
        self.heading = fmt(bold=True, font_size=13)
        self.para = fmt(text_wrap=True, valign="top")
        self.para_bold = fmt(text_wrap=True, valign="top", bold=True)
        self.note = fmt(italic=True, font_size=11, text_wrap=True, valign="top")
        # The NĐ 30 heading block of the score sheet: issuing body left, quốc hiệu right.
        self.body = fmt(bold=True, align="center", valign="vcenter", font_size=12)
        self.body_line = fmt(bold=True, align="center", valign="top", font_size=12, underline=1)
        self.nation = fmt(bold=True, align="center", valign="vcenter", font_size=12)
        self.motto = fmt(bold=True, align="center", valign="top", font_size=13, underline=1)
        self.form_mark = fmt(bold=True, italic=True, align="right", valign="vcenter", font_size=11)
        self.title_block = fmt(bold=True, font_size=14, align="center", valign="vcenter", text_wrap=True)
        self.title_part = fmt(bold=True, font_size=14)  # rich-string pieces carry their own font
        self.subtitle_part = fmt(italic=True, bold=False, font_size=12)
        self.name_part = fmt(font_size=11)
        self.live = fmt(bold=True, align="right", valign="top", font_size=12, text_wrap=True)
        self.method = fmt(italic=True, font_size=10, font_color="#404040")
        self.plain = fmt()
        # cover
        self.col_head = fmt(**box, bold=True, align="center", bg_color=HEADER_FILL)
        self.label = fmt(**box)
        self.hint = fmt(**box, italic=True, font_color="#595959", font_size=11)
        self.in_text = fmt(**box, **inp)
        self.in_code = fmt(**box, **inp, num_format="@")  # typed digits stay text: leading 0s
        self.in_date = fmt(**box, **inp, num_format="dd/mm/yyyy", align="left")
        self.in_center = fmt(**box, **inp, align="center")
        self.prefilled = fmt(**box, bold=True, bg_color=PREFILLED_FILL, align="left", num_format="@")
        self.prefilled_year = fmt(**box, bold=True, bg_color=PREFILLED_FILL, align="left")
        # score sheet
        self.head = fmt(**small, bold=True, align="center", bg_color=HEADER_FILL)
        self.colnum = fmt(**small, italic=True, align="center", bg_color=HEADER_FILL)
        self.code = fmt(**small, align="center")
        self.name = fmt(**small)
        self.max = fmt(**small, align="center")
        self.na = fmt(**small, bg_color=NA_FILL)
        self.rate = fmt(**small, align="center", num_format="0.00")
        self.derived = fmt(**small, bg_color=NA_FILL, align="center", num_format="0", italic=True)
        self.option = fmt(**small, indent=1)
        self.s_text = fmt(**small, **inp)
        self.s_center = fmt(**small, **inp, align="center")
        self.s_count = fmt(**small, **inp, align="center", num_format="0")
        crit = {**small, "bold": True, "bg_color": CRITERION_FILL}
        self.c_code = fmt(**crit, align="center")
        self.c_name = fmt(**crit)
        self.c_max = fmt(**crit, align="center")
        self.c_blank = fmt(**crit)
        total = {**small, "bold": True, "bg_color": TOTAL_FILL}
        self.t_code = fmt(**total, align="center")
        self.t_name = fmt(**total)
        self.t_num = fmt(**total, align="center")
        self.t_blank = fmt(**total)
        self.sign = fmt(bold=True, align="center", valign="top", text_wrap=True)
        self.sign_note = fmt(italic=True, align="center", valign="top")
        # help sheet table
        self.h_head = fmt(**box, bold=True, align="center", bg_color=HEADER_FILL)
        self.h_cell = fmt(**box)
        self.h_center = fmt(**box, align="center")
        self.h_crit = fmt(**box, bold=True, bg_color=CRITERION_FILL)
        self.h_crit_center = fmt(**box, bold=True, align="center", bg_color=CRITERION_FILL)
        self.h_example_in = fmt(**box, bg_color=INPUT_FILL)
        self.h_example_pre = fmt(**box, bg_color=PREFILLED_FILL)
        self.h_example_na = fmt(**box, bg_color=NA_FILL)

    def input_for(self, cell: InputCell) -> Any:
        """Format of an (unlocked) input cell, by what it holds."""
        if cell.sheet == layout.SHEET_COVER:
            return {
                "code": self.in_code,
                "date": self.in_date,
                "yes_no": self.in_center,
                "kind": self.in_center,
                "year": self.in_center,
            }.get(cell.kind, self.in_text)
        if cell.kind == "count":
            return self.s_count
        if cell.kind in ("tick", "switch"):
            return self.s_center
        return self.s_text if cell.kind == "text" else self.s_center
