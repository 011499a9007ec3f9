"""The pass/fail engine for rule sets whose indicators have contents (QĐ 27/2025): each content
kind at and around its threshold, không phát sinh, derived figures, the criterion switch, and
an invented rule set proving the engine knows no criterion by name."""

from __future__ import annotations

import pytest

from pipeline.core import rules
from pipeline.core.verdict import IndicatorEntry, UnitEntries
from pipeline.steps.scoring import score_unit

QD27 = rules.load("qd27-2025")


def passing_entries(rule_set: rules.RuleSet = QD27) -> dict[str, IndicatorEntry]:
    """Every content Đạt: requirements declared Đạt, rates 10/10, one option ticked."""
    out = {}
    for c in rule_set.indicators:
        if c.kind == "requirement":
            out[c.code] = IndicatorEntry(c.code, passed=True)
        elif c.kind == "rate":
            out[c.code] = IndicatorEntry(c.code, numerator=10, denominator=10)
        else:
            out[c.code] = IndicatorEntry(c.code, ticked=(1,))
    return out


def score(changes: dict[str, IndicatorEntry] | None = None, switches=None, rule_set=QD27, drop=()):
    entries = {**passing_entries(rule_set), **(changes or {})}
    for code in drop:
        entries.pop(code)
    return score_unit(rule_set, UnitEntries(entries, {}, switches or {}))


def content(verdict, code):
    return next(r for r in verdict.indicators if r.code == code)


def group(verdict, code):
    return next(g for g in verdict.groups if g.code == code)


def criterion(verdict, code):
    return next(c for c in verdict.criteria if c.code == code)


def test_the_shipped_set_has_3_criteria_and_14_indicators_all_provisional():
    assert [c.code for c in QD27.criteria] == ["TC1", "TC2", "TC3"]
    assert len(QD27.groups) == 14
    assert QD27.scoring == "pass_fail" and QD27.first_year == 2026 and QD27.last_year is None
    leaves = [f for f in QD27.figures if f.key.startswith("indicator:")]
    assert len(leaves) == len(QD27.indicators) == 26
    assert all(f.provenance.provisional and f.provenance.source for f in leaves)
    assert QD27.indicator("1.2").denominator_from == rules.FigureSource("1.1", "denominator")
    assert QD27.indicator("2.2").denominator_from == rules.FigureSource("1.1", "numerator")
    assert QD27.indicator("3.2.2").threshold == 80
    assert len(QD27.indicator("2.5").options) == 8 and QD27.indicator("2.5").min_ticked == 1


def test_all_passing_is_recognised_3_of_3():
    v = score()
    assert v.recognised and v.criteria_passed == 3
    assert all(g.passed for g in v.groups)
    assert [c.indicator_count for c in v.criteria] == [3, 7, 4]


@pytest.mark.parametrize(
    ("num", "den", "passed"),
    [(9999, 10000, False), (10000, 10000, True), (99, 100, False), (1, 1, True), (0, 5, False)],
)
def test_a_100_percent_rate_at_and_around_its_threshold(num, den, passed):
    v = score({"2.3": IndicatorEntry("2.3", numerator=num, denominator=den)})
    assert content(v, "2.3").passed is passed
    assert group(v, "2.3").passed is passed
    assert criterion(v, "TC2").met is passed
    assert v.recognised is passed


@pytest.mark.parametrize(
    ("num", "passed"), [(7999, False), (8000, True), (8001, True), (7999.99, False), (7999.999999, False)]
)
def test_an_80_percent_rate_is_compared_exactly(num, passed):
    # 3.2.2's denominator is 3.2.1's numerator (the cases mediated).
    changes = {
        "3.2.1": IndicatorEntry("3.2.1", numerator=10000, denominator=10000),
        "3.2.2": IndicatorEntry("3.2.2", numerator=num),
    }
    v = score(changes)
    assert content(v, "3.2.2").passed is passed
    assert content(v, "3.2.2").denominator == 10000
    assert v.recognised is passed


def test_a_derived_denominator_is_taken_from_the_other_content_not_from_the_row():
    changes = {
        "1.1": IndicatorEntry("1.1", numerator=4, denominator=4),
        # 1.2 typed a denominator of 3 on its own row: ignored, 1.1's 4 is used.
        "1.2": IndicatorEntry("1.2", numerator=3, denominator=3),
    }
    v = score(changes)
    r = content(v, "1.2")
    assert (r.numerator, r.denominator, r.passed) == (3, 4, False)
    assert criterion(v, "TC1").met is False and not v.recognised


def test_2_2_takes_its_denominator_from_the_documents_issued_under_1_1():
    v = score(
        {
            "1.1": IndicatorEntry("1.1", numerator=3, denominator=4),
            "2.2": IndicatorEntry("2.2", numerator=3),
        }
    )
    assert content(v, "2.2").denominator == 3 and content(v, "2.2").passed


def test_a_derived_figure_whose_source_is_missing_or_unusable_fails():
    assert content(score(drop=("1.1",)), "1.2").passed is False
    unusable = {"1.1": IndicatorEntry("1.1", numerator=4, denominator=4, usable=False)}
    r = content(score(unusable), "1.3")
    assert r.passed is False and "mẫu số" in r.basis


def test_denominator_zero_without_khong_phat_sinh_fails_and_says_what_to_do():
    r = content(score({"2.3": IndicatorEntry("2.3", numerator=0, denominator=0)}), "2.3")
    assert r.passed is False and "Không phát sinh" in r.basis


def test_denominator_zero_with_khong_phat_sinh_passes_where_allowed():
    v = score({"2.3": IndicatorEntry("2.3", not_applicable=True)})
    assert content(v, "2.3").passed and content(v, "2.3").not_arisen
    v = score({"2.3": IndicatorEntry("2.3", numerator=0, denominator=0, not_applicable=True)})
    assert content(v, "2.3").passed


def test_khong_phat_sinh_where_not_allowed_fails():
    for code in ("2.4.2", "2.1.1", "2.5"):  # a rate, a requirement, a checklist: none allows it
        r = content(score({code: IndicatorEntry(code, not_applicable=True, passed=True, ticked=(1,))}), code)
        assert r.passed is False and "không phát sinh" in r.basis


def test_khong_phat_sinh_with_figures_that_show_cases_is_judged_by_the_figures():
    r = content(score({"2.3": IndicatorEntry("2.3", numerator=2, denominator=5, not_applicable=True)}), "2.3")
    assert r.passed is False and r.rate == 40
    r = content(score({"2.3": IndicatorEntry("2.3", numerator=5, denominator=5, not_applicable=True)}), "2.3")
    assert r.passed is True


def test_nothing_to_issue_under_1_1_carries_to_the_contents_whose_denominator_is_its_own():
    v = score(
        {
            "1.1": IndicatorEntry("1.1", not_applicable=True),
            "1.2": IndicatorEntry("1.2"),  # blank: its denominator is 1.1's, which declared nothing
            "1.3": IndicatorEntry("1.3", numerator=0),
        }
    )
    assert [content(v, c).passed for c in ("1.1", "1.2", "1.3")] == [True, True, True]
    # ... but not figures that contradict it
    v = score({"1.1": IndicatorEntry("1.1", not_applicable=True), "1.2": IndicatorEntry("1.2", numerator=2)})
    assert content(v, "1.2").passed is False


@pytest.mark.parametrize("bad", [dict(numerator=5, denominator=4), dict(numerator=-1, denominator=4), dict()])
def test_impossible_or_missing_rate_figures_fail(bad):
    r = content(score({"2.4.2": IndicatorEntry("2.4.2", **bad)}), "2.4.2")
    assert r.passed is False and r.counted_as_zero


@pytest.mark.parametrize(("ticked", "passed"), [((), False), ((1,), True), ((1, 2, 3, 4, 5, 6, 7, 8), True)])
def test_checklist_none_one_all(ticked, passed):
    v = score({"2.5": IndicatorEntry("2.5", ticked=ticked)})
    assert content(v, "2.5").passed is passed and content(v, "2.5").ticked == len(ticked)
    assert v.recognised is passed


def test_a_ticked_option_that_does_not_exist_is_not_counted():
    assert content(score({"3.3": IndicatorEntry("3.3", ticked=(5, 9))}), "3.3").passed is False


def test_requirement_unanswered_or_not_met_fails():
    assert content(score({"2.1.1": IndicatorEntry("2.1.1")}), "2.1.1").passed is False
    v = score({"2.1.2": IndicatorEntry("2.1.2", passed=False)})
    assert group(v, "2.1").passed is False and group(v, "2.1").failed == ("2.1.2",)
    assert criterion(v, "TC2").passed_count == 6 and not criterion(v, "TC2").met
    assert not v.recognised and "TC2" in v.reasons[0].text


def test_one_content_fails_its_indicator_and_one_indicator_fails_its_criterion():
    v = score({"3.4.3": IndicatorEntry("3.4.3", numerator=1, denominator=2)})
    assert [g.code for g in v.groups if not g.passed] == ["3.4"]
    assert [c.code for c in v.criteria if not c.met] == ["TC3"]
    assert criterion(v, "TC3").passed_count == 3 and criterion(v, "TC3").indicator_count == 4


def test_missing_content_row_fails():
    v = score(drop=("2.7.3",))
    assert content(v, "2.7.3").passed is False and not v.recognised


def test_the_tc1_switch_makes_tc1_pass_whatever_its_contents_say():
    failing = {c: IndicatorEntry(c) for c in ("1.1", "1.2", "1.3")}
    # 2.2 counts the documents issued (1.1's numerator): none, and the unit says so.
    failing["2.2"] = IndicatorEntry("2.2", not_applicable=True)
    assert not criterion(score(failing), "TC1").met
    v = score(failing, switches={"TC1": True})
    assert criterion(v, "TC1").met and criterion(v, "TC1").switched and v.recognised
    assert not v.notes  # the switched criterion's blank contents are not "counted as failed" notes
    assert not criterion(score(failing, switches={"TC1": False}), "TC1").met
    # The switch belongs to TC1 only.
    v = score({"2.1.1": IndicatorEntry("2.1.1", passed=False)}, switches={"TC2": True})
    assert not criterion(v, "TC2").met


def test_every_result_uses_the_provisional_figures_and_says_so():
    v = score()
    assert v.provisional_figures and any(r.code == "RULESET_PROVISIONAL" for r in v.provisional)
    assert "nội dung dùng kết quả tự đánh giá" in next(r.text for r in v.provisional if r.code == "SELF_ASSESSED")


# ---------------------------------------------------------------- an invented set


def pv():
    return {"status": "verified", "source": "test"}


INVENTED = rules.parse(
    {
        "rule_set": {
            "id": "invented",
            "name": "Invented",
            "first_year": 2030,
            "scoring": "pass_fail",
            "total_max": 0,
            "provenance": pv(),
        },
        "conditions": {"criteria_pass_rule": {"mode": "n_of_m", "n": 1}},
        "criteria": [
            {
                "code": "X",
                "name": "Cây",
                "provenance": pv(),
                "switch": {"label": "Không áp dụng", "provenance": pv()},
                "indicators": [
                    {
                        "code": "9",
                        "name": "Nhóm",
                        "provenance": pv(),
                        "contents": [
                            {"code": "9.a", "name": "Đếm", "kind": "rate", "threshold": 50, "provenance": pv()},
                            {
                                "code": "9.b",
                                "name": "Lấy",
                                "kind": "rate",
                                "threshold": 33.3,
                                "numerator_from": {"content": "9.a", "figure": "denominator"},
                                "provenance": pv(),
                            },
                        ],
                    },
                ],
            },
            {
                "code": "Y",
                "name": "Hoa",
                "provenance": pv(),
                "indicators": [
                    {
                        "code": "7",
                        "name": "Chọn",
                        "kind": "checklist",
                        "options": ["a", "b", "c"],
                        "min_ticked": 2,
                        "provenance": pv(),
                    },
                ],
            },
        ],
    }
)


def test_an_invented_set_runs_on_the_same_engine():
    ok = {
        "9.a": IndicatorEntry("9.a", numerator=1, denominator=2),  # 50% >= 50
        "9.b": IndicatorEntry("9.b", denominator=6),  # 2/6 = 33.33% >= 33.3
        "7": IndicatorEntry("7", ticked=(1,)),  # 1 of 3, needs 2
    }
    v = score_unit(INVENTED, UnitEntries(ok, {}, {}))
    assert [c.met for c in v.criteria] == [True, False]
    assert v.recognised  # 1 of 2 criteria is enough in this set
    assert content(v, "9.b").numerator == 2 and content(v, "9.b").passed
    low = {**ok, "9.b": IndicatorEntry("9.b", denominator=7)}  # 2/7 = 28.6%
    assert not score_unit(INVENTED, UnitEntries(low, {}, {})).recognised
    assert score_unit(INVENTED, UnitEntries(low, {}, {"X": True})).recognised


def test_rule_set_mistakes_in_contents_are_all_reported():
    bad = {
        "rule_set": {
            "id": "b",
            "name": "B",
            "first_year": 2030,
            "scoring": "pass_fail",
            "total_max": 0,
            "provenance": pv(),
        },
        "conditions": {},
        "criteria": [
            {
                "code": "X",
                "name": "X",
                "provenance": pv(),
                "indicators": [
                    {"code": "1", "name": "a", "kind": "rate", "provenance": pv()},  # no threshold
                    {"code": "2", "name": "b", "kind": "rate", "threshold": 120, "provenance": pv()},
                    {"code": "3", "name": "c", "kind": "checklist", "options": [], "provenance": pv()},
                    {
                        "code": "4",
                        "name": "d",
                        "kind": "rate",
                        "threshold": 100,
                        "provenance": pv(),
                        "denominator_from": {"content": "8", "figure": "denominator"},
                    },
                    {"code": "5", "name": "e", "kind": "requirement", "threshold": 100, "provenance": pv()},
                ],
            }
        ],
    }
    with pytest.raises(rules.RuleSetError) as caught:
        rules.parse(bad)
    text = "\n".join(caught.value.lines)
    for expected in ("threshold", "từ 0 đến 100", "options", 'chỉ dùng với kind = "rate"'):
        assert expected in text
    # Sources are checked once the contents themselves are usable.
    good = bad["criteria"][0]["indicators"][3]
    bad["criteria"][0]["indicators"] = [
        good,
        {**good, "code": "6", "denominator_from": {"content": "4", "figure": "denominator"}},
    ]
    with pytest.raises(rules.RuleSetError) as caught:
        rules.parse(bad)
    text = "\n".join(caught.value.lines)
    assert "'8'" in text and "lấy từ nguồn" in text


def test_a_figure_typed_as_a_word_is_named_in_the_basis():
    r = content(score({"2.3": IndicatorEntry("2.3", denominator=4, typed=(("numerator", "ba"),))}), "2.3")
    assert r.passed is False and 'tử số nhập "ba" không phải là số' in r.basis
