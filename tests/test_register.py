"""The file register: a rejected file's note comes from its own issues, and an appraisal
workbook is told apart from a form when it is opened, not after the form reader refused it."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.core.model import AppraisalRead, Submission
from pipeline.core.problems import CATALOGUE, ERROR, issue
from pipeline.readers.inputs import read_input
from pipeline.steps import structure
from pipeline.steps.register import REJECTS_FILE, rejection_note
from pipeline.steps.validate import REJECT_FILE, SUITES, load_suite


def test_every_problem_that_rejects_a_file_describes_it(rule_set):
    """validate rejects a file for its structure errors and for expectations whose effect is
    reject_file: each of those codes must give the register its note."""
    made_by_structure = set(re.findall(r'issue\("([A-Z_]+)"', Path(structure.__file__).read_text(encoding="utf-8")))
    structure_errors = {c for c in made_by_structure if CATALOGUE[c].severity == ERROR}
    rejecting = {
        e["meta"]["problem"]["code"]
        for name in SUITES
        for e in load_suite(name, rule_set)["expectations"]
        if e["meta"]["problem"].get("effect") == REJECT_FILE
    }
    assert structure_errors and rejecting
    assert structure_errors | rejecting <= REJECTS_FILE
    assert all(CATALOGUE[c].severity == ERROR for c in REJECTS_FILE)


def test_rejection_note_from_issues():
    issues = [issue("MACROS_PRESENT", file="a.xlsm"), issue("NOT_OUR_FORM", file="a.xlsm")]
    assert rejection_note(issues) == CATALOGUE["NOT_OUR_FORM"].message
    two = [issue("WRONG_RULE_SET", value="x", expected="y"), issue("WRONG_YEAR", value=2022, expected=2023)]
    assert rejection_note(two) == f"{two[0].message} {two[1].message}"
    assert rejection_note([issue("UNIT_UNKNOWN", value="99999")]) == "mã đơn vị 99999 không thuộc danh sách"
    assert rejection_note([issue("APPRAISAL_WRONG_YEAR", value="2022", expected=2023)]) == "phiếu thẩm định năm 2022"
    assert rejection_note([issue("APPRAISAL_NO_TABLE")]) == "không thấy bảng điểm thẩm định"


def test_an_appraisal_workbook_goes_to_its_own_reader(tmp_path, make_form, rule_set):
    from builders import make_run

    from pipeline.writers.appraisal_form import write_appraisal_form

    path = write_appraisal_form(make_run(units=["recognised"]), tmp_path / "td.xlsx")
    got, found = read_input(path, "td.xlsx", rule_set)
    assert isinstance(got, AppraisalRead) and found == []
    assert got.meta["template_id"] == "tcpl-tham-dinh" and got.rows
    form, _ = read_input(make_form(tmp_path / "f.xlsx"), "f.xlsx", rule_set)
    assert isinstance(form, Submission)


def test_every_row_problem_names_its_indicator(tmp_path):
    """The unit sheet puts a problem on an indicator's row by Issue.indicator alone: no problem
    of a realistic run may speak of an indicator in its message without naming it."""
    import shutil

    from pipeline.app.demo import make_demo
    from pipeline.app.run import collect
    from pipeline.core import config as config_mod

    shutil.copy(Path(__file__).resolve().parents[1] / "config.toml", tmp_path / "config.toml")
    cfg = config_mod.load(tmp_path / "config.toml").with_paths(tmp_path / "inputs", tmp_path / "outputs")
    make_demo(cfg, tmp_path / "inputs")
    result = collect(cfg)
    codes = [i.code for i in result.rule_set.indicators]
    spoken = re.compile(r"chỉ tiêu (" + "|".join(re.escape(c) for c in codes) + r")(?!\.?\d)", re.IGNORECASE)
    row_level = [i for i in result.issues if i.indicator]
    assert {i.code for i in row_level} >= {"POINTS_OUT_OF_RANGE", "DUPLICATE_DIFFERS"}
    assert [i for i in result.issues if not i.indicator and spoken.search(i.message)] == []
