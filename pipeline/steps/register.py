"""The file register: every file read in a run, with what became of it and why.

A file's note is derived here, from its own issues: a rejected file is described by the
problems that made it unusable (REJECTS_FILE), so the reason a file was refused exists once,
as Issues, and is never passed beside them as free text.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from pipeline.core.model import REJECTED, SUPERSEDED, USED, FileRecord
from pipeline.core.problems import Issue
from pipeline.steps.normalise import frame_records

# Problems that make their whole file unusable: the reader's (the file cannot be read as a
# form), the structure checks' errors (another rule set or year), a form without a unit code
# (expectations/cover.json, effect reject_file), an unknown unit or a file pointing to another
# unit than its code beside a consistent one (identify), and an appraisal
# workbook for another year or rule set, or without its table.
REJECTS_FILE = frozenset(
    {
        "FILE_NOT_SPREADSHEET",
        "FILE_CORRUPT",
        "FILE_ENCRYPTED",
        "FILE_UNSAFE",
        "NOT_OUR_FORM",
        "REPORT_IN_INPUTS",
        "WRONG_RULE_SET",
        "WRONG_YEAR",
        "UNIT_CODE_MISSING",
        "UNIT_UNKNOWN",
        "UNIT_CLAIMED_BY_OTHER",
        "APPRAISAL_WRONG_YEAR",
        "APPRAISAL_WRONG_RULE_SET",
        "APPRAISAL_NO_TABLE",
    }
)

# Where the register says it shorter than the message.
_SHORT = {
    "UNIT_UNKNOWN": "mã đơn vị {value} không thuộc danh sách",
    "UNIT_CLAIMED_BY_OTHER": "ghi mã đơn vị khác với {value}",
    "APPRAISAL_WRONG_YEAR": "phiếu thẩm định năm {value}",
    "APPRAISAL_WRONG_RULE_SET": "phiếu thẩm định theo bộ {value}",
    "APPRAISAL_NO_TABLE": "không thấy bảng điểm thẩm định",
}


def rejection_note(issues: Iterable[Issue]) -> str:
    """Why a file was rejected, from its issues (in the run's order)."""
    return " ".join(_note(i) for i in issues if i.code in REJECTS_FILE)


def _note(i: Issue) -> str:
    short = _SHORT.get(i.code)
    return i.message if short is None else short.format(value=i.value or "?")


def register(
    candidates,
    records: list[FileRecord],
    cover: pd.DataFrame,
    used: dict[str, str],
    superseded: dict[str, str],
    rejected: set[str],
    issues: Iterable[Issue],
) -> list[FileRecord]:
    """records (files set aside before reading) and one record per candidate read as a form.
    candidates: discover's Candidates (path, size, hash, time); issues: the run's, sorted."""
    heads = {r["file"]: r for r in frame_records(cover)}
    by_file: dict[str, list[Issue]] = {}
    for i in issues:
        if i.file in rejected:
            by_file.setdefault(i.file, []).append(i)
    used_files = set(used.values())
    out = list(records)
    for c in candidates:
        head = heads.get(c.rel, {})
        if c.rel in rejected:
            status, note = REJECTED, rejection_note(by_file.get(c.rel, ()))
        elif c.rel in superseded:
            status, note = SUPERSEDED, f"thay bằng {superseded[c.rel]}"
        elif c.rel in used_files:
            status, note = USED, ""
        else:
            status, note = REJECTED, "không xác định được đơn vị"
        report = head.get("report_date")
        out.append(
            FileRecord(
                path=c.rel,
                size=c.size,
                sha256=c.sha256,
                modified=c.modified,
                status=status,
                unit_code=head.get("unit_code", ""),
                template_version=head.get("meta_template_version", ""),
                report_date=None if report is None or pd.isna(report) else pd.Timestamp(report).date(),
                note=note,
                contact_name=_text(head.get("contact_name")),
                contact_phone=_text(head.get("phone")),
            )
        )
    return sorted(out, key=lambda f: f.path)


def _text(x) -> str:
    return x if isinstance(x, str) else ""
