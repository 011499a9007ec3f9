"""Judging one content (nội dung) of a pass/fail rule set: requirement, rate or checklist.

Pure and conservative, like the rest of the engine: a content is Đạt only when its data say so.
Missing, unreadable or contradictory data, a zero denominator that was not declared "không
phát sinh", a "không phát sinh" the rule set does not allow: each is Không đạt with a basis
that says why (validation locates the cell). Rates are compared exactly (Fraction), so
79.99% never becomes 80%.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from pipeline.core.rules import FigureSource, Indicator
from pipeline.core.text import number_text
from pipeline.core.verdict import APPRAISED, SOURCE_LABEL, IndicatorEntry, IndicatorResult


def judge_content(
    content: Indicator, entry: IndicatorEntry | None, entries: Mapping[str, IndicatorEntry]
) -> IndicatorResult:
    base: dict[str, Any] = dict(code=content.code, criterion=content.criterion, max=0.0, points=0.0)
    if entry is None or not entry.usable:
        why = "không có dòng nội dung" if entry is None else "dữ liệu lỗi, không dùng được"
        return IndicatorResult(
            **base,
            basis=f"{why}: coi là Không đạt",
            source=entry.source if entry else "tu_cham",
            passed=False,
            counted_as_zero=True,
        )
    src = entry.source
    if src == APPRAISED and entry.passed is not None and content.kind != "requirement":
        # The council's Đạt / Không đạt counts, whatever the commune's figures gave.
        return IndicatorResult(**base, basis="Đạt" if entry.passed else "Không đạt", source=src, passed=entry.passed)
    if entry.not_applicable and not content.not_applicable_full:
        return IndicatorResult(
            **base,
            basis='nội dung này không được đánh dấu "không phát sinh": coi là Không đạt',
            source=src,
            passed=False,
            counted_as_zero=True,
        )
    if content.kind == "rate":
        return _rate(content, entry, entries, base)
    if entry.not_applicable:
        return IndicatorResult(**base, basis="không phát sinh: Đạt", source=src, passed=True, not_arisen=True)
    if content.kind == "checklist":
        ticked = len({n for n in entry.ticked if 1 <= n <= len(content.options)})
        passed = ticked >= content.min_ticked
        basis = f"thực hiện {ticked}/{len(content.options)} hoạt động" + (
            "" if passed else f", cần ít nhất {content.min_ticked}"
        )
        return IndicatorResult(**base, basis=basis, source=src, passed=passed, ticked=ticked)
    if entry.passed is None:
        return IndicatorResult(
            **base,
            basis=f"chưa có kết quả {SOURCE_LABEL[src]}: coi là Không đạt",
            source=src,
            passed=False,
            counted_as_zero=True,
        )
    return IndicatorResult(**base, basis="Đạt" if entry.passed else "Không đạt", source=src, passed=entry.passed)


def figure(
    content: Indicator, name: str, entry: IndicatorEntry, entries: Mapping[str, IndicatorEntry]
) -> tuple[float | None, FigureSource | None]:
    """(value, source) of a rate's numerator or denominator: entered on its row, or taken from
    the content the rule set names (its entry may be missing: then None)."""
    source = content.derived(name)
    if source is None or (entry.source == APPRAISED and getattr(entry, name) is not None):
        return getattr(entry, name), None  # the council's own figures replace a derived one
    other = entries.get(source.content)
    if other is None or not other.usable:
        return None, source
    return getattr(other, source.figure), source


def _rate(
    content: Indicator, entry: IndicatorEntry, entries: Mapping[str, IndicatorEntry], base: dict[str, Any]
) -> IndicatorResult:
    src = entry.source
    num, num_from = figure(content, "numerator", entry, entries)
    den, den_from = figure(content, "denominator", entry, entries)
    figures: dict[str, Any] = dict(numerator=num, denominator=den)
    arisen_nothing = den is None or den == 0
    if entry.not_applicable and arisen_nothing and (num is None or num == 0):
        return IndicatorResult(
            **base, basis="không phát sinh: Đạt", source=src, passed=True, not_arisen=True, **figures
        )
    if arisen_nothing and num in (None, 0) and content.not_applicable_full and _source_not_arisen(den_from, entries):
        # 1.2's denominator is 1.1's, and 1.1 declared nothing to issue: nothing arose here either.
        return IndicatorResult(
            **base,
            basis=f"không phát sinh (theo nội dung {den_from.content if den_from else ''}): Đạt",
            source=src,
            passed=True,
            not_arisen=True,
            **figures,
        )

    def fail(why: str) -> IndicatorResult:
        return IndicatorResult(
            **base, basis=f"{why}: coi là Không đạt", source=src, passed=False, counted_as_zero=True, **figures
        )

    if num is None or den is None:
        unread = [
            f'{"tử số" if name == "numerator" else "mẫu số"} nhập "{entry.typed_text(name)}" không phải là số'
            for name, value, source in (("numerator", num, num_from), ("denominator", den, den_from))
            if value is None and source is None and entry.typed_text(name)
        ]
        missing = [
            (("tử số" if name == "numerator" else "mẫu số") + (f" ({source.describe()})" if source else ""))
            for name, value, source in (("numerator", num, num_from), ("denominator", den, den_from))
            if value is None and not (source is None and entry.typed_text(name))
        ]
        return fail("; ".join(unread + ([f"thiếu {' và '.join(missing)}"] if missing else [])))
    if num < 0 or den < 0:
        return fail("số liệu âm")
    if den == 0:
        hint = ' (nếu trong năm không phát sinh, đánh dấu "Không phát sinh")' if content.not_applicable_full else ""
        return fail(f"mẫu số bằng 0, không tính được tỷ lệ{hint}")
    if num > den:
        return fail(f"tử số ({number_text(num)}) lớn hơn mẫu số ({number_text(den)})")
    rate = Fraction(str(num)) * 100 / Fraction(str(den))
    threshold = Fraction(str(content.threshold))
    passed = rate >= threshold
    shown = number_text(rate, places=2)
    basis = f"tỷ lệ {number_text(num)}/{number_text(den)} = {shown}%" + (
        f" ≥ {number_text(content.threshold)}%" if passed else f", dưới mức {number_text(content.threshold)}%"
    )
    if entry.not_applicable:
        basis += '; đã đánh dấu "không phát sinh" nhưng có số liệu: tính theo số liệu'
    return IndicatorResult(**base, basis=basis, source=src, passed=passed, rate=float(rate), **figures)


def _source_not_arisen(source: FigureSource | None, entries: Mapping[str, IndicatorEntry]) -> bool:
    other = entries.get(source.content) if source else None
    return bool(other and other.usable and other.not_applicable)
