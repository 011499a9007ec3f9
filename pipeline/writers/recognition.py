"""'Danh sách công nhận': the lists annexed to the chairman's recognition decision (Mẫu 08,
TT 09/2021), ready to print on A4 portrait.

Top to bottom: the title and the "(Kèm theo Quyết định …)" line; a red notice when any result
is provisional (a provisional rule-set figure, or points not yet appraised by the council) —
repeated in every page header, so a provisional list can never pass for the official one;
list I (units that meet the standard: STT, name, total, source of the points); list II
(units that do not, with the reasons; units that sent nothing or nothing usable are here
too); the totals; the signature block from config.toml [signature]. The column headings
repeat on every page.
"""

from __future__ import annotations

from pipeline.core.model import NOT_SUBMITTED, SUBMITTED, RunResult, UnitOutcome
from pipeline.core.text import number_text, place_name, reasons_text, rejected_files
from pipeline.steps.season import points_source
from pipeline.writers.xlsx import (
    Formats,
    add_sheet,
    gc_paused,
    header_safe,
    lines_needed,
    print_setup,
    put,
    put_merged,
    put_row,
    row_height,
)

SHEET = "Danh sách công nhận"
WIDTHS = (6, 28, 9, 50)  # STT, unit, total, note / reasons: A4 portrait at about 90%
LAST = len(WIDTHS) - 1


def provisional_reasons(result: RunResult) -> list[str]:
    """Why the lists are not final yet (empty when they are)."""
    out = []
    used = result.used_provisional_figures()  # only what the listed results rest on
    if used:
        out.append("bộ tiêu chí còn số liệu chưa đối chiếu văn bản gốc (" + "; ".join(used) + ")")
    usable = [u for u in result.units if u.status == SUBMITTED and u.verdict is not None]
    self_assessed = [u for u in usable if any(r.code == "SELF_ASSESSED" for r in u.verdict.provisional)]
    if self_assessed:
        out.append(
            f"{len(self_assessed)}/{len(usable)} đơn vị còn dùng điểm tự chấm, chưa có đủ điểm thẩm định của Hội đồng"
        )
    return out


@gc_paused
def write_recognition(wb, fmt: Formats, result: RunResult) -> None:
    ws = add_sheet(wb, SHEET)
    for c, width in enumerate(WIDTHS):
        ws.set_column(c, c, width)
    row = _title(ws, fmt, result)
    provisional = provisional_reasons(result)
    if provisional:
        text = "KẾT QUẢ TẠM TÍNH — CHƯA DÙNG ĐỂ TRÌNH KÝ QUYẾT ĐỊNH CÔNG NHẬN: " + "; ".join(provisional) + "."
        put_merged(ws, row, 0, LAST, text, fmt("banner_bad"))
        ws.set_row(row, row_height(lines_needed(text, sum(WIDTHS), bold=True)))
        row += 2
    header = row
    for c, text in enumerate(("STT", "Tên đơn vị", "Tổng điểm", "Ghi chú")):
        put(ws, row, c, text, fmt("head"))
    ws.set_row(row, row_height(2))
    met = [u for u in result.units if u.status == SUBMITTED and u.verdict is not None and u.verdict.recognised]
    met_ids = {id(u) for u in met}  # not `u not in met`: comparing whole outcomes is quadratic
    not_met = [u for u in result.units if id(u) not in met_ids]
    row = _section(ws, fmt, row + 1, f"I. ĐƠN VỊ ĐẠT CHUẨN TIẾP CẬN PHÁP LUẬT ({len(met)} đơn vị)")
    for n, u in enumerate(met, start=1):
        row = _unit(ws, fmt, row, n, u, _met_note(u))
    if not met:
        row = _empty(ws, fmt, row)
    row = _section(ws, fmt, row, f"II. ĐƠN VỊ CHƯA ĐẠT CHUẨN TIẾP CẬN PHÁP LUẬT ({len(not_met)} đơn vị)")
    rejected = rejected_files(result)
    for n, u in enumerate(not_met, start=1):
        row = _unit(ws, fmt, row, n, u, _not_met_note(u, rejected.get(u.unit.code, [])))
    if not not_met:
        row = _empty(ws, fmt, row)
    row = _totals(ws, fmt, row + 1, len(result.units), len(met))
    row = _signature(ws, fmt, result, row + 1)
    print_setup(ws, landscape=False, repeat=(header, header), header=result.config.office_name)
    if provisional:  # on every printed page, in red, centred
        ws.set_header(
            f'&L&8{header_safe(result.config.office_name, 120)}&C&"Times New Roman,Bold"&12&KC00000KẾT QUẢ TẠM TÍNH'
        )
    ws.print_area(0, 0, row, LAST)


def _title(ws, fmt: Formats, result: RunResult) -> int:
    cfg, sig = result.config, result.config.signature
    authority = sig.authority or f"Ủy ban nhân dân {cfg.area[:1].lower()}{cfg.area[1:]}"
    decision = sig.decision or "số ……/QĐ-UBND ngày …… tháng …… năm ……"
    lines = [
        (f"DANH SÁCH XÃ, PHƯỜNG, THỊ TRẤN\nĐẠT CHUẨN TIẾP CẬN PHÁP LUẬT NĂM {cfg.year}", "title", 14, True),
        (f"(Kèm theo Quyết định {decision}\ncủa Chủ tịch {authority})", "italic", 11, False),
    ]
    row = 0
    for text, style, size, _bold in lines:
        put_merged(ws, row, 0, LAST, text, fmt(style, "center", "wrap"))
        # Broken by hand: an estimated wrap of a centred 14 pt title cut it at the top.
        ws.set_row(row, row_height(text.count("\n") + 1, size) + 2)
        row += 1
    return row + 1


def _section(ws, fmt: Formats, row: int, text: str) -> int:
    put_merged(ws, row, 0, LAST, text, fmt("cell", "group", "bold"))
    ws.set_row(row, row_height(1))
    return row + 1


def _empty(ws, fmt: Formats, row: int) -> int:
    put_merged(ws, row, 0, LAST, "(không có đơn vị nào)", fmt("cell", "italic", "center"))
    return row + 1


def _unit(ws, fmt: Formats, row: int, n: int, u: UnitOutcome, note: str) -> int:
    usable = u.status == SUBMITTED and u.verdict is not None
    name = u.unit.full_name
    put_row(
        ws,
        row,
        0,
        [n, name, u.verdict.total if usable else None, note],
        [fmt("cell", "center"), fmt("cell", "wrap"), fmt("cell", "pts", "center"), fmt("cell", "wrap")],
    )
    lines = max(lines_needed(note, WIDTHS[3]), lines_needed(name, WIDTHS[1]))
    ws.set_row(row, row_height(lines))
    return row + 1


def _met_note(u: UnitOutcome) -> str:
    source = points_source(u)
    if source == "Thẩm định":
        return "Điểm thẩm định của Hội đồng"
    if source == "Tự chấm":
        return "Điểm tự chấm (chưa thẩm định)"
    return f"{source} (các chỉ tiêu còn lại: điểm tự chấm)"


def _not_met_note(u: UnitOutcome, rejected: list) -> str:
    if u.status == NOT_SUBMITTED:
        return "Không gửi hồ sơ tự đánh giá"
    if u.status != SUBMITTED or u.verdict is None:
        return "Hồ sơ tự đánh giá không dùng được. " + reasons_text(u, rejected)
    return "; ".join(r.text for r in u.verdict.reasons) or reasons_text(u, rejected)


def _totals(ws, fmt: Formats, row: int, total: int, met: int) -> int:
    share = f" ({number_text(met / total * 100, places=2)}%)" if total else ""
    text = (
        f"Tổng số: {total} đơn vị; đạt chuẩn tiếp cận pháp luật: {met} đơn vị{share}; "
        f"chưa đạt chuẩn: {total - met} đơn vị."
    )
    put_merged(ws, row, 0, LAST, text, fmt("bold", "wrap"))
    ws.set_row(row, row_height(lines_needed(text, sum(WIDTHS), bold=True)))
    return row + 1


def _signature(ws, fmt: Formats, result: RunResult, row: int) -> int:
    sig, cfg = result.config.signature, result.config
    place = sig.place or place_name(cfg.area)
    put_merged(ws, row, 2, LAST, f"{place}, ngày ...... tháng ...... năm ........", fmt("italic", "center"))
    row += 1
    title = sig.signer_title.replace("\\n", "\n")
    put_merged(ws, row, 2, LAST, title, fmt("bold", "center", "wrap"))
    ws.set_row(row, row_height(title.count("\n") + 1))
    row += 1
    put_merged(ws, row, 2, LAST, "(Ký, ghi rõ họ tên, đóng dấu)", fmt("italic", "center"))
    for _ in range(4):  # room to sign
        row += 1
        ws.set_row(row, 18)
    row += 1
    put_merged(ws, row, 2, LAST, sig.signer_name, fmt("bold", "center"))
    return row
