"""Rule sets: the legal-access standard expressed as data.

A rule set is one TOML file (see `pipeline/rulesets/`). This module loads it into frozen
dataclasses and checks it, so that the scoring engine never meets an inconsistent rule:
sums that do not add up, duplicate codes, bands with gaps or overlaps and unknown keys all
fail on load with one message naming the file, the key and the problem.

The engine knows no criterion by name: everything it needs is in these objects.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

BUILTIN_DIR = Path(__file__).resolve().parents[1] / "rulesets"

PROVENANCE_STATUSES = ("verified", "derived", "provisional")
INDICATOR_KINDS = ("points", "rate_bands", "pass_fail")
SCORING_KINDS = ("points", "pass_fail")
PASS_MODES = ("all", "n_of_m")


class RuleSetError(ValueError):
    """A rule-set file that cannot be used. The message names file, key and problem."""

    def __init__(self, file: str, key: str, problem: str):
        self.file, self.key, self.problem = file, key, problem
        super().__init__(f"{file}: {key}: {problem}")


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
class Indicator:
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
class Criterion:
    code: str
    name: str
    max: float
    provenance: Provenance
    indicators: tuple[Indicator, ...]
    pass_rule: PassRule = PassRule()  # pass/fail rule sets only

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
    indicator_index: dict[str, Indicator] = field(default_factory=dict, compare=False, repr=False)

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for c in self.criteria for i in c.indicators)

    def indicator(self, code: str) -> Indicator:
        return self.indicator_index[code]

    def criterion(self, code: str) -> Criterion:
        return next(c for c in self.criteria if c.code == code)

    def applies_to(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)

    @property
    def provisional_figures(self) -> list[str]:
        """Compact Vietnamese list of every figure marked provisional (banners, notes)."""
        out: list[str] = []
        if self.point_step_provenance and self.point_step_provenance.provisional:
            out.append(f"bậc điểm {self.point_step:g}".replace(".", ","))
        cond = self.conditions
        for label, prov in (
            ("ngưỡng tổng điểm", cond.total_min_provenance),
            ("ngưỡng mỗi tiêu chí", cond.criterion_min_fraction_provenance),
            ("điều kiện số tiêu chí đạt", cond.criteria_pass_rule_provenance),
        ):
            if prov and prov.provisional:
                out.append(label)
        for c in self.criteria:
            maxima = [i.code for i in c.indicators if i.provenance.provisional]
            if c.provenance.provisional and len(maxima) == len(c.indicators):
                out.append(f"điểm tối đa {c.code} ({maxima[0]}–{maxima[-1]})")
            else:
                if c.provenance.provisional:
                    out.append(f"điểm tối đa {c.code}")
                out.extend(f"điểm tối đa chỉ tiêu {code}" for code in maxima)
            for i in c.indicators:
                out.extend(
                    f"mức {_band_text(b)} của chỉ tiêu {i.code}" for b in i.bands if b.provenance.provisional
                )
        return out
    @property
    def has_provisional(self) -> bool:
        return bool(self.provisional_figures)


def _band_text(band: Band) -> str:
    if band.upper is None:
        return f"≥ {band.lower:g}%"
    return f"{band.lower:g}–{band.upper:g}%"


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
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RuleSetError(str(path), "-", f"tệp TOML không hợp lệ ({exc})") from None
    return parse(data, str(path))


def parse(data: dict[str, Any], file: str = "<rule set>") -> RuleSet:
    return _Parser(file).rule_set(data)


class _Parser:
    """Turns the TOML dictionary into objects, failing on the first problem found."""

    def __init__(self, file: str):
        self.file = file

    def fail(self, key: str, problem: str) -> RuleSetError:
        return RuleSetError(self.file, key, problem)

    # -- generic helpers
    def keys(self, table: dict, key: str, required: set[str], optional: set[str]) -> None:
        if not isinstance(table, dict):
            raise self.fail(key, "phải là một bảng (table)")
        unknown = sorted(set(table) - required - optional)
        if unknown:
            raise self.fail(f"{key}.{unknown[0]}", "khóa không được biết (gõ sai tên?)")
        missing = sorted(required - set(table))
        if missing:
            raise self.fail(f"{key}.{missing[0]}", "thiếu khóa bắt buộc")

    def number(self, value: Any, key: str, minimum: float | None = None) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(key, f"phải là số, gặp {value!r}")
        if minimum is not None and value < minimum:
            raise self.fail(key, f"phải ≥ {minimum:g}, gặp {value:g}")
        return float(value)

    def text(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "phải là chuỗi không rỗng")
        return value.strip()

    def choice(self, value: Any, key: str, allowed: tuple[str, ...]) -> str:
        if value not in allowed:
            raise self.fail(key, f"phải là một trong {', '.join(allowed)}, gặp {value!r}")
        return value

    def provenance(self, value: Any, key: str) -> Provenance:
        self.keys(value, key, {"status"}, {"source"})
        status = self.choice(value["status"], f"{key}.status", PROVENANCE_STATUSES)
        source = value.get("source", "")
        if not isinstance(source, str):
            raise self.fail(f"{key}.source", "phải là chuỗi")
        return Provenance(status, source)

    def optional_provenance(self, table: dict, name: str, key: str) -> Provenance | None:
        return self.provenance(table[name], f"{key}.{name}") if name in table else None

    def pass_rule(self, value: Any, key: str, parts: int) -> PassRule:
        self.keys(value, key, {"mode"}, {"n"})
        mode = self.choice(value["mode"], f"{key}.mode", PASS_MODES)
        if mode == "all":
            if "n" in value:
                raise self.fail(f"{key}.n", "chỉ dùng với mode = \"n_of_m\"")
            return PassRule("all")
        n = value.get("n")
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= parts:
            raise self.fail(f"{key}.n", f"phải là số nguyên từ 1 đến {parts}, gặp {n!r}")
        return PassRule("n_of_m", n)

    # -- the tree
    def rule_set(self, data: dict) -> RuleSet:
        self.keys(data, "(gốc)", {"rule_set", "conditions", "criteria"}, set())
        head = data["rule_set"]
        self.keys(
            head,
            "rule_set",
            {"id", "name", "first_year", "scoring", "total_max", "provenance"},
            {"decision", "guidance", "last_year", "point_step", "point_step_provenance"},
        )
        scoring = self.choice(head["scoring"], "rule_set.scoring", SCORING_KINDS)
        first_year = int(self.number(head["first_year"], "rule_set.first_year", 1990))
        last_year = head.get("last_year")
        if last_year is not None:
            last_year = int(self.number(last_year, "rule_set.last_year", first_year))
        point_step = self.number(head.get("point_step", 0.25), "rule_set.point_step", 0)
        if point_step <= 0:
            raise self.fail("rule_set.point_step", "phải > 0")
        total_max = self.number(head["total_max"], "rule_set.total_max", 0)

        criteria_raw = data["criteria"]
        if not isinstance(criteria_raw, list) or not criteria_raw:
            raise self.fail("criteria", "cần ít nhất một tiêu chí ([[criteria]])")
        criteria = tuple(
            self.criterion(c, f"criteria[{n}]", scoring) for n, c in enumerate(criteria_raw)
        )
        self.check_unique_codes(criteria)
        if scoring == "points":
            total = sum(Decimal(str(c.max)) for c in criteria)
            if total != Decimal(str(total_max)):
                raise self.fail(
                    "rule_set.total_max",
                    f"tổng điểm tối đa các tiêu chí là {total:g}, khác total_max = {total_max:g}",
                )
            self.check_steps(criteria, point_step)
        conditions = self.conditions(data["conditions"], scoring, len(criteria), total_max)
        rs = RuleSet(
            id=self.text(head["id"], "rule_set.id"),
            name=self.text(head["name"], "rule_set.name"),
            decision=head.get("decision", ""),
            guidance=head.get("guidance", ""),
            first_year=first_year,
            last_year=last_year,
            scoring=scoring,
            total_max=total_max,
            point_step=point_step,
            point_step_provenance=self.optional_provenance(head, "point_step_provenance", "rule_set"),
            provenance=self.provenance(head["provenance"], "rule_set.provenance"),
            conditions=conditions,
            criteria=criteria,
            source_file=self.file,
        )
        rs.indicator_index.update({i.code: i for i in rs.indicators})
        return rs

    def criterion(self, raw: Any, key: str, scoring: str) -> Criterion:
        self.keys(raw, key, {"code", "name", "max", "provenance", "indicators"}, {"pass_rule"})
        code = self.text(raw["code"], f"{key}.code")
        max_points = self.number(raw["max"], f"{key}.max", 0)
        inds_raw = raw["indicators"]
        if not isinstance(inds_raw, list) or not inds_raw:
            raise self.fail(f"{key}.indicators", "cần ít nhất một chỉ tiêu")
        indicators = tuple(
            self.indicator(i, f"{key}.indicators[{n}]", code, scoring)
            for n, i in enumerate(inds_raw)
        )
        if scoring == "points":
            total = sum(Decimal(str(i.max)) for i in indicators)
            if total != Decimal(str(max_points)):
                raise self.fail(
                    f"{key}.max",
                    f"tổng điểm tối đa các chỉ tiêu của {code} là {total:g}, khác max = {max_points:g}",
                )
            if "pass_rule" in raw:
                raise self.fail(f"{key}.pass_rule", "chỉ dùng cho bộ tiêu chí đạt/không đạt")
            rule = PassRule()
        else:
            rule = self.pass_rule(raw.get("pass_rule", {"mode": "all"}), f"{key}.pass_rule", len(indicators))
        return Criterion(
            code=code,
            name=self.text(raw["name"], f"{key}.name"),
            max=max_points,
            provenance=self.provenance(raw["provenance"], f"{key}.provenance"),
            indicators=indicators,
            pass_rule=rule,
        )

    def indicator(self, raw: Any, key: str, criterion: str, scoring: str) -> Indicator:
        self.keys(
            raw,
            key,
            {"code", "name", "max", "kind", "provenance"},
            {"not_applicable_full", "deduction_max", "bands", "numerator_label", "denominator_label"},
        )
        code = self.text(raw["code"], f"{key}.code")
        if not all(ch.isalnum() or ch == "." for ch in code):
            raise self.fail(f"{key}.code", f"mã chỉ gồm chữ, số và dấu chấm, gặp {code!r}")
        kind = self.choice(raw["kind"], f"{key}.kind", INDICATOR_KINDS)
        if scoring == "pass_fail" and kind != "pass_fail":
            raise self.fail(f"{key}.kind", "bộ tiêu chí đạt/không đạt chỉ có chỉ tiêu kind = \"pass_fail\"")
        if scoring == "points" and kind == "pass_fail":
            raise self.fail(f"{key}.kind", "bộ tiêu chí tính điểm không dùng kind = \"pass_fail\"")
        max_points = self.number(raw["max"], f"{key}.max", 0)
        naf = raw.get("not_applicable_full", False)
        if not isinstance(naf, bool):
            raise self.fail(f"{key}.not_applicable_full", "phải là true hoặc false")
        deduction = self.number(raw.get("deduction_max", 0), f"{key}.deduction_max", 0)
        bands: tuple[Band, ...] = ()
        if kind == "rate_bands":
            bands = self.bands(raw.get("bands"), f"{key}.bands", max_points)
        elif "bands" in raw:
            raise self.fail(f"{key}.bands", "chỉ dùng với kind = \"rate_bands\"")
        return Indicator(
            code=code,
            name=self.text(raw["name"], f"{key}.name"),
            max=max_points,
            kind=kind,
            criterion=criterion,
            provenance=self.provenance(raw["provenance"], f"{key}.provenance"),
            not_applicable_full=naf,
            deduction_max=deduction,
            bands=bands,
            numerator_label=raw.get("numerator_label", "Tử số"),
            denominator_label=raw.get("denominator_label", "Mẫu số"),
        )

    def bands(self, raw: Any, key: str, max_points: float) -> tuple[Band, ...]:
        if not isinstance(raw, list) or not raw:
            raise self.fail(key, "chỉ tiêu tính theo tỷ lệ cần ít nhất một mức (bands)")
        bands = []
        for n, b in enumerate(raw):
            bkey = f"{key}[{n}]"
            self.keys(b, bkey, {"from", "points", "provenance"}, {"to"})
            lower = self.number(b["from"], f"{bkey}.from", 0)
            upper = self.number(b["to"], f"{bkey}.to") if "to" in b else None
            if upper is not None and upper <= lower:
                raise self.fail(f"{bkey}.to", f"phải lớn hơn from ({lower:g}), gặp {upper:g}")
            points = self.number(b["points"], f"{bkey}.points", 0)
            if points > max_points:
                raise self.fail(f"{bkey}.points", f"vượt điểm tối đa của chỉ tiêu ({max_points:g})")
            bands.append(Band(lower, upper, points, self.provenance(b["provenance"], f"{bkey}.provenance")))
        ordered = sorted(bands, key=lambda b: b.lower)
        if ordered[0].lower != 0:
            raise self.fail(key, f"các mức phải bắt đầu từ 0%, mức thấp nhất bắt đầu từ {ordered[0].lower:g}%")
        for low, high in zip(ordered, ordered[1:]):
            if low.upper is None or low.upper > high.lower:
                raise self.fail(key, f"mức từ {low.lower:g}% chồng lên mức từ {high.lower:g}%")
            if low.upper < high.lower:
                raise self.fail(key, f"có khoảng trống giữa {low.upper:g}% và {high.lower:g}%")
        if ordered[-1].upper is not None:
            raise self.fail(key, f"mức cao nhất phải không có cận trên (bỏ 'to'), đang dừng ở {ordered[-1].upper:g}%")
        points = [b.points for b in ordered]
        if points != sorted(points):
            raise self.fail(key, "tỷ lệ cao hơn không được cho ít điểm hơn")
        return tuple(ordered)

    def conditions(self, raw: Any, scoring: str, n_criteria: int, total_max: float) -> Conditions:
        self.keys(
            raw,
            "conditions",
            set(),
            {
                "total_min", "total_min_provenance", "criterion_min_fraction",
                "criterion_min_fraction_provenance", "declarations", "criteria_pass_rule",
                "criteria_pass_rule_provenance",
            },
        )
        total_min = fraction = rule = None
        if scoring == "points":
            if "criteria_pass_rule" in raw:
                raise self.fail("conditions.criteria_pass_rule", "chỉ dùng cho bộ tiêu chí đạt/không đạt")
            if "total_min" in raw:
                total_min = self.number(raw["total_min"], "conditions.total_min", 0)
                if total_min > total_max:
                    raise self.fail("conditions.total_min", f"vượt total_max ({total_max:g})")
            if "criterion_min_fraction" in raw:
                fraction = self.number(raw["criterion_min_fraction"], "conditions.criterion_min_fraction", 0)
                if fraction > 1:
                    raise self.fail("conditions.criterion_min_fraction", "là tỷ lệ từ 0 đến 1 (ví dụ 0.5)")
        else:
            for k in ("total_min", "criterion_min_fraction"):
                if k in raw:
                    raise self.fail(f"conditions.{k}", "chỉ dùng cho bộ tiêu chí tính điểm")
            rule = self.pass_rule(
                raw.get("criteria_pass_rule", {"mode": "all"}), "conditions.criteria_pass_rule", n_criteria
            )
        declarations = []
        seen: set[str] = set()
        for n, d in enumerate(raw.get("declarations", [])):
            dkey = f"conditions.declarations[{n}]"
            self.keys(d, dkey, {"key", "label", "disqualifying_answer", "provenance"}, {"short"})
            name = self.text(d["key"], f"{dkey}.key")
            if not name.isidentifier() or name in seen:
                raise self.fail(f"{dkey}.key", f"phải là tên duy nhất gồm chữ không dấu, số, '_', gặp {name!r}")
            seen.add(name)
            if not isinstance(d["disqualifying_answer"], bool):
                raise self.fail(f"{dkey}.disqualifying_answer", "phải là true hoặc false")
            label = self.text(d["label"], f"{dkey}.label")
            declarations.append(
                Declaration(
                    key=name,
                    label=label,
                    short=d.get("short", label),
                    disqualifying_answer=d["disqualifying_answer"],
                    provenance=self.provenance(d["provenance"], f"{dkey}.provenance"),
                )
            )
        return Conditions(
            total_min=total_min,
            total_min_provenance=self.optional_provenance(raw, "total_min_provenance", "conditions"),
            criterion_min_fraction=fraction,
            criterion_min_fraction_provenance=self.optional_provenance(
                raw, "criterion_min_fraction_provenance", "conditions"
            ),
            declarations=tuple(declarations),
            criteria_pass_rule=rule,
            criteria_pass_rule_provenance=self.optional_provenance(
                raw, "criteria_pass_rule_provenance", "conditions"
            ),
        )

    def check_unique_codes(self, criteria: tuple[Criterion, ...]) -> None:
        # Compared in defined-name form, since '1.1' and '1_1' would give the same cell name.
        seen: dict[str, str] = {}
        for n, c in enumerate(criteria):
            places = [(c.code, f"criteria[{n}].code")]
            places += [(i.code, f"criteria[{n}].indicators[{m}].code") for m, i in enumerate(c.indicators)]
            for code, key in places:
                name = code.replace(".", "_").lower()
                if name in seen:
                    raise self.fail(key, f"mã {code!r} trùng với {seen[name]}")
                seen[name] = key

    def check_steps(self, criteria: tuple[Criterion, ...], step: float) -> None:
        for n, c in enumerate(criteria):
            for m, i in enumerate(c.indicators):
                for name, value in (("max", i.max), ("deduction_max", i.deduction_max)):
                    if not is_multiple(value, step):
                        raise self.fail(
                            f"criteria[{n}].indicators[{m}].{name}",
                            f"{value:g} không phải bội số của bậc điểm {step:g}",
                        )


def is_multiple(value: float, step: float) -> bool:
    """Exact decimal check, so 0.1-style float noise never decides a score."""
    quotient = Decimal(str(value)) / Decimal(str(step))
    return quotient == quotient.to_integral_value()
