"""The 'Chỉ tiêu' sheet for a pass/fail rule set: units x contents (and indicators), each cell
Đạt or KĐ (không đạt), green or red, so the office sees at a glance which content holds a unit
back. An indicator made of several contents gets its own column after them; a criterion the
unit declared "not assigned" shows its contents blank and its result in the criterion column.
"""

from __future__ import annotations

from pipeline.core.model import SUBMITTED, RunResult
from pipeline.writers.xlsx import Formats, add_sheet, gc_paused, print_setup, put, put_merged, put_row, row_height

SHEET = "Chỉ tiêu"
FIRST_DATA_ROW = 5  # title, note, criterion row, indicator row, content row
PASS, FAIL = "Đạt", "KĐ"


def _columns(result: RunResult) -> list[tuple[str, str, str]]:
    """(kind, code, criterion) per result column: content, indicator (several contents) or criterion."""
    rs = result.rule_set
    cols: list[tuple[str, str, str]] = []
    for criterion in rs.criteria:
        groups = criterion.groups or ()
        if groups:
            for g in groups:
                cols += [("content", code, criterion.code) for code in g.contents]
                if len(g.contents) > 1:
                    cols.append(("group", g.code, criterion.code))
        else:
            cols += [("content", i.code, criterion.code) for i in criterion.indicators]
        cols.append(("criterion", criterion.code, criterion.code))
    return cols


@gc_paused
def write_pass_fail_matrix(wb, fmt: Formats, result: RunResult) -> None:
    ws = add_sheet(wb, SHEET)
    rs = result.rule_set
    cols = _columns(result)
    first, total_col = 2, 2 + len(cols)
    put_merged(
        ws, 0, 0, total_col, f"KẾT QUẢ TỪNG NỘI DUNG, CHỈ TIÊU, TIÊU CHÍ — NĂM {result.config.year}", fmt("title")
    )
    ws.set_row(0, 24)
    put_merged(
        ws,
        1,
        0,
        total_col,
        f"Mỗi ô: {PASS} (xanh) hoặc {FAIL} = không đạt (đỏ). Cột in đậm: kết quả của chỉ tiêu có nhiều nội dung và "
        "của tiêu chí. Ô trống: đơn vị chưa nộp phiếu hoặc phiếu không dùng được. Rê chuột lên mã để xem nội dung."
        + (
            " KẾT QUẢ TẠM TÍNH: mức đạt của bộ tiêu chí chưa đối chiếu văn bản gốc (xem trang Tổng hợp)."
            if result.used_provisional_figures()
            else ""
        ),
        fmt("subtitle", "small"),
    )
    ws.set_row(1, row_height(2, 9))
    _headers(ws, fmt, result, cols, first, total_col)
    plain, bold = fmt("cell", "center", "small"), fmt("cell", "center", "small", "bold")
    formats = [fmt("cell", "center"), fmt("cell"), *[plain if k == "content" else bold for k, _, _ in cols]]
    formats.append(fmt("cell", f"of{len(rs.criteria)}", "bold"))
    row = FIRST_DATA_ROW
    for u in result.units:
        values: list = [None] * len(cols)
        headline = None
        if u.status == SUBMITTED and u.verdict is not None:
            v = u.verdict
            contents = {r.code: r.passed for r in v.indicators}
            groups = {g.code: g.passed for g in v.groups}
            criteria = {c.code: c for c in v.criteria}
            for n, (kind, code, crit) in enumerate(cols):
                if kind == "criterion":
                    values[n] = PASS if criteria[code].met else FAIL
                elif criteria[crit].switched:
                    values[n] = None  # not assigned this year: nothing to judge
                elif kind == "group":
                    values[n] = PASS if groups.get(code) else FAIL
                else:
                    values[n] = PASS if contents.get(code) else FAIL
            headline = v.headline
        put_row(ws, row, 0, [u.unit.code, u.unit.name, *values, headline], formats)
        row += 1
    last = row - 1
    if last >= FIRST_DATA_ROW:
        for text, colour in ((PASS, "#C6EFCE"), (FAIL, "#FFC7CE")):
            ws.conditional_format(
                FIRST_DATA_ROW,
                first,
                last,
                total_col - 1,
                {"type": "cell", "criteria": "==", "value": f'"{text}"', "format": wb.add_format({"bg_color": colour})},
            )
        ws.autofilter(FIRST_DATA_ROW - 1, 0, last, total_col)
    name_width = min(max([len(u.unit.name) + 2 for u in result.units] + [12]), 24)
    ws.set_column(0, 0, 7)
    ws.set_column(1, 1, name_width)
    ws.set_column(first, total_col - 1, 5.2)
    ws.set_column(total_col, total_col, 8)
    ws.freeze_panes(FIRST_DATA_ROW, first)
    print_setup(ws, landscape=True, repeat=(2, FIRST_DATA_ROW - 1), header=result.config.office_name)


def _headers(ws, fmt: Formats, result: RunResult, cols, first: int, total_col: int) -> None:
    """Row 2: criteria spanning their columns; row 3: indicators spanning their contents; row 4: contents."""
    rs, head, small = result.rule_set, fmt("head"), fmt("head", "small")
    comment = {"x_scale": 2, "y_scale": 1.5, "font_name": "Times New Roman"}
    put_merged(ws, 2, 0, 1, "Tiêu chí", head)
    put(ws, 3, 0, "Mã", head)
    put(ws, 3, 1, "Đơn vị", head)
    put_merged(ws, 4, 0, 1, "Nội dung", head)
    col = first
    for criterion in rs.criteria:
        span = sum(1 for _, _, crit in cols if crit == criterion.code)
        put_merged(ws, 2, col, col + span - 1, criterion.code, head)
        ws.write_comment(2, col, f"{criterion.code}. {criterion.name}", comment)
        col += span
    col = first
    names = {g.code: g.name for g in rs.groups}
    for kind, code, _ in cols:
        if kind == "content":
            group = rs.group_of(code)
            put(ws, 4, col, code, small)
            ws.write_comment(4, col, f"{code}. {rs.indicator(code).name}", comment)
            if group is None or len(group.contents) == 1:
                put(ws, 3, col, code if group else "", small)
        elif kind == "group":
            group = next(g for g in rs.groups if g.code == code)
            n = len(group.contents)
            put_merged(ws, 3, col - n, col, code, small)
            ws.write_comment(3, col - n, f"{code}. {names[code]}", comment)
            put(ws, 4, col, "KQ", small)
        else:
            put(ws, 3, col, "KQ", small)
            put(ws, 4, col, code, small)
        col += 1
    ws.merge_range(2, total_col, 4, total_col, "", head)
    put(ws, 2, total_col, "Số tiêu chí đạt", head)
    ws.set_row(2, 22)
