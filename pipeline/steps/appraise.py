"""The district council's appraisal (thẩm định): its values checked, one workbook chosen, and
the appraised points applied to the verdicts. Pure: no file is opened here (the workbook is
read by readers/appraisal.py, written by writers/appraisal_form.py).

Season: the communes send self-assessed forms; the office runs `tcpl appraisal-form`, which
writes `outputs/tham-dinh/<slug>-<year>-tham-dinh.xlsx` from the latest consolidation: one
long, filterable, printable sheet with a row per (unit, indicator), the commune's points and
two input columns, "Điểm thẩm định" and "Ghi chú của Hội đồng". The council's secretary fills
it; the office drops it into `inputs/`; the next consolidation recognises it by its hidden
metadata and scores every appraised indicator with the council's points.

Decisions (README "The season, step by step"):
- An empty appraised cell keeps the commune's self-assessed points (and the result stays
  "tạm tính" for that unit until every indicator is appraised; scoring.py decides that).
- A banded indicator (points from a rate) takes the council's points too: the council's word
  is what counts legally, and its secretary works in points on Mẫu 07. To stay conservative
  the value must be one of the band's point levels; the basis shown says "điểm thẩm định" and
  what the commune's own figures gave.
- A value the engine cannot accept (not a number, out of range, off the point step, not a
  band level, two different values for one indicator) is never used and never dropped
  silently: it becomes a located error Issue (file, sheet, cell) attached to the unit, the
  indicator keeps its self-assessed points (so the result stays provisional) and records the
  refused cell (`IndicatorResult.refused_cell`).
- Several appraisal workbooks in inputs/: the newest file counts, the others are listed as
  superseded (one workbook per season, like one form per commune).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from pipeline.core.appraisal_layout import META_SHEET, SHEET
from pipeline.core.config import Config
from pipeline.core.model import (
    REJECTED,
    SUBMITTED,
    SUPERSEDED,
    USED,
    AppraisalBook,
    AppraisalChange,
    AppraisalRead,
    AppraisedValue,
    UnitOutcome,
)
from pipeline.core.problems import Issue, display, issue
from pipeline.core.rules import Indicator, RuleSet
from pipeline.core.text import pass_text
from pipeline.core.verdict import APPRAISED, IndicatorEntry, UnitEntries
from pipeline.steps import values
from pipeline.steps.register import rejection_note
from pipeline.steps.scoring import score_unit

# ================================================================== checking one workbook


def check_appraisal(read: AppraisalRead, rule_set: RuleSet, config: Config) -> tuple[AppraisalBook, list[Issue]]:
    """The values of one appraisal workbook the engine can use, the cells it refuses, and why."""
    rel, meta = read.file, read.meta
    where = {"file": rel, "sheet": META_SHEET}
    if meta.get("year") != str(config.year):
        return AppraisalBook(rel, rejected=True), [
            issue("APPRAISAL_WRONG_YEAR", value=meta.get("year", ""), expected=config.year, **where)
        ]
    if meta.get("rule_set") != rule_set.id:
        return AppraisalBook(rel, rejected=True), [
            issue("APPRAISAL_WRONG_RULE_SET", value=meta.get("rule_set", ""), expected=rule_set.id, **where)
        ]
    if not read.sheet:
        return AppraisalBook(rel, rejected=True), [issue("APPRAISAL_NO_TABLE", file=rel)]
    return _values(read, rule_set, config)


def _values(read: AppraisalRead, rule_set: RuleSet, config: Config) -> tuple[AppraisalBook, list[Issue]]:
    rel, sheet = read.file, read.sheet
    issues: list[Issue] = []
    accepted: dict[tuple[str, str], AppraisedValue] = {}
    refused: dict[tuple[str, str], str] = {}
    seen: dict[tuple[str, str], Any] = {}
    unknown_units: set[str] = set()
    for row in read.rows:
        unit, code = values.unit_code(row.unit), values.code_text(row.code)
        if not unit or not code:
            continue  # a unit's total row, a blank or a signature line
        cell, raw, note = row.cell, row.appraised, values.text(row.note)
        key = (unit, code)
        target = config.unit(unit)
        if target is None:
            if raw is not None and unit not in unknown_units:
                unknown_units.add(unit)
                issues.append(issue("APPRAISAL_UNIT_UNKNOWN", file=rel, sheet=sheet, cell=cell, value=unit))
            continue
        ind = rule_set.indicator_index.get(code)
        if ind is None:
            issues.append(
                issue("APPRAISAL_INDICATOR_UNKNOWN", file=rel, sheet=sheet, cell=row.code_cell, value=code, unit=unit)
            )
            continue
        if raw is None:
            continue
        where = dict(file=rel, sheet=sheet, cell=cell, unit=unit, indicator=code, unit_name=target.full_name)
        if key in seen:
            if seen[key] != raw:
                issues.append(issue("APPRAISAL_DUPLICATE", value=f"{display(seen[key])} và {display(raw)}", **where))
                accepted.pop(key, None)
                refused[key] = cell
            continue
        seen[key] = raw
        value, problem = _check(ind, raw, rule_set, where)
        if problem is not None:
            issues.append(problem)
            refused[key] = cell
            continue
        figures = value if isinstance(value, tuple) else None
        judged = ind.kind == "pass_fail" or ind.is_content
        points, passed = (None, None if figures else value) if judged else (value, None)
        accepted[key] = AppraisedValue(unit, code, points, passed, note, row.written_self, sheet, cell, figures)
    return AppraisalBook(rel, accepted, refused, year=str(config.year)), issues


def _check(ind: Indicator, raw: Any, rule_set: RuleSet, where: dict) -> tuple[Any, Issue | None]:
    """The accepted value of one appraised cell, or the Issue that refuses it."""
    if ind.kind == "pass_fail" or ind.is_content:
        passed, ok = values.parse_pass_fail(raw)
        if ok:
            return passed, None
        figures, ok = values.parse_figures(raw) if ind.kind == "rate" else (None, False)
        if ok and figures is not None and 0 <= figures[0] <= figures[1] and figures[1] > 0:
            return figures, None  # the council's numerator / denominator: the engine computes the rate
        return None, issue("APPRAISAL_PASS_FAIL_INVALID", value=values.raw_text(raw), **where)
    number, ok = values.parse_number(raw)
    if not ok or number is None:
        return None, issue("APPRAISAL_POINTS_NOT_NUMBER", value=values.raw_text(raw), **where)
    if not ind.min_points <= number <= ind.max:
        return None, issue(
            "APPRAISAL_POINTS_OUT_OF_RANGE", value=number, min=ind.min_points + 0.0, max=ind.max, **where
        )
    if (Fraction(str(number)) / Fraction(str(rule_set.point_step))).denominator != 1:
        return None, issue("APPRAISAL_POINTS_NOT_STEP", value=number, step=rule_set.point_step, **where)
    if ind.kind == "rate_bands":
        levels = sorted({b.points for b in ind.bands})
        if number not in levels:
            return None, issue(
                "APPRAISAL_POINTS_NOT_BAND", value=number, levels="; ".join(display(float(x)) for x in levels), **where
            )
    return number, None


# ================================================================== choosing among the inputs


@dataclass(frozen=True)
class Appraisals:
    """The appraisal workbooks of a run: the one applied, and what the register says of each."""

    book: AppraisalBook | None  # the one applied (newest usable), if any
    register: tuple[tuple[str, str, str], ...]  # (file, status, note), by file
    issues: tuple[Issue, ...]


def choose_appraisal(found: list[tuple[AppraisalBook, list[Issue], dt.datetime]]) -> Appraisals:
    """found: (checked workbook, its issues, file time) for every appraisal workbook of a run."""
    found = sorted(found, key=lambda f: f[0].file)
    usable = sorted((f for f in found if not f[0].rejected), key=lambda f: (f[2], f[0].file))
    chosen = usable[-1][0] if usable else None
    register, issues = [], []
    for book, problems, _ in found:
        if book.rejected:
            status, note = REJECTED, rejection_note(problems)
            issues.extend(problems)
        elif book is chosen:
            status = USED
            note = f"phiếu thẩm định của Hội đồng: {len(book.values)} điểm thẩm định, {book.unit_count} đơn vị"
            issues.extend(problems)
        else:  # an older round: its values do not count, so neither do their problems
            assert chosen is not None  # a usable workbook other than this one exists
            status, note = SUPERSEDED, f"thay bằng {chosen.file}"
            issues.append(issue("APPRAISAL_SUPERSEDED", file=book.file, value=chosen.file))
        register.append((book.file, status, note))
    return Appraisals(chosen, tuple(register), tuple(issues))


# ================================================================== applying


def apply_appraisal(
    units: list[UnitOutcome], book: AppraisalBook | None, rule_set: RuleSet
) -> tuple[list[UnitOutcome], list[Issue]]:
    """Re-score every unit the council appraised with its points (see the module docstring)."""
    if book is None:
        return list(units), []
    by_unit: dict[str, dict[str, AppraisedValue]] = {}
    for (unit, code), v in book.values.items():
        by_unit.setdefault(unit, {})[code] = v
    refused: dict[str, dict[str, str]] = {}
    for (unit, code), cell in book.refused.items():
        refused.setdefault(unit, {})[code] = cell
    out, issues = [], []
    for u in units:
        code = u.unit.code
        given, bad = by_unit.get(code, {}), refused.get(code, {})
        if not given and not bad:
            out.append(u)
            continue
        if u.status != SUBMITTED or u.verdict is None or u.entries is None:
            if given:
                issues.append(
                    issue("APPRAISAL_UNIT_NO_FORM", file=book.file, sheet=SHEET, unit=code, unit_name=u.unit.full_name)
                )
            out.append(u)
            continue
        updated, found = _appraise(u, given, bad, rule_set, book.file)
        out.append(updated)
        issues.extend(found)
    return out, issues


def _appraise(
    u: UnitOutcome, given: dict[str, AppraisedValue], bad: dict[str, str], rule_set: RuleSet, file: str
) -> tuple[UnitOutcome, list[Issue]]:
    own = u.verdict
    assert own is not None and u.entries is not None  # apply_appraisal passes scored units only
    own_by = {r.code: r for r in own.indicators}
    entries = dict(u.entries.indicators)
    banded = set()
    for code, v in given.items():
        ind = rule_set.indicator(code)
        if v.figures is not None:
            entries[code] = IndicatorEntry(code, numerator=v.figures[0], denominator=v.figures[1], source=APPRAISED)
        elif ind.kind == "pass_fail" or ind.is_content:
            entries[code] = IndicatorEntry(code, passed=v.passed, source=APPRAISED)
        else:
            entries[code] = IndicatorEntry(code, points=v.points, source=APPRAISED)
            banded |= {code} if ind.kind == "rate_bands" else set()
    verdict = (
        score_unit(
            _banded_as_points(rule_set, banded), UnitEntries(entries, u.entries.declarations, u.entries.switches)
        )
        if given
        else own
    )
    changes, issues, indicators = [], [], []
    for r in verdict.indicators:
        mine = own_by[r.code]
        if r.code in given:
            v = given[r.code]
            change = AppraisalChange(
                r.code,
                mine.points,
                r.points,
                v.note,
                self_passed=mine.passed,
                appraised_passed=r.passed,
                cell=f"{v.sheet}!{v.cell}",
                appraised_figures=v.figures,
            )
            changes.append(change)
            r = replace(r, basis=_appraised_basis(change, mine, rule_set.indicator(r.code), r))
            stale = _stale(v, mine, rule_set.indicator(r.code))
            if stale is not None:
                issues.append(
                    issue(
                        "APPRAISAL_STALE",
                        file=file,
                        sheet=v.sheet,
                        cell=v.cell,
                        unit=u.unit.code,
                        indicator=r.code,
                        unit_name=u.unit.full_name,
                        value=stale,
                        current=_shown(mine, rule_set.indicator(r.code)),
                    )
                )
        elif r.code in bad:
            r = replace(r, refused_cell=bad[r.code])
        indicators.append(r)
    verdict = replace(verdict, indicators=tuple(indicators))
    return replace(u, verdict=verdict, self_assessed=own if given else None, appraisal=tuple(changes)), issues


def _banded_as_points(rule_set: RuleSet, codes: set[str]) -> RuleSet:
    """The rule set with the given banded indicators scored from points (the council's)."""
    if not codes:
        return rule_set
    criteria = tuple(
        replace(c, indicators=tuple(replace(i, kind="points") if i.code in codes else i for i in c.indicators))
        for c in rule_set.criteria
    )
    rs = replace(rule_set, criteria=criteria, indicator_index={})
    rs.indicator_index.update({i.code: i for i in rs.indicators})
    return rs


def _appraised_basis(change: AppraisalChange, own, ind: Indicator, new=None) -> str:
    if ind.is_content and new is not None and new.rate is not None and new.source == APPRAISED:
        text = f"thẩm định theo số liệu của Hội đồng: {new.basis} (tự đánh giá {pass_text(change.self_passed)})"
    elif ind.kind == "pass_fail" or ind.is_content:
        text = f"thẩm định: {pass_text(change.appraised_passed)} (tự đánh giá {pass_text(change.self_passed)})"
    elif change.change == 0:
        text = "điểm thẩm định, bằng điểm tự chấm"
    else:
        sign = "+" if change.change > 0 else "−"
        text = (
            f"điểm thẩm định {display(change.appraised_points)} (tự chấm {display(change.self_points)}, "
            f"{sign}{display(abs(change.change))})"
        )
    if ind.kind == "rate_bands":
        text += f"; theo số liệu của đơn vị: {own.basis}"
    return text + (f". Hội đồng: {change.note}" if change.note else "")


def _stale(v: AppraisedValue, own, ind: Indicator) -> str | None:
    """The self-assessed value the workbook was made with, when it is no longer the current one."""
    if v.written_self is None:
        return None
    if ind.kind == "pass_fail" or ind.is_content:
        passed, ok = values.parse_pass_fail(v.written_self)
        return None if not ok or passed == own.passed else pass_text(passed)
    written, ok = values.parse_number(v.written_self)
    if not ok or written is None or abs(written - own.points) < 1e-9:
        return None
    return display(float(written))


def _shown(own, ind: Indicator) -> str:
    return pass_text(own.passed) if ind.kind == "pass_fail" or ind.is_content else display(float(own.points))


def unapplied(book: AppraisalBook, units: tuple[UnitOutcome, ...] | list[UnitOutcome]) -> list[tuple[str, str]]:
    """(unit, indicator) of the values in `book` that the run's outcomes do not hold: a point or
    note the council typed that would be lost if the workbook were replaced."""
    applied = {(u.unit.code, c.indicator): c for u in units for c in u.appraisal}

    def pending(key, v: AppraisedValue) -> bool:
        done = applied.get(key)
        if done is None:
            return True
        if v.figures is not None:
            same = v.figures == done.appraised_figures
        else:
            same = v.passed == done.appraised_passed if v.points is None else v.points == done.appraised_points
        return not same or v.note != done.note

    return [k for k, v in book.values.items() if pending(k, v)] + [k for k in book.refused if k not in applied]
