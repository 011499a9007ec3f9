"""Where the commune's sheet disagrees with what tcpl computes: reported, never used."""

from __future__ import annotations

from builders import collect_forms

from pipeline.core.model import Located
from pipeline.readers.form import read_workbook
from pipeline.steps.crosscheck import cached_total_issues
from pipeline.steps.normalise import normalise


def test_banded_points_that_disagree_with_the_figures(tmp_path):
    result = collect_forms(tmp_path, {"14809.xlsx": {"diem_2_5": 2, "tu_so_2_5": 6, "mau_so_2_5": 10}})  # 60% -> 0.25
    found = [(i.file, i.sheet, i.cell, i.severity) for i in result.issues if i.code == "BANDED_POINTS_DIFFER"]
    assert found == [("14809.xlsx", "Bảng điểm", "H15", "warning")]
    message = next(i.message for i in result.issues if i.code == "BANDED_POINTS_DIFFER")
    assert "60%" in message and "0,25" in message
    unit = next(u for u in result.units if u.unit.code == "14809")
    assert next(r for r in unit.verdict.indicators if r.code == "2.5").points == 0.25


def test_banded_points_that_agree_are_quiet(tmp_path):
    result = collect_forms(tmp_path, {"14809.xlsx": {"diem_2_5": 2, "tu_so_2_5": 9, "mau_so_2_5": 10}})
    assert not [i for i in result.issues if i.code == "BANDED_POINTS_DIFFER"]


def test_cached_total_that_disagrees(tmp_path, make_form, rule_set):
    path = make_form(tmp_path / "f.xlsx")
    sub, _ = read_workbook(path, "f.xlsx", rule_set)
    _, indicators, _ = normalise([sub], rule_set)
    assert cached_total_issues([sub], indicators, rule_set) == []  # the form's own cached total is right
    stale = sub.cached_totals["tong_diem"]
    sub.cached_totals["tong_diem"] = Located(99.0, stale.sheet, stale.cell)
    (found,) = cached_total_issues([sub], indicators, rule_set)
    assert (found.code, found.sheet, found.cell, found.value) == ("CACHED_TOTAL_DIFFERS", "Bảng điểm", stale.cell, "99")
    sub.cached_totals["tong_diem"] = Located("", stale.sheet, stale.cell)  # no cached value: nothing to compare
    assert cached_total_issues([sub], indicators, rule_set) == []
