"""One unit's result on one printable sheet (A4 portrait, one page wide), to be signed.

`render_unit` is the single renderer: the consolidated workbook calls it once per unit sheet,
and `write_unit_workbooks` calls it once per separate workbook, so both look the same.

Top to bottom: title; file, report date, contact; the verdict in large type with its reasons;
the score table (criteria as bold subtotal rows with their 50% floor, then indicators); the
recognition conditions; provisional notes and notes; every problem found in the unit's files;
the signature block. A unit with no usable file gets the title, its status and its problems.
"""

from __future__ import annotations

import re
import unicodedata

from ..model import NOT_SUBMITTED, REJECTED, SUBMITTED, FileRecord, RunResult, UnitOutcome
from ..problems import SEVERITY_LABEL, Issue
from ..scoring import SOURCE_LABEL, CriterionResult, IndicatorResult
from .style import (Formats, date_text, lines_needed, number_text, on_time_text, place_name, print_setup, put,
                    put_merged, row_height, signature_pair)

# Column layout, sized for A4 portrait at about 75% (widths in characters).
COLUMNS = (
    ("Mã", 5.5), ("Nội dung", 34), ("Điểm tối đa", 6.5), ("Điểm", 6.5), ("% tối đa", 6),
    ("Nguồn điểm", 9.5), ("Cách tính", 18), ("Số liệu", 17), ("Minh chứng", 15), ("Vấn đề trong dòng", 18),
)
LAST = len(COLUMNS) - 1
WIDTHS = [w for _, w in COLUMNS]
FULL_WIDTH = sum(WIDTHS)
LABEL_TO, VALUE_FROM = 1, 2  # info blocks: label in A:B, value in C:last
INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def render_unit(ws, fmt: Formats, result: RunResult, outcome: UnitOutcome,
                files: list[FileRecord] | None = None) -> None:
    """Fill an empty worksheet with one unit's result.

    files: the unit's files from the register; looked up when not given (callers rendering
    many units pass them, from `files_by_unit`, to avoid scanning the register per unit).
    """
    if files is None:
        files = files_by_unit(result).get(outcome.unit.code, [])
    for c, (_, width) in enumerate(COLUMNS):
        ws.set_column(c, c, width)
    row = _title(ws, fmt, result, outcome)
    if outcome.status != SUBMITTED or outcome.verdict is None:
        row = _no_result(ws, fmt, result, outcome, files, row)
        row = _issues(ws, fmt, outcome.issues, row + 1)
        print_setup(ws, landscape=False, repeat=None, header=result.config.office_name)
        ws.print_area(0, 0, row, LAST)
        return
    row = _info(ws, fmt, result, outcome, row)
    row = _verdict(ws, fmt, outcome, row + 1)
    header_row = row + 1
    row = _score_table(ws, fmt, result, outcome, header_row)
    row = _conditions(ws, fmt, outcome, row + 2)
    row = _notes(ws, fmt, outcome, row + 1)
    row = _issues(ws, fmt, outcome.issues, row + 1, outcome.file)
    row = _signatures(ws, fmt, result, row + 2)
    print_setup(ws, landscape=False, repeat=(header_row, header_row), header=result.config.office_name)
    ws.print_area(0, 0, row, LAST)


# ------------------------------------------------------------------ blocks


def _title(ws, fmt: Formats, result: RunResult, outcome: UnitOutcome) -> int:
    unit, cfg, rs = outcome.unit, result.config, result.rule_set
    title = f"KẾT QUẢ ĐÁNH GIÁ CHUẨN TIẾP CẬN PHÁP LUẬT — {unit.full_name} — năm {cfg.year}"
    put_merged(ws, 0, 0, LAST, title, fmt("title"))
    ws.set_row(0, row_height(lines_needed(title, FULL_WIDTH, 14, bold=True), 14))
    sub = f"{cfg.office_name} · Bộ tiêu chí {rs.id}" + (f" ({rs.decision})" if rs.decision else "")
    put_merged(ws, 1, 0, LAST, sub, fmt("subtitle"))
    return 3


def _info_line(ws, fmt: Formats, row: int, label: str, value, *value_style: str) -> int:
    put_merged(ws, row, 0, LABEL_TO, label, fmt("cell", "bold"))
    put_merged(ws, row, VALUE_FROM, LAST, value, fmt("cell", "wrap", *value_style))
    if isinstance(value, str):
        ws.set_row(row, row_height(lines_needed(value, _span(VALUE_FROM, LAST))))
    return row + 1


def _info(ws, fmt: Formats, result: RunResult, outcome: UnitOutcome, row: int) -> int:
    contact = " · ".join(p for p in (outcome.contact_name, outcome.contact_phone) if p) or "(không ghi)"
    date = date_text(outcome.report_date) or "(không ghi)"
    row = _info_line(ws, fmt, row, "Mã đơn vị", outcome.unit.code)
    row = _info_line(ws, fmt, row, "Tệp được dùng", outcome.file)
    row = _info_line(ws, fmt, row, "Ngày báo cáo",
                     f"{date} — {on_time_text(outcome.days_late)} (hạn {date_text(result.config.deadline)})")
    return _info_line(ws, fmt, row, "Người liên hệ", contact)


def _verdict(ws, fmt: Formats, outcome: UnitOutcome, row: int) -> int:
    v = outcome.verdict
    tone = "ok" if v.recognised else "bad"
    label = "ĐẠT CHUẨN TIẾP CẬN PHÁP LUẬT" if v.recognised else "CHƯA ĐẠT CHUẨN TIẾP CẬN PHÁP LUẬT"
    put_merged(ws, row, 0, LABEL_TO, "KẾT QUẢ", fmt("cell", "big"))
    # Never present a provisional result as official: say so on the verdict line itself.
    label += " (TẠM TÍNH)" if v.provisional else ""
    put_merged(ws, row, VALUE_FROM, LAST, f"{label} — {number_text(v.total)}/{number_text(v.total_max)} điểm",
               fmt("cell", "big", "center", tone))
    ws.set_row(row, 28)
    reasons = [r.text for r in v.reasons] or ["Đáp ứng đủ các điều kiện công nhận."]
    for n, text in enumerate(reasons):
        row = _info_line(ws, fmt, row + 1, "Lý do" if n == 0 else "", text, tone) - 1
    return row + 1


def _score_table(ws, fmt: Formats, result: RunResult, outcome: UnitOutcome, top: int) -> int:
    for c, (header, _) in enumerate(COLUMNS):
        put(ws, top, c, header, fmt("head"))
    ws.set_row(top, row_height(2))
    v = outcome.verdict
    by_criterion: dict[str, list[IndicatorResult]] = {}
    for r in v.indicators:
        by_criterion.setdefault(r.criterion, []).append(r)
    row = top + 1
    for c in v.criteria:
        _criterion_row(ws, fmt, row, c)
        row += 1
        for r in by_criterion.get(c.code, []):
            _indicator_row(ws, fmt, row, r, result.rule_set.indicator(r.code).name, outcome)
            row += 1
    bold = fmt("cell", "group", "bold")
    put_merged(ws, row, 0, 1, "TỔNG CỘNG", fmt("cell", "group", "bold", "center"))
    put(ws, row, 2, v.total_max, fmt("cell", "group", "pts"))
    put(ws, row, 3, v.total, fmt("cell", "group", "pts"))
    put(ws, row, 4, v.total / v.total_max if v.total_max else None, fmt("cell", "group", "pct"))
    put_merged(ws, row, 5, LAST, "", bold)
    return row


def _criterion_row(ws, fmt: Formats, row: int, c: CriterionResult) -> None:
    g = ("cell", "group")
    put(ws, row, 0, c.code, fmt(*g, "center"))
    put(ws, row, 1, c.name, fmt(*g, "wrap"))
    put(ws, row, 2, c.max, fmt(*g, "pts"))
    put(ws, row, 3, c.points, fmt(*g, "pts"))
    put(ws, row, 4, c.points / c.max if c.max else None, fmt(*g, "pct"))
    put(ws, row, 5, "", fmt(*g))
    if c.floor is None:
        floor = f"{c.passed_count}/{c.indicator_count} chỉ tiêu đạt: " + ("✓ đạt" if c.met else "✗ không đạt")
    else:
        floor = (f"Tối thiểu {number_text(c.floor)} điểm: "
                 + ("✓ đạt" if c.met else f"✗ không đạt (thiếu {number_text(c.floor - c.points)})"))
    put_merged(ws, row, 6, LAST, floor, fmt(*g, "ok" if c.met else "bad"))
    ws.set_row(row, row_height(lines_needed(c.name, WIDTHS[1], bold=True)))


def _indicator_row(ws, fmt: Formats, row: int, r: IndicatorResult, name: str, outcome: UnitOutcome) -> None:
    d = outcome.details.get(r.code)
    figures = _figures(d)
    problems = "\n".join(i.message for i in row_issues(outcome.issues, r.code))
    tone = "bad" if r.counted_as_zero else ""
    put(ws, row, 0, r.code, fmt("cell", "center"))
    put(ws, row, 1, name, fmt("cell", "wrap"))
    put(ws, row, 2, r.max, fmt("cell", "pts"))
    put(ws, row, 3, r.points, fmt("cell", "pts", "bold", tone))
    put(ws, row, 4, r.percent / 100 if r.percent is not None else None, fmt("cell", "pct"))
    put(ws, row, 5, SOURCE_LABEL.get(r.source, r.source), fmt("cell", "wrap", "center"))
    put(ws, row, 6, r.basis, fmt("cell", "wrap", tone))
    put(ws, row, 7, figures, fmt("cell", "wrap", "small"))
    put(ws, row, 8, d.evidence if d else "", fmt("cell", "wrap", "small"))
    put(ws, row, 9, problems, fmt("cell", "wrap", "small", "warn" if problems else ""))
    texts = [(name, WIDTHS[1], 11), (r.basis, WIDTHS[6], 11), (figures, WIDTHS[7], 9),
             (d.evidence if d else "", WIDTHS[8], 9), (problems, WIDTHS[9], 9)]
    ws.set_row(row, max(row_height(lines_needed(t, w, size), size) for t, w, size in texts if t))


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
    """Issues about one indicator row: by the Issue's indicator field, else by its message."""
    pattern = re.compile(rf"chỉ tiêu {re.escape(code)}(?!\.?\d)", re.IGNORECASE)
    return [i for i in issues if i.indicator == code or (not i.indicator and pattern.search(i.message))]


def _conditions(ws, fmt: Formats, outcome: UnitOutcome, row: int) -> int:
    put_merged(ws, row, 0, LAST, "ĐIỀU KIỆN CÔNG NHẬN", fmt("section"))
    row += 1
    put_merged(ws, row, 0, 4, "Điều kiện", fmt("head"))
    put(ws, row, 5, "Kết quả", fmt("head"))
    put_merged(ws, row, 6, LAST, "Chi tiết", fmt("head"))
    for c in outcome.verdict.conditions:
        row += 1
        put_merged(ws, row, 0, 4, c.label, fmt("cell", "wrap"))
        put(ws, row, 5, "Đạt" if c.met else "Không đạt", fmt("cell", "center", "bold", "ok" if c.met else "bad"))
        put_merged(ws, row, 6, LAST, c.detail, fmt("cell", "wrap"))
        ws.set_row(row, row_height(max(lines_needed(c.label, _span(0, 4)), lines_needed(c.detail, _span(6, LAST)))))
    return row + 1


def _notes(ws, fmt: Formats, outcome: UnitOutcome, row: int) -> int:
    v = outcome.verdict
    notes = [("Tạm tính", r.text, "warn") for r in v.provisional] + [("Ghi chú", r.text, "") for r in v.notes]
    if not notes:
        return row
    put_merged(ws, row, 0, LAST, "GHI CHÚ VỀ KẾT QUẢ", fmt("section"))
    for label, text, tone in notes:
        row += 1
        put_merged(ws, row, 0, LABEL_TO, label, fmt("cell", "bold", tone))
        put_merged(ws, row, VALUE_FROM, LAST, text, fmt("cell", "wrap", tone))
        ws.set_row(row, row_height(lines_needed(text, _span(VALUE_FROM, LAST))))
    return row + 1


def _issues(ws, fmt: Formats, issues: tuple[Issue, ...], row: int, used_file: str = "") -> int:
    """Every problem found in the unit's files, with where to look and how to fix it."""
    put_merged(ws, row, 0, LAST, "VẤN ĐỀ TRONG PHIẾU" + ("" if issues else ": không có"), fmt("section"))
    if not issues:
        return row + 1
    row += 1
    heads = (("Ô", 0, 0), ("Nội dung", 1, 1), ("Mức độ", 2, 3), ("Trang tính", 4, 5), ("Cách khắc phục", 6, LAST))
    for text, first, last in heads:
        put_merged(ws, row, first, last, text, fmt("head"))
    for i in issues:
        row += 1
        tone = "bad" if i.severity == "error" else "warn"
        # The file is named once at the top; only another file (an older copy...) is repeated here.
        where = "\n".join(p for p in (i.sheet, i.file if i.file != used_file else "") if p)
        put(ws, row, 0, i.cell, fmt("cell", "center"))
        put(ws, row, 1, i.message, fmt("cell", "wrap"))
        put_merged(ws, row, 2, 3, SEVERITY_LABEL.get(i.severity, i.severity), fmt("cell", "center", tone))
        put_merged(ws, row, 4, 5, where, fmt("cell", "wrap", "small"))
        put_merged(ws, row, 6, LAST, i.fix, fmt("cell", "wrap"))
        ws.set_row(row, max(row_height(max(lines_needed(i.message, WIDTHS[1]), lines_needed(i.fix, _span(6, LAST)))),
                            row_height(lines_needed(where, _span(4, 5), 9), 9)))
    return row + 1


def _span(first: int, last: int) -> float:
    return sum(WIDTHS[first:last + 1])


def _signatures(ws, fmt: Formats, result: RunResult, row: int) -> int:
    place = result.config.signature.place or place_name(result.config.area)
    return signature_pair(ws, fmt, row, place, (0, 3, "NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)"),
                          (5, LAST, "TRƯỞNG PHÒNG TƯ PHÁP", "(Ký, ghi rõ họ tên, đóng dấu)"))


def _no_result(ws, fmt: Formats, result: RunResult, outcome: UnitOutcome, files: list[FileRecord],
               row: int) -> int:
    if outcome.status == NOT_SUBMITTED:
        status, tone = "CHƯA NỘP PHIẾU", "grey"
        detail = f"Đến lúc lập báo cáo ({result.generated_at:%d/%m/%Y}) chưa nhận được phiếu tự đánh giá của đơn vị."
    else:
        status, tone = "PHIẾU KHÔNG DÙNG ĐƯỢC", "warn"
        detail = "Mọi phiếu đơn vị gửi đều bị loại; xem lý do ở các tệp và vấn đề bên dưới."
    row = _info_line(ws, fmt, row, "Mã đơn vị", outcome.unit.code)
    put_merged(ws, row, 0, LABEL_TO, "KẾT QUẢ", fmt("cell", "big"))
    put_merged(ws, row, VALUE_FROM, LAST, status, fmt("cell", "big", "center", tone))
    ws.set_row(row, 28)
    row = _info_line(ws, fmt, row + 1, "Ghi chú", detail)
    for f in files:
        row = _info_line(ws, fmt, row, "Tệp bị loại" if f.status == REJECTED else "Tệp",
                         f"{f.path}" + (f" — {f.note}" if f.note else ""))
    return row


def files_by_unit(result: RunResult) -> dict[str, list[FileRecord]]:
    """unit code -> the unit's files, sorted by path."""
    out: dict[str, list[FileRecord]] = {}
    for f in sorted(result.files, key=lambda f: f.path):
        if f.unit_code:
            out.setdefault(f.unit_code, []).append(f)
    return out


# ------------------------------------------------------------------ sheet and file names


def sheet_names(result: RunResult, taken: set[str]) -> dict[str, str]:
    """unit code -> a unique sheet name like '14809 Bắc Sơn' (≤ 31 characters, valid in Excel)."""
    used = {t.casefold() for t in taken}
    out = {}
    for u in result.units:
        base = INVALID_SHEET_CHARS.sub("-", f"{u.unit.code} {u.unit.name}").replace("'", "’").strip()
        base = unicodedata.normalize("NFC", base)[:31].strip() or u.unit.code
        name, n = base, 1
        while name.casefold() in used:
            n += 1
            suffix = f" ({n})"
            name = base[: 31 - len(suffix)].rstrip() + suffix
        used.add(name.casefold())
        out[u.unit.code] = name
    return out


def file_stem(outcome: UnitOutcome) -> str:
    """ASCII file name for a unit's own workbook: '14809-bac-son'."""
    plain = unicodedata.normalize("NFKD", outcome.unit.name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    return f"{outcome.unit.code}-{slug}" if slug else outcome.unit.code
