"""Read one input file with the reader its kind needs, deciding the kind once, when it is opened.

The hidden metadata (`_meta` template id) says what a workbook is: the council's appraisal
workbook goes to readers/appraisal.py, anything else to the commune form's reader, which
decides whether it is a form at all (NOT_OUR_FORM). No list of results is sorted out later.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.core.model import AppraisalRead, Submission
from pipeline.core.problems import Issue
from pipeline.core.rules import RuleSet
from pipeline.readers import appraisal, form
from pipeline.readers.opening import Opened, guarded, open_workbook


def read_input(path: Path, rel: str, rule_set: RuleSet) -> tuple[Submission | AppraisalRead | None, list[Issue]]:
    """A commune's form (Submission), the council's appraisal workbook (AppraisalRead, whose
    values steps/appraise.py checks), or None when the file cannot be used; and every problem
    found. Never raises."""
    return guarded(rel, lambda: _read(Path(path), rel, rule_set))


def _read(path: Path, rel: str, rule_set: RuleSet) -> tuple[Submission | AppraisalRead | None, list[Issue]]:
    return open_workbook(path, rel, lambda opened: _dispatch(opened, rule_set))


def _dispatch(opened: Opened, rule_set: RuleSet) -> tuple[Submission | AppraisalRead | None, list[Issue]]:
    if appraisal.is_appraisal(opened.meta):
        try:
            return appraisal.read_table(opened.sheets, opened.meta, opened.rel), []
        except Exception:  # noqa: BLE001 - a table that cannot be read: the form reader reports the file
            pass
    return form.read_form(opened, rule_set)
