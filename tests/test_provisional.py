"""Provisional shows where it belongs.

A result is provisional only because of the rule-set figures it actually used that are still
"tạm tính" (named), or because its points are self-assessed. With every figure confirmed and
every indicator appraised, the recognition list and the summary carry no provisional notice.
The commune's feedback never shows the office's unconfirmed figures."""

from __future__ import annotations

import json
from pathlib import Path

from builders import full_entries, load, make_run, texts

from pipeline.core import rules
from pipeline.core.ruleset_toml import to_data
from pipeline.core.verdict import APPRAISED, IndicatorEntry, UnitEntries
from pipeline.steps.scoring import score_unit
from pipeline.writers.exports import write_manifest
from pipeline.writers.feedback import write_feedback_workbooks
from pipeline.writers.recognition import SHEET as RECOGNITION
from pipeline.writers.summary import SHEET as SUMMARY
from pipeline.writers.workbook import write_workbook

BASIS = "QĐ 25/2021/QĐ-TTg, Phụ lục (bản của văn phòng)"
TOP_BAND = "mức ≥ 90% của chỉ tiêu 2.5"


def confirmed(*, keep_top_band: bool = False) -> rules.RuleSet:
    """qd25-2021 with every figure confirmed, except (if asked) 2.5's band from 90%."""
    data = to_data(rules.load("qd25-2021"))

    def walk(node):
        if isinstance(node, dict):
            if "status" in node and set(node) <= {"status", "source"}:
                node.update(status="verified", source=BASIS)
                return
            if keep_top_band and node.get("from") == 90 and "points" in node:
                return  # 2.5's top band keeps its provisional status
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    rs = rules.parse(data, "van-phong.toml")
    return rs


def appraised_entries(rs: rules.RuleSet, numerator: int, denominator: int = 100) -> UnitEntries:
    entries = full_entries(rs, source=APPRAISED)
    entries["2.5"] = IndicatorEntry("2.5", numerator=numerator, denominator=denominator, source=APPRAISED)
    return UnitEntries(entries, {d.key: False for d in rs.conditions.declarations})


def test_a_result_is_provisional_only_for_the_figures_it_used():
    rs = confirmed(keep_top_band=True)
    assert rs.provisional_figures == [TOP_BAND]
    for numerator, denominator, uses_it in ((95, 100, True), (90, 100, True), (8999, 10000, False), (85, 100, False)):
        v = score_unit(rs, appraised_entries(rs, numerator, denominator))
        if uses_it:
            assert [r.code for r in v.provisional] == ["RULESET_PROVISIONAL"], (numerator, denominator)
            assert TOP_BAND in v.provisional[0].text
            assert v.provisional_figures == ("band:2.5:90",)
        else:
            assert v.provisional == () and v.provisional_figures == (), (numerator, denominator)


def test_every_maximum_is_used_by_every_result():
    rs = rules.load("qd25-2021")  # TC2-TC5 maxima and the point step are provisional
    v = score_unit(rs, appraised_entries(rs, 85))
    assert [r.code for r in v.provisional] == ["RULESET_PROVISIONAL"]
    assert "điểm tối đa TC2 (2.1–2.6)" in v.provisional[0].text and TOP_BAND not in v.provisional[0].text


def test_everything_confirmed_and_appraised_carries_no_notice(tmp_path):
    run = make_run(rule_set=confirmed(), units=["appraised"])
    assert run.units[0].verdict.provisional == ()
    wb = load(write_workbook(run, tmp_path / "wb.xlsx"))
    for name in (SUMMARY, RECOGNITION):
        shown = "\n".join(texts(wb[name]))
        assert "TẠM TÍNH" not in shown and "tạm tính" not in shown, name
    assert not (wb[RECOGNITION].oddHeader.center.text or "")
    assert any(
        t.endswith(f"{len(run.rule_set.figures)}/{len(run.rule_set.figures)} số liệu đã đối chiếu")
        for t in texts(wb[SUMMARY])
    )
    manifest = json.loads(write_manifest(run, tmp_path / "m.json", "0" * 64, "1" * 64).read_text("utf-8"))
    assert manifest["rule_set"]["provisional_figures_used"] == []
    assert {f["status"] for f in manifest["rule_set"]["figures"]} == {"verified"}
    assert {f["basis"] for f in manifest["rule_set"]["figures"]} == {BASIS}


def test_one_figure_left_makes_exactly_its_results_provisional_and_is_named(tmp_path):
    # "recognised" rates 2.5 at 95% (the provisional top band); "appraised" at 85%
    run = make_run(rule_set=confirmed(keep_top_band=True), units=["recognised", "appraised"])
    top, other = run.units
    assert [r.code for r in top.verdict.provisional] == ["RULESET_PROVISIONAL", "SELF_ASSESSED"]
    assert other.verdict.provisional == ()
    assert run.used_provisional_figures() == [TOP_BAND]
    wb = load(write_workbook(run, tmp_path / "wb.xlsx"))
    banner = next(t for t in texts(wb[RECOGNITION]) if t.startswith("KẾT QUẢ TẠM TÍNH"))
    assert TOP_BAND in banner
    assert any(t.startswith("KẾT QUẢ TẠM TÍNH") and TOP_BAND in t for t in texts(wb[SUMMARY]))


def test_an_unused_provisional_figure_is_the_offices_doubt_not_a_provisional_result(tmp_path):
    run = make_run(rule_set=confirmed(keep_top_band=True), units=["appraised"])
    assert run.used_provisional_figures() == []
    wb = load(write_workbook(run, tmp_path / "wb.xlsx"))
    assert not any(t.startswith("KẾT QUẢ TẠM TÍNH") for t in texts(wb[RECOGNITION]))
    summary = texts(wb[SUMMARY])
    assert not any(t.startswith("KẾT QUẢ TẠM TÍNH") for t in summary)
    assert f"Bộ tiêu chí còn số liệu tạm tính mà chưa kết quả nào dùng đến: {TOP_BAND}." in summary


def test_feedback_never_shows_the_offices_unconfirmed_figures(tmp_path):
    run = make_run(units=["recognised"])  # shipped rule set: many provisional maxima
    assert any(r.code == "RULESET_PROVISIONAL" for r in run.units[0].verdict.provisional)
    (path,) = write_feedback_workbooks(run, tmp_path / "phan-hoi")
    shown = "\n".join(t for ws in load(Path(path)).worksheets for t in texts(ws))
    assert "chưa đối chiếu" not in shown and "số liệu tạm tính" not in shown
    assert "chưa có điểm thẩm định của Hội đồng" in shown  # its own reason: self-assessed points
