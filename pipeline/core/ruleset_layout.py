"""The rule-set workbook's contract, shared by its writer and its reader (`tcpl rules export` /
`tcpl rules import`): sheet names, columns, the words for statuses and kinds.

The office corrects and confirms a rule set in this workbook. Every figure has a "Trạng thái"
(status) and a "Căn cứ" (the document and article it was checked against). Rows are found by
their code or key (column A or a hidden key column), never by position alone, so a reader can
say which row is missing.
"""

from __future__ import annotations

TEMPLATE_ID = "tcpl-bo-tieu-chi"
TEMPLATE_VERSION = 1

SHEET_HELP = "Hướng dẫn"
SHEET_IDENTITY = "Bộ tiêu chí"
SHEET_TREE = "Tiêu chí, chỉ tiêu"
SHEET_BANDS = "Mức tỷ lệ"
SHEET_CONDITIONS = "Điều kiện công nhận"
SHEET_META = "_meta"
SHEETS = (SHEET_HELP, SHEET_IDENTITY, SHEET_TREE, SHEET_BANDS, SHEET_CONDITIONS, SHEET_META)

# Provenance status <-> the word the office sees. "suy ra" is a figure computed from confirmed
# ones (10 points of TC1 minus the 3 of 1.1); it needs a basis like a confirmed one.
STATUS_WORDS = {"provisional": "tạm tính", "verified": "đã đối chiếu", "derived": "suy ra"}
STATUS_OF_WORD = {word: status for status, word in STATUS_WORDS.items()}

KIND_WORDS = {
    "points": "chấm điểm",
    "rate_bands": "theo tỷ lệ (mức)",
    "pass_fail": "đạt / không đạt",
    "requirement": "yêu cầu (đạt / không đạt)",
    "rate": "tỷ lệ (đạt từ mức %)",
    "checklist": "danh sách hoạt động",
}
GROUP_KIND = "gồm các nội dung"  # the kind cell of an indicator made of several contents
SCORING_WORDS = {"points": "tính điểm", "pass_fail": "đạt / không đạt"}
LEVEL_CRITERION = "Tiêu chí"
LEVEL_INDICATOR = "Chỉ tiêu"
LEVEL_CONTENT = "Nội dung"  # pass/fail sets with contents (QĐ 27/2025)
LEVEL_SWITCH = "Trường hợp"  # a criterion's switch ("not assigned this year" -> Đạt), its own row
YES, NO = "Có", "Không"
PASS_ALL = "tất cả"  # pass rule "all"; otherwise a whole number n ("đạt ít nhất n")

HEADER_ROW = 2  # 0-based row of the column headings on the table sheets (title, note, headings)

# Identity sheet: one row per field; columns label | value | status | basis | key (hidden).
IDENTITY_COLUMNS = ("Nội dung", "Giá trị", "Trạng thái", "Căn cứ", "khóa")
IDENTITY_FIELDS = (  # (key, label, kind, editable, provenance key or "")
    ("id", "Mã bộ tiêu chí (không sửa)", "text", False, ""),
    ("name", "Tên bộ tiêu chí", "text", True, ""),
    ("decision", "Quyết định", "text", True, ""),
    ("guidance", "Thông tư hướng dẫn", "text", True, ""),
    ("first_year", "Áp dụng từ năm", "year", True, ""),
    ("last_year", "Áp dụng đến năm (để trống: chưa hết hiệu lực)", "year", True, ""),
    ("scoring", "Cách đánh giá (không sửa)", "text", False, ""),
    ("total_max", "Tổng điểm tối đa / cơ cấu bộ tiêu chí", "number", True, "provenance"),
    ("point_step", "Bậc điểm nhỏ nhất", "number", True, "point_step_provenance"),
    ("confirmed_by", "Người đối chiếu (họ tên, chức vụ, cơ quan, ngày đối chiếu)", "text", True, ""),
)

# Tree sheet: one row per criterion and per indicator.
TREE_COLUMNS = (  # (key, heading, width, editable)
    ("level", "Cấp", 9, False),
    ("code", "Mã", 7, False),
    ("name", "Tên tiêu chí, chỉ tiêu", 58, True),
    ("max", "Điểm tối đa", 9, True),
    ("kind", "Cách chấm", 15, False),
    ("not_applicable_full", "Không phát sinh: đạt điểm tối đa", 12, True),
    ("deduction_max", "Điểm trừ tối đa (dưới 0)", 10, True),
    ("numerator_label", "Tên tử số (tỷ lệ)", 22, True),
    ("denominator_label", "Tên mẫu số (tỷ lệ)", 22, True),
    ("pass_rule", "Số chỉ tiêu phải đạt (đạt / không đạt)", 12, True),
    ("status", "Trạng thái", 13, True),
    ("source", "Căn cứ", 40, True),
    # Contents of pass/fail sets (after the columns above, so a points book keeps its layout):
    ("threshold", "Mức đạt (%) của tỷ lệ", 10, True),
    ("derived", "Số liệu lấy từ nội dung khác (không sửa)", 22, False),
    ("min_ticked", "Số hoạt động tối thiểu", 10, True),
    ("requirement", "Yêu cầu thêm (in trên phiếu)", 24, True),
)
TREE_COL = {key: n for n, (key, _, _, _) in enumerate(TREE_COLUMNS)}
CONTENT_ONLY = ("threshold", "derived", "min_ticked", "requirement")  # hidden in a points book
FIGURE_WORDS = {"numerator": "tử số", "denominator": "mẫu số"}

# Checklist options: one row per option of a checklist content.
SHEET_OPTIONS = "Hoạt động"
OPTION_COLUMNS = (  # (key, heading, width, editable)
    ("content", "Nội dung", 9, False),
    ("number", "Số thứ tự", 8, False),
    ("text", "Hoạt động", 90, True),
)
OPTION_COL = {key: n for n, (key, _, _, _) in enumerate(OPTION_COLUMNS)}

BAND_COLUMNS = (  # (key, heading, width, editable)
    ("indicator", "Chỉ tiêu", 9, False),
    ("from", "Từ (%)", 9, True),
    ("to", "Đến dưới (%) — để trống ở mức cao nhất", 14, True),
    ("points", "Điểm", 8, True),
    ("status", "Trạng thái", 13, True),
    ("source", "Căn cứ", 50, True),
)
BAND_COL = {key: n for n, (key, _, _, _) in enumerate(BAND_COLUMNS)}

# Conditions sheet: the recognition thresholds (rows by hidden key), then the declarations.
CONDITION_FIELDS = (  # (key, label, kind, scoring it belongs to, provenance key)
    ("total_min", "Tổng điểm tối thiểu để đạt chuẩn", "number", "points", "total_min_provenance"),
    (
        "criterion_min_fraction",
        "Mỗi tiêu chí đạt tối thiểu (tỷ lệ điểm tối đa của tiêu chí)",
        "percent",
        "points",
        "criterion_min_fraction_provenance",
    ),
    ("criteria_pass_rule", "Số tiêu chí phải đạt", "pass_rule", "pass_fail", "criteria_pass_rule_provenance"),
)
DECLARATION_COLUMNS = (  # (key, heading, width, editable)
    ("key", "Khóa (không sửa)", 16, False),
    ("label", "Câu hỏi trên phiếu", 58, True),
    ("short", "Tên ngắn (trên sổ tổng hợp)", 26, True),
    ("disqualifying_answer", "Trả lời nào thì không đạt chuẩn", 12, True),
    ("status", "Trạng thái", 13, True),
    ("source", "Căn cứ", 40, True),
)
DECLARATION_COL = {key: n for n, (key, _, _, _) in enumerate(DECLARATION_COLUMNS)}
DECLARATIONS_TITLE = "Câu hỏi loại trừ (cam kết trên phiếu)"

META_KEYS = (
    "template_id",
    "template_version",
    "rule_set",
    "scoring",
    "criteria",
    "indicators",
    "bands",
    "declarations",
    "generated_by",
    "groups",  # 2.1=2.1.1,2.1.2 ...: indicators made of several contents
    "derived",  # 1.2:denominator=1.1.denominator ...: figures taken from another content
    "options",  # 2.5:8 3.3:4: checklist contents and how many options
    "switches",  # TC1: criteria with a switch
)
