"""Plain records passed between the pipeline steps (read -> normalise -> validate -> score ->
aggregate -> write). Frozen or treated as immutable; no behaviour beyond small conveniences.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .config import Config, Unit
from .problems import Issue
from .rules import RuleSet
from .scoring import Verdict


@dataclass(frozen=True)
class Located:
    """A raw value exactly as read, with the sheet and A1 cell it came from."""

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


# File statuses in the register.
USED, SUPERSEDED, REJECTED, IGNORED = "used", "superseded", "rejected", "ignored"
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


# Unit submission statuses.
SUBMITTED, NOT_SUBMITTED, UNUSABLE = "submitted", "not_submitted", "unusable"


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
