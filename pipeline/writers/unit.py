"""One unit's result on one printable sheet (A4 portrait, one page wide), to be signed.

`render_unit` is the single renderer: the consolidated workbook calls it once per unit sheet,
and `write_unit_workbooks` calls it once per separate workbook, so both look the same.

Top to bottom: title; file, report date, contact; the verdict in large type with its reasons;
the score table (criteria as bold subtotal rows with their 50% floor, then indicators); the
recognition conditions; provisional notes and notes; every problem found in the unit's files;
the signature block. A unit with no usable file gets the title, its status and its problems.

Cheap by construction (a province writes hundreds of these, and xlsxwriter's cost is per
cell written, blank or not, and it writes every cell of a merged range): a text spans several
columns through a merged range only where it has to wrap or carries a fill; a line of text is
one cell whose text runs on into the empty cells to its right (labels, values, headings,
conditions) or, centred, to both sides (the signatures). In the score table the written cells
carry their borders; the empty ones (an indicator without figures or problems, the subtotal
rows' free columns) are not written and get their border, and grey, from two conditional
formats 'value = 0', which Excel and LibreOffice apply to empty cells (a real 0 there already
looks the same); a rule with a formula would cost xlsxwriter ~0.4 ms per sheet to prepare.
The formats are looked up once per workbook, the problems grouped by row once per unit.
"""

from __future__ import annotations

import weakref
from functools import cache, lru_cache

from pipeline.core.cells import col_letter
from pipeline.core.model import NOT_SUBMITTED, REJECTED, SUBMITTED, FileRecord, IndicatorDetail, RunResult, UnitOutcome
from pipeline.core.problems import SEVERITY_LABEL, Issue
from pipeline.core.text import basis_text, date_text, number_text, on_time_text, place_name
from pipeline.core.verdict import SOURCE_LABEL, CriterionResult, IndicatorResult
from pipeline.steps.season import files_by_unit
from pipeline.writers.xlsx import MAX_CELL_TEXT, Formats, clip, lines_needed, print_setup, put_row, row_height

# Column layout, sized for A4 portrait at about 75% (widths in characters).
COLUMNS = (
    ("Mã", 5.5), ("Nội dung", 34), ("Điểm tối đa", 6.5), ("Điểm", 6.5), ("% tối đa", 6),
    ("Nguồn điểm", 9.5), ("Cách tính", 18), ("Số liệu", 17), ("Minh chứng", 15), ("Vấn đề trong dòng", 18),
)
LAST = len(COLUMNS) - 1
WIDTHS = [w for _, w in COLUMNS]
FULL_WIDTH = sum(WIDTHS)
VALUE_FROM = 2  # info lines: label in A (running on into B), value from C to the last column
BIG_ROW = 28  # the verdict line (16 pt)
SIGN_LEFT, SIGN_RIGHT = 1, 7  # signatures centred on B (under A:D) and on H (under F:J)
# Width a line centred on H can take within F:J (it runs on equally to both sides).
_CENTRED_ROOM = 2 * min(sum(WIDTHS[SIGN_RIGHT - 2:SIGN_RIGHT]) + WIDTHS[SIGN_RIGHT] / 2,
                        sum(WIDTHS[SIGN_RIGHT + 1:]) + WIDTHS[SIGN_RIGHT] / 2)


def render_unit(ws, fmt: Formats, result: RunResult, outcome: UnitOutcome,
                files: list[FileRecord] | None = None) -> None:
    """Fill an empty worksheet with one unit's result.

    files: the unit's files from the register; looked up when not given (callers rendering
    many units pass them, from `files_by_unit`, to avoid scanning the register per unit).
    """
    if files is None:
        files = files_by_unit(result).get(outcome.unit.code, [])
    out = _Out(ws, _looks(fmt))
    for c, width in enumerate(WIDTHS):
        ws.set_column(c, c, width)
    row = _title(out, result, outcome)
    if outcome.status != SUBMITTED or outcome.verdict is None:
        row = _no_result(out, result, outcome, files, row)
        row = _issues(out, outcome.issues, row + 1)
        print_setup(ws, landscape=False, repeat=None, header=result.config.office_name)
        ws.print_area(0, 0, row, LAST)
        return
    row = _info(out, result, outcome, row)
    row = _verdict(out, outcome, row + 1)
    header_row = row + 1
    row = _score_table(out, result, outcome, header_row)
    row = _conditions(out, outcome, row + 2)
    row = _notes(out, outcome, row + 1)
    row = _issues(out, outcome.issues, row + 1, outcome.file)
    row = _signatures(out, result, row + 2)
    print_setup(ws, landscape=False, repeat=(header_row, header_row), header=result.config.office_name)
    ws.print_area(0, 0, row, LAST)


# ------------------------------------------------------------------ formats and writing


# The unit sheet's formats by role: Formats names (see style._STYLES).
_LOOK_NAMES = {
    "title": ("title",), "subtitle": ("subtitle",), "section": ("section",), "head": ("head",),
    "plain": (), "bold": ("bold",), "wrap": ("wrap",), "big": ("big",),
    "sign_title": ("bold", "center"), "sign_note": ("italic", "center"),
    # bordered cells
    "box": ("cell",), "box_wrap": ("cell", "wrap"), "box_center": ("cell", "center"),
    "box_small": ("cell", "wrap", "small"), "box_small_warn": ("cell", "wrap", "small", "warn"),
    "pts": ("cell", "pts"), "pct": ("cell", "pct"), "source": ("cell", "wrap", "center"),
    "points": ("cell", "pts", "bold"), "points_zero": ("cell", "pts", "bold", "bad"),
    "basis_zero": ("cell", "wrap", "bad"),
    # subtotal rows (criteria, total)
    "group": ("cell", "group"), "group_center": ("cell", "group", "center"),
    "group_wrap": ("cell", "group", "wrap"), "group_pts": ("cell", "group", "pts"),
    "group_pct": ("cell", "group", "pct"),
}


class _Looks:
    """The formats of `_LOOK_NAMES` as attributes, each looked up from Formats on first use
    only (a separate unit workbook creates just the formats it writes)."""

    def __init__(self, fmt: Formats):
        # Weak: _LOOKS must not keep a closed workbook (and all its sheets) alive.
        self._fmt = weakref.ref(fmt)

    def fmt(self, *names: str):
        """A coloured variant: fmt("cell", "big", "center", tone)."""
        return self._fmt()(*names)

    def __getattr__(self, role: str):
        if role not in _LOOK_NAMES:
            raise AttributeError(role)
        found = self._fmt()(*_LOOK_NAMES[role])
        setattr(self, role, found)
        return found


_LOOKS: weakref.WeakKeyDictionary[Formats, _Looks] = weakref.WeakKeyDictionary()  # one per workbook


def _looks(fmt: Formats) -> _Looks:
    found = _LOOKS.get(fmt)
    if found is None:
        found = _LOOKS[fmt] = _Looks(fmt)
    return found


class _Out:
    """The sheet's writers, bound once: text always goes through write_string. (The score
    table's rows go through style.put_row, a row at a time.)"""

    __slots__ = ("_blank", "_merge", "_string", "f", "set_row", "ws")

    def __init__(self, ws, looks: _Looks):
        self.ws, self.f = ws, looks
        self._string, self._blank = ws.write_string, ws.write_blank
        self._merge, self.set_row = ws.merge_range, ws.set_row

    def text(self, row: int, col: int, text: str, fmt) -> None:
        """A text cell; an empty text is a blank cell with the format."""
        if text:
            self._string(row, col, text if len(text) <= MAX_CELL_TEXT else clip(text), fmt)
        else:
            self._blank(row, col, None, fmt)

    def merged(self, row: int, first: int, last: int, text: str, fmt) -> None:
        """Text across several columns (xlsxwriter writes a blank cell into the rest of the range)."""
        self._merge(row, first, row, last, "", fmt)
        self.text(row, first, text, fmt)

    def line(self, row: int, first: int, text: str, one_line, wrapped, size: float = 11) -> None:
        """Text from `first` to the last column: one cell running on to the right when it fits on
        one line, else merged and wrapped with the row as tall as it needs."""
        lines = _lines(text, _span(first, LAST), size)
        if lines == 1 and one_line is not None:
            self.text(row, first, text, one_line)
        else:
            self.merged(row, first, LAST, text, wrapped)
            if lines > 1:
                self.set_row(row, row_height(lines, size), None)


@lru_cache(maxsize=8192)
def _lines(text: str, width: float, size: float = 11, bold: bool = False) -> int:
    """lines_needed, remembered: indicator names, bases and labels repeat from unit to unit."""
    return lines_needed(text, width, size, bold=bold)


@cache
def _span(first: int, last: int) -> float:
    return sum(WIDTHS[first:last + 1])


# ------------------------------------------------------------------ blocks


def _title(out: _Out, result: RunResult, outcome: UnitOutcome) -> int:
    unit, cfg, rs, f = outcome.unit, result.config, result.rule_set, out.f
    title = f"KẾT QUẢ ĐÁNH GIÁ CHUẨN TIẾP CẬN PHÁP LUẬT — {unit.full_name} — năm {cfg.year}"
    out.merged(0, 0, LAST, title, f.title)
    out.set_row(0, row_height(_lines(title, FULL_WIDTH, 14, True), 14), None)
    sub = f"{cfg.office_name} · Bộ tiêu chí {rs.id}" + (f" ({rs.decision})" if rs.decision else "")
    out.merged(1, 0, LAST, sub, f.subtitle)
    return 3


def _info_line(out: _Out, row: int, label: str, value: str, wrapped=None) -> int:
    """Label in bold, value from column C: a line of text, or a wrapped (and coloured) block."""
    f = out.f
    if label:
        out.text(row, 0, label, f.bold)
    if wrapped is None:
        out.line(row, VALUE_FROM, value, f.plain, f.wrap)
    else:
        out.line(row, VALUE_FROM, value, None, wrapped)
    return row + 1


def _info(out: _Out, result: RunResult, outcome: UnitOutcome, row: int) -> int:
    contact = " · ".join(p for p in (outcome.contact_name, outcome.contact_phone) if p) or "(không ghi)"
    date = date_text(outcome.report_date) or "(không ghi)"
    row = _info_line(out, row, "Mã đơn vị", outcome.unit.code)
    row = _info_line(out, row, "Tệp được dùng", outcome.file)
    row = _info_line(out, row, "Ngày báo cáo",
                     f"{date} — {on_time_text(outcome.days_late)} (hạn {date_text(result.config.deadline)})")
    return _info_line(out, row, "Người liên hệ", contact)


def _big_line(out: _Out, row: int, text: str, tone: str) -> None:
    out.text(row, 0, "KẾT QUẢ", out.f.big)
    out.merged(row, VALUE_FROM, LAST, text, out.f.fmt("cell", "big", "center", tone))
    out.set_row(row, BIG_ROW, None)


def _verdict(out: _Out, outcome: UnitOutcome, row: int) -> int:
    v = outcome.verdict
    tone = "ok" if v.recognised else "bad"
    label = "ĐẠT CHUẨN TIẾP CẬN PHÁP LUẬT" if v.recognised else "CHƯA ĐẠT CHUẨN TIẾP CẬN PHÁP LUẬT"
    # Never present a provisional result as official: say so on the verdict line itself.
    label += " (TẠM TÍNH)" if v.provisional else ""
    _big_line(out, row, f"{label} — {number_text(v.total)}/{number_text(v.total_max)} điểm", tone)
    reasons = [r.text for r in v.reasons] or ["Đáp ứng đủ các điều kiện công nhận."]
    for n, text in enumerate(reasons):
        row = _info_line(out, row + 1, "Lý do" if n == 0 else "", text) - 1
    return row + 1


def _score_table(out: _Out, result: RunResult, outcome: UnitOutcome, top: int) -> int:
    """Header, then per criterion its subtotal row and its indicator rows, then the total.
    Empty cells are left unwritten: `_empty_cells` gives them their border (and grey)."""
    f, ws = out.f, out.ws
    put_row(ws, top, 0, [header for header, _ in COLUMNS], [f.head] * len(COLUMNS))
    out.set_row(top, row_height(2), None)
    v = outcome.verdict
    by_criterion: dict[str, list[IndicatorResult]] = {}
    for r in v.indicators:
        by_criterion.setdefault(r.criterion, []).append(r)
    problems = _problems_by_row(outcome.issues, [r.code for r in v.indicators])
    indicator, details = result.rule_set.indicator, outcome.details
    row = top + 1
    subtotals, blocks = [], []  # subtotal rows; (first, last) runs of indicator rows
    for c in v.criteria:
        _criterion_row(out, row, c)
        subtotals.append((row, row))
        rows = by_criterion.get(c.code, ())
        for r in rows:
            row += 1
            _indicator_row(out, row, r, indicator(r.code).name, details.get(r.code), problems.get(r.code))
        if rows:
            blocks.append((row - len(rows) + 1, row))
        row += 1
    put_row(ws, row, 1, ["TỔNG CỘNG", v.total_max, v.total, v.total / v.total_max if v.total_max else None],
            [f.group_center, f.group_pts, f.group_pts, f.group_pct])
    subtotals.append((row, row))
    _empty_cells(ws, subtotals, f.group)
    _empty_cells(ws, blocks, f.box)
    return row


def _empty_cells(ws, runs: list[tuple[int, int]], fmt) -> None:
    """The look of the empty cells of the table's rows `runs` ((first, last) pairs)."""
    if runs:
        ranges = " ".join(f"A{first + 1}:{_LAST_NAME}{last + 1}" for first, last in runs)
        ws.conditional_format(runs[0][0], 0, runs[-1][1], LAST,
                              {"type": "cell", "criteria": "==", "value": 0, "format": fmt, "multi_range": ranges})


_LAST_NAME = col_letter(LAST)


def _criterion_row(out: _Out, row: int, c: CriterionResult) -> None:
    f = out.f
    put_row(out.ws, row, 0, [c.code, c.name, c.max, c.points, c.points / c.max if c.max else None],
            [f.group_center, f.group_wrap, f.group_pts, f.group_pts, f.group_pct])
    if c.floor is None:
        floor = f"{c.passed_count}/{c.indicator_count} chỉ tiêu đạt: " + ("✓ đạt" if c.met else "✗ không đạt")
    else:
        floor = (f"Tối thiểu {number_text(c.floor)} điểm: "
                 + ("✓ đạt" if c.met else f"✗ không đạt (thiếu {number_text(c.floor - c.points)})"))
    out.merged(row, 6, 7, floor, f.fmt("cell", "group", "wrap", "ok" if c.met else "bad"))
    height = max(_lines(c.name, WIDTHS[1], 11, True), _lines(floor, _span(6, 7), 11, True))
    out.set_row(row, row_height(height), None)


def _indicator_row(out: _Out, row: int, r: IndicatorResult, name: str, d: IndicatorDetail | None,
                   problems: list[Issue] | None) -> None:
    f = out.f
    figures = _figures(d)
    evidence = d.evidence if d else ""
    found = "\n".join(i.message for i in problems) if problems else ""
    zero = r.counted_as_zero
    basis = basis_text(r)
    # An empty percentage, figures, evidence or problems cell is left unwritten (no format):
    # _empty_cells gives it its border.
    put_row(out.ws, row, 0,
            [r.code, name, r.max, r.points, r.points / r.max if r.max else None,
             SOURCE_LABEL.get(r.source, r.source), basis, figures, evidence, found],
            [f.box_center, f.box_wrap, f.pts, f.points_zero if zero else f.points, f.pct if r.max else None,
             f.source, f.basis_zero if zero else f.box_wrap, f.box_small if figures else None,
             f.box_small if evidence else None, f.box_small_warn if found else None])
    height = row_height(_lines(name, WIDTHS[1]))
    if basis:
        height = max(height, row_height(_lines(basis, WIDTHS[6])))
    for t, width in ((figures, WIDTHS[7]), (evidence, WIDTHS[8]), (found, WIDTHS[9])):
        if t:
            height = max(height, row_height(_lines(t, width, 9), 9))
    out.set_row(row, height, None)


def _figures(d) -> str:
    if d is None:
        return ""
    parts = [d.figures] if d.figures else []
    if d.numerator is not None or d.denominator is not None:
        parts.append(f"Tử số {_num(d.numerator)} / mẫu số {_num(d.denominator)}")
    if d.not_applicable:
        parts.append("Không phát sinh")
    if d.note:
        parts.append(f"Ghi chú: {d.note}")
    return "\n".join(parts)


def _num(x: float | None) -> str:
    return "—" if x is None else number_text(x)


def row_issues(issues: tuple[Issue, ...], code: str) -> list[Issue]:
    """Issues about one indicator row: every row-level Issue names its indicator."""
    return [i for i in issues if i.indicator == code]


def _problems_by_row(issues: tuple[Issue, ...], codes: list[str]) -> dict[str, list[Issue]]:
    """code -> row_issues(issues, code) for every code, in one pass over the unit's issues."""
    out: dict[str, list[Issue]] = {}
    for i in issues:
        if i.indicator:
            out.setdefault(i.indicator, []).append(i)
    return out


def _conditions(out: _Out, outcome: UnitOutcome, row: int) -> int:
    """One line per condition: what it asks (A to E), met or not (F, coloured), the figures (G on)."""
    f = out.f
    out.text(row, 0, "ĐIỀU KIỆN CÔNG NHẬN", f.section)
    label_width = _span(0, 4)
    for c in outcome.verdict.conditions:
        row += 1
        label_lines = _lines(c.label, label_width)
        if label_lines == 1:
            out.text(row, 0, c.label, f.plain)
        else:
            out.merged(row, 0, 4, c.label, f.wrap)
        out.text(row, 5, "Đạt" if c.met else "Không đạt", f.fmt("cell", "center", "bold", "ok" if c.met else "bad"))
        detail_lines = _lines(c.detail, _span(6, LAST))
        if detail_lines == 1:
            out.text(row, 6, c.detail, f.plain)
        else:
            out.merged(row, 6, LAST, c.detail, f.wrap)
        if label_lines > 1 or detail_lines > 1:
            out.set_row(row, row_height(max(label_lines, detail_lines)), None)
    return row + 1


def _notes(out: _Out, outcome: UnitOutcome, row: int) -> int:
    """Provisional notes (a coloured block), then notes: a line per note."""
    v, f = outcome.verdict, out.f
    groups = [(label, texts, tone) for label, texts, tone in (
        ("Tạm tính", [r.text for r in v.provisional], "warn"), ("Ghi chú", [r.text for r in v.notes], ""))
        if texts]
    if not groups:
        return row
    out.text(row, 0, "GHI CHÚ VỀ KẾT QUẢ", f.section)
    for label, texts, tone in groups:
        row += 1
        text = texts[0] if len(texts) == 1 else "\n".join(f"• {t}" for t in texts)
        _info_line(out, row, label, text, f.fmt("cell", "wrap", tone) if tone else None)
    return row + 1


def _issues(out: _Out, issues: tuple[Issue, ...], row: int, used_file: str = "") -> int:
    """Every problem found in the unit's files, with where to look and how to fix it."""
    f = out.f
    out.text(row, 0, "VẤN ĐỀ TRONG PHIẾU" + ("" if issues else ": không có"), f.section)
    if not issues:
        return row + 1
    row += 1
    heads = (("Ô", 0, 0), ("Nội dung", 1, 1), ("Mức độ", 2, 3), ("Trang tính", 4, 5), ("Cách khắc phục", 6, LAST))
    for text, first, last in heads:
        if first == last:
            out.text(row, first, text, f.head)
        else:
            out.merged(row, first, last, text, f.head)
    for i in issues:
        row += 1
        # The file is named once at the top; only another file (an older copy...) is repeated here.
        where = "\n".join(p for p in (i.sheet, i.file if i.file != used_file else "") if p)
        out.text(row, 0, i.cell, f.box_center)
        out.text(row, 1, i.message, f.box_wrap)
        out.merged(row, 2, 3, SEVERITY_LABEL.get(i.severity, i.severity),
                   f.fmt("cell", "center", "bad" if i.severity == "error" else "warn"))
        out.merged(row, 4, 5, where, f.box_small)
        out.merged(row, 6, LAST, i.fix, f.box_wrap)
        out.set_row(row, max(row_height(max(_lines(i.message, WIDTHS[1]), _lines(i.fix, _span(6, LAST)))),
                             row_height(_lines(where, _span(4, 5), 9), 9)), None)
    return row + 1


def _signatures(out: _Out, result: RunResult, row: int) -> int:
    """The place-and-date line, then the two signers, each line one cell centred under its half
    of the page (the text runs on to both sides); room to sign below. Returns the last row."""
    f = out.f
    place = result.config.signature.place or place_name(result.config.area)
    line = f"{place}, ngày ...... tháng ...... năm ........"
    if _lines(line, _CENTRED_ROOM) == 1:
        out.text(row, SIGN_RIGHT, line, f.sign_note)
    else:  # a long place name: wrapped across the right half instead
        out.merged(row, SIGN_RIGHT - 2, LAST, line, f.fmt("italic", "center", "wrap"))
        out.set_row(row, row_height(_lines(line, _span(SIGN_RIGHT - 2, LAST))), None)
    out.text(row + 1, SIGN_LEFT, "NGƯỜI LẬP BIỂU", f.sign_title)
    out.text(row + 1, SIGN_RIGHT, "TRƯỞNG PHÒNG TƯ PHÁP", f.sign_title)
    out.text(row + 2, SIGN_LEFT, "(Ký, ghi rõ họ tên)", f.sign_note)
    out.text(row + 2, SIGN_RIGHT, "(Ký, ghi rõ họ tên, đóng dấu)", f.sign_note)
    row += 2
    for _ in range(5):  # room to sign
        row += 1
        out.set_row(row, 18, None)
    return row


def _no_result(out: _Out, result: RunResult, outcome: UnitOutcome, files: list[FileRecord], row: int) -> int:
    if outcome.status == NOT_SUBMITTED:
        status, tone = "CHƯA NỘP PHIẾU", "grey"
        detail = f"Đến lúc lập báo cáo ({result.generated_at:%d/%m/%Y}) chưa nhận được phiếu tự đánh giá của đơn vị."
    else:
        status, tone = "PHIẾU KHÔNG DÙNG ĐƯỢC", "warn"
        detail = "Mọi phiếu đơn vị gửi đều bị loại; xem lý do ở các tệp và vấn đề bên dưới."
    row = _info_line(out, row, "Mã đơn vị", outcome.unit.code)
    _big_line(out, row, status, tone)
    row = _info_line(out, row + 1, "Ghi chú", detail)
    for f in files:
        row = _info_line(out, row, "Tệp bị loại" if f.status == REJECTED else "Tệp",
                         f"{f.path}" + (f" — {f.note}" if f.note else ""))
    return row
