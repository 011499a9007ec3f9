"""The form's cell plan: every named input cell, where it is and what it accepts, derived from
the rule set and layout.py (the contract the reader relies on). No workbook is touched here."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.core import layout
from pipeline.core.cells import col_index, col_letter
from pipeline.core.rules import Criterion, Indicator, RuleSet

LAST_SCORE_COL = max(col_index(c) for c in layout.SCORE_COLUMNS.values())


@dataclass(frozen=True)
class InputCell:
    """One named input: where it is and what it accepts (drives format and validation)."""

    name: str
    sheet: str
    row: int  # 0-based
    col: int  # 0-based
    kind: str  # code | text | kind | year | date | yes_no | points | pass_fail | count | flag
    field: str = ""  # layout field ('diem', 'so_lieu', ...) or cover field name
    indicator: Indicator | None = None

    @property
    def ref(self) -> str:
        """Absolute reference for a defined name: ='Bảng điểm'!$H$8."""
        return f"='{self.sheet}'!{absolute(self.row, self.col)}"


def absolute(row: int, col: int) -> str:
    """0-based (row, col) -> '$H$8', the fixed reference of a defined name."""
    return f"${col_letter(col)}${row + 1}"


def score_col(field: str) -> int:
    """0-based column of a score sheet field."""
    return col_index(layout.SCORE_COLUMNS[field])


def cover_cells(rule_set: RuleSet) -> list[InputCell]:
    """Cover fields then declarations, one row each from layout.COVER_FIRST_ROW, input in B."""
    col = col_index(layout.COVER_VALUE_COL)
    first = layout.COVER_FIRST_ROW - 1
    cells = [
        InputCell(name, layout.SHEET_COVER, first + n, col, kind, name)
        for n, (name, _label, kind) in enumerate(layout.COVER_FIELDS)
    ]
    start = first + len(layout.COVER_FIELDS)
    cells += [
        InputCell(d.key, layout.SHEET_COVER, start + n, col, "yes_no", d.key)
        for n, d in enumerate(rule_set.conditions.declarations)
    ]
    return cells


def indicator_fields(indicator: Indicator) -> tuple[str, ...]:
    """The input fields an indicator row has, in layout order."""
    return tuple(
        f
        for f in layout.INDICATOR_FIELDS
        if (f not in ("tu_so", "mau_so") or indicator.kind == "rate_bands")
        and (f != "khong_phat_sinh" or indicator.not_applicable_full)
    )


def _field_kind(field: str, indicator: Indicator) -> str:
    if field == "diem":
        return "pass_fail" if indicator.kind == "pass_fail" else "points"
    return {"tu_so": "count", "mau_so": "count", "khong_phat_sinh": "flag"}.get(field, "text")


def score_rows(rule_set: RuleSet) -> list[tuple[int, Criterion, Indicator | None]]:
    """(0-based row, criterion, indicator or None for the criterion row), in sheet order."""
    rows = []
    row = layout.SCORE_FIRST_ROW - 1
    for criterion in rule_set.criteria:
        rows.append((row, criterion, None))
        for indicator in criterion.indicators:
            row += 1
            rows.append((row, criterion, indicator))
        row += 1
    return rows


def score_cells(rule_set: RuleSet) -> list[InputCell]:
    return [
        InputCell(
            layout.indicator_name(f, ind.code), layout.SHEET_SCORES, row, score_col(f), _field_kind(f, ind), f, ind
        )
        for row, _c, ind in score_rows(rule_set)
        if ind is not None
        for f in indicator_fields(ind)
    ]


def input_cells(rule_set: RuleSet) -> dict[str, InputCell]:
    """Every named input cell of the form for this rule set, by defined name."""
    return {c.name: c for c in cover_cells(rule_set) + score_cells(rule_set)}


def input_names(rule_set: RuleSet) -> list[str]:
    """The defined names `write_form(values=...)` accepts, in sheet order."""
    return list(input_cells(rule_set))
