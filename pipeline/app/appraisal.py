"""The district council's appraisal (thẩm định) round trip: the workbook it fills, reading it
back, and applying the appraised points to the verdicts.

Season: the communes send self-assessed forms; the office runs `tcpl appraisal-form`, which
writes `outputs/tham-dinh/<slug>-<year>-tham-dinh.xlsx` from the latest consolidation: one
long, filterable, printable sheet with a row per (unit, indicator), the commune's points and
two input columns, "Điểm thẩm định" and "Ghi chú của Hội đồng". The council's secretary fills
it; the office drops it into `inputs/`; the next consolidation recognises it by its hidden
metadata (`_meta`: template id `tcpl-tham-dinh`, never the commune form's `tcpl-mau-02`) and
scores every appraised indicator with the council's points.

Decisions (README "The season, step by step"):
- An empty appraised cell keeps the commune's self-assessed points (and the result stays
  "tạm tính" for that unit until every indicator is appraised; scoring.py decides that).
- A banded indicator (points from a rate) takes the council's points too: the council's word
  is what counts legally, and its secretary works in points on Mẫu 07. To stay conservative
  the value must be one of the band's point levels; the basis shown says "điểm thẩm định" and
  what the commune's own figures gave.
- A value the engine cannot accept (not a number, out of range, off the point step, not a
  band level, two different values for one indicator) is never used and never dropped
  silently: it becomes a located error Issue (file, sheet, cell) attached to the unit, the
  indicator keeps its self-assessed points (so the result stays provisional) and its basis
  says the appraised value was refused.
- Several appraisal workbooks in inputs/: the newest file counts, the others are listed as
  superseded (one workbook per season, like one form per commune).

Reading follows read.py's habits: python-calamine, header labels rather than fixed cells,
never raises; every problem is an Issue with file, sheet and cell.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import python_calamine as calamine
from xlsxwriter.utility import xl_rowcol_to_cell

from pipeline import __version__
from pipeline.steps import values
from pipeline.core.config import Config
from pipeline.core.errors import TcplError
from pipeline.core.model import REJECTED, SUBMITTED, SUPERSEDED, USED, AppraisalChange, FileRecord, RunResult, UnitOutcome
from pipeline.core.problems import Issue, display, issue
from pipeline.core.rules import Indicator, RuleSet
from pipeline.core.verdict import APPRAISED, IndicatorEntry, UnitEntries
from pipeline.steps.scoring import score_unit

TEMPLATE_ID = "tcpl-tham-dinh"
TEMPLATE_VERSION = 1
SHEET = "Phiếu thẩm định"
META_SHEET = "_meta"
META_KEYS = ("template_id", "template_version", "rule_set", "year", "generated_by", "data_as_of", "units")

# Column headings (also how the reader finds the columns; compared without accents).
COLUMNS = (  # (key, heading, width)
    ("stt", "STT", 5),
    ("unit", "Mã đơn vị", 8),
    ("unit_name", "Đơn vị", 15),
    ("code", "Mã chỉ tiêu", 7),
    ("name", "Nội dung chỉ tiêu", 40),
    ("max", "Điểm tối đa", 7),
    ("basis", "Căn cứ chấm của đơn vị", 28),
    ("self", "Điểm tự chấm", 8.5),
    ("appraised", "Điểm thẩm định", 10),
    ("note", "Ghi chú của Hội đồng", 30),
    ("min", "Điểm tối thiểu", 6),  # hidden: the validation formula reads it
)
COL = {key: n for n, (key, _, _) in enumerate(COLUMNS)}
HEADER_ROW = 4  # 0-based: title, subtitle, instructions, banner / blank, then the headings
NOTE_LIMIT = 500
INPUT_FILL = "#FFF2CC"  # the commune form's colour for "type here"
REFUSED_MARK = "; điểm thẩm định ở ô "  # basis suffix of an indicator whose appraised value was refused


class AppraisalError(TcplError, RuntimeError):
    """The appraisal workbook cannot be written (shown as one line by the CLI)."""


def appraisal_path(config: Config) -> Path:
    return config.outputs / "tham-dinh" / f"{config.slug}-{config.year}-tham-dinh.xlsx"


# ================================================================== writing


def appraisable(result: RunResult) -> list[UnitOutcome]:
    """Units with a usable self-assessment: the ones a council can appraise."""
    return [u for u in result.units if u.status == SUBMITTED and u.verdict is not None]


def write_appraisal_form(result: RunResult, path: Path, guard: bool = False) -> Path:
    """Write the appraisal workbook for every unit with a usable form; return its path.

    Indicators the council already appraised (an appraisal workbook in inputs/) are pre-filled
    with its points and notes, so a second round continues where the first stopped.
    guard: refuse to replace a workbook at `path` that holds appraised points this run has not
    applied (the council filled the copy in outputs/ and nobody copied it into inputs/ yet).
    """
    import xlsxwriter

    from pipeline.writers.atomic import atomic_output
    from pipeline.writers.style import Formats, workbook_options

    path = Path(path)
    if guard:
        _refuse_to_lose_work(result, path)
    with atomic_output(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), workbook_options())
        cfg = result.config
        wb.set_properties({
            "title": f"Phiếu thẩm định chuẩn tiếp cận pháp luật năm {cfg.year}",
            "subject": f"Chuẩn tiếp cận pháp luật — {cfg.area} — năm {cfg.year}",
            "author": "tcpl", "company": cfg.office_name,
            "comments": f"{TEMPLATE_ID} v{TEMPLATE_VERSION}, {result.rule_set.id}",
            "created": result.generated_at.replace(tzinfo=None),
        })
        _Writer(wb, Formats(wb), result).write()
        wb.close()
    return path


def _refuse_to_lose_work(result: RunResult, path: Path) -> None:
    if not path.exists():
        return
    import hashlib

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if any(f.sha256 == digest for f in result.files):
        return  # the same file is in inputs/: nothing would be lost
    book, _ = read_appraisal(path, path.name, result.rule_set, result.config)
    if book is None or book.rejected:
        return
    applied = {(u.unit.code, c.indicator): c for u in result.units for c in u.appraisal}

    def pending(key, v: AppraisedValue) -> bool:
        done = applied.get(key)
        if done is None:
            return True
        same = v.passed == done.appraised_passed if v.points is None else v.points == done.appraised_points
        return not same or v.note != done.note

    waiting = [k for k, v in book.values.items() if pending(k, v)] + [k for k in book.refused if k not in applied]
    if waiting:
        raise AppraisalError(
            f"Tệp {path} đã có {len(waiting)} điểm thẩm định chưa được tổng hợp (chưa có trong {result.config.inputs}). "
            "Chép tệp đó vào thư mục inputs/ (hoặc đổi tên nó) rồi chạy lại: lệnh không ghi đè để khỏi mất điểm "
            "Hội đồng đã nhập.")


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
            "points": wb.add_format({"font_name": "Times New Roman", "font_size": 11, "border": 1,
                                     "bg_color": INPUT_FILL, "locked": False, "num_format": "0.00",
                                     "align": "center", "valign": "top"}),
            "text": wb.add_format({"font_name": "Times New Roman", "font_size": 9, "border": 1,
                                   "bg_color": INPUT_FILL, "locked": False, "text_wrap": True, "valign": "top"}),
        }

    def write(self) -> None:
        from pipeline.writers.style import print_setup

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
        print_setup(ws, landscape=True, repeat=(HEADER_ROW, HEADER_ROW),
                    header=f"{self.result.config.office_name} — phiếu thẩm định năm {self.result.config.year}")
        ws.print_area(0, 0, row, last)
        ws.protect("", {"autofilter": True, "format_columns": True, "format_rows": True})
        ws.activate()
        self.meta(meta)

    # -- blocks

    def heading(self, ws, last: int) -> None:
        from pipeline.writers.style import lines_needed, put_merged, row_height

        f, cfg = self.fmt, self.result.config
        put_merged(ws, 0, 0, last, f"PHIẾU THẨM ĐỊNH ĐIỂM CHUẨN TIẾP CẬN PHÁP LUẬT NĂM {cfg.year}", f("title"))
        ws.set_row(0, 24)
        put_merged(ws, 1, 0, last,
                   f"Hội đồng đánh giá chuẩn tiếp cận pháp luật {cfg.area} — {len(self.units)} đơn vị có phiếu tự "
                   f"đánh giá dùng được; số liệu tính đến {self.result.generated_at:%d/%m/%Y} — bộ tiêu chí "
                   f"{self.rs.id}", f("subtitle"))
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
        from pipeline.writers.style import lines_needed, put, row_height

        f = self.fmt
        for n, (_, heading, _) in enumerate(COLUMNS):
            put(ws, HEADER_ROW, n, heading, f("head"))
        ws.set_row(HEADER_ROW, row_height(2))
        row, stt = HEADER_ROW, 0
        numeric: list[tuple[int, int]] = []  # (row, col) of the numeric inputs, for one validation
        choice: list[tuple[int, int]] = []
        widths = {key: w for key, _, w in COLUMNS}
        for u in self.units:
            own = u.self_assessed or u.verdict
            given = {c.indicator: c for c in u.appraisal}
            row += 1
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
                put(ws, row, COL["max"], None if ind.kind == "pass_fail" else ind.max, f("cell", "pts"))
                put(ws, row, COL["basis"], basis, f("cell", "wrap", "small"))
                put(ws, row, COL["min"], ind.min_points, f("cell"))
                change = given.get(r.code)
                if ind.kind == "pass_fail":
                    put(ws, row, COL["self"], _pass_text(r.passed), f("cell", g))
                    put(ws, row, COL["appraised"], _pass_text(change.appraised_passed) if change else None,
                        self.inputs["text"])
                    choice.append((row, COL["appraised"]))
                else:
                    put(ws, row, COL["self"], r.points, f("cell", "pts"))
                    put(ws, row, COL["appraised"], change.appraised_points if change else None, self.inputs["points"])
                    numeric.append((row, COL["appraised"]))
                put(ws, row, COL["note"], change.note if change else None, self.inputs["text"])
                lines = max(lines_needed(ind.name, widths["name"]),
                            lines_needed(basis, widths["basis"], 9) * 9 / 11,
                            lines_needed(change.note, widths["note"], 9) * 9 / 11 if change and change.note else 1)
                ws.set_row(row, row_height(int(lines + 0.99)))
        self.validations(ws, numeric, choice)
        return row

    def unit_row(self, ws, row: int, u: UnitOutcome, own, given: dict, first: int, last: int) -> None:
        from pipeline.writers.style import put

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
        a = xl_rowcol_to_cell(first, COL["appraised"]) + ":" + xl_rowcol_to_cell(last, COL["appraised"])
        s = xl_rowcol_to_cell(first, COL["self"]) + ":" + xl_rowcol_to_cell(last, COL["self"])
        cached = sum(given[r.code].appraised_points if r.code in given else r.points for r in own.indicators)
        ws.write_formula(row, COL["appraised"],
                         f"=SUMPRODUCT(--ISNUMBER({a}),{a})+SUMPRODUCT(--NOT(ISNUMBER({a})),{s})",
                         f(*g, "pts"), cached)

    def validations(self, ws, numeric: list[tuple[int, int]], choice: list[tuple[int, int]]) -> None:
        from pipeline.writers.form import _num

        step = self.rs.point_step
        if numeric:
            r0, c0 = numeric[0]
            cell = xl_rowcol_to_cell(r0, c0)
            low = xl_rowcol_to_cell(r0, COL["min"], col_abs=True)
            high = xl_rowcol_to_cell(r0, COL["max"], col_abs=True)
            first, *others = _ranges(numeric)
            ws.data_validation(*first, {
                "validate": "custom",
                "value": f"=AND(ISNUMBER({cell}),{cell}>={low},{cell}<={high},MOD(ROUND({cell}/{step},6),1)=0)",
                "other_cells": others,
                "input_title": "Điểm thẩm định",
                "input_message": (f"Điểm Hội đồng thẩm định: từ 0 đến điểm tối đa, theo bậc {_num(step)}. "
                                  "Để trống: giữ điểm tự chấm. Chỉ tiêu tính theo tỷ lệ: nhập một mức điểm "
                                  "của chỉ tiêu (xem cột Căn cứ chấm)."),
                "error_title": "Điểm không hợp lệ",
                "error_message": (f"Điểm thẩm định phải là số từ 0 đến điểm tối đa của chỉ tiêu, theo bậc "
                                  f"{_num(step)}. Số thập phân dùng dấu phẩy hoặc dấu chấm tùy cài đặt của máy."),
            })
        if choice:
            first, *others = _ranges(choice)
            ws.data_validation(*first, {
                "validate": "list", "source": ["Đạt", "Không đạt"], "other_cells": others,
                "input_title": "Kết quả thẩm định", "input_message": "Chọn Đạt hoặc Không đạt; để trống: giữ kết quả tự đánh giá.",
                "error_title": "Giá trị không hợp lệ", "error_message": "Chỉ chọn Đạt hoặc Không đạt.",
            })
        notes = [(r, COL["note"]) for r, _ in numeric + choice]
        if notes:
            first, *others = _ranges(sorted(notes))
            ws.data_validation(*first, {
                "validate": "length", "criteria": "<=", "value": NOTE_LIMIT, "other_cells": others,
                "input_title": "Ghi chú của Hội đồng",
                "input_message": f"Lý do thay đổi điểm, tài liệu Hội đồng đã xem. Tối đa {NOTE_LIMIT} ký tự.",
                "error_title": "Giá trị không hợp lệ", "error_message": f"Ghi chú tối đa {NOTE_LIMIT} ký tự.",
            })

    def footer(self, ws, row: int, last: int) -> int:
        from pipeline.writers.style import place_name, signature_pair

        place = self.result.config.signature.place or place_name(self.result.config.area)
        return signature_pair(ws, self.fmt, row, place, (1, 4, "THƯ KÝ HỘI ĐỒNG", "(Ký, ghi rõ họ tên)"),
                              (6, last, "CHỦ TỊCH HỘI ĐỒNG", "(Ký, ghi rõ họ tên)"))

    def meta(self, ws) -> None:
        data = {
            "template_id": TEMPLATE_ID, "template_version": str(TEMPLATE_VERSION), "rule_set": self.rs.id,
            "year": str(self.result.config.year), "generated_by": f"tcpl {__version__}",
            "data_as_of": self.result.generated_at.strftime("%Y-%m-%d %H:%M"), "units": str(len(self.units)),
        }
        for n, key in enumerate(META_KEYS):
            ws.write_string(n, 0, key)
            ws.write_string(n, 1, data[key])
        ws.hide()
        ws.protect("")


def instructions(rule_set: RuleSet) -> str:
    from pipeline.writers.form import _band_text

    banded = [f"{i.code} ({_band_text(i)})" for i in rule_set.indicators if i.kind == "rate_bands"]
    parts = [
        "Cách điền: nhập điểm Hội đồng thẩm định vào cột \"Điểm thẩm định\" (ô nền vàng) của từng chỉ tiêu đã "
        "thẩm định; ô để trống thì chỉ tiêu giữ điểm tự chấm (kết quả của đơn vị còn là tạm tính). Ghi lý do thay "
        "đổi ở cột \"Ghi chú của Hội đồng\".",
    ]
    if banded:
        parts.append("Chỉ tiêu tính theo tỷ lệ " + "; ".join(banded) + ": nhập đúng một mức điểm; điểm thẩm định "
                     "thay cho điểm tính từ số liệu của đơn vị.")
    parts.append("Có thể lọc theo đơn vị (nút lọc ở dòng tiêu đề). Không đổi tên cột, không xóa dòng. Xong: lưu "
                 "tệp (.xlsx), chép vào thư mục inputs/ và chạy make consolidate; giá trị không hợp lệ sẽ được "
                 "báo ở trang Lỗi dữ liệu và chưa được tính.")
    return " ".join(parts)


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
    parts.append(f"Cách tính: {r.basis}")
    return "\n".join(parts)


def _n(x: float | None) -> str:
    return "—" if x is None else display(float(x))


def _pass_text(passed: bool | None) -> str:
    return "" if passed is None else ("Đạt" if passed else "Không đạt")


def _ranges(cells: list[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Runs of consecutive rows in one column -> (first_row, col, last_row, col) ranges."""
    out: list[list[int]] = []
    for r, c in cells:
        if out and out[-1][1] == c and out[-1][2] == r - 1:
            out[-1][2] = r
        else:
            out.append([r, c, r, c])
    return [(a, b, c, d) for a, b, c, d in out]


# ================================================================== reading


@dataclass(frozen=True)
class AppraisedValue:
    unit: str
    indicator: str
    points: float | None  # points rule sets
    passed: bool | None  # pass/fail indicators
    note: str
    written_self: Any  # the self-assessed value printed in the workbook (stale check)
    sheet: str
    cell: str  # the appraised cell


@dataclass(frozen=True)
class AppraisalBook:
    """What one appraisal workbook says: accepted values, refused cells, and where it stands."""

    file: str
    values: dict[tuple[str, str], AppraisedValue] = field(default_factory=dict)
    refused: dict[tuple[str, str], str] = field(default_factory=dict)  # (unit, indicator) -> cell refused
    rejected: str = ""  # why the whole file cannot be used ('' when usable)
    year: str = ""

    @property
    def unit_count(self) -> int:
        return len({u for u, _ in self.values})


def read_appraisal(path: Path, rel: str, rule_set: RuleSet, config: Config) -> tuple[AppraisalBook | None, list[Issue]]:
    """(None, []) when the workbook is not an appraisal workbook; never raises."""
    try:
        return _read(Path(path), rel, rule_set, config)
    except Exception:  # noqa: BLE001 - a damaged file must never stop the run
        return None, []


def _read(path: Path, rel: str, rule_set: RuleSet, config: Config) -> tuple[AppraisalBook | None, list[Issue]]:
    from pipeline.readers.read import sniff

    data = path.read_bytes()
    if sniff(data).problem:
        return None, []
    wb = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        grids = []
        for meta in wb.sheets_metadata:
            if meta.typ != calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            grids.append((meta.name, sheet.to_python(), sheet.start or (0, 0)))
    finally:
        wb.close()
    meta = _meta(grids)
    if meta.get("template_id") != TEMPLATE_ID:
        return None, []
    where = {"file": rel, "sheet": META_SHEET}
    if meta.get("year") != str(config.year):
        found = issue("APPRAISAL_WRONG_YEAR", value=meta.get("year", ""), expected=config.year, **where)
        return AppraisalBook(rel, rejected=f"phiếu thẩm định năm {meta.get('year', '?')}"), [found]
    if meta.get("rule_set") != rule_set.id:
        found = issue("APPRAISAL_WRONG_RULE_SET", value=meta.get("rule_set", ""), expected=rule_set.id, **where)
        return AppraisalBook(rel, rejected=f"phiếu thẩm định theo bộ {meta.get('rule_set', '?')}"), [found]
    for name, rows, start in grids:
        header = _header(rows)
        if header is not None:
            return _values(rel, name, rows, start, *header, rule_set, config)
    return AppraisalBook(rel, rejected="không thấy bảng điểm thẩm định"), [issue("APPRAISAL_NO_TABLE", file=rel)]


def _meta(grids) -> dict[str, str]:
    for _, rows, _ in sorted(grids, key=lambda g: g[0] != META_SHEET):
        pairs = {values.text(r[0]): values.text(r[1]) for r in rows if len(r) >= 2 and r[0] not in (None, "")}
        if "template_id" in pairs:
            return pairs
    return {}


_LABELS = {key: values.strip_accents(heading) for key, heading, _ in COLUMNS}
_NEEDED = ("unit", "code", "appraised")


def _header(rows: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    """(row index, key -> column index) of the heading row, found by its labels."""
    for r, row in enumerate(rows):
        found: dict[str, int] = {}
        for c, value in enumerate(row):
            if not isinstance(value, str):
                continue
            key = values.strip_accents(value).rstrip(" :*")
            for field_, label in _LABELS.items():
                if field_ not in found and (key == label or key.startswith(label + " ")):
                    found[field_] = c
        if all(k in found for k in _NEEDED):
            return r, found
    return None


def _values(rel: str, sheet: str, rows: list[list[Any]], start: tuple[int, int], header: int,
            cols: dict[str, int], rule_set: RuleSet, config: Config) -> tuple[AppraisalBook, list[Issue]]:
    r0, c0 = start
    issues: list[Issue] = []
    accepted: dict[tuple[str, str], AppraisedValue] = {}
    refused: dict[tuple[str, str], str] = {}
    seen: dict[tuple[str, str], Any] = {}
    unknown_units: set[str] = set()

    def get(row: list[Any], key: str) -> Any:
        c = cols.get(key)
        value = row[c] if c is not None and c < len(row) else None
        return None if value == "" else value

    for r in range(header + 1, len(rows)):
        row = rows[r]
        unit, code = values.unit_code(get(row, "unit")), values.code_text(get(row, "code"))
        if not unit or not code:
            continue  # a unit's total row, a blank or a signature line
        cell = xl_rowcol_to_cell(r + r0, cols["appraised"] + c0)
        raw, note = get(row, "appraised"), values.text(get(row, "note"))
        key = (unit, code)
        target = config.unit(unit)
        if target is None:
            if raw is not None and unit not in unknown_units:
                unknown_units.add(unit)
                issues.append(issue("APPRAISAL_UNIT_UNKNOWN", file=rel, sheet=sheet, cell=cell, value=unit))
            continue
        ind = rule_set.indicator_index.get(code)
        if ind is None:
            issues.append(issue("APPRAISAL_INDICATOR_UNKNOWN", file=rel, sheet=sheet,
                                cell=xl_rowcol_to_cell(r + r0, cols["code"] + c0), value=code, unit=unit))
            continue
        if raw is None:
            continue
        where = dict(file=rel, sheet=sheet, cell=cell, unit=unit, indicator=code, unit_name=target.full_name)
        if key in seen:
            if seen[key] != raw:
                issues.append(issue("APPRAISAL_DUPLICATE", value=f"{display(seen[key])} và {display(raw)}", **where))
                accepted.pop(key, None)
                refused[key] = cell
            continue
        seen[key] = raw
        value, problem = _check(ind, raw, rule_set, where)
        if problem is not None:
            issues.append(problem)
            refused[key] = cell
            continue
        points, passed = (None, value) if ind.kind == "pass_fail" else (value, None)
        accepted[key] = AppraisedValue(unit, code, points, passed, note, get(row, "self"), sheet, cell)
    return AppraisalBook(rel, accepted, refused, year=str(config.year)), issues


def _check(ind: Indicator, raw: Any, rule_set: RuleSet, where: dict) -> tuple[Any, Issue | None]:
    """The accepted value of one appraised cell, or the Issue that refuses it."""
    if ind.kind == "pass_fail":
        passed, ok = values.parse_pass_fail(raw)
        return (passed, None) if ok else (None, issue("APPRAISAL_PASS_FAIL_INVALID", value=values.raw_text(raw),
                                                      **where))
    number, ok = values.parse_number(raw)
    if not ok or number is None:
        return None, issue("APPRAISAL_POINTS_NOT_NUMBER", value=values.raw_text(raw), **where)
    if not ind.min_points <= number <= ind.max:
        return None, issue("APPRAISAL_POINTS_OUT_OF_RANGE", value=number, min=ind.min_points + 0.0, max=ind.max,
                                 **where)
    if (Fraction(str(number)) / Fraction(str(rule_set.point_step))).denominator != 1:
        return None, issue("APPRAISAL_POINTS_NOT_STEP", value=number, step=rule_set.point_step, **where)
    if ind.kind == "rate_bands":
        levels = sorted({b.points for b in ind.bands})
        if number not in levels:
            return None, issue("APPRAISAL_POINTS_NOT_BAND", value=number,
                               levels="; ".join(display(float(x)) for x in levels), **where)
    return number, None


# ================================================================== finding them among the inputs


@dataclass(frozen=True)
class Found:
    """The appraisal workbooks among the inputs, split off before the forms go any further."""

    book: AppraisalBook | None  # the one applied (newest usable), if any
    files: frozenset[str]  # every appraisal workbook, by relative path
    records: tuple[FileRecord, ...]  # their register entries
    issues: tuple[Issue, ...]


def split_appraisals(candidates, submissions: list, read_rejected: dict[str, str], issues: list[Issue],
                     rule_set: RuleSet, config: Config) -> tuple[list, dict[str, str], list[Issue], Found]:
    """Take the appraisal workbooks out of what the form reader produced.

    Recognised by metadata: a workbook the form reader accepted whose `_meta` says
    `tcpl-tham-dinh`, or one it refused as not a form (the metadata is then read here). Only
    those files are opened again, so commune forms cost nothing extra. Returns the submissions,
    read rejections and issues without them, and what was found.
    """
    claimed = {s.file for s in submissions if _template_id(s) == TEMPLATE_ID}
    not_forms = {i.file for i in issues if i.code == "NOT_OUR_FORM" and i.file in read_rejected}
    by_rel = {c.rel: c for c in candidates}
    books: list[tuple[Any, AppraisalBook, list[Issue]]] = []
    for rel in sorted(claimed | not_forms):
        cand = by_rel.get(rel)
        if cand is None:
            continue
        book, problems = read_appraisal(cand.path, rel, rule_set, config)
        if book is not None:
            books.append((cand, book, problems))
    if not books:
        return submissions, read_rejected, issues, Found(None, frozenset(), (), ())
    files = frozenset(b.file for _, b, _ in books)
    usable = sorted((b for b in books if not b[1].rejected), key=lambda b: (b[0].modified, b[0].rel))
    chosen = usable[-1][1] if usable else None
    records, found_issues = [], []
    for cand, book, problems in books:
        if book.rejected:
            status, note = REJECTED, book.rejected
            found_issues.extend(problems)
        elif book is chosen:
            status = USED
            note = f"phiếu thẩm định của Hội đồng: {len(book.values)} điểm thẩm định, {book.unit_count} đơn vị"
            found_issues.extend(problems)
        else:  # an older round: its values do not count, so neither do their problems
            status, note = SUPERSEDED, f"thay bằng {chosen.file}"
            found_issues.append(issue("APPRAISAL_SUPERSEDED", file=book.file, value=chosen.file))
        records.append(cand.record(status, note=note, template_version=str(TEMPLATE_VERSION)))
    return ([s for s in submissions if s.file not in files],
            {k: v for k, v in read_rejected.items() if k not in files},
            [i for i in issues if i.file not in files],
            Found(chosen, files, tuple(records), tuple(found_issues)))


def _template_id(sub) -> str:
    located = sub.meta.get("template_id")
    return values.text(located.value) if located is not None else ""


# ================================================================== applying


def apply_appraisal(units: list[UnitOutcome], book: AppraisalBook | None,
                    rule_set: RuleSet) -> tuple[list[UnitOutcome], list[Issue]]:
    """Re-score every unit the council appraised with its points (see the module docstring)."""
    if book is None:
        return list(units), []
    by_unit: dict[str, dict[str, AppraisedValue]] = {}
    for (unit, code), v in book.values.items():
        by_unit.setdefault(unit, {})[code] = v
    refused: dict[str, dict[str, str]] = {}
    for (unit, code), cell in book.refused.items():
        refused.setdefault(unit, {})[code] = cell
    out, issues = [], []
    for u in units:
        code = u.unit.code
        given, bad = by_unit.get(code, {}), refused.get(code, {})
        if not given and not bad:
            out.append(u)
            continue
        if u.status != SUBMITTED or u.verdict is None or u.entries is None:
            if given:
                issues.append(issue("APPRAISAL_UNIT_NO_FORM", file=book.file, sheet=SHEET, unit=code,
                                    unit_name=u.unit.full_name))
            out.append(u)
            continue
        updated, found = _appraise(u, given, bad, rule_set, book.file)
        out.append(updated)
        issues.extend(found)
    return out, issues


def _appraise(u: UnitOutcome, given: dict[str, AppraisedValue], bad: dict[str, str], rule_set: RuleSet,
              file: str) -> tuple[UnitOutcome, list[Issue]]:
    own = u.verdict
    own_by = {r.code: r for r in own.indicators}
    entries = dict(u.entries.indicators)
    banded = set()
    for code, v in given.items():
        ind = rule_set.indicator(code)
        if ind.kind == "pass_fail":
            entries[code] = IndicatorEntry(code, passed=v.passed, source=APPRAISED)
        else:
            entries[code] = IndicatorEntry(code, points=v.points, source=APPRAISED)
            banded |= {code} if ind.kind == "rate_bands" else set()
    verdict = score_unit(_banded_as_points(rule_set, banded), UnitEntries(entries, u.entries.declarations)) \
        if given else own
    changes, issues, indicators = [], [], []
    for r in verdict.indicators:
        mine = own_by[r.code]
        if r.code in given:
            v = given[r.code]
            change = AppraisalChange(r.code, mine.points, r.points, v.note, self_passed=mine.passed,
                                     appraised_passed=r.passed, cell=f"{v.sheet}!{v.cell}")
            changes.append(change)
            r = replace(r, basis=_appraised_basis(change, mine, rule_set.indicator(r.code)))
            stale = _stale(v, mine, rule_set.indicator(r.code))
            if stale is not None:
                issues.append(issue("APPRAISAL_STALE", file=file, sheet=v.sheet, cell=v.cell, unit=u.unit.code,
                                    indicator=r.code, unit_name=u.unit.full_name, value=stale,
                                    current=_shown(mine, rule_set.indicator(r.code))))
        elif r.code in bad:
            r = replace(r, basis=f"{r.basis}{REFUSED_MARK}{bad[r.code]} không hợp lệ, tạm dùng điểm tự chấm")
        indicators.append(r)
    verdict = replace(verdict, indicators=tuple(indicators))
    return replace(u, verdict=verdict, self_assessed=own if given else None, appraisal=tuple(changes)), issues


def _banded_as_points(rule_set: RuleSet, codes: set[str]) -> RuleSet:
    """The rule set with the given banded indicators scored from points (the council's)."""
    if not codes:
        return rule_set
    criteria = tuple(
        replace(c, indicators=tuple(replace(i, kind="points") if i.code in codes else i for i in c.indicators))
        for c in rule_set.criteria
    )
    rs = replace(rule_set, criteria=criteria, indicator_index={})
    rs.indicator_index.update({i.code: i for i in rs.indicators})
    return rs


def _appraised_basis(change: AppraisalChange, own, ind: Indicator) -> str:
    if ind.kind == "pass_fail":
        text = f"thẩm định: {_pass_text(change.appraised_passed)} (tự đánh giá {_pass_text(change.self_passed)})"
    elif change.change == 0:
        text = "điểm thẩm định, bằng điểm tự chấm"
    else:
        sign = "+" if change.change > 0 else "−"
        text = f"điểm thẩm định {display(change.appraised_points)} (tự chấm {display(change.self_points)}, " \
               f"{sign}{display(abs(change.change))})"
    if ind.kind == "rate_bands":
        text += f"; theo số liệu của đơn vị: {own.basis}"
    return text + (f". Hội đồng: {change.note}" if change.note else "")


def _stale(v: AppraisedValue, own, ind: Indicator) -> str | None:
    """The self-assessed value the workbook was made with, when it is no longer the current one."""
    if v.written_self is None:
        return None
    if ind.kind == "pass_fail":
        written, ok = values.parse_pass_fail(v.written_self)
        return None if not ok or written == own.passed else _pass_text(written)
    written, ok = values.parse_number(v.written_self)
    if not ok or written is None or abs(written - own.points) < 1e-9:
        return None
    return display(float(written))


def _shown(own, ind: Indicator) -> str:
    return _pass_text(own.passed) if ind.kind == "pass_fail" else display(float(own.points))
