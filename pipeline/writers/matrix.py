"""The 'Chỉ tiêu' sheet: units x indicators, each cell the points as a share of the maximum.

A fixed red-yellow-green scale (0% -> 50% -> 100%) rather than Excel's default min/max
scale, so the same colour means the same thing in every year and every town.
"""

from __future__ import annotations

from pipeline.core.model import SUBMITTED, RunResult
from pipeline.core.text import number_text
from pipeline.writers.xlsx import Formats, add_sheet, gc_paused, print_setup, put, put_merged, put_row, row_height

SHEET = "Chỉ tiêu"
FIRST_DATA_ROW = 5  # title, note, criterion row, code row, maximum row


@gc_paused
def write_matrix(wb, fmt: Formats, result: RunResult) -> None:
    ws = add_sheet(wb, SHEET)
    rs = result.rule_set
    indicators = rs.indicators
    first_ind, total_col = 2, 2 + len(indicators)
    put_merged(ws, 0, 0, total_col, f"ĐIỂM TỪNG CHỈ TIÊU SO VỚI ĐIỂM TỐI ĐA — NĂM {result.config.year}", fmt("title"))
    ws.set_row(0, 24)
    put_merged(
        ws,
        1,
        0,
        total_col,
        "Mỗi ô: điểm của chỉ tiêu / điểm tối đa. Đỏ: 0%, vàng: 50%, xanh: 100%. "
        "Ô trống: đơn vị chưa nộp phiếu hoặc phiếu không dùng được. "
        "Rê chuột lên mã chỉ tiêu để xem nội dung.",
        fmt("subtitle", "small"),
    )
    ws.set_row(1, row_height(2, 9))
    _headers(ws, fmt, result, first_ind, total_col)

    row = FIRST_DATA_ROW
    codes = [ind.code for ind in indicators]
    formats = [
        fmt("cell", "center"),
        fmt("cell"),
        *[fmt("cell", "pct", "center")] * len(codes),
        fmt("cell", "pts", "bold"),
    ]
    blank_shares = [None] * len(codes)
    for u in result.units:
        usable = u.status == SUBMITTED and u.verdict is not None
        if usable:
            by_code = {r.code: r for r in u.verdict.indicators}
            shares = []
            for code in codes:
                r = by_code.get(code)
                shares.append(r.points / r.max if r is not None and r.max else None)
        else:
            shares = blank_shares
        put_row(ws, row, 0, [u.unit.code, u.unit.name, *shares, u.verdict.total if usable else None], formats)
        row += 1
    last = row - 1

    if last >= FIRST_DATA_ROW:
        ws.conditional_format(
            FIRST_DATA_ROW,
            first_ind,
            last,
            total_col - 1,
            {
                "type": "3_color_scale",
                "min_type": "num",
                "min_value": 0,
                "min_color": "#F8696B",
                "mid_type": "num",
                "mid_value": 0.5,
                "mid_color": "#FFEB84",
                "max_type": "num",
                "max_value": 1,
                "max_color": "#63BE7B",
            },
        )
        ws.autofilter(FIRST_DATA_ROW - 2, 0, last, total_col)
    name_width = min(max([len(u.unit.name) + 2 for u in result.units] + [12]), 24)
    ws.set_column(0, 0, 7)
    ws.set_column(1, 1, name_width)
    ws.set_column(first_ind, total_col - 1, 6.3)
    ws.set_column(total_col, total_col, 8)
    ws.freeze_panes(FIRST_DATA_ROW, first_ind)
    print_setup(ws, landscape=True, repeat=(2, FIRST_DATA_ROW - 1), header=result.config.office_name)


def _headers(ws, fmt: Formats, result: RunResult, first_ind: int, total_col: int) -> None:
    """Row 2: criteria spanning their indicators; row 3: codes; row 4: maxima."""
    head = fmt("head")
    put_merged(ws, 2, 0, 1, "Tiêu chí", head)
    col = first_ind
    for criterion in result.rule_set.criteria:
        span = len(criterion.indicators)
        put_merged(ws, 2, col, col + span - 1, f"{criterion.code} ({number_text(criterion.max)} điểm)", head)
        for ind in criterion.indicators:
            put(ws, 3, col, ind.code, head)
            put(ws, 4, col, ind.max, fmt("head", "pts"))
            ws.write_comment(
                3, col, f"{ind.code}. {ind.name}", {"x_scale": 2, "y_scale": 1.5, "font_name": "Times New Roman"}
            )
            col += 1
    put(ws, 3, 0, "Mã", head)
    put(ws, 3, 1, "Đơn vị", head)
    put(ws, 4, 0, "", head)
    put(ws, 4, 1, "Điểm tối đa", head)
    ws.merge_range(2, total_col, 3, total_col, "", head)
    put(ws, 2, total_col, "Tổng điểm", head)
    put(ws, 4, total_col, result.rule_set.total_max, fmt("head", "pts"))
    ws.set_row(2, 30)
