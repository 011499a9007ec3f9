"""Validate the tidy frames of all files at once: structural checks in code (structure.py) and
value checks with great-expectations suites stored as JSON in pipeline/expectations/.

Each suite runs once per run on the concatenated frames, never once per file: a validation
has a fixed cost of about half a second, while each extra file adds well under a millisecond.
Per-row limits (each indicator's min, max, step, kind) become derived columns on a copy of
the frame, so the suites stay plain data. Every unexpected row is found again through a row key and turned
into an Issue by reading the expectation's `meta.problem`:

    {"code": "POINTS_OUT_OF_RANGE",   # problems.CATALOGUE code
     "cell": "points_cell",           # column holding the A1 address
     "value": "points",               # column holding the value shown to the user
     "effect": "unusable_row",        # unusable_row | reject_file | absent: just report it
     "context": {...},                # fixed message fields
     "context_columns": {...}}        # message fields read from the row

so adding a check is a JSON edit, not a code change. great_expectations is imported inside
validate() only: importing it costs seconds, which `tcpl --help` must not pay.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from importlib.resources import files
from typing import Any

import numpy as np
import pandas as pd

from pipeline.core.cells import parse_a1
from pipeline.core.config import Config
from pipeline.core.problems import CATALOGUE, ERROR, Issue, issue
from pipeline.core.rules import CONTENT_KINDS, RuleSet
from pipeline.steps.frames import switch_columns
from pipeline.steps.normalise import frame_records
from pipeline.steps.structure import check_structure, unit_of

# Package data, read through importlib.resources so an installed (not editable) package finds it.
SUITES_DIR = files("pipeline") / "expectations"
SUITES = ("cover", "indicators")  # pipeline/expectations/<name>.json validates the frame of that name
ROW_KEY = "row_key"  # position of the row in the validated copy; GX reports it per failure
UNUSABLE_ROW, REJECT_FILE = "unusable_row", "reject_file"
TEXT_COLUMNS = ("figures", "evidence", "note")  # indicator free text, length-checked

RESULT_FORMAT = {
    "result_format": "COMPLETE",  # every unexpected row, not the first 20
    "unexpected_index_column_names": [ROW_KEY],
    "return_unexpected_index_query": False,
}


@dataclass(frozen=True)
class Validation:
    issues: tuple[Issue, ...]  # every problem, located to file / sheet / cell
    rejected_files: dict[str, str]  # file -> short Vietnamese reason; the whole file can't be used
    unusable_rows: frozenset[tuple[str, str]]  # (file, indicator code) rows scored as 0
    gx_runs: int  # great-expectations validations made (one per non-empty suite)


@dataclass(frozen=True)
class _Found:
    issue: Issue
    effect: str = ""
    indicator: str = ""


def validate(cover: pd.DataFrame, indicators: pd.DataFrame, rule_set: RuleSet, config: Config) -> Validation:
    """Check all files of a run; never raises for bad data, only for a broken suite or frame."""
    units = {row["file"]: unit_of(row) for row in frame_records(cover[["file", "unit_code", "meta_unit_code"]])}
    found = [_Found(i, REJECT_FILE if i.severity == ERROR else "") for i in check_structure(cover, rule_set, config)]

    frames = {
        "cover": derive_cover(cover),
        "indicators": derive_indicators(indicators, rule_set, _switched(cover, rule_set)),
    }
    suites = {name: load_suite(name, rule_set) for name in SUITES}
    failures, runs = _run_suites(frames, suites, {"year": config.year, "next_year": config.year + 1})
    for name, frame in frames.items():
        found += _issues(frame, suites[name]["meta"].get("row_context", {}), failures.get(name, []), units)

    found.sort(key=lambda f: _order(f.issue))
    rejected: dict[str, list[str]] = {}
    for f in found:
        if f.effect == REJECT_FILE:
            rejected.setdefault(f.issue.file, []).append(f.issue.message)
    return Validation(
        issues=tuple(f.issue for f in found),
        rejected_files={file: " ".join(reasons) for file, reasons in rejected.items()},
        unusable_rows=frozenset((f.issue.file, f.indicator) for f in found if f.effect == UNUSABLE_ROW),
        gx_runs=runs,
    )


# ------------------------------------------------------------------ derived columns


def _switched(cover: pd.DataFrame, rule_set: RuleSet) -> set[tuple[str, str]]:
    """(file, criterion) pairs whose criterion switch the unit declared: nothing to check there."""
    out = set()
    for c in rule_set.criteria:
        column = switch_columns(c.code)[0]
        if c.switch is not None and column in cover.columns:
            on = cover[column].fillna(False).astype(bool)
            out |= {(f, c.code) for f, yes in zip(cover["file"], on, strict=True) if yes}
    return out


def derive_indicators(
    frame: pd.DataFrame, rule_set: RuleSet, switched: set[tuple[str, str]] | None = None
) -> pd.DataFrame:
    """A copy with what the suite needs per row: the indicator's limits and how it is scored."""
    limits = pd.DataFrame(
        [(i.code, i.kind, i.min_points + 0.0, i.max, i.not_applicable_full) for i in rule_set.indicators],
        columns=["code", "kind", "min", "max", "na_allowed"],  # + 0.0: no "-0" in messages
    )
    out = frame.reset_index(drop=True).assign(**{ROW_KEY: range(len(frame))})
    out = out.merge(limits, on="code", how="left", validate="many_to_one")  # keeps row order
    _blank_raw(out)
    kind = out["kind"].fillna("")
    allowed = out["na_allowed"].fillna(True).astype(bool)  # unknown codes: the reader reports them
    flagged = out["not_applicable"].fillna(False).astype(bool)
    out["na_allowed"] = allowed
    # Mirrors scoring.score_indicator: which entered value decides the points of this row.
    out["scored_as"] = np.select(
        [kind == "", kind == "pass_fail", flagged & allowed, kind == "rate_bands"],
        ["unknown", "pass_fail", "not_applicable", "rate"],
        default="points",
    )
    out["is_content"] = kind.isin(CONTENT_KINDS)
    if rule_set.has_contents:
        _derive_contents(out, rule_set, kind, flagged, allowed, switched or set())
    else:  # the content checks' columns exist but never apply
        for figure in ("numerator", "denominator"):
            for suffix in ("", "_raw", "_cell"):
                out[f"eff_{figure}{suffix}"] = out[f"{figure}{suffix}"]
    out["step"] = rule_set.point_step
    step = Fraction(str(rule_set.point_step))
    out["step_remainder"] = out["points"].map({p: _remainder(p, step) for p in out["points"].dropna().unique()})
    for column in TEXT_COLUMNS:
        out[f"{column}_length"] = out[column].fillna("").astype(str).str.len()
    return out


def _derive_contents(
    out: pd.DataFrame,
    rule_set: RuleSet,
    kind: pd.Series,
    flagged: pd.Series,
    allowed: pd.Series,
    switched: set[tuple[str, str]],
) -> None:
    """Contents (sets with contents), mirroring steps.contents.judge_content: each rate's
    effective figures (a derived one looked up in the same file's source row, with that row's
    cell), and which check applies to each row."""
    files, codes = out["file"].tolist(), out["code"].tolist()
    by_key = {(f, c): n for n, (f, c) in enumerate(zip(files, codes, strict=True))}
    # Whole columns as lists, read once: a national run has hundreds of thousands of rows.
    column = {
        name: out[name].tolist()
        for figure in ("numerator", "denominator")
        for name in (figure, f"{figure}_raw", f"{figure}_cell")
    }
    flags = out["not_applicable"].tolist()
    for figure in ("numerator", "denominator"):
        values, raws, cells = (list(column[f"{figure}{suffix}"]) for suffix in ("", "_raw", "_cell"))
        source_flag = [False] * len(out)
        for n, (file, code) in enumerate(zip(files, codes, strict=True)):
            content = rule_set.indicator_index.get(code)
            source = content.derived(figure) if content is not None and content.is_content else None
            if source is None:
                continue
            at = by_key.get((file, source.content))
            other = source.figure
            values[n] = column[other][at] if at is not None else math.nan
            raws[n] = column[f"{other}_raw"][at] if at is not None else ""
            cells[n] = column[f"{other}_cell"][at] if at is not None else ""
            source_flag[n] = bool(flags[at]) if at is not None else False
        out[f"eff_{figure}"] = pd.Series(values, index=out.index, dtype="float64")
        out[f"eff_{figure}_raw"] = raws
        out[f"eff_{figure}_cell"] = cells
        if figure == "denominator":
            out["source_not_arisen"] = source_flag
    nothing = out["eff_denominator"].fillna(0).eq(0) & out["eff_numerator"].fillna(0).eq(0)
    is_rate = kind == "rate"
    arisen_nothing = allowed & nothing & (flagged | (is_rate & out["source_not_arisen"]))
    criterion = out["code"].map({i.code: i.criterion for i in rule_set.indicators})
    in_switched = pd.Series(
        [(f, c) in switched for f, c in zip(out["file"], criterion, strict=True)], index=out.index, dtype=bool
    )
    out["scored_as"] = np.select(
        [
            ~out["is_content"],
            in_switched,
            flagged & ~allowed,
            arisen_nothing | (flagged & allowed & ~is_rate),
            is_rate,
            kind == "requirement",
        ],
        [out["scored_as"], "switched", "content_na_refused", "not_applicable", "content_rate", "pass_fail"],
        default="checklist",
    )


def derive_cover(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reset_index(drop=True).assign(**{ROW_KEY: range(len(frame))})
    _blank_raw(out)
    for column in ("unit_code", "contact_name", "phone"):  # blank or spaces only = missing
        out[column] = out[column].fillna("").astype(str).str.strip()
    dates = pd.to_datetime(out["report_date"])
    out["report_year"] = dates.dt.year
    out["report_date_text"] = dates.dt.strftime("%d/%m/%Y")
    return out


def _blank_raw(frame: pd.DataFrame) -> None:
    """'Missing' means nothing typed: NaN-safe, blank-insensitive raw text on the copy."""
    for column in [c for c in frame.columns if c.endswith("_raw")]:
        frame[column] = frame[column].fillna("").astype(str).str.strip()


def _remainder(points: float, step: Fraction) -> float:
    """Exact distance above the multiple of step below points, as scoring checks it (Fraction of
    the decimal text), so validation and scoring never disagree on 0.1-style float noise."""
    if not math.isfinite(points):
        return math.nan  # the range check reports it
    quotient = Fraction(str(points)) / step
    return float(quotient - math.floor(quotient))


# ------------------------------------------------------------------ suites


def load_suite(name: str, rule_set: RuleSet) -> dict[str, Any]:
    """The suite as JSON data, with 'for_each: declaration' expectations expanded per declaration."""
    data = json.loads(SUITES_DIR.joinpath(f"{name}.json").read_text(encoding="utf-8"))
    expectations = []
    for expectation in data["expectations"]:
        if expectation["meta"]["problem"].get("for_each") == "declaration":
            expectations += [
                _substitute(expectation, {"{key}": d.key, "{label}": d.label}) for d in rule_set.conditions.declarations
            ]
        else:
            expectations.append(expectation)
    for expectation in expectations:
        problem = expectation["meta"]["problem"]
        spec = CATALOGUE[problem["code"]]  # KeyError names an unknown code
        if problem.get("effect") and spec.severity != ERROR:
            raise ValueError(f"{name}.json: {problem['code']} is a warning and cannot make data unusable")
    return {**data, "expectations": expectations}


def _substitute(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str):
        for placeholder, text in names.items():
            value = value.replace(placeholder, text)
        return value
    if isinstance(value, dict):
        return {k: _substitute(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, names) for v in value]
    return value


def _run_suites(frames: dict[str, pd.DataFrame], suites: dict[str, dict], parameters: dict[str, Any]):
    """Validate each non-empty frame once; -> ({suite: [(problem meta, [row keys])]}, runs)."""
    if all(frame.empty for frame in frames.values()):
        return {}, 0  # nothing read: no reason to pay for importing GX
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    # One in-memory context for both suites: no files, no cloud, no progress bars on stderr.
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("tcpl")
    failures: dict[str, list[tuple[dict, list[int]]]] = {}
    runs = 0
    for name, frame in frames.items():
        if frame.empty:
            continue
        # Built one by one, not ExpectationSuite(**json): the latter logs and drops a bad entry.
        suite = gx.ExpectationSuite(
            name=name,
            expectations=[ExpectationConfiguration(**e).to_domain_obj() for e in suites[name]["expectations"]],
        )
        # GX sees only the columns it checks: each row condition is a DataFrame.query whose
        # cost grows with the frame's width. Cells and values are read back by row key.
        checked = frame[[ROW_KEY, *sorted(_columns_used(suites[name]["expectations"]) - {ROW_KEY})]]
        batch = (
            source.add_dataframe_asset(name)
            .add_batch_definition_whole_dataframe(name)
            .get_batch(batch_parameters={"dataframe": checked})
        )
        outcome = batch.validate(suite, result_format=RESULT_FORMAT, expectation_parameters=parameters)
        runs += 1
        failures[name] = [_failure(name, result) for result in outcome.results if not result.success]
    return failures, runs


def _columns_used(value: Any) -> set[str]:
    """Column names in expectation kwargs, row conditions included."""
    if isinstance(value, list):
        return set().union(*map(_columns_used, value)) if value else set()
    if not isinstance(value, dict):
        return set()
    found = {v for k, v in value.items() if k in ("column", "column_A", "column_B") and isinstance(v, str)}
    if isinstance(value.get("column"), dict):  # a row condition's {"column": {"name": ...}}
        found.add(value["column"]["name"])
    return found | set().union(*(_columns_used(v) for k, v in value.items() if k != "meta"))


def _failure(suite: str, result: Any) -> tuple[dict, list[int]]:
    """(problem meta, unexpected row keys); a check that could not run is a bug, not a finding."""
    config = result.expectation_config
    rows = [int(entry[ROW_KEY]) for entry in result.result.get("unexpected_index_list") or []]
    if _raised(result.exception_info) or not rows:
        raise RuntimeError(
            f"expectations/{suite}.json: {config.type} {config.kwargs} could not run: {result.exception_info}"
        )
    return config.meta["problem"], rows


def _raised(info: Any) -> bool:
    """exception_info is a flat dict, or one dict per metric when several were computed."""
    if not isinstance(info, dict):
        return False
    if "raised_exception" in info:
        return bool(info["raised_exception"])
    return any(_raised(v) for v in info.values())


# ------------------------------------------------------------------ failures -> issues


def _issues(
    frame: pd.DataFrame, row_context: dict[str, str], failures: Iterable[tuple[dict, list[int]]], units: dict[str, str]
) -> list[_Found]:
    columns: dict[str, list] = {}

    def cell(column: str, key: int) -> Any:  # column lists built once, only for columns needed
        if column not in columns:
            columns[column] = frame[column].tolist()
        return columns[column][key]

    found = []
    for problem, keys in failures:
        from_row = {**row_context, **problem.get("context_columns", {})}
        for key in keys:
            file = cell("file", key)
            made = issue(
                problem["code"],
                file=file,
                sheet=cell("sheet", key),
                cell=cell(problem["cell"], key),
                value=cell(problem["value"], key),
                unit=units.get(file, ""),
                **problem.get("context", {}),
                **{name: cell(column, key) for name, column in from_row.items()},
            )
            indicator = cell("code", key) if "code" in frame.columns else ""
            found.append(_Found(made, problem.get("effect", ""), indicator))
    return found


def _order(item: Issue) -> tuple:
    """file, sheet, then cell in reading order (B9 before B10), then code."""
    at = parse_a1(item.cell) if item.cell else None
    row, column = (at[0] + 1, at[1] + 1) if at else (0, 0)  # (0, 0): no one cell, first
    return item.file, item.sheet, row, column, item.cell, item.code
