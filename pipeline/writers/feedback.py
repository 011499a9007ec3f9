"""One small feedback workbook per unit, ready to send back to the commune:
`outputs/phan-hoi/<code>-<slug>-phan-hoi.xlsx`.

Written for every unit that sent something (units whose files were all rejected need it
most). One A4 portrait sheet, top to bottom: who it is for; the files received and what
became of each; the result (provisional when it is); every problem found in the unit's files
with sheet, cell, message and how to fix it; the council's changes, once appraised; the
indicators furthest below their maximum; what to do next. Problems in the council's own
appraisal workbook are the office's business and are left out.

Every line is addressed to the commune: the problems' "how to fix" in words meant for it
(never the office's own steps, such as confirming with the commune which copy is right), file
names without the office's folders, the unit by its name. The letter prints on one page
wherever its content fits (shrunk a little when it nearly fits), and the closing request and
the sender stay together: no page holds only the sender.

Written atomically and byte-identically for the same RunResult, like every output.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from pipeline.core.model import NOT_SUBMITTED, STATUS_LABEL, SUBMITTED, FileRecord, RunResult, UnitOutcome
from pipeline.core.problems import ERROR, SEVERITY_LABEL, Issue
from pipeline.core.text import date_text, number_text, on_time_text
from pipeline.infra.parallel import map_in_order
from pipeline.steps.season import change_text, files_by_unit, points_source
from pipeline.writers import recognition_text
from pipeline.writers.atomic import atomic_output
from pipeline.writers.feedback_words import commune_fix, without_folders
from pipeline.writers.naming import file_stem
from pipeline.writers.pagination import TrackedRows
from pipeline.writers.xlsx import (
    Formats,
    add_sheet,
    lines_needed,
    print_setup,
    put_merged,
    row_height,
    workbook_options,
)

SHEET = "Phản hồi"
WIDTHS = (6, 9, 14, 9, 34, 30)
LAST = len(WIDTHS) - 1
LOWEST = 5  # indicators listed as furthest below their maximum
# Why a result is provisional, as far as the commune is concerned: its points are not yet
# appraised. Unconfirmed rule-set figures are the office's doubts, shown on its own outputs only.
COMMUNE_REASONS = ("SELF_ASSESSED",)
FEEDBACK_PARALLEL_MIN = 32  # below this, starting workers costs more than it saves (as for unit workbooks)


def feedback_name(outcome: UnitOutcome) -> str:
    return f"{file_stem(outcome)}-phan-hoi.xlsx"


def feedback_issues(result: RunResult, outcome: UnitOutcome) -> list[Issue]:
    """The problems a commune can act on: those in its own files (not the council's workbook)."""
    return [i for i in outcome.issues if not (result.appraisal_file and i.file == result.appraisal_file)]


def write_feedback_workbooks(result: RunResult, folder: Path) -> list[Path]:
    """One workbook per unit that sent something, in `folder`; returns their paths in unit order.

    Independent files: written on every core when there are many (each is byte-identical
    whichever process writes it), like the per-unit workbooks."""
    import xlsxwriter

    folder = Path(folder)
    files = files_by_unit(result)

    def write_one(outcome: UnitOutcome) -> Path:
        path = folder / feedback_name(outcome)
        with atomic_output(path) as tmp:
            wb = xlsxwriter.Workbook(str(tmp), workbook_options())
            wb.set_properties(
                {
                    "title": f"Phản hồi phiếu tự đánh giá — {outcome.unit.full_name} — năm {result.config.year}",
                    "author": "tcpl",
                    "company": result.config.office_name,
                    "comments": f"tcpl {result.tool_version}; bộ tiêu chí {result.rule_set.id}",
                    "created": result.generated_at.replace(tzinfo=None),
                }
            )
            render_feedback(add_sheet(wb, SHEET), Formats(wb), result, outcome, files.get(outcome.unit.code, []))
            wb.close()
        return path

    senders = [u for u in result.units if u.status != NOT_SUBMITTED]
    return map_in_order(write_one, senders, min_items=FEEDBACK_PARALLEL_MIN)


# A page of the letter, in points of row height: A4 (842) less print_setup's margins (2 x 0.6 in),
# divided by the scale that fits WIDTHS to the page width (0.93, measured on LibreOffice's PDF),
# with a little room for rounding.
PAGE_ROWS = (842 - 2 * 0.6 * 72) / 0.93 * 0.96
SHRINK_TO_ONE_PAGE = 1.1  # a letter up to 10% longer than a page is printed a little smaller, on one


def render_feedback(ws, fmt: Formats, result: RunResult, u: UnitOutcome, files: list[FileRecord]) -> None:
    ws = TrackedRows(ws)
    for c, width in enumerate(WIDTHS):
        ws.set_column(c, c, width)
    paths = [f.path for f in files] + [i.file for i in u.issues if i.file]
    row = _heading(ws, fmt, result, u)
    row = _files(ws, fmt, u, files, row + 1, paths)
    row = _result(ws, fmt, result, u, row + 1)
    issues = feedback_issues(result, u)
    row = _problems(ws, fmt, result, u, issues, row + 1, paths)
    if u.appraisal:
        row = _appraisal(ws, fmt, result, u, row + 1)
    if u.status == SUBMITTED and u.verdict is not None:
        row = _lowest(ws, fmt, result, u, row + 1)
    closing = row + 1
    row = _next_steps(ws, fmt, result, u, issues, row + 1)
    print_setup(ws, landscape=False, repeat=None, header=result.config.office_name)
    _pages(ws, closing, row)
    ws.print_area(0, 0, row, LAST)


def _pages(ws: TrackedRows, closing: int, last: int) -> None:
    """One page where the letter fits (shrunk a little when it nearly does); else a page never
    ends under a heading (a section title, a table's heading row) nor inside the closing
    request and the sender, which start the next page together instead (see pagination)."""
    total = ws.total(last + 1)
    if total <= PAGE_ROWS:
        return
    if total <= PAGE_ROWS * SHRINK_TO_ONE_PAGE:
        ws.fit_to_pages(1, 1)
        return
    ws.keep_together(closing, last)
    starts = ws.page_starts(last + 1, PAGE_ROWS)
    if starts:
        ws.set_h_pagebreaks(starts)


# ------------------------------------------------------------------ helpers


def _line(ws, fmt: Formats, row: int, cells: list[tuple[int, int, object, tuple[str, ...]]]) -> int:
    """One table row: (first col, last col, value, format pieces) per cell; height fitted."""
    lines = 1.0
    for first, last, value, pieces in cells:
        put_merged(ws, row, first, last, value, fmt("cell", *pieces))
        if isinstance(value, str) and value:
            size = 9 if "small" in pieces else 11
            need = lines_needed(value, sum(WIDTHS[first : last + 1]), size, bold="bold" in pieces or "head" in pieces)
            lines = max(lines, need * size / 11)
    ws.set_row(row, row_height(int(lines + 0.99)))
    return row + 1


def _head(ws, fmt: Formats, row: int, cells: list[tuple[int, int, str]]) -> int:
    for first, last, text in cells:
        put_merged(ws, row, first, last, text, fmt("head"))
    ws.set_row(row, row_height(2))
    ws.keep.add(row)
    return row + 1


def _section(ws, fmt: Formats, row: int, text: str) -> int:
    put_merged(ws, row, 0, LAST, text, fmt("section"))
    ws.set_row(row, 20)
    ws.keep.add(row)
    return row + 1


def _text(ws, fmt: Formats, row: int, text: str, *pieces: str) -> int:
    put_merged(ws, row, 0, LAST, text, fmt("wrap", *pieces))
    size = 9 if "small" in pieces else 11
    ws.set_row(row, row_height(lines_needed(text, sum(WIDTHS), size, bold="bold" in pieces), size))
    return row + 1


# ------------------------------------------------------------------ blocks


def _heading(ws, fmt: Formats, result: RunResult, u: UnitOutcome) -> int:
    cfg = result.config
    title = f"PHẢN HỒI KẾT QUẢ KIỂM TRA PHIẾU TỰ ĐÁNH GIÁ\nCHUẨN TIẾP CẬN PHÁP LUẬT NĂM {cfg.year}"
    put_merged(ws, 0, 0, LAST, title, fmt("title"))
    ws.set_row(0, row_height(2, 14) + 2)
    unit = u.unit.full_name
    put_merged(ws, 1, 0, LAST, f"Kính gửi: Ủy ban nhân dân {unit[:1].lower()}{unit[1:]}", fmt("bold", "center"))
    put_merged(
        ws,
        2,
        0,
        LAST,
        f"{cfg.office_name} — số liệu tính đến {result.generated_at:%d/%m/%Y}; hạn nộp phiếu {date_text(cfg.deadline)}",
        fmt("subtitle"),
    )
    return 3


def _files(ws, fmt: Formats, u: UnitOutcome, files: list[FileRecord], row: int, paths: list[str]) -> int:
    row = _section(ws, fmt, row, "1. PHIẾU ĐÃ NHẬN")
    if not files:
        return _text(ws, fmt, row, "(không có tệp)", "italic")
    row = _head(ws, fmt, row, [(0, 2, "Tệp"), (3, 3, "Ngày báo cáo"), (4, 4, "Tình trạng"), (5, 5, "Ghi chú")])
    for f in files:
        status = "Được dùng để chấm" if f.path == u.file else STATUS_LABEL.get(f.status, f.status)
        tone = {"used": "ok", "rejected": "bad"}.get(f.status, "grey")
        row = _line(
            ws,
            fmt,
            row,
            [
                (0, 2, PurePosixPath(f.path).name, ("wrap", "small")),
                (3, 3, date_text(f.report_date), ("center",)),
                (4, 4, status, ("wrap", tone)),
                (5, 5, without_folders(f.note, paths), ("wrap", "small")),
            ],
        )
    return row


def _result(ws, fmt: Formats, result: RunResult, u: UnitOutcome, row: int) -> int:
    row = _section(ws, fmt, row, "2. KẾT QUẢ")
    v = u.verdict
    if u.status != SUBMITTED or v is None:
        return _text(
            ws,
            fmt,
            row,
            "PHIẾU KHÔNG DÙNG ĐƯỢC: mọi phiếu đơn vị gửi đều bị loại, chưa chấm được điểm. "
            "Xem lý do ở mục 1 và mục 3, sửa rồi gửi lại.",
            "bold",
            "warn",
        )
    label = "ĐẠT CHUẨN TIẾP CẬN PHÁP LUẬT" if v.recognised else "CHƯA ĐẠT CHUẨN TIẾP CẬN PHÁP LUẬT"
    own = [r for r in v.provisional if r.code in COMMUNE_REASONS]  # not the office's unconfirmed figures
    label += " (TẠM TÍNH)" if own else ""
    points = result.rule_set.scoring == "points"
    score = (
        f"{number_text(v.total)}/{number_text(v.total_max)} điểm"
        if points
        else f"{sum(c.met for c in v.criteria)}/{len(v.criteria)} tiêu chí đạt"
    )
    put_merged(ws, row, 0, LAST, f"{label} — {score}", fmt("big", "center", "ok" if v.recognised else "bad"))
    ws.set_row(row, 28)
    row += 1
    if not v.recognised:  # in the words of the recognition list
        for reason in recognition_text.reasons(u, result.rule_set):
            row = _text(ws, fmt, row, f"Lý do: {reason}.")
    source = points_source(u).lower() if points else points_source(u).lower().replace("tự chấm", "tự đánh giá")
    row = _text(
        ws,
        fmt,
        row,
        f"Thời hạn: {on_time_text(u.days_late)} (ngày báo cáo {date_text(u.report_date) or 'không ghi'}"
        f", hạn {date_text(result.config.deadline)}). {'Nguồn điểm' if points else 'Nguồn kết quả'}: {source}.",
    )
    for r in own:
        row = _text(ws, fmt, row, f"Tạm tính: {r.text}.", "italic", "small")
    return row


def _problems(
    ws, fmt: Formats, result: RunResult, u: UnitOutcome, issues: list[Issue], row: int, paths: list[str]
) -> int:
    office = result.config.office_name
    errors = sum(i.severity == ERROR for i in issues)
    row = _section(
        ws,
        fmt,
        row,
        f"3. VẤN ĐỀ TRONG PHIẾU: {errors} lỗi, {len(issues) - errors} cảnh báo"
        if issues
        else "3. VẤN ĐỀ TRONG PHIẾU: không có",
    )
    if not issues:
        return row
    row = _head(
        ws,
        fmt,
        row,
        [
            (0, 0, "STT"),
            (1, 1, "Ô"),
            (2, 2, "Trang tính"),
            (3, 3, "Mức độ"),
            (4, 4, "Nội dung"),
            (5, 5, "Cách khắc phục"),
        ],
    )
    for n, i in enumerate(issues, start=1):
        where = i.sheet + (f"\n(tệp {PurePosixPath(i.file).name})" if i.file and i.file != u.file else "")
        tone = "bad" if i.severity == ERROR else "warn"
        row = _line(
            ws,
            fmt,
            row,
            [
                (0, 0, n, ("center",)),
                (1, 1, i.cell, ("center", "bold")),
                (2, 2, where, ("wrap", "small")),
                (3, 3, SEVERITY_LABEL.get(i.severity, i.severity), ("center", tone)),
                (4, 4, without_folders(i.message, paths), ("wrap",)),
                (5, 5, without_folders(commune_fix(i, office), paths), ("wrap",)),
            ],
        )
    return row


def _appraisal(ws, fmt: Formats, result: RunResult, u: UnitOutcome, row: int) -> int:
    changed = [c for c in u.appraisal if c.changed]
    own = u.self_assessed or u.verdict
    row = _section(
        ws,
        fmt,
        row,
        f"4. HỘI ĐỒNG THẨM ĐỊNH: {len(u.appraisal)} chỉ tiêu, {len(changed)} chỉ tiêu "
        f"thay đổi điểm (tổng {number_text(own.total)} → {number_text(u.verdict.total)})",
    )
    if not changed:
        return row
    row = _head(
        ws,
        fmt,
        row,
        [
            (0, 0, "Chỉ tiêu"),
            (1, 1, "Tự chấm"),
            (2, 2, "Thẩm định"),
            (3, 3, "Chênh lệch"),
            (4, 5, "Ghi chú của Hội đồng"),
        ],
    )
    pass_fail = result.rule_set.scoring == "pass_fail"
    for c in changed:
        own_v = ("Đạt" if c.self_passed else "Không đạt") if pass_fail else c.self_points
        new_v = ("Đạt" if c.appraised_passed else "Không đạt") if pass_fail else c.appraised_points
        row = _line(
            ws,
            fmt,
            row,
            [
                (0, 0, c.indicator, ("center",)),
                (1, 1, own_v, ("pts", "center")),
                (2, 2, new_v, ("pts", "center", "bold")),
                (3, 3, change_text(c.change), ("center",)),
                (4, 5, c.note, ("wrap",)),
            ],
        )
    return row


def _lowest(ws, fmt: Formats, result: RunResult, u: UnitOutcome, row: int) -> int:
    rs = result.rule_set
    if rs.scoring != "points":
        return _not_passed(ws, fmt, result, u, row)
    order = {ind.code: n for n, ind in enumerate(rs.indicators)}
    short = sorted(
        (r for r in u.verdict.indicators if (r.max - r.points) > 0 or r.passed is False),
        key=lambda r: (-(r.max - r.points), order[r.code]),
    )[:LOWEST]
    number = 5 if u.appraisal else 4
    row = _section(
        ws,
        fmt,
        row,
        f"{number}. CHỈ TIÊU CÒN THẤP NHẤT SO VỚI ĐIỂM TỐI ĐA"
        + ("" if short else ": không có (mọi chỉ tiêu đạt điểm tối đa)"),
    )
    if not short:
        return row
    row = _head(
        ws,
        fmt,
        row,
        [
            (0, 0, "Chỉ tiêu"),
            (1, 1, "Điểm"),
            (2, 2, "Tối đa"),
            (3, 3, "Còn thiếu"),
            (4, 4, "Nội dung"),
            (5, 5, "Cách tính"),
        ],
    )
    for r in short:
        row = _line(
            ws,
            fmt,
            row,
            [
                (0, 0, r.code, ("center",)),
                (1, 1, r.points, ("pts", "bold")),
                (2, 2, r.max, ("pts",)),
                (3, 3, r.max - r.points, ("pts", "bad")),
                (4, 4, rs.indicator(r.code).name, ("wrap", "small")),
                (5, 5, r.basis, ("wrap", "small")),
            ],
        )
    return row


def _not_passed(ws, fmt: Formats, result: RunResult, u: UnitOutcome, row: int) -> int:
    """Pass/fail rule sets: every content (or indicator) judged Không đạt, in rule-set order."""
    rs = result.rule_set
    failed = [r for r in u.verdict.indicators if r.passed is False]
    what = "NỘI DUNG" if any(rs.indicator(r.code).is_content for r in u.verdict.indicators) else "CHỈ TIÊU"
    number = 5 if u.appraisal else 4
    title = f"{number}. {what} CHƯA ĐẠT" + ("" if failed else f": không có (mọi {what.lower()} đều đạt)")
    row = _section(ws, fmt, row, title)
    if not failed:
        return row
    row = _head(ws, fmt, row, [(0, 0, "Mã"), (1, 1, "Kết quả"), (2, 4, "Yêu cầu"), (5, 5, "Cách đánh giá")])
    for r in failed:
        cells = [
            (0, 0, r.code, ("center",)),
            (1, 1, "Không đạt", ("center", "bad")),
            (2, 4, rs.indicator(r.code).name, ("wrap", "small")),
            (5, 5, r.basis, ("wrap", "small")),
        ]
        row = _line(ws, fmt, row, cells)
    return row


def _next_steps(ws, fmt: Formats, result: RunResult, u: UnitOutcome, issues: list[Issue], row: int) -> int:
    office = result.config.office_name
    errors = [i for i in issues if i.severity == ERROR]
    if u.status != SUBMITTED or u.verdict is None:
        text = (
            f"Đề nghị: lập lại phiếu trên mẫu do {office} gửi (đúng năm {result.config.year}), sửa các vấn đề "
            "ở mục 3, ghi ngày báo cáo mới và gửi lại sớm nhất."
        )
    elif errors:
        counted = "coi là Không đạt" if u.verdict.pass_fail else "tính 0 điểm"
        text = (
            f"Đề nghị: sửa {len(errors)} lỗi ở mục 3 ngay trên phiếu đã gửi (giữ nguyên mẫu, không thêm bớt "
            f"dòng), ghi ngày báo cáo mới và gửi lại {office}. Các dòng có lỗi đang được {counted}."
        )
    else:
        text = (
            "Phiếu không có lỗi phải sửa; các cảnh báo ở mục 3 (nếu có) chỉ để đơn vị kiểm tra lại. "
            "Không cần gửi lại phiếu."
        )
    row = _text(ws, fmt, row + 1, text, "bold")
    row += 1
    put_merged(ws, row, 3, LAST, office.upper(), fmt("bold", "center"))
    return row
