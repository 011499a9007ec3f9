"""The form's cell plan: every named input cell, where it is and what it accepts, derived from
the rule set and layout.py (the contract the reader relies on). No workbook is touched here."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.core import layout
from pipeline.core.cells import col_index, col_letter
from pipeline.core.rules import Criterion, Indicator, IndicatorGroup, RuleSet

LAST_SCORE_COL = max(col_index(c) for c in layout.SCORE_COLUMNS.values())


@dataclass(frozen=True)
class InputCell:
    """One named input: where it is and what it accepts (drives format and validation)."""

    name: str
    sheet: str
    row: int  # 0-based
    col: int  # 0-based
    kind: str  # code | text | kind | year | date | yes_no | points | pass_fail | count | flag | tick | switch
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


@dataclass(frozen=True)
class ContentRow:
    """One row of the score sheet of a set with contents: a criterion, an indicator made of
    several contents, a content, or one option of a checklist content."""

    row: int  # 0-based
    kind: str  # criterion | group | content | option
    criterion: Criterion
    group: IndicatorGroup | None = None
    content: Indicator | None = None
    option: int = 0  # 1-based option number


def content_rows(rule_set: RuleSet) -> list[ContentRow]:
    rows: list[ContentRow] = []
    row = layout.SCORE_FIRST_ROW - 1
    for criterion in rule_set.criteria:
        rows.append(ContentRow(row, "criterion", criterion))
        for group in criterion.groups:
            if len(group.contents) > 1:
                row += 1
                rows.append(ContentRow(row, "group", criterion, group))
            for code in group.contents:
                content = rule_set.indicator(code)
                row += 1
                rows.append(ContentRow(row, "content", criterion, group, content))
                for n in range(1, len(content.options) + 1):
                    row += 1
                    rows.append(ContentRow(row, "option", criterion, group, content, n))
        row += 1
    return rows


def content_fields(content: Indicator, single: bool) -> tuple[str, ...]:
    """The input fields of a content's row; evidence only where the indicator has one content
    (otherwise it is on the indicator's row)."""
    wanted = {
        "diem": content.kind == "requirement",
        "khong_phat_sinh": content.not_applicable_full,
        "tu_so": content.kind == "rate" and content.numerator_from is None,
        "mau_so": content.kind == "rate" and content.denominator_from is None,
        "so_lieu": True,
        "tai_lieu": single,
        "ghi_chu": True,
    }
    return tuple(f for f in layout.CONTENT_FIELDS if wanted[f])


def _content_cells(rule_set: RuleSet) -> list[InputCell]:
    kinds = {"diem": "pass_fail", "khong_phat_sinh": "flag", "tu_so": "count", "mau_so": "count"}
    sheet, cells = layout.SHEET_SCORES, []
    for r in content_rows(rule_set):
        if r.kind == "criterion" and r.criterion.switch is not None:
            name = layout.switch_name(r.criterion.code)
            cells.append(InputCell(name, sheet, r.row, score_col("khong_phat_sinh"), "switch", "switch"))
        elif r.kind == "group" and r.group is not None:
            name = layout.content_name("tai_lieu", r.group.code)
            cells.append(InputCell(name, sheet, r.row, score_col("tai_lieu"), "text", "tai_lieu", None))
        elif r.kind == "content" and r.content is not None and r.group is not None:
            single = len(r.group.contents) == 1
            for f in content_fields(r.content, single):
                cells.append(
                    InputCell(
                        layout.content_name(f, r.content.code),
                        sheet,
                        r.row,
                        score_col(f),
                        kinds.get(f, "text"),
                        f,
                        r.content,
                    )
                )
        elif r.kind == "option" and r.content is not None:
            name = layout.option_name(r.content.code, r.option)
            cells.append(InputCell(name, sheet, r.row, score_col("diem"), "tick", "chon", r.content))
    return cells


def score_cells(rule_set: RuleSet) -> list[InputCell]:
    if rule_set.has_contents:
        return _content_cells(rule_set)
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
