"""The consolidation pipeline, wired end to end:

    discover -> read -> normalise -> validate -> identify -> score -> aggregate -> write

Each step is a function of the previous step's data; this module only wires them and is the
one place that knows the order. I/O happens in readers/ (inputs: discover, then each file read
once by the reader its kind needs, readers/inputs.py) and writers/ (outputs).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import functools
import gc
import hashlib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from pipeline import __version__
from pipeline.core.appraisal_layout import TEMPLATE_VERSION as APPRAISAL_VERSION
from pipeline.core.config import Config
from pipeline.core.errors import NothingToDo, TcplError
from pipeline.core.model import (
    IGNORED,
    NOT_SUBMITTED,
    REJECTED,
    SUBMITTED,
    UNUSABLE,
    AppraisalRead,
    IndicatorDetail,
    RunResult,
    Submission,
    UnitOutcome,
)
from pipeline.core.problems import Issue, issue
from pipeline.core.results_csv import FILE_NAME as RESULTS_CSV
from pipeline.core.rules import RuleSet
from pipeline.core.verdict import IndicatorEntry, UnitEntries
from pipeline.infra.collector import without_collector
from pipeline.infra.lock import run_lock
from pipeline.infra.parallel import read_all
from pipeline.readers.discover import discover, read_regular, sha256_file
from pipeline.readers.inputs import Fingerprint, read_candidate, read_input
from pipeline.readers.previous import load_previous
from pipeline.steps.appraise import apply_appraisal, check_appraisal, choose_appraisal
from pipeline.steps.crosscheck import banded_points_issues, cached_total_issues
from pipeline.steps.frames import declaration_columns, switch_columns
from pipeline.steps.identify import identify
from pipeline.steps.normalise import frame_records, normalise, parsed_only
from pipeline.steps.register import register
from pipeline.steps.scoring import score_unit
from pipeline.writers.output_set import recover

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RunOutputs:
    result: RunResult
    workbook: Path
    csv: Path
    manifest: Path
    unit_folder: Path | None
    feedback: list[Path] | None = None  # one workbook per unit that sent something (outputs/phan-hoi/)
    documents: list[Path] | None = None  # the recognition list, draft decision and report upward (.docx)


def consolidate(config: Config, progress: Progress | None = None) -> RunOutputs:
    """Run the whole pipeline on config.inputs and write every output to config.outputs.
    Holds the outputs folder's lock for the whole run, so two runs never interleave."""
    try:
        with run_lock(config.outputs):
            recover(config.outputs)  # a set a killed run left half switched: finished or undone
            result = collect(config, progress)
            return write_outputs(config, result)
    except OSError as exc:
        known = known_disk_error(exc, config.outputs)
        if known is None:
            raise
        raise known from exc


class OutputsNotWritable(TcplError):
    """The outputs cannot be written: a read-only folder, a full disk, a name too long."""


def known_disk_error(exc: OSError, outputs: Path) -> OutputsNotWritable | None:
    """The one-line message for what the office can fix about the disk, or None."""
    where = exc.filename or outputs
    kept = "các kết quả cũ vẫn còn nguyên."
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputsNotWritable(
            f"Không ghi được vào {where}: không có quyền ghi (thư mục chỉ đọc?). Cấp quyền ghi hoặc "
            f"chọn thư mục kết quả khác (--outputs) rồi chạy lại; {kept}"
        )
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return OutputsNotWritable(f"Đĩa đầy, không ghi được {where}. Giải phóng chỗ trống rồi chạy lại; {kept}")
    if exc.errno == errno.ENAMETOOLONG:
        return OutputsNotWritable(
            f"Tên tệp hoặc đường dẫn quá dài cho ổ đĩa: {where}. Đặt thư mục kết quả ở đường dẫn ngắn "
            f"hơn (gần gốc ổ đĩa) rồi chạy lại; {kept}"
        )
    return None


@without_collector  # a run's objects live until its end and make no cycles (collector.py)
def collect(config: Config, progress: Progress | None = None) -> RunResult:
    """Everything up to (not including) writing: a pure-as-possible RunResult."""
    if not config.inputs.is_dir():
        raise NothingToDo(
            f"Không có thư mục hồ sơ {config.inputs}. Tạo thư mục, chép phiếu của các xã vào đó "
            "(hoặc chạy 'make demo' để thử với dữ liệu mẫu)."
        )
    rule_set = config.load_rule_set()
    candidates, records, issues = discover(
        config.inputs, config.max_file_bytes, skip=_not_inputs(config), zone=config.zone
    )
    if not candidates and not records:
        raise NothingToDo(
            f"Thư mục {config.inputs} chưa có phiếu nào (.xlsx, .xls, .ods). "
            "Chạy 'make template' để tạo mẫu phiếu gửi các xã, hoặc 'make demo' để thử."
        )

    submissions, forms, appraisal_books = [], [], []
    rejected: set[str] = set()  # files that cannot be used; why is in their issues
    from_inputs = len(candidates)
    council, council_records, council_issues = _council_files(
        config, {c.rel for c in candidates} | {r.path for r in records}
    )
    candidates += council
    records += council_records
    issues += council_issues
    read = read_candidates(candidates, rule_set, config.max_file_bytes)
    for n, (got, found) in enumerate(read, start=1):
        cand = candidates[n - 1]  # as read: its size and hash are the parsed bytes'
        if n > from_inputs or isinstance(got, AppraisalRead):
            _council_file(config, rule_set, cand, got, n > from_inputs, appraisal_books, records, issues)
        else:
            forms.append(cand)
            issues.extend(found)
            if got is None:
                rejected.add(cand.rel)
            else:
                submissions.append(got)
        if progress:
            progress(n, len(candidates))
    appraisals = choose_appraisal(appraisal_books)
    issues.extend(appraisals.issues)
    by_rel = {c.rel: c for c in candidates}
    records = [
        *records,
        *(
            by_rel[file].record(status, note=note, template_version=str(APPRAISAL_VERSION))
            for file, status, note in appraisals.register
        ),
    ]

    cover, indicators, parse_issues = normalise(submissions, rule_set)
    issues.extend(parse_issues)
    issues.extend(cached_total_issues(submissions, indicators, rule_set))
    del submissions  # the raw cells are in the frames now: ~40 KB a file, gigabytes nationally

    from pipeline.steps.validate import validate  # loads great-expectations: only when there is something to check

    checked = validate(cover, indicators, rule_set, config)
    issues.extend(checked.issues)
    rejected.update(checked.rejected_files)

    modified = {c.rel: c.modified for c in forms}
    hashes = {c.rel: c.sha256 for c in forms}
    ident = identify(cover, indicators, config, rejected, modified, hashes)
    issues.extend(ident.issues)
    rejected.update(ident.rejected)

    units = _outcomes(config, rule_set, cover, indicators, ident.used, checked.unusable_rows, rejected)
    issues.extend(
        i for u in units if u.verdict for i in banded_points_issues(u.file, u.verdict, indicators, u.unit.code)
    )
    units, appraisal_issues = apply_appraisal(units, appraisals.book, rule_set)
    issues.extend(appraisal_issues)
    issues.extend(_run_level_issues(config, units))
    previous, previous_year, previous_issues = load_previous(config)
    issues.extend(previous_issues)
    issues = sorted(_with_units(issues, cover), key=_issue_order)
    files = register(forms, records, cover, ident.used, ident.superseded, rejected, issues)
    return RunResult(
        config=config,
        rule_set=rule_set,
        units=tuple(_attach_issues(units, issues)),
        files=tuple(files),
        issues=tuple(issues),
        generated_at=_as_of(candidates, config),
        tool_version=__version__,
        appraisal_file=appraisals.book.file if appraisals.book else "",
        previous=previous,
        previous_year=previous_year,
    )


def read_and_parse(path: Path, rel: str, rule_set: RuleSet) -> tuple:
    """One file read and a form's rows parsed, where it is read (a worker, when there are many):
    the parsing runs on every core and only the parsed rows travel back."""
    got, found = read_input(path, rel, rule_set)
    return (parsed_only(got, rule_set) if isinstance(got, Submission) else got), found


def read_candidates(candidates: list, rule_set: RuleSet, max_bytes: int):
    """Each candidate read in a child process (infra/parallel.py: a file that kills its reader is
    rejected alone), in order, as (got, issues); each candidate's size and hash are replaced in
    place by those of the bytes that were parsed."""
    items = [(c.path, c.rel) for c in candidates]
    read = functools.partial(_read_one, max_bytes=max_bytes)
    for k, (got, found, printed) in enumerate(read_all(items, rule_set, read, _read_failed)):
        if printed is not None:
            candidates[k] = candidates[k].read_as(printed.size, printed.sha256)
        yield got, found


def _read_one(path: Path, rel: str, rule_set: RuleSet, max_bytes: int) -> tuple:
    (got, found), printed = read_candidate(path, rel, rule_set, max_bytes)
    return (parsed_only(got, rule_set) if isinstance(got, Submission) else got), found, printed


def _read_failed(path, rel: str, code: str, detail: str) -> tuple:
    """A file whose reading killed its child (twice): rejected, and hashed here for the register."""
    try:
        data = read_regular(Path(path), 1 << 62)
        printed = Fingerprint(len(data), hashlib.sha256(data).hexdigest())
    except OSError:
        printed = None
    return None, [issue(code, file=rel, value=detail)], printed


def _not_inputs(config: Config) -> dict[Path, str]:
    """Folders under inputs/ that are never read as submissions, and why."""
    return {
        config.outputs: "thư mục kết quả của chương trình, không đọc lại",
        config.appraisal: "thư mục phiếu thẩm định của Hội đồng, đọc riêng",
    }


def _council_files(config: Config, taken: set[str]) -> tuple[list, list, list[Issue]]:
    """The files of the appraisal folder ([paths] appraisal): the only place the council's
    appraisal workbook is read from. Their names in the outputs are relative to that folder
    (distinct from every name in inputs/)."""
    folder = config.appraisal
    if not folder.is_dir():
        return [], [], []
    return discover(
        folder, config.max_file_bytes, skip={config.outputs: "thư mục kết quả"}, zone=config.zone, taken=taken
    )


def _council_file(config, rule_set, cand, got, in_council_folder, books, records, issues) -> None:
    """A file of the appraisal folder, or an appraisal workbook found in inputs/: only the
    former is the council's word; the latter is listed and never applied."""
    if isinstance(got, AppraisalRead) and in_council_folder:
        books.append((*check_appraisal(got, rule_set, config), cand.modified))
    elif isinstance(got, AppraisalRead):  # in inputs/: any commune could have made it
        issues.append(issue("APPRAISAL_IN_INPUTS", file=cand.rel, value=str(config.appraisal)))
        records.append(cand.record(IGNORED, note="phiếu thẩm định để trong thư mục hồ sơ: không áp dụng"))
    else:  # not an appraisal workbook, in the appraisal folder
        issues.append(issue("APPRAISAL_NO_TABLE", file=cand.rel))
        records.append(cand.record(REJECTED, note="không phải phiếu thẩm định"))


# ------------------------------------------------------------------ per unit


def _outcomes(
    config: Config,
    rule_set: RuleSet,
    cover: pd.DataFrame,
    indicators: pd.DataFrame,
    used: dict[str, str],
    unusable: frozenset,
    rejected: set[str],
) -> list[UnitOutcome]:
    cover_by_file = {r["file"]: r for r in frame_records(cover)}
    rows_by_file: dict[str, list[dict]] = {}
    for r in frame_records(indicators[list(_SCORED_COLUMNS)]):  # only what scoring and details use
        rows_by_file.setdefault(r["file"], []).append(r)
    tried = _files_naming_units(cover, rejected)
    out = []
    for unit in config.units:
        file = used.get(unit.code)
        if file is None:
            status = UNUSABLE if unit.code in tried else NOT_SUBMITTED
            out.append(UnitOutcome(unit=unit, status=status))
            continue
        head = cover_by_file[file]
        rows = rows_by_file.get(file, [])
        entries = {r["code"]: _entry(r, (file, r["code"]) not in unusable) for r in rows}
        declarations = {d.key: _bool(head[declaration_columns(d.key)[0]]) for d in rule_set.conditions.declarations}
        switches = {c.code: _bool(head[switch_columns(c.code)[0]]) for c in rule_set.criteria if c.switch}
        scored = UnitEntries(entries, declarations, switches)
        verdict = score_unit(rule_set, scored)
        report = head["report_date"]
        report_date = None if pd.isna(report) else pd.Timestamp(report).date()
        out.append(
            UnitOutcome(
                unit=unit,
                status=SUBMITTED,
                file=file,
                report_date=report_date,
                days_late=(report_date - config.deadline).days if report_date else None,
                contact_name=head["contact_name"],
                contact_phone=head["phone"],
                verdict=verdict,
                details={r["code"]: _detail(r) for r in rows},
                entries=scored,
            )
        )
    return out


_SCORED_COLUMNS = (
    "file",
    "code",
    "points",
    "not_applicable",
    "numerator",
    "denominator",
    "passed",
    "ticked",
    "figures",
    "evidence",
    "note",
    "points_raw",
    "numerator_raw",
    "denominator_raw",
)


def _files_naming_units(cover: pd.DataFrame, rejected: set[str]) -> set[str]:
    return {r["unit_code"] for r in frame_records(cover) if r["file"] in rejected and r["unit_code"]}


def _entry(row: dict, usable: bool) -> IndicatorEntry:
    return IndicatorEntry(
        code=row["code"],
        points=_num(row["points"]),
        not_applicable=bool(row["not_applicable"]),
        numerator=_num(row["numerator"]),
        denominator=_num(row["denominator"]),
        passed=_bool(row["passed"]),
        usable=usable,
        ticked=tuple(int(n) for n in row["ticked"].split()) if row["ticked"] else (),
        typed=_typed(row),
    )


def _typed(row: dict) -> tuple[tuple[str, str], ...]:
    """(field, text) of what was typed where a number was expected and could not be read."""
    out = []
    for field in ("points", "numerator", "denominator"):
        raw = row[f"{field}_raw"]
        if _num(row[field]) is None and isinstance(raw, str) and raw.strip():
            out.append((field, raw.strip()))
    return tuple(out)


def _detail(row: dict) -> IndicatorDetail:
    return IndicatorDetail(
        figures=row["figures"],
        evidence=row["evidence"],
        note=row["note"],
        numerator=_num(row["numerator"]),
        denominator=_num(row["denominator"]),
        entered_points=_num(row["points"]),
        not_applicable=bool(row["not_applicable"]),
    )


def _num(x) -> float | None:
    # None, <NA> and NaN (x != x) are "no value"; called for every cell of every row.
    if x is None or x is pd.NA or x != x:
        return None
    return float(x)


def _bool(x) -> bool | None:
    if x is None or x is pd.NA or x != x:
        return None
    return bool(x)


def _run_level_issues(config: Config, units: list[UnitOutcome]) -> list[Issue]:
    deadline = config.deadline.strftime("%d/%m/%Y")
    out = []
    for u in units:
        if u.status == NOT_SUBMITTED:
            out.append(issue("UNIT_NOT_SUBMITTED", unit=u.unit.code, deadline=deadline))
        elif u.days_late and u.days_late > 0:
            out.append(
                issue(
                    "SUBMITTED_LATE",
                    file=u.file,
                    unit=u.unit.code,
                    value=u.report_date.strftime("%d/%m/%Y"),
                    deadline=deadline,
                )
            )
    return out


# ------------------------------------------------------------------ register and issues


def _with_units(issues: list[Issue], cover: pd.DataFrame) -> list[Issue]:
    """Stamp each file's unit code on its issues, so every sheet can group them by unit."""
    unit_of = {r["file"]: r["unit_code"] for r in frame_records(cover)}
    return [i if i.unit or not i.file else i.located(unit=unit_of.get(i.file, "")) for i in issues]


def _attach_issues(units: list[UnitOutcome], issues: list[Issue]) -> list[UnitOutcome]:
    """Each unit gets its own issues, in the run's (already sorted) order."""
    by_unit: dict[str, list[Issue]] = {}
    for i in issues:
        if i.unit:
            by_unit.setdefault(i.unit, []).append(i)
    return [replace(u, issues=tuple(by_unit.get(u.unit.code, ()))) for u in units]


def _issue_order(i: Issue) -> tuple:
    return (i.file, i.sheet, _cell_key(i.cell), i.code, i.message)


def _cell_key(cell: str) -> tuple:
    letters = "".join(ch for ch in cell if ch.isalpha())
    digits = "".join(ch for ch in cell if ch.isdigit())
    return (int(digits) if digits else 0, len(letters), letters)


def _as_of(candidates, config: Config) -> dt.datetime:
    """The time the data describes: the newest input file. Same inputs, same outputs, byte for
    byte; SOURCE_DATE_EPOCH overrides it (reproducible-builds convention)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).replace(tzinfo=None)
    if candidates:
        return max(c.modified for c in candidates).replace(microsecond=0)
    return dt.datetime.combine(config.deadline, dt.time())


# ------------------------------------------------------------------ writing


def output_paths(config: Config) -> dict[str, Path]:
    stem = f"{config.slug}-{config.year}"
    return {
        "workbook": config.outputs / f"{stem}-tong-hop.xlsx",
        "csv": config.outputs / RESULTS_CSV,
        "manifest": config.outputs / f"{stem}-manifest.json",
        "units": config.outputs / "don-vi",
        "feedback": config.outputs / "phan-hoi",
    }


@without_collector
def write_outputs(config: Config, result: RunResult) -> RunOutputs:
    """Every output, written into a fresh hidden folder and switched in as one set
    (writers/output_set.py): a run that dies leaves the previous set, never a mix."""
    from pipeline.writers.output_set import new_set, switch_in

    with _quiet_unraisable(), new_set(config.outputs) as staging:
        written = _write_set(config, result, staging)
        names = sorted({*_set_names(config, result), *os.listdir(staging)})  # all the writers put there
        switch_in(config.outputs, staging, names)

    def final(path: Path | None) -> Path | None:
        return None if path is None else config.outputs / path.relative_to(staging)

    return RunOutputs(
        result,
        final(written["workbook"]),
        final(written["csv"]),
        final(written["manifest"]),
        final(written["units"]),
        [final(p) for p in written["feedback"]] if written["feedback"] is not None else None,
        [final(p) for p in written["documents"]],
    )


@contextlib.contextmanager
def _quiet_unraisable():
    """A write that fails (a full disk) leaves objects whose clean-up fails again later
    (ZipFile.__del__): Python would print that traceback on the terminal. The error itself
    is reported once, as the run's message."""
    previous = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: None
    try:
        yield
    except BaseException:
        gc.collect()  # the failed writer's objects are collected while the hook is quiet
        raise
    finally:
        sys.unraisablehook = previous


def _set_names(config: Config, result: RunResult) -> list[str]:
    """The items of outputs/ a run replaces (or removes, when the new set has no such item)."""
    from pipeline.writers.docs_recognition import document_paths
    from pipeline.writers.upward_report import upward_path

    paths = output_paths(config)
    return [
        *(p.name for p in paths.values()),
        *(p.name for p in document_paths(result, config.outputs).values()),
        upward_path(result, config.outputs).name,
    ]


def _write_set(config: Config, result: RunResult, folder: Path) -> dict:
    """Every output of the run, written into `folder` (the staging folder of the new set)."""
    from pipeline.writers.exports import write_manifest, write_results_csv
    from pipeline.writers.workbook import write_unit_workbooks, write_workbook

    paths = output_paths(replace(config, outputs=folder))
    per_unit_sheets = len(result.units) <= config.per_unit_sheets_max
    unit_folder = None
    if not per_unit_sheets:
        write_unit_workbooks(result, paths["units"])
        unit_folder = paths["units"]
    write_workbook(result, paths["workbook"], per_unit_sheets=per_unit_sheets)
    from pipeline.writers.docs_recognition import write_recognition_documents
    from pipeline.writers.upward_report import upward_path, write_upward_report

    documents = write_recognition_documents(result, folder)  # beside the workbook
    documents.append(write_upward_report(result, upward_path(result, folder)))  # the report upward
    write_results_csv(result, paths["csv"])
    write_manifest(
        result, paths["manifest"], sha256_file(config.source_file), sha256_file(Path(result.rule_set.source_file))
    )
    from pipeline.writers.feedback import write_feedback_workbooks

    feedback = write_feedback_workbooks(result, paths["feedback"])
    return {
        "workbook": paths["workbook"],
        "csv": paths["csv"],
        "manifest": paths["manifest"],
        "units": unit_folder,
        "feedback": feedback,
        "documents": documents,
    }
