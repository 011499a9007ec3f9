"""What scoring takes and gives: one unit's entries and its verdict (plain frozen records).

They live here, below every layer, because the run's model (`model.UnitOutcome`) carries them
and readers, steps and writers all read them; the engine that makes them is `steps.scoring`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

SELF_ASSESSED = "tu_cham"
APPRAISED = "tham_dinh"
SOURCE_LABEL = {SELF_ASSESSED: "tự chấm", APPRAISED: "thẩm định"}


@dataclass(frozen=True)
class IndicatorEntry:
    """What a unit entered for one indicator (already parsed and validated)."""

    code: str
    points: float | None = None
    not_applicable: bool = False
    numerator: float | None = None
    denominator: float | None = None
    passed: bool | None = None  # pass/fail rule sets
    usable: bool = True  # False when validation rejected this row
    source: str = SELF_ASSESSED
    ticked: tuple[int, ...] = ()  # checklist contents: the option numbers ticked (1-based)
    # (field, text) of what was typed where a number was expected but could not be read:
    # field is points | numerator | denominator.
    typed: tuple[tuple[str, str], ...] = ()

    def typed_text(self, field: str) -> str:
        return next((text for f, text in self.typed if f == field), "")


@dataclass(frozen=True)
class UnitEntries:
    indicators: Mapping[str, IndicatorEntry]
    declarations: Mapping[str, bool | None]
    # Criterion switches (pass/fail sets with contents): criterion code -> declared or not.
    switches: Mapping[str, bool | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Reason:
    code: str
    text: str


@dataclass(frozen=True)
class IndicatorResult:
    code: str
    criterion: str
    max: float
    points: float
    basis: str  # how the points were obtained, in Vietnamese
    source: str
    passed: bool | None = None  # pass/fail rule sets, or points == max for point sets
    rate: float | None = None
    entered_points: float | None = None
    counted_as_zero: bool = False  # points forced to 0 for missing or unusable data
    refused_cell: str = ""  # the appraisal cell (A1) whose value was refused: self-assessed points kept
    band_lower: float | None = None  # rate indicators: the lower bound of the band the rate fell in
    # Contents of pass/fail sets: the figures the rate was computed from (a derived one
    # included), the options ticked, and whether "không phát sinh" decided it.
    numerator: float | None = None
    denominator: float | None = None
    ticked: int | None = None
    not_arisen: bool = False

    @property
    def percent(self) -> float | None:
        return self.points / self.max * 100 if self.max else None


@dataclass(frozen=True)
class GroupResult:
    """An indicator (chỉ tiêu) of a set with contents: Đạt when all its contents are."""

    code: str
    name: str
    criterion: str
    passed: bool
    contents: tuple[str, ...]
    failed: tuple[str, ...]  # the contents that are Không đạt


@dataclass(frozen=True)
class CriterionResult:
    code: str
    name: str
    max: float
    points: float
    floor: float | None
    met: bool
    passed_count: int = 0  # indicators (groups, where the set has contents) that passed
    indicator_count: int = 0
    switched: bool = False  # met because the unit declared the criterion's switch


@dataclass(frozen=True)
class ConditionResult:
    code: str
    label: str
    met: bool
    detail: str


@dataclass(frozen=True)
class Verdict:
    rule_set: str
    indicators: tuple[IndicatorResult, ...]
    criteria: tuple[CriterionResult, ...]
    total: float
    total_max: float
    conditions: tuple[ConditionResult, ...]
    recognised: bool
    reasons: tuple[Reason, ...]  # one per failed condition
    provisional: tuple[Reason, ...]  # why the result is not final
    notes: tuple[Reason, ...] = field(default=())  # data that was counted as zero
    # Keys (rules.Figure.key) of the still-provisional rule-set figures this result used.
    provisional_figures: tuple[str, ...] = field(default=())
    groups: tuple[GroupResult, ...] = field(default=())  # pass/fail sets with contents
    scoring: str = "points"  # the rule set's: points | pass_fail

    @property
    def pass_fail(self) -> bool:
        return self.scoring == "pass_fail"

    @property
    def criterion_results(self) -> dict[str, float | str]:
        """What a table shows per criterion: its points, or Đạt / Không đạt."""
        if self.pass_fail:
            return {c.code: "Đạt" if c.met else "Không đạt" for c in self.criteria}
        return dict(self.criterion_points)

    @property
    def headline(self) -> float:
        """The one number of a unit's result: its total points, or how many criteria are Đạt."""
        return float(self.criteria_passed) if self.pass_fail else self.total

    @property
    def criteria_passed(self) -> int:
        return sum(1 for c in self.criteria if c.met)

    @property
    def label(self) -> str:
        return "Đạt" if self.recognised else "Chưa đạt"

    @property
    def criterion_points(self) -> dict[str, float]:
        return {c.code: c.points for c in self.criteria}
