"""The 'Tổng hợp' sheet: heading, provisional banners, counts, one row per unit, a chart.

Layout, top to bottom: title rows, banners, a 3 x 3 block of counts, the unit table (frozen
header, autofilter), and below it a column chart of totals with the threshold as a line.
The counts sit in three compact rows so the frozen area above the table stays small.
"""

from __future__ import annotations

from pipeline.core.model import NOT_SUBMITTED, SUBMITTED, FileRecord, RunResult, UnitOutcome
from pipeline.core.rules import compact_figures
from pipeline.core.text import (
    date_text,
    number_text,
    on_time_text,
    reasons_text,
    rejected_files,
    total_header,
    verdict_text,
)
from pipeline.writers.exports import portable
from pipeline.writers.xlsx import (
    Col,
    Formats,
    add_sheet,
    gc_paused,
    lines_needed,
    print_setup,
    put,
    put_merged,
    row_height,
    verdict_colour,
    write_table,
)
from pipeline.writers.xlsx.printing import MARGINS, page_room, page_scale, sheet_extent

SHEET = "Tổng hợp"
CHART_MAX_UNITS = 400  # beyond this a bar per unit is unreadable; the table says it all
CHART_MIN_HEIGHT = 200  # pixels: a chart under the table on its page is at least this tall
CHART_OFFSET = 4  # pixels between the chart and its anchor cell
# LibreOffice fits a sheet to the page a little under the exact scale, and Excel and LibreOffice
# make a row of wrapped text without a height of its own as tall as they measure it: room spared.
CHART_LANDING = 0.93

COUNT_LABELS = (  # column by column: submissions, verdicts, data quality
    ("expected", "Số đơn vị phải đánh giá"),
    ("submitted", "Đã nộp phiếu"),
    ("usable", "Phiếu dùng được"),
    ("recognised", "Đạt chuẩn"),
    ("not_recognised", "Chưa đạt chuẩn"),
    ("not_submitted", "Chưa nộp phiếu"),
    ("late", "Nộp muộn"),
    ("errors", "Lỗi dữ liệu"),
    ("warnings", "Cảnh báo"),
)


@gc_paused
def write_summary(wb, fmt: Formats, result: RunResult, sheet_names: dict[str, str] | None) -> None:
    """sheet_names: unit code -> its sheet, to link each unit's name; None when there are none."""
    ws = add_sheet(wb, SHEET)
    cols = _columns(result)
    last_col = len(cols) - 1
    row = _heading(ws, fmt, result, last_col)
    row = _banners(ws, fmt, result, row, last_col)
    row = _counts(ws, fmt, result, row + 1)
    top = row + 1
    rejected = rejected_files(result)
    from pipeline.steps.season import compare_years

    changes = compare_years(result) if result.previous else {}
    rows = [_unit_row(result, u, rejected.get(u.unit.code, []), changes) for u in result.units]
    verdict_col = column_index(cols, "Kết quả")
    tone = [verdict_colour(u) for u in result.units]
    last = write_table(ws, fmt, top, cols, rows, col_fmt={verdict_col: tone})
    if sheet_names:
        _link_names(ws, fmt, result, top, sheet_names)
    ws.set_row(top, row_height(2))
    ws.autofilter(top, 0, last, last_col)
    ws.freeze_panes(top + 1, 2)
    if result.units and result.rule_set.scoring == "pass_fail":
        _criteria_chart(wb, ws, fmt, result, last, last_col)
    elif result.units:
        _chart(wb, ws, fmt, result, top, last, last_col, column_index(cols, total_header(result.rule_set.scoring)))
    print_setup(ws, landscape=True, repeat=(top, top), header=result.config.office_name)


def _columns(result: RunResult) -> list[Col]:
    pass_fail = result.rule_set.scoring == "pass_fail"
    look = ("center",) if pass_fail else ("pts",)
    criteria = [
        Col(c.code, look, min=9 if pass_fail else 6.5, max=10 if pass_fail else 8) for c in result.rule_set.criteria
    ]
    total = (
        Col(total_header("pass_fail"), (f"of{len(result.rule_set.criteria)}", "bold"), min=8, max=9)
        if pass_fail
        else Col("Tổng điểm", ("pts", "bold"), min=7, max=8)
    )
    return [
        Col("Mã đơn vị", ("center",), min=7, max=8),
        Col("Đơn vị", min=16, max=24),
        Col("Loại", min=9, max=10),
        Col("Ngày báo cáo", ("date",), min=11, max=11),
        Col("Thời hạn nộp", max=14),
        *criteria,
        total,
        Col("Kết quả", ("center", "bold"), min=17, max=18),
        *_season_columns(result),
        Col("Lý do", wrap=True, min=30, max=60),
    ]


def column_index(cols: list[Col], header: str) -> int:
    return next(n for n, c in enumerate(cols) if c.header == header)


def _season_columns(result: RunResult) -> list[Col]:
    """Where the points come from (once the council has appraised) and last year's result
    (when [previous] results is configured): only shown when there is something to show."""
    cols = []
    if result.appraisal_file:
        cols.append(Col("Nguồn điểm", ("center",), min=10, max=16, wrap=True))
    if result.previous:
        year = result.previous_year or result.config.year - 1
        cols += [
            Col(f"Tổng điểm {year}", ("pts",), min=8, max=9),
            Col("Tăng/giảm", ("center",), min=7, max=8),
            Col(f"Kết quả {year}", ("center",), min=10, max=12),
            Col("So với năm trước", ("center",), min=11, max=13),
        ]
    return cols


def _season_values(result: RunResult, u: UnitOutcome, changes: dict) -> list:
    from pipeline.steps.season import change_text, points_source

    values = []
    if result.appraisal_file:
        values.append(points_source(u))
    if result.previous:
        c = changes.get(u.unit.code)
        values += (
            [c.previous_total, change_text(c.change), c.previous_verdict, c.verdict_change] if c else ["", "", "", ""]
        )
    return values


def _heading(ws, fmt: Formats, result: RunResult, last_col: int) -> int:
    from pipeline.steps.season import deadline_state

    cfg, rs = result.config, result.rule_set
    lines = [
        (f"TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ CHUẨN TIẾP CẬN PHÁP LUẬT NĂM {cfg.year}", "title", 24),
        (f"{cfg.office_name} — {cfg.area}, {cfg.province}", "subtitle", None),
        (
            f"Bộ tiêu chí: {rs.id} — {rs.name}"
            + (f" ({rs.decision}" + (f"; {rs.guidance})" if rs.guidance else ")") if rs.decision else ""),
            "subtitle",
            None,
        ),
        (_rule_set_source(result), "subtitle", None),
        (
            f"Số liệu tính đến {result.generated_at:%d/%m/%Y %H:%M} (tệp mới nhất) — tcpl {result.tool_version}; "
            f"hạn nộp phiếu {date_text(cfg.deadline)} ({deadline_state(result)})",
            "subtitle",
            None,
        ),
    ]
    for row, (text, style, height) in enumerate(lines):
        put_merged(ws, row, 0, last_col, text, fmt(style))
        if height:
            ws.set_row(row, height)
    return len(lines)


def _rule_set_source(result: RunResult) -> str:
    """Which rule-set file was used, and how far the office has confirmed it (the office's copy
    in rulesets/ beside config.toml wins over the shipped one of the same id)."""
    rs = result.rule_set
    figures = rs.figures
    confirmed = sum(1 for f in figures if not f.provenance.provisional)
    text = f"Tệp bộ tiêu chí: {portable(rs.source_file, result.config.base_dir)}; {confirmed}/{len(figures)} số liệu đã đối chiếu"
    return text + (f" (người đối chiếu: {rs.confirmed_by})" if rs.confirmed_by else "")


def _banners(ws, fmt: Formats, result: RunResult, row: int, last_col: int) -> int:
    rs = result.rule_set
    texts = []
    used = result.used_provisional_figures()
    if used:
        texts.append(
            (
                "banner_bad",
                "KẾT QUẢ TẠM TÍNH: bộ tiêu chí có số liệu chưa đối chiếu văn bản gốc: " + "; ".join(used) + ".",
            )
        )
    used_keys = result.used_provisional_keys()
    unused = compact_figures(rs, [f for f in rs.figures if f.provenance.provisional and f.key not in used_keys])
    if unused:  # the office's own doubts, until it confirms them; no result rests on them
        texts.append(
            (
                "banner_warn",
                "Bộ tiêu chí còn số liệu tạm tính mà chưa kết quả nào dùng đến: " + "; ".join(unused) + ".",
            )
        )
    self_assessed = [
        u for u in result.units if u.verdict and any(r.code == "SELF_ASSESSED" for r in u.verdict.provisional)
    ]
    if self_assessed:
        usable = sum(1 for u in result.units if u.verdict)
        texts.append(
            (
                "banner_warn",
                "KẾT QUẢ TẠM TÍNH: Điểm tự chấm, chưa có điểm thẩm định của Hội đồng "
                f"({len(self_assessed)}/{usable} đơn vị có phiếu dùng được).",
            )
        )
    for style, text in texts:
        row += 1
        put_merged(ws, row, 0, last_col, text, fmt(style))
        ws.set_row(row, row_height(lines_needed(text, 150)))
    return row + 1


def _counts(ws, fmt: Formats, result: RunResult, row: int) -> int:
    """Three label/value pairs per row; labels span two columns so they fit on one line."""
    counts = result.counts
    slots = ((0, 1, 2), (3, 4, 5), (6, 7, 8))  # label from, label to, value column
    for n, (key, label) in enumerate(COUNT_LABELS):
        first, last, value_col = slots[n // 3]
        r = row + n % 3
        put_merged(ws, r, first, last, label, fmt("cell", "bold", "vcenter"))
        tone = (
            {
                "recognised": "ok",
                "not_recognised": "bad",
                "not_submitted": "grey",
                "errors": "bad",
                "warnings": "warn",
                "late": "warn",
            }.get(key, "")
            if counts[key]
            else ""
        )
        put(ws, r, value_col, counts[key], fmt("cell", "count", tone))
        ws.set_row(r, 19)
    return row + 3


def _unit_row(result: RunResult, u: UnitOutcome, rejected: list[FileRecord], changes: dict | None = None) -> list:
    v = u.verdict
    usable = u.status == SUBMITTED and v is not None
    per_criterion = v.criterion_results if usable else {}
    return [
        u.unit.code,
        u.unit.name,
        u.unit.kind,
        u.report_date,
        on_time_text(u.days_late) if u.status != NOT_SUBMITTED else "—",
        *(per_criterion.get(c.code) for c in result.rule_set.criteria),
        v.headline if usable else None,
        verdict_text(u),
        *_season_values(result, u, changes or {}),
        reasons_text(u, rejected),
    ]


def _link_names(ws, fmt: Formats, result: RunResult, top: int, sheet_names: dict[str, str]) -> None:
    """Make each unit's name a link to its own sheet (the text stays a plain string)."""
    for r, u in enumerate(result.units, start=top + 1):
        target = sheet_names.get(u.unit.code)
        if target:
            ws.write_url(
                r,
                1,
                f"internal:'{target}'!A1",
                fmt("cell", "link"),
                string=u.unit.name,
                tip="Xem phiếu chi tiết của đơn vị",
            )


def _criteria_chart(wb, ws, fmt: Formats, result: RunResult, last: int, last_col: int) -> None:
    """Pass/fail sets: how many units reached each number of criteria Đạt (n/n first), one bar
    each, so the chart fits one page whether the office has 8 units or 166."""
    n = len(result.rule_set.criteria)
    scored = [u.verdict for u in result.units if u.status == SUBMITTED and u.verdict is not None]
    counts = [(k, sum(1 for v in scored if v.criteria_passed == k)) for k in range(n, -1, -1)]
    helper_col = last_col + 1  # the chart's data: hidden cells right of the table
    first = last + 2
    for r, (k, count) in enumerate(counts, start=first):
        put(ws, r, helper_col, f"{k}/{n} tiêu chí đạt")
        put(ws, r, helper_col + 1, count)
    ws.set_column(helper_col, helper_col + 1, 12, None, {"hidden": True})
    bars = wb.add_chart({"type": "column"})
    rule = result.rule_set.conditions.criteria_pass_rule
    need = n if rule is None or rule.mode == "all" else rule.n
    bars.add_series(
        {
            "name": "Số đơn vị",
            "categories": [ws.name, first, helper_col, first + n, helper_col],
            "values": [ws.name, first, helper_col + 1, first + n, helper_col + 1],
            "points": [{"fill": {"color": "#70AD47" if k >= need else "#E15759"}} for k, _ in counts],
            "gap": 80,
            "data_labels": {"value": True, "font": {"size": 10}},
        }
    )
    bars.set_title(
        {
            "name": f"Số đơn vị theo số tiêu chí đạt ({len(scored)} đơn vị có phiếu dùng được; xanh: đạt chuẩn)",
            "name_font": {"size": 12, "name": "Times New Roman"},
        }
    )
    bars.set_y_axis({"min": 0, "major_gridlines": {"visible": True}, "num_font": {"name": "Times New Roman"}})
    bars.set_x_axis({"num_font": {"name": "Times New Roman"}})
    bars.set_legend({"none": True})
    bars.show_hidden_data()
    _place_chart(ws, bars, last, last_col, 620, 300)


def _chart(wb, ws, fmt: Formats, result: RunResult, top: int, last: int, last_col: int, total_col: int) -> None:
    n = len(result.units)
    if n > CHART_MAX_UNITS:
        put(
            ws,
            last + 2,
            0,
            f"Không vẽ biểu đồ vì có {n} đơn vị (quá {CHART_MAX_UNITS}); xem bảng ở trên.",
            fmt("italic"),
        )
        return
    rs = result.rule_set
    pass_fail = rs.scoring == "pass_fail"
    rule = rs.conditions.criteria_pass_rule
    if pass_fail:  # the line is the number of criteria to reach
        threshold: float | None = len(rs.criteria) if rule is None or rule.mode == "all" else rule.n
        what, unit_word = "Số tiêu chí đạt", "tiêu chí"
    else:
        threshold, what, unit_word = rs.conditions.total_min, "Tổng điểm", "điểm"
    # The threshold line needs cells to plot: a hidden column right of the table.
    helper_col = last_col + 1
    put(ws, top, helper_col, "Ngưỡng", fmt("head"))
    for r in range(top + 1, last + 1):
        put(ws, r, helper_col, threshold if threshold is not None else 0)
    ws.set_column(helper_col, helper_col, 8, None, {"hidden": True})

    bars = wb.add_chart({"type": "column"})
    colour = {"ok": "#70AD47", "bad": "#E15759", "warn": "#F2C744", "grey": "#BFBFBF"}
    bars.add_series(
        {
            "name": f"{what} (xanh: Đạt; đỏ: Chưa đạt)",
            "categories": [ws.name, top + 1, 1, last, 1],
            "values": [ws.name, top + 1, total_col, last, total_col],
            "points": [{"fill": {"color": colour[verdict_colour(u)]}} for u in result.units],
            "gap": 60,
            "data_labels": {"value": True, "num_format": "0.##", "font": {"size": 8}} if n <= 40 else None,
        }
    )
    if threshold is not None:
        line = wb.add_chart({"type": "line"})
        line.add_series(
            {
                "name": f"Ngưỡng {number_text(threshold)} {unit_word}",
                "categories": [ws.name, top + 1, 1, last, 1],
                "values": [ws.name, top + 1, helper_col, last, helper_col],
                "line": {"color": "#C00000", "width": 2, "dash_type": "dash"},
                "marker": {"type": "none"},
            }
        )
        bars.combine(line)
    bars.set_title(
        {
            "name": f"{what} của từng đơn vị (ngưỡng đạt {number_text(threshold or 0)} {unit_word})",
            "name_font": {"size": 12, "name": "Times New Roman"},
        }
    )
    bars.set_y_axis(
        {
            "min": 0,
            "max": len(rs.criteria) if pass_fail else rs.total_max,
            "major_unit": 1 if pass_fail else None,
            "major_gridlines": {"visible": True},
            "num_font": {"name": "Times New Roman"},
        }
    )
    bars.set_x_axis({"num_font": {"name": "Times New Roman", "rotation": -45 if n > 12 else 0}})
    bars.set_legend({"position": "bottom", "font": {"name": "Times New Roman"}})
    bars.show_hidden_data()
    _place_chart(ws, bars, last, last_col, max(760, min(24 * n + 200, 4000)), 360)


def _place_chart(ws, chart, last: int, last_col: int, width: int, height: int) -> None:
    """The chart (width x height pixels) from the second row under the table, printed whole: on
    the table's page when the rows leave it room for at least CHART_MIN_HEIGHT pixels of chart
    (as tall as `height` at most), else `height` tall on a page of its own, never cut across two.
    The room is reckoned at the scale that fits the sheet one page wide, as LibreOffice prints
    it (a little under the exact fit: CHART_LANDING)."""
    extent = sheet_extent(ws, last + 1, last_col)
    room = 0.0
    if extent is not None:
        widths, rows = extent
        wide, _ = page_scale(widths, rows, MARGINS, landscape=True, padded=True)
        room = page_room(MARGINS, landscape=True)[1] * CHART_LANDING / wide - rows  # points under the table
    below = int(room / 0.75) - 2 * CHART_OFFSET  # pixels
    own_page = below < CHART_MIN_HEIGHT
    chart.set_size({"width": width, "height": height if own_page else min(height, below)})
    ws.insert_chart(last + 2, 0, chart, {"x_offset": 4, "y_offset": CHART_OFFSET, "object_position": 3})
    if own_page:
        ws.set_h_pagebreaks([last + 1])
