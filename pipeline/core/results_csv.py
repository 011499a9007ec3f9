"""The `ket-qua.csv` format, in one place: its name, its columns, how numbers and text are
written, and how last year's copy is parsed back (readers/previous.py reads the file,
writers/exports.py writes it).

One row per unit, Vietnamese headers, UTF-8 with BOM (so Excel on Windows reads the
diacritics), comma-separated, '.' decimals. Text that a spreadsheet would run as a formula
(starting with = + - @, tab or CR) gets a leading apostrophe.
"""

from __future__ import annotations

import csv

from pipeline.core.model import NOT_SUBMITTED, SUBMITTED, UNUSABLE, PreviousResult

FILE_NAME = "ket-qua.csv"
ENCODING = "utf-8-sig"
LINE_END = "\r\n"

CODE, NAME, TOTAL, VERDICT = "Mã đơn vị", "Tên đơn vị", "Tổng điểm", "Kết quả"
PASSED = "Số tiêu chí đạt"  # pass/fail rule sets: in place of the total; criteria columns say Đạt / Không đạt
STATUS_TEXT = {SUBMITTED: "Đã nộp", NOT_SUBMITTED: "Chưa nộp", UNUSABLE: "Phiếu không dùng được"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def header(criteria: list[str], pass_fail: bool = False) -> list[str]:
    """The columns, with one per criterion of the rule set between the dates and the total."""
    total = PASSED if pass_fail else TOTAL
    return [CODE, NAME, "Loại", "Tình trạng", "Ngày báo cáo", "Số ngày muộn", *criteria, total, VERDICT, "Lý do"]


def cell(value: float | str | None) -> str:
    """A criterion's or the headline's cell: a number as `number` writes it, a word as is."""
    return value if isinstance(value, str) else number(value)


def neutralise(text: str) -> str:
    """Text a spreadsheet app would treat as a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_START) else text


def number(x: float | None) -> str:
    """'.' decimals, no trailing zeros: 96.75, 80, 2.5."""
    if x is None:
        return ""
    return f"{x:.4f}".rstrip("0").rstrip(".")


def parse(data: bytes) -> dict[str, PreviousResult]:
    """Our own ket-qua.csv (UTF-8 with BOM, ',' and '.' decimals), also after Excel re-saved it
    with ';' and decimal commas. Raises ValueError with a short Vietnamese reason."""
    try:
        text = data.decode(ENCODING)
    except UnicodeDecodeError:
        raise ValueError("không phải mã UTF-8 (tệp đã bị lưu lại bằng Excel?)") from None
    lines = text.splitlines()
    if not lines:
        raise ValueError("tệp rỗng")
    delimiter = max((",", ";", "\t"), key=lines[0].count)
    reader = csv.reader(lines, delimiter=delimiter)
    head = [h.strip() for h in next(reader)]
    if TOTAL not in head and PASSED in head:  # a pass/fail year: no total to compare
        head = [TOTAL if h == PASSED else h for h in head]
        no_total = True
    else:
        no_total = False
    for key in (CODE, TOTAL, VERDICT):
        if key not in head:
            raise ValueError(f'thiếu cột "{key}"')
    need = {key: head.index(key) for key in (CODE, TOTAL, VERDICT)}
    name_col = head.index(NAME) if NAME in head else None
    out: dict[str, PreviousResult] = {}
    for row in reader:
        if len(row) < len(head):
            continue
        code = row[need[CODE]].strip().lstrip("'")
        if not code:
            continue
        raw_total = "" if no_total else row[need[TOTAL]].strip().replace(",", ".")
        try:
            total = float(raw_total) if raw_total else None
        except ValueError:
            raise ValueError(f'tổng điểm "{raw_total}" của đơn vị {code} không phải là số') from None
        name = row[name_col].strip() if name_col is not None else ""
        out[code] = PreviousResult(code, name, total, row[need[VERDICT]].strip().lstrip("'"))
    return out
