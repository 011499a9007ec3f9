"""The form contract, shared by the form writer (writers/form/) and its reader (readers/form.py).

Everything a program needs to find or fill an input cell is here: sheet names, the column of
each field on the score sheet, the cover fields and their labels, the defined-name scheme.
Readers never rely on these row numbers alone: rows are found by indicator code and cover
fields by label, so a form with inserted rows or renamed sheets still reads.
"""

from __future__ import annotations

TEMPLATE_ID = "tcpl-mau-02"
TEMPLATE_VERSION = 1  # bump when the layout changes in a way a reader must know about

SHEET_COVER = "Thông tin chung"
SHEET_SCORES = "Bảng điểm"
SHEET_HELP = "Hướng dẫn"
SHEET_META = "_meta"

# Metadata sheet: key in column A, value in column B, from row 1.
META_KEYS = ("template_id", "template_version", "rule_set", "year", "unit_code", "generated_by")

# Cover sheet: label in column A, input in column B. Order is the order on the sheet.
# (name, label, kind) - kind drives the data validation and the parser.
COVER_FIELDS = (
    ("ma_don_vi", "Mã đơn vị hành chính", "code"),
    ("ten_don_vi", "Tên đơn vị", "text"),
    ("loai_don_vi", "Loại đơn vị (xã / phường / thị trấn)", "kind"),
    ("nam_danh_gia", "Năm đánh giá", "year"),
    ("ngay_bao_cao", "Ngày báo cáo", "date"),
    ("nguoi_phu_trach", "Người phụ trách (họ tên, chức vụ)", "text"),
    ("dien_thoai", "Điện thoại liên hệ", "text"),
)
# Other labels a reader accepts for a cover field; the first is written on the forms of sets
# with contents (QĐ 27/2025: communes are xã, phường, đặc khu since 1/7/2025).
COVER_LABEL_ALIASES = {"loai_don_vi": ("Loại đơn vị (xã / phường / đặc khu)", "Loại đơn vị")}
COVER_LABEL_COL = "A"
COVER_VALUE_COL = "B"
COVER_FIRST_ROW = 4  # 1-based row of the first cover field
# Declarations from the rule set follow the fields, one row each, answered Có / Không.

YES_NO = ("Có", "Không")
PASS_FAIL = ("Đạt", "Không đạt")

# Score sheet (laid out like Mẫu 02 of TT 09/2021): column letter of each field.
SCORE_HEADER_ROW = 5  # 1-based; the column headings
SCORE_FIRST_ROW = 7  # first criterion row (row 6 holds column numbers (1), (2), ...)
SCORE_COLUMNS = {
    "ma": "A",  # code: TC1, 1.1, ...
    "noi_dung": "B",  # criterion / indicator text
    "diem_toi_da": "C",  # maximum points
    "so_lieu": "D",  # figures used (text)                       input
    "tu_so": "E",  # rate numerator (banded indicators only)      input
    "mau_so": "F",  # rate denominator (banded indicators only)   input
    "ty_le": "G",  # rate in % (formula)
    "diem": "H",  # self-assessed points / Đạt-Không đạt           input
    "khong_phat_sinh": "I",  # "Có" / blank (flagged indicators)   input
    "tai_lieu": "J",  # evidence reference                         input
    "ghi_chu": "K",  # note                                        input
    "chu_ky": "L",  # the responsible official signs here (Mẫu 02); not read
}
SCORE_HEADERS = {
    "ma": "Mã",
    "noi_dung": "Tiêu chí / chỉ tiêu",
    "diem_toi_da": "Điểm tối đa",
    "so_lieu": "Số liệu sử dụng để đánh giá",
    "tu_so": "Tử số",
    "mau_so": "Mẫu số",
    "ty_le": "Tỷ lệ (%)",
    "diem": "Điểm tự chấm",
    "khong_phat_sinh": "Không phát sinh",
    "tai_lieu": "Tài liệu kiểm chứng",
    "ghi_chu": "Ghi chú",
    "chu_ky": "Chữ ký của người phụ trách",
}
# Indicator input fields and the prefix of their defined name (<prefix>_<code with _>).
INDICATOR_FIELDS = ("diem", "khong_phat_sinh", "tu_so", "mau_so", "so_lieu", "tai_lieu", "ghi_chu")
TOTAL_CODE = "TỔNG"  # code cell of the total row
TOTAL_NAME = "tong_diem"  # defined name of the total (formula)


# Pass/fail sets whose indicators have contents (QĐ 27/2025) use the same columns with
# these headings: (3) the requirement in words, (8) the content's result.
CONTENT_HEADERS = {**SCORE_HEADERS, "diem_toi_da": "Mức đạt", "diem": "Kết quả tự đánh giá"}
TICK = "x"  # a ticked checklist option
# Content input fields; "diem" is named dat_<code>, options chon_<code>_<n>.
CONTENT_FIELDS = ("diem", "khong_phat_sinh", "tu_so", "mau_so", "so_lieu", "tai_lieu", "ghi_chu")


def content_name(field: str, code: str) -> str:
    """Defined name of a content input: ('diem', '2.1.1') -> 'dat_2_1_1'; ('tu_so', '1.1') ->
    'tu_so_1_1'. Evidence (tai_lieu) is per indicator: pass the indicator's code."""
    return indicator_name("dat" if field == "diem" else field, code)


def option_name(code: str, number: int) -> str:
    """A checklist option: ('2.5', 1) -> 'chon_2_5_1'."""
    return f"chon_{code.replace('.', '_')}_{number}"


def switch_name(criterion: str) -> str:
    """A criterion's switch: 'TC1' -> 'khong_phat_sinh_tc1'."""
    return f"khong_phat_sinh_{criterion.lower()}"


def indicator_name(field: str, code: str) -> str:
    """Defined name of an indicator input: ('diem', '1.1') -> 'diem_1_1'."""
    return f"{field}_{code.replace('.', '_')}"


def criterion_total_name(code: str) -> str:
    """Defined name of a criterion subtotal (formula): 'TC1' -> 'tong_tc1'."""
    return f"tong_{code.lower()}"
