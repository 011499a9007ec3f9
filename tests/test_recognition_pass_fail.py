"""The recognition documents and the feedback letter for a pass/fail rule set (QĐ 27/2025:
criteria Đạt / Không đạt, total_max 0): results as criteria passed, never as points, and the
reasons in the decision's words."""

from __future__ import annotations

from dataclasses import replace

from builders import QD27, load, make_run, texts
from docx import Document

from pipeline.core.model import SUBMITTED
from pipeline.core.verdict import IndicatorEntry, UnitEntries
from pipeline.steps.scoring import score_unit
from pipeline.writers import recognition_text
from pipeline.writers.docs_recognition import write_recognition_documents
from pipeline.writers.feedback import SHEET as FEEDBACK
from pipeline.writers.feedback import write_feedback_workbooks
from pipeline.writers.recognition import SHEET
from pipeline.writers.workbook import write_workbook


def entries(failing: str = "") -> UnitEntries:
    """Every content Đạt (requirements declared, rates 10/10, one option ticked) but `failing`."""
    out = {}
    for c in QD27.indicators:
        if c.code == failing:
            out[c.code] = IndicatorEntry(c.code, passed=False) if c.kind == "requirement" else IndicatorEntry(c.code)
        elif c.kind == "requirement":
            out[c.code] = IndicatorEntry(c.code, passed=True)
        elif c.kind == "rate":
            out[c.code] = IndicatorEntry(c.code, numerator=10, denominator=10)
        else:
            out[c.code] = IndicatorEntry(c.code, ticked=(1,))
    return UnitEntries(out, {}, {})


def pass_fail_run():
    """Two units of the town under QĐ 27: one passes every criterion, one fails a content of TC3."""
    base = make_run(units=["recognised", "low_total"])
    last = next(c.code for c in QD27.indicators if c.kind == "requirement" and c.code.startswith("3"))
    verdicts = [score_unit(QD27, entries()), score_unit(QD27, entries(last))]
    assert verdicts[0].recognised and not verdicts[1].recognised
    units = tuple(
        replace(u, status=SUBMITTED, verdict=v, self_assessed=None, appraisal=(), details={})
        for u, v in zip(base.units, verdicts, strict=True)
    )
    return replace(base, rule_set=QD27, units=units, config=replace(base.config, year=2026))


def test_the_lists_count_criteria_passed_and_say_which_failed():
    found = recognition_text.lists(pass_fail_run())
    assert found.result_heading == "Số tiêu chí đạt"
    assert [(r.name, r.result) for r in found.met] == [("Phường Bắc Sơn", "3/3")]
    assert found.met[0].note == "Kết quả tự đánh giá (chưa thẩm định)"
    (failed,) = found.not_met
    assert failed.result == "2/3"
    assert failed.note == "Có 2/3 tiêu chí đạt (yêu cầu đạt tất cả 3 tiêu chí); chưa đạt: Tiêu chí 3"


def test_the_annex_sheet_and_the_documents_carry_no_points(tmp_path):
    run = pass_fail_run()
    ws = load(write_workbook(run, tmp_path / "wb.xlsx"))[SHEET]
    heads = [c.row for c in ws["A"] if c.value == "STT"]
    assert [ws.cell(h, 3).value for h in heads] == ["Số tiêu chí đạt", "Số tiêu chí đạt"]
    assert not any("điểm" in t for t in texts(ws) if t.startswith(("I.", "II.", "Tổng số")))
    for path in write_recognition_documents(run, tmp_path):
        text = "\n".join(p.text for p in Document(str(path)).paragraphs)
        text += "\n".join(c.text for t in Document(str(path)).tables for r in t.rows for c in r.cells)
        assert "Tổng điểm" not in text and "0/0" not in text


def test_the_feedback_letter_speaks_of_criteria_and_contents_not_points(tmp_path):
    paths = write_feedback_workbooks(pass_fail_run(), tmp_path)
    text = texts(load(paths[1])[FEEDBACK])
    assert any(t.startswith("CHƯA ĐẠT CHUẨN TIẾP CẬN PHÁP LUẬT") and t.endswith("— 2/3 tiêu chí đạt") for t in text)
    assert "Lý do: Có 2/3 tiêu chí đạt (yêu cầu đạt tất cả 3 tiêu chí); chưa đạt: Tiêu chí 3." in text
    assert any(t.startswith("4. NỘI DUNG CHƯA ĐẠT") for t in text)
    assert not any("0/0 điểm" in t or "ĐIỂM TỐI ĐA" in t for t in text)
    assert any("Nguồn kết quả: tự đánh giá." in t for t in text)
