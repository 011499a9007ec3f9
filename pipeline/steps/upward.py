"""The figures of the report the office sends up on the assessment (what TT 09/2021's Mẫu 09 /
Mẫu 10 carry, as published reports show): units meeting / total and the rate, the split by
unit kind, the units not meeting the standard, the extremes (points sets: the highest and lowest
totals; pass/fail sets: the contents failed most often) and last year's result when it is set.

Pure: computed from a run's result, so the report's figures are the summary sheet's figures.
Rates are exact fractions, shown with two decimals ("532/559 … đạt tỉ lệ 95,17%").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

from pipeline.core.model import NOT_SUBMITTED, SUBMITTED, RunResult, UnitOutcome


@dataclass(frozen=True)
class KindLine:
    kind: str  # xã, phường, thị trấn, đặc khu
    total: int
    submitted: int
    met: int

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.met, self.total) * 100 if self.total else None


@dataclass(frozen=True)
class Extreme:
    unit: str  # full name
    value: float


@dataclass(frozen=True)
class FailedContent:
    code: str
    name: str
    units: int  # how many units failed it


@dataclass(frozen=True)
class Upward:
    total: int
    submitted: int  # a usable form
    not_submitted: int
    unusable: int  # sent only forms that could not be used
    met: int
    by_kind: tuple[KindLine, ...]
    not_met: tuple[UnitOutcome, ...]  # every unit not recognised (no usable form included), in config order
    highest: tuple[Extreme, ...]  # points sets: the units with the highest total
    lowest: tuple[Extreme, ...]
    failed_most: tuple[FailedContent, ...]  # pass/fail sets: the contents failed most often
    previous_met: int | None = None  # last year's units meeting the standard
    previous_total: int | None = None
    previous_year: int | None = None

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.met, self.total) * 100 if self.total else None

    @property
    def previous_rate(self) -> Fraction | None:
        if not self.previous_total or self.previous_met is None:
            return None
        return Fraction(self.previous_met, self.previous_total) * 100


def upward_figures(result: RunResult, most: int = 5) -> Upward:
    units = list(result.units)
    scored = [u for u in units if u.status == SUBMITTED and u.verdict is not None]
    met = [u for u in scored if u.verdict is not None and u.verdict.recognised]
    kinds = list(dict.fromkeys(u.unit.kind for u in units))
    by_kind = tuple(
        KindLine(
            kind,
            sum(1 for u in units if u.unit.kind == kind),
            sum(1 for u in scored if u.unit.kind == kind),
            sum(1 for u in met if u.unit.kind == kind),
        )
        for kind in kinds
    )
    pass_fail = result.rule_set.scoring == "pass_fail"
    highest: tuple[Extreme, ...] = ()
    lowest: tuple[Extreme, ...] = ()
    failed_most: tuple[FailedContent, ...] = ()
    if pass_fail:
        counts = Counter(r.code for u in scored if u.verdict for r in u.verdict.indicators if not r.passed)
        order = {i.code: n for n, i in enumerate(result.rule_set.indicators)}
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], order.get(kv[0], 0)))[:most]
        failed_most = tuple(FailedContent(code, result.rule_set.indicator(code).name, n) for code, n in ranked)
    elif scored:
        totals = [(u.unit.full_name, u.verdict.total) for u in scored if u.verdict]
        top, bottom = max(t for _, t in totals), min(t for _, t in totals)
        highest = tuple(Extreme(name, t) for name, t in totals if t == top)
        lowest = tuple(Extreme(name, t) for name, t in totals if t == bottom)
    previous_met = previous_total = None
    if result.previous:
        previous_total = len(result.previous)
        previous_met = sum(1 for p in result.previous.values() if p.verdict.strip().lower() == "đạt")
    return Upward(
        total=len(units),
        submitted=len(scored),
        not_submitted=sum(1 for u in units if u.status == NOT_SUBMITTED),
        unusable=sum(1 for u in units if u.status not in (SUBMITTED, NOT_SUBMITTED)),
        met=len(met),
        by_kind=by_kind,
        not_met=tuple(u for u in units if u not in met),
        highest=highest,
        lowest=lowest,
        failed_most=failed_most,
        previous_met=previous_met,
        previous_total=previous_total,
        previous_year=(result.previous_year or result.config.year - 1) if result.previous else None,
    )
