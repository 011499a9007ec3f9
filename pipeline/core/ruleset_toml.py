"""A rule set back to the TOML the loader reads: `to_data` gives the dictionary, `dumps` the text.

The office's corrected rule set (`tcpl rules import`) is written through here, so what it
writes is exactly what `rules.parse` reads back: `rules.parse(to_data(rs))` equals `rs`. Only
the keys the loader knows are written, defaults included where leaving them out would change
the meaning (a rule set must read the same whoever wrote it).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from pipeline.core.rules import (
    Band,
    Conditions,
    Criterion,
    Declaration,
    Indicator,
    IndicatorGroup,
    PassRule,
    Provenance,
    RuleSet,
)


def to_data(rs: RuleSet) -> dict[str, Any]:
    head: dict[str, Any] = {
        "id": rs.id,
        "name": rs.name,
        "decision": rs.decision,
        "guidance": rs.guidance,
        "first_year": rs.first_year,
    }
    if rs.last_year is not None:
        head["last_year"] = rs.last_year
    head["scoring"] = rs.scoring
    head["total_max"] = _number(rs.total_max)
    if rs.scoring == "points" or rs.point_step != 0.25:  # 0.25 is the default a pass/fail set never uses
        head["point_step"] = _number(rs.point_step)
    if rs.point_step_provenance is not None:
        head["point_step_provenance"] = _provenance(rs.point_step_provenance)
    head["provenance"] = _provenance(rs.provenance)
    if rs.confirmed_by:
        head["confirmed_by"] = rs.confirmed_by
    return {
        "rule_set": head,
        "conditions": _conditions(rs.conditions, rs.scoring),
        "criteria": [_criterion(c, rs.scoring) for c in rs.criteria],
    }


def _provenance(p: Provenance) -> dict[str, Any]:
    out: dict[str, Any] = {"status": p.status}
    if p.source:
        out["source"] = p.source
    return out


def _pass_rule(rule: PassRule) -> dict[str, Any]:
    return {"mode": "all"} if rule.mode == "all" else {"mode": rule.mode, "n": rule.n}


def _conditions(c: Conditions, scoring: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in (("total_min", c.total_min), ("criterion_min_fraction", c.criterion_min_fraction)):
        if value is not None:
            out[key] = _number(value)
    if c.total_min_provenance is not None:
        out["total_min_provenance"] = _provenance(c.total_min_provenance)
    if c.criterion_min_fraction_provenance is not None:
        out["criterion_min_fraction_provenance"] = _provenance(c.criterion_min_fraction_provenance)
    if scoring == "pass_fail" and c.criteria_pass_rule is not None:
        out["criteria_pass_rule"] = _pass_rule(c.criteria_pass_rule)
    if c.criteria_pass_rule_provenance is not None:
        out["criteria_pass_rule_provenance"] = _provenance(c.criteria_pass_rule_provenance)
    if c.declarations:
        out["declarations"] = [_declaration(d) for d in c.declarations]
    return out


def _declaration(d: Declaration) -> dict[str, Any]:
    return {
        "key": d.key,
        "label": d.label,
        "short": d.short,
        "disqualifying_answer": d.disqualifying_answer,
        "provenance": _provenance(d.provenance),
    }


def _criterion(c: Criterion, scoring: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": c.code,
        "name": c.name,
        "max": _number(c.max),
        "provenance": _provenance(c.provenance),
    }
    if scoring == "pass_fail":
        out["pass_rule"] = _pass_rule(c.pass_rule)
        del out["max"]  # a pass/fail criterion has no points
    if c.switch is not None:
        out["switch"] = {"label": c.switch.label, "provenance": _provenance(c.switch.provenance)}
    if c.groups:
        leaves = {i.code: i for i in c.indicators}
        out["indicators"] = [_group(g, leaves) for g in c.groups]
    else:
        out["indicators"] = [_indicator(i) for i in c.indicators]
    return out


def _group(g: IndicatorGroup, leaves: dict[str, Indicator]) -> dict[str, Any]:
    """An indicator of contents; one whose only content has its code is written as that content."""
    if len(g.contents) == 1 and g.contents[0] == g.code:
        return _content(leaves[g.code])
    return {
        "code": g.code,
        "name": g.name,
        "provenance": _provenance(g.provenance),
        "contents": [_content(leaves[code]) for code in g.contents],
    }


def _content(i: Indicator) -> dict[str, Any]:
    out: dict[str, Any] = {"code": i.code, "name": i.name, "kind": i.kind}
    if i.not_applicable_full:
        out["not_applicable_full"] = True
    if i.requirement:
        out["requirement"] = i.requirement
    if i.kind == "rate":
        out["threshold"] = _number(i.threshold or 0)
        out["numerator_label"] = i.numerator_label
        out["denominator_label"] = i.denominator_label
        for name, source in (("numerator_from", i.numerator_from), ("denominator_from", i.denominator_from)):
            if source is not None:
                out[name] = {"content": source.content, "figure": source.figure}
    if i.kind == "checklist":
        out["min_ticked"] = i.min_ticked
        out["options"] = list(i.options)
    out["provenance"] = _provenance(i.provenance)
    return out


def _indicator(i: Indicator) -> dict[str, Any]:
    out: dict[str, Any] = {"code": i.code, "name": i.name, "max": _number(i.max), "kind": i.kind}
    if i.not_applicable_full:
        out["not_applicable_full"] = True
    if i.deduction_max:
        out["deduction_max"] = _number(i.deduction_max)
    if i.kind == "rate_bands":
        out["numerator_label"] = i.numerator_label
        out["denominator_label"] = i.denominator_label
        out["bands"] = [_band(b) for b in i.bands]
    out["provenance"] = _provenance(i.provenance)
    return out


def _band(b: Band) -> dict[str, Any]:
    out: dict[str, Any] = {"from": _number(b.lower)}
    if b.upper is not None:
        out["to"] = _number(b.upper)
    out["points"] = _number(b.points)
    out["provenance"] = _provenance(b.provenance)
    return out


def _number(x: float) -> int | float:
    """Whole numbers as TOML integers (3, not 3.0): the file reads as people write it."""
    return int(x) if float(x).is_integer() else float(x)


# --------------------------------------------------------------------------- TOML text


def dumps(data: dict[str, Any], header: str = "") -> str:
    """TOML text for a rule-set dictionary: plain tables and arrays of tables, small tables
    inline ({ status = …, source = … }), strings escaped as TOML basic strings."""
    lines: list[str] = [f"# {line}".rstrip() for line in header.splitlines()]
    _table(lines, [], data)
    out: list[str] = []
    for line in lines:  # one blank line between tables, none at the top
        if line == "" and (not out or out[-1] == ""):
            continue
        out.append(line)
    return "\n".join(out).rstrip("\n") + "\n"


def _table(lines: list[str], path: list[str], table: dict[str, Any]) -> None:
    subtables: list[tuple[str, dict]] = []
    arrays: list[tuple[str, list]] = []
    for key, value in table.items():
        if isinstance(value, dict) and not _inline(value):
            subtables.append((key, value))
        elif isinstance(value, list) and value and all(isinstance(v, dict) and not _inline(v) for v in value):
            arrays.append((key, value))
        else:
            lines.append(f"{_key(key)} = {_value(value)}")
    for key, sub in subtables:
        lines.append("")
        lines.append(f"[{'.'.join(_key(k) for k in path + [key])}]")
        _table(lines, path + [key], sub)
    for key, items in arrays:
        for item in items:
            lines.append("")
            lines.append(f"[[{'.'.join(_key(k) for k in path + [key])}]]")
            _table(lines, path + [key], item)


def _inline(table: dict[str, Any]) -> bool:
    """Provenance, pass rules and bands are written inline; everything else as a table."""
    return all(not isinstance(v, (dict, list)) or (isinstance(v, dict) and _inline(v)) for v in table.values()) and (
        set(table)
        <= {"status", "source", "mode", "n", "from", "to", "points", "provenance", "content", "figure", "label"}
    )


def _key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() and key.isascii() else _string(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            return "[\n" + "".join(f"  {_value(v)},\n" for v in value) + "]"
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _string(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'
