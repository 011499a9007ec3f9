"""Deadlines, the chase list and year over year: the pure functions with fixed dates, then the
CLI and the workbook read back."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from builders import load, make_run, office, run_cli, table, texts, unit_form

from pipeline.core import results_csv
from pipeline.core.model import PreviousResult
from pipeline.steps import season
from pipeline.writers.exports import write_results_csv
from pipeline.writers.workbook import write_workbook


@pytest.fixture(scope="module")
def run():
    return make_run()  # deadline 10/01/2024, data as of 15/01/2024


# ------------------------------------------------------------------ the deadline


@pytest.mark.parametrize(
    "today, expected",
    [
        (dt.date(2024, 1, 3), "Còn 7 ngày đến hạn nộp phiếu (10/01/2024): 6/7 đơn vị đã nộp, 1 chưa nộp."),
        (dt.date(2024, 1, 10), "Hôm nay là hạn nộp phiếu (10/01/2024): 6/7 đơn vị đã nộp, 1 chưa nộp."),
        (dt.date(2024, 1, 12), "Đã quá hạn nộp phiếu (10/01/2024) 2 ngày: 6/7 đơn vị đã nộp, 1 chưa nộp, 1 nộp muộn."),
    ],
)
def test_deadline_message(run, today, expected):
    # and the day it counts to, beside the day the workbook counts to (the newest file's)
    basis = f" Tính đến ngày {today:%d/%m/%Y}; trang Đôn đốc tính đến 15/01/2024 (ngày của tệp mới nhất nhận được)."
    assert season.deadline_message(run, today) == expected + basis


def test_workbook_uses_the_runs_date_not_the_clock(run):
    assert season.as_of_text(run) == (
        "Hạn nộp phiếu 10/01/2024; số ngày tính đến 15/01/2024 (ngày của tệp mới nhất nhận được): đã quá hạn 5 ngày."
    )
    early = replace(run, generated_at=dt.datetime(2024, 1, 8, 9, 0))
    assert season.deadline_state(early) == "còn 2 ngày, tính đến 08/01/2024"


# ------------------------------------------------------------------ chase list


def test_chase_list(run):
    rows = {r.unit.code: r for r in season.chase_list(run)}
    # recognised (14809), disqualified (14818) and appraised (14824) need no chasing
    assert set(rows) == {"14812", "14815", "14821", "14823"}
    assert rows["14821"].status == "Chưa nộp" and rows["14821"].days_late == 5
    assert rows["14821"].todo == (
        "Gọi Ủy ban nhân dân phường Đông Sơn đề nghị gửi ngay phiếu tự đánh giá (đã quá hạn 5 ngày)."
    )
    assert rows["14812"].status == "Nộp muộn" and rows["14812"].days_late == 3
    assert rows["14812"].contact_phone == "0912 345 678"
    assert rows["14815"].status == "Phiếu có lỗi" and "ô H17: chỉ tiêu 3.2" in rows["14815"].todo
    assert rows["14823"].status == "Phiếu không dùng được"
    assert "phiếu năm 2022, đợt này là năm 2023" in rows["14823"].todo


def test_chase_contact_comes_from_the_newest_file_even_rejected(run):
    files = tuple(
        replace(f, contact_name="Lê Văn C", contact_phone="0237 111 222") if f.unit_code == "14823" else f
        for f in run.files
    )
    rows = {r.unit.code: r for r in season.chase_list(replace(run, files=files))}
    assert (rows["14823"].contact_name, rows["14823"].contact_phone) == ("Lê Văn C", "0237 111 222")
    assert rows["14823"].contact_file == "Phú Sơn/phieu Phú Sơn 2022.xlsx"


def test_chase_sheet(run, tmp_path):
    ws = load(write_workbook(run, tmp_path / "wb.xlsx"))["Đôn đốc"]
    rows = {r["Mã đơn vị"]: r for r in table(ws, "Cần làm", "Mã đơn vị")}
    assert list(rows) == ["14812", "14815", "14821", "14823"]  # config order
    assert rows["14821"]["Tình trạng"] == "Chưa nộp" and rows["14821"]["Số ngày muộn"] == 5
    assert rows["14812"]["Người phụ trách"].startswith("Nguyễn Thị Hương")
    assert any(t.startswith(season.as_of_text(run)) for t in texts(ws))
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$4:$4"


# ------------------------------------------------------------------ year over year


def test_results_csv_round_trip(run, tmp_path):
    rows = results_csv.parse(write_results_csv(run, tmp_path / "ket-qua.csv").read_bytes())
    assert rows["14812"] == PreviousResult("14812", "Ba Đình", 78.5, "Chưa đạt")
    assert rows["14821"].total is None and rows["14821"].verdict == "Chưa nộp"
    assert rows["14809"].recognised


def test_results_csv_saved_again_by_excel():
    data = "Mã đơn vị;Tên đơn vị;Tổng điểm;Kết quả\r\n14809;Bắc Sơn;96,75;Đạt\r\n".encode("utf-8-sig")
    assert results_csv.parse(data)["14809"].total == 96.75
    with pytest.raises(ValueError, match="UTF-8"):
        results_csv.parse("Mã đơn vị,Tổng điểm,Kết quả\n".encode("utf-16"))
    with pytest.raises(ValueError, match="Kết quả"):
        results_csv.parse("Mã đơn vị,Tổng điểm\n14809,90\n".encode())


def test_compare_years(run):
    previous = {
        "14809": PreviousResult("14809", "Bắc Sơn", 90, "Đạt"),
        "14812": PreviousResult("14812", "Ba Đình", 85.25, "Đạt"),
        "14815": PreviousResult("14815", "Lam Sơn", 70, "Chưa đạt"),
        "14821": PreviousResult("14821", "Đông Sơn", 88, "Đạt"),
    }
    changes = season.compare_years(replace(run, previous=previous, previous_year=2022))
    assert changes["14809"].verdict_change == "Giữ vững" and season.change_text(changes["14809"].change) == "+6,75"
    assert changes["14812"].verdict_change == "Không còn đạt" and season.change_text(changes["14812"].change) == "−6,75"
    assert changes["14815"].verdict_change == "Vẫn chưa đạt"
    assert changes["14821"].change is None and changes["14821"].previous_verdict == "Đạt"
    assert "14818" not in changes


def test_previous_results_in_the_summary_through_the_cli(tmp_path):
    last_year = tmp_path / "nam-truoc"
    cfg = office(last_year / "office")
    unit_form(cfg, "14809", points={"3.1": 2, "3.2": 2})  # 86,5 but TC3 9/20: not recognised last year
    unit_form(cfg, "14812")
    assert run_cli("consolidate", "--config", str(cfg), "--today", "2024-01-12").exit_code == 0
    previous_outputs = last_year / "office" / "outputs"

    cfg = office(tmp_path / "now", f'[previous]\nresults = "{previous_outputs.as_posix()}"')
    unit_form(cfg, "14809")
    unit_form(cfg, "14815")
    out = run_cli("consolidate", "--config", str(cfg), "--today", "2024-01-05")
    assert out.exit_code == 0, out.output
    assert "Còn 5 ngày đến hạn nộp phiếu (10/01/2024): 2/7 đơn vị đã nộp, 5 chưa nộp." in out.output
    rows = {
        r["Mã đơn vị"]: r
        for r in table(
            load(tmp_path / "now" / "outputs" / "bim-son-2023-tong-hop.xlsx")["Tổng hợp"], "Mã đơn vị", "Đơn vị"
        )
    }
    # the manifest next to last year's CSV says which year it was (the same config: 2023)
    bac_son = rows["14809"]
    assert bac_son["Tổng điểm 2023"] == 86.5 and bac_son["Tăng/giảm"] == "+10,5"
    assert bac_son["Kết quả 2023"] == "Chưa đạt" and bac_son["So với năm trước"] == "Mới đạt"
    assert rows["14815"]["Tổng điểm 2023"] is None and rows["14815"]["Kết quả 2023"] == "Chưa nộp"
    assert rows["14812"]["Tổng điểm 2023"] == 97 and rows["14812"]["Kết quả"] == "Chưa nộp"


def test_missing_previous_results_is_a_warning(tmp_path):
    cfg = office(tmp_path, '[previous]\nresults = "khong-co/ket-qua.csv"\nyear = 2022')
    unit_form(cfg, "14809")
    out = run_cli("consolidate", "--config", str(cfg), "--today", "2024-01-20")
    assert out.exit_code == 0, out.output
    wb = load(tmp_path / "outputs" / "bim-son-2023-tong-hop.xlsx")
    issues = [r for r in table(wb["Lỗi dữ liệu"], "Mã lỗi", "Mã lỗi") if r["Mã lỗi"] == "PREVIOUS_MISSING"]
    assert len(issues) == 1 and issues[0]["Mức độ"] == "Cảnh báo" and "khong-co/ket-qua.csv" in issues[0]["Nội dung"]
    assert "Tăng/giảm" not in table(wb["Tổng hợp"], "Mã đơn vị", "Đơn vị")[0]


def test_config_checks_the_new_sections(tmp_path):
    from pipeline.core.config import ConfigError
    from pipeline.core.config import load as load_config

    cfg = office(tmp_path, '[signature]\nsigner_name = 12\nsomething = "x"\n\n[previous]\nyear = "2022"')
    with pytest.raises(ConfigError) as err:
        load_config(cfg)
    problems = "\n".join(err.value.problems)
    assert "[signature] something: khóa không được biết" in problems
    assert "[signature] signer_name: phải là chữ" in problems
    assert "[previous] year: phải là số nguyên" in problems
