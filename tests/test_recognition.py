"""The recognition annex (Mẫu 08, NĐ 30/2020 layout): the authority block and quốc hiệu, two
lists each under its own title with the numbered column row, reasons in plain legal words,
the "(Kèm theo Quyết định …)" and place-and-date lines from config.toml (dots for the văn thư
when not numbered), totals, the provisional notice, Times New Roman 13, the print setup with
the sheet's own page numbers, and no form hints."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import replace

import pytest
from builders import load, make_run, texts

from pipeline.core import rules
from pipeline.core.config import Signature
from pipeline.writers import recognition_text
from pipeline.writers.recognition import SHEET
from pipeline.writers.workbook import write_workbook

SIGNED = Signature(
    authority="Ủy ban nhân dân thị xã Bỉm Sơn",
    signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
    signer_name="Nguyễn Văn Bình",
    place="Bỉm Sơn",
    decision_number="125/QĐ-UBND",
    decision_date=dt.date(2024, 2, 5),
)


def lists(ws) -> dict[str, list[tuple]]:
    """List I / II -> its rows (STT, name, result, note), found under each list's own title."""
    out: dict[str, list[tuple]] = {}
    current = None
    for row in ws.iter_rows(values_only=True):
        first = row[0]
        if isinstance(first, str) and first.startswith(("I. DANH SÁCH", "II. DANH SÁCH")):
            current = out.setdefault(first.split(".")[0], [])
        elif isinstance(first, int) and current is not None:
            current.append(row[:4])
        elif isinstance(first, str) and first.startswith("Tổng số:"):
            current = None
    return out


def heading_rows(ws) -> list[int]:
    return [c.row for c in ws["A"] if c.value == "STT"]


def write(tmp_path, run=None, signature: Signature | None = SIGNED):
    run = run or make_run()
    if signature is not None:
        run = replace(run, config=replace(run.config, signature=signature))
    return load(write_workbook(run, tmp_path / "wb.xlsx"))[SHEET]


@pytest.fixture(scope="module")
def sheet(tmp_path_factory):
    return write(tmp_path_factory.mktemp("cn"))


def test_two_lists_each_with_its_title_headings_and_numbered_columns(sheet):
    found = lists(sheet)
    assert [r[:3] for r in found["I"]] == [(1, "Phường Bắc Sơn", 96.75), (2, "Xã Quang Trung", 92)]
    assert [r[1] for r in found["II"]] == [
        "Phường Ba Đình",
        "Phường Lam Sơn",
        "Phường Ngọc Trạo",
        "Phường Đông Sơn",
        "Phường Phú Sơn",
    ]
    titles = [t for t in texts(sheet) if "DANH SÁCH XÃ, PHƯỜNG" in t]
    assert titles == [
        "DANH SÁCH XÃ, PHƯỜNG ĐẠT CHUẨN VÀ CHƯA ĐẠT CHUẨN\nTIẾP CẬN PHÁP LUẬT NĂM 2023",
        "I. DANH SÁCH XÃ, PHƯỜNG ĐẠT CHUẨN TIẾP CẬN PHÁP LUẬT",
        "II. DANH SÁCH XÃ, PHƯỜNG CHƯA ĐẠT CHUẨN TIẾP CẬN PHÁP LUẬT",
    ]
    heads = heading_rows(sheet)
    assert len(heads) == 2  # one heading row per list
    for head in heads:
        assert [c.value for c in sheet[head]][:4] == ["STT", "Tên đơn vị", "Tổng điểm", "Ghi chú"]
        assert [c.value for c in sheet[head + 1]][:4] == ["(1)", "(2)", "(3)", "(4)"]
    text = texts(sheet)
    assert "Tổng số: 7 đơn vị; đạt chuẩn tiếp cận pháp luật: 2 đơn vị (28,57%); chưa đạt chuẩn: 5 đơn vị." in text


def test_reasons_are_plain_legal_sentences_not_field_labels(sheet):
    found = lists(sheet)
    assert found["I"][0][3] == "Điểm tự chấm (chưa thẩm định)"
    reasons = {r[1]: r[3] for r in found["II"]}
    assert reasons == {
        "Phường Ba Đình": "Tổng số điểm đạt 78,5/100 điểm, thấp hơn mức tối thiểu 80 điểm",
        "Phường Lam Sơn": "Tiêu chí 1 đạt 4,75/10 điểm, dưới 50% số điểm tối đa của tiêu chí",
        "Phường Ngọc Trạo": (
            "Trong năm đánh giá, Bí thư Đảng ủy hoặc Chủ tịch UBND cấp xã bị xử lý kỷ luật hành chính do vi "
            "phạm trong thi hành công vụ hoặc bị truy cứu trách nhiệm hình sự nên không đủ điều kiện công nhận"
        ),
        "Phường Đông Sơn": "Không gửi hồ sơ tự đánh giá",
        "Phường Phú Sơn": (
            "Hồ sơ tự đánh giá không hợp lệ (phiếu năm 2022, đợt này là năm 2023), chưa đủ căn cứ xem xét công nhận"
        ),
    }
    for reason in reasons.values():
        assert ": Có" not in reason and ": Không" not in reason and "TC1" not in reason
    assert found["II"][3][2] is None  # sent nothing: no total


def test_authority_block_national_title_and_the_decision_from_config(sheet):
    assert [sheet["A1"].value, sheet["A2"].value] == ["ỦY BAN NHÂN DÂN", "THỊ XÃ BỈM SƠN"]
    assert [sheet["C1"].value, sheet["C2"].value] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert sheet["A1"].font.b and sheet["C2"].font.b and sheet["C2"].font.u == "single"
    text = texts(sheet)
    assert (
        "(Kèm theo Quyết định số 125/QĐ-UBND ngày 05 tháng 02 năm 2024 của Chủ tịch Ủy ban nhân dân thị xã Bỉm Sơn)"
        in text
    )
    assert "Bỉm Sơn, ngày 05 tháng 02 năm 2024" in text
    assert "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH" in text and "Nguyễn Văn Bình" in text


def test_no_form_hint_and_times_new_roman_13(sheet):
    text = "\n".join(texts(sheet))
    assert "Ký, ghi rõ họ tên" not in text and "đóng dấu" not in text
    body = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, (str, int, float))]
    assert {c.font.name for c in body} == {"Times New Roman"}
    table = [c for c in body if c.row > heading_rows(sheet)[0]]
    assert min(c.font.sz for c in table) == 13


def test_not_numbered_yet_leaves_dots_for_the_clerk(tmp_path):
    ws = write(tmp_path, signature=Signature(place="Bỉm Sơn"))
    text = texts(ws)
    assert (
        "(Kèm theo Quyết định số ……/QĐ-UBND ngày …… tháng …… năm …… "
        "của Chủ tịch Ủy ban nhân dân thị xã Bỉm Sơn)" in text
    )
    assert "Bỉm Sơn, ngày …… tháng …… năm ……" in text
    assert not any(t.startswith("Số:") or "125" in t for t in text)


def test_older_free_text_decision_is_printed_as_written(tmp_path):
    ws = write(tmp_path, signature=Signature(decision="số 125/QĐ-UBND ngày 05/02/2024"))
    assert "(Kèm theo Quyết định số 125/QĐ-UBND ngày 05/02/2024 của Chủ tịch Ủy ban nhân dân thị xã Bỉm Sơn)" in texts(
        ws
    )


def test_print_setup_and_the_sheets_own_page_numbers(sheet):
    setup = sheet.page_setup
    assert setup.orientation == "portrait" and setup.paperSize == 9
    assert setup.useFirstPageNumber and setup.firstPageNumber in (None, 1)  # the default first number is 1
    assert sheet.page_margins.left == pytest.approx(1.18) and sheet.page_margins.right == pytest.approx(0.59)
    footer = sheet.oddFooter.center.text
    assert footer.endswith("Trang &P") and "&N" not in footer and "&A" not in footer  # this sheet's pages
    assert not (sheet.oddHeader.left.text or "")  # no office name at the top of an official annex
    assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_a_long_list_repeats_its_headings(tmp_path):
    ws = write(tmp_path, make_run(units=120))
    first = heading_rows(ws)[0]
    assert ws.print_title_rows == f"${first}:${first + 1}"


def test_a_short_list_on_one_page_repeats_nothing(tmp_path):
    ws = write(tmp_path, make_run(units=["recognised", "low_total"]))
    assert ws.print_title_rows is None
    assert not ws.row_breaks.brk


def test_provisional_lists_say_so_on_the_sheet_and_every_page(sheet):
    banner = next(t for t in texts(sheet) if t.startswith("KẾT QUẢ TẠM TÍNH"))
    assert "CHƯA DÙNG ĐỂ TRÌNH KÝ QUYẾT ĐỊNH CÔNG NHẬN" in banner
    assert "bộ tiêu chí còn số liệu chưa đối chiếu văn bản gốc" in banner
    assert "4/5 đơn vị còn dùng điểm tự chấm" in banner  # of 5 usable forms; Quang Trung's points are appraised
    assert "KẾT QUẢ TẠM TÍNH" in sheet.oddHeader.center.text


def test_final_lists_carry_no_notice(tmp_path):
    data = tomllib.loads(rules.resolve("qd25-2021").read_text(encoding="utf-8").replace('"provisional"', '"verified"'))
    verified = rules.parse(data, "verified.toml")
    assert not verified.has_provisional
    run = make_run(rule_set=verified, units=["appraised", "low_total"])
    low = run.units[1]
    run = replace(run, units=(run.units[0], replace(low, verdict=replace(low.verdict, provisional=()))))
    ws = write(tmp_path, run)
    assert not any(t.startswith("KẾT QUẢ TẠM TÍNH") for t in texts(ws))
    assert not (ws.oddHeader.center.text or "")
    assert lists(ws)["I"][0][1] == "Phường Bắc Sơn"  # plays "appraised"


# ------------------------------------------------------------------ the words, one by one


def test_dates_and_numbers_in_the_nd30_way():
    assert recognition_text.legal_date(dt.date(2024, 2, 5)) == "ngày 05 tháng 02 năm 2024"
    assert recognition_text.legal_date(dt.date(2024, 11, 20)) == "ngày 20 tháng 11 năm 2024"
    assert recognition_text.legal_date(dt.date(2024, 3, 9)) == "ngày 09 tháng 3 năm 2024"
    assert recognition_text.legal_date(None) == "ngày …… tháng …… năm ……"
    assert recognition_text.authority_lines("Ủy ban nhân dân tỉnh Thanh Hóa") == ["ỦY BAN NHÂN DÂN", "TỈNH THANH HÓA"]
    assert recognition_text.authority_lines("Sở Tư pháp") == ["SỞ TƯ PHÁP"]
    assert recognition_text.criterion_name("TC3") == "Tiêu chí 3"


@pytest.mark.parametrize(
    ("label", "answer", "statement"),
    [
        ("Trong năm, Chủ tịch UBND xã có bị kỷ luật không?", True, "Trong năm, Chủ tịch UBND xã bị kỷ luật"),
        (
            "Trong năm đánh giá, có cán bộ cấp xã bị kỷ luật không?",
            True,
            "Trong năm đánh giá, có cán bộ cấp xã bị kỷ luật",
        ),
        (
            "Kết quả khảo sát mức độ hài lòng của người dân có đạt mức quy định không?",
            False,
            "Kết quả khảo sát mức độ hài lòng của người dân không đạt mức quy định",
        ),
        ("Đã niêm yết công khai", True, "Theo khai báo của đơn vị: Niêm yết"),
    ],
)
def test_a_declaration_becomes_what_the_unit_declared(label, answer, statement):
    assert recognition_text._statement(label, answer, "Niêm yết") == statement


def test_special_zones_are_named_in_the_titles(tmp_path):
    run = make_run(units=["recognised", "low_total"])
    units = (run.config.units[0], replace(run.config.units[1], kind="đặc khu"))
    config = replace(run.config, units=units)
    assert recognition_text.kinds_text(config) == "phường, đặc khu"
    assert recognition_text.list_title(config, True) == "I. DANH SÁCH PHƯỜNG, ĐẶC KHU ĐẠT CHUẨN TIẾP CẬN PHÁP LUẬT"
