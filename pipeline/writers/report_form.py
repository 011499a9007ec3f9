"""Write the commune's periodic report workbook (báo cáo định kỳ), generated from config like
the form: one printable sheet — the cover (unit, period, year, report date, official), the
figures of the seed plan (each a validated whole number ≥ 0) and four text cells — and the
hidden metadata its reader recognises it by (core/report_layout.py holds that contract).

Only input cells are unlocked; the sheet is protected without a password; every input has a
data validation with a Vietnamese prompt and a workbook-level defined name, so a program can
fill it (the demo and the tests do) and the reader finds each value even if rows move.
Reproducible: the creation date comes from the year, never the clock.
"""

from __future__ import annotations

import datetime as dt
import numbers
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from pipeline import __version__
from pipeline.core import report_layout as L
from pipeline.core.config import UNIT_KINDS, Config, Unit
from pipeline.core.text import date_text
from pipeline.steps.values import slug
from pipeline.writers.atomic import atomic_output
from pipeline.writers.form import INPUT_FILL, PREFILLED_FILL, dv_list, dv_options
from pipeline.writers.form.look import HEADER_FILL
from pipeline.writers.xlsx import FONT, Formats, print_setup, signature_pair
from pipeline.writers.xlsx.measure import FORM

SIZE = 12


def report_form_name(config: Config, period: str, unit: Unit | None = None) -> str:
    """'mau-bao-cao-6-thang-2018.xlsx', or with the unit: 'bao-cao-6-thang-2018-14809-bac-son.xlsx'."""
    if unit is None:
        return f"mau-bao-cao-{period}-{config.year}.xlsx"
    return f"bao-cao-{period}-{config.year}-{unit.code}-{slug(unit.name)}.xlsx"


def write_report_form(
    path: Path, config: Config, period: str, unit: Unit | None = None, values: Mapping[str, Any] | None = None
) -> Path:
    """Write one report workbook for `period` ('6-thang' or 'nam') of config's year; return its
    path. `unit` pre-fills and locks the unit's code, name and kind; `values` maps defined
    names (core/report_layout.py) to what the commune would have typed, written with their own
    type. A name that is not an input raises ValueError before anything is written."""
    if period not in L.PERIODS:
        raise ValueError(f"unknown period {period!r}: one of {', '.join(L.PERIODS)}")
    unknown = sorted(set(values or {}) - set(L.BY_NAME))
    if unknown:
        raise ValueError(f"not an input of the report workbook: {', '.join(unknown)}")
    path = Path(path)
    with atomic_output(path) as tmp:
        wb = xlsxwriter.Workbook(
            str(tmp),
            {
                "in_memory": True,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "default_format_properties": {"font_name": FONT, "font_size": SIZE},
            },
        )
        try:
            _Writer(wb, config, period, unit, dict(values or {})).write()
        except BaseException:
            wb.fileclosed = True  # nothing half-made left behind
            raise
        wb.close()
    return path


def write_report_forms(config: Config, period: str, folder: Path) -> list[Path]:
    """The blank report workbook and one pre-filled for each configured unit, into `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [write_report_form(folder / report_form_name(config, period), config, period)]
    for unit in config.units:
        paths.append(write_report_form(folder / report_form_name(config, period, unit), config, period, unit))
    return paths


def _is_number(value: Any) -> bool:
    return isinstance(value, (numbers.Real, Decimal)) and not isinstance(value, bool)


class _Writer:
    def __init__(self, wb, config: Config, period: str, unit: Unit | None, values: dict[str, Any]):
        self.wb, self.cfg, self.period, self.unit = wb, config, period, unit
        prefilled = {"ky_bao_cao": L.PERIODS[period], "nam_bao_cao": config.year}
        if unit is not None:
            prefilled.update(ma_don_vi=unit.code, ten_don_vi=unit.name, loai_don_vi=unit.kind)
        self.locked = set(prefilled)
        self.values = {**values, **prefilled}
        self.fmt = Formats(wb)  # the signature block's formats
        box = {"border": 1, "valign": "top", "text_wrap": True, "font_size": SIZE}
        inp = {**box, "locked": False, "bg_color": INPUT_FILL}
        self.f = {
            "title": wb.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"}),
            "subtitle": wb.add_format({"italic": True, "align": "center", "valign": "vcenter", "text_wrap": True}),
            "note": wb.add_format({"italic": True, "font_size": 11, "text_wrap": True, "valign": "top"}),
            "section": wb.add_format({"bold": True, "font_size": 13, "valign": "vcenter"}),
            "head": wb.add_format({**box, "bold": True, "align": "center", "bg_color": HEADER_FILL}),
            "no": wb.add_format({**box, "align": "center"}),
            "label": wb.add_format(box),
            "hint": wb.add_format({**box, "italic": True, "font_size": 11, "font_color": "#595959"}),
            "text": wb.add_format(inp),
            "code": wb.add_format({**inp, "num_format": "@"}),
            "date": wb.add_format({**inp, "num_format": "dd/mm/yyyy", "align": "left"}),
            "count": wb.add_format({**inp, "num_format": "0", "align": "center"}),
            "center": wb.add_format({**inp, "align": "center"}),
            "prefilled": wb.add_format({**box, "bold": True, "bg_color": PREFILLED_FILL, "num_format": "@"}),
            "prefilled_year": wb.add_format({**box, "bold": True, "bg_color": PREFILLED_FILL, "align": "left"}),
        }

    def write(self) -> None:
        ws = self.wb.add_worksheet(L.SHEET)
        meta = self.wb.add_worksheet(L.META_SHEET)
        for col, width in enumerate(L.WIDTHS):
            ws.set_column(col, col, width)
        self.heading(ws)
        self.cover(ws)
        self.figures(ws)
        self.texts(ws)
        end = self.footer(ws)
        print_setup(ws, landscape=False, repeat=None, header=self.header_text())
        ws.print_area(0, 0, end, len(L.WIDTHS) - 1)
        ws.protect("", {"format_columns": True, "format_rows": True})
        ws.activate()
        self.meta(meta)
        self.wb.set_properties(
            {
                "title": f"Báo cáo {L.period_words(self.period, self.cfg.year)}",
                "subject": "Báo cáo định kỳ xây dựng xã, phường đạt chuẩn tiếp cận pháp luật",
                "author": "tcpl",
                "company": self.cfg.office_name,
                "comments": f"{L.TEMPLATE_ID} v{L.TEMPLATE_VERSION}, {self.period}",
                "created": dt.datetime(self.cfg.year, 1, 1),
            }
        )

    def header_text(self) -> str:
        who = self.unit.full_name if self.unit else "Báo cáo định kỳ"
        return f"{who} - báo cáo {L.period_words(self.period, self.cfg.year)}"

    # -- blocks

    def heading(self, ws) -> None:
        last = len(L.WIDTHS) - 1
        who = f" CỦA {self.unit.full_name.upper()}" if self.unit else ""
        ws.merge_range(0, 0, 0, last, f"BÁO CÁO {L.PERIOD_TITLES[self.period]} {self.cfg.year}{who}", self.f["title"])
        ws.set_row(0, 30)
        deadline = self.cfg.reports.deadline(self.period)
        due = f" trước ngày {date_text(deadline)}" if deadline else ""
        subtitle = (
            f"Kết quả thực hiện xây dựng xã, phường đạt chuẩn tiếp cận pháp luật — gửi {self.cfg.office_name}{due}"
        )
        ws.merge_range(1, 0, 1, last, subtitle, self.f["subtitle"])
        ws.set_row(1, FORM.row_height(FORM.lines(subtitle, sum(L.WIDTHS), SIZE), SIZE))
        note = (
            "Cách điền: chỉ điền các ô nền vàng (ô nền xanh đã điền sẵn, không sửa). Số liệu là số nguyên từ 0 "
            "trở lên, tính trong kỳ báo cáo; không có thì ghi 0. Các ô nội dung ghi ngắn gọn, mỗi ý một dòng "
            "(Alt+Enter để xuống dòng). Lưu dạng Excel (.xlsx), không đổi tên trang, không xóa dòng."
        )
        ws.merge_range(2, 0, 2, last, note, self.f["note"])
        ws.set_row(2, FORM.row_height(FORM.lines(note, sum(L.WIDTHS), 11), 11))

    def cover(self, ws) -> None:
        ws.merge_range(L.COVER_ROW - 1, 0, L.COVER_ROW - 1, 3, L.SECTION_TITLES[0], self.f["section"])
        ws.set_row(L.COVER_ROW - 1, 22)
        hints = {
            "ma_don_vi": "Mã 5 chữ số theo danh mục đơn vị hành chính, ví dụ 14809.",
            "ten_don_vi": 'Chỉ ghi tên, ví dụ: Bắc Sơn (không ghi chữ "phường", "xã").',
            "loai_don_vi": "Chọn trong danh sách.",
            "ky_bao_cao": "Đã điền sẵn, không sửa.",
            "nam_bao_cao": "Đã điền sẵn, không sửa.",
            "ngay_bao_cao": f"Ngày/tháng/năm ký báo cáo, ví dụ {self.example_day()}.",
            "nguoi_bao_cao": "Ví dụ: Nguyễn Văn A - Công chức Tư pháp - Hộ tịch.",
            "dien_thoai": "Để phòng Tư pháp liên hệ khi cần.",
        }
        for n, fld in enumerate(L.COVER, start=1):
            row = L.field_row(fld.name)
            ws.write_string(row, L.COL_NO, str(n), self.f["no"])
            ws.write_string(row, L.COL_LABEL, fld.label, self.f["label"])
            self.input(ws, row, fld)
            ws.write_string(row, L.COL_HINT, hints[fld.name], self.f["hint"])
            value = self.values.get(fld.name)
            shown = value if isinstance(value, str) else ""
            self.fit(
                ws,
                row,
                [(fld.label, L.WIDTHS[1], SIZE), (hints[fld.name], L.WIDTHS[3], 11), (shown, L.WIDTHS[2], SIZE)],
            )

    def figures(self, ws) -> None:
        top = L.FIGURE_ROW - 2
        ws.merge_range(top, 0, top, 3, L.SECTION_TITLES[1], self.f["section"])
        ws.set_row(top, 22)
        for col, text in enumerate(("STT", "Nội dung", "Số lượng", "Đơn vị tính")):
            ws.write_string(top + 1, col, text, self.f["head"])
        for n, fld in enumerate(L.FIGURES, start=1):
            row = L.field_row(fld.name)
            ws.write_string(row, L.COL_NO, str(n), self.f["no"])
            ws.write_string(row, L.COL_LABEL, fld.label, self.f["label"])
            self.input(ws, row, fld)
            hint = fld.unit + (" (không lớn hơn số vụ, việc tiếp nhận)" if fld.name == L.MEDIATED else "")
            ws.write_string(row, L.COL_HINT, hint, self.f["hint"])
            self.fit(ws, row, [(fld.label, L.WIDTHS[1], SIZE), (hint, L.WIDTHS[3], 11)])

    def texts(self, ws) -> None:
        top = L.TEXT_ROW - 1
        ws.merge_range(top, 0, top, 3, L.SECTION_TITLES[2], self.f["section"])
        ws.set_row(top, 22)
        for n, fld in enumerate(L.TEXTS, start=1):
            row = L.field_row(fld.name)
            ws.write_string(row, L.COL_NO, str(n), self.f["no"])
            ws.write_string(row, L.COL_LABEL, fld.label, self.f["label"])
            value = self.values.get(fld.name)
            fmt = self.f["text"]
            if value is None:
                ws.merge_range(row, L.COL_INPUT, row, L.COL_HINT, None, fmt)
            else:
                ws.merge_range(row, L.COL_INPUT, row, L.COL_HINT, "", fmt)
                self.write_value(ws, row, L.COL_INPUT, value, fmt)
            ws.data_validation(row, L.COL_INPUT, row, L.COL_HINT, self.validation(fld))
            self.name(fld.name, row)
            width = L.WIDTHS[2] + L.WIDTHS[3]
            lines = max(6, FORM.lines(value, width, SIZE) if isinstance(value, str) else 0)
            ws.set_row(row, min(FORM.row_height(lines, SIZE), 409))

    def footer(self, ws) -> int:
        row = L.field_row(L.TEXTS[-1].name) + 2
        place = self.unit.name if self.unit else "……"
        return signature_pair(
            ws,
            self.fmt,
            row,
            place,
            (0, 1, "NGƯỜI LẬP BÁO CÁO", "(Ký, ghi rõ họ tên)"),
            (2, 3, "TM. ỦY BAN NHÂN DÂN", "(Ký tên, đóng dấu)"),
        )

    # -- cells

    def input(self, ws, row: int, fld: L.Field) -> None:
        value = self.values.get(fld.name)
        if fld.name in self.locked:
            fmt = self.f["prefilled_year"] if fld.kind == "year" else self.f["prefilled"]
        else:
            fmt = self.f.get({"code": "code", "date": "date", "count": "count", "kind": "center"}.get(fld.kind, "text"))
        self.write_value(ws, row, L.COL_INPUT, value, fmt)
        if fld.name not in self.locked:
            ws.data_validation(row, L.COL_INPUT, row, L.COL_INPUT, self.validation(fld))
        self.name(fld.name, row)

    def write_value(self, ws, row: int, col: int, value: Any, fmt) -> None:
        """With the value's own type: text never becomes a formula or a number."""
        if value is None:
            ws.write_blank(row, col, None, fmt)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value, fmt)
        elif _is_number(value):
            ws.write_number(row, col, float(value), fmt)
        elif isinstance(value, (dt.date, dt.datetime)):
            ws.write_datetime(row, col, value, self.f["date"] if fmt is not self.f["prefilled"] else fmt)
        else:
            ws.write_string(row, col, str(value), fmt)

    def name(self, name: str, row: int) -> None:
        self.wb.define_name(name, f"='{L.SHEET}'!$C${row + 1}")

    def fit(self, ws, row: int, cells: list[tuple[str, float, int]]) -> None:
        lines = max(FORM.lines(text, width, size) for text, width, size in cells if text)
        ws.set_row(row, FORM.row_height(lines, SIZE))

    def example_day(self) -> str:
        deadline = self.cfg.reports.deadline(self.period)
        return date_text(deadline - dt.timedelta(days=2)) if deadline else f"08/05/{self.cfg.year}"

    def validation(self, fld: L.Field) -> dict[str, Any]:
        year = self.cfg.year
        if fld.kind == "count":
            return dv_options(
                "integer",
                "between",
                0,
                L.FIGURE_MAX,
                "Số liệu",
                f"{fld.label}: số nguyên từ 0 trở lên ({fld.unit}); không có thì ghi 0.",
                "Nhập số nguyên từ 0 trở lên (ví dụ 12), không ghi chữ, không ghi số thập phân.",
            )
        if fld.kind == "long_text":
            return dv_options(
                "length",
                "<=",
                L.TEXT_LIMIT,
                None,
                fld.label[:32],
                f"Ghi ngắn gọn, mỗi ý một dòng (Alt+Enter). Tối đa {L.TEXT_LIMIT} ký tự.",
                f"Nội dung quá dài: tối đa {L.TEXT_LIMIT} ký tự.",
            )
        if fld.kind == "date":
            return dv_options(
                "date",
                "between",
                dt.date(year, 1, 1),
                dt.date(year + 1, 12, 31),
                "Ngày báo cáo",
                f"Nhập ngày dạng ngày/tháng/năm, ví dụ {self.example_day()}.",
                f"Ngày không hợp lệ: nhập ngày từ 01/01/{year} đến 31/12/{year + 1}, dạng ngày/tháng/năm.",
            )
        if fld.kind == "kind":
            return dv_list(
                UNIT_KINDS,
                "Loại đơn vị",
                "Chọn loại đơn vị trong danh sách.",
                "Chỉ chọn một trong: " + ", ".join(UNIT_KINDS) + ".",
            )
        if fld.kind == "period":
            return dv_list(tuple(L.PERIODS.values()), "Kỳ báo cáo", "Đã điền sẵn.", "Không sửa kỳ báo cáo.")
        if fld.kind == "year":
            return dv_options(
                "integer", "between", 2000, 2100, "Năm báo cáo", "Đã điền sẵn.", "Năm là số nguyên, ví dụ 2018."
            )
        limit = L.TEXT_LIMITS[fld.name]
        title = "Mã đơn vị" if fld.kind == "code" else fld.label.split(" (")[0][:32]
        return dv_options(
            "length", "<=", limit, None, title, f"Tối đa {limit} ký tự.", f"Nội dung quá dài: tối đa {limit} ký tự."
        )

    def meta(self, ws) -> None:
        data = {
            "template_id": L.TEMPLATE_ID,
            "template_version": str(L.TEMPLATE_VERSION),
            "period": self.period,
            "year": str(self.cfg.year),
            "unit_code": self.unit.code if self.unit else "",
            "generated_by": f"tcpl {__version__}",
        }
        for row, key in enumerate(L.META_KEYS):
            ws.write_string(row, 0, key)
            if data[key]:
                ws.write_string(row, 1, data[key])
        ws.hide()
        ws.protect("")
