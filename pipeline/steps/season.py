"""The season around one consolidation: the deadline, who to chase, last year's results.

Pure functions of a RunResult. Nothing here reads the clock: the one function that needs the
date (`deadline_message`) takes `today` as a parameter (the CLI passes the real date, tests a
fixed one). Sheets use the run's own as-of date (`RunResult.generated_at`, the newest input
file), so the same inputs give the same workbook, byte for byte. Last year's results are read
by readers/previous.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pipeline.core.config import Unit
from pipeline.core.model import NOT_SUBMITTED, REJECTED, SUBMITTED, UNUSABLE, FileRecord, RunResult, UnitOutcome
from pipeline.core.problems import ERROR, Issue, display


def _date(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def _num(x: float) -> str:
    return display(float(x))


# ------------------------------------------------------------------ the deadline


def days_left(deadline: dt.date, today: dt.date) -> int:
    """> 0: days before the deadline; 0: the deadline is today; < 0: days past it."""
    return (deadline - today).days


def deadline_message(result: RunResult, today: dt.date) -> str:
    """One line for the CLI: how far the deadline is and where the submissions stand."""
    deadline = result.config.deadline
    c = result.counts
    left = days_left(deadline, today)
    waiting = f"{c['submitted']}/{c['expected']} đơn vị đã nộp, {c['not_submitted']} chưa nộp"
    # The day counted to, said as the sheets say theirs (the sheets count to the newest file's date).
    basis = (
        f" Tính đến ngày {_date(today)}; trang Đôn đốc tính đến {_date(result.generated_at.date())} ({AS_OF_BASIS})."
    )
    if left > 0:
        return f"Còn {left} ngày đến hạn nộp phiếu ({_date(deadline)}): {waiting}.{basis}"
    if left == 0:
        return f"Hôm nay là hạn nộp phiếu ({_date(deadline)}): {waiting}.{basis}"
    return f"Đã quá hạn nộp phiếu ({_date(deadline)}) {-left} ngày: {waiting}, {c['late']} nộp muộn.{basis}"


AS_OF_BASIS = "ngày của tệp mới nhất nhận được"  # what the workbook's day counts are counted to


def as_of_text(result: RunResult) -> str:
    """The deadline seen from the run's own date (the newest input file), for the workbook."""
    deadline, as_of = result.config.deadline, result.generated_at.date()
    left = days_left(deadline, as_of)
    head = f"Hạn nộp phiếu {_date(deadline)}; số ngày tính đến {_date(as_of)} ({AS_OF_BASIS})"
    if left > 0:
        return f"{head}: còn {left} ngày đến hạn."
    if left == 0:
        return f"{head}: đúng ngày hạn nộp."
    return f"{head}: đã quá hạn {-left} ngày."


def deadline_state(result: RunResult) -> str:
    """'còn 3 ngày', 'đúng ngày hạn', 'đã quá hạn 5 ngày': the deadline as of the run's date."""
    left = days_left(result.config.deadline, result.generated_at.date())
    if left > 0:
        return f"còn {left} ngày, tính đến {_date(result.generated_at.date())}"
    if left == 0:
        return "đúng ngày hạn"
    return f"đã quá hạn {-left} ngày, tính đến {_date(result.generated_at.date())}"


def points_source(u: UnitOutcome) -> str:
    """Whose points a unit's verdict rests on: 'Thẩm định', 'Thẩm định 12/20 chỉ tiêu', 'Tự chấm'."""
    if u.status != SUBMITTED or u.verdict is None:
        return ""
    total = len(u.verdict.indicators)
    appraised = len(u.appraisal)
    if appraised == 0:
        return "Tự chấm"
    return "Thẩm định" if appraised >= total else f"Thẩm định {appraised}/{total} chỉ tiêu"


# ------------------------------------------------------------------ who to chase

CHASE_NOT_SUBMITTED = "Chưa nộp"
CHASE_UNUSABLE = "Phiếu không dùng được"
CHASE_LATE = "Nộp muộn"
CHASE_ERRORS = "Phiếu có lỗi"


@dataclass(frozen=True)
class ChaseRow:
    unit: Unit
    status: str  # one or two of the CHASE_* labels, joined by '; '
    days_late: int | None  # late submission, or days past the deadline without one
    contact_name: str
    contact_phone: str
    contact_file: str  # the file the contact comes from ('config.toml' for the configured one, '' when none)
    todo: str  # what the office does next, as actions ("Gọi …", "Đề nghị nộp lại bản …")


def newest_file(files: list[FileRecord]) -> FileRecord | None:
    """The most recent file of a unit, whatever its status: newest report date, then file time."""
    dated = [f for f in files if f.status != "ignored"]
    if not dated:
        return None
    return max(dated, key=lambda f: (f.report_date or dt.date.min, f.modified, f.path))


def files_by_unit(result: RunResult) -> dict[str, list[FileRecord]]:
    """unit code -> the unit's files, sorted by path (built once per run: a province has thousands)."""
    out: dict[str, list[FileRecord]] = {}
    for f in sorted(result.files, key=lambda f: f.path):
        if f.unit_code:
            out.setdefault(f.unit_code, []).append(f)
    return out


def chase_list(result: RunResult) -> list[ChaseRow]:
    """Units the office must chase, in config order: not submitted, unusable, late, or whose file
    has errors. Contact details come from the used file, else the unit's newest file of any
    status (a rejected draft still says who to call), else the unit's contact in config.toml."""
    deadline = result.config.deadline
    overdue = result.generated_at.date() - deadline
    files = files_by_unit(result)
    rows = []
    for u in result.units:
        mine = files.get(u.unit.code, [])
        used = next((f for f in mine if f.path == u.file), None) if u.file else None
        contact = used or newest_file(mine)
        name = u.contact_name or (contact.contact_name if contact else "")
        phone = u.contact_phone or (contact.contact_phone if contact else "")
        source = contact.path if contact and (contact.contact_name or contact.contact_phone) else ""
        if not (name or phone) and (u.unit.contact or u.unit.phone):  # nothing sent says who to call
            name, phone, source = u.unit.contact, u.unit.phone, "config.toml"
        statuses, todo, days = _what_to_chase(u, mine, deadline, overdue.days, _who(u, name, phone))
        if statuses:
            rows.append(ChaseRow(u.unit, "; ".join(statuses), days, name, phone, source, " ".join(todo)))
    return rows


def _who(u: UnitOutcome, name: str, phone: str) -> str:
    """Whom to call: 'Nguyễn Văn A (0912 345 678)', else the unit's People's Committee."""
    if name and phone:
        return f"{name} ({phone})"
    if name or phone:
        return f"{name or 'số'} {phone}".strip() if phone else name
    full = u.unit.full_name
    return f"Ủy ban nhân dân {full[:1].lower()}{full[1:]}"


def _what_to_chase(
    u: UnitOutcome, files: list[FileRecord], deadline: dt.date, overdue: int, who: str
) -> tuple[list[str], list[str], int | None]:
    if u.status == NOT_SUBMITTED:
        if overdue > 0:
            return (
                [CHASE_NOT_SUBMITTED],
                [f"Gọi {who} đề nghị gửi ngay phiếu tự đánh giá (đã quá hạn {overdue} ngày)."],
                overdue,
            )
        return [CHASE_NOT_SUBMITTED], [f"Nhắc {who} gửi phiếu tự đánh giá trước hạn {_date(deadline)}."], None
    if u.status == UNUSABLE:
        reasons = [
            f"{f.path}: {f.note}" if f.note else f.path
            for f in sorted(files, key=lambda f: f.path)
            if f.status == REJECTED
        ]
        again = f"Gọi {who} đề nghị nộp lại bản đúng mẫu, đúng năm; bản đã gửi bị loại" + (
            ": " + "; ".join(reasons) if reasons else ""
        )
        return [CHASE_UNUSABLE], [again + "."], u.days_late if u.days_late and u.days_late > 0 else None
    statuses: list[str] = []
    todo: list[str] = []
    if u.days_late and u.days_late > 0 and u.report_date is not None:  # a lateness comes from a report date
        statuses.append(CHASE_LATE)
        todo.append(f"Ghi nhận nộp muộn {u.days_late} ngày (ngày báo cáo {_date(u.report_date)}).")
    errors = [i for i in u.issues if i.severity == ERROR and (not i.file or i.file == u.file)]
    if errors:
        statuses.append(CHASE_ERRORS)
        where = "; ".join(_issue_place(i) for i in errors[:5]) + ("; …" if len(errors) > 5 else "")
        todo.append(f"Gửi phiếu phản hồi, đề nghị sửa {len(errors)} lỗi ({where}) rồi nộp lại bản đã sửa.")
    for claim in (i for i in u.issues if i.code == "UNIT_CLAIMED_BY_OTHER"):  # another file says it is ours
        if CHASE_ERRORS not in statuses:
            statuses.append(CHASE_ERRORS)
        todo.append(f"Làm rõ tệp {claim.file}: {claim.fix}")
    return statuses, todo, u.days_late if statuses and u.days_late and u.days_late > 0 else None


def _issue_place(i: Issue) -> str:
    where = f"ô {i.cell}" if i.cell else (i.sheet or "")
    what = f"chỉ tiêu {i.indicator}" if i.indicator else i.message.rstrip(".")
    return f"{where}: {what}" if where else what


# ------------------------------------------------------------------ year over year


@dataclass(frozen=True)
class YearChange:
    previous_total: float | None
    previous_verdict: str
    change: float | None  # this year's total minus last year's
    verdict_change: str  # 'Giữ vững', 'Mới đạt', 'Không còn đạt', 'Vẫn chưa đạt', ''


def compare_years(result: RunResult) -> dict[str, YearChange]:
    """unit code -> its change since last year (units without a previous row are left out)."""
    out = {}
    for u in result.units:
        prev = result.previous.get(u.unit.code)
        if prev is None:
            continue
        verdict = u.verdict if u.status == SUBMITTED else None
        total = verdict.total if verdict is not None else None
        change = total - prev.total if total is not None and prev.total is not None else None
        if verdict is None:
            label = ""
        elif verdict.recognised:
            label = "Giữ vững" if prev.recognised else "Mới đạt"
        else:
            label = "Không còn đạt" if prev.recognised else "Vẫn chưa đạt"
        out[u.unit.code] = YearChange(prev.total, prev.verdict, change, label)
    return out


def change_text(change: float | None) -> str:
    if change is None:
        return ""
    if change == 0:
        return "0"
    return ("+" if change > 0 else "−") + _num(abs(change))
