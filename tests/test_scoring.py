"""The scoring engine, rule by rule, at and around every threshold.

A wrong "Đạt" is the worst bug this product can have, so each condition is pinned at its
edge: 79.75 vs 80, a criterion exactly at and just under 50%, every band edge of 2.5, the
declaration answered, unanswered and disqualifying, "không phát sinh".
"""

from __future__ import annotations

import pytest

from pipeline.core import rules
from pipeline.core.verdict import APPRAISED, IndicatorEntry, UnitEntries
from pipeline.steps.scoring import score_unit

QD25 = rules.load("qd25-2021")


def full_entries(rule_set=QD25, **overrides) -> dict[str, IndicatorEntry]:
    """Every indicator at its maximum (2.5 via a 100% rate), then the overrides."""
    out = {}
    for ind in rule_set.indicators:
        if ind.kind == "rate_bands":
            out[ind.code] = IndicatorEntry(ind.code, numerator=10, denominator=10)
        elif ind.kind == "pass_fail":
            out[ind.code] = IndicatorEntry(ind.code, passed=True)
        else:
            out[ind.code] = IndicatorEntry(ind.code, points=ind.max)
    out.update(overrides)
    return out


def verdict(declaration=False, rule_set=QD25, **overrides):
    entries = full_entries(rule_set, **overrides)
    decls = {d.key: declaration for d in rule_set.conditions.declarations}
    return score_unit(rule_set, UnitEntries(entries, decls))


def failed_codes(v) -> list[str]:
    return [r.code for r in v.reasons]


def test_full_marks_recognised():
    v = verdict()
    assert v.total == 100
    assert v.recognised and v.label == "Đạt"
    assert v.reasons == ()


# ------------------------------------------------------------------ total threshold


def lower_total_to(target: float) -> dict:
    """Take points off several indicators so the total is `target` while every criterion
    stays well above its 50% floor (so only the total condition can fail)."""
    budget = {"3.1": 5, "2.1": 6, "2.3": 6, "4.1": 4, "5.1": 5}  # points each may lose
    to_lose, out = 100 - target, {}
    for code, room in budget.items():
        lose = min(room, to_lose)
        out[code] = IndicatorEntry(code, points=QD25.indicator(code).max - lose)
        to_lose -= lose
    assert to_lose == 0
    return out


@pytest.mark.parametrize(
    "total, recognised",
    [(80.0, True), (80.25, True), (79.75, False), (79.0, False)],
)
def test_total_threshold(total, recognised):
    v = verdict(**lower_total_to(total))
    assert v.total == total
    assert v.recognised is recognised
    assert ("TOTAL_BELOW_MIN" in failed_codes(v)) is (not recognised)


def test_total_reason_text_names_threshold():
    v = verdict(**lower_total_to(79.75))
    reason = next(r for r in v.reasons if r.code == "TOTAL_BELOW_MIN")
    assert "79,75" in reason.text and "80" in reason.text


# ------------------------------------------------------------------ criterion floor (50%)


def tc1(points_1_1: float, points_1_2: float) -> dict:
    return {"1.1": IndicatorEntry("1.1", points=points_1_1), "1.2": IndicatorEntry("1.2", points=points_1_2)}


def test_criterion_exactly_at_half_is_met():
    v = verdict(**tc1(3, 2))  # TC1 = 5 of 10
    c = next(c for c in v.criteria if c.code == "TC1")
    assert (c.points, c.floor, c.met) == (5, 5, True)
    assert v.total == 95 and v.recognised


def test_criterion_just_under_half_fails_even_with_high_total():
    v = verdict(**tc1(3, 1.75))  # TC1 = 4.75 of 10, total 94.75
    c = next(c for c in v.criteria if c.code == "TC1")
    assert (c.points, c.met) == (4.75, False)
    assert v.total == 94.75
    assert not v.recognised
    assert failed_codes(v) == ["CRITERION_BELOW_FLOOR"]
    assert "TC1" in v.reasons[0].text and "4,75" in v.reasons[0].text


def test_every_failed_condition_gets_a_reason():
    v = verdict(
        declaration=True,
        **tc1(0, 0),
        **{"3.1": IndicatorEntry("3.1", points=0), "4.1": IndicatorEntry("4.1", points=0)},
    )
    assert sorted(failed_codes(v)) == sorted(["TOTAL_BELOW_MIN", "CRITERION_BELOW_FLOOR", "DECLARATION_DISQUALIFIES"])


# ------------------------------------------------------------------ declaration


def test_disqualifying_declaration():
    v = verdict(declaration=True)
    assert v.total == 100 and not v.recognised
    assert failed_codes(v) == ["DECLARATION_DISQUALIFIES"]


def test_unanswered_declaration_is_not_recognised():
    v = verdict(declaration=None)
    assert not v.recognised
    assert failed_codes(v) == ["DECLARATION_MISSING"]


def test_missing_declaration_key_is_not_recognised():
    v = score_unit(QD25, UnitEntries(full_entries(), {}))
    assert failed_codes(v) == ["DECLARATION_MISSING"]


# ------------------------------------------------------------------ indicator 2.5 bands


@pytest.mark.parametrize(
    "num, den, points",
    [
        (100, 100, 2),
        (90, 100, 2),  # ≥ 90% -> full (provisional)
        (899, 1000, 1),
        (80, 100, 1),  # [80, 90) -> 1
        (799, 1000, 0.5),
        (70, 100, 0.5),  # [70, 80) -> 0.5
        (699, 1000, 0.25),
        (50, 100, 0.25),  # [50, 70) -> 0.25
        (499, 1000, 0),
        (0, 10, 0),  # < 50% -> 0
        (9, 10, 2),
        (7, 10, 0.5),
        (1, 2, 0.25),  # float-noise prone fractions land exactly
    ],
)
def test_rate_band_edges(num, den, points):
    v = verdict(**{"2.5": IndicatorEntry("2.5", numerator=num, denominator=den)})
    r = next(r for r in v.indicators if r.code == "2.5")
    assert r.points == points
    assert r.rate == pytest.approx(num / den * 100)


def test_rate_band_ignores_self_entered_points():
    v = verdict(**{"2.5": IndicatorEntry("2.5", points=2, numerator=6, denominator=10)})
    r = next(r for r in v.indicators if r.code == "2.5")
    assert (r.points, r.entered_points) == (0.25, 2)


@pytest.mark.parametrize("num, den", [(None, 10), (5, None), (5, 0), (11, 10), (-1, 10)])
def test_rate_band_without_usable_figures_scores_zero(num, den):
    v = verdict(**{"2.5": IndicatorEntry("2.5", points=2, numerator=num, denominator=den)})
    r = next(r for r in v.indicators if r.code == "2.5")
    assert r.points == 0 and r.counted_as_zero
    assert any("2.5" in n.text for n in v.notes)


# ------------------------------------------------------------------ không phát sinh


def test_not_applicable_gives_full_points_where_allowed():
    v = verdict(**{"1.1": IndicatorEntry("1.1", not_applicable=True)})
    r = next(r for r in v.indicators if r.code == "1.1")
    assert r.points == 3 and "không phát sinh" in r.basis


def test_not_applicable_ignored_where_not_allowed():
    v = verdict(**{"1.2": IndicatorEntry("1.2", not_applicable=True)})
    r = next(r for r in v.indicators if r.code == "1.2")
    assert r.points == 0 and r.counted_as_zero


# ------------------------------------------------------------------ conservative scoring


def test_unusable_row_scores_zero_never_max():
    v = verdict(**{"3.1": IndicatorEntry("3.1", points=10, usable=False)})
    r = next(r for r in v.indicators if r.code == "3.1")
    assert r.points == 0 and r.counted_as_zero
    assert v.total == 90


def test_missing_indicator_scores_zero():
    entries = full_entries()
    del entries["4.1"]
    v = score_unit(QD25, UnitEntries(entries, {"ky_luat_nguoi_dung_dau": False}))
    assert v.total == 96
    assert next(r for r in v.indicators if r.code == "4.1").counted_as_zero


@pytest.mark.parametrize("points", [3.25, -0.25, 1.1])
def test_out_of_rule_points_are_not_trusted(points):
    v = verdict(**{"1.1": IndicatorEntry("1.1", points=points)})
    assert next(r for r in v.indicators if r.code == "1.1").points == 0


# ------------------------------------------------------------------ provisional flags


def test_provisional_flags_for_qd25_self_assessed():
    v = verdict()
    codes = [p.code for p in v.provisional]
    assert codes == ["RULESET_PROVISIONAL", "SELF_ASSESSED"]
    text = v.provisional[0].text
    assert "điểm tối đa TC2 (2.1–2.6)" in text and "mức ≥ 90% của chỉ tiêu 2.5" in text
    assert "TC1" not in text  # verified and derived figures are not provisional


def test_appraised_points_drop_self_assessed_flag():
    overrides = {
        i.code: IndicatorEntry(i.code, points=i.max, source=APPRAISED) for i in QD25.indicators if i.kind == "points"
    }
    overrides["2.5"] = IndicatorEntry("2.5", numerator=1, denominator=1, source=APPRAISED)
    v = verdict(**overrides)
    assert [p.code for p in v.provisional] == ["RULESET_PROVISIONAL"]
    assert {r.source for r in v.indicators} == {APPRAISED}


def verified_only(data: dict) -> dict:
    """Mark every provenance verified (a confirmed rule set)."""
    if isinstance(data, dict):
        return {
            k: ({"status": "verified", "source": "x"} if k.endswith("provenance") else verified_only(v))
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [verified_only(x) for x in data]
    return data


def test_confirmed_rule_set_has_no_provisional_flag():
    import tomllib

    data = tomllib.loads(rules.resolve("qd25-2021").read_text(encoding="utf-8"))
    rs = rules.parse(verified_only(data))
    assert not rs.has_provisional
    entries = {i.code: IndicatorEntry(i.code, points=i.max, source=APPRAISED) for i in rs.indicators}
    entries["2.5"] = IndicatorEntry("2.5", numerator=1, denominator=1, source=APPRAISED)
    v = score_unit(rs, UnitEntries(entries, {"ky_luat_nguoi_dung_dau": False}))
    assert v.provisional == () and v.recognised


# ------------------------------------------------------------------ other rule sets: no names in the engine


def pv(status="verified"):
    return {"status": status, "source": "test"}


PASS_FAIL_SET = {
    "rule_set": {
        "id": "pf-test",
        "name": "Đạt/không đạt thử",
        "first_year": 2026,
        "scoring": "pass_fail",
        "total_max": 0,
        "provenance": pv(),
    },
    "conditions": {
        "criteria_pass_rule": {"mode": "n_of_m", "n": 2},
        "declarations": [{"key": "vi_pham", "label": "Có vi phạm?", "disqualifying_answer": True, "provenance": pv()}],
    },
    "criteria": [
        {
            "code": "A",
            "name": "Tiêu chí A",
            "max": 0,
            "provenance": pv(),
            "pass_rule": {"mode": "n_of_m", "n": 2},
            "indicators": [
                {"code": f"A{n}", "name": f"A{n}", "max": 0, "kind": "pass_fail", "provenance": pv()} for n in (1, 2, 3)
            ],
        },
        {
            "code": "B",
            "name": "Tiêu chí B",
            "max": 0,
            "provenance": pv(),
            "indicators": [
                {"code": f"B{n}", "name": f"B{n}", "max": 0, "kind": "pass_fail", "provenance": pv()} for n in (1, 2)
            ],
        },
        {
            "code": "C",
            "name": "Tiêu chí C",
            "max": 0,
            "provenance": pv(),
            "indicators": [{"code": "C1", "name": "C1", "max": 0, "kind": "pass_fail", "provenance": pv()}],
        },
    ],
}


def pf(**passed) -> dict:
    return {code: IndicatorEntry(code, passed=value) for code, value in passed.items()}


def test_pass_fail_n_of_m_per_criterion_and_overall():
    rs = rules.parse(PASS_FAIL_SET)
    # A: 2 of 3 (needs 2) -> met; B: 1 of 2 (needs all) -> not met; C met -> 2 of 3 criteria, needs 2.
    v = verdict(rule_set=rs, **pf(A1=True, A2=True, A3=False, B1=True, B2=False, C1=True))
    met = {c.code: c.met for c in v.criteria}
    assert met == {"A": True, "B": False, "C": True}
    assert v.recognised
    assert failed_codes(v) == []


def test_pass_fail_one_criterion_short_fails():
    rs = rules.parse(PASS_FAIL_SET)
    v = verdict(rule_set=rs, **pf(A1=True, A2=False, A3=False, B1=True, B2=False, C1=True))
    assert not v.recognised
    assert failed_codes(v) == ["CRITERIA_NOT_PASSED"]
    assert "A, B" in v.reasons[0].text  # names the criteria that did not pass


def test_pass_fail_unanswered_indicator_counts_as_not_passed():
    rs = rules.parse(PASS_FAIL_SET)
    v = verdict(rule_set=rs, **pf(A1=True, A2=None, A3=False, B1=False, B2=False, C1=True))
    assert next(c for c in v.criteria if c.code == "A").passed_count == 1
    assert not v.recognised


def test_pass_fail_disqualifier():
    rs = rules.parse(PASS_FAIL_SET)
    assert not verdict(rule_set=rs, declaration=True).recognised
    assert verdict(rule_set=rs, declaration=False).recognised


DEDUCTION_SET = {
    "rule_set": {
        "id": "ded-test",
        "name": "Có điểm trừ",
        "first_year": 2017,
        "last_year": 2021,
        "scoring": "points",
        "total_max": 10,
        "provenance": pv(),
    },
    "conditions": {"total_min": 6, "criterion_min_fraction": 0.5},
    "criteria": [
        {
            "code": "K1",
            "name": "Một cửa",
            "max": 4,
            "provenance": pv(),
            "indicators": [
                {
                    "code": "K1.1",
                    "name": "Bộ phận một cửa",
                    "max": 2,
                    "kind": "points",
                    "deduction_max": 0.25,
                    "provenance": pv(),
                },
                {"code": "K1.2", "name": "Khác", "max": 2, "kind": "points", "provenance": pv()},
            ],
        },
        {
            "code": "K2",
            "name": "Khác",
            "max": 6,
            "provenance": pv(),
            "indicators": [
                {"code": "K2.1", "name": "Khác", "max": 6, "kind": "points", "provenance": pv()},
            ],
        },
    ],
}


def test_deduction_below_zero_counts():
    rs = rules.parse(DEDUCTION_SET)
    v = score_unit(
        rs,
        UnitEntries(
            pf()
            | {
                "K1.1": IndicatorEntry("K1.1", points=-0.25),
                "K1.2": IndicatorEntry("K1.2", points=2),
                "K2.1": IndicatorEntry("K2.1", points=6),
            },
            {},
        ),
    )
    assert next(r for r in v.indicators if r.code == "K1.1").points == -0.25
    k1 = next(c for c in v.criteria if c.code == "K1")
    assert (k1.points, k1.floor, k1.met) == (1.75, 2, False)
    assert v.total == 7.75 and not v.recognised
    assert v.provisional[0].code == "SELF_ASSESSED"  # no provisional figures in this set


def test_deduction_limit_is_enforced():
    rs = rules.parse(DEDUCTION_SET)
    v = score_unit(rs, UnitEntries({"K1.1": IndicatorEntry("K1.1", points=-0.5)}, {}))
    assert next(r for r in v.indicators if r.code == "K1.1").points == 0


def test_points_typed_as_a_word_say_so_and_count_zero():
    from pipeline.steps.scoring import score_indicator

    ind = QD25.indicator("1.2")
    r = score_indicator(ind, IndicatorEntry("1.2", typed=(("points", "ba"),)), QD25.point_step)
    assert r.points == 0 and r.basis == 'điểm nhập "ba" không phải là số: tính 0 điểm'
    r = score_indicator(ind, IndicatorEntry("1.2"), QD25.point_step)
    assert r.basis == "chưa có điểm tự chấm: tính 0 điểm"
