"""The province example (examples/thanh-hoa-2026) from a copy of the repository's config: the
demo fills the 166 units' forms through the defined names and every unit gets the verdict its
sample profile was made for; the workbook names the provisional figures."""

from __future__ import annotations

import shutil

import openpyxl
import pytest
from builders import THANH_HOA

from pipeline.app.demo import make_demo
from pipeline.app.demo_contents import PLAN
from pipeline.app.run import consolidate
from pipeline.core import config as config_mod
from pipeline.core.model import NOT_SUBMITTED, SUBMITTED, UNUSABLE

PASSING = {"dat", "khong_phat_sinh", "khong_giao_nhiem_vu"}


@pytest.fixture(scope="module")
def province_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("thanh-hoa")
    shutil.copy(THANH_HOA, root / "config.toml")
    config = config_mod.load(root / "config.toml")
    demo = make_demo(config, root / "demo" / "inputs")
    config = config.with_paths(demo, root / "outputs")
    return config, consolidate(config)


def test_the_example_has_the_166_units_of_the_province(province_run):
    config, _ = province_run
    assert len(config.units) == 166 and config.rule_set_name == "qd27-2025"
    assert config.office_name == "Sở Tư pháp tỉnh Thanh Hóa" and config.authority == "Ủy ban nhân dân tỉnh Thanh Hóa"
    assert {u.kind for u in config.units} <= {"xã", "phường", "đặc khu"}


def test_every_unit_gets_the_verdict_its_profile_was_made_for(province_run):
    config, outputs = province_run
    result = outputs.result
    units = list(config.units)
    missing = {u.code for u in units[-3:]}
    broken = units[9].code
    by_code = {u.unit.code: u for u in result.units}
    submitted = [u for u in units if u.code not in missing]
    checked = 0
    for n, unit in enumerate(submitted):
        outcome = by_code[unit.code]
        if unit.code == broken:  # a file cut short says nothing of its unit: listed, rejected
            assert outcome.status in (UNUSABLE, NOT_SUBMITTED)
            assert any(f.path.startswith(broken) and f.status == "rejected" for f in result.files)
            continue
        assert outcome.status == SUBMITTED, unit
        assert outcome.verdict.recognised is (PLAN[n % len(PLAN)] in PASSING), (unit, PLAN[n % len(PLAN)])
        checked += 1
    assert checked == 162
    assert all(by_code[code].status == NOT_SUBMITTED for code in missing)


def test_the_workbook_says_its_results_are_provisional(province_run):
    _, outputs = province_run
    book = openpyxl.load_workbook(outputs.workbook, read_only=True)
    summary = [c for row in book["Tổng hợp"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(t.startswith("KẾT QUẢ TẠM TÍNH") and "TC1" in t for t in summary)
    matrix = [c for row in book["Chỉ tiêu"].iter_rows(max_row=2, values_only=True) for c in row if isinstance(c, str)]
    assert any("KẾT QUẢ TẠM TÍNH" in t for t in matrix)
