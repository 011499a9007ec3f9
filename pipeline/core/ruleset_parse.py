"""The rule-set TOML dictionary -> `rules.RuleSet`, checking everything and reporting every
problem of the file at once (like config.py), so the office fixes the file in one go.

Each check records `(key, problem)` and parsing goes on. A value that cannot be used (not a
number, a missing key) makes the object holding it unusable (`None`), and checks that need
that object (sums, steps, band order) are skipped instead of reporting a consequence of the
same mistake. Problems are recorded in reading order, so the first one is the first mistake
in the file. `rules.parse` raises one `RuleSetError` with all of them.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise
from typing import Any

from pipeline.core.rules import (
    CONTENT_KINDS,
    FIGURES,
    INDICATOR_KINDS,
    PASS_MODES,
    PROVENANCE_STATUSES,
    SCORING_KINDS,
    Band,
    Conditions,
    Criterion,
    Declaration,
    FigureSource,
    Indicator,
    IndicatorGroup,
    PassRule,
    Provenance,
    RuleSet,
    Switch,
    is_multiple,
)
from pipeline.core.text import number_text

_MISSING: Any = object()  # a required key that is absent: already reported by keys()


class Parser:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[tuple[str, str]] = []

    def fail(self, key: str, problem: str) -> None:
        self.problems.append((key, problem))

    # -- generic helpers: each returns None (after recording why) when the value is unusable
    def keys(self, table: Any, key: str, required: set[str], optional: set[str]) -> bool:
        """False when `table` is not a table at all; unknown and missing keys are recorded."""
        if not isinstance(table, dict):
            self.fail(key, "phải là một bảng (table)")
            return False
        for name in sorted(set(table) - required - optional):
            self.fail(f"{key}.{name}", "khóa không được biết (gõ sai tên?)")
        for name in sorted(required - set(table)):
            self.fail(f"{key}.{name}", "thiếu khóa bắt buộc")
        return True

    def number(self, value: Any, key: str, minimum: float | None = None) -> float | None:
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(key, f"phải là số, gặp {value!r}")
            return None
        if minimum is not None and value < minimum:
            self.fail(key, f"phải ≥ {number_text(minimum)}, gặp {number_text(value)}")
            return None
        return float(value)

    def text(self, value: Any, key: str) -> str | None:
        if value is _MISSING:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(key, "phải là chuỗi không rỗng")
            return None
        return value.strip()

    def choice(self, value: Any, key: str, allowed: tuple[str, ...]) -> str | None:
        if value is _MISSING:
            return None
        if value not in allowed:
            self.fail(key, f"phải là một trong {', '.join(allowed)}, gặp {value!r}")
            return None
        return str(value)

    def flag(self, value: Any, key: str) -> bool | None:
        if not isinstance(value, bool):
            if value is not _MISSING:
                self.fail(key, "phải là true hoặc false")
            return None
        return value

    def provenance(self, value: Any, key: str) -> Provenance | None:
        if value is _MISSING or not self.keys(value, key, {"status"}, {"source"}):
            return None
        status = self.choice(value.get("status", _MISSING), f"{key}.status", PROVENANCE_STATUSES)
        source = value.get("source", "")
        if not isinstance(source, str):
            self.fail(f"{key}.source", "phải là chuỗi")
            return None
        return Provenance(status, source) if status is not None else None

    def optional_provenance(self, table: dict, name: str, key: str) -> Provenance | None:
        return self.provenance(table[name], f"{key}.{name}") if name in table else None

    def pass_rule(self, value: Any, key: str, parts: int) -> PassRule | None:
        if not self.keys(value, key, {"mode"}, {"n"}):
            return None
        mode = self.choice(value.get("mode", _MISSING), f"{key}.mode", PASS_MODES)
        if mode == "all":
            if "n" in value:
                self.fail(f"{key}.n", 'chỉ dùng với mode = "n_of_m"')
                return None
            return PassRule("all")
        if mode is None:
            return None
        n = value.get("n")
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= parts:
            self.fail(f"{key}.n", f"phải là số nguyên từ 1 đến {parts}, gặp {n!r}")
            return None
        return PassRule("n_of_m", n)

    # -- the tree
    def rule_set(self, data: Any) -> RuleSet | None:
        if not self.keys(data, "(gốc)", {"rule_set", "conditions", "criteria"}, set()):
            return None
        head = data.get("rule_set", {})
        head_ok = "rule_set" in data and self.keys(
            head,
            "rule_set",
            {"id", "name", "first_year", "scoring", "total_max", "provenance"},
            {"decision", "guidance", "last_year", "point_step", "point_step_provenance", "confirmed_by"},
        )
        if not head_ok:
            head = {}
        get = head.get
        scoring = self.choice(get("scoring", _MISSING), "rule_set.scoring", SCORING_KINDS)
        first = self.number(get("first_year", _MISSING), "rule_set.first_year", 1990)
        first_year = int(first) if first is not None else None
        last_year: int | None = None
        if get("last_year") is not None:
            last = self.number(get("last_year"), "rule_set.last_year", first_year)
            last_year = int(last) if last is not None else None
        point_step = self.number(get("point_step", 0.25), "rule_set.point_step", 0)
        if point_step is not None and point_step <= 0:
            self.fail("rule_set.point_step", "phải > 0")
            point_step = None
        total_max = self.number(get("total_max", _MISSING), "rule_set.total_max", 0)

        criteria: list[Criterion | None] = []
        criteria_raw = data.get("criteria", _MISSING)
        if criteria_raw is not _MISSING and (not isinstance(criteria_raw, list) or not criteria_raw):
            self.fail("criteria", "cần ít nhất một tiêu chí ([[criteria]])")
        elif criteria_raw is not _MISSING:
            criteria = [self.criterion(c, f"criteria[{n}]", scoring) for n, c in enumerate(criteria_raw)]
        self.check_unique_codes(criteria)
        complete = [c for c in criteria if c is not None]
        if scoring == "points" and len(complete) == len(criteria):
            total = sum(Decimal(str(c.max)) for c in complete)
            if complete and total_max is not None and total != Decimal(str(total_max)):
                self.fail(
                    "rule_set.total_max",
                    f"tổng điểm tối đa các tiêu chí là {number_text(total)}, khác total_max = {number_text(total_max)}",
                )
        if scoring == "points" and point_step is not None:
            self.check_steps(criteria, point_step)
        self.check_sources(complete)
        conditions = None
        if "conditions" in data:
            conditions = self.conditions(data["conditions"], scoring, len(criteria), total_max)
        confirmed_by = get("confirmed_by", "")
        if not isinstance(confirmed_by, str):
            self.fail("rule_set.confirmed_by", "phải là chuỗi")
            confirmed_by = ""
        rule_set_id = self.text(get("id", _MISSING), "rule_set.id")
        name = self.text(get("name", _MISSING), "rule_set.name")
        step_provenance = self.optional_provenance(head, "point_step_provenance", "rule_set")
        provenance = self.provenance(get("provenance", _MISSING), "rule_set.provenance")
        if self.problems:
            return None
        assert rule_set_id and name and scoring and first_year and total_max is not None and point_step
        assert provenance and conditions
        rs = RuleSet(
            id=rule_set_id,
            name=name,
            decision=get("decision", ""),
            guidance=get("guidance", ""),
            first_year=first_year,
            last_year=last_year,
            scoring=scoring,
            total_max=total_max,
            point_step=point_step,
            point_step_provenance=step_provenance,
            provenance=provenance,
            conditions=conditions,
            criteria=tuple(complete),
            source_file=self.file,
            confirmed_by=confirmed_by.strip(),
        )
        rs.indicator_index.update({i.code: i for i in rs.indicators})
        return rs

    def criterion(self, raw: Any, key: str, scoring: str | None) -> Criterion | None:
        pass_fail = scoring == "pass_fail"
        required = {"code", "name", "provenance", "indicators"} | (set() if pass_fail else {"max"})
        if not self.keys(raw, key, required, {"pass_rule", "switch"} | ({"max"} if pass_fail else set())):
            return None
        code = self.text(raw.get("code", _MISSING), f"{key}.code")
        max_points = self.number(raw.get("max", 0 if pass_fail else _MISSING), f"{key}.max", 0)
        inds_raw = raw.get("indicators", _MISSING)
        indicators: list[Indicator | None] = [None]  # unusable until read
        groups: list[IndicatorGroup | None] = []
        if inds_raw is not _MISSING and (not isinstance(inds_raw, list) or not inds_raw):
            self.fail(f"{key}.indicators", "cần ít nhất một chỉ tiêu")
        elif inds_raw is not _MISSING:
            indicators = []
            for n, i in enumerate(inds_raw):
                ikey = f"{key}.indicators[{n}]"
                if pass_fail and isinstance(i, dict) and ("contents" in i or i.get("kind") in CONTENT_KINDS):
                    group, leaves = self.group(i, ikey, code or "")
                    groups.append(group)
                    indicators += leaves
                else:
                    indicators.append(self.indicator(i, ikey, code or "", scoring))
        if groups and len(groups) != len(inds_raw):
            self.fail(f"{key}.indicators", "các chỉ tiêu của một tiêu chí phải cùng dạng (có nội dung)")
        complete = [i for i in indicators if i is not None]
        switch = self.switch(raw["switch"], f"{key}.switch") if "switch" in raw else None
        if "switch" in raw and not pass_fail:
            self.fail(f"{key}.switch", "chỉ dùng cho bộ tiêu chí đạt/không đạt")
        rule: PassRule | None = PassRule()
        if scoring == "points":
            total = sum(Decimal(str(i.max)) for i in complete)
            if max_points is not None and len(complete) == len(indicators) and total != Decimal(str(max_points)):
                self.fail(
                    f"{key}.max",
                    f"tổng điểm tối đa các chỉ tiêu của {code} là {number_text(total)}, khác max = {number_text(max_points)}",
                )
            if "pass_rule" in raw:
                self.fail(f"{key}.pass_rule", "chỉ dùng cho bộ tiêu chí đạt/không đạt")
        elif scoring == "pass_fail":
            parts = len(groups) or len(indicators)
            rule = self.pass_rule(raw.get("pass_rule", {"mode": "all"}), f"{key}.pass_rule", parts)
        name = self.text(raw.get("name", _MISSING), f"{key}.name")
        provenance = self.provenance(raw.get("provenance", _MISSING), f"{key}.provenance")
        if None in (code, name, max_points, provenance, rule) or len(complete) != len(indicators):
            return None
        if None in groups or ("switch" in raw and switch is None):
            return None
        assert code and name and max_points is not None and provenance and rule
        return Criterion(
            code=code,
            name=name,
            max=max_points,
            provenance=provenance,
            indicators=tuple(complete),
            pass_rule=rule,
            groups=tuple(g for g in groups if g is not None),
            switch=switch,
        )

    def switch(self, raw: Any, key: str) -> Switch | None:
        if not self.keys(raw, key, {"label", "provenance"}, set()):
            return None
        label = self.text(raw.get("label", _MISSING), f"{key}.label")
        provenance = self.provenance(raw.get("provenance", _MISSING), f"{key}.provenance")
        return Switch(label, provenance) if label and provenance else None

    def group(self, raw: dict, key: str, criterion: str) -> tuple[IndicatorGroup | None, list[Indicator | None]]:
        """An indicator made of contents; one written with a content kind and no contents is
        its own single content (same code)."""
        if "contents" not in raw:
            leaf = self.content(raw, key, criterion, raw.get("code", ""))
            if leaf is None:
                return None, [None]
            return IndicatorGroup(leaf.code, leaf.name, criterion, (leaf.code,), leaf.provenance), [leaf]
        if not self.keys(raw, key, {"code", "name", "provenance", "contents"}, set()):
            return None, [None]
        code = self.text(raw.get("code", _MISSING), f"{key}.code")
        name = self.text(raw.get("name", _MISSING), f"{key}.name")
        provenance = self.provenance(raw.get("provenance", _MISSING), f"{key}.provenance")
        items = raw.get("contents")
        if not isinstance(items, list) or not items:
            self.fail(f"{key}.contents", "cần ít nhất một nội dung ([[criteria.indicators.contents]])")
            return None, [None]
        leaves = [self.content(c, f"{key}.contents[{n}]", criterion, code or "") for n, c in enumerate(items)]
        for n, leaf in enumerate(leaves):
            if leaf is not None and code and not leaf.code.startswith(f"{code}."):
                self.fail(f"{key}.contents[{n}].code", f"mã nội dung phải bắt đầu bằng {code}., gặp {leaf.code!r}")
        if None in (code, name, provenance) or None in leaves:
            return None, leaves
        assert code and name and provenance
        return IndicatorGroup(code, name, criterion, tuple(leaf.code for leaf in leaves if leaf), provenance), leaves

    def content(self, raw: Any, key: str, criterion: str, group: str) -> Indicator | None:
        optional = {
            "not_applicable_full",
            "threshold",
            "numerator_label",
            "denominator_label",
            "numerator_from",
            "denominator_from",
            "options",
            "min_ticked",
            "requirement",
        }
        if not self.keys(raw, key, {"code", "name", "kind", "provenance"}, optional):
            return None
        code = self.code(raw.get("code", _MISSING), f"{key}.code")
        kind = self.choice(raw.get("kind", _MISSING), f"{key}.kind", CONTENT_KINDS)
        name = self.text(raw.get("name", _MISSING), f"{key}.name")
        provenance = self.provenance(raw.get("provenance", _MISSING), f"{key}.provenance")
        naf = self.flag(raw.get("not_applicable_full", False), f"{key}.not_applicable_full")
        requirement = raw.get("requirement", "")
        if not isinstance(requirement, str):
            self.fail(f"{key}.requirement", "phải là chuỗi")
            requirement = ""
        usable = True
        threshold = None
        sources: dict[str, FigureSource | None] = {}
        options: tuple[str, ...] = ()
        min_ticked = 0
        only: dict[str, tuple[str, ...]] = {
            "rate": ("threshold", "numerator_from", "denominator_from", "numerator_label", "denominator_label"),
            "checklist": ("options", "min_ticked"),
        }
        for other, names in only.items():
            for extra in names:
                if extra in raw and kind is not None and kind != other:
                    self.fail(f"{key}.{extra}", f'chỉ dùng với kind = "{other}"')
                    usable = False
        if kind == "rate":
            threshold = self.number(raw.get("threshold", _MISSING), f"{key}.threshold", 0)
            if "threshold" not in raw:
                self.fail(f"{key}.threshold", "nội dung tính theo tỷ lệ cần ngưỡng (threshold, %)")
            elif threshold is not None and threshold > 100:
                self.fail(f"{key}.threshold", f"là tỷ lệ phần trăm từ 0 đến 100, gặp {number_text(threshold)}")
                threshold = None
            usable = usable and threshold is not None
            for figure in FIGURES:
                if f"{figure}_from" in raw:
                    sources[figure] = self.figure_source(raw[f"{figure}_from"], f"{key}.{figure}_from")
                    usable = usable and sources[figure] is not None
        elif kind == "checklist":
            options, min_ticked = self.checklist(raw, key)
            usable = usable and bool(options)
        if None in (code, kind, name, provenance, naf) or not usable:
            return None
        assert code and kind and name and provenance and naf is not None
        return Indicator(
            code=code,
            name=name,
            max=0.0,
            kind=kind,
            criterion=criterion,
            provenance=provenance,
            not_applicable_full=naf,
            numerator_label=raw.get("numerator_label", "Tử số"),
            denominator_label=raw.get("denominator_label", "Mẫu số"),
            group=group or code,
            threshold=threshold,
            numerator_from=sources.get("numerator"),
            denominator_from=sources.get("denominator"),
            options=options,
            min_ticked=min_ticked,
            requirement=requirement.strip(),
        )

    def code(self, value: Any, key: str) -> str | None:
        code = self.text(value, key)
        if code is not None and not all(ch.isalnum() or ch == "." for ch in code):
            self.fail(key, f"mã chỉ gồm chữ, số và dấu chấm, gặp {code!r}")
            return None
        return code

    def figure_source(self, raw: Any, key: str) -> FigureSource | None:
        if not self.keys(raw, key, {"content", "figure"}, set()):
            return None
        content = self.text(raw.get("content", _MISSING), f"{key}.content")
        figure = self.choice(raw.get("figure", _MISSING), f"{key}.figure", FIGURES)
        return FigureSource(content, figure) if content and figure else None

    def checklist(self, raw: dict, key: str) -> tuple[tuple[str, ...], int]:
        options = raw.get("options", _MISSING)
        if not isinstance(options, list) or not options or not all(isinstance(o, str) and o.strip() for o in options):
            self.fail(f"{key}.options", "danh sách hoạt động phải là các chuỗi không rỗng, ít nhất một")
            return (), 0
        n = raw.get("min_ticked", 1)
        if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= len(options):
            self.fail(f"{key}.min_ticked", f"phải là số nguyên từ 1 đến {len(options)}, gặp {n!r}")
            return (), 0
        return tuple(o.strip() for o in options), n

    def indicator(self, raw: Any, key: str, criterion: str, scoring: str | None) -> Indicator | None:
        optional = {"not_applicable_full", "deduction_max", "bands", "numerator_label", "denominator_label"}
        if not self.keys(raw, key, {"code", "name", "max", "kind", "provenance"}, optional):
            return None
        code = self.text(raw.get("code", _MISSING), f"{key}.code")
        if code is not None and not all(ch.isalnum() or ch == "." for ch in code):
            self.fail(f"{key}.code", f"mã chỉ gồm chữ, số và dấu chấm, gặp {code!r}")
            code = None
        kind = self.choice(raw.get("kind", _MISSING), f"{key}.kind", INDICATOR_KINDS)
        if kind in CONTENT_KINDS:
            self.fail(f"{key}.kind", f'kind = "{kind}" chỉ dùng trong bộ tiêu chí đạt/không đạt')
        elif scoring == "pass_fail" and kind not in (None, "pass_fail"):
            self.fail(f"{key}.kind", 'bộ tiêu chí đạt/không đạt chỉ có chỉ tiêu kind = "pass_fail"')
        if scoring == "points" and kind == "pass_fail":
            self.fail(f"{key}.kind", 'bộ tiêu chí tính điểm không dùng kind = "pass_fail"')
        max_points = self.number(raw.get("max", _MISSING), f"{key}.max", 0)
        naf = self.flag(raw.get("not_applicable_full", False), f"{key}.not_applicable_full")
        deduction = self.number(raw.get("deduction_max", 0), f"{key}.deduction_max", 0)
        bands: tuple[Band, ...] | None = ()
        if kind == "rate_bands":
            bands = self.bands(raw.get("bands"), f"{key}.bands", max_points)
        elif "bands" in raw and kind is not None:
            self.fail(f"{key}.bands", 'chỉ dùng với kind = "rate_bands"')
        name = self.text(raw.get("name", _MISSING), f"{key}.name")
        provenance = self.provenance(raw.get("provenance", _MISSING), f"{key}.provenance")
        if None in (code, kind, max_points, naf, deduction, bands, name, provenance):
            return None
        assert code and kind and name and provenance and max_points is not None and deduction is not None
        assert naf is not None and bands is not None
        return Indicator(
            code=code,
            name=name,
            max=max_points,
            kind=kind,
            criterion=criterion,
            provenance=provenance,
            not_applicable_full=naf,
            deduction_max=deduction,
            bands=bands,
            numerator_label=raw.get("numerator_label", "Tử số"),
            denominator_label=raw.get("denominator_label", "Mẫu số"),
        )

    def bands(self, raw: Any, key: str, max_points: float | None) -> tuple[Band, ...] | None:
        if not isinstance(raw, list) or not raw:
            self.fail(key, "chỉ tiêu tính theo tỷ lệ cần ít nhất một mức (bands)")
            return None
        bands: list[Band | None] = []
        for n, b in enumerate(raw):
            bkey = f"{key}[{n}]"
            if not self.keys(b, bkey, {"from", "points", "provenance"}, {"to"}):
                bands.append(None)
                continue
            lower = self.number(b.get("from", _MISSING), f"{bkey}.from", 0)
            upper = self.number(b["to"], f"{bkey}.to") if "to" in b else None
            usable = "to" not in b or upper is not None
            if upper is not None and lower is not None and upper <= lower:
                self.fail(f"{bkey}.to", f"phải lớn hơn from ({number_text(lower)}), gặp {number_text(upper)}")
                usable = False
            points = self.number(b.get("points", _MISSING), f"{bkey}.points", 0)
            if points is not None and max_points is not None and points > max_points:
                self.fail(f"{bkey}.points", f"vượt điểm tối đa của chỉ tiêu ({number_text(max_points)})")
                usable = False
            provenance = self.provenance(b.get("provenance", _MISSING), f"{bkey}.provenance")
            if usable and lower is not None and points is not None and provenance is not None:
                bands.append(Band(lower, upper, points, provenance))
            else:
                bands.append(None)
        complete = [b for b in bands if b is not None]
        if len(complete) != len(bands):
            return None
        return self.band_order(complete, key)

    def band_order(self, bands: list[Band], key: str) -> tuple[Band, ...] | None:
        before = len(self.problems)
        ordered = sorted(bands, key=lambda b: b.lower)
        if ordered[0].lower != 0:
            self.fail(key, f"các mức phải bắt đầu từ 0%, mức thấp nhất bắt đầu từ {number_text(ordered[0].lower)}%")
        for low, high in pairwise(ordered):
            if low.upper is None or low.upper > high.lower:
                self.fail(key, f"mức từ {number_text(low.lower)}% chồng lên mức từ {number_text(high.lower)}%")
            elif low.upper < high.lower:
                self.fail(key, f"có khoảng trống giữa {number_text(low.upper)}% và {number_text(high.lower)}%")
        if ordered[-1].upper is not None:
            self.fail(
                key, f"mức cao nhất phải không có cận trên (bỏ 'to'), đang dừng ở {number_text(ordered[-1].upper)}%"
            )
        points = [b.points for b in ordered]
        if points != sorted(points):
            self.fail(key, "tỷ lệ cao hơn không được cho ít điểm hơn")
        return tuple(ordered) if len(self.problems) == before else None

    def conditions(self, raw: Any, scoring: str | None, n_criteria: int, total_max: float | None) -> Conditions | None:
        optional = {
            "total_min",
            "total_min_provenance",
            "criterion_min_fraction",
            "criterion_min_fraction_provenance",
            "declarations",
            "criteria_pass_rule",
            "criteria_pass_rule_provenance",
        }
        if not self.keys(raw, "conditions", set(), optional):
            return None
        usable = True
        total_min = fraction = None
        rule: PassRule | None = None
        if scoring == "points":
            if "criteria_pass_rule" in raw:
                self.fail("conditions.criteria_pass_rule", "chỉ dùng cho bộ tiêu chí đạt/không đạt")
            if "total_min" in raw:
                total_min = self.number(raw["total_min"], "conditions.total_min", 0)
                if total_min is not None and total_max is not None and total_min > total_max:
                    self.fail("conditions.total_min", f"vượt total_max ({number_text(total_max)})")
            if "criterion_min_fraction" in raw:
                fraction = self.number(raw["criterion_min_fraction"], "conditions.criterion_min_fraction", 0)
                if fraction is not None and fraction > 1:
                    self.fail("conditions.criterion_min_fraction", "là tỷ lệ từ 0 đến 1 (ví dụ 0.5)")
        elif scoring == "pass_fail":
            for k in ("total_min", "criterion_min_fraction"):
                if k in raw:
                    self.fail(f"conditions.{k}", "chỉ dùng cho bộ tiêu chí tính điểm")
            rule = self.pass_rule(
                raw.get("criteria_pass_rule", {"mode": "all"}), "conditions.criteria_pass_rule", n_criteria
            )
            usable = rule is not None
        declarations = self.declarations(raw.get("declarations", []))
        return (
            Conditions(
                total_min=total_min,
                total_min_provenance=self.optional_provenance(raw, "total_min_provenance", "conditions"),
                criterion_min_fraction=fraction,
                criterion_min_fraction_provenance=self.optional_provenance(
                    raw, "criterion_min_fraction_provenance", "conditions"
                ),
                declarations=declarations,
                criteria_pass_rule=rule,
                criteria_pass_rule_provenance=self.optional_provenance(
                    raw, "criteria_pass_rule_provenance", "conditions"
                ),
            )
            if usable
            else None
        )

    def declarations(self, raw: Any) -> tuple[Declaration, ...]:
        if not isinstance(raw, list):
            self.fail("conditions.declarations", "phải là danh sách ([[conditions.declarations]])")
            return ()
        found = []
        seen: set[str] = set()
        for n, d in enumerate(raw):
            dkey = f"conditions.declarations[{n}]"
            if not self.keys(d, dkey, {"key", "label", "disqualifying_answer", "provenance"}, {"short"}):
                continue
            name = self.text(d.get("key", _MISSING), f"{dkey}.key")
            if name is not None and (not name.isidentifier() or name in seen):
                self.fail(f"{dkey}.key", f"phải là tên duy nhất gồm chữ không dấu, số, '_', gặp {name!r}")
            if name is not None:
                seen.add(name)
            answer = self.flag(d.get("disqualifying_answer", _MISSING), f"{dkey}.disqualifying_answer")
            label = self.text(d.get("label", _MISSING), f"{dkey}.label")
            provenance = self.provenance(d.get("provenance", _MISSING), f"{dkey}.provenance")
            if name is not None and answer is not None and label is not None and provenance is not None:
                short = d.get("short", label)
                found.append(
                    Declaration(key=name, label=label, short=short, disqualifying_answer=answer, provenance=provenance)
                )
        return tuple(found)

    def check_unique_codes(self, criteria: list[Criterion | None]) -> None:
        # Compared in defined-name form, since '1.1' and '1_1' would give the same cell name.
        seen: dict[str, str] = {}
        for n, c in enumerate(criteria):
            if c is None:
                continue
            places = [(c.code, f"criteria[{n}].code")]
            places += [(i.code, f"criteria[{n}].indicators[{m}].code") for m, i in enumerate(c.indicators)]
            places += [
                (g.code, f"criteria[{n}].indicators[{m}].code") for m, g in enumerate(c.groups) if len(g.contents) > 1
            ]
            for code, key in places:
                name = code.replace(".", "_").lower()
                if name in seen:
                    self.fail(key, f"mã {code!r} trùng với {seen[name]}")
                else:
                    seen[name] = key

    def check_steps(self, criteria: list[Criterion | None], step: float) -> None:
        for n, c in enumerate(criteria):
            for m, i in enumerate(c.indicators if c is not None else ()):
                for name, value in (("max", i.max), ("deduction_max", i.deduction_max)):
                    if not is_multiple(value, step):
                        self.fail(
                            f"criteria[{n}].indicators[{m}].{name}",
                            f"{number_text(value)} không phải bội số của bậc điểm {number_text(step)}",
                        )

    def check_sources(self, criteria: list[Criterion]) -> None:
        """A figure taken from another content must name a rate content whose figure is entered
        (one step only: no chains, so no cycles)."""
        leaves = {i.code: i for c in criteria for i in c.indicators}
        for n, c in enumerate(criteria):
            for i in c.indicators:
                for figure in ("numerator", "denominator"):
                    source = i.derived(figure)
                    if source is None:
                        continue
                    key = f"criteria[{n}] nội dung {i.code}.{figure}_from"
                    other = leaves.get(source.content)
                    if other is None or other.kind != "rate" or other.code == i.code:
                        self.fail(key, f"phải là mã một nội dung khác tính theo tỷ lệ, gặp {source.content!r}")
                    elif other.derived(source.figure) is not None:
                        self.fail(key, f"số liệu của {source.content} cũng được lấy từ nội dung khác: hãy lấy từ nguồn")
                if i.numerator_from and i.denominator_from:
                    self.fail(f"criteria[{n}] nội dung {i.code}", "không thể lấy cả tử số và mẫu số từ nội dung khác")
