"""Realistic sample submissions for the configured units, made by filling the real form.

The mix shows every path an office meets in a season: units that meet the standard, one
failing on the total, one on a criterion floor, one on the disqualifying declaration, one
with data problems, one that sent its form twice, one late, one that sent nothing, plus a
stray non-spreadsheet file and an Office lock file. Deterministic: same config, same files.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Any

from pipeline.app.demo_contents import PLAN as CONTENT_PLAN
from pipeline.app.demo_contents import content_values
from pipeline.core import layout
from pipeline.core.config import Config, Unit
from pipeline.core.layout import indicator_name
from pipeline.core.rules import Indicator, RuleSet
from pipeline.core.text import number_text
from pipeline.writers.form import write_form

# What each demo profile changes from a strong submission: indicator code -> points below the
# indicator's maximum (so the same profile fits any points rule set; QĐ 25/2021's figures in the
# comments), "over:+n" for points above the maximum (a data error), "text:-n" for the points
# typed as text with the word "điểm", or a literal text that is not a number.
PROFILES: dict[str, dict[str, Any]] = {
    "dat": {},
    "dat_tot": {"2.4": -0.5, "3.1": -1, "4.5": -0.25},  # 5,5 · 9 · 3,75
    "thieu_tong": {  # total under 80, every criterion above its floor
        "2.1": -3,
        "2.3": -2,
        "2.4": -2.5,
        "2.6": -3,
        "3.1": -4,
        "3.3": -1.5,
        "4.1": -1.5,
        "5.2": -1.5,
        "5.4": -1,
    },
    "thieu_tieu_chi": {"1.1": -1.5, "1.2": -4},  # TC1 = 4.5 of 10: under its 50% floor
    "ky_luat": {},
    "loi_du_lieu": {"3.2": "over:+1", "2.2": "text:-0.5", "4.4": "ba"},
}
PLAN = ("dat", "dat_tot", "thieu_tong", "thieu_tieu_chi", "ky_luat", "loi_du_lieu")


def strong_values(rule_set: RuleSet) -> dict[str, Any]:
    """A convincing, strong submission: most indicators at or near their maximum."""
    values: dict[str, Any] = {}
    for n, ind in enumerate(rule_set.indicators):
        if ind.kind == "rate_bands":
            values[indicator_name("tu_so", ind.code)] = 23
            values[indicator_name("mau_so", ind.code)] = 25
            values[indicator_name("so_lieu", ind.code)] = f"23/25 {ind.denominator_label.lower()} được bồi dưỡng"
        elif ind.kind == "pass_fail":
            values[indicator_name("diem", ind.code)] = "Đạt"
        else:
            values[indicator_name("diem", ind.code)] = ind.max if n % 4 else max(ind.max - 0.5, 0)
        values[indicator_name("tai_lieu", ind.code)] = f"Hồ sơ số {n + 1:02d}/TCPL"
    return values


def submission_values(rule_set: RuleSet, unit: Unit, profile: str, report_date: dt.date, year: int) -> dict[str, Any]:
    if rule_set.has_contents:
        values = content_values(rule_set, profile, int(unit.code) if unit.code.isdigit() else 0)
        return _with_cover(values, rule_set, unit, profile, report_date)
    values = strong_values(rule_set)
    for code, change in PROFILES[profile].items():
        if code in rule_set.indicator_index and rule_set.indicator(code).kind == "points":
            values[indicator_name("diem", code)] = _points(rule_set.indicator(code), change)
    if profile == "loi_du_lieu":
        rate = next((i for i in rule_set.indicators if i.kind == "rate_bands"), None)
        if rate:  # more trained than exist: numerator > denominator
            values[indicator_name("tu_so", rate.code)] = 30
    return _with_cover(values, rule_set, unit, profile, report_date)


def _with_cover(values: dict[str, Any], rule_set: RuleSet, unit: Unit, profile: str, report_date: dt.date) -> dict:
    values.update(
        {
            "ngay_bao_cao": report_date,
            "nguoi_phu_trach": f"Nguyễn Văn {unit.name.split()[-1]} - Công chức Tư pháp - Hộ tịch",
            "dien_thoai": "" if profile == "loi_du_lieu" else f"0237 38{unit.code[-3:]} {unit.code[-2:]}",
        }
    )
    for d in rule_set.conditions.declarations:
        disqualified = profile == "ky_luat"
        values[d.key] = "Có" if disqualified == d.disqualifying_answer else "Không"
    return {k: v for k, v in values.items() if v != ""}


def _points(ind: Indicator, change: Any) -> Any:
    if isinstance(change, (int, float)):
        return max(ind.max + change, 0.0)
    kind, _, amount = str(change).partition(":")
    if kind == "over":
        return ind.max + float(amount)
    if kind == "text":
        return f"{number_text(max(ind.max + float(amount), 0.0))} điểm"
    return change


def make_demo(config: Config, folder: Path) -> Path:
    """Write the sample submissions into `folder` (emptied first) and return it."""
    rule_set = config.load_rule_set()
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    year = config.year
    units = list(config.units)
    # The last unit sends nothing (the last three in a province's hundred-odd).
    missing = set(units[-3:] if len(units) > 50 else units[-1:] if len(units) > 1 else [])
    base_day = config.deadline - dt.timedelta(days=6)
    plan = CONTENT_PLAN if rule_set.has_contents else PLAN
    for n, unit in enumerate(u for u in units if u not in missing):
        profile = plan[n % len(plan)]
        late = n == 2  # the unit failing on total also sent late
        report = config.deadline + dt.timedelta(days=5) if late else base_day + dt.timedelta(days=n % 4)
        name = f"{unit.code}-{_ascii(unit.name)}.xlsx"
        values = submission_values(rule_set, unit, profile, report, year)
        _write(folder / name, rule_set, year, unit, values, config, report)
        if n == 1:  # this unit first sent a weaker draft, then the corrected form
            draft = dict(values, ngay_bao_cao=report - dt.timedelta(days=3))
            first = rule_set.indicators[0]
            if rule_set.has_contents:
                draft.pop(layout.content_name("tu_so", first.code), None)
            else:
                draft[indicator_name("diem", first.code)] = 0
            _write(
                folder / "nhan-qua-zalo" / f"ban-nhap-{_ascii(unit.name)}.xlsx",
                rule_set,
                year,
                unit,
                draft,
                config,
                report - dt.timedelta(days=3),
            )
    if rule_set.has_contents and len(units) > 10:
        # One unit's e-mail attachment arrived cut short: the file cannot be opened.
        broken = next(folder.glob(f"{units[9].code}-*.xlsx"), None)
        if broken is not None:
            broken.write_bytes(broken.read_bytes()[:2000])
    (folder / "ghi-chu-cua-van-thu.txt").write_text("Danh sách xã đã gửi qua email.\n", encoding="utf-8")
    (folder / f"~${units[0].code}-{_ascii(units[0].name)}.xlsx").write_bytes(b"lock")
    return folder


def _write(path: Path, rule_set: RuleSet, year: int, unit: Unit, values: dict, config: Config, report: dt.date) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_form(path, rule_set, year, unit=unit, values=values, office_name=config.office_name)
    # The file time matches the report date, as if the commune saved it that day.
    stamp = dt.datetime.combine(report, dt.time(16, 30)).timestamp()
    os.utime(path, (stamp, stamp))


def _ascii(name: str) -> str:
    from pipeline.steps.values import slug

    return slug(name)
