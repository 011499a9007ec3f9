"""Rule sets: the legal-access standard expressed as data.

A rule set is one TOML file (see `pipeline/rulesets/`). This module loads it into frozen
dataclasses, checked by `ruleset_parse`, so that the scoring engine never meets an
inconsistent rule: sums that do not add up, duplicate codes, bands with gaps or overlaps and
unknown keys all fail on load, every problem of the file at once, each line naming the file,
the key and the problem.

The engine knows no criterion by name: everything it needs is in these objects.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from importlib.resources import files
from pathlib import Path
from typing import Any

from pipeline.core import toml_text
from pipeline.core.errors import TcplError
from pipeline.core.text import number_text

# Shipped with the package (package-data): a real folder in an installed or editable package.
BUILTIN_DIR = Path(str(files("pipeline") / "rulesets"))

PROVENANCE_STATUSES = ("verified", "derived", "provisional")
# Leaf kinds. Points sets: points | rate_bands. Pass/fail sets: pass_fail (a whole indicator
# judged Đạt / Không đạt) or, where indicators have contents (nội dung, QĐ 27/2025), the content
# kinds: requirement (declared Đạt / Không đạt), rate (numerator / denominator × 100 ≥
# threshold %), checklist (at least n of the listed options ticked).
CONTENT_KINDS = ("requirement", "rate", "checklist")
INDICATOR_KINDS = ("points", "rate_bands", "pass_fail", *CONTENT_KINDS)
FIGURES = ("numerator", "denominator")  # what a rate may take from another content
SCORING_KINDS = ("points", "pass_fail")
PASS_MODES = ("all", "n_of_m")


class RuleSetError(TcplError, ValueError):
    """A rule-set file that cannot be used. Every problem found names file, key and problem,
    one line each; `key` and `problem` are the first one's."""

    def __init__(self, file: str, key: str = "-", problem: str = "", *, problems: Sequence[tuple[str, str]] = ()):
        self.file = file
        self.problems: list[tuple[str, str]] = list(problems) or [(key, problem)]
        self.key, self.problem = self.problems[0]
        super().__init__("\n".join(self.lines))

    @property
    def lines(self) -> list[str]:
        return [f"{self.file}: {key}: {problem}" for key, problem in self.problems]


@dataclass(frozen=True)
class Provenance:
    status: str  # verified | derived | provisional
    source: str = ""

    @property
    def provisional(self) -> bool:
        return self.status == "provisional"


@dataclass(frozen=True)
class Band:
    """Points for a rate in [lower, upper) percent; upper None means no upper bound."""

    lower: float
    upper: float | None
    points: float
    provenance: Provenance

    def contains(self, rate: float) -> bool:
        return rate >= self.lower and (self.upper is None or rate < self.upper)


@dataclass(frozen=True)
class FigureSource:
    """A rate's numerator or denominator taken from another content's figure instead of being
    entered (e.g. 1.2's denominator is 1.1's denominator)."""

    content: str
    figure: str  # numerator | denominator

    def describe(self) -> str:
        return f"{'tử số' if self.figure == 'numerator' else 'mẫu số'} của nội dung {self.content}"


@dataclass(frozen=True)
class Indicator:
    """A leaf of the rule set: what a unit enters and the engine judges. In a points set it is
    an indicator (chỉ tiêu); in a set whose indicators have contents (nội dung) it is a content,
    and `group` names the indicator it belongs to (see IndicatorGroup)."""

    code: str
    name: str
    max: float
    kind: str  # points | rate_bands | pass_fail
    criterion: str
    provenance: Provenance
    not_applicable_full: bool = False
    deduction_max: float = 0.0  # points may go down to -deduction_max
    bands: tuple[Band, ...] = ()
    numerator_label: str = ""
    denominator_label: str = ""
    # Content kinds (pass/fail sets with contents); not_applicable_full then means "không
    # phát sinh" makes the content Đạt.
    group: str = ""  # the indicator (chỉ tiêu) code this content belongs to
    threshold: float | None = None  # rate: Đạt when the rate in % is at least this
    numerator_from: FigureSource | None = None
    denominator_from: FigureSource | None = None
    options: tuple[str, ...] = ()  # checklist: the listed activities, numbered from 1
    min_ticked: int = 0  # checklist: Đạt when at least this many are ticked
    requirement: str = ""  # extra words of the requirement shown on the form (e.g. a time limit)

    @property
    def is_content(self) -> bool:
        return self.kind in CONTENT_KINDS

    def derived(self, figure: str) -> FigureSource | None:
        return self.numerator_from if figure == "numerator" else self.denominator_from

    def requirement_text(self) -> str:
        """The requirement in words, from the data (shown on the form and the unit sheets)."""
        extra = f" ({self.requirement})" if self.requirement else ""
        if self.kind == "rate" and self.threshold is not None:
            return f"Tỷ lệ đạt từ {number_text(self.threshold)}% trở lên{extra}"
        if self.kind == "checklist":
            return f"Thực hiện ít nhất {self.min_ticked}/{len(self.options)} hoạt động{extra}"
        return f"Đạt yêu cầu{extra}"

    @property
    def name_key(self) -> str:
        """The code as used in defined names: '1.1' -> '1_1'."""
        return self.code.replace(".", "_")

    @property
    def min_points(self) -> float:
        return -self.deduction_max

    @property
    def provisional(self) -> bool:
        return self.provenance.provisional or any(b.provenance.provisional for b in self.bands)


@dataclass(frozen=True)
class PassRule:
    """How many of the parts must pass: all of them, or at least n."""

    mode: str = "all"
    n: int = 0

    def passes(self, passed: int, total: int) -> bool:
        return passed == total if self.mode == "all" else passed >= self.n

    def describe(self, total: int) -> str:
        return f"đạt tất cả {total}" if self.mode == "all" else f"đạt ít nhất {self.n}/{total}"


@dataclass(frozen=True)
class IndicatorGroup:
    """An indicator (chỉ tiêu) of a pass/fail set whose leaves are contents: Đạt when every one
    of its contents is. An indicator with a single content has the content's code."""

    code: str
    name: str
    criterion: str
    contents: tuple[str, ...]
    provenance: Provenance


@dataclass(frozen=True)
class Switch:
    """A criterion-level switch (e.g. "not assigned to issue legal documents this year") that,
    when the unit declares it, makes the whole criterion Đạt."""

    label: str
    provenance: Provenance


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    max: float
    provenance: Provenance
    indicators: tuple[Indicator, ...]  # the leaves, in order (contents where there are groups)
    pass_rule: PassRule = PassRule()  # pass/fail rule sets only: counted over groups when there are
    groups: tuple[IndicatorGroup, ...] = ()  # pass/fail sets with contents
    switch: Switch | None = None

    @property
    def floor_key(self) -> str:
        return self.code.lower()


@dataclass(frozen=True)
class Declaration:
    """A yes/no declaration on the form; the disqualifying answer fails recognition."""

    key: str
    label: str
    short: str
    disqualifying_answer: bool
    provenance: Provenance


@dataclass(frozen=True)
class Conditions:
    total_min: float | None
    total_min_provenance: Provenance | None
    criterion_min_fraction: float | None
    criterion_min_fraction_provenance: Provenance | None
    declarations: tuple[Declaration, ...]
    criteria_pass_rule: PassRule | None  # pass/fail rule sets only
    criteria_pass_rule_provenance: Provenance | None


@dataclass(frozen=True)
class RuleSet:
    id: str
    name: str
    decision: str
    guidance: str
    first_year: int
    last_year: int | None
    scoring: str  # points | pass_fail
    total_max: float
    point_step: float
    point_step_provenance: Provenance | None
    provenance: Provenance
    conditions: Conditions
    criteria: tuple[Criterion, ...]
    source_file: str = ""
    confirmed_by: str = ""  # who checked the figures against the official text, and when (free text)
    indicator_index: dict[str, Indicator] = field(default_factory=dict, compare=False, repr=False)

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for c in self.criteria for i in c.indicators)

    @property
    def has_contents(self) -> bool:
        """Indicators made of contents (QĐ 27/2025 style): the leaves are contents."""
        return any(c.groups for c in self.criteria)

    @property
    def groups(self) -> tuple[IndicatorGroup, ...]:
        return tuple(g for c in self.criteria for g in c.groups)

    def group_of(self, code: str) -> IndicatorGroup | None:
        return next((g for g in self.groups if code in g.contents), None)

    def indicator(self, code: str) -> Indicator:
        return self.indicator_index[code]

    def criterion(self, code: str) -> Criterion:
        return next(c for c in self.criteria if c.code == code)

    def applies_to(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)

    @functools.cached_property
    def figures(self) -> tuple[Figure, ...]:
        """Every figure of the rule set with its provenance, in the order of the rule set."""
        out: list[Figure] = []
        if self.scoring == "points" and self.point_step_provenance:
            out.append(Figure("step", f"bậc điểm {number_text(self.point_step)}", self.point_step_provenance))
        cond = self.conditions
        for key, label, prov in (
            ("total_min", "ngưỡng tổng điểm", cond.total_min_provenance),
            ("criterion_min", "ngưỡng mỗi tiêu chí", cond.criterion_min_fraction_provenance),
            ("criteria_pass", "điều kiện số tiêu chí đạt", cond.criteria_pass_rule_provenance),
        ):
            if prov:
                out.append(Figure(key, label, prov))
        out.extend(
            Figure(f"declaration:{d.key}", f'câu hỏi loại trừ "{d.short}"', d.provenance) for d in cond.declarations
        )
        points = self.scoring == "points"
        for c in self.criteria:
            label = f"điểm tối đa {c.code}" if points else f"cách đánh giá {c.code}"
            out.append(Figure(f"criterion:{c.code}", label, c.provenance, criterion=c.code))
            if c.switch is not None:
                label = f'trường hợp "{c.switch.label}" ({c.code})'
                out.append(Figure(f"switch:{c.code}", label, c.switch.provenance, criterion=c.code))
            for i in c.indicators:
                out.append(
                    Figure(
                        f"indicator:{i.code}",
                        _leaf_label(i, points),
                        i.provenance,
                        criterion=c.code,
                        indicator=i.code,
                    )
                )
                out.extend(
                    Figure(
                        f"band:{i.code}:{number_text(b.lower)}",
                        f"mức {_band_text(b)} của chỉ tiêu {i.code}",
                        b.provenance,
                        criterion=c.code,
                        indicator=i.code,
                        band_lower=b.lower,
                    )
                    for b in i.bands
                )
        return tuple(out)

    @property
    def provisional_figures(self) -> list[str]:
        """Compact Vietnamese list of every figure marked provisional (the office's banners)."""
        return compact_figures(self, [f for f in self.figures if f.provenance.provisional])

    @property
    def has_provisional(self) -> bool:
        return bool(self.provisional_figures)


@dataclass(frozen=True)
class Figure:
    """One figure of a rule set: what it is called on outputs and where it is checked from.

    A band is used only by the results whose rate fell in it (`band_lower`); every other figure
    (maxima, thresholds, the point step, declarations) is used by every result."""

    key: str
    label: str
    provenance: Provenance
    criterion: str = ""
    indicator: str = ""
    band_lower: float | None = None


def compact_figures(rule_set: RuleSet, figures: Sequence[Figure]) -> list[str]:
    """Labels of `figures`, the maxima of a criterion whose indicators are all listed grouped
    as "điểm tối đa TC2 (2.1–2.6)"."""
    keys = {f.key for f in figures}
    by_key = {f.key: f for f in figures}
    points = rule_set.scoring == "points"
    out: list[str] = [f.label for f in figures if not f.criterion]
    for c in rule_set.criteria:
        maxima = [i.code for i in c.indicators if f"indicator:{i.code}" in keys]
        if f"criterion:{c.code}" in keys and len(maxima) == len(c.indicators):
            what = "điểm tối đa" if points else "cách đánh giá và mức đạt"
            out.append(f"{what} {c.code} ({maxima[0]}–{maxima[-1]})")
        else:
            if f"criterion:{c.code}" in keys:
                out.append(by_key[f"criterion:{c.code}"].label)
            out.extend(by_key[f"indicator:{code}"].label for code in maxima)
        if f"switch:{c.code}" in keys:
            out.append(by_key[f"switch:{c.code}"].label)
        out.extend(f.label for f in figures if f.criterion == c.code and f.band_lower is not None)
    return out


def _leaf_label(indicator: Indicator, points: bool) -> str:
    if points:
        return f"điểm tối đa chỉ tiêu {indicator.code}"
    if indicator.is_content:
        return f"mức đạt nội dung {indicator.code}"
    return f"chỉ tiêu {indicator.code}"


def _band_text(band: Band) -> str:
    if band.upper is None:
        return f"≥ {number_text(band.lower)}%"
    return f"{number_text(band.lower)}–{number_text(band.upper)}%"


# --------------------------------------------------------------------------- loading


def resolve(name_or_path: str, base_dir: Path | None = None) -> Path:
    """A rule set is named by id (built-in or in base_dir/rulesets) or by a file path."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml":
        if not candidate.is_absolute() and base_dir is not None:
            candidate = base_dir / candidate
        return candidate
    for folder in ([base_dir / "rulesets"] if base_dir else []) + [BUILTIN_DIR]:
        path = folder / f"{name_or_path}.toml"
        if path.exists():
            return path
    return BUILTIN_DIR / f"{name_or_path}.toml"


def load(name_or_path: str, base_dir: Path | None = None) -> RuleSet:
    path = resolve(name_or_path, base_dir)
    if not path.exists():
        raise RuleSetError(str(path), "-", "không tìm thấy tệp bộ tiêu chí")
    try:
        data = toml_text.read(path)  # a rule set saved by Notepad (BOM) is read too
    except UnicodeDecodeError:
        raise RuleSetError(str(path), "-", "tệp phải lưu bằng mã UTF-8") from None
    except toml_text.TomlSyntaxError as exc:
        raise RuleSetError(str(path), "-", f"tệp TOML không hợp lệ: {exc.message}") from None
    return parse(data, str(path))


def parse(data: dict[str, Any], file: str = "<rule set>") -> RuleSet:
    """The TOML dictionary -> RuleSet; raises one RuleSetError listing every problem found."""
    from pipeline.core.ruleset_parse import Parser  # it builds this module's classes

    parser = Parser(file)
    rs = parser.rule_set(data)
    if rs is None or parser.problems:
        raise RuleSetError(file, problems=parser.problems or [("(gốc)", "không đọc được")])
    return rs


def is_multiple(value: float, step: float) -> bool:
    """Exact decimal check, so 0.1-style float noise never decides a score."""
    quotient = Decimal(str(value)) / Decimal(str(step))
    return quotient == quotient.to_integral_value()
