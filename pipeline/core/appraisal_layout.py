"""The appraisal workbook's contract, shared by its writer (writers/appraisal_form.py) and its
reader (readers/appraisal.py), as core/layout.py is for the commune form.

The workbook is recognised by its hidden metadata (`_meta`: template id `tcpl-tham-dinh`,
never the commune form's `tcpl-mau-02`); its table by the heading labels, compared without
accents, so a secretary who moves a column does not break the reading.
"""

from __future__ import annotations

TEMPLATE_ID = "tcpl-tham-dinh"
TEMPLATE_VERSION = 1
SHEET = "Phiếu thẩm định"
META_SHEET = "_meta"
META_KEYS = ("template_id", "template_version", "rule_set", "year", "generated_by", "data_as_of", "units")

# Column headings (also how the reader finds the columns; compared without accents).
COLUMNS = (  # (key, heading, width)
    ("stt", "STT", 5),
    ("unit", "Mã đơn vị", 8),
    ("unit_name", "Đơn vị", 15),
    ("code", "Mã chỉ tiêu", 7),
    ("name", "Nội dung chỉ tiêu", 40),
    ("max", "Điểm tối đa", 7),
    ("basis", "Căn cứ chấm của đơn vị", 28),
    ("self", "Điểm tự chấm", 8.5),
    ("appraised", "Điểm thẩm định", 10),
    ("note", "Ghi chú của Hội đồng", 30),
    ("min", "Điểm tối thiểu", 6),  # hidden: the validation formula reads it
)
COL = {key: n for n, (key, _, _) in enumerate(COLUMNS)}
# Headings of a pass/fail set with contents (QĐ 27/2025); the reader accepts both.
CONTENT_HEADINGS = {
    "code": "Mã nội dung",
    "name": "Nội dung",
    "max": "Mức đạt",
    "self": "Tự đánh giá",
    "appraised": "Kết quả thẩm định",
}


def heading(key: str, contents: bool) -> str:
    default = next(h for k, h, _ in COLUMNS if k == key)
    return CONTENT_HEADINGS.get(key, default) if contents else default


NEEDED = ("unit", "code", "appraised")  # the columns without which the table cannot be read
HEADER_ROW = 4  # 0-based: title, subtitle, instructions, banner / blank, then the headings
NOTE_LIMIT = 500
