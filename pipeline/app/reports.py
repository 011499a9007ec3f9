"""The periodic reports use case (`tcpl reports`): the communes' six-monthly and annual reports
on building communes that meet the legal-access standard, consolidated for one period into a
workbook and the office's draft report upward (.docx); also the report workbooks to send out,
and a demo period.

A separate command from `consolidate`, on its own folder ([reports] inputs, default bao-cao/):
the reports come twice a year on their own deadlines (10/5 and 20/11 in the seed plan), not
with the assessment dossiers, and their outputs are the period's, not the year's. The pieces
live in their layers: core/report_layout.py (the workbook's contract), readers/report_form.py
(reading one through the hardened opening), steps/reports.py (checking and consolidating),
writers/report_form.py, report_outputs.py and report_docx.py (writing).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from pipeline.core import report_layout as L
from pipeline.core.config import Config, Unit
from pipeline.core.errors import NothingToDo, TcplError
from pipeline.core.model import IGNORED, REJECTED
from pipeline.core.problems import Issue
from pipeline.infra.lock import run_lock
from pipeline.readers.discover import discover
from pipeline.readers.report_form import read_report_candidate
from pipeline.steps.reports import FileFate, PeriodResult, consolidate_reports
from pipeline.writers.report_docx import write_report_docx
from pipeline.writers.report_form import report_form_name, write_report_form, write_report_forms
from pipeline.writers.report_outputs import write_report_workbook


class ReportsError(TcplError, ValueError):
    """The periodic reports cannot be consolidated (one line for the CLI)."""


@dataclass(frozen=True)
class ReportOutputs:
    result: PeriodResult
    workbook: Path
    document: Path


def deadline_of(config: Config, period: str) -> dt.date:
    deadline = config.reports.deadline(period)
    if deadline is None:
        key = "half_year_deadline" if period == "6-thang" else "year_deadline"
        raise ReportsError(
            f"config.toml chưa có hạn nộp báo cáo {L.PERIODS[period]}: thêm vào mục [reports] dòng "
            f"{key} = {config.year}-{'05-10' if period == '6-thang' else '11-20'} (ngày của văn phòng)."
        )
    return deadline


def output_folder(config: Config) -> Path:
    return config.outputs / "bao-cao"


def collect_reports(config: Config, period: str, folder: Path | None = None) -> PeriodResult:
    """Read every file in the reports folder (never modified) and consolidate the period."""
    deadline = deadline_of(config, period)
    folder = Path(folder or config.reports.inputs or config.base_dir / "bao-cao")
    if not folder.is_dir():
        raise NothingToDo(
            f"Không thấy thư mục báo cáo {folder}: tạo thư mục đó, chép báo cáo của các xã, phường vào "
            "rồi chạy lại (hoặc ghi đường dẫn khác ở [reports] inputs trong config.toml)."
        )
    candidates, records, found = discover(folder, config.max_file_bytes, skip=(config.outputs,))
    listed = [
        (FileFate(r.path, r.modified, r.status, note=r.note), [i for i in found if i.file == r.path]) for r in records
    ]
    reads: list[tuple[L.ReportRead | None, list[Issue], FileFate | None]] = []
    for c in candidates:
        read, problems = read_report_candidate(c, config.max_file_bytes)
        fate = None
        if read is None:
            aside = any(i.code == "REPORT_IS_FORM" for i in problems)
            note = problems[-1].message if problems else "không đọc được"
            fate = FileFate(c.rel, c.modified, IGNORED if aside else REJECTED, note=note)
        reads.append((read, problems, fate))
    return consolidate_reports(config, period, deadline, reads, listed)


def run_reports(config: Config, period: str, folder: Path | None = None, out: Path | None = None) -> ReportOutputs:
    """Consolidate the period and write its workbook and draft report into `out`
    (default outputs/bao-cao/). One run per outputs folder at a time."""
    out = Path(out or output_folder(config))
    with run_lock(config.outputs):
        result = collect_reports(config, period, folder)
        out.mkdir(parents=True, exist_ok=True)
        stem = f"{config.slug}-{config.year}-bao-cao-{period}"
        workbook = write_report_workbook(result, out / f"{stem}-tong-hop.xlsx")
        document = write_report_docx(result, out / f"{stem}-du-thao-bao-cao.docx")
    return ReportOutputs(result, workbook, document)


def write_forms(config: Config, period: str) -> list[Path]:
    """The blank report workbook and one pre-filled per unit, in outputs/mau-bao-cao/."""
    deadline_of(config, period)  # the forms print the deadline: refuse without one
    return write_report_forms(config, period, config.outputs / "mau-bao-cao")


# ----------------------------------------------------------------------------- the demo period

_RESULTS = (
    "Đã quán triệt Quyết định số 619/QĐ-TTg đến cán bộ, công chức và các tổ dân phố; kiện toàn Hội đồng "
    "phổ biến, giáo dục pháp luật.",
    "Duy trì tủ sách pháp luật tại trụ sở; niêm yết công khai thủ tục hành chính tại bộ phận một cửa.",
    "Tổ chức hội nghị tuyên truyền pháp luật về hòa giải ở cơ sở, đất đai và phòng, chống bạo lực gia đình.",
)
_DIFFICULTIES = (
    "Kinh phí cho công tác phổ biến, giáo dục pháp luật còn hạn hẹp.",
    "Tủ sách pháp luật ít đầu sách mới, số người đến đọc còn ít.",
    "Một số hòa giải viên lớn tuổi, chưa được bồi dưỡng kỹ năng hòa giải.",
)
_CAUSES = (
    "Công chức Tư pháp - Hộ tịch kiêm nhiệm nhiều việc.",
    "Người dân chưa quan tâm tìm hiểu pháp luật.",
)
_PROPOSALS = (
    "Đề nghị Phòng Tư pháp mở lớp tập huấn nghiệp vụ hòa giải cho hòa giải viên.",
    "Đề nghị bổ sung sách, tài liệu pháp luật cho tủ sách pháp luật.",
    "Đề nghị hướng dẫn cụ thể cách chấm điểm các chỉ tiêu của tiêu chí 2.",
)
BAD_UNIT, LATE_UNIT = 3, 2  # the demo's unit with a word typed as a figure, and the late one


def demo_values(config: Config, period: str, unit: Unit, n: int, deadline: dt.date) -> dict:
    """A convincing report of unit number n (0-based) of the configured units."""
    scale = 2 if period == "nam" else 1
    clubs = 0 if n % 3 == 2 else 1
    received = 4 + n
    values: dict = {
        "ngay_bao_cao": deadline + dt.timedelta(days=4) if n == LATE_UNIT else deadline - dt.timedelta(days=5 - n % 4),
        "nguoi_bao_cao": f"Nguyễn Văn {unit.name.split()[-1]} - Công chức Tư pháp - Hộ tịch",
        "dien_thoai": f"0237 38{unit.code[-3:]} {unit.code[-2:]}",
        "so_cuoc_pbgdpl": (6 + 2 * n) * scale,
        "so_luot_nguoi_pbgdpl": (350 + 40 * n) * scale,
        "so_tu_sach": 1,
        "so_luot_doc_sach": (120 + 15 * n) * scale,
        "so_clb": clubs,
        "so_buoi_clb": 3 * clubs * scale,
        "so_vu_hoa_giai": received * scale,
        "so_vu_hoa_giai_thanh": (received - 1) * scale,
        "so_lop_tap_huan": 1 + n % 2,
        "so_luot_tap_huan": 25 + 5 * n,
        "so_mo_hinh_diem": 1 if n == 0 else 0,
        "ket_qua": "\n".join(_RESULTS[: 1 + n % 3]),
        "vuong_mac": _DIFFICULTIES[n % 3],
        "nguyen_nhan": _CAUSES[n % 2],
        "de_xuat": _PROPOSALS[n % 3] if n % 4 != 1 else "",
    }
    if n == BAD_UNIT:
        values["so_luot_nguoi_pbgdpl"] = "khoảng 400 lượt"
    return {k: v for k, v in values.items() if v != ""}


def make_report_demo(config: Config, period: str, folder: Path) -> Path:
    """Sample reports of the period for the configured units into `folder` (emptied first),
    made by filling the real report workbook: the last unit sends nothing, the third is late,
    the fourth typed a word for a figure. Deterministic: the same config, the same files."""
    deadline = deadline_of(config, period)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    units = list(config.units)
    for n, unit in enumerate(units[:-1] if len(units) > 1 else units):
        values = demo_values(config, period, unit, n, deadline)
        path = write_report_form(folder / report_form_name(config, period, unit), config, period, unit, values)
        stamp = dt.datetime.combine(values["ngay_bao_cao"], dt.time(16, 30)).timestamp()
        os.utime(path, (stamp, stamp))  # saved the day the report is dated
    return folder
