"""The form writer: one workbook per form, a cover sheet (unit, dates, declarations), the score
sheet (scores.py), the help sheet (help.py) and a hidden metadata sheet; every input cell
unlocked, validated (validation.py) and carrying a defined name (plan.py). `write_form` is the
one entry point; see the package docstring for why it stays cheap and reproducible."""

from __future__ import annotations

import datetime as dt
import numbers
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from pipeline import __version__
from pipeline.core import layout
from pipeline.core.config import Config, Unit
from pipeline.core.rules import RuleSet
from pipeline.steps.values import slug
from pipeline.writers.form.contents import CONTENT_TITLE, ContentScoreSheet
from pipeline.writers.form.help import HelpSheet
from pipeline.writers.form.look import COVER_WIDTHS, FONT, FONT_SIZE, FormFormats, fit_row
from pipeline.writers.form.plan import InputCell, cover_cells, input_cells
from pipeline.writers.form.scores import TITLE, ScoreSheet
from pipeline.writers.form.validation import COVER_HINTS, dv_key, validation_for
from pipeline.writers.xlsx.measure import FORM
from pipeline.writers.xlsx.printing import header_safe


def _is_number(value: Any) -> bool:
    return isinstance(value, (numbers.Real, Decimal)) and not isinstance(value, bool)


def _created(year: int) -> dt.datetime:
    # Fixed per year so the same inputs give the same bytes: never now().
    return dt.datetime(year, 1, 1, 0, 0, 0)


# ------------------------------------------------------------------ the writer


class _Form(ScoreSheet, ContentScoreSheet, HelpSheet):
    """Writes one form workbook. One method per sheet; state is what every sheet needs."""

    def __init__(
        self,
        wb: xlsxwriter.Workbook,
        rule_set: RuleSet,
        year: int,
        unit: Unit | None,
        values: Mapping[str, Any],
        office_name: str,
    ):
        self.wb, self.rs, self.year, self.unit, self.office = wb, rule_set, year, unit, office_name
        self.f = FormFormats(wb)
        self.cells = input_cells(rule_set)
        unknown = sorted(set(values) - set(self.cells))
        if unknown:
            raise ValueError(
                f"not an input of this form ({rule_set.id}): {', '.join(unknown)}; inputs are: {', '.join(self.cells)}"
            )
        self.values = dict(self.prefill(), **values)
        self.pass_fail = rule_set.scoring == "pass_fail"
        self.validations: dict[tuple, tuple[dict, list[InputCell]]] = {}

    def prefill(self) -> dict[str, Any]:
        """What the office fills in before sending: the year always, the unit when known."""
        out: dict[str, Any] = {"nam_danh_gia": self.year}
        if self.unit is not None:
            out.update(ma_don_vi=self.unit.code, ten_don_vi=self.unit.name, loai_don_vi=self.unit.kind)
        return out

    def locked_names(self) -> set[str]:
        return {"nam_danh_gia"} | ({"ma_don_vi", "ten_don_vi", "loai_don_vi"} if self.unit else set())

    # -- values

    def write_value(self, ws: Any, cell: InputCell, value: Any, fmt: Any) -> None:
        """Write with the value's own type: text never becomes a formula or a number."""
        r, c = cell.row, cell.col
        if value is None:
            ws.write_blank(r, c, None, fmt)
        elif isinstance(value, bool):
            ws.write_boolean(r, c, value, fmt)
        elif _is_number(value):
            ws.write_number(r, c, float(value), fmt)
        elif isinstance(value, (dt.date, dt.datetime)):
            ws.write_datetime(r, c, value, self.f.in_date if fmt is not self.f.prefilled else fmt)
        else:
            ws.write_string(r, c, str(value), fmt)

    def number(self, name: str) -> float | None:
        value = self.values.get(name)
        return float(value) if _is_number(value) else None

    def write_input(self, ws: Any, cell: InputCell) -> None:
        if cell.name in self.locked_names():
            fmt = self.f.prefilled_year if cell.kind == "year" else self.f.prefilled
        else:
            fmt = self.f.input_for(cell)
        self.write_value(ws, cell, self.values.get(cell.name), fmt)
        options = validation_for(cell, self.rs, self.year)
        group = self.validations.setdefault(dv_key(options), (options, []))
        group[1].append(cell)
        self.wb.define_name(cell.name, cell.ref)

    def flush_validations(self, ws: Any) -> None:
        """One validation per distinct rule, over all the cells that share it.

        Same behaviour for the user as one per cell, but a fraction of the XML to write: the
        form is written thousands of times in the benchmark.
        """
        for options, cells in self.validations.values():
            first, *others = cells
            if others:
                options = dict(options, other_cells=[(c.row, c.col, c.row, c.col) for c in others])
            ws.data_validation(first.row, first.col, first.row, first.col, options)
        self.validations = {}

    # -- sheets

    def write(self) -> None:
        cover = self.wb.add_worksheet(layout.SHEET_COVER)
        scores = self.wb.add_worksheet(layout.SHEET_SCORES)
        help_ = self.wb.add_worksheet(layout.SHEET_HELP)
        meta = self.wb.add_worksheet(layout.SHEET_META)
        self.cover(cover)
        self.scores(scores)
        self.help(help_)
        self.meta(meta)
        cover.activate()
        self.properties()

    def properties(self) -> None:
        self.wb.set_properties(
            {
                "title": f"{(CONTENT_TITLE if self.rs.has_contents else TITLE).capitalize()} năm {self.year}",
                "subject": self.rs.name,
                "author": "tcpl",
                "company": self.office,
                "comments": f"{layout.TEMPLATE_ID} v{layout.TEMPLATE_VERSION}, {self.rs.id}",
                "created": _created(self.year),
            }
        )

    def print_setup(self, ws: Any, landscape: bool, header: str) -> None:
        ws.set_paper(9)  # A4
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.fit_to_pages(1, 0)  # one page wide, as many pages tall as needed
        ws.set_margins(left=0.5, right=0.4, top=0.7, bottom=0.6)
        ws.center_horizontally()
        # '&' starts a header code: a unit or office name containing one must be doubled.
        ws.set_header(f'&L&"{FONT},Italic"&9{header_safe(header)}')
        ws.set_footer(f'&R&"{FONT},Regular"&9Trang &P/&N')

    def header_text(self) -> str:
        who = self.unit.full_name if self.unit else "Phiếu tự đánh giá"
        return f"{who} - chuẩn tiếp cận pháp luật năm {self.year}"

    def protect(self, ws: Any) -> None:
        # No password: this guards against accidents, not people. Rows and columns can be
        # resized (long text), but not inserted or deleted.
        ws.protect("", {"format_columns": True, "format_rows": True})

    # -- cover sheet

    def cover(self, ws: Any) -> None:
        f = self.f
        for col, width in enumerate(COVER_WIDTHS):
            ws.set_column(col, col, width)
        ws.set_row(0, 36)
        ws.merge_range(0, 0, 0, 2, CONTENT_TITLE if self.rs.has_contents else TITLE, f.title)
        ws.set_row(1, 34)
        ws.merge_range(1, 0, 1, 2, f"Năm đánh giá {self.year} - {self.rs.name}", f.subtitle)
        for col, text in enumerate(("Thông tin", "Nội dung điền", "Hướng dẫn")):
            ws.write_string(layout.COVER_FIRST_ROW - 2, col, text, f.col_head)
        labels = {name: label for name, label, _k in layout.COVER_FIELDS}
        if self.rs.has_contents:
            labels.update({name: aliases[0] for name, aliases in layout.COVER_LABEL_ALIASES.items()})
        labels.update({d.key: d.label for d in self.rs.conditions.declarations})
        last = 0
        for cell in cover_cells(self.rs):
            ws.write_string(cell.row, 0, labels[cell.name], f.label)
            self.write_input(ws, cell)
            hint = COVER_HINTS.get(cell.name, "Chọn Có hoặc Không trong danh sách.")
            if cell.name == "loai_don_vi" and self.rs.has_contents:
                hint = "Chọn trong danh sách: xã, phường hoặc đặc khu."
            hint = hint.format(next_year=self.year + 1)
            ws.write_string(cell.row, 2, hint, f.hint)
            value = self.values.get(cell.name)
            lines = max(
                FORM.lines(labels[cell.name], COVER_WIDTHS[0], 12),
                FORM.lines(hint, COVER_WIDTHS[2], 11),
                FORM.lines(value, COVER_WIDTHS[1], 12) if isinstance(value, str) else 1,
            )
            ws.set_row(cell.row, FORM.row_height(lines, 12))
            last = cell.row
        notes = [
            "Ô nền vàng là ô cần điền; ô nền xanh đã được điền sẵn, không sửa.",
            'Sau khi điền xong trang này, chuyển sang trang "Bảng điểm" để tự chấm điểm.',
            "Lưu tệp dạng Excel (.xlsx) và gửi về " + (self.office or "cơ quan tư pháp cấp trên") + " đúng thời hạn.",
        ]
        for n, text in enumerate(notes):
            ws.merge_range(last + 2 + n, 0, last + 2 + n, 2, text, f.note)
            fit_row(ws, last + 2 + n, [(text, sum(COVER_WIDTHS))])
        self.flush_validations(ws)
        self.print_setup(ws, landscape=False, header=self.header_text())
        self.protect(ws)

    # -- metadata sheet

    def meta(self, ws: Any) -> None:
        meta = {
            "template_id": layout.TEMPLATE_ID,
            "template_version": str(layout.TEMPLATE_VERSION),
            "rule_set": self.rs.id,
            "year": str(self.year),
            "unit_code": self.unit.code if self.unit else "",
            "generated_by": f"tcpl {__version__}",
        }
        for row, key in enumerate(layout.META_KEYS):
            ws.write_string(row, 0, key)
            if meta[key]:  # a blank unit code stays an empty cell, not an empty string
                ws.write_string(row, 1, meta[key])
        ws.hide()
        self.protect(ws)


# ------------------------------------------------------------------ public API


def write_form(
    path: Path,
    rule_set: RuleSet,
    year: int,
    unit: Unit | None = None,
    values: Mapping[str, Any] | None = None,
    office_name: str = "",
) -> Path:
    """Write one form workbook and return its path.

    `unit` pre-fills and locks the unit's code, name and kind. `values` maps defined names
    (see docs/form.md) to what goes in those input cells, written with their own type;
    a name that is not an input of this form raises ValueError before anything is written.
    """
    path = Path(path)
    wb = xlsxwriter.Workbook(
        str(path),
        {
            "in_memory": True,  # no temp files: faster, and nothing left behind on a crash
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "default_format_properties": {"font_name": FONT, "font_size": FONT_SIZE},
        },
    )
    try:
        _Form(wb, rule_set, year, unit, values or {}, office_name).write()
    except BaseException:
        # Do not leave a half-made file behind: close without writing.
        wb.fileclosed = True
        raise
    wb.close()
    return path


def template_name(rule_set: RuleSet, year: int, unit: Unit | None = None) -> str:
    if unit is None:
        return f"mau-phieu-{rule_set.id}-{year}.xlsx"
    return f"mau-phieu-{year}-{unit.code}-{slug(unit.name)}.xlsx"


def write_templates(config: Config, rule_set: RuleSet, out_dir: Path) -> list[Path]:
    """The blank form plus one pre-filled form per configured unit, into out_dir."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    year, office = config.year, config.office_name
    paths = [write_form(out_dir / template_name(rule_set, year), rule_set, year, office_name=office)]
    for unit in config.units:
        paths.append(
            write_form(out_dir / template_name(rule_set, year, unit), rule_set, year, unit=unit, office_name=office)
        )
    return paths
