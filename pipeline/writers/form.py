"""The commune's self-assessment form, generated from the rule set (xlsxwriter).

One workbook per form: a cover sheet (unit, dates, declarations), a score sheet laid out like
Mẫu 02 of TT 09/2021, an instruction sheet and a hidden metadata sheet. Every input cell is
unlocked, validated and carries a workbook-level defined name (layout.py holds the contract),
so a program can fill the form and the reader can find each value even if rows move.

`write_form` is also how the demo, the tests and the benchmark "fill the real form": `values`
maps defined names to what the commune would have typed. It is called thousands of times in
the benchmark, so it stays cheap: the workbook is assembled in memory (xlsxwriter's temp
files cost more than the whole form), formats are built once per workbook, cells sharing a
validation rule share one validation, and nothing is read back.

Outputs are reproducible byte for byte: the creation date is derived from the year and
xlsxwriter stamps the zip members with a fixed date.
"""

from __future__ import annotations

import datetime as dt
import numbers
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

from pipeline import __version__
from pipeline.core import layout
from pipeline.core.config import UNIT_KINDS, Config, Unit
from pipeline.core.rules import Criterion, Indicator, RuleSet

TITLE = "PHIẾU TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHUẨN TIẾP CẬN PHÁP LUẬT"
FONT = "Times New Roman"  # what the official forms use; full Vietnamese coverage everywhere
PROVISIONAL_MARK = "*"
PROVISIONAL_NOTE = "(*) Điểm tối đa tạm tính, chưa đối chiếu văn bản gốc."

# Fills: yellow = type here, blue = filled in by the office, grey = nothing to enter.
INPUT_FILL = "#FFF2CC"
PREFILLED_FILL = "#DDEBF7"
NA_FILL = "#D9D9D9"
CRITERION_FILL = "#E2EFDA"
TOTAL_FILL = "#C6E0B4"
HEADER_FILL = "#D9E1F2"
PROVISIONAL_FILL = "#FCE4D6"

# Text length limits of free-text inputs (Excel allows 32,767; these keep sheets printable).
TEXT_LIMITS = {"ma_don_vi": 10, "ten_don_vi": 100, "nguoi_phu_trach": 200, "dien_thoai": 50,
               "so_lieu": 1000, "tai_lieu": 1000, "ghi_chu": 500}

COVER_HINTS = {
    "ma_don_vi": "Mã 5 chữ số theo danh mục đơn vị hành chính, ví dụ 14809.",
    "ten_don_vi": "Chỉ ghi tên, ví dụ: Bắc Sơn (không ghi chữ \"phường\", \"xã\").",
    "loai_don_vi": "Chọn trong danh sách: xã, phường hoặc thị trấn.",
    "nam_danh_gia": "Đã điền sẵn, không sửa.",
    "ngay_bao_cao": "Ngày/tháng/năm, ví dụ 05/01/{next_year}.",
    "nguoi_phu_trach": "Ví dụ: Nguyễn Văn A - Công chức Tư pháp - Hộ tịch.",
    "dien_thoai": "Số điện thoại để cơ quan tư pháp liên hệ khi cần.",
}

COVER_TITLES = {"ten_don_vi": "Tên đơn vị", "nguoi_phu_trach": "Người phụ trách",
                "dien_thoai": "Điện thoại liên hệ"}  # input titles: at most 32 characters

SCORE_WIDTHS = {"ma": 6, "noi_dung": 46, "diem_toi_da": 8, "so_lieu": 24, "tu_so": 8, "mau_so": 8,
                "ty_le": 8, "diem": 9, "khong_phat_sinh": 10, "tai_lieu": 22, "ghi_chu": 16}
COVER_WIDTHS = (42, 30, 32)  # label, input, hint
HELP_WIDTHS = (7, 66, 10, 42)  # no. / code, text, max points, how scored
LAST_SCORE_COL = max(ord(c) - ord("A") for c in layout.SCORE_COLUMNS.values())


# ------------------------------------------------------------------ the cell plan


@dataclass(frozen=True)
class InputCell:
    """One named input: where it is and what it accepts (drives format and validation)."""

    name: str
    sheet: str
    row: int  # 0-based
    col: int  # 0-based
    kind: str  # code | text | kind | year | date | yes_no | points | pass_fail | count | flag
    field: str = ""  # layout field ('diem', 'so_lieu', ...) or cover field name
    indicator: Indicator | None = None

    @property
    def ref(self) -> str:
        """Absolute reference for a defined name: ='Bảng điểm'!$H$8."""
        return f"='{self.sheet}'!{xl_rowcol_to_cell(self.row, self.col, True, True)}"


def _col(field: str) -> int:
    return ord(layout.SCORE_COLUMNS[field]) - ord("A")


def cover_cells(rule_set: RuleSet) -> list[InputCell]:
    """Cover fields then declarations, one row each from layout.COVER_FIRST_ROW, input in B."""
    col = ord(layout.COVER_VALUE_COL) - ord("A")
    first = layout.COVER_FIRST_ROW - 1
    cells = [InputCell(name, layout.SHEET_COVER, first + n, col, kind, name)
             for n, (name, _label, kind) in enumerate(layout.COVER_FIELDS)]
    start = first + len(layout.COVER_FIELDS)
    cells += [InputCell(d.key, layout.SHEET_COVER, start + n, col, "yes_no", d.key)
              for n, d in enumerate(rule_set.conditions.declarations)]
    return cells


def indicator_fields(indicator: Indicator) -> tuple[str, ...]:
    """The input fields an indicator row has, in layout order."""
    return tuple(
        f for f in layout.INDICATOR_FIELDS
        if (f not in ("tu_so", "mau_so") or indicator.kind == "rate_bands")
        and (f != "khong_phat_sinh" or indicator.not_applicable_full)
    )


def _field_kind(field: str, indicator: Indicator) -> str:
    if field == "diem":
        return "pass_fail" if indicator.kind == "pass_fail" else "points"
    return {"tu_so": "count", "mau_so": "count", "khong_phat_sinh": "flag"}.get(field, "text")


def score_rows(rule_set: RuleSet) -> list[tuple[int, Criterion, Indicator | None]]:
    """(0-based row, criterion, indicator or None for the criterion row), in sheet order."""
    rows = []
    row = layout.SCORE_FIRST_ROW - 1
    for criterion in rule_set.criteria:
        rows.append((row, criterion, None))
        for indicator in criterion.indicators:
            row += 1
            rows.append((row, criterion, indicator))
        row += 1
    return rows


def score_cells(rule_set: RuleSet) -> list[InputCell]:
    return [
        InputCell(layout.indicator_name(f, ind.code), layout.SHEET_SCORES, row, _col(f),
                  _field_kind(f, ind), f, ind)
        for row, _c, ind in score_rows(rule_set) if ind is not None
        for f in indicator_fields(ind)
    ]


def input_cells(rule_set: RuleSet) -> dict[str, InputCell]:
    """Every named input cell of the form for this rule set, by defined name."""
    return {c.name: c for c in cover_cells(rule_set) + score_cells(rule_set)}


def input_names(rule_set: RuleSet) -> list[str]:
    """The defined names `write_form(values=...)` accepts, in sheet order."""
    return list(input_cells(rule_set))


# ------------------------------------------------------------------ small helpers


def slug(text: str) -> str:
    """ASCII file-name slug: 'Ngọc Trạo' -> 'ngoc-trao'."""
    bare = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    bare = bare.replace("đ", "d").replace("Đ", "D").lower()
    words = "".join(ch if ch.isascii() and ch.isalnum() else " " for ch in bare).split()
    return "-".join(words)


def _num(value: float) -> str:
    """A number the Vietnamese way: 2.5 -> '2,5', 3.0 -> '3'."""
    return f"{value + 0.0:g}".replace(".", ",")  # + 0.0 turns -0.0 into 0.0


def _example(ind: Indicator, rule_set: RuleSet) -> str:
    """A valid score with a decimal part, for prompts: max 3 -> '2,5'."""
    step = rule_set.point_step
    example = ind.max - 0.5 if ind.max >= 1 and (0.5 / step).is_integer() else ind.max - step
    return _num(max(example, ind.min_points))


def _is_number(value: Any) -> bool:
    return isinstance(value, (numbers.Real, Decimal)) and not isinstance(value, bool)


def _created(year: int) -> dt.datetime:
    # Fixed per year so the same inputs give the same bytes: never now().
    return dt.datetime(year, 1, 1, 0, 0, 0)


def _lines(text: str, width: float, size: int = 11, bold: bool = False) -> int:
    """Lines a wrapped text takes in a column `width` units wide (estimated).

    Neither xlsxwriter nor LibreOffice fits row heights to wrapped text on its own, so every
    row with long text gets an explicit height. Measured on LibreOffice's PDF: Times 11 fits
    about 1.25 characters per width unit at 11 pt (a width unit is a digit of the default
    12 pt font); 1.2 at 11 pt and 1.1 at 12 pt, less in bold, leave a small margin.
    """
    per_line = width * (1.2 if size <= 11 else 1.1) * (0.9 if bold else 1.0)
    per_line = max(1, int(per_line))
    return sum(max(1, -(-len(part) // per_line)) for part in str(text).split("\n"))


def _row_height(lines: int, size: int = 11) -> float:
    return round(lines * size * 1.32 + 3, 1)


def _fit_row(ws: Any, row: int, cells: list[tuple[Any, float]], size: int = 11, bold: bool = False,
             minimum: int = 1) -> None:
    """Set a row's height to its tallest wrapped cell: cells are (text, column width)."""
    lines = max([minimum] + [_lines(t, w, size, bold) for t, w in cells if isinstance(t, str) and t])
    ws.set_row(row, _row_height(lines, size))


def _band_text(indicator: Indicator) -> str:
    parts = []
    for b in sorted(indicator.bands, key=lambda b: b.lower, reverse=True):
        span = f"≥ {_num(b.lower)}%" if b.upper is None else f"{_num(b.lower)}% đến dưới {_num(b.upper)}%"
        parts.append(f"{span}: {_num(b.points)} điểm")
    return "; ".join(parts)


# ------------------------------------------------------------------ formats


class _Formats:
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
        self.max_prov = fmt(**small, align="center", bg_color=PROVISIONAL_FILL,
                            num_format=f'General"{PROVISIONAL_MARK}"')
        self.na = fmt(**small, bg_color=NA_FILL)
        self.rate = fmt(**small, align="center", num_format="0.00")
        self.s_text = fmt(**small, **inp)
        self.s_center = fmt(**small, **inp, align="center")
        self.s_count = fmt(**small, **inp, align="center", num_format="0")
        crit = {**small, "bold": True, "bg_color": CRITERION_FILL}
        self.c_code = fmt(**crit, align="center")
        self.c_name = fmt(**crit)
        self.c_max = fmt(**crit, align="center")
        self.c_max_prov = fmt(**crit, align="center", num_format=f'General"{PROVISIONAL_MARK}"')
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
            return {"code": self.in_code, "date": self.in_date, "yes_no": self.in_center,
                    "kind": self.in_center, "year": self.in_center}.get(cell.kind, self.in_text)
        if cell.kind == "count":
            return self.s_count
        return self.s_text if cell.kind == "text" else self.s_center


# ------------------------------------------------------------------ data validation


def _validation(cell: InputCell, rule_set: RuleSet, year: int) -> dict[str, Any]:
    """The xlsxwriter data-validation options of one input cell, with Vietnamese messages.

    Titles stay within Excel's 32 characters and messages within 255: longer ones make
    xlsxwriter drop the validation with only a warning (the tests turn warnings into errors).
    """
    kind, field = cell.kind, cell.field
    if kind == "code":
        return _dv("length", "between", 1, TEXT_LIMITS[field], "Mã đơn vị",
                   "Mã đơn vị hành chính gồm 5 chữ số (ví dụ 14809).",
                   "Mã đơn vị gồm các chữ số, tối đa 10 ký tự.")
    if kind == "text" and cell.sheet == layout.SHEET_COVER:
        limit = TEXT_LIMITS[field]
        return _dv("length", "<=", limit, None, COVER_TITLES[field], COVER_HINTS[field],
                   f"Nội dung quá dài: tối đa {limit} ký tự.")
    if kind == "kind":
        return _list(UNIT_KINDS, "Loại đơn vị", "Chọn xã, phường hoặc thị trấn trong danh sách.",
                     "Chỉ chọn một trong: xã, phường, thị trấn.")
    if kind == "year":
        return _dv("integer", "between", 2000, 2100, "Năm đánh giá",
                   f"Năm đánh giá ({year}) đã điền sẵn, không sửa.",
                   "Năm đánh giá là số nguyên, ví dụ 2023.")
    if kind == "date":
        low, high = dt.date(year, 1, 1), dt.date(year + 1, 12, 31)
        return _dv("date", "between", low, high, "Ngày báo cáo",
                   f"Nhập ngày dạng ngày/tháng/năm, ví dụ 05/01/{year + 1}.",
                   f"Ngày không hợp lệ: nhập ngày từ 01/01/{year} đến 31/12/{year + 1}, "
                   "dạng ngày/tháng/năm.")
    if kind == "yes_no":
        return _list(layout.YES_NO, "Trả lời Có hoặc Không", "Chọn Có hoặc Không trong danh sách.",
                     "Chỉ chọn Có hoặc Không.")
    return _indicator_validation(cell, cell.indicator, rule_set)


def _indicator_validation(cell: InputCell, ind: Indicator, rule_set: RuleSet) -> dict[str, Any]:
    code, field = ind.code, cell.field
    if cell.kind == "pass_fail":
        return _list(layout.PASS_FAIL, "Điểm tự chấm", "Chọn Đạt hoặc Không đạt.",
                     "Chỉ chọn Đạt hoặc Không đạt trong danh sách.")
    if cell.kind == "points":
        low, high, step = _num(ind.min_points), _num(ind.max), _num(rule_set.point_step)
        message = _message(
            f"Điểm tự chấm từ {low} đến {high}, theo bậc {step} (ví dụ {_example(ind, rule_set)}).",
            f"Nếu không phát sinh: chọn \"Có\" ở cột Không phát sinh và ghi {high} điểm."
            if ind.not_applicable_full else "",
            f"Điểm theo tỷ lệ: {_band_text(ind)}." if ind.kind == "rate_bands" else "",
        )
        return _dv("decimal", "between", ind.min_points, ind.max, "Điểm tự chấm", message,
                   f"Điểm phải là số từ {low} đến {high}, theo bậc {step}. Chỉ gõ số, không gõ chữ; "
                   "số thập phân dùng dấu phẩy hoặc dấu chấm tùy cài đặt của máy.")
    if cell.kind == "count":
        label = ind.numerator_label if field == "tu_so" else ind.denominator_label
        title = "Tử số" if field == "tu_so" else "Mẫu số"
        return _dv("integer", ">=", 0, None, f"{title} - chỉ tiêu {code}",
                   _message(f"{label}: số nguyên, từ 0 trở lên.") or "Số nguyên, từ 0 trở lên.",
                   "Nhập số nguyên không âm (0, 1, 2, ...). Tử số không lớn hơn mẫu số.")
    if cell.kind == "flag":
        return _list(("Có",), f"Không phát sinh - {code}",
                     "Chọn \"Có\" nếu trong năm không phát sinh việc thuộc chỉ tiêu này (được tính "
                     "điểm tối đa). Nếu có phát sinh thì để trống.",
                     "Chỉ chọn \"Có\" hoặc để trống.")
    limit = TEXT_LIMITS[field]
    message = {
        "so_lieu": "Ghi tóm tắt số liệu làm căn cứ chấm điểm (ví dụ: 4/4 văn bản ban hành đúng hạn).",
        "tai_lieu": "Ghi số, ký hiệu, ngày của văn bản, hồ sơ chứng minh.",
        "ghi_chu": "Ghi chú thêm nếu cần.",
    }[field]
    title = {"so_lieu": "Số liệu", "tai_lieu": "Tài liệu kiểm chứng", "ghi_chu": "Ghi chú"}[field]
    return _dv("length", "<=", limit, None, title, f"{message} Tối đa {limit} ký tự.",
               f"Nội dung quá dài: tối đa {limit} ký tự.")


def _message(*parts: str) -> str:
    """Join prompt sentences, leaving out those that would pass Excel's 255 characters
    (the sheet's footnotes carry the full text anyway)."""
    out = ""
    for part in filter(None, parts):
        candidate = f"{out} {part}".strip()
        if len(candidate.encode("utf-16-le")) // 2 <= 255:
            out = candidate
    return out


def _freeze(options: dict[str, Any]) -> tuple:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in options.items()))


def _dv(validate: str, criteria: str, low: Any, high: Any, title: str, message: str, error: str) -> dict:
    options = {"validate": validate, "criteria": criteria, "input_title": title,
               "input_message": message, "error_title": "Giá trị không hợp lệ", "error_message": error}
    if high is None:
        options["value"] = low
    else:
        options["minimum"], options["maximum"] = low, high
    return options


def _list(choices: tuple[str, ...], title: str, message: str, error: str) -> dict:
    return {"validate": "list", "source": list(choices), "input_title": title,
            "input_message": message, "error_title": "Giá trị không hợp lệ", "error_message": error}


# ------------------------------------------------------------------ the writer


class _Form:
    """Writes one form workbook. One method per sheet; state is what every sheet needs."""

    def __init__(self, wb: xlsxwriter.Workbook, rule_set: RuleSet, year: int, unit: Unit | None,
                 values: Mapping[str, Any], office_name: str):
        self.wb, self.rs, self.year, self.unit, self.office = wb, rule_set, year, unit, office_name
        self.f = _Formats(wb)
        self.cells = input_cells(rule_set)
        unknown = sorted(set(values) - set(self.cells))
        if unknown:
            raise ValueError(
                f"not an input of this form ({rule_set.id}): {', '.join(unknown)}; "
                f"inputs are: {', '.join(self.cells)}"
            )
        self.values = dict(self.prefill(), **values)
        self.pass_fail = rule_set.scoring == "pass_fail"
        self.validations: dict[tuple, tuple[dict, list[InputCell]]] = {}

    def prefill(self) -> dict[str, Any]:
        """What the office fills in before sending: the year always, the unit when known."""
        out: dict[str, Any] = {"nam_danh_gia": self.year}
        if self.unit is not None:
            out.update(ma_don_vi=self.unit.code, ten_don_vi=self.unit.name, loai_don_vi=self.unit.kind)
        return out

    def locked_names(self) -> set[str]:
        return {"nam_danh_gia"} | ({"ma_don_vi", "ten_don_vi", "loai_don_vi"} if self.unit else set())

    # -- values

    def write_value(self, ws: Any, cell: InputCell, value: Any, fmt: Any) -> None:
        """Write with the value's own type: text never becomes a formula or a number."""
        r, c = cell.row, cell.col
        if value is None:
            ws.write_blank(r, c, None, fmt)
        elif isinstance(value, bool):
            ws.write_boolean(r, c, value, fmt)
        elif _is_number(value):
            ws.write_number(r, c, float(value), fmt)
        elif isinstance(value, (dt.date, dt.datetime)):
            ws.write_datetime(r, c, value, self.f.in_date if fmt is not self.f.prefilled else fmt)
        else:
            ws.write_string(r, c, str(value), fmt)

    def number(self, name: str) -> float | None:
        value = self.values.get(name)
        return float(value) if _is_number(value) else None

    def write_input(self, ws: Any, cell: InputCell) -> None:
        if cell.name in self.locked_names():
            fmt = self.f.prefilled_year if cell.kind == "year" else self.f.prefilled
        else:
            fmt = self.f.input_for(cell)
        self.write_value(ws, cell, self.values.get(cell.name), fmt)
        options = _validation(cell, self.rs, self.year)
        group = self.validations.setdefault(_freeze(options), (options, []))
        group[1].append(cell)
        self.wb.define_name(cell.name, cell.ref)

    def flush_validations(self, ws: Any) -> None:
        """One validation per distinct rule, over all the cells that share it.

        Same behaviour for the user as one per cell, but a fraction of the XML to write: the
        form is written thousands of times in the benchmark.
        """
        for options, cells in self.validations.values():
            first, *others = cells
            if others:
                options = dict(options, other_cells=[(c.row, c.col, c.row, c.col) for c in others])
            ws.data_validation(first.row, first.col, first.row, first.col, options)
        self.validations = {}

    # -- sheets

    def write(self) -> None:
        cover = self.wb.add_worksheet(layout.SHEET_COVER)
        scores = self.wb.add_worksheet(layout.SHEET_SCORES)
        help_ = self.wb.add_worksheet(layout.SHEET_HELP)
        meta = self.wb.add_worksheet(layout.SHEET_META)
        self.cover(cover)
        self.scores(scores)
        self.help(help_)
        self.meta(meta)
        cover.activate()
        self.properties()

    def properties(self) -> None:
        self.wb.set_properties({
            "title": f"{TITLE.capitalize()} năm {self.year}",
            "subject": self.rs.name,
            "author": "tcpl",
            "company": self.office,
            "comments": f"{layout.TEMPLATE_ID} v{layout.TEMPLATE_VERSION}, {self.rs.id}",
            "created": _created(self.year),
        })

    def print_setup(self, ws: Any, landscape: bool, header: str) -> None:
        ws.set_paper(9)  # A4
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.fit_to_pages(1, 0)  # one page wide, as many pages tall as needed
        ws.set_margins(left=0.5, right=0.4, top=0.7, bottom=0.6)
        ws.center_horizontally()
        # '&' starts a header code: a unit or office name containing one must be doubled.
        ws.set_header(f'&L&"{FONT},Italic"&9{header.replace("&", "&&")[:200]}')
        ws.set_footer(f'&R&"{FONT},Regular"&9Trang &P/&N')

    def header_text(self) -> str:
        who = self.unit.full_name if self.unit else "Phiếu tự đánh giá"
        return f"{who} - chuẩn tiếp cận pháp luật năm {self.year}"

    def protect(self, ws: Any) -> None:
        # No password: this guards against accidents, not people. Rows and columns can be
        # resized (long text), but not inserted or deleted.
        ws.protect("", {"format_columns": True, "format_rows": True})

    # -- cover sheet

    def cover(self, ws: Any) -> None:
        f = self.f
        for col, width in enumerate(COVER_WIDTHS):
            ws.set_column(col, col, width)
        ws.set_row(0, 36)
        ws.merge_range(0, 0, 0, 2, TITLE, f.title)
        ws.set_row(1, 34)
        ws.merge_range(1, 0, 1, 2, f"Năm đánh giá {self.year} - {self.rs.name}", f.subtitle)
        for col, text in enumerate(("Thông tin", "Nội dung điền", "Hướng dẫn")):
            ws.write_string(layout.COVER_FIRST_ROW - 2, col, text, f.col_head)
        labels = {name: label for name, label, _k in layout.COVER_FIELDS}
        labels.update({d.key: d.label for d in self.rs.conditions.declarations})
        last = 0
        for cell in cover_cells(self.rs):
            ws.write_string(cell.row, 0, labels[cell.name], f.label)
            self.write_input(ws, cell)
            hint = COVER_HINTS.get(cell.name, "Chọn Có hoặc Không trong danh sách.")
            hint = hint.format(next_year=self.year + 1)
            ws.write_string(cell.row, 2, hint, f.hint)
            value = self.values.get(cell.name)
            lines = max(_lines(labels[cell.name], COVER_WIDTHS[0], 12), _lines(hint, COVER_WIDTHS[2], 11),
                        _lines(value, COVER_WIDTHS[1], 12) if isinstance(value, str) else 1)
            ws.set_row(cell.row, _row_height(lines, 12))
            last = cell.row
        notes = [
            "Ô nền vàng là ô cần điền; ô nền xanh đã được điền sẵn, không sửa.",
            "Sau khi điền xong trang này, chuyển sang trang \"Bảng điểm\" để tự chấm điểm.",
            "Lưu tệp dạng Excel (.xlsx) và gửi về "
            + (self.office or "cơ quan tư pháp cấp trên") + " đúng thời hạn.",
        ]
        for n, text in enumerate(notes):
            ws.merge_range(last + 2 + n, 0, last + 2 + n, 2, text, f.note)
            _fit_row(ws, last + 2 + n, [(text, sum(COVER_WIDTHS))])
        self.flush_validations(ws)
        self.print_setup(ws, landscape=False, header=self.header_text())
        self.protect(ws)

    # -- score sheet

    def scores(self, ws: Any) -> None:
        f = self.f
        for field, letter in layout.SCORE_COLUMNS.items():
            col = ord(letter) - ord("A")
            ws.set_column(col, col, SCORE_WIDTHS[field])
        self.score_titles(ws)
        head = layout.SCORE_HEADER_ROW - 1
        ws.set_row(head, 45)
        for field, letter in layout.SCORE_COLUMNS.items():
            col = ord(letter) - ord("A")
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

    def score_titles(self, ws: Any) -> None:
        f = self.f
        ws.set_row(0, 24)
        ws.merge_range(0, 0, 0, LAST_SCORE_COL, TITLE, f.title)
        ws.set_row(1, 20)
        decision = "; ".join(x for x in (self.rs.decision, self.rs.guidance) if x)
        ws.merge_range(1, 0, 1, LAST_SCORE_COL,
                       f"Năm đánh giá {self.year} - theo {decision or self.rs.name}", f.subtitle)
        # The unit, from the cover sheet, so a printed score sheet says whose it is.
        formula = ('=IF(ten_don_vi="","Đơn vị: ' + "." * 60 + '",'
                   '"Đơn vị: "&UPPER(LEFT(loai_don_vi,1))&MID(loai_don_vi,2,20)&" "&ten_don_vi)')
        ws.set_row(2, 20)
        ws.merge_range(2, 0, 2, LAST_SCORE_COL, "", f.subtitle)
        ws.write_formula(2, 0, formula, f.subtitle, self.unit_line())
        ws.merge_range(3, 0, 3, LAST_SCORE_COL,
                       "Ô nền vàng: ô cần điền. Ô nền xám: không điền. Điểm tiêu chí và tổng điểm "
                       "tự tính.", f.note)

    def unit_line(self) -> str:
        name, kind = self.values.get("ten_don_vi"), self.values.get("loai_don_vi")
        if name in (None, ""):
            return "Đơn vị: " + "." * 60
        kind = "" if kind is None else str(kind)
        return f"Đơn vị: {kind[:1].upper()}{kind[1:]} {name}"

    def criterion_row(self, ws: Any, row: int, criterion: Criterion) -> str:
        f = self.f
        first, last = row + 1, row + len(criterion.indicators)
        diem = _col("diem")
        span = f"{xl_rowcol_to_cell(first, diem)}:{xl_rowcol_to_cell(last, diem)}"
        for field in layout.SCORE_COLUMNS:
            ws.write_blank(row, _col(field), None, f.c_blank)
        ws.write_string(row, _col("ma"), criterion.code, f.c_code)
        codes = [i.code for i in criterion.indicators]
        if self.pass_fail:
            # Pass/fail sets: the criterion row counts "Đạt" answers out of its indicators;
            # whether that is enough is the scoring engine's call (criterion.pass_rule).
            name = f"{criterion.name} (yêu cầu: {criterion.pass_rule.describe(len(codes))} chỉ tiêu)"
            ws.write_string(row, _col("noi_dung"), name, f.c_name)
            _fit_row(ws, row, [(name, SCORE_WIDTHS["noi_dung"])], bold=True)
            ws.write_number(row, _col("diem_toi_da"), len(codes), f.c_max)
            passed = sum(1 for c in codes if self.values.get(layout.indicator_name("diem", c)) == "Đạt")
            ws.write_formula(row, diem, f'=COUNTIF({span},"Đạt")', f.c_max, passed)
        else:
            ws.write_string(row, _col("noi_dung"), criterion.name, f.c_name)
            _fit_row(ws, row, [(criterion.name, SCORE_WIDTHS["noi_dung"])], bold=True)
            prov = criterion.provenance.provisional
            ws.write_number(row, _col("diem_toi_da"), criterion.max, f.c_max_prov if prov else f.c_max)
            points = [self.number(layout.indicator_name("diem", c)) for c in codes]
            ws.write_formula(row, diem, f"=SUM({span})", f.c_max, sum(p for p in points if p is not None))
        cell = xl_rowcol_to_cell(row, diem)
        self.wb.define_name(layout.criterion_total_name(criterion.code),
                            f"='{layout.SHEET_SCORES}'!{xl_rowcol_to_cell(row, diem, True, True)}")
        return cell

    def indicator_row(self, ws: Any, row: int, ind: Indicator) -> None:
        f = self.f
        inputs = set(indicator_fields(ind))
        for field in layout.SCORE_COLUMNS:
            if field not in inputs:
                ws.write_blank(row, _col(field), None, f.na)
        ws.write_string(row, _col("ma"), ind.code, f.code)
        ws.write_string(row, _col("noi_dung"), ind.name, f.name)
        if ind.kind == "pass_fail":
            ws.write_blank(row, _col("diem_toi_da"), None, f.na)
        else:
            ws.write_number(row, _col("diem_toi_da"), ind.max, f.max_prov if ind.provisional else f.max)
        if ind.kind == "rate_bands":
            self.rate_formula(ws, row, ind)
        texts = [(ind.name, SCORE_WIDTHS["noi_dung"])]
        for field in indicator_fields(ind):
            name = layout.indicator_name(field, ind.code)
            self.write_input(ws, self.cells[name])
            texts.append((self.values.get(name), SCORE_WIDTHS[field]))
        _fit_row(ws, row, texts)

    def rate_formula(self, ws: Any, row: int, ind: Indicator) -> None:
        num = xl_rowcol_to_cell(row, _col("tu_so"))
        den = xl_rowcol_to_cell(row, _col("mau_so"))
        n, d = self.number(layout.indicator_name("tu_so", ind.code)), \
            self.number(layout.indicator_name("mau_so", ind.code))
        cached: Any = n / d * 100 if n is not None and d is not None and d > 0 else ""
        ws.write_formula(row, _col("ty_le"), f'=IF(AND(ISNUMBER({den}),{den}>0),{num}/{den}*100,"")',
                         self.f.rate, cached)

    def total_row(self, ws: Any, row: int, subtotal_cells: list[str]) -> None:
        f = self.f
        for field in layout.SCORE_COLUMNS:
            ws.write_blank(row, _col(field), None, f.t_blank)
        ws.write_string(row, _col("ma"), layout.TOTAL_CODE, f.t_code)
        diem = _col("diem")
        if self.pass_fail:
            ws.write_string(row, _col("noi_dung"), "Tổng số chỉ tiêu Đạt", f.t_name)
            ws.write_number(row, _col("diem_toi_da"), len(self.rs.indicators), f.t_num)
            cached = sum(1 for i in self.rs.indicators
                         if self.values.get(layout.indicator_name("diem", i.code)) == "Đạt")
        else:
            ws.write_string(row, _col("noi_dung"), "Tổng điểm", f.t_name)
            ws.write_number(row, _col("diem_toi_da"), self.rs.total_max, f.t_num)
            points = [self.number(layout.indicator_name("diem", i.code)) for i in self.rs.indicators]
            cached = sum(p for p in points if p is not None)
        ws.write_formula(row, diem, f"=SUM({','.join(subtotal_cells)})", f.t_num, cached)
        self.wb.define_name(layout.TOTAL_NAME,
                            f"='{layout.SHEET_SCORES}'!{xl_rowcol_to_cell(row, diem, True, True)}")

    def footnote_lines(self) -> list[str]:
        rs, lines = self.rs, []
        if rs.has_provisional:
            lines.append(f"{PROVISIONAL_NOTE} Số liệu tạm tính của bộ tiêu chí: "
                         + "; ".join(rs.provisional_figures) + ".")
        for ind in rs.indicators:
            if ind.kind == "rate_bands":
                lines.append(f"Chỉ tiêu {ind.code}: Tỷ lệ (%) = Tử số ({ind.numerator_label.lower()}) / "
                             f"Mẫu số ({ind.denominator_label.lower()}) × 100, tự tính. "
                             f"Mức điểm: {_band_text(ind)}.")
            if ind.not_applicable_full:
                lines.append(f"Chỉ tiêu {ind.code}: nếu trong năm không phát sinh, chọn \"Có\" ở cột (9) "
                             f"và ghi {_num(ind.max)} điểm (điểm tối đa).")
        lines.append(self.conditions_text())
        return lines

    def conditions_text(self) -> str:
        cond, parts = self.rs.conditions, []
        if cond.total_min is not None:
            parts.append(f"tổng điểm từ {_num(cond.total_min)} trở lên")
        if cond.criterion_min_fraction is not None:
            parts.append(f"mỗi tiêu chí đạt từ {_num(cond.criterion_min_fraction * 100)}% "
                         "điểm tối đa trở lên")
        if cond.criteria_pass_rule is not None:
            parts.append(f"các tiêu chí: {cond.criteria_pass_rule.describe(len(self.rs.criteria))}")
        parts += [f"\"{d.short}\": trả lời \"{'Không' if d.disqualifying_answer else 'Có'}\""
                  for d in cond.declarations]
        return "Điều kiện công nhận đạt chuẩn: " + "; ".join(parts) + "."

    def footnotes(self, ws: Any, row: int) -> int:
        """Notes under the table, one merged row each; returns the last row used."""
        for text in self.footnote_lines():
            _fit_row(ws, row, [(text, sum(SCORE_WIDTHS.values()))])
            ws.merge_range(row, 0, row, LAST_SCORE_COL, text, self.f.note)
            row += 1
        return row - 1

    def signatures(self, ws: Any, row: int) -> None:
        f, right = self.f, (_col("diem") - 1, LAST_SCORE_COL)
        ws.merge_range(row, right[0], row, right[1],
                       "............, ngày ...... tháng ...... năm ..........", f.sign_note)
        ws.set_row(row + 1, 32)
        ws.merge_range(row + 1, 0, row + 1, 1, "NGƯỜI LẬP PHIẾU", f.sign)
        ws.merge_range(row + 1, right[0], row + 1, right[1], "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", f.sign)
        ws.merge_range(row + 2, 0, row + 2, 1, "(Ký, ghi rõ họ tên)", f.sign_note)
        ws.merge_range(row + 2, right[0], row + 2, right[1], "(Ký tên, đóng dấu)", f.sign_note)

    # -- help sheet

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
            _fit_row(ws, row, [(text, sum(HELP_WIDTHS[1:]))], size=12)
            row += 1
        row += 1
        ws.write_string(row, 0, "Màu ô", f.heading)
        row += 1
        for fmt, text in ((f.h_example_in, "Ô cần điền (nền vàng)"),
                          (f.h_example_pre, "Đã điền sẵn, không sửa (nền xanh)"),
                          (f.h_example_na, "Không điền (nền xám)")):
            ws.write_blank(row, 0, None, fmt)
            ws.write_string(row, 1, text, f.para)
            row += 1
        row += 1
        ws.write_string(row, 0, "Danh sách chỉ tiêu", f.heading)
        row += 1
        self.help_table(ws, row)
        self.print_setup(ws, landscape=False, header=self.header_text())
        self.protect(ws)

    def help_steps(self) -> list[str]:
        rs, step = self.rs, _num(self.rs.point_step)
        steps = [
            "Chỉ điền vào các ô nền vàng (ô không bị khóa). Các ô khác đã khóa để tránh sửa nhầm; "
            "không cần mật khẩu.",
            "Trang \"Thông tin chung\": kiểm tra tên, mã, loại đơn vị; điền ngày báo cáo (dạng "
            f"ngày/tháng/năm, ví dụ 05/01/{self.year + 1}), người phụ trách và số điện thoại.",
        ]
        if rs.conditions.declarations:
            steps.append("Trả lời câu hỏi cam kết ở cuối trang \"Thông tin chung\" bằng cách chọn Có hoặc "
                         "Không. Câu trả lời này là một điều kiện công nhận đạt chuẩn.")
        if self.pass_fail:
            steps.append("Trang \"Bảng điểm\": với mỗi chỉ tiêu, chọn Đạt hoặc Không đạt ở cột "
                         "\"Điểm tự chấm\"; ghi số liệu và tài liệu kiểm chứng.")
        else:
            steps.append("Trang \"Bảng điểm\": với mỗi chỉ tiêu, ghi điểm tự chấm ở cột \"Điểm tự chấm\", "
                         f"không vượt điểm tối đa, theo bậc {step} điểm (ví dụ 0; 0,25; 0,5; ...). Gõ số "
                         "thập phân bằng dấu phẩy (2,5) hoặc dấu chấm (2.5) tùy cài đặt của máy; nếu máy "
                         "báo lỗi, thử dấu còn lại. Không gõ thêm chữ như \"điểm\".")
            steps.append("Ghi số liệu làm căn cứ chấm điểm ở cột \"Số liệu sử dụng để đánh giá\" và "
                         "số, ký hiệu văn bản, hồ sơ ở cột \"Tài liệu kiểm chứng\".")
        for ind in rs.indicators:
            if ind.kind == "rate_bands":
                steps.append(f"Chỉ tiêu {ind.code} tính theo tỷ lệ: ghi Tử số ({ind.numerator_label.lower()}) "
                             f"và Mẫu số ({ind.denominator_label.lower()}); cột Tỷ lệ tự tính. Mức điểm: "
                             f"{_band_text(ind)}. Ghi điểm tương ứng ở cột \"Điểm tự chấm\".")
        naf = [i.code for i in rs.indicators if i.not_applicable_full]
        if naf:
            steps.append("Cột \"Không phát sinh\" chỉ dùng cho chỉ tiêu " + ", ".join(naf) + ": nếu trong năm "
                         "không phát sinh việc thuộc chỉ tiêu, chọn \"Có\" và ghi điểm tối đa; nếu có phát "
                         "sinh thì để trống và tự chấm như bình thường.")
        steps += [
            "Điểm từng tiêu chí và tổng điểm do bảng tự tính, không cần điền.",
            "Không đổi tên, không xóa hoặc chèn trang, dòng, cột. Muốn ghi dài, có thể nới rộng cột "
            "hoặc dòng.",
            "Lưu tệp dạng Excel (.xlsx), giữ nguyên tên trang, rồi gửi về "
            + (self.office or "cơ quan tư pháp cấp trên") + " (qua email, Zalo hoặc USB). "
            "Nếu gửi lại bản sửa, ghi ngày báo cáo mới.",
        ]
        if rs.has_provisional:
            steps.append("Điểm tối đa có dấu (*) là số tạm tính, chưa đối chiếu văn bản gốc; cơ quan tư pháp "
                         "sẽ thông báo nếu có thay đổi.")
        return steps

    def help_table(self, ws: Any, row: int) -> None:
        f = self.f
        for col, text in enumerate(("Mã", "Tiêu chí / chỉ tiêu", "Điểm tối đa", "Cách chấm")):
            ws.write_string(row, col, text, f.h_head)
        _fit_row(ws, row, [("Điểm tối đa", HELP_WIDTHS[2])], size=12, bold=True)
        for crit in self.rs.criteria:
            row += 1
            ws.write_string(row, 0, crit.code, f.h_crit_center)
            ws.write_string(row, 1, crit.name, f.h_crit)
            _fit_row(ws, row, [(crit.name, HELP_WIDTHS[1])], size=12, bold=True)
            if self.pass_fail:
                ws.write_blank(row, 2, None, f.h_crit_center)
                ws.write_string(row, 3, f"Yêu cầu {crit.pass_rule.describe(len(crit.indicators))} chỉ tiêu",
                                f.h_crit)
            else:
                mark = PROVISIONAL_MARK if crit.provenance.provisional else ""
                ws.write_string(row, 2, _num(crit.max) + mark, f.h_crit_center)
                ws.write_blank(row, 3, None, f.h_crit)
            for ind in crit.indicators:
                row += 1
                ws.write_string(row, 0, ind.code, f.h_center)
                ws.write_string(row, 1, ind.name, f.h_cell)
                mark = PROVISIONAL_MARK if ind.provisional else ""
                ws.write_string(row, 2, "" if self.pass_fail else _num(ind.max) + mark, f.h_center)
                how = self.how_scored(ind)
                ws.write_string(row, 3, how, f.h_cell)
                _fit_row(ws, row, [(ind.name, HELP_WIDTHS[1]), (how, HELP_WIDTHS[3])], size=12)

    def how_scored(self, ind: Indicator) -> str:
        if ind.kind == "pass_fail":
            return "Đạt / Không đạt"
        text = f"Từ {_num(ind.min_points)} đến {_num(ind.max)}, bậc {_num(self.rs.point_step)}"
        if ind.kind == "rate_bands":
            text = f"Theo tỷ lệ: {_band_text(ind)}"
        if ind.not_applicable_full:
            text += "; được chọn \"Không phát sinh\" (tính điểm tối đa)"
        return text

    # -- metadata sheet

    def meta(self, ws: Any) -> None:
        meta = {
            "template_id": layout.TEMPLATE_ID,
            "template_version": str(layout.TEMPLATE_VERSION),
            "rule_set": self.rs.id,
            "year": str(self.year),
            "unit_code": self.unit.code if self.unit else "",
            "generated_by": f"tcpl {__version__}",
        }
        for row, key in enumerate(layout.META_KEYS):
            ws.write_string(row, 0, key)
            if meta[key]:  # a blank unit code stays an empty cell, not an empty string
                ws.write_string(row, 1, meta[key])
        ws.hide()
        self.protect(ws)


# ------------------------------------------------------------------ public API


def write_form(path: Path, rule_set: RuleSet, year: int, unit: Unit | None = None,
               values: Mapping[str, Any] | None = None, office_name: str = "") -> Path:
    """Write one form workbook and return its path.

    `unit` pre-fills and locks the unit's code, name and kind. `values` maps defined names
    (see docs/form.md) to what goes in those input cells, written with their own type;
    a name that is not an input of this form raises ValueError before anything is written.
    """
    path = Path(path)
    wb = xlsxwriter.Workbook(str(path), {
        "in_memory": True,  # no temp files: faster, and nothing left behind on a crash
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "default_format_properties": {"font_name": FONT, "font_size": 12},
    })
    try:
        _Form(wb, rule_set, year, unit, values or {}, office_name).write()
    except BaseException:
        # Do not leave a half-made file behind: close without writing.
        wb.fileclosed = True
        raise
    wb.close()
    return path


def template_name(rule_set: RuleSet, year: int, unit: Unit | None = None) -> str:
    if unit is None:
        return f"mau-phieu-{rule_set.id}-{year}.xlsx"
    return f"mau-phieu-{year}-{unit.code}-{slug(unit.name)}.xlsx"


def write_templates(config: Config, rule_set: RuleSet, out_dir: Path) -> list[Path]:
    """The blank form plus one pre-filled form per configured unit, into out_dir."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    year, office = config.year, config.office_name
    paths = [write_form(out_dir / template_name(rule_set, year), rule_set, year, office_name=office)]
    for unit in config.units:
        paths.append(write_form(out_dir / template_name(rule_set, year, unit), rule_set, year,
                                unit=unit, office_name=office))
    return paths
