"""The xlsx toolkit every sheet of the consolidated workbooks is written with (xlsxwriter).

- formats.py: `Formats` (cached cell formats from named pieces), colours, workbook options;
- fast_sheet.py: the only module touching xlsxwriter's internals (`Sheet`, `add_sheet`, the
  fast row store), behind its version gate;
- cells.py: `put`, `put_row`, `put_merged`, `clip`, `Col`, `write_table`, `gc_paused`;
- measure.py: text widths and the one text-height model (`lines_needed`, `row_height`);
- printing.py: page setup, header and footer, signature blocks.

Vietnamese labels (dates, verdicts, numbers) are in pipeline.core.text. The names below are
re-exported so a sheet module imports its tools in one line.
"""

from pipeline.writers.xlsx.cells import Col, clip, gc_paused, put, put_merged, put_row, write_table
from pipeline.writers.xlsx.fast_sheet import CHECKED_XLSXWRITER, FAST_SHEETS, Sheet, add_sheet
from pipeline.writers.xlsx.formats import (
    COLOURS,
    FONT,
    FONT_SIZE,
    MAX_CELL_TEXT,
    Formats,
    verdict_colour,
    workbook_options,
)
from pipeline.writers.xlsx.measure import lines_needed, row_height, text_width, widest_text
from pipeline.writers.xlsx.printing import header_safe, print_setup, signature_pair

__all__ = [
    "CHECKED_XLSXWRITER",
    "COLOURS",
    "FAST_SHEETS",
    "FONT",
    "FONT_SIZE",
    "MAX_CELL_TEXT",
    "Col",
    "Formats",
    "Sheet",
    "add_sheet",
    "clip",
    "gc_paused",
    "header_safe",
    "lines_needed",
    "print_setup",
    "put",
    "put_merged",
    "put_row",
    "row_height",
    "signature_pair",
    "text_width",
    "verdict_colour",
    "widest_text",
    "workbook_options",
    "write_table",
]
