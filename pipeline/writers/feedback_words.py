"""The feedback letter's words for the commune: how to fix each problem said to the commune
(the problem catalogue's fixes are written for the office), and file names without the
office's folders."""

from __future__ import annotations

from pathlib import PurePosixPath

from pipeline.core.problems import Issue

# How to fix a problem, told to the commune, where the catalogue's words are the office's
# ({office}: the office's name). Other codes keep the catalogue's fix, said to the commune
# (see commune_fix).
COMMUNE_FIX = {
    "FILE_IGNORED": "Nếu đây là phiếu tự đánh giá: mở bằng Excel, lưu dưới dạng Sổ làm việc Excel (.xlsx) rồi gửi lại.",
    "FILE_NOT_REGULAR": "Gửi lại phiếu dưới dạng tệp đính kèm bình thường.",
    "FOLDER_SKIPPED": "Gửi lại phiếu dưới dạng tệp đính kèm bình thường.",
    "NOT_OUR_FORM": "Điền lại trên đúng mẫu phiếu do {office} gửi.",
    "REPORT_IN_INPUTS": "Tệp đã gửi là báo cáo định kỳ; gửi phiếu tự đánh giá chuẩn tiếp cận pháp luật trên mẫu do {office} gửi.",
    "TEMPLATE_UNKNOWN": "Lần sau đề nghị dùng mẫu phiếu mới nhất do {office} gửi.",
    "UNIT_UNKNOWN": "Kiểm tra lại mã đơn vị hành chính ghi trong phiếu (mã của chính đơn vị mình).",
    "FILE_NAME_MISMATCH": "Kiểm tra lại tệp đã gửi có đúng là phiếu của đơn vị mình không; nếu gửi nhầm, gửi lại đúng phiếu.",
    "SUPERSEDED": "Không cần làm gì nếu phiếu gửi sau là bản đúng; nếu không, gửi lại bản đúng với ngày báo cáo mới.",
    "DUPLICATE_DIFFERS": (
        "Các phiếu đã gửi ghi khác nhau ở chỉ tiêu này; kết quả tính theo phiếu được dùng (mục 1). "
        "Nếu phiếu đó chưa đúng, sửa rồi gửi lại với ngày báo cáo mới."
    ),
    "NEWER_FILE_REJECTED": "Nếu phiếu gửi sau mới là bản đúng: sửa các lỗi của phiếu đó (trong bảng này) rồi gửi lại.",
    "DUPLICATE_FILE": "Không cần làm gì: các tệp giống hệt nhau, chỉ một bản được tính.",
    "CACHED_TOTAL_DIFFERS": (
        "Không cần sửa: điểm được tính lại từ điểm từng chỉ tiêu. Lần sau nhập điểm dạng số và không sửa công thức tổng."
    ),
    "SUBMITTED_LATE": "Lần sau đề nghị gửi phiếu trước hạn.",
    "UNIT_NOT_SUBMITTED": "Gửi phiếu tự đánh giá sớm nhất.",
}
# The catalogue's words for the office, said to the commune instead.
_TO_COMMUNE = (("Xin xã ", ""), ("xin xã ", "đề nghị "), ("Lần sau xin ", "Lần sau đề nghị "), ("của xã", "của đơn vị"))


def commune_fix(i: Issue, office: str) -> str:
    """How the commune fixes a problem, in words addressed to it."""
    if i.code in COMMUNE_FIX:
        return COMMUNE_FIX[i.code].format(office=office)
    text = i.fix
    for old, new in _TO_COMMUNE:
        text = text.replace(old, new)
    text = text.replace("phòng Tư pháp", office)
    return text[:1].upper() + text[1:]


def without_folders(text: str, paths: list[str]) -> str:
    """`text` with each of `paths` (relative to the office's inputs folder) cut to its file
    name: where the office keeps a file is none of the commune's business."""
    for path in sorted(paths, key=len, reverse=True):
        name = PurePosixPath(path).name
        if name != path:
            text = text.replace(path, name)
    return text
