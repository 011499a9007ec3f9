"""The two list sheets: 'Lỗi dữ liệu' (every problem) and 'Hồ sơ' (every file seen).

Both are plain filterable tables: title row, frozen header, autofilter, landscape A4, one page
wide at 100%: the columns' widest (their `max`) add up to what landscape A4 holds between the
margins (LIST_MARGINS), so the 11 pt body and the 9 pt codes print at their size. The register's
SHA-256 (Courier 8 pt, 64 characters) is the last column, on screen only: outside the print
area, as the sheet's note says.
"""

from __future__ import annotations

from pipeline.core.cells import parse_a1
from pipeline.core.model import STATUS_LABEL, RunResult
from pipeline.core.problems import ERROR, SEVERITY_LABEL, Issue
from pipeline.writers.xlsx import Col, Formats, add_sheet, gc_paused, print_setup, put_merged, write_table
from pipeline.writers.xlsx.printing import A4_HEIGHT, UNIT_POINTS

LIST_MARGINS = {"left": 0.4, "right": 0.3, "top": 0.6, "bottom": 0.6}  # inches
# Width units landscape A4 holds at 100% between those margins (LibreOffice's unit, the wider).
PRINT_WIDTH = (A4_HEIGHT - 72 * (LIST_MARGINS["left"] + LIST_MARGINS["right"])) / UNIT_POINTS

ISSUES_SHEET = "Lỗi dữ liệu"
FILES_SHEET = "Hồ sơ"
TOP = 2  # title, a note, then the table header


@gc_paused
def write_issues(wb, fmt: Formats, result: RunResult) -> None:
    ws = add_sheet(wb, ISSUES_SHEET)
    names = {u.unit.code: u.unit.name for u in result.units}
    issues = sorted_issues(result)
    cols = [
        Col("STT", ("center",), min=4.5, max=5),
        Col("Tệp", wrap=True, min=12, max=18),
        Col("Mã đơn vị", ("center",), min=6.5, max=6.5),
        Col("Đơn vị", max=12, wrap=True),
        Col("Trang tính", max=10, wrap=True),
        Col("Ô", ("center",), min=5, max=6),
        Col("Mức độ", ("center", "bold"), min=9, max=9),
        Col("Mã lỗi", ("small", "caps"), max=16, wrap=True),
        Col("Nội dung", wrap=True, min=28, max=33),
        Col("Cách khắc phục", wrap=True, min=20, max=22),
    ]
    rows = [
        [
            n,
            i.file,
            i.unit,
            names.get(i.unit, ""),
            i.sheet,
            i.cell,
            SEVERITY_LABEL.get(i.severity, i.severity),
            i.code,
            i.message,
            i.fix,
        ]
        for n, i in enumerate(issues, start=1)
    ]
    tone = ["bad" if i.severity == ERROR else "warn" for i in issues]
    errors = result.counts["errors"]
    _title(
        ws,
        fmt,
        len(cols) - 1,
        f"LỖI VÀ CẢNH BÁO TRONG DỮ LIỆU — NĂM {result.config.year}",
        f"{errors} lỗi (tệp hoặc dòng không dùng được), {len(issues) - errors} cảnh báo (vẫn dùng, nên kiểm tra). "
        "Ô: địa chỉ ô trong tệp của xã.",
    )
    last = write_table(ws, fmt, TOP, cols, rows, col_fmt={6: tone})
    _finish(ws, result, last, cols)


@gc_paused
def write_register(wb, fmt: Formats, result: RunResult) -> None:
    ws = add_sheet(wb, FILES_SHEET)
    names = {u.unit.code: u.unit.name for u in result.units}
    files = sorted(result.files, key=lambda f: f.path)
    cols = [
        Col("STT", ("center",), min=4.5, max=5),
        Col("Tệp", wrap=True, min=20, max=28),
        Col("Cỡ (KB)", ("kb",), min=7, max=7),
        Col("Sửa lần cuối", ("datetime",), min=16.5, max=16.5),
        Col("Trạng thái", ("center", "bold"), min=11.5, max=11.5),
        Col("Đơn vị", wrap=True, max=17),
        Col("Phiên bản mẫu", ("center",), min=8, max=8),
        Col("Ngày báo cáo", ("date",), min=11, max=11),
        Col("Ghi chú", wrap=True, min=20, max=31),
        Col("SHA-256", ("mono",), min=63, max=63),  # on screen only, on one line: not printed
    ]
    rows = [
        [
            n,
            f.path,
            f.size / 1024,
            f.modified,
            STATUS_LABEL.get(f.status, f.status),
            f"{f.unit_code} {names.get(f.unit_code, '')}".strip(),
            f.template_version,
            f.report_date,
            f.note,
            f.sha256,
        ]
        for n, f in enumerate(files, start=1)
    ]
    tone = {"used": "ok", "rejected": "bad", "superseded": "grey", "ignored": "grey"}
    tones = [tone.get(f.status, "") for f in files]
    _title(
        ws,
        fmt,
        len(cols) - 2,
        f"HỒ SƠ: CÁC TỆP ĐÃ NHẬN — NĂM {result.config.year}",
        f"{len(files)} tệp trong thư mục nhận phiếu. SHA-256 (cột cuối, chỉ xem trên màn hình, không in): "
        "dấu vân tay của tệp, để đối chiếu đúng bản đã tổng hợp.",
    )
    last = write_table(ws, fmt, TOP, cols, rows, col_fmt={4: tones})
    _finish(ws, result, last, cols, printed=len(cols) - 1)


def sorted_issues(result: RunResult) -> list[Issue]:
    """Grouped by unit in config order (run-level problems without a unit last), then by file and
    cell position, so the list reads like the files themselves."""
    order = {u.unit.code: n for n, u in enumerate(result.units)}
    return sorted(
        result.issues,
        key=lambda i: (order.get(i.unit, len(order)), i.file, i.sheet, _cell_key(i.cell), i.code, i.message),
    )


def _cell_key(cell: str) -> tuple[int, int, int, str]:
    """Reading order (B9 before B10, B2 before AA2); a problem of no one cell (a whole file or
    sheet) first, as the file's own lines come before its cells."""
    at = parse_a1(cell) if cell else None
    return (0, 0, 0, cell or "") if at is None else (1, at[0], at[1], "")


def _title(ws, fmt: Formats, last_col: int, title: str, note: str) -> None:
    put_merged(ws, 0, 0, last_col, title, fmt("title"))
    ws.set_row(0, 24)
    put_merged(ws, 1, 0, last_col, note, fmt("subtitle"))


def _finish(ws, result: RunResult, last: int, cols: list[Col], printed: int | None = None) -> None:
    """Header row, filter, frozen panes; printed landscape, one page wide, the columns before
    `printed` (all by default) in the print area."""
    printed = len(cols) if printed is None else printed
    ws.set_row(TOP, 32)
    ws.autofilter(TOP, 0, max(last, TOP), len(cols) - 1)
    ws.freeze_panes(TOP + 1, 0)
    print_setup(ws, landscape=True, repeat=(TOP, TOP), header=result.config.office_name, margins=LIST_MARGINS)
    ws.print_area(0, 0, max(last, TOP), printed - 1)
