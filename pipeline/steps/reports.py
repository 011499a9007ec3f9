"""The periodic reports of one period, checked and consolidated: a pure step (data in, new data
out; no file is opened here).

- `check_report`: one report workbook as read (core/report_layout.ReportRead) against the
  office's config and the period asked for: its year, period and unit; every figure a whole
  number ≥ 0 (blank, text, a fraction, a negative or mediated cases above those received: a
  located problem, and the figure is left out of the totals — never taken as 0, never
  dropped silently); the texts, their line breaks kept; the report date.
- `consolidate_reports`: the newest report of each unit counts (the others superseded); the
  date against the period's deadline (the report date, else the file's own date, said so);
  the units that sent nothing; the totals of the accepted figures.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from pipeline.core import report_layout as L
from pipeline.core.config import Config, Unit
from pipeline.core.model import IGNORED, REJECTED, SUPERSEDED, USED, Located
from pipeline.core.problems import Issue, issue
from pipeline.core.text import date_text
from pipeline.steps import values


@dataclass(frozen=True)
class UnitReport:
    """One unit's accepted report: its figures (None: not given or refused), its texts."""

    unit: Unit
    file: str
    report_date: dt.date | None  # as typed on the cover
    day: dt.date  # the day the lateness is judged on: the report date, else the file's date
    dated_by_file: bool  # True when the report date was missing or unreadable
    figures: dict[str, int | None]
    texts: dict[str, str]
    official: str = ""
    phone: str = ""
    refused: tuple[str, ...] = ()  # figure names whose typed value was refused
    days_late: int = 0

    @property
    def late(self) -> bool:
        return self.days_late > 0


@dataclass(frozen=True)
class FileFate:
    """One file found in the reports folder and what became of it."""

    file: str
    modified: dt.datetime
    status: str  # USED / SUPERSEDED / REJECTED / IGNORED
    unit_code: str = ""
    period: str = ""
    report_date: dt.date | None = None
    note: str = ""


@dataclass(frozen=True)
class PeriodResult:
    config: Config
    period: str
    deadline: dt.date
    reports: tuple[UnitReport, ...]  # in config order of units
    missing: tuple[Unit, ...]
    files: tuple[FileFate, ...]
    issues: tuple[Issue, ...]
    as_of: dt.date  # the newest day among the accepted reports (deadline when there is none)
    totals: dict[str, int] = field(default_factory=dict)  # figure -> sum of the accepted values
    given: dict[str, int] = field(default_factory=dict)  # figure -> units whose value is in the sum

    @property
    def late(self) -> tuple[UnitReport, ...]:
        return tuple(r for r in self.reports if r.late)

    @property
    def on_time(self) -> tuple[UnitReport, ...]:
        return tuple(r for r in self.reports if not r.late)

    @property
    def incomplete(self) -> tuple[UnitReport, ...]:
        """Accepted reports with a figure left out of the totals (blank or refused)."""
        return tuple(r for r in self.reports if any(v is None for v in r.figures.values()))

    def mediation_rate(self) -> float | None:
        """Mediated / received over the units that gave both, in %; None when none did."""
        pairs = [
            (r.figures[L.MEDIATED], r.figures[L.RECEIVED])
            for r in self.reports
            if r.figures.get(L.MEDIATED) is not None and r.figures.get(L.RECEIVED) is not None
        ]
        received = sum(b or 0 for _, b in pairs)
        return None if not received else 100 * sum(a or 0 for a, _ in pairs) / received

    def flatten(self, fields: Sequence[str]) -> list[tuple[str, ...]]:
        return [tuple(getattr(i, f) for f in fields) for i in self.issues]


@dataclass(frozen=True)
class Checked:
    """A report that belongs to this period and unit, before the newest one is chosen."""

    read: L.ReportRead
    unit: Unit
    report: UnitReport
    issues: tuple[Issue, ...]  # its value problems (kept only if it is the one used)


# ----------------------------------------------------------------------------- one report


def check_report(read: L.ReportRead, config: Config, period: str) -> tuple[Checked | None, FileFate, list[Issue]]:
    """(the report, or None when it cannot count for this period; the file's fate; the
    problems that decide whether it counts). Its value problems are in Checked.issues."""
    rel, meta_sheet = read.file, read.meta_sheet
    year = read.meta.get("year", "")
    if year != str(config.year):
        problem = issue("REPORT_WRONG_YEAR", file=rel, sheet=meta_sheet, value=year or "?", expected=config.year)
        return None, _fate(read, REJECTED, f"báo cáo năm {year or '?'}"), [problem]
    own = read.meta.get("period", "")
    if own != period:
        shown = L.PERIODS.get(own, own or "?")
        problem = issue("REPORT_OTHER_PERIOD", file=rel, sheet=meta_sheet, value=shown, expected=L.PERIODS[period])
        return None, _fate(read, IGNORED, f"báo cáo {shown}", period=own), [problem]
    code_cell = read.values.get("ma_don_vi") or Located(read.meta.get("unit_code"), meta_sheet, "")
    code = values.unit_code(code_cell.value) if not values.is_blank(code_cell.value) else read.meta.get("unit_code", "")
    if not code:
        problem = issue("REPORT_UNIT_MISSING", file=rel, sheet=code_cell.sheet, cell=code_cell.cell)
        return None, _fate(read, REJECTED, "không ghi mã đơn vị", period=own), [problem]
    unit = config.unit(code)
    if unit is None:
        problem = issue("REPORT_UNIT_UNKNOWN", file=rel, sheet=code_cell.sheet, cell=code_cell.cell, value=code)
        return None, _fate(read, REJECTED, f"mã {code} không thuộc danh sách", unit_code=code, period=own), [problem]
    found: list[Issue] = []

    def located(name: str, code_: str, value: object = "", **context: object) -> None:
        loc = read.values.get(name)
        found.append(
            issue(
                code_,
                file=rel,
                sheet=loc.sheet if loc else "",
                cell=loc.cell if loc else "",
                value=value,
                unit=unit.code,
                **context,
            )
        )

    report_date, dated_by_file = _report_date(read, located)
    official = _line(read.values.get("nguoi_bao_cao"))
    if not official:
        located("nguoi_bao_cao", "CONTACT_MISSING", field="người lập báo cáo")
    figures: dict[str, int | None] = {}
    refused: list[str] = []
    for f in L.FIGURES:
        figures[f.name] = _figure(read.values.get(f.name), f, located, refused)
    received, mediated = figures[L.RECEIVED], figures[L.MEDIATED]
    if received is not None and mediated is not None and mediated > received:
        located(L.MEDIATED, "REPORT_MEDIATION_EXCEEDS", mediated, received=received)
        figures[L.MEDIATED] = None
        refused.append(L.MEDIATED)
    texts: dict[str, str] = {}
    for f in L.TEXTS:
        text = _paragraphs(read.values.get(f.name))
        if len(text) > L.TEXT_LIMIT:
            located(f.name, "TEXT_TOO_LONG", len(text))
            text = text[: L.TEXT_LIMIT].rstrip() + " …"
        texts[f.name] = text
    day = report_date or read.modified.date()
    report = UnitReport(
        unit=unit,
        file=rel,
        report_date=report_date,
        day=day,
        dated_by_file=dated_by_file,
        figures=figures,
        texts=texts,
        official=official,
        phone=_line(read.values.get("dien_thoai")),
        refused=tuple(refused),
    )
    fate = _fate(read, USED, "", unit_code=unit.code, period=own, report_date=report_date)
    return Checked(read, unit, report, tuple(found)), fate, []


def _fate(read: L.ReportRead, status: str, note: str, **fields) -> FileFate:
    return FileFate(read.file, read.modified, status, note=note, **fields)


def _report_date(read: L.ReportRead, located) -> tuple[dt.date | None, bool]:
    cell = read.values.get("ngay_bao_cao")
    raw = cell.value if cell else None
    if values.is_blank(raw):
        located("ngay_bao_cao", "REPORT_DATE_MISSING")
        return None, True
    day, ok = values.parse_date(raw)
    if day is None or not ok:
        located("ngay_bao_cao", "REPORT_DATE_INVALID", values.raw_text(raw))
        return None, True
    year = int(read.meta.get("year", "0") or 0)
    if not year <= day.year <= year + 1:
        located("ngay_bao_cao", "REPORT_DATE_OUT_OF_RANGE", date_text(day))
    return day, False


def _figure(cell: Located | None, f: L.Field, located, refused: list[str]) -> int | None:
    raw = cell.value if cell else None
    if values.is_blank(raw):
        located(f.name, "REPORT_FIGURE_MISSING", field=f.label)
        return None
    number, ok = values.parse_number(raw)
    if number is None or not ok:
        located(f.name, "REPORT_FIGURE_NOT_NUMBER", values.raw_text(raw), field=f.label)
        refused.append(f.name)
        return None
    if number < 0 or number > L.FIGURE_MAX or not float(number).is_integer():
        located(f.name, "REPORT_FIGURE_NOT_WHOLE", number, field=f.label, max=L.FIGURE_MAX)
        refused.append(f.name)
        return None
    return int(number)


_SPACES = re.compile(r"[ \t\u00a0]+")


def _paragraphs(cell: Located | None) -> str:
    """A text cell as written, NFC, each line's spaces collapsed, blank lines dropped."""
    raw = cell.value if cell else None
    if values.is_blank(raw):
        return ""
    text = unicodedata.normalize("NFC", raw if isinstance(raw, str) else values.text(raw))
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def _line(cell: Located | None) -> str:
    return values.text(cell.value) if cell else ""


# ----------------------------------------------------------------------------- the period


def consolidate_reports(
    config: Config,
    period: str,
    deadline: dt.date,
    reads: Sequence[tuple[L.ReportRead | None, list[Issue], FileFate | None]],
    listed: Sequence[tuple[FileFate, list[Issue]]] = (),
) -> PeriodResult:
    """Every file's read (or None, with its problems and fate when it could not be read) ->
    the period's result. `listed`: files set aside before reading (not spreadsheets, empty)."""
    fates: dict[str, FileFate] = {}
    order: list[str] = []
    per_file: dict[str, list[Issue]] = {}
    checked: list[tuple[Checked, list[Issue]]] = []
    for aside, found in listed:
        order.append(aside.file)
        fates[aside.file] = aside
        per_file[aside.file] = list(found)
    for read, found, fate in reads:
        if read is None:
            if fate is not None:
                order.append(fate.file)
                fates[fate.file] = fate
                per_file[fate.file] = list(found)
            continue
        order.append(read.file)
        got, fate_, problems = check_report(read, config, period)
        fates[read.file] = fate_
        if got is None:
            per_file[read.file] = found + problems
        else:
            checked.append((got, found))
    # The newest report of each unit counts: by its day (report date, else file date), then file time.
    by_unit: dict[str, list[tuple[Checked, list[Issue]]]] = {}
    for c in checked:
        by_unit.setdefault(c[0].unit.code, []).append(c)
    used: dict[str, Checked] = {}
    for code, group in by_unit.items():
        group.sort(key=lambda c: (c[0].report.day, c[0].read.modified, c[0].read.file), reverse=True)
        used[code] = group[0][0]
    for got, found in checked:
        winner = used[got.unit.code]
        if winner is got:
            per_file[got.read.file] = found + list(got.issues)
        else:
            fates[got.read.file] = FileFate(
                got.read.file,
                got.read.modified,
                SUPERSEDED,
                unit_code=got.unit.code,
                period=period,
                report_date=got.report.report_date,
                note=f"thay bằng {winner.read.file}",
            )
            per_file[got.read.file] = found + [
                issue("REPORT_SUPERSEDED", file=got.read.file, value=winner.read.file, unit=got.unit.code)
            ]
    reports: list[UnitReport] = []
    missing: list[Unit] = []
    for unit in config.units:
        got_ = used.get(unit.code)
        if got_ is None:
            missing.append(unit)
            continue
        r = got_.report
        days = (r.day - deadline).days
        if days > 0:
            r = replace(r, days_late=days)
            cell = got_.read.values.get("ngay_bao_cao")
            where = {} if r.dated_by_file or cell is None else {"sheet": cell.sheet, "cell": cell.cell}
            per_file[r.file].append(
                issue(
                    "REPORT_LATE",
                    file=r.file,
                    value=date_text(r.day) + (" (ngày của tệp)" if r.dated_by_file else ""),
                    unit=unit.code,
                    deadline=date_text(deadline),
                    days=days,
                    **where,
                )
            )
        reports.append(r)
    issues: list[Issue] = []
    for rel in order:  # each file's problems in the order the files were found
        issues += per_file.get(rel, [])
    for unit in missing:
        issues.append(
            issue(
                "REPORT_NOT_SUBMITTED",
                unit=unit.code,
                unit_name=unit.full_name,
                period=L.period_words(period, config.year),
                deadline=date_text(deadline),
            )
        )
    totals = {f.name: sum(r.figures[f.name] or 0 for r in reports) for f in L.FIGURES}
    given = {f.name: sum(r.figures[f.name] is not None for r in reports) for f in L.FIGURES}
    as_of = max((r.day for r in reports), default=deadline)
    return PeriodResult(
        config=config,
        period=period,
        deadline=deadline,
        reports=tuple(reports),
        missing=tuple(missing),
        files=tuple(fates[rel] for rel in order),
        issues=tuple(issues),
        as_of=as_of,
        totals=totals,
        given=given,
    )
