"""Two season sheets of the consolidated workbook:

- 'Đôn đốc': the units to chase (not submitted, unusable, late, file with errors), with who
  to call and what is missing. Always written: an empty list says so.
- 'Thẩm định': the council's appraisal against the communes' own points, unit by unit (totals
  and verdicts before and after, then every indicator whose points changed, with the
  council's note). Written only when an appraisal workbook was applied.

Both are plain filterable tables, landscape A4, header repeated on every page.
"""

from __future__ import annotations

from pipeline.core.model import SUBMITTED, RunResult
from pipeline.steps.season import as_of_text, change_text, chase_list
from pipeline.writers.xlsx import (
    Col,
    Formats,
    add_sheet,
    gc_paused,
    lines_needed,
    print_setup,
    put_merged,
    row_height,
    write_table,
)

CHASE_SHEET = "Đôn đốc"
APPRAISAL_SHEET = "Thẩm định"
TOP = 3  # title, note, note, then the table header


def _title(ws, fmt: Formats, last_col: int, title: str, notes: list[str]) -> None:
    put_merged(ws, 0, 0, last_col, title, fmt("title"))
    ws.set_row(0, 24)
    for n, note in enumerate(notes[:2], start=1):
        put_merged(ws, n, 0, last_col, note, fmt("subtitle"))
        ws.set_row(n, row_height(lines_needed(note, 150)))


def _finish(ws, result: RunResult, last: int, last_col: int) -> None:
    ws.set_row(TOP, row_height(3))
    ws.autofilter(TOP, 0, max(last, TOP), last_col)
    ws.freeze_panes(TOP + 1, 0)
    print_setup(ws, landscape=True, repeat=(TOP, TOP), header=result.config.office_name)


# ------------------------------------------------------------------ chase list


@gc_paused
def write_chase(wb, fmt: Formats, result: RunResult) -> None:
    ws = add_sheet(wb, CHASE_SHEET)
    rows = chase_list(result)
    cols = [
        Col("STT", ("center",), min=5, max=6),
        Col("Mã đơn vị", ("center",), min=7, max=8),
        Col("Đơn vị", min=14, max=20, wrap=True),
        Col("Tình trạng", ("bold",), min=12, max=18, wrap=True),
        Col("Số ngày muộn", ("center",), min=7, max=8),
        Col("Người phụ trách", min=16, max=28, wrap=True),
        Col("Điện thoại", min=11, max=16),
        Col("Cần làm", wrap=True, min=36, max=60),
        Col("Liên hệ lấy từ tệp", ("small",), wrap=True, min=14, max=26),
    ]
    table = [
        [
            n,
            r.unit.code,
            r.unit.full_name,
            r.status,
            r.days_late,
            r.contact_name,
            r.contact_phone,
            r.todo,
            r.contact_file,
        ]
        for n, r in enumerate(rows, start=1)
    ]
    tone = [
        "grey" if r.status.startswith("Chưa nộp") else "bad" if "lỗi" in r.status or "không" in r.status else "warn"
        for r in rows
    ]
    summary = (
        f"{len(rows)} đơn vị cần đôn đốc."
        if rows
        else "Không có đơn vị nào cần đôn đốc: mọi đơn vị đã nộp đúng hạn, phiếu dùng được và không có lỗi."
    )
    _title(
        ws,
        fmt,
        len(cols) - 1,
        f"DANH SÁCH ĐƠN VỊ CẦN ĐÔN ĐỐC — NĂM {result.config.year}",
        [
            f"{as_of_text(result)} {summary}",
            "Điện thoại, người phụ trách: lấy từ phiếu mới nhất của đơn vị (kể cả phiếu bị loại hoặc bị thay thế); "
            "đơn vị chưa gửi gì: người liên hệ ghi cho đơn vị trong config.toml (contact, phone), nếu có.",
        ],
    )
    last = write_table(ws, fmt, TOP, cols, table, col_fmt={3: tone})
    _finish(ws, result, last, len(cols) - 1)


# ------------------------------------------------------------------ appraisal differences


@gc_paused
def write_appraisal_differences(wb, fmt: Formats, result: RunResult) -> None:
    ws = add_sheet(wb, APPRAISAL_SHEET)
    rs = result.rule_set
    cols = [
        Col("Mã đơn vị", ("center",), min=7, max=8),
        Col("Đơn vị", min=14, max=20, wrap=True),
        Col("Chỉ tiêu", ("center",), min=7, max=8),
        Col("Nội dung", wrap=True, min=30, max=44),
        Col("Điểm tự chấm", ("pts",), min=9, max=10),
        Col("Điểm thẩm định", ("pts",), min=10, max=11),
        Col("Chênh lệch", ("center",), min=8, max=9),
        Col("Ghi chú của Hội đồng", wrap=True, min=30, max=50),
    ]
    table, styles = [], []
    appraised = [u for u in result.units if u.appraisal]
    for u in appraised:
        own, now = u.self_assessed or u.verdict, u.verdict
        changed = [c for c in u.appraisal if c.changed]
        verdicts = f"Kết quả: {own.label} → {now.label}" if own.label != now.label else f"Kết quả: {now.label}"
        reasons = "; ".join(r.text for r in now.reasons)
        summary = (
            f"{verdicts}. Thẩm định {len(u.appraisal)}/{len(now.indicators)} chỉ tiêu, "
            f"{len(changed)} chỉ tiêu thay đổi điểm" + (f". Lý do chưa đạt: {reasons}" if reasons else "") + "."
        )
        table.append(
            [
                u.unit.code,
                u.unit.full_name,
                "Tổng",
                "Tổng điểm",
                own.total,
                now.total,
                change_text(now.total - own.total),
                summary,
            ]
        )
        styles.append(("group", "bold"))
        for c in changed:
            name = rs.indicator(c.indicator).name
            if rs.indicator(c.indicator).kind == "pass_fail":
                self_v, appr_v = _pf(c.self_passed), _pf(c.appraised_passed)
            else:
                self_v, appr_v = c.self_points, c.appraised_points
            table.append([u.unit.code, u.unit.name, c.indicator, name, self_v, appr_v, change_text(c.change), c.note])
            styles.append(())
    missing = [u.unit.full_name for u in result.units if u.status == SUBMITTED and u.verdict and not u.appraisal]
    notes = [
        f"Phiếu thẩm định: {result.appraisal_file}. {len(appraised)} đơn vị được thẩm định; chỉ liệt kê "
        "các chỉ tiêu Hội đồng cho điểm khác điểm tự chấm.",
        ("Chưa được thẩm định (vẫn dùng điểm tự chấm): " + ", ".join(missing) + ".")
        if missing
        else "Mọi đơn vị có phiếu dùng được đều đã được thẩm định.",
    ]
    _title(
        ws, fmt, len(cols) - 1, f"KẾT QUẢ THẨM ĐỊNH CỦA HỘI ĐỒNG SO VỚI ĐIỂM TỰ CHẤM — NĂM {result.config.year}", notes
    )
    last = write_table(ws, fmt, TOP, cols, table, cell_fmt=lambda r, c, v: styles[r])
    _finish(ws, result, last, len(cols) - 1)


def _pf(passed: bool | None) -> str:
    return "" if passed is None else ("Đạt" if passed else "Không đạt")
