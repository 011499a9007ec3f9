"""The commune's self-assessment form, generated from the rule set (xlsxwriter).

One workbook per form: a cover sheet (unit, dates, declarations), a score sheet laid out like
Mẫu 02 of TT 09/2021, an instruction sheet and a hidden metadata sheet. Every input cell is
unlocked, validated and carries a workbook-level defined name (layout.py holds the contract),
so a program can fill the form and the reader can find each value even if rows move.

`write_form` is also how the demo, the tests and the benchmark "fill the real form": `values`
maps defined names to what the commune would have typed. It is called thousands of times in
the benchmark, so it stays cheap: the workbook is assembled in memory (xlsxwriter's temp
files cost more than the whole form), formats are built once per workbook, cells sharing a
validation rule share one validation, and nothing is read back.

Outputs are reproducible byte for byte: the creation date is derived from the year and
xlsxwriter stamps the zip members with a fixed date.

Modules: plan.py (the named input cells), look.py (fills, widths, formats, row heights),
validation.py (what each input accepts, with its prompts), scores.py and help.py (those two
sheets), writer.py (the workbook, the cover and metadata sheets, `write_form`).
"""

from pipeline.steps.values import slug
from pipeline.writers.form.look import (
    COVER_WIDTHS,
    CRITERION_FILL,
    FONT,
    HEADER_FILL,
    HELP_WIDTHS,
    INPUT_FILL,
    NA_FILL,
    PREFILLED_FILL,
    SCORE_WIDTHS,
    TOTAL_FILL,
    FormFormats,
    fit_row,
)
from pipeline.writers.form.plan import (
    LAST_SCORE_COL,
    InputCell,
    cover_cells,
    indicator_fields,
    input_cells,
    input_names,
    score_cells,
    score_rows,
)
from pipeline.writers.form.scores import TITLE
from pipeline.writers.form.validation import (
    COVER_HINTS,
    COVER_TITLES,
    TEXT_LIMITS,
    dv_key,
    dv_list,
    dv_message,
    dv_options,
    validation_for,
)
from pipeline.writers.form.writer import template_name, write_form, write_templates

__all__ = [
    "COVER_HINTS",
    "COVER_TITLES",
    "COVER_WIDTHS",
    "CRITERION_FILL",
    "FONT",
    "HEADER_FILL",
    "HELP_WIDTHS",
    "INPUT_FILL",
    "LAST_SCORE_COL",
    "NA_FILL",
    "PREFILLED_FILL",
    "SCORE_WIDTHS",
    "TEXT_LIMITS",
    "TITLE",
    "TOTAL_FILL",
    "FormFormats",
    "InputCell",
    "cover_cells",
    "dv_key",
    "dv_list",
    "dv_message",
    "dv_options",
    "fit_row",
    "indicator_fields",
    "input_cells",
    "input_names",
    "score_cells",
    "score_rows",
    "slug",
    "template_name",
    "validation_for",
    "write_form",
    "write_templates",
]
