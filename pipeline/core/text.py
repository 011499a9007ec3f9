"""Vietnamese text of values: the one place that renders a number, a date, a verdict or a reason.

Messages (the catalogue's `{value}`), the sheets, the forms' prose and the CSV all call these,
so a number reads the same everywhere: `number_text(2.125)` is '2,125' in an issue message, on
a unit's sheet and in a form's prompt alike.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pipeline.core.model import FileRecord, RunResult, UnitOutcome
    from pipeline.core.rules import Indicator
    from pipeline.core.verdict import IndicatorResult

SIGNIFICANT = 15  # digits Excel keeps of a number, and shows at most


def number_text(x: float | Fraction | Decimal | None, places: int | None = None) -> str:
    """A number the Vietnamese way: 2.5 -> '2,5', 3.0 -> '3', 1234567.5 -> '1234567,5'.

    The rule, the same for every number the program shows:
    - the number's decimal value to 15 significant digits, as Excel keeps and shows it; this
      drops binary noise (0.1 + 0.2 -> '0,3') and nothing a person typed (2.125 -> '2,125');
    - with `places` (a derived figure: a rate, a share, a floor), then rounded half away from
      zero to that many decimals, as Excel's 0.00 format shows it (3.125 -> '3,13');
    - written out in full, never with an exponent (1e-7 -> '0,0000001', 1e20 -> twenty-one
      digits), without a thousands separator (the figure as it would be typed), with a decimal
      comma, trailing zeros and a bare comma dropped, and -0 as '0';
    - integers exactly, however long; None as ''; NaN and infinities as Python spells them.
    """
    if x is None:
        return ""
    if isinstance(x, int) and places is None:  # (bool included: 1 and 0, as arithmetic does)
        return str(int(x))
    if type(x) is float and places is None:
        shown = repr(x)  # the shortest text that reads back as x: as is, if 15 digits or fewer
        if len(shown) <= SIGNIFICANT + 1 and "e" not in shown and "n" not in shown:  # (+1: the point)
            return _trim(shown)
    if not isinstance(x, Decimal):
        x = float(x)
        if not math.isfinite(x):
            return str(x)
    elif not x.is_finite():
        return str(float(x))
    value = Decimal(format(x, f".{SIGNIFICANT}g"))
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return _trim(format(value, "f"))


def _trim(shown: str) -> str:
    if "." in shown:
        shown = shown.rstrip("0").rstrip(".").replace(".", ",")
    return "0" if shown == "-0" else shown


def value_text(value: Any) -> str:
    """Any value as a user would write it, for messages: numbers by `number_text`, True/False
    as 'Có'/'Không', None as '', anything else as its text."""
    kind = type(value)
    if kind is str:  # most values of messages: no further checks
        return value
    if kind is float or kind is int:
        return number_text(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, (int, float, Fraction, Decimal)):  # (numpy's floats are floats)
        return number_text(value)
    return str(value)


def date_text(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def on_time_text(days_late: int | None) -> str:
    if days_late is None:
        return "—"
    return "Đúng hạn" if days_late <= 0 else f"Muộn {days_late} ngày"


def verdict_text(outcome: UnitOutcome) -> str:
    from pipeline.core import model  # here, not above: model imports problems, which imports this

    if outcome.status == model.NOT_SUBMITTED:
        return "Chưa nộp"
    if outcome.status == model.UNUSABLE or outcome.verdict is None:
        return "Không dùng được"
    return outcome.verdict.label


def place_name(area: str) -> str:
    """'Thị xã Bỉm Sơn' -> 'Bỉm Sơn', for the place-and-date line above the signatures."""
    for prefix in ("Thành phố", "Thị xã", "Huyện", "Quận", "Tỉnh"):
        if area.casefold().startswith(prefix.casefold() + " "):
            return area[len(prefix) :].strip()
    return area


def band_text(indicator: Indicator) -> str:
    """A rate indicator's bands, highest first: '≥ 80%: 3 điểm; 50% đến dưới 80%: 2 điểm'."""
    parts = []
    for b in sorted(indicator.bands, key=lambda b: b.lower, reverse=True):
        span = (
            f"≥ {number_text(b.lower)}%"
            if b.upper is None
            else f"{number_text(b.lower)}% đến dưới {number_text(b.upper)}%"
        )
        parts.append(f"{span}: {number_text(b.points)} điểm")
    return "; ".join(parts)


# ------------------------------------------------------------------ a unit's reasons


def rejected_files(result: RunResult) -> dict[str, list[FileRecord]]:
    """unit code -> its rejected files, what `reasons_text` names; built once per run (a
    province has thousands of files)."""
    from pipeline.core import model

    out: dict[str, list[FileRecord]] = {}
    for f in sorted(result.files, key=lambda f: f.path):
        if f.status == model.REJECTED and f.unit_code:
            out.setdefault(f.unit_code, []).append(f)
    return out


def reasons_text(u: UnitOutcome, rejected: list[FileRecord]) -> str:
    """Why the unit has the verdict it has, in one cell; `rejected`: the unit's rejected files."""
    from pipeline.core import model

    if u.status == model.NOT_SUBMITTED:
        return "Chưa nộp phiếu"
    if u.status != model.SUBMITTED or u.verdict is None:
        notes = [f.note or f.path for f in rejected]
        notes = notes or [i.message for i in u.issues if i.severity == "error"]
        return "Phiếu bị loại: " + "; ".join(notes) if notes else "Phiếu bị loại"
    reasons = [r.text for r in u.verdict.reasons] or ["Đủ điều kiện công nhận"]
    zeroed = [n.text.split(":")[0].removeprefix("Chỉ tiêu ").removeprefix("Nội dung ") for n in u.verdict.notes]
    if zeroed and u.verdict.pass_fail:  # missing or unusable data decided a Không đạt
        reasons.append(f"lưu ý: {', '.join(zeroed)} coi là Không đạt do thiếu hoặc lỗi dữ liệu")
    elif zeroed:  # data the engine could not use: the office should know the result rests on zeros
        reasons.append(f"lưu ý: chỉ tiêu {', '.join(zeroed)} tính 0 điểm do thiếu hoặc lỗi dữ liệu")
    return "; ".join(reasons)


def head_of_office(office_name: str) -> str:
    """Who signs for the consolidating office: the director of a Sở, else the head of a Phòng."""
    return "GIÁM ĐỐC" if office_name.strip().lower().startswith("sở") else "TRƯỞNG PHÒNG TƯ PHÁP"


def total_header(scoring: str) -> str:
    """The heading of a unit's headline number (Verdict.headline) in every table."""
    return "Số tiêu chí đạt" if scoring == "pass_fail" else "Tổng điểm"


# ------------------------------------------------------------------ appraisal (added by the "flow" helper)


def pass_text(passed: bool | None) -> str:
    """A pass/fail result: 'Đạt', 'Không đạt', '' when there is none."""
    return "" if passed is None else ("Đạt" if passed else "Không đạt")


def basis_text(r: IndicatorResult) -> str:
    """How an indicator's points were obtained, with the appraised cell that was refused, if any."""
    if not r.refused_cell:
        return r.basis
    return f"{r.basis}; điểm thẩm định ở ô {r.refused_cell} không hợp lệ, tạm dùng điểm tự chấm"
