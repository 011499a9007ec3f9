"""Write the council's appraisal workbook (thẩm định): one long, filterable, printable sheet
with a row per (unit, indicator), the commune's points and two input columns, "Điểm thẩm
định" and "Ghi chú của Hội đồng", plus the hidden metadata the reader recognises it by
(core/appraisal_layout.py holds that contract; steps/appraise.py says what the values mean).

Indicators the council already appraised (an appraisal workbook in tham-dinh/) are pre-filled
with its points and notes, so a second round continues where the first stopped.
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from pipeline import __version__
from pipeline.core.appraisal_layout import (
    COL,
    COLUMNS,
    HEADER_ROW,
    META_KEYS,
    META_SHEET,
    NOTE_LIMIT,
    SHEET,
    TEMPLATE_ID,
    TEMPLATE_VERSION,
    heading,
)
from pipeline.core.cells import a1
from pipeline.core.model import SUBMITTED, RunResult, UnitOutcome
from pipeline.core.rules import RuleSet
from pipeline.core.text import band_text, basis_text, number_text, pass_text, place_name
from pipeline.writers.atomic import atomic_output
from pipeline.writers.form import INPUT_FILL  # the commune form's colour for "type here"
from pipeline.writers.xlsx import (
    Formats,
    lines_needed,
    print_setup,
    put,
    put_merged,
    row_height,
    signature_pair,
    workbook_options,
)

MAX_PAGE_BREAKS = 1023  # Excel's limit of manual page breaks on a sheet


def appraisable(result: RunResult) -> list[UnitOutcome]:
    """Units with a usable self-assessment: the ones a council can appraise."""
    return [u for u in result.units if u.status == SUBMITTED and u.verdict is not None]


def write_appraisal_form(result: RunResult, path: Path) -> Path:
    """Write the appraisal workbook for every unit with a usable form, atomically; return its path."""
    path = Path(path)
    with atomic_output(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), workbook_options())
        cfg = result.config
        wb.set_properties(
            {
                "title": f"Phiếu thẩm định chuẩn tiếp cận pháp luật năm {cfg.year}",
                "subject": f"Chuẩn tiếp cận pháp luật — {cfg.area} — năm {cfg.year}",
                "author": "tcpl",
                "company": cfg.office_name,
                "comments": f"{TEMPLATE_ID} v{TEMPLATE_VERSION}, {result.rule_set.id}",
                "created": result.generated_at.replace(tzinfo=None),
            }
        )
        _Writer(wb, Formats(wb), result).write()
        wb.close()
    return path


class _Writer:
    def __init__(self, wb, fmt, result: RunResult):
        self.wb, self.fmt, self.result = wb, fmt, result
        self.rs = result.rule_set
        self.pass_fail = self.rs.scoring == "pass_fail"
        self.units = appraisable(result)
        self.input_fmt = fmt("cell", "pts", "center")
        self.note_fmt = fmt("cell", "wrap", "small")
        # Input cells: yellow and unlocked (Formats has no 'locked' piece: two extra formats).
        self.inputs = {
            "points": wb.add_format(
                {
                    "font_name": "Times New Roman",
                    "font_size": 11,
                    "border": 1,
                    "bg_color": INPUT_FILL,
                    "locked": False,
                    "num_format": "0.00",
                    "align": "center",
                    "valign": "top",
                }
            ),
            "text": wb.add_format(
                {
                    "font_name": "Times New Roman",
                    "font_size": 9,
                    "border": 1,
                    "bg_color": INPUT_FILL,
                    "locked": False,
                    "text_wrap": True,
                    "valign": "top",
                }
            ),
        }

    def write(self) -> None:
        ws = self.wb.add_worksheet(SHEET)
        meta = self.wb.add_worksheet(META_SHEET)
        last = len(COLUMNS) - 2  # the hidden min column is not part of the visible table
        for n, (_, _, width) in enumerate(COLUMNS):
            ws.set_column(n, n, width, None, {"hidden": True} if n > last else None)
        self.heading(ws, last)
        end = self.table(ws)
        row = self.footer(ws, end + 2, last)
        ws.autofilter(HEADER_ROW, 0, max(end, HEADER_ROW), last)
        ws.freeze_panes(HEADER_ROW + 1, 4)
        print_setup(
            ws,
            landscape=True,
            repeat=(HEADER_ROW, HEADER_ROW),
            header=f"{self.result.config.office_name} — phiếu thẩm định năm {self.result.config.year}",
        )
        ws.print_area(0, 0, row, last)
        ws.protect("", {"autofilter": True, "format_columns": True, "format_rows": True})
        ws.activate()
        self.meta(meta)

    # -- blocks

    def heading(self, ws, last: int) -> None:
        f, cfg = self.fmt, self.result.config
        what = "KẾT QUẢ" if self.rs.has_contents else "ĐIỂM"
        put_merged(ws, 0, 0, last, f"PHIẾU THẨM ĐỊNH {what} CHUẨN TIẾP CẬN PHÁP LUẬT NĂM {cfg.year}", f("title"))
        ws.set_row(0, 24)
        put_merged(
            ws,
            1,
            0,
            last,
            f"Hội đồng đánh giá chuẩn tiếp cận pháp luật {cfg.area} — {len(self.units)} đơn vị có phiếu tự "
            f"đánh giá dùng được; số liệu tính đến {self.result.generated_at:%d/%m/%Y} — bộ tiêu chí "
            f"{self.rs.id}",
            f("subtitle"),
        )
        text = instructions(self.rs)
        put_merged(ws, 2, 0, last, text, f("wrap", "small"))
        ws.set_row(2, row_height(lines_needed(text, sum(w for _, _, w in COLUMNS[:-1]), 9) + 1, 9))
        appraised = {u.unit.code for u in self.units}  # a set: comparing whole outcomes is quadratic
        missing = [u.unit.full_name for u in self.result.units if u.unit.code not in appraised]
        if missing:
            note = "Chưa có phiếu tự đánh giá dùng được, chưa thẩm định: " + ", ".join(missing) + "."
            put_merged(ws, 3, 0, last, note, f("banner_warn"))
            ws.set_row(3, row_height(lines_needed(note, 150)))

    def table(self, ws) -> int:
        f = self.fmt
        for n, (key, _, _) in enumerate(COLUMNS):
            put(ws, HEADER_ROW, n, heading(key, self.rs.has_contents), f("head"))
        ws.set_row(HEADER_ROW, row_height(2))
        row, stt = HEADER_ROW, 0
        numeric: list[tuple[int, int]] = []  # (row, col) of the numeric inputs, for one validation
        choice: list[tuple[int, int]] = []
        figures: list[tuple[int, int]] = []  # rate contents: Đạt / Không đạt or "tử số/mẫu số"
        widths = {key: w for key, _, w in COLUMNS}
        starts = []  # each unit's first row: it starts a printed page
        for u in self.units:
            own = u.self_assessed or u.verdict
            given = {c.indicator: c for c in u.appraisal}
            row += 1
            starts.append(row)
            first = row + 1
            last = row + len(self.rs.indicators)
            self.unit_row(ws, row, u, own, given, first, last)
            for r in own.indicators:
                row += 1
                stt += 1
                ind = self.rs.indicator(r.code)
                basis = _basis_text(u, r)
                g = "center"
                put(ws, row, COL["stt"], stt, f("cell", g))
                put(ws, row, COL["unit"], u.unit.code, f("cell", g))
                put(ws, row, COL["unit_name"], u.unit.name, f("cell", "small"))
                put(ws, row, COL["code"], r.code, f("cell", g))
                put(ws, row, COL["name"], ind.name, f("cell", "wrap"))
                judged = ind.kind == "pass_fail" or ind.is_content
                put(ws, row, COL["max"], None if judged else ind.max, f("cell", "pts"))
                put(ws, row, COL["basis"], basis, f("cell", "wrap", "small"))
                put(ws, row, COL["min"], ind.min_points, f("cell"))
                change = given.get(r.code)
                if judged:
                    put(ws, row, COL["self"], pass_text(r.passed), f("cell", g))
                    put(ws, row, COL["appraised"], _appraised_text(change), self.inputs["text"])
                    # A rate content also takes the council's figures ("9/10"): no list there.
                    (figures if ind.kind == "rate" else choice).append((row, COL["appraised"]))
                else:
                    put(ws, row, COL["self"], r.points, f("cell", "pts"))
                    put(ws, row, COL["appraised"], change.appraised_points if change else None, self.inputs["points"])
                    numeric.append((row, COL["appraised"]))
                put(ws, row, COL["note"], change.note if change else None, self.inputs["text"])
                lines = max(
                    lines_needed(ind.name, widths["name"]),
                    lines_needed(basis, widths["basis"], 9) * 9 / 11,
                    lines_needed(change.note, widths["note"], 9) * 9 / 11 if change and change.note else 1,
                )
                ws.set_row(row, row_height(int(lines + 0.99)))
        self.validations(ws, numeric, choice, figures)
        # A page per unit (the heading repeats on each); Excel keeps at most 1023 breaks.
        ws.set_h_pagebreaks(starts[1 : MAX_PAGE_BREAKS + 1])
        return row

    def unit_row(self, ws, row: int, u: UnitOutcome, own, given: dict, first: int, last: int) -> None:
        f = self.fmt
        g = ("cell", "group")
        label = "Tổng điểm (tự chấm → thẩm định)" if not self.pass_fail else "Kết quả"
        put(ws, row, COL["stt"], "", f(*g))
        put(ws, row, COL["unit"], u.unit.code, f(*g, "center"))
        put(ws, row, COL["unit_name"], u.unit.full_name, f(*g))
        put(ws, row, COL["code"], "", f(*g))
        put(ws, row, COL["name"], label, f(*g))
        put(ws, row, COL["max"], None if self.pass_fail else self.rs.total_max, f(*g, "pts"))
        put(ws, row, COL["basis"], f"Tự chấm: {own.label}" + (" (tạm tính)" if own.provisional else ""), f(*g))
        put(ws, row, COL["note"], "", f(*g))
        put(ws, row, COL["min"], None, None)
        if self.pass_fail:
            put(ws, row, COL["self"], "", f(*g))
            put(ws, row, COL["appraised"], "", f(*g))
            return
        put(ws, row, COL["self"], own.total, f(*g, "pts"))
        a = a1(first, COL["appraised"]) + ":" + a1(last, COL["appraised"])
        s = a1(first, COL["self"]) + ":" + a1(last, COL["self"])
        cached = sum(given[r.code].appraised_points if r.code in given else r.points for r in own.indicators)
        ws.write_formula(
            row,
            COL["appraised"],
            f"=SUMPRODUCT(--ISNUMBER({a}),{a})+SUMPRODUCT(--NOT(ISNUMBER({a})),{s})",
            f(*g, "pts"),
            cached,
        )

    def validations(
        self, ws, numeric: list[tuple[int, int]], choice: list[tuple[int, int]], figures: list | None = None
    ) -> None:
        step = self.rs.point_step
        if figures:
            first, *others = _ranges(figures)
            ws.data_validation(
                *first,
                {
                    "validate": "length",
                    "criteria": "<=",
                    "value": 30,
                    "other_cells": others,
                    "input_title": "Kết quả thẩm định",
                    "input_message": (
                        'Gõ Đạt hoặc Không đạt; hoặc số liệu Hội đồng xác định dạng "tử số/mẫu số" (ví dụ 9/10): '
                        "tỷ lệ được tính lại. Để trống: giữ kết quả tự đánh giá."
                    ),
                    "error_title": "Giá trị không hợp lệ",
                    "error_message": 'Gõ Đạt, Không đạt hoặc "tử số/mẫu số" (ví dụ 9/10).',
                },
            )
        if numeric:
            r0, c0 = numeric[0]
            cell = a1(r0, c0)
            low = "$" + a1(r0, COL["min"])  # the column fixed, the row relative
            high = "$" + a1(r0, COL["max"])
            first, *others = _ranges(numeric)
            ws.data_validation(
                *first,
                {
                    "validate": "custom",
                    "value": f"=AND(ISNUMBER({cell}),{cell}>={low},{cell}<={high},MOD(ROUND({cell}/{step},6),1)=0)",
                    "other_cells": others,
                    "input_title": "Điểm thẩm định",
                    "input_message": (
                        f"Điểm Hội đồng thẩm định: từ 0 đến điểm tối đa, theo bậc {number_text(step)}. "
                        "Để trống: giữ điểm tự chấm. Chỉ tiêu tính theo tỷ lệ: nhập một mức điểm "
                        "của chỉ tiêu (xem cột Căn cứ chấm)."
                    ),
                    "error_title": "Điểm không hợp lệ",
                    "error_message": (
                        f"Điểm thẩm định phải là số từ 0 đến điểm tối đa của chỉ tiêu, theo bậc "
                        f"{number_text(step)}. Số thập phân dùng dấu phẩy hoặc dấu chấm tùy cài đặt của máy."
                    ),
                },
            )
        if choice:
            first, *others = _ranges(choice)
            ws.data_validation(
                *first,
                {
                    "validate": "list",
                    "source": ["Đạt", "Không đạt"],
                    "other_cells": others,
                    "input_title": "Kết quả thẩm định",
                    "input_message": "Chọn Đạt hoặc Không đạt; để trống: giữ kết quả tự đánh giá.",
                    "error_title": "Giá trị không hợp lệ",
                    "error_message": "Chỉ chọn Đạt hoặc Không đạt.",
                },
            )
        notes = [(r, COL["note"]) for r, _ in numeric + choice + (figures or [])]
        if notes:
            first, *others = _ranges(sorted(notes))
            ws.data_validation(
                *first,
                {
                    "validate": "length",
                    "criteria": "<=",
                    "value": NOTE_LIMIT,
                    "other_cells": others,
                    "input_title": "Ghi chú của Hội đồng",
                    "input_message": f"Lý do thay đổi điểm, tài liệu Hội đồng đã xem. Tối đa {NOTE_LIMIT} ký tự.",
                    "error_title": "Giá trị không hợp lệ",
                    "error_message": f"Ghi chú tối đa {NOTE_LIMIT} ký tự.",
                },
            )

    def footer(self, ws, row: int, last: int) -> int:
        place = self.result.config.signature.place or place_name(self.result.config.area)
        return signature_pair(
            ws,
            self.fmt,
            row,
            place,
            (1, 4, "THƯ KÝ HỘI ĐỒNG", "(Ký, ghi rõ họ tên)"),
            (6, last, "CHỦ TỊCH HỘI ĐỒNG", "(Ký, ghi rõ họ tên)"),
        )

    def meta(self, ws) -> None:
        data = {
            "template_id": TEMPLATE_ID,
            "template_version": str(TEMPLATE_VERSION),
            "rule_set": self.rs.id,
            "year": str(self.result.config.year),
            "generated_by": f"tcpl {__version__}",
            "data_as_of": self.result.generated_at.strftime("%Y-%m-%d %H:%M"),
            "units": str(len(self.units)),
        }
        for n, key in enumerate(META_KEYS):
            ws.write_string(n, 0, key)
            ws.write_string(n, 1, data[key])
        ws.hide()
        ws.protect("")


def instructions(rule_set: RuleSet) -> str:
    banded = [f"{i.code} ({band_text(i)})" for i in rule_set.indicators if i.kind == "rate_bands"]
    parts = [
        'Cách điền: nhập điểm Hội đồng thẩm định vào cột "Điểm thẩm định" (ô nền vàng) của từng chỉ tiêu đã '
        "thẩm định; ô để trống thì chỉ tiêu giữ điểm tự chấm (kết quả của đơn vị còn là tạm tính). Ghi lý do thay "
        'đổi ở cột "Ghi chú của Hội đồng".',
    ]
    if rule_set.has_contents:
        parts[0] = (
            'Cách điền: ở cột "Điểm thẩm định" (ô nền vàng) của từng nội dung đã thẩm định, chọn Đạt hoặc Không '
            'đạt; nội dung tính theo tỷ lệ có thể ghi số liệu Hội đồng xác định dạng "tử số/mẫu số" (ví dụ 9/10), '
            "tỷ lệ được tính lại. Ô để trống thì nội dung giữ kết quả tự đánh giá (kết quả của đơn vị còn là tạm "
            'tính). Ghi lý do ở cột "Ghi chú của Hội đồng".'
        )
    if banded:
        parts.append(
            "Chỉ tiêu tính theo tỷ lệ " + "; ".join(banded) + ": nhập đúng một mức điểm; điểm thẩm định "
            "thay cho điểm tính từ số liệu của đơn vị."
        )
    parts.append(
        "Có thể lọc theo đơn vị (nút lọc ở dòng tiêu đề). Không đổi tên cột, không xóa dòng. Xong: lưu "
        "tệp (.xlsx), chép vào thư mục phiếu thẩm định (tham-dinh/, cạnh thư mục inputs/) rồi chạy lại bước "
        "tổng hợp; giá trị không hợp lệ sẽ được "
        "báo ở trang Lỗi dữ liệu và chưa được tính."
    )
    return " ".join(parts)


def _appraised_text(change) -> str | None:
    """What the council set last time: its figures for a rate content, else Đạt / Không đạt."""
    if change is None:
        return None
    if change.appraised_figures is not None:
        num, den = change.appraised_figures
        return f"{_n(num)}/{_n(den)}"
    return pass_text(change.appraised_passed)


def _basis_text(u: UnitOutcome, r) -> str:
    d = u.details.get(r.code)
    parts = []
    if d is not None:
        if d.figures:
            parts.append(d.figures)
        if d.numerator is not None or d.denominator is not None:
            parts.append(f"Tử số {_n(d.numerator)} / mẫu số {_n(d.denominator)}")
        if d.not_applicable:
            parts.append("Không phát sinh")
    parts.append(f"Cách tính: {basis_text(r)}")
    return "\n".join(parts)


def _n(x: float | None) -> str:
    return "—" if x is None else number_text(float(x))


def _ranges(cells: list[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Runs of consecutive rows in one column -> (first_row, col, last_row, col) ranges."""
    out: list[list[int]] = []
    for r, c in cells:
        if out and out[-1][1] == c and out[-1][2] == r - 1:
            out[-1][2] = r
        else:
            out.append([r, c, r, c])
    return [(a, b, c, d) for a, b, c, d in out]
