"""QĐ 619/2017 (the seed's own year): the rule set as far as it is known, its deduction below
zero, its 50% floor per criterion, its disqualifier, and the Bỉm Sơn 2018 example end to end."""

from __future__ import annotations

import shutil

import pytest
from builders import REPO, filled_form, filled_values, load, run_cli, texts

from pipeline.app.run import collect
from pipeline.core import config as config_mod
from pipeline.core import rules
from pipeline.core.layout import indicator_name
from pipeline.core.verdict import IndicatorEntry, UnitEntries
from pipeline.steps.scoring import score_unit

RS = rules.load("qd619-2017")
EXAMPLE = REPO / "examples" / "bim-son-2018"


def entries(**points: float) -> dict[str, IndicatorEntry]:
    out = {i.code: IndicatorEntry(i.code, points=i.max) for i in RS.indicators}
    out.update({code.replace("_", "."): IndicatorEntry(code.replace("_", "."), points=p) for code, p in points.items()})
    return out


def verdict(declarations: dict[str, bool | None] | None = None, **points: float):
    answers = {"ky_luat_can_bo": False, "dat_muc_hai_long": True} | (declarations or {})
    return score_unit(RS, UnitEntries(entries(**points), answers))


def test_what_is_known_and_nothing_more():
    assert (RS.first_year, RS.last_year, RS.total_max) == (2017, 2021, 100)
    assert [(c.code, c.max) for c in RS.criteria] == [("TC1", 15), ("TC2", 30), ("TC3", 25), ("TC4", 10), ("TC5", 20)]
    maxima = {i.code: i.max for i in RS.indicators}
    assert {k: maxima[k] for k in ("2.1", "2.3", "2.4", "2.5", "3.1", "3.3")} == {
        "2.1": 6,
        "2.3": 10,
        "2.4": 2,
        "2.5": 12,
        "3.1": 2,
        "3.3": 2,
    }
    assert RS.indicator("2.1").deduction_max == 0.25
    assert [i.code for i in RS.indicators if i.not_applicable_full] == ["2.4", "3.3"]
    # every unknown part is one labelled provisional line; the thresholds the office must confirm
    for code in ("1.1", "3.2", "4.1", "5.1"):
        assert RS.indicator(code).provenance.provisional and "tạm tính" in RS.indicator(code).name
    assert RS.conditions.total_min_provenance.provisional
    assert not RS.conditions.criterion_min_fraction_provenance.provisional
    assert [d.provenance.status for d in RS.conditions.declarations] == ["verified", "provisional"]


@pytest.mark.parametrize(("points", "counted"), [(-0.25, -0.25), (0, 0), (-0.5, 0), (6.25, 0)])
def test_the_one_stop_deduction_goes_below_zero_and_no_further(points, counted):
    v = verdict(**{"2_1": points})
    result = next(r for r in v.indicators if r.code == "2.1")
    assert result.points == counted
    assert v.total == 94 + counted  # 2.1 out of its 6; everything else at its maximum


@pytest.mark.parametrize(("tc4", "met"), [(4.75, False), (5, True), (5.25, True)])
def test_every_criterion_needs_half_its_maximum(tc4, met):
    v = verdict(**{"4_1": tc4})
    assert next(c for c in v.criteria if c.code == "TC4").met is met
    assert v.recognised is met  # total 95-95.25: only the floor decides


@pytest.mark.parametrize(
    ("answers", "recognised"),
    [
        ({}, True),
        ({"ky_luat_can_bo": True}, False),  # an official disciplined at "cảnh cáo" or above
        ({"ky_luat_can_bo": None}, False),  # unanswered fails too
        ({"dat_muc_hai_long": False}, False),
        ({"dat_muc_hai_long": None}, False),
    ],
)
def test_the_disqualifier_and_the_satisfaction_condition(answers, recognised):
    assert verdict(answers).recognised is recognised


def test_a_form_with_the_deduction_reads_and_scores(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "office")
    cfg = config_mod.load(tmp_path / "office" / "config.toml")
    cfg = cfg.with_paths(tmp_path / "inputs", tmp_path / "outputs")
    values = filled_values(RS) | {
        "ma_don_vi": "14827",
        "ten_don_vi": "Hà Lan",
        "loai_don_vi": "xã",
        "nam_danh_gia": 2018,
        indicator_name("diem", "2.1"): -0.25,
    }
    values |= {"ky_luat_can_bo": "Không", "dat_muc_hai_long": "Có"}
    filled_form(tmp_path / "inputs" / "14827-ha-lan.xlsx", values, rule_set=RS, year=2018)
    result = collect(cfg)
    ha_lan = next(u for u in result.units if u.unit.code == "14827")
    assert not [i for i in result.issues if i.severity == "error"], result.flatten(("file", "cell", "code"))
    assert next(r for r in ha_lan.verdict.indicators if r.code == "2.1").points == -0.25


def test_the_bim_son_2018_example_runs_and_names_every_provisional_figure(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "office")
    config = tmp_path / "office" / "config.toml"
    result = run_cli("demo", "--config", str(config))
    assert result.exit_code == 0, result.output
    assert "8 cần nộp" in result.output
    workbook = tmp_path / "office" / "outputs" / "demo" / "bim-son-2018-tong-hop.xlsx"
    summary = "\n".join(texts(load(workbook)["Tổng hợp"]))
    for figure in RS.provisional_figures:
        assert figure in summary, figure
    assert "Hà Lan" in summary
