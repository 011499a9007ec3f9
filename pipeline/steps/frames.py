"""Column contract of the tidy frames that normalise.py produces and validate.py checks.

Every value column that came from a cell has a sibling '<column>_cell' holding its A1 address,
so any failure can be mapped back to file / sheet / cell. '<column>_raw' keeps the text exactly
as typed (after NFC) for messages.

cover frame: one row per readable workbook
    file, sheet, unit_code, unit_code_cell, unit_name, unit_name_cell, unit_kind, unit_kind_cell,
    year (Int64, <NA> when unreadable), year_cell, year_raw,
    report_date (datetime64, NaT when empty/unreadable), report_date_cell, report_date_raw,
    contact_name, contact_name_cell, phone, phone_cell,
    meta_template_id, meta_template_version, meta_rule_set, meta_year, meta_unit_code  (str, "" when absent),
    and per declaration of the rule set: decl_<key> (boolean, <NA> unanswered/unreadable),
    decl_<key>_cell, decl_<key>_raw; per criterion switch: switch_<tc> (boolean), its _cell, _raw.

indicator frame: one row per (file, indicator code found on the score sheet)
    file, sheet, code, row (1-based sheet row),
    points (float, NaN when empty/unreadable), points_raw, points_cell,
    not_applicable (bool), not_applicable_raw, not_applicable_cell,
    numerator, numerator_raw, numerator_cell, denominator, denominator_raw, denominator_cell (float / NaN),
    passed (boolean, pass/fail rule sets; <NA> otherwise or when empty),
    ticked (str: checklist contents, the option numbers ticked, space-separated; "" otherwise),
    figures, figures_cell, evidence, evidence_cell, note, note_cell (str, "" when empty).

Text columns are str ("" for empty), never NaN, so pandas 3 string checks behave.
"""

COVER_COLUMNS = (
    "file",
    "sheet",
    "unit_code",
    "unit_code_cell",
    "unit_name",
    "unit_name_cell",
    "unit_kind",
    "unit_kind_cell",
    "year",
    "year_cell",
    "year_raw",
    "report_date",
    "report_date_cell",
    "report_date_raw",
    "contact_name",
    "contact_name_cell",
    "phone",
    "phone_cell",
    "meta_template_id",
    "meta_template_version",
    "meta_rule_set",
    "meta_year",
    "meta_unit_code",
)

INDICATOR_COLUMNS = (
    "file",
    "sheet",
    "code",
    "row",
    "points",
    "points_raw",
    "points_cell",
    "not_applicable",
    "not_applicable_raw",
    "not_applicable_cell",
    "numerator",
    "numerator_raw",
    "numerator_cell",
    "denominator",
    "denominator_raw",
    "denominator_cell",
    "passed",
    "ticked",
    "figures",
    "figures_cell",
    "evidence",
    "evidence_cell",
    "note",
    "note_cell",
)


def switch_columns(criterion: str) -> tuple[str, str, str]:
    """A criterion switch on the cover frame (sets with contents): value, cell, raw."""
    key = criterion.lower()
    return f"switch_{key}", f"switch_{key}_cell", f"switch_{key}_raw"


def declaration_columns(key: str) -> tuple[str, str, str]:
    return f"decl_{key}", f"decl_{key}_cell", f"decl_{key}_raw"
