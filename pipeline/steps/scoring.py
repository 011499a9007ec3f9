"""The scoring engine: pure functions from (rule set, one unit's entries) to a verdict.

No I/O, no mutation. The engine knows no criterion by name: everything comes from the
RuleSet. It is deliberately conservative, because a wrong "Đạt" is the worst bug this
product can have:
- a row that validation rejected, or a missing figure, scores 0 (never the maximum);
- a banded indicator's points are always computed from the entered figures;
- an unanswered disqualifying declaration fails recognition;
- every comparison is exact (fractions), so 79.75 never rounds up to 80.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any

from pipeline.core.rules import Band, Criterion, Indicator, RuleSet, compact_figures
from pipeline.core.text import number_text
from pipeline.core.verdict import (
    SELF_ASSESSED,
    SOURCE_LABEL,
    ConditionResult,
    CriterionResult,
    GroupResult,
    IndicatorEntry,
    IndicatorResult,
    Reason,
    UnitEntries,
    Verdict,
)
from pipeline.steps.contents import judge_content

# ------------------------------------------------------------------ indicators


def band_for(indicator: Indicator, rate: Fraction) -> Band:
    # Bounds compared exactly as their decimal text says (33.3 is 333/10, not the nearest float).
    return next(b for b in indicator.bands if rate >= exact(b.lower) and (b.upper is None or rate < exact(b.upper)))


def score_indicator(indicator: Indicator, entry: IndicatorEntry | None, point_step: float) -> IndicatorResult:
    base: dict[str, Any] = dict(code=indicator.code, criterion=indicator.criterion, max=indicator.max)
    if entry is None or not entry.usable:
        why = "không có dòng chỉ tiêu" if entry is None else "dữ liệu lỗi, không dùng được"
        return IndicatorResult(
            **base, points=0.0, basis=f"{why}: tính 0 điểm", source=SELF_ASSESSED, passed=False, counted_as_zero=True
        )
    src = entry.source
    if indicator.kind == "pass_fail":
        if entry.passed is None:
            return IndicatorResult(
                **base,
                points=0.0,
                basis="chưa đánh giá: coi là Không đạt",
                source=src,
                passed=False,
                counted_as_zero=True,
            )
        return IndicatorResult(
            **base, points=0.0, basis="Đạt" if entry.passed else "Không đạt", source=src, passed=entry.passed
        )
    if entry.not_applicable and indicator.not_applicable_full:
        return IndicatorResult(
            **base,
            points=indicator.max,
            basis="không phát sinh: đạt điểm tối đa",
            source=src,
            passed=True,
            entered_points=entry.points,
        )
    if indicator.kind == "rate_bands":
        return _score_rate(indicator, entry, base)
    if entry.points is None:
        typed = entry.typed_text("points")
        why = f'điểm nhập "{typed}" không phải là số' if typed else f"chưa có điểm {SOURCE_LABEL[src]}"
        return IndicatorResult(
            **base,
            points=0.0,
            basis=f"{why}: tính 0 điểm",
            source=src,
            passed=False,
            counted_as_zero=True,
        )
    points = float(entry.points)
    if not (indicator.min_points <= points <= indicator.max) or not _on_step(points, point_step):
        # Validation should have rejected this row; refuse to count it rather than trust it.
        return IndicatorResult(
            **base,
            points=0.0,
            basis="điểm ngoài quy định: tính 0 điểm",
            source=src,
            passed=False,
            entered_points=points,
            counted_as_zero=True,
        )
    return IndicatorResult(
        **base,
        points=points,
        basis=f"điểm {SOURCE_LABEL[src]}",
        source=src,
        passed=points >= indicator.max,
        entered_points=points,
    )


def _score_rate(indicator: Indicator, entry: IndicatorEntry, base: dict) -> IndicatorResult:
    num, den = entry.numerator, entry.denominator
    if num is None or den is None or den <= 0 or num < 0 or num > den:
        return IndicatorResult(
            **base,
            points=0.0,
            basis="không tính được tỷ lệ: tính 0 điểm",
            source=entry.source,
            passed=False,
            entered_points=entry.points,
            counted_as_zero=True,
        )
    rate = exact(num) * 100 / exact(den)
    band = band_for(indicator, rate)
    upper = f"{number_text(band.upper)}%" if band.upper is not None else ""
    span = f"[{number_text(band.lower)}%, {upper})" if upper else f"≥ {number_text(band.lower)}%"
    rate_text = number_text(rate, places=2)  # a quotient: two decimals are enough
    return IndicatorResult(
        **base,
        points=band.points,
        basis=f"tỷ lệ {rate_text}% thuộc mức {span}",
        source=entry.source,
        passed=band.points >= indicator.max,
        rate=float(rate),
        band_lower=band.lower,
        entered_points=entry.points,
    )


@functools.lru_cache(maxsize=4096)
def _on_step(points: float, step: float) -> bool:
    q = exact(points) / exact(step)
    return q.denominator == 1


@functools.lru_cache(maxsize=4096)
def exact(x: float) -> Fraction:
    """The number as its decimal text says, exactly: 0.1 -> 1/10, never 0.1000000000000000055...
    Cached: a run meets the same few dozen point values thousands of times."""
    return Fraction(str(x))


def exact_sum(values: Iterable[float]) -> Fraction:
    """sum(exact(v)) in integer arithmetic over a common denominator: the same Fraction as
    adding them one by one, for a fraction of the cost."""
    parts = [exact(v) for v in values]
    if not parts:
        return Fraction(0)
    den = math.lcm(*{f.denominator for f in parts})
    return Fraction(sum(f.numerator * (den // f.denominator) for f in parts), den)


# ------------------------------------------------------------------ the unit


def score_unit(rule_set: RuleSet, entries: UnitEntries) -> Verdict:
    given = entries.indicators
    indicators = tuple(
        judge_content(ind, given.get(ind.code), given)
        if ind.is_content
        else score_indicator(ind, given.get(ind.code), rule_set.point_step)
        for ind in rule_set.indicators
    )
    by_code = {r.code: r for r in indicators}
    groups = tuple(
        GroupResult(
            code=g.code,
            name=g.name,
            criterion=g.criterion,
            passed=all(by_code[c].passed for c in g.contents),
            contents=g.contents,
            failed=tuple(c for c in g.contents if not by_code[c].passed),
        )
        for g in rule_set.groups
    )
    criteria = tuple(_score_criterion(rule_set, c, by_code, groups, entries.switches) for c in rule_set.criteria)
    total = exact_sum(r.points for r in indicators)
    failing = {c.code: [r.code for r in indicators if r.criterion == c.code and not r.passed] for c in criteria}
    conditions = _conditions(rule_set, criteria, total, entries.declarations, failing)
    reasons = tuple(Reason(c.code, c.detail) for c in conditions if not c.met)
    provisional, figures_used = _provisional(rule_set, indicators)
    leaf = "Nội dung" if rule_set.has_contents else "Chỉ tiêu"
    switched = {c.code for c in criteria if c.switched}  # its contents decide nothing: no note
    notes = tuple(
        Reason("INDICATOR_COUNTED_AS_ZERO", f"{leaf} {r.code}: {r.basis}")
        for r in indicators
        if r.counted_as_zero and r.criterion not in switched
    )
    return Verdict(
        rule_set=rule_set.id,
        indicators=indicators,
        criteria=criteria,
        total=float(total),
        total_max=rule_set.total_max,
        conditions=conditions,
        recognised=all(c.met for c in conditions),
        reasons=reasons,
        provisional=provisional,
        notes=notes,
        provisional_figures=figures_used,
        groups=groups,
        scoring=rule_set.scoring,
    )


def _score_criterion(
    rule_set: RuleSet,
    criterion: Criterion,
    results: dict[str, IndicatorResult],
    groups: tuple[GroupResult, ...] = (),
    switches: Mapping[str, bool | None] | None = None,
) -> CriterionResult:
    mine = [results[i.code] for i in criterion.indicators]
    points = exact_sum(r.points for r in mine)
    # Where indicators are made of contents, the criterion counts indicators (groups), not contents.
    parts: list = [g for g in groups if g.criterion == criterion.code] or mine
    passed = sum(1 for r in parts if r.passed)
    switched = bool(criterion.switch and (switches or {}).get(criterion.code))
    if rule_set.scoring == "pass_fail":
        met = switched or criterion.pass_rule.passes(passed, len(parts))
        floor = None
    else:
        fraction = rule_set.conditions.criterion_min_fraction
        floor_exact = exact(fraction) * exact(criterion.max) if fraction is not None else None
        met = floor_exact is None or points >= floor_exact
        floor = float(floor_exact) if floor_exact is not None else None
    return CriterionResult(
        code=criterion.code,
        name=criterion.name,
        max=criterion.max,
        points=float(points),
        floor=floor,
        met=met,
        passed_count=passed,
        indicator_count=len(parts),
        switched=switched,
    )


def _conditions(
    rule_set: RuleSet,
    criteria: tuple[CriterionResult, ...],
    total: Fraction,
    declarations: Mapping[str, bool | None],
    failing: Mapping[str, list[str]] | None = None,
) -> tuple[ConditionResult, ...]:
    cond = rule_set.conditions
    out: list[ConditionResult] = []
    if rule_set.scoring == "points":
        if cond.total_min is not None:
            met = total >= exact(cond.total_min)
            out.append(
                ConditionResult(
                    "TOTAL_BELOW_MIN",
                    f"Tổng điểm đạt từ {number_text(cond.total_min)} điểm trở lên",
                    met,
                    f"Tổng điểm {number_text(total)}/{number_text(rule_set.total_max)}"
                    + ("" if met else f", dưới ngưỡng {number_text(cond.total_min)} điểm"),
                )
            )
        if cond.criterion_min_fraction is not None:
            # A floor and its share are products of the rule set's fraction: two decimals.
            pct = number_text(cond.criterion_min_fraction * 100, places=2)
            for c in criteria:
                out.append(
                    ConditionResult(
                        "CRITERION_BELOW_FLOOR",
                        f"{c.code} đạt từ {pct}% số điểm tối đa trở lên",
                        c.met,
                        f"{c.code}: {number_text(c.points)}/{number_text(c.max)} điểm"
                        + ("" if c.met else f", dưới mức tối thiểu {number_text(c.floor, places=2)} điểm ({pct}%)"),
                    )
                )
    else:
        # Per-criterion results are on CriterionResult; the condition is how many passed.
        rule = cond.criteria_pass_rule
        assert rule is not None  # the rule set's parser requires one when scoring is pass/fail
        failed = [c.code for c in criteria if not c.met]
        passed = len(criteria) - len(failed)
        if rule_set.has_contents and failing:  # name the contents that failed: what to fix
            failed = [f"{code} (nội dung {', '.join(failing[code])})" if failing.get(code) else code for code in failed]
        met = rule.passes(passed, len(criteria))
        out.append(
            ConditionResult(
                "CRITERIA_NOT_PASSED",
                f"Số tiêu chí đạt: {rule.describe(len(criteria))}",
                met,
                f"{passed}/{len(criteria)} tiêu chí đạt"
                + ("" if met else f", cần {rule.describe(len(criteria))}; chưa đạt: {', '.join(failed)}"),
            )
        )
    for d in cond.declarations:
        answer = declarations.get(d.key)
        if answer is None:
            out.append(ConditionResult("DECLARATION_MISSING", d.short, False, f"Chưa khai báo: {d.short}"))
        else:
            met = answer != d.disqualifying_answer
            out.append(
                ConditionResult(
                    "DECLARATION_DISQUALIFIES",
                    d.short,
                    met,
                    f"{d.short}: {'Có' if answer else 'Không'}" + ("" if met else " (không đủ điều kiện công nhận)"),
                )
            )
    return tuple(out)


def _provisional(
    rule_set: RuleSet, indicators: tuple[IndicatorResult, ...]
) -> tuple[tuple[Reason, ...], tuple[str, ...]]:
    """Why the result is not final, and the keys of the provisional figures it used.

    A result is provisional because of the rule-set figures it actually used that are still
    "tạm tính" (every maximum and threshold is used by every result; a band only by a result
    whose rate fell in it), or because points are self-assessed."""
    always, bands = _provisional_figures(rule_set)
    used = list(always)
    if bands:
        used += [bands[(r.code, r.band_lower)] for r in indicators if (r.code, r.band_lower) in bands]
    out = []
    if used:
        keys = set(used)
        shown = "; ".join(compact_figures(rule_set, [f for f in rule_set.figures if f.key in keys]))
        out.append(
            Reason(
                "RULESET_PROVISIONAL",
                f"Kết quả dùng số liệu tạm tính của bộ tiêu chí {rule_set.id}, chưa đối chiếu văn bản gốc: {shown}",
            )
        )
    self_assessed = [r.code for r in indicators if r.source == SELF_ASSESSED and not r.counted_as_zero]
    if self_assessed:
        text = (
            "nội dung dùng kết quả tự đánh giá, chưa có kết quả thẩm định của Hội đồng"
            if rule_set.has_contents
            else "chỉ tiêu dùng điểm tự chấm, chưa có điểm thẩm định của Hội đồng"
        )
        out.append(Reason("SELF_ASSESSED", f"{len(self_assessed)}/{len(indicators)} {text}"))
    ordered = tuple(f.key for f in rule_set.figures if f.key in set(used))
    return tuple(out), ordered


_FIGURES: dict[int, tuple[RuleSet, tuple[str, ...], dict[tuple[str, float | None], str]]] = {}


def _provisional_figures(rule_set: RuleSet) -> tuple[tuple[str, ...], dict[tuple[str, float | None], str]]:
    """The keys of the provisional figures every result uses, and of the provisional bands by
    (indicator, lower bound): worked out once per rule set rather than once per unit."""
    found = _FIGURES.get(id(rule_set))
    if found is None or found[0] is not rule_set:
        if len(_FIGURES) > 64:
            _FIGURES.clear()
        provisional = [f for f in rule_set.figures if f.provenance.provisional]
        always = tuple(f.key for f in provisional if f.band_lower is None)
        bands: dict[tuple[str, float | None], str] = {
            (f.indicator, f.band_lower): f.key for f in provisional if f.band_lower is not None
        }
        found = (rule_set, always, bands)
        _FIGURES[id(rule_set)] = found
    return found[1], found[2]
