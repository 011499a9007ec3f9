"""The periodic report workbook's contract (báo cáo định kỳ), shared by its writer
(writers/report_form.py) and its reader (readers/report_form.py), as core/layout.py is for the
commune form; and the records the reader hands to the pure step (steps/reports.py).

A commune reports to the office every six months and every year on how it builds a commune
meeting the legal-access standard (the seed plan of thị xã Bỉm Sơn, 2018): a cover (unit,
period, year, report date, the official), the figures the plan names (legal dissemination,
the legal bookcase and clubs, mediation, trainings, pilot models), each a whole number ≥ 0,
and four texts (results, difficulties, causes, proposals).

The workbook is recognised by its hidden metadata (`_meta`: template id
`tcpl-bao-cao-dinh-ky`, never the form's `tcpl-mau-02`); every input cell carries a
workbook-level defined name (the names below), and the reader also finds a field by its label
(compared without accents) when the names are lost, so nothing rests on row numbers alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.core.model import Located

TEMPLATE_ID = "tcpl-bao-cao-dinh-ky"
TEMPLATE_VERSION = 1
SHEET = "Báo cáo định kỳ"
META_SHEET = "_meta"  # the same name as the form's: read_meta looks there first
META_KEYS = ("template_id", "template_version", "period", "year", "unit_code", "generated_by")

# The two periods of the seed plan: key (as on the command line and in `_meta`) -> words.
PERIODS = {"6-thang": "6 tháng đầu năm", "nam": "năm"}
PERIOD_TITLES = {"6-thang": "6 THÁNG ĐẦU NĂM", "nam": "NĂM"}


def period_words(period: str, year: int) -> str:
    """'6 tháng đầu năm 2018', 'năm 2018'."""
    return f"{PERIODS[period]} {year}"


# Columns of the sheet (0-based): number, label, input, hint. Every field's input is right of
# its label, so the reader's rule is one rule for the cover, the figures and the texts.
COL_NO, COL_LABEL, COL_INPUT, COL_HINT = 0, 1, 2, 3
WIDTHS = (6, 46, 20, 34)


@dataclass(frozen=True)
class Field:
    name: str  # the defined name of its input cell
    label: str  # printed left of the input, and how the reader finds it without names
    kind: str  # code | text | kind | period | year | date | count | long_text
    unit: str = ""  # a figure's unit of count ('cuộc', 'lượt người')
    short: str = ""  # a figure's column heading in the office's workbook and report


COVER = (
    Field("ma_don_vi", "Mã đơn vị hành chính", "code"),
    Field("ten_don_vi", "Tên đơn vị", "text"),
    Field("loai_don_vi", "Loại đơn vị (xã / phường / thị trấn)", "kind"),
    Field("ky_bao_cao", "Kỳ báo cáo", "period"),
    Field("nam_bao_cao", "Năm báo cáo", "year"),
    Field("ngay_bao_cao", "Ngày báo cáo", "date"),
    Field("nguoi_bao_cao", "Người lập báo cáo (họ tên, chức vụ)", "text"),
    Field("dien_thoai", "Điện thoại liên hệ", "text"),
)

# The figures, in the plan's order (its tasks 1-3): each a whole number ≥ 0 for the period.
FIGURES = (
    Field(
        "so_cuoc_pbgdpl",
        "Số cuộc tuyên truyền, phổ biến pháp luật đã tổ chức",
        "count",
        "cuộc",
        "Cuộc tuyên truyền, phổ biến pháp luật",
    ),
    Field(
        "so_luot_nguoi_pbgdpl",
        "Số lượt người tham dự tuyên truyền, phổ biến pháp luật",
        "count",
        "lượt người",
        "Lượt người tham dự",
    ),
    Field(
        "so_tu_sach", "Số tủ sách pháp luật (ngăn sách pháp luật) đang hoạt động", "count", "tủ", "Tủ sách pháp luật"
    ),
    Field(
        "so_luot_doc_sach",
        "Số lượt mượn, đọc sách, tài liệu pháp luật",
        "count",
        "lượt",
        "Lượt mượn, đọc sách pháp luật",
    ),
    Field("so_clb", "Số câu lạc bộ pháp luật đang hoạt động", "count", "câu lạc bộ", "Câu lạc bộ pháp luật"),
    Field("so_buoi_clb", "Số buổi sinh hoạt của câu lạc bộ pháp luật", "count", "buổi", "Buổi sinh hoạt câu lạc bộ"),
    Field(
        "so_vu_hoa_giai",
        "Số vụ, việc hòa giải ở cơ sở đã tiếp nhận",
        "count",
        "vụ, việc",
        "Vụ, việc hòa giải tiếp nhận",
    ),
    Field("so_vu_hoa_giai_thanh", "Số vụ, việc hòa giải thành", "count", "vụ, việc", "Vụ, việc hòa giải thành"),
    Field(
        "so_lop_tap_huan",
        "Số lớp tập huấn, bồi dưỡng cán bộ, tuyên truyền viên, hòa giải viên",
        "count",
        "lớp",
        "Lớp tập huấn, bồi dưỡng",
    ),
    Field(
        "so_luot_tap_huan", "Số lượt người được tập huấn, bồi dưỡng", "count", "lượt người", "Lượt người được tập huấn"
    ),
    Field(
        "so_mo_hinh_diem",
        "Số mô hình điểm về xã, phường đạt chuẩn tiếp cận pháp luật",
        "count",
        "mô hình",
        "Mô hình điểm",
    ),
)
RECEIVED, MEDIATED = "so_vu_hoa_giai", "so_vu_hoa_giai_thanh"  # mediated can never exceed received
FIGURE_MAX = 1_000_000  # a commune's figure for half a year; more is a typo
FIGURE_NAMES = tuple(f.name for f in FIGURES)

# The texts, in the order of the report: results, then difficulties, causes, proposals.
TEXTS = (
    Field("ket_qua", "Kết quả thực hiện", "long_text"),
    Field("vuong_mac", "Vướng mắc, bất cập", "long_text"),
    Field("nguyen_nhan", "Nguyên nhân", "long_text"),
    Field("de_xuat", "Đề xuất, kiến nghị", "long_text"),
)
TEXT_LIMIT = 4000  # characters of one text cell (the office's report quotes them)
TEXT_LIMITS = {"ma_don_vi": 10, "ten_don_vi": 100, "nguoi_bao_cao": 200, "dien_thoai": 50}

FIELDS = COVER + FIGURES + TEXTS
BY_NAME = {f.name: f for f in FIELDS}
SECTION_TITLES = ("I. THÔNG TIN CHUNG", "II. SỐ LIỆU KẾT QUẢ THỰC HIỆN", "III. ĐÁNH GIÁ, ĐỀ XUẤT")

# 0-based rows as the writer lays them out (the reader uses names and labels, never these alone).
TITLE_ROWS = 3  # title, subtitle, instructions
COVER_ROW = TITLE_ROWS + 1  # the first cover field, under its section title
FIGURE_ROW = COVER_ROW + len(COVER) + 2  # a section title and the column headings above
TEXT_ROW = FIGURE_ROW + len(FIGURES) + 1


def field_row(name: str) -> int:
    for start, fields in ((COVER_ROW, COVER), (FIGURE_ROW, FIGURES), (TEXT_ROW, TEXTS)):
        for n, f in enumerate(fields):
            if f.name == name:
                return start + n
    raise KeyError(name)


@dataclass(frozen=True)
class ReportRead:
    """What the reader found in one report workbook, every value as typed with its cell."""

    file: str  # the file's name in every output (relative to the reports folder)
    modified: dt.datetime  # the file's modification time (when the report date is missing)
    meta: dict[str, str] = field(default_factory=dict)  # META_KEYS, as text
    meta_sheet: str = ""
    values: dict[str, Located] = field(default_factory=dict)  # field name -> its value cell
