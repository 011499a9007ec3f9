"""The period's consolidated workbook of the communes' periodic reports:

- *Tổng hợp*: one row per configured unit (its report date, on time / late / not sent, every
  figure; a figure left out of the totals is blank on amber), the totals, the mediation rate,
  and under the table who reported late, who sent nothing and which figures were refused;
- *Nội dung*: the texts grouped by heading (results, difficulties, causes, proposals), each
  with the unit named, and who wrote nothing under it;
- *Lỗi dữ liệu*: every problem, located (file, sheet, cell) with how to fix it;
- *Hồ sơ*: every file found in the reports folder and what became of it.

A4, Times New Roman (the toolkit's formats), headings repeated on printed pages.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

from pipeline.core import report_layout as L
from pipeline.core.model import STATUS_LABEL
from pipeline.core.problems import SEVERITY_LABEL
from pipeline.core.text import date_text, number_text
from pipeline.steps.reports import PeriodResult, UnitReport
from pipeline.writers.atomic import atomic_output
from pipeline.writers.xlsx import Formats, lines_needed, print_setup, put, put_merged, row_height, workbook_options

SUMMARY, TEXTS, PROBLEMS, FILES = "Tổng hợp", "Nội dung", "Lỗi dữ liệu", "Hồ sơ"
FIXED = (("STT", 5), ("Mã", 7), ("Đơn vị", 17), ("Ngày báo cáo", 11), ("Tình trạng", 12))
FIGURE_WIDTH = 10.5


def status_text(r: UnitReport | None) -> str:
    if r is None:
        return "Chưa gửi"
    return f"Muộn {r.days_late} ngày" if r.late else "Đúng hạn"


def rate_text(result: PeriodResult) -> str:
    rate = result.mediation_rate()
    return "—" if rate is None else f"{number_text(rate, 2)}%"


def write_report_workbook(result: PeriodResult, path: Path) -> Path:
    path = Path(path)
    cfg = result.config
    with atomic_output(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), workbook_options())
        wb.set_properties(
            {
                "title": f"Tổng hợp báo cáo {L.period_words(result.period, cfg.year)}",
                "subject": f"Báo cáo định kỳ chuẩn tiếp cận pháp luật — {cfg.area}",
                "author": "tcpl",
                "company": cfg.office_name,
                "created": dt.datetime.combine(result.as_of, dt.time()),
            }
        )
        fmt = Formats(wb)
        _summary(wb.add_worksheet(SUMMARY), fmt, result)
        _texts(wb.add_worksheet(TEXTS), fmt, result)
        _problems(wb.add_worksheet(PROBLEMS), fmt, result)
        _files(wb.add_worksheet(FILES), fmt, result)
        wb.close()
    return path


def _title(ws, fmt, last: int, title: str, subtitle: str) -> None:
    put_merged(ws, 0, 0, last, title, fmt("title"))
    ws.set_row(0, row_height(lines_needed(title, 110, 14), 14))
    put_merged(ws, 1, 0, last, subtitle, fmt("subtitle"))
    ws.set_row(1, row_height(lines_needed(subtitle, 150)))


def _summary(ws, fmt, result: PeriodResult) -> None:
    cfg = result.config
    last = len(FIXED) + len(L.FIGURES) - 1
    for n, (_, width) in enumerate(FIXED):
        ws.set_column(n, n, width)
    ws.set_column(len(FIXED), last, FIGURE_WIDTH)
    _title(
        ws,
        fmt,
        last,
        f"TỔNG HỢP BÁO CÁO {L.PERIOD_TITLES[result.period]} {cfg.year} VỀ XÂY DỰNG XÃ, PHƯỜNG ĐẠT CHUẨN TIẾP CẬN "
        "PHÁP LUẬT",
        f"{cfg.office_name} — hạn nộp {date_text(result.deadline)}; số liệu tính đến {date_text(result.as_of)} "
        "(ngày của báo cáo mới nhất nhận được)",
    )
    expected = len(cfg.units)
    got = len(result.reports)
    line = (
        f"Đã nhận {got}/{expected} báo cáo: {len(result.on_time)} đúng hạn, {len(result.late)} nộp muộn; "
        f"{len(result.missing)} đơn vị chưa gửi."
    )
    put_merged(ws, 2, 0, last, line, fmt("bold"))
    errors = sum(1 for i in result.issues if i.severity == "error")
    if errors:
        banner = (
            f"Có {errors} lỗi dữ liệu: số liệu không hợp lệ chưa được cộng vào tổng (ô trống nền vàng); xem trang "
            f"{PROBLEMS}, đề nghị đơn vị sửa và gửi lại."
        )
        put_merged(ws, 3, 0, last, banner, fmt("banner_warn"))
        ws.set_row(3, row_height(lines_needed(banner, 150)))
    head = 5
    headings = [h for h, _ in FIXED] + [f"{f.short} ({f.unit})" for f in L.FIGURES]
    for c, text in enumerate(headings):
        put(ws, head, c, text, fmt("head"))
        put(ws, head + 1, c, f"({c + 1})", fmt("cell", "center", "italic", "small"))
    ws.set_row(head, row_height(max(lines_needed(h, FIGURE_WIDTH, bold=True) for h in headings) + 1))
    by_code = {r.unit.code: r for r in result.reports}
    row = head + 1
    for n, unit in enumerate(cfg.units, start=1):
        row += 1
        r = by_code.get(unit.code)
        grey = "grey" if r is None else ""
        put(ws, row, 0, n, fmt("cell", "center", grey))
        put(ws, row, 1, unit.code, fmt("cell", "center", grey))
        put(ws, row, 2, unit.full_name, fmt("cell", grey))
        shown_day = (date_text(r.day) + (" (*)" if r.dated_by_file else "")) if r else ""
        put(ws, row, 3, shown_day, fmt("cell", "center", grey))
        put(ws, row, 4, status_text(r), fmt("cell", "center", "warn" if r and r.late else grey))
        for c, f in enumerate(L.FIGURES, start=len(FIXED)):
            value = r.figures.get(f.name) if r else None
            put(ws, row, c, value, fmt("cell", "int", "center", "warn" if r and value is None else grey))
    row += 1
    put_merged(ws, row, 0, len(FIXED) - 1, "Tổng cộng", fmt("cell", "group", "center"))
    for c, f in enumerate(L.FIGURES, start=len(FIXED)):
        put(ws, row, c, result.totals[f.name], fmt("cell", "group", "int", "center"))
    row += 1
    put_merged(ws, row, 0, len(FIXED) - 1, "Số đơn vị có số liệu", fmt("cell", "center", "italic"))
    for c, f in enumerate(L.FIGURES, start=len(FIXED)):
        put(ws, row, c, f"{result.given[f.name]}/{expected}", fmt("cell", "center", "italic"))
    notes = notes_lines(result)
    row += 1
    for text in notes:
        row += 1
        put_merged(ws, row, 0, last, text, fmt("wrap"))
        ws.set_row(row, row_height(lines_needed(text, 150)))
    ws.freeze_panes(head + 2, 3)
    print_setup(ws, landscape=True, repeat=(head, head + 1), header=f"{cfg.office_name} — {SUMMARY.lower()}")
    ws.print_area(0, 0, row, last)
    ws.activate()


def notes_lines(result: PeriodResult) -> list[str]:
    """What the table cannot say: the rate, who was late, who sent nothing, what was refused."""
    lines = [
        f"Tỷ lệ hòa giải thành (trên số vụ, việc tiếp nhận của các đơn vị có đủ hai số liệu): {rate_text(result)}."
    ]
    if result.late:
        late = "; ".join(
            f"{r.unit.full_name} (báo cáo ngày {date_text(r.day)}, muộn {r.days_late} ngày)" for r in result.late
        )
        lines.append(f"Đơn vị nộp muộn: {late}.")
    if result.missing:
        lines.append("Đơn vị chưa gửi báo cáo: " + ", ".join(u.full_name for u in result.missing) + ".")
    if result.incomplete:
        parts = []
        for r in result.incomplete:
            names = [f.short for f in L.FIGURES if r.figures[f.name] is None]
            why = "không hợp lệ" if set(r.refused) else "chưa nhập"
            parts.append(f"{r.unit.full_name} — {', '.join(names)} ({why})")
        lines.append("Số liệu chưa cộng vào tổng: " + "; ".join(parts) + ".")
    if any(r.dated_by_file for r in result.reports):
        lines.append("(*) Báo cáo không ghi ngày hợp lệ: dùng ngày của tệp để tính hạn nộp.")
    return lines


def grouped_texts(result: PeriodResult) -> list[tuple[L.Field, list[tuple[str, str]], list[str]]]:
    """(heading, [(unit, text)], units that wrote nothing under it), in the report's order."""
    out = []
    for f in L.TEXTS:
        written = [(r.unit.full_name, r.texts[f.name]) for r in result.reports if r.texts.get(f.name)]
        silent = [r.unit.full_name for r in result.reports if not r.texts.get(f.name)]
        out.append((f, written, silent))
    return out


def _texts(ws, fmt, result: PeriodResult) -> None:
    widths = (5, 20, 95)
    for n, w in enumerate(widths):
        ws.set_column(n, n, w)
    _title(
        ws,
        fmt,
        2,
        f"NỘI DUNG BÁO CÁO {L.PERIOD_TITLES[result.period]} {result.config.year} CỦA CÁC XÃ, PHƯỜNG",
        "Theo từng mục của báo cáo; mỗi dòng là nội dung một đơn vị đã ghi (đơn vị chưa gửi báo cáo không có ở đây).",
    )
    row = 2
    for n, (f, written, silent) in enumerate(grouped_texts(result), start=1):
        row += 2
        put_merged(ws, row, 0, 2, f"{n}. {f.label}", fmt("section"))
        row += 1
        for c, text in enumerate(("STT", "Đơn vị", "Nội dung")):
            put(ws, row, c, text, fmt("head"))
        for k, (unit, text) in enumerate(written, start=1):
            row += 1
            put(ws, row, 0, k, fmt("cell", "center"))
            put(ws, row, 1, unit, fmt("cell", "wrap"))
            put(ws, row, 2, text, fmt("cell", "wrap"))
            ws.set_row(row, row_height(max(lines_needed(text, widths[2]), lines_needed(unit, widths[1]))))
        if silent:
            row += 1
            note = "Không ghi nội dung mục này: " + ", ".join(silent) + "."
            put_merged(ws, row, 0, 2, note, fmt("italic", "wrap"))
            ws.set_row(row, row_height(lines_needed(note, sum(widths))))
    print_setup(ws, landscape=False, repeat=None, header=f"{result.config.office_name} — {TEXTS.lower()}")
    ws.print_area(0, 0, row, 2)


def _problems(ws, fmt, result: PeriodResult) -> None:
    cols = (
        ("STT", 5),
        ("Tệp", 30),
        ("Trang", 14),
        ("Ô", 6),
        ("Đơn vị", 14),
        ("Mức", 8),
        ("Nội dung", 55),
        ("Cách sửa", 45),
    )
    for n, (_, w) in enumerate(cols):
        ws.set_column(n, n, w)
    last = len(cols) - 1
    count = len(result.issues)
    _title(
        ws,
        fmt,
        last,
        f"LỖI DỮ LIỆU TRONG BÁO CÁO {L.PERIOD_TITLES[result.period]} {result.config.year}",
        f"{count} vấn đề; mỗi vấn đề chỉ rõ tệp, trang, ô và cách sửa" if count else "Không có vấn đề nào.",
    )
    head = 3
    for c, (text, _) in enumerate(cols):
        put(ws, head, c, text, fmt("head"))
    names = {u.code: u.full_name for u in result.config.units}
    for n, i in enumerate(result.issues, start=1):
        row = head + n
        level = "bad" if i.severity == "error" else "warn"
        cells = (n, i.file, i.sheet, i.cell, names.get(i.unit, i.unit), SEVERITY_LABEL[i.severity], i.message, i.fix)
        for c, value in enumerate(cells):
            put(ws, row, c, value, fmt("cell", "wrap", level if c == 5 else "", "center" if c in (0, 3) else ""))
        ws.set_row(row, row_height(max(lines_needed(i.message, 55), lines_needed(i.fix, 45), lines_needed(i.file, 30))))
    ws.freeze_panes(head + 1, 0)
    if count:
        ws.autofilter(head, 0, head + count, last)
    print_setup(ws, landscape=True, repeat=(head, head), header=f"{result.config.office_name} — {PROBLEMS.lower()}")


def _files(ws, fmt, result: PeriodResult) -> None:
    cols = (
        ("STT", 5),
        ("Tệp", 38),
        ("Ngày sửa tệp", 15),
        ("Trạng thái", 12),
        ("Đơn vị", 9),
        ("Kỳ", 14),
        ("Ngày báo cáo", 12),
        ("Ghi chú", 50),
    )
    for n, (_, w) in enumerate(cols):
        ws.set_column(n, n, w)
    last = len(cols) - 1
    _title(
        ws,
        fmt,
        last,
        "HỒ SƠ BÁO CÁO ĐÃ NHẬN",
        f"{len(result.files)} tệp trong thư mục báo cáo; chương trình không sửa, không xóa tệp nào.",
    )
    head = 3
    for c, (text, _) in enumerate(cols):
        put(ws, head, c, text, fmt("head"))
    for n, f in enumerate(result.files, start=1):
        row = head + n
        cells = (
            n,
            f.file,
            f.modified.strftime("%d/%m/%Y %H:%M") if f.modified.year > 1971 else "",
            STATUS_LABEL.get(f.status, f.status),
            f.unit_code,
            L.PERIODS.get(f.period, f.period),
            date_text(f.report_date),
            f.note,
        )
        for c, value in enumerate(cells):
            put(ws, row, c, value, fmt("cell", "wrap", "center" if c == 0 else ""))
        ws.set_row(row, row_height(max(lines_needed(f.note, 50), lines_needed(f.file, 38))))
    ws.freeze_panes(head + 1, 0)
    print_setup(ws, landscape=True, repeat=(head, head), header=f"{result.config.office_name} — {FILES.lower()}")
