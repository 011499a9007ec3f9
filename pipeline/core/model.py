"""Plain records passed between the pipeline steps (read -> normalise -> validate -> score ->
aggregate -> write). Frozen or treated as immutable; no behaviour beyond small conveniences.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pipeline.core.config import Config, Unit
from pipeline.core.problems import Issue
from pipeline.core.rules import RuleSet, compact_figures
from pipeline.core.verdict import UnitEntries, Verdict


@dataclass(frozen=True, slots=True)
class Located:
    """A raw value exactly as read, with the sheet and A1 cell it came from. Slots: a national
    run holds a few million of them (a __dict__ each would cost ~200 MB)."""

    value: Any
    sheet: str
    cell: str


@dataclass
class Submission:
    """What the reader found in one workbook, before any parsing of values."""

    file: str  # path relative to the inputs folder, with '/' separators
    meta: dict[str, Located] = field(default_factory=dict)  # layout.META_KEYS
    cover: dict[str, Located] = field(default_factory=dict)  # layout.COVER_FIELDS names + declaration keys
    rows: dict[str, dict[str, Located]] = field(default_factory=dict)  # code -> layout.INDICATOR_FIELDS
    cached_totals: dict[str, Located] = field(default_factory=dict)  # 'tong_diem', 'tong_tc1', ...
    score_sheet: str = ""
    cover_sheet: str = ""
    # normalise.Parsed once the rows are parsed (by the reading worker); cover and rows are then empty.
    parsed: Any = None


# File statuses in the register.
class FileStatus(StrEnum):  # a str: values, comparisons and every output stay the plain words
    USED = "used"
    SUPERSEDED = "superseded"
    REJECTED = "rejected"
    IGNORED = "ignored"


USED, SUPERSEDED, REJECTED, IGNORED = FileStatus.USED, FileStatus.SUPERSEDED, FileStatus.REJECTED, FileStatus.IGNORED
STATUS_LABEL = {USED: "Được dùng", SUPERSEDED: "Bị thay thế", REJECTED: "Bị loại", IGNORED: "Bỏ qua"}


@dataclass(frozen=True)
class FileRecord:
    """One file seen in inputs/, for the register sheet and the run manifest."""

    path: str  # relative to the inputs folder
    size: int
    sha256: str
    modified: dt.datetime
    status: str
    unit_code: str = ""
    template_version: str = ""
    report_date: dt.date | None = None
    note: str = ""  # short reason for rejected / ignored / superseded
    contact_name: str = ""  # as written on the file's cover (any status): for the chase list
    contact_phone: str = ""


@dataclass(frozen=True)
class IndicatorDetail:
    """What the unit wrote next to an indicator, for the per-unit sheet."""

    figures: str = ""
    evidence: str = ""
    note: str = ""
    numerator: float | None = None
    denominator: float | None = None
    entered_points: float | None = None
    not_applicable: bool = False


@dataclass(frozen=True)
class AppraisalChange:
    """One indicator the district council appraised (from the appraisal workbook)."""

    indicator: str
    self_points: float  # what the commune's file scored (engine points, self-assessed)
    appraised_points: float  # what the council's points score
    note: str = ""  # the council's note
    self_passed: bool | None = None  # pass/fail rule sets
    appraised_passed: bool | None = None
    cell: str = ""  # where in the appraisal workbook (sheet!A1)
    appraised_figures: tuple[float, float] | None = None  # a rate content: the council's figures

    @property
    def change(self) -> float:
        return self.appraised_points - self.self_points

    @property
    def changed(self) -> bool:
        return self.change != 0 or self.self_passed != self.appraised_passed


@dataclass(frozen=True, slots=True)
class AppraisalRow:
    """One row of the council's appraisal table, exactly as read (parsed by steps/appraise.py)."""

    unit: Any  # the unit code cell
    code: Any  # the indicator code cell
    appraised: Any  # the council's points (or Đạt / Không đạt)
    note: Any
    written_self: Any  # the self-assessed value printed in the workbook (stale check)
    cell: str  # A1 of the appraised cell
    code_cell: str  # A1 of the indicator code cell


@dataclass(frozen=True)
class AppraisalRead:
    """What the appraisal reader found in a workbook whose metadata says it is one."""

    file: str
    meta: dict[str, str]  # _meta key -> text
    sheet: str = ""  # the sheet holding the table ('' when no table was found)
    rows: tuple[AppraisalRow, ...] = ()


@dataclass(frozen=True)
class AppraisedValue:
    unit: str
    indicator: str
    points: float | None  # points rule sets
    passed: bool | None  # pass/fail indicators and contents
    note: str
    written_self: Any  # the self-assessed value printed in the workbook (stale check)
    sheet: str
    cell: str  # the appraised cell
    figures: tuple[float, float] | None = None  # a rate content: the council's numerator / denominator


@dataclass(frozen=True)
class AppraisalBook:
    """What one appraisal workbook says, checked: accepted values, refused cells, usable or not."""

    file: str
    values: dict[tuple[str, str], AppraisedValue] = field(default_factory=dict)
    refused: dict[tuple[str, str], str] = field(default_factory=dict)  # (unit, indicator) -> cell refused
    rejected: bool = False  # the whole file cannot be used (its error issues say why)
    year: str = ""

    @property
    def unit_count(self) -> int:
        return len({u for u, _ in self.values})


@dataclass(frozen=True)
class PreviousResult:
    """One unit's result in last year's ket-qua.csv."""

    code: str
    name: str
    total: float | None
    verdict: str  # as written: Đạt / Chưa đạt / Chưa nộp / Không dùng được

    @property
    def recognised(self) -> bool:
        return self.verdict == "Đạt"


# Unit submission statuses.
class UnitStatus(StrEnum):
    SUBMITTED = "submitted"
    NOT_SUBMITTED = "not_submitted"
    UNUSABLE = "unusable"


SUBMITTED, NOT_SUBMITTED, UNUSABLE = UnitStatus.SUBMITTED, UnitStatus.NOT_SUBMITTED, UnitStatus.UNUSABLE


@dataclass(frozen=True)
class UnitOutcome:
    unit: Unit
    status: str  # submitted | not_submitted | unusable (every file rejected)
    file: str = ""  # the file used
    report_date: dt.date | None = None
    days_late: int | None = None  # > 0 late, <= 0 on time, None unknown
    contact_name: str = ""
    contact_phone: str = ""
    verdict: Verdict | None = None
    details: dict[str, IndicatorDetail] = field(default_factory=dict)
    issues: tuple[Issue, ...] = ()
    entries: UnitEntries | None = None  # what the engine scored (for re-scoring with appraised points)
    self_assessed: Verdict | None = None  # the verdict on self-assessed points, when `verdict` uses appraised ones
    appraisal: tuple[AppraisalChange, ...] = ()  # every indicator the council appraised

    @property
    def appraised(self) -> bool:
        return bool(self.appraisal)

    @property
    def on_time(self) -> bool | None:
        return None if self.days_late is None else self.days_late <= 0


@dataclass(frozen=True)
class RunResult:
    config: Config
    rule_set: RuleSet
    units: tuple[UnitOutcome, ...]
    files: tuple[FileRecord, ...]
    issues: tuple[Issue, ...]
    generated_at: dt.datetime
    tool_version: str
    appraisal_file: str = ""  # the council's appraisal workbook applied (relative to inputs), if any
    previous: dict[str, PreviousResult] = field(default_factory=dict)  # unit code -> last year's result
    previous_year: int | None = None

    @property
    def counts(self) -> dict[str, int]:
        units = self.units
        return {
            "expected": len(units),
            "submitted": sum(u.status != NOT_SUBMITTED for u in units),
            "usable": sum(u.status == SUBMITTED for u in units),
            "recognised": sum(bool(u.verdict and u.verdict.recognised) for u in units),
            "not_recognised": sum(bool(u.verdict and not u.verdict.recognised) for u in units),
            "not_submitted": sum(u.status == NOT_SUBMITTED for u in units),
            "late": sum(bool(u.days_late and u.days_late > 0) for u in units),
            "errors": sum(i.severity == "error" for i in self.issues),
            "warnings": sum(i.severity == "warning" for i in self.issues),
        }

    def used_provisional_figures(self) -> list[str]:
        """The still-provisional rule-set figures that some unit's result used, in the words of
        the office's notices (compact, in rule-set order); empty when no result rests on one."""
        used = self.used_provisional_keys()
        return compact_figures(self.rule_set, [f for f in self.rule_set.figures if f.key in used])

    def used_provisional_keys(self) -> set[str]:
        return {key for u in self.units if u.verdict for key in u.verdict.provisional_figures}

    def flatten(self, fields: tuple[str, ...] | list[str]) -> list[tuple[Any, ...]]:
        """The run's issues as plain tuples of the Issue attributes `fields`, in the run's order
        (collect sorts them by file, sheet, cell in reading order, code), so that a check is one
        list comparison: `result.flatten(("file", "cell", "code")) == [("a.xlsx", "H9", ...)]`
        (as frictionless's `report.flatten(["rowNumber", "fieldNumber", "type"])`)."""
        return [tuple(getattr(i, name) for name in fields) for i in self.issues]
