"""What the tests build, in one place: filled forms, an office's config, runs.

- forms: `filled_values` (a complete form's input values), `form_values` (one unit's valid
  submission), written with `filled_form`, `form` or `unit_form` (the real writer: nothing
  binary is committed); `edit_with_openpyxl` and `set_meta` change one as another program would.
- offices: `office` writes a copy of the repository's config.toml (its optional sections or its
  units replaced); `make_config` loads one with inputs/ and outputs/ beside it.
- runs: `collect_forms` runs the real pipeline on forms; `run_cli` runs the CLI as the office
  does; `make_run` builds a RunResult whose units each play one scenario (for the writers).
- outputs read back: `load`, `table` (rows by heading text), `texts`.

Broken and hostile files (zip bombs, encrypted, truncated...) are made from these forms by
tests/corpus.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl

from pipeline.core import config as config_mod
from pipeline.core import layout, rules
from pipeline.core.config import Config, Unit
from pipeline.core.model import (
    IGNORED,
    NOT_SUBMITTED,
    REJECTED,
    SUBMITTED,
    SUPERSEDED,
    UNUSABLE,
    USED,
    FileRecord,
    IndicatorDetail,
    RunResult,
    UnitOutcome,
)
from pipeline.core.problems import Issue, issue
from pipeline.core.rules import RuleSet
from pipeline.core.verdict import APPRAISED, SELF_ASSESSED, IndicatorEntry, UnitEntries

REPO = Path(__file__).resolve().parents[1]
QD25 = RULE_SET = rules.load("qd25-2021")
YEAR = 2023
UNIT_CODE = "14809"
OFFICE_NAME = "Phòng Tư pháp"

# ============================================================================= forms


def filled_values(rule_set: RuleSet = QD25) -> dict[str, Any]:
    """Input values of a complete form, keyed by defined name (the write_form contract).
    Unit 14809 under the name of another unit (Quang Trung), every third indicator half a
    point short, banded ones at 9/10 (97 points for qd25)."""
    values: dict[str, Any] = {
        "ma_don_vi": UNIT_CODE,
        "ten_don_vi": "Quang Trung",
        "loai_don_vi": "phường",
        "nam_danh_gia": YEAR,
        "ngay_bao_cao": dt.date(2024, 1, 5),
        "nguoi_phu_trach": "Nguyễn Văn A, công chức Tư pháp",
        "dien_thoai": "0912345678",
    }
    for d in rule_set.conditions.declarations:
        values[d.key] = "Không"
    for n, ind in enumerate(rule_set.indicators):
        if ind.kind == "rate_bands":
            values[layout.indicator_name("tu_so", ind.code)] = 9
            values[layout.indicator_name("mau_so", ind.code)] = 10
        values[layout.indicator_name("diem", ind.code)] = ind.max - (0.5 if n % 3 == 0 else 0)
        values[layout.indicator_name("tai_lieu", ind.code)] = f"Hồ sơ {n + 1}"
    return values


def form_values(code: str, name: str, kind: str = "phường", **overrides: Any) -> dict[str, Any]:
    """A complete, valid submission for one unit (values keyed by defined name)."""
    values = filled_values(RULE_SET)
    for ind in RULE_SET.indicators:  # a rate in the top band, so the banded points agree
        if ind.kind == "rate_bands":
            values.update(
                {
                    layout.indicator_name("tu_so", ind.code): 10,
                    layout.indicator_name("mau_so", ind.code): 10,
                    layout.indicator_name("diem", ind.code): ind.max,
                }
            )
    values.update(ma_don_vi=code, ten_don_vi=name, loai_don_vi=kind)
    values.update(overrides)
    return values


def filled_form(
    path: Path,
    values: dict[str, Any] | None = None,
    *,
    unit: Unit | None = None,
    rule_set: RuleSet = QD25,
    year: int = YEAR,
    office_name: str = OFFICE_NAME,
) -> Path:
    """A form written by the real writer at `path` (default values: `filled_values`)."""
    from pipeline.writers.form import write_form

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    values = filled_values(rule_set) if values is None else values
    return write_form(path, rule_set, year, unit=unit, values=values, office_name=office_name)


def form(path: Path, code: str, name: str, kind: str = "phường", **overrides: Any) -> Path:
    """One unit's valid form (`form_values`), `overrides` keyed by defined name."""
    return filled_form(path, form_values(code, name, kind, **overrides))


def unit_form(
    cfg_path: Path,
    code: str,
    *,
    points: dict[str, Any] | None = None,
    report: dt.date = dt.date(2024, 1, 5),
    name: str | None = None,
    year: int = YEAR,
    **cover: Any,
) -> Path:
    """A form filled for unit `code` of the office at `cfg_path` (`filled_values`, 97 points,
    `points` by indicator code), dropped in its inputs/ as <code>-phieu.xlsx or `name`."""
    cfg = config_mod.load(cfg_path)
    unit = cfg.unit(code)
    values = filled_values(QD25)
    values.update(
        ma_don_vi=unit.code,
        ten_don_vi=unit.name,
        loai_don_vi=unit.kind,
        ngay_bao_cao=report,
        nguoi_phu_trach=f"Trần Thị {unit.name}, công chức Tư pháp",
        dien_thoai=f"0912 000 {code[-3:]}",
    )
    values.update(nam_danh_gia=year)
    for indicator, value in (points or {}).items():
        values[layout.indicator_name("diem", indicator)] = value
    values.update(cover)
    return filled_form(
        cfg.inputs / (name or f"{code}-phieu.xlsx"), values, unit=unit, year=year, office_name=cfg.office_name
    )


# ----------------------------------------------------------------------------- the 2026 season (QĐ 27/2025)

QD27 = rules.load("qd27-2025")
YEAR_2026 = 2026
THANH_HOA = REPO / "examples" / "thanh-hoa-2026" / "config.toml"


def content_values(rule_set: RuleSet = QD27, **overrides: Any) -> dict[str, Any]:
    """A complete form of a pass/fail set with contents, every content Đạt: requirements
    declared Đạt, entered rates 5/5 (a derived figure is 5 too), the first option ticked;
    `overrides` by defined name (None removes a value)."""
    values: dict[str, Any] = {
        "ma_don_vi": "14797",
        "ten_don_vi": "Hạc Thành",
        "loai_don_vi": "phường",
        "nam_danh_gia": YEAR_2026,
        "ngay_bao_cao": dt.date(2027, 1, 8),
        "nguoi_phu_trach": "Lê Thị B, công chức Tư pháp - Hộ tịch",
        "dien_thoai": "0237 3852 123",
    }
    for c in rule_set.indicators:
        if c.kind == "requirement":
            values[layout.content_name("diem", c.code)] = "Đạt"
        elif c.kind == "rate":
            for figure, field in (("numerator", "tu_so"), ("denominator", "mau_so")):
                if c.derived(figure) is None:
                    values[layout.content_name(field, c.code)] = 5
        else:
            values[layout.option_name(c.code, 1)] = layout.TICK
    for g in rule_set.groups:
        values[layout.content_name("tai_lieu", g.code)] = f"Hồ sơ {g.code}"
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def content_form(path: Path, rule_set: RuleSet = QD27, **overrides: Any) -> Path:
    """A 2026 form written by the real writer (`content_values`)."""
    return filled_form(path, content_values(rule_set, **overrides), rule_set=rule_set, year=YEAR_2026)


def province(root: Path, units: Sequence[tuple[str, str, str]] = (("14797", "Hạc Thành", "phường"),)) -> Config:
    """The Thanh Hóa 2026 example office in `root` with only `units` (code, name, kind)."""
    root.mkdir(parents=True, exist_ok=True)
    text = THANH_HOA.read_text(encoding="utf-8").split("\n[[units]]", 1)[0]
    text += "".join(f'\n[[units]]\ncode = "{c}"\nname = "{n}"\nkind = "{k}"\n' for c, n, k in units)
    path = root / "config.toml"
    path.write_text(text, encoding="utf-8")
    (root / "inputs").mkdir(exist_ok=True)
    return config_mod.load(path).with_paths(root / "inputs", root / "outputs")


def edit_with_openpyxl(path: Path, edit: Callable[[openpyxl.Workbook], None]) -> Path:
    """Open, change and save a workbook as another program would (openpyxl keeps no cached
    formula results and does not move defined names when rows move)."""
    wb = openpyxl.load_workbook(path)
    edit(wb)
    wb.save(path)
    return path


def set_meta(path: Path, key: str, value: Any) -> Path:
    def edit(wb):
        ws = wb[layout.SHEET_META]
        row = next(c.row for c in ws["A"] if c.value == key)
        ws.cell(row, 2).value = value

    return edit_with_openpyxl(path, edit)


def named_cell(path: Path, name: str) -> tuple[str, str]:
    """(sheet, A1) of a defined name of a workbook."""
    wb = openpyxl.load_workbook(path)
    sheet, ref = next(iter(wb.defined_names[name].destinations))
    return sheet, ref.replace("$", "")


# ============================================================================= offices

EXTRA_UNITS = [
    ("90001", "Thử Nghiệm Một"),
    ("90002", "Thử Nghiệm Hai"),
    ("90003", "Thử Nghiệm Ba"),
    ("90004", "Thử Nghiệm Bốn"),
]
_UNITS_HEAD = "# The units assessed this year"


def office(
    root: Path,
    extra: str = "",
    *,
    max_file_mb: int | None = None,
    units: Sequence[tuple[str, str, str]] | None = None,
    more_units: Sequence[tuple[str, str]] = (),
) -> Path:
    """A copy of the repository's config.toml in `root` (with an inputs/ folder), its path.

    extra: TOML replacing the optional sections ([signature], [previous]); max_file_mb: another
    size limit; units: (code, name, kind) replacing the configured units; more_units: (code,
    name) of communes (xã) added after them."""
    root.mkdir(parents=True, exist_ok=True)
    text = (REPO / "config.toml").read_text(encoding="utf-8")
    if extra:
        head, rest = text.split("# Optional: the signature block", 1)
        text = head + extra + "\n\n" + _UNITS_HEAD + rest.split(_UNITS_HEAD, 1)[1]
    if max_file_mb is not None:
        text = text.replace("max_file_mb = 20", f"max_file_mb = {max_file_mb}")
    if units is not None:
        text = text.split("\n[[units]]", 1)[0] + "".join(
            f'\n[[units]]\ncode = "{code}"\nname = "{name}"\nkind = "{kind}"\n' for code, name, kind in units
        )
    text += "".join(f'\n[[units]]\ncode = "{code}"\nname = "{name}"\nkind = "xã"\n' for code, name in more_units)
    path = root / "config.toml"
    path.write_text(text, encoding="utf-8")
    (root / "inputs").mkdir(exist_ok=True)
    return path


def make_config(root: Path, *, max_file_mb: int = 20, extra_units: bool = True, **kw: Any) -> Config:
    """The office of `office(root, ...)` loaded, with inputs = root/inputs and outputs = root/outputs
    (by default four more communes, 90001-90004, than the repository's config)."""
    path = office(root, max_file_mb=max_file_mb, more_units=EXTRA_UNITS if extra_units else (), **kw)
    return config_mod.load(path).with_paths(root / "inputs", root / "outputs")


# ============================================================================= runs


def collect_forms(root: Path, forms: dict[str, dict[str, Any]]) -> RunResult:
    """The pipeline (collect), with the town's config, on filled forms {file name: values
    changed from `filled_values`}."""
    from pipeline.app.run import collect

    config = make_config(root, extra_units=False)
    for name, changed in forms.items():
        filled_form(config.inputs / name, filled_values() | changed)
    return collect(config)


def run_cli(*args: str) -> Any:
    """The CLI as the office runs it (click's runner); a traceback in the output fails the test."""
    from click.testing import CliRunner

    from pipeline.cli import cli

    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output, result.output
    return result


# ------------------------------------------------------------------ make_run: a run for the writers
#
# `make_run()` scores each unit with the real engine (`pipeline.steps.scoring.score_unit`), so the
# verdicts, reasons and provisional notes are exactly what a run would produce. Each unit of the
# repository's config.toml gets one scenario, in config order:
#
#     14809 Bắc Sơn     recognised      (1.1 "không phát sinh", 2.5 by rate, a hostile '=...' figure)
#     14812 Ba Đình     low_total       (total 78,5 < 80, every criterion above its floor; 3 days late)
#     14815 Lam Sơn     criterion_floor (TC1 4,75 < 5; row 3.2 rejected by validation -> 0)
#     14818 Ngọc Trạo   disqualified    (100 points, head of commune disciplined)
#     14821 Đông Sơn    not_submitted
#     14823 Phú Sơn     unusable        (its only file is for the wrong year)
#     14824 Quang Trung appraised       (council's points; an older file superseded; banded points differ)
#
# `make_run(units=500)` builds a synthetic config of 500 units cycling through the scenarios,
# for large-sheet tests.

INJECTION = '=HYPERLINK("http://x","y")'
GENERATED_AT = dt.datetime(2024, 1, 15, 8, 30, 0)
SCENARIOS = ("recognised", "low_total", "criterion_floor", "disqualified", "not_submitted", "unusable", "appraised")
SCORE_SHEET, COVER_SHEET = "Bảng điểm", "Thông tin chung"
DECLARATION = "ky_luat_nguoi_dung_dau"


def make_run(
    config: Config | None = None, rule_set: RuleSet | None = None, *, units: Sequence[str] | int = SCENARIOS
) -> RunResult:
    """A RunResult for `config` (default: the repo's config.toml) where unit n plays scenario n.

    units: scenario names in config order, or a number of synthetic units (scenarios cycled).
    """
    config = config or config_mod.load(REPO / "config.toml")
    rule_set = rule_set or RULE_SET
    if isinstance(units, int):
        config = replace(config, units=synthetic_units(units))
        units = [SCENARIOS[n % len(SCENARIOS)] for n in range(len(config.units))]
    if len(units) > len(config.units):
        raise ValueError(f"{len(units)} scenarios for {len(config.units)} units")
    config = replace(config, units=config.units[: len(units)])
    outcomes, files, issues = [], [], []
    for unit, scenario in zip(config.units, units, strict=True):
        outcome, unit_files = _PLAYS[scenario](config, rule_set, unit)
        outcomes.append(outcome)
        files.extend(unit_files)
        issues.extend(outcome.issues)
    files.append(
        FileRecord(
            "ghi-chu.docx", 12_345, "f" * 64, dt.datetime(2024, 1, 3, 9, 0), IGNORED, note="không phải bảng tính"
        )
    )
    issues.append(issue("FILE_IGNORED", file="ghi-chu.docx"))
    return RunResult(
        config=config,
        rule_set=rule_set,
        units=tuple(outcomes),
        files=tuple(files),
        issues=tuple(issues),
        generated_at=GENERATED_AT,
        tool_version="0.1.0",
    )


def synthetic_units(n: int) -> tuple[Unit, ...]:
    kinds = ("xã", "phường", "thị trấn")
    return tuple(Unit(f"{20000 + i:05d}", f"Thử Nghiệm {i + 1}", kinds[i % 3]) for i in range(n))


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
        figures = (
            f"{e.numerator:g}/{e.denominator:g} tuyên truyền viên được bồi dưỡng"
            if ind.kind == "rate_bands" and e.numerator is not None
            else f"Số liệu chỉ tiêu {code} năm đánh giá"
        )
        out[code] = IndicatorDetail(
            figures=figures,
            evidence=f"Báo cáo số {len(code) + 10}/BC-UBND",
            numerator=e.numerator,
            denominator=e.denominator,
            entered_points=e.points,
            not_applicable=e.not_applicable,
        )
    return out


def _submitted(
    config: Config,
    rule_set: RuleSet,
    unit: Unit,
    entries: dict[str, IndicatorEntry],
    *,
    declaration: bool | None = False,
    report_date: dt.date = dt.date(2024, 1, 5),
    details: dict[str, IndicatorDetail] | None = None,
    issues: Sequence[Issue] = (),
    extra_files: Sequence[FileRecord] = (),
) -> tuple[UnitOutcome, list[FileRecord]]:
    from pipeline.steps.scoring import score_unit

    file = f"{unit.name}/{unit.code}-phieu-tu-danh-gia.xlsx"
    verdict = score_unit(rule_set, UnitEntries(entries, {DECLARATION: declaration}))
    days_late = (report_date - config.deadline).days
    all_issues = list(issues)
    if days_late > 0:
        all_issues.append(
            issue(
                "SUBMITTED_LATE",
                file=file,
                unit=unit.code,
                value=report_date.strftime("%d/%m/%Y"),
                deadline=config.deadline.strftime("%d/%m/%Y"),
            )
        )
    outcome = UnitOutcome(
        unit=unit,
        status=SUBMITTED,
        file=file,
        report_date=report_date,
        days_late=days_late,
        contact_name="Nguyễn Thị Hương, công chức Tư pháp - Hộ tịch",
        contact_phone="0912 345 678",
        verdict=verdict,
        details=details if details is not None else details_for(entries, rule_set),
        issues=tuple(all_issues),
    )
    record = FileRecord(
        file,
        48_213 + int(unit.code) % 97,
        _sha(unit.code),
        dt.datetime(2024, 1, 4, 16, 45),
        USED,
        unit.code,
        "1",
        report_date,
    )
    return outcome, [record, *extra_files]


def _sha(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


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
    e.update(
        [
            points("1.2", 5),
            points("2.1", 3),
            points("2.3", 3),
            points("3.1", 6),
            points("4.1", 2),
            points("4.4", 2),
            points("5.1", 2.5),
            points("5.2", 3.5),
        ]
    )
    e["2.5"] = IndicatorEntry("2.5", numerator=15, denominator=20, points=0.5)
    return _submitted(config, rule_set, unit, e, report_date=config.deadline + dt.timedelta(days=3))


def criterion_floor(config, rule_set, unit):
    e = full_entries(rule_set)
    e.update([points("1.1", 2), points("1.2", 2.75)])
    e["3.2"] = IndicatorEntry("3.2", points=6, usable=False)
    file = f"{unit.name}/{unit.code}-phieu-tu-danh-gia.xlsx"
    bad = issue(
        "POINTS_OUT_OF_RANGE",
        file=file,
        sheet=SCORE_SHEET,
        cell="H17",
        value=6,
        unit=unit.code,
        indicator="3.2",
        min=0,
        max=5,
    )
    phone = issue(
        "CONTACT_MISSING", file=file, sheet=COVER_SHEET, cell="B10", unit=unit.code, field="Điện thoại liên hệ"
    )
    return _submitted(config, rule_set, unit, e, issues=[bad, phone])


def disqualified(config, rule_set, unit):
    return _submitted(config, rule_set, unit, full_entries(rule_set), declaration=True)


def not_submitted(config, rule_set, unit):
    missing = issue("UNIT_NOT_SUBMITTED", unit=unit.code, deadline=config.deadline.strftime("%d/%m/%Y"))
    return UnitOutcome(unit=unit, status=NOT_SUBMITTED, issues=(missing,)), []


def unusable(config, rule_set, unit):
    file = f"{unit.name}/phieu {unit.name} 2022.xlsx"
    wrong = issue(
        "WRONG_YEAR", file=file, sheet=COVER_SHEET, cell="B7", value=2022, unit=unit.code, expected=config.year
    )
    record = FileRecord(
        file,
        51_002,
        _sha(file),
        dt.datetime(2024, 1, 8, 10, 5),
        REJECTED,
        unit.code,
        "1",
        dt.date(2024, 1, 8),
        note="phiếu năm 2022, đợt này là năm 2023",
    )
    return UnitOutcome(unit=unit, status=UNUSABLE, issues=(wrong,)), [record]


def appraised(config, rule_set, unit):
    e = full_entries(rule_set, source=APPRAISED)
    e.update(
        [
            points("2.2", 3, APPRAISED),
            points("2.4", 4.5, APPRAISED),
            points("3.1", 7, APPRAISED),
            points("4.5", 2.5, APPRAISED),
        ]
    )
    e["2.5"] = IndicatorEntry("2.5", numerator=17, denominator=20, points=2, source=APPRAISED)
    file = f"{unit.name}/{unit.code}-phieu-tu-danh-gia.xlsx"
    old = f"{unit.name}/{unit.code}-phieu-tu-danh-gia (ban cu).xlsx"
    differs = issue(
        "BANDED_POINTS_DIFFER",
        file=file,
        sheet=SCORE_SHEET,
        cell="H13",
        value=2,
        unit=unit.code,
        indicator="2.5",
        rate="85%",
        computed=1,
    )
    superseded = issue("SUPERSEDED", file=old, unit=unit.code, value=file)
    old_record = FileRecord(
        old,
        47_990,
        _sha(old),
        dt.datetime(2024, 1, 2, 8, 0),
        SUPERSEDED,
        unit.code,
        "1",
        dt.date(2024, 1, 2),
        note=f"thay bằng {file}",
    )
    return _submitted(
        config,
        rule_set,
        unit,
        e,
        report_date=dt.date(2024, 1, 9),
        issues=[differs, superseded],
        extra_files=[old_record],
    )


_PLAYS = {
    "recognised": recognised,
    "low_total": low_total,
    "criterion_floor": criterion_floor,
    "disqualified": disqualified,
    "not_submitted": not_submitted,
    "unusable": unusable,
    "appraised": appraised,
}

# ============================================================================= outputs read back


def load(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path)


def table(ws, first_header: str, key: str | None = None) -> list[dict[str, Any]]:
    """Rows of the table whose heading row has `first_header`, as dicts by heading text
    (only the rows where `key` is filled, when given)."""
    header = next(r for r in ws.iter_rows() if any(c.value == first_header for c in r))
    cols = {c.column: c.value for c in header if c.value}
    out = []
    for r in ws.iter_rows(min_row=header[0].row + 1):
        row = {cols[c.column]: c.value for c in r if c.column in cols}
        if key is None or row.get(key) not in (None, ""):
            out.append(row)
    return out


def texts(ws) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
