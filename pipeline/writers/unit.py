"""One unit's result on one printable sheet (A4 portrait), to be signed.

`render_unit` is the single renderer: the consolidated workbook calls it once per unit sheet,
and `write_unit_workbooks` calls it once per separate workbook, so both look the same.

Top to bottom: title; unit code, file, report date, contact (two lines); the verdict in large
type and its reasons; the score table (unit_scores, or unit_pass_fail) with the conditions on
the total and on each criterion on their rows; the other recognition conditions; provisional
notes and notes; every problem found in the unit's files; the signature block. A unit with no
usable file gets the title, its status and its problems. The grids, formats and the cheap ways
text is written are in unit_layout.

Printing (see _print): a QĐ 25 unit of the demo prints on one portrait A4 page with the body
at ≥ 10 pt (the sheet asks for one page only when the scale that takes keeps 11 pt at ≥ 10 pt,
reckoned with xlsx.printing.page_scale from the heights the sheet gave its rows); a longer one
(many problems) prints one page wide on as many pages as it needs, the table's heading repeated
when the table runs on, the signature block whole and never alone on its page.
"""

from __future__ import annotations

from typing import NamedTuple

from pipeline.core.model import NOT_SUBMITTED, REJECTED, SUBMITTED, FileRecord, RunResult, UnitOutcome
from pipeline.core.problems import SEVERITY_LABEL, Issue
from pipeline.core.text import date_text, head_of_office, number_text, on_time_text, place_name
from pipeline.steps.season import files_by_unit
from pipeline.writers.unit_layout import DEFAULT_ROW, PASS_FAIL, POINTS, Grid, Out, count_lines, looks, needs
from pipeline.writers.unit_pass_fail import pass_fail_table
from pipeline.writers.unit_scores import IN_TABLE, points_grid, score_table
from pipeline.writers.xlsx import Formats, print_setup
from pipeline.writers.xlsx.printing import A4_HEIGHT, page_scale

GAP = 4  # a thin empty row between blocks
SIGN_ROOM = (3, 18)  # rows, points: the room to sign (and stamp) in, at least
SIGN_ROOM_MAX = 5
BODY_SIZE = 11  # the body font, which must print at ≥ MIN_PRINTED pt
MIN_PRINTED = 10
# LibreOffice fits a sheet to a page up to 2% below the exact scale (the header and footer take
# some room): one page is asked for only when the exact scale leaves that much (in printed
# points of the body font) to spare.
LANDING = 0.2
NEAR_PAGE_END = 60  # points: rows this close to a page's end may fall on either side of it
MARGINS = {"left": 0.4, "right": 0.3, "top": 0.35, "bottom": 0.35}  # inches
HEADER_MARGIN = 0.2  # inches from the paper's edge: the page header and footer, in the margins


def render_unit(
    ws, fmt: Formats, result: RunResult, outcome: UnitOutcome, files: list[FileRecord] | None = None
) -> None:
    """Fill an empty worksheet with one unit's result.

    files: the unit's files from the register; looked up when not given (callers rendering
    many units pass them, from `files_by_unit`, to avoid scanning the register per unit).
    """
    if files is None:
        files = files_by_unit(result).get(outcome.unit.code, [])
    v = outcome.verdict
    if outcome.status != SUBMITTED or v is None:
        grid: Grid = POINTS
    else:
        grid = PASS_FAIL if v.pass_fail else points_grid(v)
    out = Out(ws, looks(fmt), grid)
    for c, width in enumerate(grid.widths):
        ws.set_column(c, c, width)
    row = _title(out, result, outcome)
    if outcome.status != SUBMITTED or v is None:
        row = _no_result(out, result, outcome, files, row)
        row = _issues(out, outcome.issues, _gap(out, row))
        _print(out, result, Parts(last=row - 1))
        return
    row = _info(out, result, outcome, row)
    header = _verdict(out, outcome, _gap(out, row))
    table = pass_fail_table if v.pass_fail else score_table
    table_end = table(out, result, outcome, header)
    row = _conditions(out, outcome, table_end + 1)
    row = _notes(out, outcome, row)
    issues = row
    row = _issues(out, outcome.issues, row, outcome.file)
    sign = _gap(out, row)
    row = _signatures(out, result, sign)
    _print(out, result, Parts(row, header, table_end, issues, sign))


class Parts(NamedTuple):
    """Where a unit sheet's parts are (rows), for printing it."""

    last: int
    header: int | None = None  # the table's heading row
    table_end: int | None = None
    issues: int | None = None  # the heading of the problems, the block kept with the signatures
    sign: int | None = None  # the first row of the signature block


def _gap(out: Out, row: int) -> int:
    """A thin empty row at `row`; returns the row after it."""
    out.set_row(row, GAP)
    return row + 1


def _print(out: Out, result: RunResult, parts: Parts) -> None:
    """A4 portrait. One page when that keeps the body at ≥ 10 pt (the room to sign then grows
    into what the page has left, up to SIGN_ROOM_MAX rows); else one page wide on as many pages
    as it takes, the table's heading repeated when the table itself runs on to another page,
    and the signature block never alone nor split: when it would not fit under the rest, a page
    break before the problems takes them over with it."""
    ws, last = out.ws, parts.last
    print_setup(
        ws,
        landscape=False,
        repeat=None,
        header=result.config.office_name,
        fit_width=False,
        margins=MARGINS,
        header_margin=HEADER_MARGIN,
    )
    width_scale, one_page = page_scale(out.grid.widths, out.printed_height(last), MARGINS)
    if one_page * BODY_SIZE >= MIN_PRINTED + LANDING:
        if parts.sign is not None:
            last = _more_room(out, last)
        ws.fit_to_pages(1, 1)
    else:
        ws.fit_to_pages(1, 0)
        if parts.header is not None:
            _paginate(out, width_scale, parts)
    ws.print_area(0, 0, last, out.last)


def _more_room(out: Out, last: int) -> int:
    """Rows to sign in after `last`, as many more as the one page still holds at ≥ 10 pt."""
    rows, height = SIGN_ROOM
    while rows < SIGN_ROOM_MAX:
        _, one_page = page_scale(out.grid.widths, out.printed_height(last) + height, MARGINS)
        if one_page * BODY_SIZE < MIN_PRINTED + LANDING:
            break
        last += 1
        rows += 1
        out.set_row(last, height)
    return last


def _page_of_rows(
    out: Out, scale: float, last: int, repeat: float, break_at: int | None = None
) -> tuple[list[int], list[float]]:
    """The page each row 0..last prints on at `scale` (a row that does not fit starts the next
    page, which begins with `repeat` points of repeated heading; `break_at` starts one too),
    and the room (points) its page has left below it."""
    room = (A4_HEIGHT - 72 * (MARGINS["top"] + MARGINS["bottom"])) / scale
    heights, pages, left = out.heights, [], []
    used, page = 0.0, 0
    for r in range(last + 1):
        h = heights.get(r, DEFAULT_ROW)
        if (used + h > room and used > repeat) or r == break_at:
            page, used = page + 1, repeat
        used += h
        pages.append(page)
        left.append(room - used)
    return pages, left


def _paginate(out: Out, scale: float, parts: Parts) -> None:
    """The repeated heading and the page break of a unit sheet on several pages (see _print):
    the problems and the signature block print on one page, the problems' heading at its top,
    unless together they take more than a page: then the last problem goes over with the
    signatures. Where the rows fall is reckoned only roughly (LibreOffice and Excel fill a page
    a little differently), so a break is set wherever a page would end near the problems."""
    header, last, issues = parts.header, parts.last, parts.issues
    pages, left = _page_of_rows(out, scale, last, 0.0)
    repeat = 0.0
    if pages[parts.table_end] != pages[header]:
        out.ws.repeat_rows(header, header)
        repeat = out.heights.get(header, DEFAULT_ROW)
        pages, left = _page_of_rows(out, scale, last, repeat)
    if pages[issues] == pages[last] and left[issues - 1] > NEAR_PAGE_END and pages[issues - 1] == pages[issues]:
        return  # on one page with what is above them, far from its end
    moved, _ = _page_of_rows(out, scale, last, repeat, issues)
    keep = issues if moved[last] == moved[issues] else parts.sign - 2
    out.ws.set_h_pagebreaks([keep])


# ------------------------------------------------------------------ blocks


def _title(out: Out, result: RunResult, outcome: UnitOutcome) -> int:
    unit, cfg, rs, f = outcome.unit, result.config, result.rule_set, out.f
    title = f"KẾT QUẢ ĐÁNH GIÁ CHUẨN TIẾP CẬN PHÁP LUẬT — {unit.full_name} — năm {cfg.year}"
    out.merged(0, 0, out.last, title, f.title)
    out.set_row(0, needs(count_lines(title, out.grid.full, 14, True), 14))
    sub = f"{cfg.office_name} · Bộ tiêu chí {rs.id}" + (f" ({rs.decision})" if rs.decision else "")
    out.merged(1, 0, out.last, sub, f.subtitle)
    return 2


def _info(out: Out, result: RunResult, outcome: UnitOutcome, row: int) -> int:
    """Two lines: the unit's code, the file used and its report date; the contact."""
    contact = " · ".join(p for p in (outcome.contact_name, outcome.contact_phone) if p) or "(không ghi)"
    date = date_text(outcome.report_date) or "(không ghi)"
    when = f"{date} — {on_time_text(outcome.days_late)} (hạn {date_text(result.config.deadline)})"
    out.pairs(row, (("Mã đơn vị", outcome.unit.code), ("Tệp được dùng", outcome.file), ("Ngày báo cáo", when)))
    out.pairs(row + 1, (("Người liên hệ", contact),))
    return row + 2


def _big_line(out: Out, row: int, text: str, tone: str) -> None:
    out.merged(row, 0, out.last, text, out.f.fmt("cell", "title", tone))
    out.set_row(row, needs(count_lines(text, out.grid.full, 14, True), 14) + 2)


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
    out.pairs(row + 1, (("Lý do", "; ".join(reasons)),))
    return row + 2


def _conditions(out: Out, outcome: UnitOutcome, row: int) -> int:
    """The conditions not judged on a table row (the total's and each criterion's are there,
    next to their figures): a coloured line each, what it asks and what was found."""
    for c in outcome.verdict.conditions:
        if c.code in IN_TABLE:
            continue
        met = "Đạt" if c.met else "Không đạt"
        # A declaration's finding repeats what it asks ("…: Không"): then the finding alone.
        text = f"{c.detail} — {met}" if c.detail.startswith(c.label) else f"{c.label} — {met} ({c.detail})"
        out.pairs(row, (("Điều kiện công nhận", text),), out.f.fmt("wrap", "ok" if c.met else "bad"))
        row += 1
    return row


def _notes(out: Out, outcome: UnitOutcome, row: int) -> int:
    """Provisional notes (a coloured block), then notes: one paragraph each, across the page."""
    v, f = outcome.verdict, out.f
    for label, texts, tone in (
        ("Tạm tính", [r.text for r in v.provisional], "warn"),
        ("Ghi chú", [r.text for r in v.notes], ""),
    ):
        if texts:
            out.pairs(row, ((label, ". ".join(texts) + "."),), f.fmt("wrap", tone) if tone else None)
            row += 1
    return row


def _issues(out: Out, issues: tuple[Issue, ...], row: int, used_file: str = "") -> int:
    """Every problem found in the unit's files: the cell, what is wrong and how to fix it, how
    serious, where (the sheet; the file when it is not the one used)."""
    f, grid = out.f, out.grid
    out.text(row, 0, "VẤN ĐỀ TRONG PHIẾU" + ("" if issues else ": không có"), f.section)
    if not issues:
        return row + 1
    row += 1
    for text, first, last in (
        ("Ô", 0, 0),
        ("Nội dung, cách khắc phục", 1, 1),
        ("Mức độ", 2, 3),
        ("Trang tính", 4, grid.last),
    ):
        (out.text(row, first, text, f.head) if first == last else out.merged(row, first, last, text, f.head))
    text_width, where_width = grid.widths[1], grid.span(4, grid.last)
    for i in issues:
        row += 1
        # The file is named once at the top; only another file (an older copy...) is repeated here.
        where = "\n".join(p for p in (i.sheet, i.file if i.file != used_file else "") if p)
        out.text(row, 0, i.cell, f.box_center)
        lines = count_lines(i.message, text_width)
        if i.fix:
            fix = f"Cách khắc phục: {i.fix}"
            out.rich(row, 1, (i.message, f.italic, "\n" + fix), f.box_wrap)
            lines += count_lines(fix, text_width)
        else:
            out.text(row, 1, i.message, f.box_wrap)
        tone = "bad" if i.severity == "error" else "warn"
        out.merged(row, 2, 3, SEVERITY_LABEL.get(i.severity, i.severity), f.fmt("cell", "center", tone))
        out.merged(row, 4, grid.last, where, f.box_small)
        out.tall(row, max(needs(lines), needs(count_lines(where, where_width, 9), 9)))
    return row + 1


def _signatures(out: Out, result: RunResult, row: int) -> int:
    """The place-and-date line (right-aligned, running on to the left), then the two signers:
    the left one centred in "Nội dung", the right one across the columns after it; room to
    sign below. Returns the last row."""
    f, last = out.f, out.last
    place = result.config.signature.place or place_name(result.config.area)
    line = f"{place}, ngày ...... tháng ...... năm ........"
    lines = count_lines(line, out.grid.span(1, last))
    if lines == 1:
        out.text(row, last, line, f.fmt("italic", "right"))
    else:  # a long place name: wrapped across the page instead
        out.merged(row, 1, last, line, f.fmt("italic", "right", "wrap"))
        out.tall(row, needs(lines))
    for offset, (left, right, look) in enumerate(
        (
            ("NGƯỜI LẬP BIỂU", head_of_office(result.config.office_name), f.sign_title),
            ("(Ký, ghi rõ họ tên)", "(Ký, ghi rõ họ tên, đóng dấu)", f.sign_note),
        ),
        start=1,
    ):
        out.text(row + offset, 1, left, look)
        out.merged(row + offset, 2, last, right, look)
    row += 2
    rows, height = SIGN_ROOM
    for _ in range(rows):
        row += 1
        out.set_row(row, height)
    return row


def _no_result(out: Out, result: RunResult, outcome: UnitOutcome, files: list[FileRecord], row: int) -> int:
    if outcome.status == NOT_SUBMITTED:
        status, tone = "CHƯA NỘP PHIẾU", "grey"
        detail = f"Đến lúc lập báo cáo ({result.generated_at:%d/%m/%Y}) chưa nhận được phiếu tự đánh giá của đơn vị."
    else:
        status, tone = "PHIẾU KHÔNG DÙNG ĐƯỢC", "warn"
        detail = "Mọi phiếu đơn vị gửi đều bị loại; xem lý do ở các tệp và vấn đề bên dưới."
    out.pairs(row, (("Mã đơn vị", outcome.unit.code),))
    row = _gap(out, row + 1)
    _big_line(out, row, status, tone)
    row += 1
    out.pairs(row, (("Ghi chú", detail),))
    for f in files:
        row += 1
        label = "Tệp bị loại" if f.status == REJECTED else "Tệp"
        out.pairs(row, ((label, f"{f.path}" + (f" — {f.note}" if f.note else "")),))
    return row + 1
