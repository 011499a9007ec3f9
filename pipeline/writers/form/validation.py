"""The form's data validations: what each input cell accepts, with Vietnamese prompts and error
messages, as xlsxwriter data-validation options. The builders (`dv_options`, `dv_list`,
`dv_message`, `dv_key`) are shared with the appraisal form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pipeline.core import layout
from pipeline.core.cells import a1
from pipeline.core.config import UNIT_KINDS
from pipeline.core.rules import Indicator, RuleSet
from pipeline.core.text import band_text, number_text
from pipeline.writers.form.plan import InputCell

# Text length limits of free-text inputs (Excel allows 32,767; these keep sheets printable).
TEXT_LIMITS = {
    "ma_don_vi": 10,
    "ten_don_vi": 100,
    "nguoi_phu_trach": 200,
    "dien_thoai": 50,
    "so_lieu": 1000,
    "tai_lieu": 1000,
    "ghi_chu": 500,
}

COVER_HINTS = {
    "ma_don_vi": "Mã 5 chữ số theo danh mục đơn vị hành chính, ví dụ 14809.",
    "ten_don_vi": 'Chỉ ghi tên, ví dụ: Bắc Sơn (không ghi chữ "phường", "xã").',
    "loai_don_vi": "Chọn trong danh sách: xã, phường hoặc thị trấn.",
    "nam_danh_gia": "Đã điền sẵn, không sửa.",
    "ngay_bao_cao": "Ngày/tháng/năm, ví dụ 05/01/{next_year}.",
    "nguoi_phu_trach": "Ví dụ: Nguyễn Văn A - Công chức Tư pháp - Hộ tịch.",
    "dien_thoai": "Số điện thoại để cơ quan tư pháp liên hệ khi cần.",
}

COVER_TITLES = {
    "ten_don_vi": "Tên đơn vị",
    "nguoi_phu_trach": "Người phụ trách",
    "dien_thoai": "Điện thoại liên hệ",
}  # input titles: at most 32 characters


def example_points(ind: Indicator, rule_set: RuleSet) -> str:
    """A valid score with a decimal part, for prompts: max 3 -> '2,5'."""
    step = rule_set.point_step
    example = ind.max - 0.5 if ind.max >= 1 and (0.5 / step).is_integer() else ind.max - step
    return number_text(max(example, ind.min_points))


def validation_for(cell: InputCell, rule_set: RuleSet, year: int) -> dict[str, Any]:
    """The xlsxwriter data-validation options of one input cell, with Vietnamese messages.

    Titles stay within Excel's 32 characters and messages within 255: longer ones make
    xlsxwriter drop the validation with only a warning (the tests turn warnings into errors).
    """
    kind, field = cell.kind, cell.field
    if kind == "code":
        return dv_options(
            "length",
            "between",
            1,
            TEXT_LIMITS[field],
            "Mã đơn vị",
            "Mã đơn vị hành chính gồm 5 chữ số (ví dụ 14809).",
            "Mã đơn vị gồm các chữ số, tối đa 10 ký tự.",
        )
    if kind == "text" and cell.sheet == layout.SHEET_COVER:
        limit = TEXT_LIMITS[field]
        return dv_options(
            "length",
            "<=",
            limit,
            None,
            COVER_TITLES[field],
            COVER_HINTS[field],
            f"Nội dung quá dài: tối đa {limit} ký tự.",
        )
    if kind == "kind":
        return dv_list(
            UNIT_KINDS,
            "Loại đơn vị",
            "Chọn loại đơn vị trong danh sách.",
            "Chỉ chọn một trong: " + ", ".join(UNIT_KINDS) + ".",
        )
    if kind == "year":
        return dv_options(
            "integer",
            "between",
            2000,
            2100,
            "Năm đánh giá",
            f"Năm đánh giá ({year}) đã điền sẵn, không sửa.",
            "Năm đánh giá là số nguyên, ví dụ 2023.",
        )
    if kind == "date":
        low, high = dt.date(year, 1, 1), dt.date(year + 1, 12, 31)
        return dv_options(
            "date",
            "between",
            low,
            high,
            "Ngày báo cáo",
            f"Nhập ngày dạng ngày/tháng/năm, ví dụ 05/01/{year + 1}.",
            f"Ngày không hợp lệ: nhập ngày từ 01/01/{year} đến 31/12/{year + 1}, dạng ngày/tháng/năm.",
        )
    if kind == "yes_no":
        return dv_list(
            layout.YES_NO, "Trả lời Có hoặc Không", "Chọn Có hoặc Không trong danh sách.", "Chỉ chọn Có hoặc Không."
        )
    return _indicator_validation(cell, cell.indicator, rule_set)


def _indicator_validation(cell: InputCell, ind: Indicator | None, rule_set: RuleSet) -> dict[str, Any]:
    field = cell.field
    if cell.kind == "switch":
        return dv_list(
            ("Có",),
            "Không được giao nhiệm vụ",
            'Chọn "Có" nếu trong năm đơn vị không được giao nhiệm vụ thuộc tiêu chí này: tiêu chí được tính Đạt. '
            "Nếu có nhiệm vụ thì để trống.",
            'Chỉ chọn "Có" hoặc để trống.',
        )
    if ind is None:  # an indicator's evidence (sets with contents)
        return _text_validation(field)
    code = ind.code
    if cell.kind == "tick":
        return dv_list(
            (layout.TICK,),
            f"Hoạt động - nội dung {code}",
            f'Gõ "{layout.TICK}" nếu trong năm đã thực hiện hoạt động này; chưa thực hiện thì để trống.',
            f'Chỉ gõ "{layout.TICK}" hoặc để trống.',
        )
    if cell.kind == "pass_fail" and ind.is_content:
        return dv_list(
            layout.PASS_FAIL,
            f"Tự đánh giá - {code}",
            dv_message(f"{ind.requirement_text()}: chọn Đạt hoặc Không đạt.", "Ghi tài liệu kiểm chứng ở cột (10)."),
            "Chỉ chọn Đạt hoặc Không đạt trong danh sách.",
        )
    if cell.kind == "flag" and ind.is_content:
        return dv_list(
            ("Có",),
            f"Không phát sinh - {code}",
            'Chọn "Có" nếu trong năm không phát sinh việc thuộc nội dung này (nội dung được tính Đạt). '
            "Nếu có phát sinh thì để trống và điền số liệu.",
            'Chỉ chọn "Có" hoặc để trống.',
        )
    if cell.kind == "pass_fail":
        return dv_list(
            layout.PASS_FAIL, "Điểm tự chấm", "Chọn Đạt hoặc Không đạt.", "Chỉ chọn Đạt hoặc Không đạt trong danh sách."
        )
    if cell.kind == "points":
        low, high, step = number_text(ind.min_points), number_text(ind.max), number_text(rule_set.point_step)
        message = dv_message(
            f"Điểm tự chấm từ {low} đến {high}, theo bậc {step} (ví dụ {example_points(ind, rule_set)}).",
            f'Nếu không phát sinh: chọn "Có" ở cột Không phát sinh và ghi {high} điểm.'
            if ind.not_applicable_full
            else "",
            f"Điểm theo tỷ lệ: {band_text(ind)}." if ind.kind == "rate_bands" else "",
        )
        # A custom rule, so an off-step score (2,3) is refused as the message says, not only
        # one out of range: the cell's own address, the bounds and the step as constants.
        me = a1(cell.row, cell.col)
        lo, hi, st = (str(x + 0.0).removesuffix(".0") for x in (ind.min_points, ind.max, rule_set.point_step))
        return {
            "validate": "custom",
            "value": f"=AND(ISNUMBER({me}),{me}>={lo},{me}<={hi},MOD(ROUND({me}/{st},6),1)=0)",
            "input_title": "Điểm tự chấm",
            "input_message": message,
            "error_title": "Giá trị không hợp lệ",
            "error_message": f"Điểm phải là số từ {low} đến {high}, theo bậc {step} (0; 0,25; 0,5; ...). Chỉ gõ số, "
            "không gõ chữ; số thập phân dùng dấu phẩy hoặc dấu chấm tùy cài đặt của máy.",
        }
    if cell.kind == "count":
        label = ind.numerator_label if field == "tu_so" else ind.denominator_label
        title = "Tử số" if field == "tu_so" else "Mẫu số"
        what = "nội dung" if ind.is_content else "chỉ tiêu"
        return dv_options(
            "integer",
            ">=",
            0,
            None,
            f"{title} - {what} {code}",
            dv_message(f"{label}: số nguyên, từ 0 trở lên.") or "Số nguyên, từ 0 trở lên.",
            "Nhập số nguyên không âm (0, 1, 2, ...). Tử số không lớn hơn mẫu số.",
        )
    if cell.kind == "flag":
        return dv_list(
            ("Có",),
            f"Không phát sinh - {code}",
            'Chọn "Có" nếu trong năm không phát sinh việc thuộc chỉ tiêu này (được tính '
            "điểm tối đa). Nếu có phát sinh thì để trống.",
            'Chỉ chọn "Có" hoặc để trống.',
        )
    return _text_validation(field)


def _text_validation(field: str) -> dict[str, Any]:
    limit = TEXT_LIMITS[field]
    message = {
        "so_lieu": "Ghi tóm tắt số liệu làm căn cứ chấm điểm (ví dụ: 4/4 văn bản ban hành đúng hạn).",
        "tai_lieu": "Ghi số, ký hiệu, ngày của văn bản, hồ sơ chứng minh.",
        "ghi_chu": "Ghi chú thêm nếu cần.",
    }[field]
    title = {"so_lieu": "Số liệu", "tai_lieu": "Tài liệu kiểm chứng", "ghi_chu": "Ghi chú"}[field]
    return dv_options(
        "length",
        "<=",
        limit,
        None,
        title,
        f"{message} Tối đa {limit} ký tự.",
        f"Nội dung quá dài: tối đa {limit} ký tự.",
    )


def dv_message(*parts: str) -> str:
    """Join prompt sentences, leaving out those that would pass Excel's 255 characters
    (the sheet's footnotes carry the full text anyway)."""
    out = ""
    for part in filter(None, parts):
        candidate = f"{out} {part}".strip()
        if len(candidate.encode("utf-16-le")) // 2 <= 255:
            out = candidate
    return out


def dv_key(options: dict[str, Any]) -> tuple:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in options.items()))


def dv_options(validate: str, criteria: str, low: Any, high: Any, title: str, message: str, error: str) -> dict:
    options = {
        "validate": validate,
        "criteria": criteria,
        "input_title": title,
        "input_message": message,
        "error_title": "Giá trị không hợp lệ",
        "error_message": error,
    }
    if high is None:
        options["value"] = low
    else:
        options["minimum"], options["maximum"] = low, high
    return options


def dv_list(choices: tuple[str, ...], title: str, message: str, error: str) -> dict:
    return {
        "validate": "list",
        "source": list(choices),
        "input_title": title,
        "input_message": message,
        "error_title": "Giá trị không hợp lệ",
        "error_message": error,
    }
