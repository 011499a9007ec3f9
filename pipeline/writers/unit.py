"""One unit's result on one printable sheet (A4 portrait, one page wide), to be signed.

`render_unit` is the single renderer: the consolidated workbook calls it once per unit sheet,
and `write_unit_workbooks` calls it once per separate workbook, so both look the same.

Top to bottom: title; file, report date, contact; the verdict in large type with its reasons;
the score table (unit_scores); the recognition conditions; provisional notes and notes; every
problem found in the unit's files; the signature block. A unit with no usable file gets the
title, its status and its problems. The columns, formats and the cheap ways text is written
(one cell running on where a text fits, a merged range only where it wraps or is filled) are
in unit_layout; a line of text centred under a signer runs on to both sides.
"""

from __future__ import annotations

from pipeline.core.model import NOT_SUBMITTED, REJECTED, SUBMITTED, FileRecord, RunResult, UnitOutcome
from pipeline.core.problems import SEVERITY_LABEL, Issue
from pipeline.core.text import date_text, head_of_office, number_text, on_time_text, place_name
from pipeline.steps.season import files_by_unit
from pipeline.writers.unit_layout import FULL_WIDTH, LAST, WIDTHS, Out, count_lines, looks, span
from pipeline.writers.unit_pass_fail import pass_fail_table
from pipeline.writers.unit_scores import score_table
from pipeline.writers.xlsx import Formats, print_setup, row_height

VALUE_FROM = 2  # info lines: label in A (running on into B), value from C to the last column
BIG_ROW = 28  # the verdict line (16 pt)
SIGN_LEFT, SIGN_RIGHT = 1, 7  # signatures centred on B (under A:D) and on H (under F:J)
# Width a line centred on H can take within F:J (it runs on equally to both sides).
_CENTRED_ROOM = 2 * min(
    sum(WIDTHS[SIGN_RIGHT - 2 : SIGN_RIGHT]) + WIDTHS[SIGN_RIGHT] / 2,
    sum(WIDTHS[SIGN_RIGHT + 1 :]) + WIDTHS[SIGN_RIGHT] / 2,
)


def render_unit(
    ws, fmt: Formats, result: RunResult, outcome: UnitOutcome, files: list[FileRecord] | None = None
) -> None:
    """Fill an empty worksheet with one unit's result.

    files: the unit's files from the register; looked up when not given (callers rendering
    many units pass them, from `files_by_unit`, to avoid scanning the register per unit).
    """
    if files is None:
        files = files_by_unit(result).get(outcome.unit.code, [])
    out = Out(ws, looks(fmt))
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
    table = pass_fail_table if outcome.verdict.pass_fail else score_table
    row = table(out, result, outcome, header_row)
    row = _conditions(out, outcome, row + 2)
    row = _notes(out, outcome, row + 1)
    row = _issues(out, outcome.issues, row + 1, outcome.file)
    row = _signatures(out, result, row + 2)
    print_setup(ws, landscape=False, repeat=(header_row, header_row), header=result.config.office_name)
    ws.print_area(0, 0, row, LAST)


# ------------------------------------------------------------------ blocks


def _title(out: Out, result: RunResult, outcome: UnitOutcome) -> int:
    unit, cfg, rs, f = outcome.unit, result.config, result.rule_set, out.f
    title = f"KẾT QUẢ ĐÁNH GIÁ CHUẨN TIẾP CẬN PHÁP LUẬT — {unit.full_name} — năm {cfg.year}"
    out.merged(0, 0, LAST, title, f.title)
    out.set_row(0, row_height(count_lines(title, FULL_WIDTH, 14, True), 14), None)
    sub = f"{cfg.office_name} · Bộ tiêu chí {rs.id}" + (f" ({rs.decision})" if rs.decision else "")
    out.merged(1, 0, LAST, sub, f.subtitle)
    return 3


def _info_line(out: Out, row: int, label: str, value: str, wrapped=None) -> int:
    """Label in bold, value from column C: a line of text, or a wrapped (and coloured) block."""
    f = out.f
    if label:
        out.text(row, 0, label, f.bold)
    if wrapped is None:
        out.line(row, VALUE_FROM, value, f.plain, f.wrap)
    else:
        out.line(row, VALUE_FROM, value, None, wrapped)
    return row + 1


def _info(out: Out, result: RunResult, outcome: UnitOutcome, row: int) -> int:
    contact = " · ".join(p for p in (outcome.contact_name, outcome.contact_phone) if p) or "(không ghi)"
    date = date_text(outcome.report_date) or "(không ghi)"
    row = _info_line(out, row, "Mã đơn vị", outcome.unit.code)
    row = _info_line(out, row, "Tệp được dùng", outcome.file)
    row = _info_line(
        out,
        row,
        "Ngày báo cáo",
        f"{date} — {on_time_text(outcome.days_late)} (hạn {date_text(result.config.deadline)})",
    )
    return _info_line(out, row, "Người liên hệ", contact)


def _big_line(out: Out, row: int, text: str, tone: str) -> None:
    out.text(row, 0, "KẾT QUẢ", out.f.big)
    out.merged(row, VALUE_FROM, LAST, text, out.f.fmt("cell", "big", "center", tone))
    out.set_row(row, BIG_ROW, None)


def _verdict(out: Out, outcome: UnitOutcome, row: int) -> int:
    v = outcome.verdict
    tone = "ok" if v.recognised else "bad"
    label = "ĐẠT CHUẨN TIẾP CẬN PHÁP LUẬT" if v.recognised else "CHƯA ĐẠT CHUẨN TIẾP CẬN PHÁP LUẬT"
    # Never present a provisional result as official: say so on the verdict line itself.
    label += " (TẠM TÍNH)" if v.provisional else ""
    if v.pass_fail:
        headline = f"{v.criteria_passed}/{len(v.criteria)} tiêu chí đạt"
    else:
        headline = f"{number_text(v.total)}/{number_text(v.total_max)} điểm"
    _big_line(out, row, f"{label} — {headline}", tone)
    reasons = [r.text for r in v.reasons] or ["Đáp ứng đủ các điều kiện công nhận."]
    for n, text in enumerate(reasons):
        row = _info_line(out, row + 1, "Lý do" if n == 0 else "", text) - 1
    return row + 1


def _conditions(out: Out, outcome: UnitOutcome, row: int) -> int:
    """One line per condition: what it asks (A to E), met or not (F, coloured), the figures (G on)."""
    f = out.f
    out.text(row, 0, "ĐIỀU KIỆN CÔNG NHẬN", f.section)
    label_width = span(0, 4)
    for c in outcome.verdict.conditions:
        row += 1
        label_lines = count_lines(c.label, label_width)
        if label_lines == 1:
            out.text(row, 0, c.label, f.plain)
        else:
            out.merged(row, 0, 4, c.label, f.wrap)
        out.text(row, 5, "Đạt" if c.met else "Không đạt", f.fmt("cell", "center", "bold", "ok" if c.met else "bad"))
        detail_lines = count_lines(c.detail, span(6, LAST))
        if detail_lines == 1:
            out.text(row, 6, c.detail, f.plain)
        else:
            out.merged(row, 6, LAST, c.detail, f.wrap)
        if label_lines > 1 or detail_lines > 1:
            out.set_row(row, row_height(max(label_lines, detail_lines)), None)
    return row + 1


def _notes(out: Out, outcome: UnitOutcome, row: int) -> int:
    """Provisional notes (a coloured block), then notes: a line per note."""
    v, f = outcome.verdict, out.f
    groups = [
        (label, texts, tone)
        for label, texts, tone in (
            ("Tạm tính", [r.text for r in v.provisional], "warn"),
            ("Ghi chú", [r.text for r in v.notes], ""),
        )
        if texts
    ]
    if not groups:
        return row
    out.text(row, 0, "GHI CHÚ VỀ KẾT QUẢ", f.section)
    for label, texts, tone in groups:
        row += 1
        text = texts[0] if len(texts) == 1 else "\n".join(f"• {t}" for t in texts)
        _info_line(out, row, label, text, f.fmt("cell", "wrap", tone) if tone else None)
    return row + 1


def _issues(out: Out, issues: tuple[Issue, ...], row: int, used_file: str = "") -> int:
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
        out.merged(
            row,
            2,
            3,
            SEVERITY_LABEL.get(i.severity, i.severity),
            f.fmt("cell", "center", "bad" if i.severity == "error" else "warn"),
        )
        out.merged(row, 4, 5, where, f.box_small)
        out.merged(row, 6, LAST, i.fix, f.box_wrap)
        out.set_row(
            row,
            max(
                row_height(max(count_lines(i.message, WIDTHS[1]), count_lines(i.fix, span(6, LAST)))),
                row_height(count_lines(where, span(4, 5), 9), 9),
            ),
            None,
        )
    return row + 1


def _signatures(out: Out, result: RunResult, row: int) -> int:
    """The place-and-date line, then the two signers, each line one cell centred under its half
    of the page (the text runs on to both sides); room to sign below. Returns the last row."""
    f = out.f
    place = result.config.signature.place or place_name(result.config.area)
    line = f"{place}, ngày ...... tháng ...... năm ........"
    if count_lines(line, _CENTRED_ROOM) == 1:
        out.text(row, SIGN_RIGHT, line, f.sign_note)
    else:  # a long place name: wrapped across the right half instead
        out.merged(row, SIGN_RIGHT - 2, LAST, line, f.fmt("italic", "center", "wrap"))
        out.set_row(row, row_height(count_lines(line, span(SIGN_RIGHT - 2, LAST))), None)
    out.text(row + 1, SIGN_LEFT, "NGƯỜI LẬP BIỂU", f.sign_title)
    out.text(row + 1, SIGN_RIGHT, head_of_office(result.config.office_name), f.sign_title)
    out.text(row + 2, SIGN_LEFT, "(Ký, ghi rõ họ tên)", f.sign_note)
    out.text(row + 2, SIGN_RIGHT, "(Ký, ghi rõ họ tên, đóng dấu)", f.sign_note)
    row += 2
    for _ in range(5):  # room to sign
        row += 1
        out.set_row(row, 18, None)
    return row


def _no_result(out: Out, result: RunResult, outcome: UnitOutcome, files: list[FileRecord], row: int) -> int:
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
        row = _info_line(
            out, row, "Tệp bị loại" if f.status == REJECTED else "Tệp", f"{f.path}" + (f" — {f.note}" if f.note else "")
        )
    return row
