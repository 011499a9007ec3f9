"""Cross-checks between what the commune's workbook shows and what tcpl computes.

Pure functions. Neither check changes a score: the engine always recomputes. They tell the
office where the commune's own sheet says something else, so nobody is surprised when the
published total differs from the one on the commune's copy.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction

import pandas as pd

from pipeline.core import layout
from pipeline.core.model import Submission
from pipeline.core.problems import Issue, issue
from pipeline.core.rules import RuleSet
from pipeline.core.text import number_text
from pipeline.core.verdict import Verdict
from pipeline.steps.scoring import exact_sum
from pipeline.steps.values import parse_number


def cached_total_issues(subs: Iterable[Submission], indicators: pd.DataFrame, rule_set: RuleSet) -> list[Issue]:
    """The form's total formula sums the typed points; a cached total that disagrees means the
    formula was typed over or the file was saved by a program that left a stale value.
    Files with no cached value (saved by openpyxl, say) are not flagged: there is nothing to compare.
    A pass/fail form's total counts results, not points: nothing to compare either (the engine
    recomputes every result)."""
    if rule_set.scoring != "points":
        return []
    typed = (
        indicators.assign(_p=indicators["points"].astype("float64"))
        .groupby("file", sort=False)["_p"]
        .apply(lambda s: exact_sum(x for x in s if not math.isnan(x)))
    )
    out = []
    for sub in subs:
        cached = sub.cached_totals.get(layout.TOTAL_NAME)
        if cached is None:
            continue
        value, ok = parse_number(cached.value)
        if value is None or not ok or sub.file not in typed.index:
            continue
        computed = typed[sub.file]
        if Fraction(str(value)) != computed:
            out.append(
                issue(
                    "CACHED_TOTAL_DIFFERS",
                    file=sub.file,
                    sheet=cached.sheet,
                    cell=cached.cell,
                    value=value,
                    computed=float(computed),
                )
            )
    return out


def banded_points_issues(file: str, verdict: Verdict, indicators: pd.DataFrame, unit: str) -> list[Issue]:
    """A self-entered score on a rate-banded indicator that is not what its figures give."""
    rows = None  # the file's rows, looked up only when there is something to report
    out = []
    for r in verdict.indicators:
        if r.rate is None or r.entered_points is None or r.entered_points == r.points:
            continue
        if rows is None:  # filtering the run's frame per unit would make the run quadratic
            rows = indicators[indicators["file"] == file].set_index("code")
        row = rows.loc[r.code] if r.code in rows.index else None
        rate = number_text(r.rate, places=2) + "%"
        out.append(
            issue(
                "BANDED_POINTS_DIFFER",
                file=file,
                sheet=row["sheet"] if row is not None else "",
                cell=row["points_cell"] if row is not None else "",
                value=r.entered_points,
                computed=r.points,
                rate=rate,
                indicator=r.code,
                unit=unit,
            )
        )
    return out
