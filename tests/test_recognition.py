"""The recognition lists (Mẫu 08 annex): membership, reasons, totals, the provisional notice,
print setup and the signature block from config.toml."""

from __future__ import annotations

import tomllib
from dataclasses import replace

import pytest
from builders import load, make_run, table, texts

from pipeline.core import rules
from pipeline.core.config import Signature
from pipeline.writers.recognition import SHEET
from pipeline.writers.workbook import write_workbook


def lists(ws) -> dict[str, list[dict]]:
    """Section I / II -> its rows (STT, Tên đơn vị, Tổng điểm, Ghi chú)."""
    out, current = {}, None
    for row in table(ws, "Tên đơn vị"):
        first = row.get("STT")
        if isinstance(first, str) and first[:3] in ("I. ", "II."):
            current = out.setdefault(first.split(".")[0], [])
        elif isinstance(first, int) and current is not None:
            current.append(row)
    return out


@pytest.fixture(scope="module")
def sheet(tmp_path_factory):
    run = make_run()
    run = replace(
        run,
        config=replace(
            run.config,
            signature=Signature(
                signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
                signer_name="Nguyễn Văn Bình",
                decision="số 125/QĐ-UBND ngày 05/02/2024",
            ),
        ),
    )
    return load(write_workbook(run, tmp_path_factory.mktemp("cn") / "wb.xlsx"))[SHEET]


def test_lists_and_reasons(sheet):
    found = lists(sheet)
    assert [(r["STT"], r["Tên đơn vị"], r["Tổng điểm"]) for r in found["I"]] == [
        (1, "Phường Bắc Sơn", 96.75),
        (2, "Xã Quang Trung", 92),
    ]
    assert found["I"][0]["Ghi chú"] == "Điểm tự chấm (chưa thẩm định)"
    reasons = {r["Tên đơn vị"]: r["Ghi chú"] for r in found["II"]}
    assert list(reasons) == [
        "Phường Ba Đình",
        "Phường Lam Sơn",
        "Phường Ngọc Trạo",
        "Phường Đông Sơn",
        "Phường Phú Sơn",
    ]
    assert reasons["Phường Ba Đình"] == "Tổng điểm 78,5/100, dưới ngưỡng 80 điểm"
    assert reasons["Phường Lam Sơn"].startswith("TC1: 4,75/10 điểm, dưới mức tối thiểu 5 điểm")
    assert "không đủ điều kiện công nhận" in reasons["Phường Ngọc Trạo"]
    assert reasons["Phường Đông Sơn"] == "Không gửi hồ sơ tự đánh giá"
    assert reasons["Phường Phú Sơn"].startswith("Hồ sơ tự đánh giá không dùng được. Phiếu bị loại: phiếu năm 2022")
    assert found["II"][3]["Tổng điểm"] is None
    text = texts(sheet)
    assert "Tổng số: 7 đơn vị; đạt chuẩn tiếp cận pháp luật: 2 đơn vị (28,57%); chưa đạt chuẩn: 5 đơn vị." in text


def test_title_signature_and_print_setup(sheet):
    text = texts(sheet)
    assert "DANH SÁCH XÃ, PHƯỜNG, THỊ TRẤN\nĐẠT CHUẨN TIẾP CẬN PHÁP LUẬT NĂM 2023" in text
    assert ("(Kèm theo Quyết định số 125/QĐ-UBND ngày 05/02/2024\ncủa Chủ tịch Ủy ban nhân dân thị xã Bỉm Sơn)") in text
    assert "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH" in text and "Nguyễn Văn Bình" in text
    assert "Bỉm Sơn, ngày ...... tháng ...... năm ........" in text
    assert sheet.page_setup.orientation == "portrait" and sheet.page_setup.paperSize == 9
    header = next(c.row for c in sheet["B"] if c.value == "Tên đơn vị")
    assert sheet.print_title_rows == f"${header}:${header}"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage


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
    ws = load(write_workbook(run, tmp_path / "wb.xlsx"))[SHEET]
    assert not any(t.startswith("KẾT QUẢ TẠM TÍNH") for t in texts(ws))
    assert not (ws.oddHeader.center.text or "")
    assert lists(ws)["I"][0]["Tên đơn vị"] == "Phường Bắc Sơn"  # plays "appraised"
