"""Build realistic RunResult objects for tests of the writers (and anyone else who needs one).

`make_run()` scores each unit with the real engine (`pipeline.steps.scoring.score_unit`), so the
verdicts, reasons and provisional notes are exactly what a run would produce. Each unit of the
repository's config.toml gets one scenario, in config order:

    14809 Bắc Sơn     recognised      (1.1 "không phát sinh", 2.5 by rate, a hostile '=...' figure)
    14812 Ba Đình     low_total       (total 78,5 < 80, every criterion above its floor; 3 days late)
    14815 Lam Sơn     criterion_floor (TC1 4,75 < 5; row 3.2 rejected by validation -> 0)
    14818 Ngọc Trạo   disqualified    (100 points, head of commune disciplined)
    14821 Đông Sơn    not_submitted
    14823 Phú Sơn     unusable        (its only file is for the wrong year)
    14824 Quang Trung appraised       (council's points; an older file superseded; banded points differ)

`make_run(units=500)` builds a synthetic config of 500 units cycling through the scenarios,
for benchmarks and large-sheet tests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from pipeline.core import config as config_mod
from pipeline.core import rules
from pipeline.core.config import Config, Unit
from pipeline.core.model import IGNORED, NOT_SUBMITTED, REJECTED, SUBMITTED, SUPERSEDED, UNUSABLE, USED, FileRecord, IndicatorDetail, RunResult, UnitOutcome
from pipeline.core.problems import Issue, issue
from pipeline.core.rules import RuleSet
from pipeline.core.verdict import APPRAISED, SELF_ASSESSED, IndicatorEntry, UnitEntries
from pipeline.steps.scoring import score_unit

REPO = Path(__file__).resolve().parents[1]
INJECTION = '=HYPERLINK("http://x","y")'
GENERATED_AT = dt.datetime(2024, 1, 15, 8, 30, 0)
SCENARIOS = ("recognised", "low_total", "criterion_floor", "disqualified", "not_submitted", "unusable",
             "appraised")
SCORE_SHEET, COVER_SHEET = "Bảng điểm", "Thông tin chung"
DECLARATION = "ky_luat_nguoi_dung_dau"


def make_run(config: Config | None = None, rule_set: RuleSet | None = None, *,
             units: Sequence[str] | int = SCENARIOS) -> RunResult:
    """A RunResult for `config` (default: the repo's config.toml) where unit n plays scenario n.

    units: scenario names in config order, or a number of synthetic units (scenarios cycled).
    """
    config = config or config_mod.load(REPO / "config.toml")
    rule_set = rule_set or rules.load("qd25-2021")
    if isinstance(units, int):
        config = replace(config, units=synthetic_units(units))
        units = [SCENARIOS[n % len(SCENARIOS)] for n in range(len(config.units))]
    if len(units) > len(config.units):
        raise ValueError(f"{len(units)} scenarios for {len(config.units)} units")
    config = replace(config, units=config.units[:len(units)])
    outcomes, files, issues = [], [], []
    for unit, scenario in zip(config.units, units):
        outcome, unit_files = _BUILDERS[scenario](config, rule_set, unit)
        outcomes.append(outcome)
        files.extend(unit_files)
        issues.extend(outcome.issues)
    files.append(FileRecord("ghi-chu.docx", 12_345, "f" * 64, dt.datetime(2024, 1, 3, 9, 0), IGNORED,
                            note="không phải bảng tính"))
    issues.append(issue("FILE_IGNORED", file="ghi-chu.docx"))
    return RunResult(config=config, rule_set=rule_set, units=tuple(outcomes), files=tuple(files),
                     issues=tuple(issues), generated_at=GENERATED_AT, tool_version="0.1.0")


def synthetic_units(n: int) -> tuple[Unit, ...]:
    kinds = ("xã", "phường", "thị trấn")
    return tuple(Unit(f"{20000 + i:05d}", f"Thử Nghiệm {i + 1}", kinds[i % 3]) for i in range(n))


# ------------------------------------------------------------------ entries


def full_entries(rule_set: RuleSet, source: str = SELF_ASSESSED) -> dict[str, IndicatorEntry]:
    """Every indicator at its maximum (banded ones via a 100% rate)."""
    out = {}
    for ind in rule_set.indicators:
        if ind.kind == "rate_bands":
            out[ind.code] = IndicatorEntry(ind.code, numerator=20, denominator=20, points=ind.max, source=source)
        elif ind.kind == "pass_fail":
            out[ind.code] = IndicatorEntry(ind.code, passed=True, source=source)
        else:
            out[ind.code] = IndicatorEntry(ind.code, points=ind.max, source=source)
    return out


def points(code: str, value: float, source: str = SELF_ASSESSED, **kw) -> tuple[str, IndicatorEntry]:
    return code, IndicatorEntry(code, points=value, source=source, **kw)


def details_for(entries: dict[str, IndicatorEntry], rule_set: RuleSet) -> dict[str, IndicatorDetail]:
    """What the commune wrote next to each indicator, plausible enough to read in a sheet."""
    out = {}
    for code, e in entries.items():
        ind = rule_set.indicator(code)
        figures = (f"{e.numerator:g}/{e.denominator:g} tuyên truyền viên được bồi dưỡng"
                   if ind.kind == "rate_bands" and e.numerator is not None else f"Số liệu chỉ tiêu {code} năm đánh giá")
        out[code] = IndicatorDetail(
            figures=figures, evidence=f"Báo cáo số {len(code) + 10}/BC-UBND", numerator=e.numerator,
            denominator=e.denominator, entered_points=e.points, not_applicable=e.not_applicable,
        )
    return out


def _submitted(config: Config, rule_set: RuleSet, unit: Unit, entries: dict[str, IndicatorEntry], *,
               declaration: bool | None = False, report_date: dt.date = dt.date(2024, 1, 5),
               details: dict[str, IndicatorDetail] | None = None, issues: Sequence[Issue] = (),
               extra_files: Sequence[FileRecord] = ()) -> tuple[UnitOutcome, list[FileRecord]]:
    file = f"{unit.name}/{unit.code}-phieu-tu-danh-gia.xlsx"
    verdict = score_unit(rule_set, UnitEntries(entries, {DECLARATION: declaration}))
    days_late = (report_date - config.deadline).days
    all_issues = list(issues)
    if days_late > 0:
        all_issues.append(issue("SUBMITTED_LATE", file=file, unit=unit.code,
                                value=report_date.strftime("%d/%m/%Y"),
                                deadline=config.deadline.strftime("%d/%m/%Y")))
    outcome = UnitOutcome(
        unit=unit, status=SUBMITTED, file=file, report_date=report_date, days_late=days_late,
        contact_name="Nguyễn Thị Hương, công chức Tư pháp - Hộ tịch", contact_phone="0912 345 678",
        verdict=verdict, details=details if details is not None else details_for(entries, rule_set),
        issues=tuple(all_issues),
    )
    record = FileRecord(file, 48_213 + int(unit.code) % 97, _sha(unit.code), dt.datetime(2024, 1, 4, 16, 45),
                        USED, unit.code, "1", report_date)
    return outcome, [record, *extra_files]


def _sha(seed: str) -> str:
    import hashlib

    return hashlib.sha256(seed.encode()).hexdigest()


# ------------------------------------------------------------------ scenarios


def recognised(config, rule_set, unit):
    e = full_entries(rule_set)
    e.update([points("1.1", 0, not_applicable=True), points("2.1", 5), points("3.1", 8.5), points("4.2", 3.25)])
    e["2.5"] = IndicatorEntry("2.5", numerator=19, denominator=20, points=2)
    details = details_for(e, rule_set)
    details["2.1"] = replace(details["2.1"], figures=INJECTION, evidence="Niêm yết tại trụ sở; trang thông tin điện tử")
    return _submitted(config, rule_set, unit, e, details=details)


def low_total(config, rule_set, unit):
    e = full_entries(rule_set)
    # 21.5 points off, spread so every criterion stays above half of its maximum.
    e.update([points("1.2", 5), points("2.1", 3), points("2.3", 3), points("3.1", 6), points("4.1", 2),
              points("4.4", 2), points("5.1", 2.5), points("5.2", 3.5)])
    e["2.5"] = IndicatorEntry("2.5", numerator=15, denominator=20, points=0.5)
    return _submitted(config, rule_set, unit, e, report_date=config.deadline + dt.timedelta(days=3))


def criterion_floor(config, rule_set, unit):
    e = full_entries(rule_set)
    e.update([points("1.1", 2), points("1.2", 2.75)])
    e["3.2"] = IndicatorEntry("3.2", points=6, usable=False)
    bad = issue("POINTS_OUT_OF_RANGE", file=f"{unit.name}/{unit.code}-phieu-tu-danh-gia.xlsx", sheet=SCORE_SHEET,
                cell="H17", value=6, unit=unit.code, indicator="3.2", min=0, max=5)
    phone = issue("CONTACT_MISSING", file=f"{unit.name}/{unit.code}-phieu-tu-danh-gia.xlsx", sheet=COVER_SHEET,
                  cell="B10", unit=unit.code, field="Điện thoại liên hệ")
    return _submitted(config, rule_set, unit, e, issues=[bad, phone])


def disqualified(config, rule_set, unit):
    return _submitted(config, rule_set, unit, full_entries(rule_set), declaration=True)


def not_submitted(config, rule_set, unit):
    missing = issue("UNIT_NOT_SUBMITTED", unit=unit.code, deadline=config.deadline.strftime("%d/%m/%Y"))
    return UnitOutcome(unit=unit, status=NOT_SUBMITTED, issues=(missing,)), []


def unusable(config, rule_set, unit):
    file = f"{unit.name}/phieu {unit.name} 2022.xlsx"
    wrong = issue("WRONG_YEAR", file=file, sheet=COVER_SHEET, cell="B7", value=2022, unit=unit.code,
                  expected=config.year)
    record = FileRecord(file, 51_002, _sha(file), dt.datetime(2024, 1, 8, 10, 5), REJECTED, unit.code, "1",
                        dt.date(2024, 1, 8), note="phiếu năm 2022, đợt này là năm 2023")
    return UnitOutcome(unit=unit, status=UNUSABLE, issues=(wrong,)), [record]


def appraised(config, rule_set, unit):
    e = full_entries(rule_set, source=APPRAISED)
    e.update([points("2.2", 3, APPRAISED), points("2.4", 4.5, APPRAISED), points("3.1", 7, APPRAISED),
              points("4.5", 2.5, APPRAISED)])
    e["2.5"] = IndicatorEntry("2.5", numerator=17, denominator=20, points=2, source=APPRAISED)
    file = f"{unit.name}/{unit.code}-phieu-tu-danh-gia.xlsx"
    old = f"{unit.name}/{unit.code}-phieu-tu-danh-gia (ban cu).xlsx"
    differs = issue("BANDED_POINTS_DIFFER", file=file, sheet=SCORE_SHEET, cell="H13", value=2, unit=unit.code,
                    indicator="2.5", rate="85%", computed=1)
    superseded = issue("SUPERSEDED", file=old, unit=unit.code, value=file)
    old_record = FileRecord(old, 47_990, _sha(old), dt.datetime(2024, 1, 2, 8, 0), SUPERSEDED, unit.code, "1",
                            dt.date(2024, 1, 2), note=f"thay bằng {file}")
    return _submitted(config, rule_set, unit, e, report_date=dt.date(2024, 1, 9), issues=[differs, superseded],
                      extra_files=[old_record])


_BUILDERS = {
    "recognised": recognised, "low_total": low_total, "criterion_floor": criterion_floor,
    "disqualified": disqualified, "not_submitted": not_submitted, "unusable": unusable, "appraised": appraised,
}
