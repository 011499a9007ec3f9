"""Read one input file with the reader its kind needs, deciding the kind once, when it is opened.

The hidden metadata (`_meta` template id) says what a workbook is: the council's appraisal
workbook goes to readers/appraisal.py, a periodic report is named and set aside (it is read by
`tcpl reports`), anything else goes to the commune form's reader, which decides whether it is a
form at all (NOT_OUR_FORM). No list of results is sorted out later.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.model import AppraisalRead, Submission
from pipeline.core.problems import Issue, issue
from pipeline.core.report_layout import TEMPLATE_ID as REPORT_TEMPLATE_ID
from pipeline.core.rules import RuleSet
from pipeline.readers import appraisal, form
from pipeline.readers.discover import NotRegularFile, TooLargeFile, read_regular, too_large
from pipeline.readers.opening import Opened, guarded, open_workbook

Got = tuple[Submission | AppraisalRead | None, list[Issue]]


@dataclass(frozen=True)
class Fingerprint:
    """What was read: the size and SHA-256 of the very bytes that were parsed."""

    size: int
    sha256: str


def read_input(path: Path, rel: str, rule_set: RuleSet) -> Got:
    """A commune's form (Submission), the council's appraisal workbook (AppraisalRead, whose
    values steps/appraise.py checks), or None when the file cannot be used; and every problem
    found. Never raises."""
    return guarded(rel, lambda: _read(Path(path), rel, rule_set))


def read_candidate(path: Path, rel: str, rule_set: RuleSet, max_bytes: int) -> tuple[Got, Fingerprint | None]:
    """read_input, on the file's bytes read once: those bytes are hashed and parsed, so the
    manifest's hash names what was scored even if the file is replaced meanwhile. Only a
    regular file of at most max_bytes is read (None: it was not read). Never raises."""
    try:
        data = read_regular(Path(path), max_bytes)
    except TooLargeFile as exc:
        return (None, [too_large(rel, exc.size, max_bytes)]), None
    except NotRegularFile:
        return (None, [issue("FILE_CORRUPT", file=rel, value="không còn là tệp thường khi đọc")]), None
    except OSError as exc:
        return (None, [issue("FILE_CORRUPT", file=rel, value=exc.strerror or type(exc).__name__)]), None
    if not data:
        return (None, [issue("FILE_EMPTY", file=rel)]), Fingerprint(0, hashlib.sha256(b"").hexdigest())
    printed = Fingerprint(len(data), hashlib.sha256(data).hexdigest())
    return guarded(rel, lambda: _read(Path(path), rel, rule_set, data)), printed


def _read(path: Path, rel: str, rule_set: RuleSet, data: bytes | None = None) -> Got:
    return open_workbook(path, rel, lambda opened: _dispatch(opened, rule_set), data)


def _dispatch(opened: Opened, rule_set: RuleSet) -> tuple[Submission | AppraisalRead | None, list[Issue]]:
    template = opened.meta.get("template_id")
    if template is not None and template.value == REPORT_TEMPLATE_ID:  # a periodic report: tcpl reports
        return None, [issue("REPORT_IN_INPUTS", file=opened.rel)]
    if appraisal.is_appraisal(opened.meta):
        try:
            return appraisal.read_table(opened.sheets, opened.meta, opened.rel), []
        except Exception:  # noqa: BLE001 - a table that cannot be read: the form reader reports the file
            pass
    return form.read_form(opened, rule_set)
