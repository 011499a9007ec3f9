"""Sample submissions for a pass/fail rule set with contents (QĐ 27/2025), filled through the
form's defined names: most units pass, and the others show each way a content, an indicator
or a criterion fails, "không phát sinh" used right and wrong, the TC1 switch, and data errors.
The engine knows no criterion by name, and neither does this module: profiles pick contents by
kind and by what the rule set allows (không phát sinh, derived figures, the switch)."""

from __future__ import annotations

from typing import Any

from pipeline.core import layout
from pipeline.core.rules import Indicator, RuleSet

# Weighted so that most units pass, as in a real season.
PLAN = (
    "dat",
    "dat",
    "khong_phat_sinh",
    "dat",
    "khong_giao_nhiem_vu",
    "ty_le_thap",
    "dat",
    "khong_dat_yeu_cau",
    "dat",
    "chua_chon_hoat_dong",
    "dat",
    "loi_du_lieu",
    "dat",
    "mau_so_bang_0",
)


def _rates(rule_set: RuleSet) -> list[Indicator]:
    return [c for c in rule_set.indicators if c.kind == "rate"]


def strong_content_values(rule_set: RuleSet, seed: int) -> dict[str, Any]:
    """Every content Đạt with figures that look like a commune's (they vary with the seed)."""
    values: dict[str, Any] = {}
    for n, c in enumerate(rule_set.indicators):
        if c.kind == "requirement":
            values[layout.content_name("diem", c.code)] = "Đạt"
            values[layout.content_name("so_lieu", c.code)] = "Đã thực hiện đúng quy định"
        elif c.kind == "rate":
            total = 3 + (seed * 7 + n * 5) % 18
            for figure, field in (("numerator", "tu_so"), ("denominator", "mau_so")):
                if c.derived(figure) is None:
                    values[layout.content_name(field, c.code)] = total
        else:
            for k in range(1, min(len(c.options), 1 + seed % 3) + 1):
                values[layout.option_name(c.code, k)] = layout.TICK
    # A rate whose numerator or denominator is another's must agree with it: a threshold below
    # 100% is met with a few to spare, 100% exactly.
    for c in _rates(rule_set):
        for figure, field in (("numerator", "tu_so"), ("denominator", "mau_so")):
            source = c.derived(figure)
            if source is None:
                continue
            other = "tu_so" if source.figure == "numerator" else "mau_so"
            base = values.get(layout.content_name(other, source.content), 0)
            own = "mau_so" if field == "tu_so" else "tu_so"
            if figure == "denominator":
                share = base if (c.threshold or 100) >= 100 else -(-base * int(c.threshold or 100) // 100)
                values[layout.content_name(own, c.code)] = share
            else:
                values[layout.content_name(own, c.code)] = base
    for group in rule_set.groups:
        values[layout.content_name("tai_lieu", group.code)] = f"Hồ sơ số {group.code}/TCPL-{seed % 90 + 10}"
    return values


def _source_in(content: Indicator, codes: set[str]) -> bool:
    source = content.derived("denominator")
    return source is not None and source.content in codes


def _not_arisen(values: dict[str, Any], rule_set: RuleSet, contents: list[Indicator]) -> None:
    for c in contents:
        values[layout.content_name("khong_phat_sinh", c.code)] = "Có"
        for field in ("tu_so", "mau_so"):
            values.pop(layout.content_name(field, c.code), None)


def content_values(rule_set: RuleSet, profile: str, seed: int) -> dict[str, Any]:
    values = strong_content_values(rule_set, seed)
    rates = _rates(rule_set)
    allowed = [c for c in rates if c.not_applicable_full]
    requirements = [c for c in rule_set.indicators if c.kind == "requirement"]
    checklists = [c for c in rule_set.indicators if c.kind == "checklist"]
    if profile == "khong_phat_sinh" and allowed:
        # No request for information and no case to mediate: the last contents that allow it.
        _not_arisen(values, rule_set, [c for c in allowed if c.derived("denominator") is None][-2:])
        for c in allowed:  # contents that take their denominator from those arose nothing either
            source = c.derived("denominator")
            if source and values.get(layout.content_name("khong_phat_sinh", source.content)):
                _not_arisen(values, rule_set, [c])
    elif profile == "khong_giao_nhiem_vu":
        switched = next((c for c in rule_set.criteria if c.switch), None)
        if switched is not None:
            values[layout.switch_name(switched.code)] = "Có"
            for c in switched.indicators:  # nothing to issue: the figures stay blank
                for field in ("tu_so", "mau_so"):
                    values.pop(layout.content_name(field, c.code), None)
            mine = {c.code for c in switched.indicators}
            _not_arisen(values, rule_set, [c for c in allowed if c.code not in mine and _source_in(c, mine)])
    elif profile == "ty_le_thap" and rates:
        c = next((r for r in rates if (r.threshold or 100) < 100), rates[-1])
        den = layout.content_name("mau_so", c.code)
        if c.derived("denominator") is not None:
            source = c.derived("denominator")
            other = "tu_so" if source.figure == "numerator" else "mau_so"
            values[layout.content_name(other, source.content)] = 20
            values[layout.content_name("mau_so", source.content)] = max(
                values.get(layout.content_name("mau_so", source.content), 20), 20
            )
            values[layout.content_name("tu_so", c.code)] = 15  # 75%
        else:
            values[den] = 20
            values[layout.content_name("tu_so", c.code)] = 15
    elif profile == "khong_dat_yeu_cau" and requirements:
        values[layout.content_name("diem", requirements[len(requirements) // 2].code)] = "Không đạt"
    elif profile == "chua_chon_hoat_dong" and checklists:
        for k in range(1, len(checklists[0].options) + 1):
            values.pop(layout.option_name(checklists[0].code, k), None)
    elif profile == "loi_du_lieu" and rates:
        entered = [c for c in rates if c.derived("numerator") is None and c.derived("denominator") is None]
        first, second = entered[0], entered[-1]
        values[layout.content_name("tu_so", first.code)] = "ba"  # typed as a word
        values[layout.content_name("tu_so", second.code)] = values[layout.content_name("mau_so", second.code)] + 2
        if checklists:
            values[layout.option_name(checklists[-1].code, 1)] = "có lẽ"
    elif profile == "mau_so_bang_0" and allowed:
        # Nothing arose, but typed as 0/0 instead of ticking "Không phát sinh".
        c = [r for r in allowed if r.derived("denominator") is None][-1]
        values[layout.content_name("tu_so", c.code)] = 0
        values[layout.content_name("mau_so", c.code)] = 0
    return values
