"""One record type for every problem found in a run, and the catalogue of problem codes.

A problem (`Issue`) has a stable code, a severity (error: the file or row cannot be used;
warning: used, but someone should look), where it was found (file, sheet, A1 cell), the value
found, and a plain Vietnamese message saying what is wrong and how to fix it. Problems are
collected, never raised: the run goes on.

Messages live in CATALOGUE so that the README's list of codes, the workbook and the tests all
read the same text. A message template may use {value} and any keyword passed to `issue()`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from pipeline.core.text import value_text


class Severity(StrEnum):  # a str: values, comparisons and every output stay the plain words
    ERROR = "error"
    WARNING = "warning"


ERROR, WARNING = Severity.ERROR, Severity.WARNING
SEVERITY_LABEL = {ERROR: "Lỗi", WARNING: "Cảnh báo"}


@dataclass(frozen=True)
class Issue:
    code: str
    severity: str
    message: str
    fix: str = ""
    file: str = ""
    sheet: str = ""
    cell: str = ""
    value: str = ""
    unit: str = ""  # unit code, when known
    indicator: str = ""  # indicator code, when the problem is on one indicator's row

    def located(self, **where: str) -> Issue:
        return replace(self, **where)

    @property
    def where(self) -> str:
        parts = [p for p in (self.file, self.sheet, self.cell) if p]
        return " › ".join(parts)


@dataclass(frozen=True)
class Spec:
    severity: str
    message: str
    fix: str
    area: str  # for the README table: which step finds it


def _s(severity: str, area: str, message: str, fix: str) -> Spec:
    return Spec(severity, message, fix, area)


CATALOGUE: dict[str, Spec] = {
    # ---- discover: which files are there
    "FILE_IGNORED": _s(
        WARNING,
        "discover",
        "Tệp không phải bảng tính (.xlsx, .xlsm, .xls, .ods) nên không được đọc.",
        "Nếu đây là phiếu của xã, hãy mở bằng Excel và lưu lại dưới dạng .xlsx.",
    ),
    "FILE_EMPTY": _s(
        ERROR, "discover", "Tệp rỗng (0 byte).", "Xin xã gửi lại tệp; tệp có thể bị hỏng khi tải về hoặc chép."
    ),
    "FILE_TOO_LARGE": _s(
        ERROR,
        "discover",
        "Tệp quá lớn ({value}), vượt giới hạn {limit}.",
        "Phiếu chuẩn chỉ vài chục KB; xin xã gửi lại đúng mẫu, không chèn ảnh hay dữ liệu khác.",
    ),
    "FILE_NOT_REGULAR": _s(
        WARNING,
        "discover",
        "Đây không phải tệp thường (ống dẫn, thiết bị hay liên kết đặc biệt) nên không được mở.",
        "Chép phiếu vào thư mục inputs dưới dạng tệp bình thường.",
    ),
    "FOLDER_SKIPPED": _s(
        WARNING,
        "discover",
        "Thư mục không được đọc: {value}.",
        "Nếu trong đó có phiếu của xã, hãy chép các tệp vào một thư mục thường trong inputs (không dùng lối tắt, không lồng quá sâu).",
    ),
    # ---- read: can the workbook be opened at all
    "FILE_NOT_SPREADSHEET": _s(
        ERROR,
        "read",
        "Tệp có đuôi bảng tính nhưng nội dung không phải bảng tính ({value}).",
        "Xin xã mở phiếu bằng Excel và lưu lại (Lưu thành → Sổ làm việc Excel .xlsx).",
    ),
    "FILE_CORRUPT": _s(
        ERROR,
        "read",
        "Không mở được tệp: tệp bị hỏng hoặc không đầy đủ ({value}).",
        "Xin xã gửi lại tệp; nếu gửi qua Zalo/email, hãy nén hoặc gửi dạng tệp đính kèm.",
    ),
    "FILE_ENCRYPTED": _s(
        ERROR,
        "read",
        "Tệp được đặt mật khẩu nên không đọc được.",
        "Xin xã bỏ mật khẩu (Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng mật khẩu → xóa trống) rồi gửi lại.",
    ),
    "FILE_UNSAFE": _s(
        ERROR,
        "read",
        "Tệp có cấu trúc bất thường nên không được mở, để bảo vệ máy ({value}).",
        "Xin xã xuất lại phiếu từ mẫu chuẩn và gửi lại.",
    ),
    "NOT_OUR_FORM": _s(
        ERROR,
        "read",
        "Tệp không phải phiếu tự đánh giá chuẩn tiếp cận pháp luật (không thấy bảng điểm theo mẫu).",
        "Xin xã dùng đúng mẫu phiếu do phòng Tư pháp gửi (tạo bằng lệnh make template).",
    ),
    "REPORT_IN_INPUTS": _s(
        ERROR,
        "read",
        "Tệp là báo cáo định kỳ của xã (mẫu báo cáo 6 tháng / năm), không phải phiếu tự đánh giá: bước tổng hợp không đọc.",
        "Chép tệp vào thư mục báo cáo định kỳ (mặc định bao-cao/ cạnh config.toml) rồi chạy tcpl reports.",
    ),
    "MACROS_PRESENT": _s(
        WARNING,
        "read",
        "Tệp có chứa macro (.xlsm); macro không được chạy, chỉ đọc số liệu.",
        "Nên lưu phiếu dạng .xlsx (không macro) cho các lần gửi sau.",
    ),
    "EXTERNAL_LINKS": _s(
        WARNING,
        "read",
        "Tệp có liên kết tới tệp khác; liên kết không được cập nhật, chỉ đọc giá trị đã nhập.",
        "Xin xã nhập số liệu trực tiếp vào phiếu thay vì liên kết tới tệp khác.",
    ),
    # ---- template / structure
    "TEMPLATE_UNKNOWN": _s(
        WARNING,
        "structure",
        "Không thấy trang thông tin ẩn của mẫu phiếu; tệp được đọc theo mã chỉ tiêu.",
        "Nên dùng mẫu phiếu mới nhất do phòng Tư pháp gửi.",
    ),
    "TEMPLATE_OLD": _s(
        WARNING,
        "structure",
        "Phiếu theo mẫu phiên bản {value}, mẫu hiện hành là phiên bản {current}.",
        "Lần sau xin dùng mẫu mới nhất; số liệu lần này vẫn được đọc.",
    ),
    "WRONG_RULE_SET": _s(
        ERROR,
        "structure",
        "Phiếu lập theo bộ tiêu chí {value}, đợt đánh giá này dùng bộ {expected}.",
        "Xin xã điền lại trên mẫu phiếu của đợt đánh giá này.",
    ),
    "WRONG_YEAR": _s(
        ERROR,
        "structure",
        "Phiếu ghi năm đánh giá {value}, đợt này là năm {expected}.",
        "Xin xã kiểm tra ô năm đánh giá hoặc dùng mẫu phiếu của năm {expected}.",
    ),
    "INDICATOR_MISSING": _s(
        ERROR,
        "structure",
        "Không tìm thấy dòng của chỉ tiêu {indicator} trong bảng điểm.",
        "Xin xã không xóa dòng nào của bảng điểm; điền lại trên mẫu phiếu gốc.",
    ),
    "INDICATOR_UNKNOWN": _s(
        WARNING,
        "structure",
        "Bảng điểm có mã chỉ tiêu {value} không có trong bộ tiêu chí; dòng này bị bỏ qua.",
        "Xin xã không thêm dòng chỉ tiêu ngoài mẫu.",
    ),
    "INDICATOR_DUPLICATE": _s(
        ERROR,
        "structure",
        "Chỉ tiêu {indicator} xuất hiện nhiều lần trong bảng điểm.",
        "Xin xã giữ một dòng cho mỗi chỉ tiêu.",
    ),
    "CACHED_TOTAL_DIFFERS": _s(
        WARNING,
        "structure",
        "Tổng điểm ghi trong phiếu ({value}) khác tổng các điểm tự chấm đã nhập ({computed}), thường do có điểm nhập dạng chữ hoặc công thức tổng bị sửa.",
        "Không cần sửa: chương trình luôn tự tính lại điểm. Xin xã nhập điểm dạng số và không sửa công thức tổng.",
    ),
    # ---- unit identity
    "UNIT_CODE_MISSING": _s(
        ERROR,
        "identity",
        "Phiếu không ghi mã đơn vị.",
        "Xin xã dùng mẫu phiếu riêng của đơn vị (đã điền sẵn mã) hoặc nhập mã đơn vị hành chính.",
    ),
    "UNIT_UNKNOWN": _s(
        ERROR,
        "identity",
        "Mã đơn vị {value} không thuộc danh sách đơn vị của đợt đánh giá.",
        "Kiểm tra mã đơn vị trong phiếu, hoặc bổ sung đơn vị vào config.toml.",
    ),
    "UNIT_NAME_MISMATCH": _s(
        WARNING,
        "identity",
        "Tên đơn vị trong phiếu ({value}) khác tên đã đăng ký cho mã {unit_code} ({expected}).",
        "Kiểm tra lại mã đơn vị trong phiếu.",
    ),
    "FILE_NAME_MISMATCH": _s(
        WARNING,
        "identity",
        "Tên tệp gợi ý đơn vị {value} nhưng phiếu ghi mã của {expected}.",
        "Kiểm tra xem xã có gửi nhầm phiếu của đơn vị khác không.",
    ),
    "UNIT_CLAIMED_BY_OTHER": _s(
        ERROR,
        "identity",
        "Phiếu ghi mã {unit_code} ({expected}) nhưng {value} lại chỉ {other}; phiếu không được dùng, kết quả của {expected} tính theo {used}.",
        "Hỏi lại {other} và {expected} xem phiếu này của ai: nếu của {expected}, sửa tên tệp, thư mục hoặc tên đơn vị cho khớp rồi gửi lại; nếu của {other}, sửa mã đơn vị trong phiếu.",
    ),
    "SUPERSEDED": _s(
        WARNING,
        "identity",
        "Đơn vị đã gửi nhiều phiếu; phiếu này được thay bằng phiếu mới hơn ({value}).",
        "Không cần làm gì nếu phiếu mới hơn là bản đúng.",
    ),
    "DUPLICATE_DIFFERS": _s(
        WARNING,
        "identity",
        "Chỉ tiêu {indicator}: phiếu cũ ghi {value}, phiếu được dùng ghi {used}.",
        "Xác nhận với xã bản nào là bản đúng.",
    ),
    "NEWER_FILE_REJECTED": _s(
        WARNING,
        "identity",
        "Kết quả của đơn vị tính theo phiếu này, vì phiếu mới hơn ({value}) bị loại.",
        "Xem lỗi của phiếu mới hơn ở trang Lỗi dữ liệu; xin xã sửa và gửi lại nếu phiếu mới mới là bản đúng.",
    ),
    "DUPLICATE_FILE": _s(
        WARNING, "identity", "Tệp giống hệt tệp {value} (cùng nội dung).", "Không cần làm gì; chỉ một bản được tính."
    ),
    # ---- values (cover)
    "REPORT_DATE_MISSING": _s(WARNING, "values", "Chưa nhập ngày báo cáo.", "Xin xã nhập ngày báo cáo (dd/mm/yyyy)."),
    "REPORT_DATE_INVALID": _s(
        ERROR, "values", "Ngày báo cáo không hợp lệ: {value}.", "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 05/01/2024."
    ),
    "REPORT_DATE_OUT_OF_RANGE": _s(
        WARNING,
        "values",
        "Ngày báo cáo {value} không nằm trong khoảng hợp lý của đợt đánh giá.",
        "Kiểm tra lại ngày báo cáo.",
    ),
    "CONTACT_MISSING": _s(
        WARNING, "values", "Chưa nhập {field}.", "Xin xã nhập {field} để phòng Tư pháp liên hệ khi cần."
    ),
    "DECLARATION_MISSING": _s(
        ERROR,
        "values",
        "Chưa trả lời câu hỏi: {field}.",
        "Chọn Có hoặc Không. Khi chưa trả lời, đơn vị không thể được công nhận.",
    ),
    "DECLARATION_INVALID": _s(
        ERROR, "values", 'Câu trả lời "{value}" không hợp lệ cho: {field}.', "Chọn Có hoặc Không."
    ),
    # ---- values (indicator rows)
    "POINTS_MISSING": _s(
        WARNING,
        "values",
        "Chỉ tiêu {indicator} chưa có điểm tự chấm; tính 0 điểm.",
        'Nhập điểm tự chấm (0 đến {max}), hoặc đánh dấu "Không phát sinh" nếu được phép.',
    ),
    "POINTS_NOT_NUMBER": _s(
        ERROR, "values", 'Điểm chỉ tiêu {indicator} không phải là số: "{value}".', "Nhập số, ví dụ 2,5 hoặc 2.5."
    ),
    "POINTS_OUT_OF_RANGE": _s(
        ERROR,
        "values",
        "Điểm chỉ tiêu {indicator} là {value}, ngoài khoảng cho phép [{min}, {max}].",
        "Nhập điểm từ {min} đến {max}.",
    ),
    "POINTS_NOT_STEP": _s(
        ERROR,
        "values",
        "Điểm chỉ tiêu {indicator} là {value}, không phải bội số của {step}.",
        "Điểm chấm theo bậc {step} (ví dụ 2; 2,25; 2,5; 2,75).",
    ),
    "RATE_NOT_NUMBER": _s(
        ERROR, "values", 'Chỉ tiêu {indicator}: {field} không phải là số: "{value}".', "Nhập số nguyên không âm."
    ),
    "RATE_NEGATIVE": _s(
        ERROR, "values", "Chỉ tiêu {indicator}: {field} là số âm ({value}).", "Nhập số nguyên không âm."
    ),
    "RATE_MISSING": _s(
        ERROR,
        "values",
        "Chỉ tiêu {indicator} tính theo tỷ lệ nhưng thiếu {field}; tính 0 điểm.",
        "Nhập cả tử số và mẫu số.",
    ),
    "RATE_NUMERATOR_GT_DENOMINATOR": _s(
        ERROR,
        "values",
        "Chỉ tiêu {indicator}: tử số ({value}) lớn hơn mẫu số ({denominator}).",
        "Kiểm tra lại số liệu: tử số không thể lớn hơn mẫu số.",
    ),
    "RATE_ZERO_DENOMINATOR": _s(
        ERROR,
        "values",
        "Chỉ tiêu {indicator}: mẫu số bằng 0 nên không tính được tỷ lệ; tính 0 điểm.",
        "Nhập mẫu số lớn hơn 0.",
    ),
    "BANDED_POINTS_DIFFER": _s(
        WARNING,
        "values",
        "Chỉ tiêu {indicator}: điểm tự chấm {value} khác điểm tính theo tỷ lệ {rate} ({computed}); dùng {computed}.",
        "Không cần sửa: điểm chỉ tiêu này luôn tính từ tử số và mẫu số.",
    ),
    "NOT_APPLICABLE_NOT_ALLOWED": _s(
        WARNING,
        "values",
        'Chỉ tiêu {indicator} không được tính "Không phát sinh"; đánh dấu này bị bỏ qua.',
        "Chấm điểm chỉ tiêu này như bình thường.",
    ),
    "NOT_APPLICABLE_WITH_POINTS": _s(
        WARNING,
        "values",
        'Chỉ tiêu {indicator} vừa đánh dấu "Không phát sinh" vừa có điểm {value}; tính điểm tối đa theo "Không phát sinh".',
        'Bỏ điểm hoặc bỏ đánh dấu "Không phát sinh" cho rõ.',
    ),
    "NOT_APPLICABLE_INVALID": _s(
        WARNING,
        "values",
        'Ô "Không phát sinh" của chỉ tiêu {indicator} có giá trị lạ "{value}"; coi như không đánh dấu.',
        'Chọn "Có" hoặc để trống.',
    ),
    "PASS_FAIL_INVALID": _s(
        ERROR,
        "values",
        'Kết quả chỉ tiêu {indicator} là "{value}", không phải Đạt / Không đạt.',
        "Chọn Đạt hoặc Không đạt.",
    ),
    # ---- values (contents of pass/fail sets with contents, QĐ 27/2025)
    "CONTENT_RATE_MISSING": _s(
        ERROR,
        "values",
        "Nội dung {indicator} tính theo tỷ lệ nhưng thiếu {field}; coi là Không đạt.",
        'Nhập cả tử số và mẫu số; nếu trong năm không phát sinh, chọn "Có" ở cột Không phát sinh.',
    ),
    "CONTENT_RATE_ZERO_DENOMINATOR": _s(
        ERROR,
        "values",
        "Nội dung {indicator}: mẫu số bằng 0 nên không tính được tỷ lệ; coi là Không đạt.",
        'Nhập mẫu số lớn hơn 0; nếu trong năm không phát sinh, chọn "Có" ở cột Không phát sinh (nếu nội dung cho phép).',
    ),
    "CONTENT_NOT_APPLICABLE_NOT_ALLOWED": _s(
        ERROR,
        "values",
        'Nội dung {indicator} không được tính "Không phát sinh"; coi là Không đạt.',
        'Bỏ chọn "Có" ở cột Không phát sinh và tự đánh giá nội dung này như bình thường.',
    ),
    "NOT_APPLICABLE_CONTRADICTED": _s(
        WARNING,
        "values",
        'Nội dung {indicator} được đánh dấu "Không phát sinh" nhưng có mẫu số {value}; tính theo số liệu.',
        'Nếu có phát sinh, bỏ chọn "Có" ở cột Không phát sinh; nếu không phát sinh, xóa số liệu.',
    ),
    "OPTION_INVALID": _s(
        WARNING,
        "values",
        'Ô hoạt động của nội dung {indicator} có giá trị lạ "{value}"; không được tính là đã thực hiện.',
        'Gõ "x" vào hoạt động đã thực hiện, để trống hoạt động chưa thực hiện.',
    ),
    "OPTION_UNKNOWN": _s(
        WARNING,
        "values",
        "Nội dung {indicator} có đánh dấu ở hoạt động số {value}, không có trong danh sách; không được tính.",
        "Chỉ đánh dấu các hoạt động có trong mẫu phiếu.",
    ),
    "SWITCH_INVALID": _s(
        WARNING,
        "values",
        'Ô "Không được giao nhiệm vụ" của tiêu chí {field} có giá trị lạ "{value}"; coi như không đánh dấu.',
        'Chọn "Có" hoặc để trống.',
    ),
    "PASS_FAIL_MISSING": _s(
        WARNING,
        "values",
        "Chỉ tiêu {indicator} chưa có kết quả Đạt / Không đạt; coi là Không đạt.",
        "Chọn Đạt hoặc Không đạt.",
    ),
    "TEXT_TOO_LONG": _s(
        WARNING,
        "values",
        "Nội dung ô quá dài ({value} ký tự) nên bị cắt khi tổng hợp.",
        "Ghi ngắn gọn, chi tiết để trong hồ sơ kèm theo.",
    ),
    # ---- run level
    "UNIT_NOT_SUBMITTED": _s(
        WARNING, "run", "Đơn vị chưa gửi phiếu.", "Đôn đốc đơn vị gửi phiếu trước hạn {deadline}."
    ),
    "SUBMITTED_LATE": _s(
        WARNING, "run", "Phiếu có ngày báo cáo {value}, sau hạn {deadline}.", "Ghi nhận nộp muộn theo quy định."
    ),
    # ---- season: the council's appraisal workbook, last year's results
    "APPRAISAL_WRONG_YEAR": _s(
        ERROR,
        "season",
        "Phiếu thẩm định lập cho năm {value}, đợt này là năm {expected}; tệp không được dùng.",
        "Lập phiếu thẩm định của năm này bằng lệnh make appraisal-form.",
    ),
    "APPRAISAL_WRONG_RULE_SET": _s(
        ERROR,
        "season",
        "Phiếu thẩm định lập theo bộ tiêu chí {value}, đợt này dùng bộ {expected}; tệp không được dùng.",
        "Lập phiếu thẩm định mới bằng lệnh make appraisal-form.",
    ),
    "APPRAISAL_NO_TABLE": _s(
        ERROR,
        "season",
        "Phiếu thẩm định không còn bảng điểm theo mẫu (không thấy các cột Mã đơn vị, Mã chỉ tiêu, Điểm thẩm định); tệp không được dùng.",
        "Không đổi tên, không xóa cột của phiếu thẩm định; lập lại bằng make appraisal-form và chép điểm sang.",
    ),
    "APPRAISAL_IN_INPUTS": _s(
        WARNING,
        "season",
        "Tệp mang dấu phiếu thẩm định của Hội đồng nhưng nằm trong thư mục hồ sơ của các xã, nên không được áp dụng.",
        "Phiếu thẩm định chỉ được đọc từ thư mục {value}: nếu đây là phiếu của Hội đồng, chuyển tệp sang đó rồi chạy lại.",
    ),
    "APPRAISAL_SUPERSEDED": _s(
        WARNING,
        "season",
        "Có nhiều phiếu thẩm định; phiếu này được thay bằng phiếu mới hơn ({value}).",
        "Không cần làm gì nếu phiếu mới hơn là bản đúng; nếu không, bỏ phiếu cũ khỏi thư mục phiếu thẩm định (tham-dinh).",
    ),
    "APPRAISAL_POINTS_NOT_NUMBER": _s(
        ERROR,
        "season",
        'Điểm thẩm định chỉ tiêu {indicator} của {unit_name} không phải là số: "{value}"; chưa dùng, tạm giữ điểm tự chấm.',
        "Nhập số, ví dụ 2,5 hoặc 2.5, rồi tổng hợp lại.",
    ),
    "APPRAISAL_POINTS_OUT_OF_RANGE": _s(
        ERROR,
        "season",
        "Điểm thẩm định chỉ tiêu {indicator} của {unit_name} là {value}, ngoài khoảng [{min}, {max}]; chưa dùng, tạm giữ điểm tự chấm.",
        "Nhập điểm từ {min} đến {max}, rồi tổng hợp lại.",
    ),
    "APPRAISAL_POINTS_NOT_STEP": _s(
        ERROR,
        "season",
        "Điểm thẩm định chỉ tiêu {indicator} của {unit_name} là {value}, không phải bội số của {step}; chưa dùng, tạm giữ điểm tự chấm.",
        "Điểm chấm theo bậc {step} (ví dụ 2; 2,25; 2,5).",
    ),
    "APPRAISAL_POINTS_NOT_BAND": _s(
        ERROR,
        "season",
        "Chỉ tiêu {indicator} của {unit_name} chấm theo tỷ lệ: điểm thẩm định {value} không phải một mức điểm ({levels}); chưa dùng, tạm giữ điểm tự chấm.",
        "Nhập một trong các mức điểm: {levels}.",
    ),
    "APPRAISAL_PASS_FAIL_INVALID": _s(
        ERROR,
        "season",
        'Kết quả thẩm định chỉ tiêu {indicator} của {unit_name} là "{value}", không phải Đạt / Không đạt; chưa dùng, tạm giữ kết quả tự đánh giá.',
        "Chọn Đạt hoặc Không đạt.",
    ),
    "APPRAISAL_DUPLICATE": _s(
        ERROR,
        "season",
        "Chỉ tiêu {indicator} của {unit_name} có nhiều dòng điểm thẩm định khác nhau ({value}); chưa dùng dòng nào, tạm giữ điểm tự chấm.",
        "Giữ một dòng cho mỗi chỉ tiêu của mỗi đơn vị.",
    ),
    "APPRAISAL_UNIT_UNKNOWN": _s(
        WARNING,
        "season",
        "Phiếu thẩm định có đơn vị mã {value} không thuộc danh sách của đợt đánh giá; các dòng này bị bỏ qua.",
        "Kiểm tra mã đơn vị trong phiếu thẩm định.",
    ),
    "APPRAISAL_UNIT_NO_FORM": _s(
        WARNING,
        "season",
        "Có điểm thẩm định cho {unit_name} nhưng đơn vị chưa có phiếu tự đánh giá dùng được; điểm thẩm định chưa được tính.",
        "Nhận phiếu tự đánh giá hợp lệ của đơn vị rồi tổng hợp lại.",
    ),
    "APPRAISAL_INDICATOR_UNKNOWN": _s(
        WARNING,
        "season",
        "Phiếu thẩm định có mã chỉ tiêu {value} không có trong bộ tiêu chí; dòng này bị bỏ qua.",
        "Không thêm dòng chỉ tiêu ngoài mẫu.",
    ),
    "APPRAISAL_STALE": _s(
        WARNING,
        "season",
        "Chỉ tiêu {indicator} của {unit_name}: phiếu thẩm định ghi điểm tự chấm {value}, phiếu hiện dùng của đơn vị cho {current}; đơn vị đã gửi bản mới sau khi lập phiếu thẩm định. Điểm thẩm định vẫn được dùng.",
        "Hội đồng xem lại điểm thẩm định chỉ tiêu này; có thể lập phiếu thẩm định mới (make appraisal-form), điểm đã nhập được giữ.",
    ),
    "PREVIOUS_MISSING": _s(
        WARNING,
        "season",
        "Không tìm thấy kết quả năm trước ({value}); không so sánh được với năm trước.",
        "Sửa đường dẫn [previous] results trong config.toml (thư mục kết quả năm trước hoặc tệp ket-qua.csv).",
    ),
    "PREVIOUS_UNREADABLE": _s(
        WARNING,
        "season",
        "Không đọc được kết quả năm trước ({value}); không so sánh được với năm trước.",
        "Dùng đúng tệp ket-qua.csv do tcpl lập năm trước (không sửa, không lưu lại bằng Excel).",
    ),
    # ---- periodic reports (báo cáo định kỳ: tcpl reports, steps/reports.py)
    "REPORT_NOT_OURS": _s(
        ERROR,
        "reports",
        "Tệp không phải báo cáo định kỳ theo mẫu (không thấy thông tin ẩn của mẫu báo cáo); không được tổng hợp.",
        "Xin xã điền báo cáo trên mẫu do phòng Tư pháp gửi (lập bằng lệnh tcpl reports --template) và gửi lại.",
    ),
    "REPORT_IS_FORM": _s(
        WARNING,
        "reports",
        "Tệp là phiếu tự đánh giá chuẩn tiếp cận pháp luật, không phải báo cáo định kỳ; không tổng hợp ở đây.",
        "Chép phiếu tự đánh giá vào thư mục inputs/ của bước tổng hợp phiếu; thư mục này chỉ để báo cáo định kỳ.",
    ),
    "REPORT_WRONG_YEAR": _s(
        ERROR,
        "reports",
        "Báo cáo lập cho năm {value}, đợt này tổng hợp báo cáo năm {expected}; tệp không được dùng.",
        "Xin xã điền lại trên mẫu báo cáo của năm {expected}.",
    ),
    "REPORT_OTHER_PERIOD": _s(
        WARNING,
        "reports",
        "Đây là báo cáo {value}; đợt này tổng hợp báo cáo {expected}, nên tệp không được dùng lần này.",
        "Không cần làm gì: tệp được dùng khi tổng hợp báo cáo {value}.",
    ),
    "REPORT_UNIT_MISSING": _s(
        ERROR,
        "reports",
        "Báo cáo không ghi mã đơn vị; không biết của xã, phường nào nên không được dùng.",
        "Xin xã dùng mẫu báo cáo riêng của đơn vị (đã điền sẵn mã) hoặc nhập mã đơn vị hành chính, rồi gửi lại.",
    ),
    "REPORT_UNIT_UNKNOWN": _s(
        ERROR,
        "reports",
        "Mã đơn vị {value} không thuộc danh sách đơn vị trong config.toml; báo cáo không được dùng.",
        "Kiểm tra mã đơn vị trong báo cáo, hoặc bổ sung đơn vị vào config.toml.",
    ),
    "REPORT_FIGURE_MISSING": _s(
        WARNING,
        "reports",
        "{field}: chưa nhập số liệu; không được cộng vào tổng (không coi là 0).",
        "Xin xã nhập số liệu (không có thì ghi 0) rồi gửi lại.",
    ),
    "REPORT_FIGURE_NOT_NUMBER": _s(
        ERROR,
        "reports",
        '{field}: "{value}" không phải là số; số liệu này chưa được cộng vào tổng.',
        "Xin xã nhập số nguyên, ví dụ 12 (không ghi chữ), rồi gửi lại.",
    ),
    "REPORT_FIGURE_NOT_WHOLE": _s(
        ERROR,
        "reports",
        "{field}: {value} không phải số nguyên từ 0 đến {max}; số liệu này chưa được cộng vào tổng.",
        "Xin xã nhập số nguyên từ 0 trở lên (không có số thập phân, không số âm) rồi gửi lại.",
    ),
    "REPORT_MEDIATION_EXCEEDS": _s(
        ERROR,
        "reports",
        "Số vụ, việc hòa giải thành ({value}) lớn hơn số vụ, việc đã tiếp nhận ({received}); số hòa giải thành chưa được cộng vào tổng.",
        "Xin xã kiểm tra lại hai số liệu hòa giải rồi gửi lại.",
    ),
    "REPORT_SUPERSEDED": _s(
        WARNING,
        "reports",
        "Đơn vị đã gửi nhiều báo cáo kỳ này; báo cáo này được thay bằng báo cáo mới hơn ({value}).",
        "Không cần làm gì nếu báo cáo mới hơn là bản đúng; nếu không, bỏ tệp mới hơn khỏi thư mục báo cáo.",
    ),
    "REPORT_LATE": _s(
        WARNING,
        "reports",
        "Báo cáo đề ngày {value}, sau hạn {deadline} ({days} ngày).",
        "Ghi nhận nộp muộn; nhắc đơn vị gửi đúng hạn ở kỳ sau.",
    ),
    "REPORT_NOT_SUBMITTED": _s(
        WARNING,
        "reports",
        "{unit_name} chưa gửi báo cáo {period}.",
        "Đôn đốc đơn vị gửi báo cáo (hạn {deadline}); số liệu tổng hợp chưa gồm đơn vị này.",
    ),
}


def issue(
    code: str, *, file: str = "", sheet: str = "", cell: str = "", value: Any = "", unit: str = "", **context: Any
) -> Issue:
    """Build an Issue from the catalogue; unknown codes are a programming error."""
    spec = CATALOGUE[code]
    shown = display(value)
    fields = {"value": shown, **{k: display(v) for k, v in context.items()}}
    return Issue(
        code=code,
        severity=spec.severity,
        message=_fill(spec.message, fields),
        fix=_fill(spec.fix, fields),
        file=file,
        sheet=sheet,
        cell=cell,
        value=shown,
        unit=unit,
        indicator=fields.get("indicator", ""),
    )


def display(value: Any) -> str:
    """A value as a user would write it: 2.5 -> '2,5', 3.0 -> '3' (see core.text)."""
    return value_text(value)


def _fill(template: str, fields: dict[str, str]) -> str:
    class _Missing(dict):
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    return template.format_map(_Missing(fields))


def has_errors(issues: list[Issue]) -> bool:
    return any(i.severity == ERROR for i in issues)
