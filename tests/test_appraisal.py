"""The council's appraisal round trip, through the CLI as the office runs it: consolidate, write
the appraisal workbook, fill it (openpyxl, like a secretary in Excel), drop it into tham-dinh/,
consolidate again, read every output back."""

from __future__ import annotations

import shutil
from dataclasses import replace

import openpyxl
import pytest
from builders import QD25, load, make_run, office, run_cli, table, texts, unit_form

from pipeline.core.appraisal_layout import SHEET
from pipeline.core.model import SUBMITTED, AppraisalBook, AppraisedValue
from pipeline.core.text import basis_text
from pipeline.core.verdict import APPRAISED, SELF_ASSESSED, IndicatorEntry, UnitEntries
from pipeline.steps.appraise import apply_appraisal
from pipeline.steps.scoring import score_unit

FORM = "tham-dinh/bim-son-2023-tham-dinh.xlsx"
# Bắc Sơn self-assesses 97; the council lowers it to 78,5 (2.5 is banded: 2 -> 1).
LOWERED = {
    "1.2": (4, "Thiếu 2 quyết định"),
    "2.1": (3, "Chưa công khai đủ"),
    "2.3": (4, ""),
    "2.5": (1, "Chỉ 17/20 tuyên truyền viên được bồi dưỡng"),
    "3.1": (5, ""),
    "4.1": (2, ""),
    "5.1": (2.5, ""),
}
# Ba Đình: values the engine must refuse, each located.
REFUSED = {"3.1": "mười", "1.1": 3.5, "4.1": 2.3, "2.5": 1.5}


def _is_code(value) -> bool:
    """An indicator code ("2.5") in a unit sheet's first column (not a note or problem below)."""
    return "." in str(value) and str(value).replace(".", "").isdigit()


def _council(root):
    """The council's folder ([paths] appraisal, by default tham-dinh/ beside inputs/)."""
    folder = root / "tham-dinh"
    folder.mkdir(exist_ok=True)
    return folder


def fill(path, values: dict[tuple[str, str], tuple]) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    rows = table_rows(ws)
    for (unit, code), (points, note) in values.items():
        row = rows[(unit, code)]
        ws.cell(row, 9).value = points
        ws.cell(row, 10).value = note or None
    wb.save(path)


def table_rows(ws) -> dict[tuple[str, str], int]:
    return {(r[1].value, r[3].value): r[0].row for r in ws.iter_rows(min_row=6) if r[3].value}


@pytest.fixture(scope="module")
def season(tmp_path_factory):
    root = tmp_path_factory.mktemp("season")
    cfg = office(root)
    for code in ("14809", "14812", "14815"):
        unit_form(cfg, code)
    first = run_cli("consolidate", "--config", str(cfg), "--today", "2024-01-12")
    assert first.exit_code == 0, first.output
    made = run_cli("appraisal-form", "--config", str(cfg))
    assert made.exit_code == 0, made.output
    form = root / "outputs" / FORM
    pristine = root / "pristine.xlsx"
    shutil.copy(form, pristine)
    values = {("14809", c): v for c, v in LOWERED.items()}
    values |= {("14812", c): (v, "") for c, v in REFUSED.items()}
    values[("14812", "3.2")] = (4.5, "Chi hỗ trợ chưa đủ")
    own = load(root / "outputs" / "bim-son-2023-tong-hop.xlsx")["14815 Lam Sơn"]
    values |= {("14815", r["Mã"]): (r["Điểm"], "") for r in table(own, "Nội dung", "Mã") if _is_code(r["Mã"])}
    fill(form, values)
    shutil.copy(form, _council(root) / "tham-dinh-hoi-dong.xlsx")
    second = run_cli("consolidate", "--config", str(cfg), "--today", "2024-01-20")
    assert second.exit_code == 0, second.output
    return root, cfg, first, made, second, pristine


def test_form_is_written_from_the_latest_consolidation(season):
    root, _, _, made, _, pristine = season
    assert str(root / "outputs" / FORM) in made.output
    wb = load(pristine)
    assert wb.sheetnames == [SHEET, "_meta"]
    meta = {r[0].value: r[1].value for r in wb["_meta"].iter_rows()}
    assert meta["template_id"] == "tcpl-tham-dinh" and meta["rule_set"] == "qd25-2021" and meta["year"] == "2023"
    assert wb["_meta"].sheet_state == "hidden"
    ws = wb[SHEET]
    head = [c.value for c in ws[5]]
    assert head[:10] == [
        "STT",
        "Mã đơn vị",
        "Đơn vị",
        "Mã chỉ tiêu",
        "Nội dung chỉ tiêu",
        "Điểm tối đa",
        "Căn cứ chấm của đơn vị",
        "Điểm tự chấm",
        "Điểm thẩm định",
        "Ghi chú của Hội đồng",
    ]
    rows = table_rows(ws)
    assert len(rows) == 3 * len(QD25.indicators)  # three units with a usable form, every indicator
    r = rows[("14809", "3.1")]
    assert ws.cell(r, 8).value == 10 and ws.cell(r, 9).value is None
    assert ws.cell(rows[("14809", "2.5")], 7).value.endswith("thuộc mức ≥ 90%")  # 9/10 -> 2 points
    # protected, only the two input columns unlocked, validated, filterable, frozen header
    assert ws.protection.sheet and ws.protection.password is None
    assert not ws.cell(r, 9).protection.locked and not ws.cell(r, 10).protection.locked
    assert ws.cell(r, 8).protection.locked and ws.cell(5, 9).protection.locked
    rules_ = {dv.type: dv for dv in ws.data_validations.dataValidation}
    assert "MOD(ROUND(I7/0.25,6),1)=0" in rules_["custom"].formula1 and f"I{r}" in rules_["custom"].sqref
    assert ws.auto_filter.ref.startswith("A5:") and ws.freeze_panes == "E6"
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$5:$5"
    assert any("Xã Quang Trung" in t for t in texts(ws))  # no usable form: named, not in the table


def test_council_lowers_points_and_the_verdict_flips(season):
    root, _, first, _, second, _ = season
    wb = load(root / "outputs" / "bim-son-2023-tong-hop.xlsx")
    rows = {r["Mã đơn vị"]: r for r in table(wb["Tổng hợp"], "Mã đơn vị", "Đơn vị")}
    bac_son = rows["14809"]
    assert bac_son["Tổng điểm"] == 78.5 and bac_son["Kết quả"] == "Chưa đạt"
    assert "Tổng điểm 78,5/100, dưới ngưỡng 80 điểm" in bac_son["Lý do"]
    assert bac_son["Nguồn điểm"] == "Thẩm định 7/20 chỉ tiêu"
    assert rows["14815"]["Nguồn điểm"] == "Thẩm định" and rows["14815"]["Kết quả"] == "Đạt"
    assert "3 Đạt" in first.output and "2 Đạt, 1 Chưa đạt" in second.output
    assert "Đã áp dụng điểm thẩm định của Hội đồng (tham-dinh-hoi-dong.xlsx) cho 3 đơn vị." in second.output


def test_unit_sheet_shows_the_source_of_every_point(season):
    root = season[0]
    ws = load(root / "outputs" / "bim-son-2023-tong-hop.xlsx")["14809 Bắc Sơn"]
    rows = {r["Mã"]: r for r in table(ws, "Nguồn điểm", "Mã")}
    assert rows["1.2"]["Nguồn điểm"] == "thẩm định" and rows["1.2"]["Điểm"] == 4
    assert rows["1.2"]["Cách tính"] == "điểm thẩm định 4 (tự chấm 7, −3). Hội đồng: Thiếu 2 quyết định"
    assert rows["2.5"]["Điểm"] == 1 and rows["2.5"]["Cách tính"].startswith("điểm thẩm định 1 (tự chấm 2, −1)")
    assert rows["1.1"]["Nguồn điểm"] == "tự chấm"
    assert any("CHƯA ĐẠT CHUẨN TIẾP CẬN PHÁP LUẬT (TẠM TÍNH)" in t for t in texts(ws))


def test_differences_sheet(season):
    wb = load(season[0] / "outputs" / "bim-son-2023-tong-hop.xlsx")
    assert wb.sheetnames[2:7] == ["Đôn đốc", "Thẩm định", "Danh sách công nhận", "Báo cáo", "14809 Bắc Sơn"]
    rows = table(wb["Thẩm định"], "Chênh lệch", "Mã đơn vị")
    mine = [r for r in rows if r["Mã đơn vị"] == "14809"]
    assert mine[0]["Chỉ tiêu"] == "Tổng" and (mine[0]["Điểm tự chấm"], mine[0]["Điểm thẩm định"]) == (97, 78.5)
    assert mine[0]["Chênh lệch"] == "−18,5" and "Kết quả: Đạt → Chưa đạt" in mine[0]["Ghi chú của Hội đồng"]
    changes = {
        r["Chỉ tiêu"]: (r["Điểm tự chấm"], r["Điểm thẩm định"], r["Chênh lệch"], r["Ghi chú của Hội đồng"])
        for r in mine[1:]
    }
    assert changes == {
        "1.2": (7, 4, "−3", "Thiếu 2 quyết định"),
        "2.1": (6, 3, "−3", "Chưa công khai đủ"),
        "2.3": (6, 4, "−2", None),
        "2.5": (2, 1, "−1", "Chỉ 17/20 tuyên truyền viên được bồi dưỡng"),
        "3.1": (10, 5, "−5", None),
        "4.1": (4, 2, "−2", None),
        "5.1": (5, 2.5, "−2,5", None),
    }
    lam_son = [r for r in rows if r["Mã đơn vị"] == "14815"]
    assert (
        len(lam_son) == 1 and "Thẩm định 20/20 chỉ tiêu, 0 chỉ tiêu thay đổi điểm" in lam_son[0]["Ghi chú của Hội đồng"]
    )


def test_bad_appraised_values_are_located_and_refused(season):
    wb = load(season[0] / "outputs" / "bim-son-2023-tong-hop.xlsx")
    pristine = load(season[5])[SHEET]
    where = table_rows(pristine)
    issues = [r for r in table(wb["Lỗi dữ liệu"], "Mã lỗi", "Mã lỗi") if r["Tệp"] == "tham-dinh-hoi-dong.xlsx"]
    found = {(r["Mã lỗi"], r["Ô"]) for r in issues}
    assert found == {
        ("APPRAISAL_POINTS_NOT_NUMBER", f"I{where[('14812', '3.1')]}"),
        ("APPRAISAL_POINTS_OUT_OF_RANGE", f"I{where[('14812', '1.1')]}"),
        ("APPRAISAL_POINTS_NOT_STEP", f"I{where[('14812', '4.1')]}"),
        ("APPRAISAL_POINTS_NOT_BAND", f"I{where[('14812', '2.5')]}"),
    }
    assert all(r["Trang tính"] == SHEET and r["Mã đơn vị"] == "14812" for r in issues)
    band = next(r for r in issues if r["Mã lỗi"] == "APPRAISAL_POINTS_NOT_BAND")
    assert "không phải một mức điểm (0; 0,25; 0,5; 1; 2)" in band["Nội dung"]
    # the refused indicators keep the commune's points, and say why
    ws = wb["14812 Ba Đình"]
    rows = {r["Mã"]: r for r in table(ws, "Nguồn điểm", "Mã")}
    assert rows["3.1"]["Nguồn điểm"] == "tự chấm" and rows["3.1"]["Điểm"] == 10
    assert "không hợp lệ, tạm dùng điểm tự chấm" in rows["3.1"]["Cách tính"]
    assert rows["3.2"]["Nguồn điểm"] == "thẩm định" and rows["3.2"]["Điểm"] == 4.5
    register = {r["Tệp"]: r for r in table(wb["Hồ sơ"], "SHA-256", "Tệp")}
    assert register["tham-dinh-hoi-dong.xlsx"]["Trạng thái"] == "Được dùng"
    assert "phiếu thẩm định của Hội đồng" in register["tham-dinh-hoi-dong.xlsx"]["Ghi chú"]


def test_second_round_prefills_and_never_overwrites_unsaved_work(season):
    root, cfg = season[0], season[1]
    again = run_cli("appraisal-form", "--config", str(cfg))
    assert again.exit_code == 0 and "Đã điền sẵn điểm thẩm định có trong tham-dinh-hoi-dong.xlsx" in again.output
    ws = load(root / "outputs" / FORM)[SHEET]
    rows = table_rows(ws)
    assert ws.cell(rows[("14809", "1.2")], 9).value == 4
    assert ws.cell(rows[("14809", "1.2")], 10).value == "Thiếu 2 quyết định"
    # The secretary types into the copy in outputs/ and nobody copies it into inputs/: refused.
    fill(root / "outputs" / FORM, {("14815", "1.1"): (1, "")})
    refused = run_cli("appraisal-form", "--config", str(cfg))
    assert refused.exit_code == 1 and "\nLỗi: Tệp" in refused.output and "chưa được tổng hợp" in refused.output
    assert ws.cell(rows[("14815", "1.1")], 9).value == 2.5  # (the file on disk was left as it was)
    assert load(root / "outputs" / FORM)[SHEET].cell(rows[("14815", "1.1")], 9).value == 1


# ------------------------------------------------------------------ engine-level rules


def _book(values: dict[tuple[str, str], float], refused=()) -> AppraisalBook:
    return AppraisalBook(
        "td.xlsx",
        {k: AppraisedValue(*k, v, None, "", None, SHEET, "I7") for k, v in values.items()},
        dict.fromkeys(refused, "I9"),
    )


def _with_entries(run):
    """make_run's outcomes, with the entries a real run keeps (rebuilt from the details)."""
    out = []
    for u in run.units:
        if u.status != SUBMITTED:
            out.append(u)
            continue
        entries = {
            d: IndicatorEntry(
                d,
                points=x.entered_points,
                numerator=x.numerator,
                denominator=x.denominator,
                not_applicable=x.not_applicable,
            )
            for d, x in u.details.items()
        }
        out.append(
            replace(
                u,
                entries=UnitEntries(entries, {"ky_luat_nguoi_dung_dau": False}),
                verdict=score_unit(run.rule_set, UnitEntries(entries, {"ky_luat_nguoi_dung_dau": False})),
            )
        )
    return out


def test_banded_indicator_takes_the_councils_band_points():
    run = make_run(units=["recognised"])
    units = _with_entries(run)
    assert units[0].verdict.indicators[6].points == 2  # 19/20 = 95%
    done, issues = apply_appraisal(units, _book({("14809", "2.5"): 0.5}), run.rule_set)
    r = next(i for i in done[0].verdict.indicators if i.code == "2.5")
    assert (r.points, r.source) == (0.5, APPRAISED) and "theo số liệu của đơn vị: tỷ lệ 95%" in r.basis
    assert done[0].verdict.total == units[0].verdict.total - 1.5 and issues == []
    assert done[0].self_assessed is units[0].verdict


def test_every_indicator_appraised_clears_the_self_assessed_flag():
    run = make_run(units=["recognised"])
    units = _with_entries(run)
    own = {r.code: r.points for r in units[0].verdict.indicators}
    done, _ = apply_appraisal(units, _book({("14809", c): p for c, p in own.items()}), run.rule_set)
    codes = [r.code for r in done[0].verdict.provisional]
    assert "SELF_ASSESSED" not in codes and "RULESET_PROVISIONAL" in codes
    assert all(r.source == APPRAISED for r in done[0].verdict.indicators)
    partly, _ = apply_appraisal(units, _book({("14809", "1.2"): 7}), run.rule_set)
    assert "SELF_ASSESSED" in [r.code for r in partly[0].verdict.provisional]


def test_refused_value_keeps_self_points_and_unit_without_form_is_reported():
    run = make_run(units=["recognised", "low_total", "criterion_floor", "disqualified", "not_submitted"])
    units = _with_entries(run)
    done, issues = apply_appraisal(units, _book({("14821", "1.1"): 3}, refused=[("14809", "3.1")]), run.rule_set)
    r = next(i for i in done[0].verdict.indicators if i.code == "3.1")
    assert r.source == SELF_ASSESSED and r.points == 8.5 and r.refused_cell == "I9"
    assert basis_text(r).endswith("ô I9 không hợp lệ, tạm dùng điểm tự chấm")
    assert done[0].verdict.total == units[0].verdict.total and done[0].self_assessed is None
    assert [(i.code, i.unit) for i in issues] == [("APPRAISAL_UNIT_NO_FORM", "14821")]


def test_appraisal_workbook_for_another_year_is_rejected(tmp_path):
    cfg = office(tmp_path)
    unit_form(cfg, "14809")
    assert run_cli("appraisal-form", "--config", str(cfg)).exit_code == 0
    form = tmp_path / "outputs" / FORM
    wb = openpyxl.load_workbook(form)
    wb["_meta"]["B4"] = "2022"
    wb.save(_council(tmp_path) / "tham-dinh-cu.xlsx")
    shutil.copy(form, _council(tmp_path) / "tham-dinh-moi.xlsx")
    out = run_cli("consolidate", "--config", str(cfg), "--today", "2024-01-20")
    assert out.exit_code == 0, out.output
    wb = load(tmp_path / "outputs" / "bim-son-2023-tong-hop.xlsx")
    register = {r["Tệp"]: r for r in table(wb["Hồ sơ"], "SHA-256", "Tệp")}
    assert register["tham-dinh-cu.xlsx"]["Trạng thái"] == "Bị loại"
    assert register["tham-dinh-moi.xlsx"]["Trạng thái"] == "Được dùng"
    codes = {r["Mã lỗi"] for r in table(wb["Lỗi dữ liệu"], "Mã lỗi", "Mã lỗi")}
    assert "APPRAISAL_WRONG_YEAR" in codes and "NOT_OUR_FORM" not in codes and "UNIT_CODE_MISSING" not in codes
    # neither appraisal workbook is taken for a commune's form
    assert {r["Mã đơn vị"] for r in table(wb["Tổng hợp"], "Mã đơn vị", "Đơn vị") if r["Kết quả"] != "Chưa nộp"} == {
        "14809"
    }
