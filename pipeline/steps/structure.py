"""Structural checks on the cover frame, in plain code: is this the form, the rule set and the
year of this assessment?

These compare a file with the run (layout, rule set, config), not values with limits, so they
stay out of the great-expectations suites. Each problem is located like any other Issue.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from pipeline.core import layout
from pipeline.core.config import Config
from pipeline.core.problems import Issue, issue
from pipeline.core.rules import RuleSet
from pipeline.steps.normalise import frame_records


def check_structure(cover: pd.DataFrame, rule_set: RuleSet, config: Config) -> Iterator[Issue]:
    """Yield the structural issues of every cover row (one row per workbook)."""
    for row in frame_records(cover):  # to_dict("records"), 5x cheaper
        file, unit = row["file"], unit_of(row)
        meta = dict(file=file, sheet=layout.SHEET_META, unit=unit)

        if not _text(row["meta_template_id"]):
            yield issue("TEMPLATE_UNKNOWN", **meta)
        version = _whole(row["meta_template_version"])
        if version is not None and version < layout.TEMPLATE_VERSION:
            yield issue("TEMPLATE_OLD", value=version, current=layout.TEMPLATE_VERSION, **meta)

        declared_rule_set = _text(row["meta_rule_set"])
        if declared_rule_set and declared_rule_set != rule_set.id:
            yield issue("WRONG_RULE_SET", value=declared_rule_set, expected=rule_set.id, **meta)

        # The year typed on the cover wins; the template's own year covers a blank cover cell.
        year: int | None
        if not pd.isna(row["year"]):
            year, where = int(row["year"]), dict(file=file, sheet=row["sheet"], cell=row["year_cell"], unit=unit)
        else:
            year, where = _whole(row["meta_year"]), meta
        if year is not None and year != config.year:
            yield issue("WRONG_YEAR", value=year, expected=config.year, **where)


def unit_of(row: dict) -> str:
    """The unit code a file claims: the cover cell, else the pre-filled template's."""
    return _text(row.get("unit_code")) or _text(row.get("meta_unit_code"))


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value).strip()


def _whole(value: object) -> int | None:
    """'2', 2, 2.0 -> 2; blank or unreadable -> None (the reader reports unreadable meta)."""
    text = _text(value)
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None
