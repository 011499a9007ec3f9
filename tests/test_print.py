"""How the signed sheets print: LibreOffice's PDF of a unit's sheet, counted page by page.

The council's appraisal workbook starts each unit on a page of its own, under the repeated
heading. The summary's chart prints whole: on the table's page for a town, on a page of its own under a
longer table. The list sheets print landscape at 100%: the 11 pt body at 11 pt, the 9 pt codes at 9 pt, and
the register's SHA-256 not at all. The demo's units are the typical QĐ 25 units: each one without problems prints on one portrait
A4 page with its 11 pt body at ≥ 10 pt (the print scale, read from the PDF as the pitch of two
rows of one line, ≥ 91%). A unit with many problems runs on to more pages, one page wide: the
table's heading repeats when the table runs on, and the signature block stays whole, with at
least its last problem above it.

One soffice call converts every workbook (start-up dominates); skipped without LibreOffice
unless TCPL_REQUIRE_LIBREOFFICE=1 (see test_roundtrip). The scale and the page of each text are
read with poppler's pdftotext where it is installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest
from builders import make_run
from test_roundtrip import convert, require_soffice

from pipeline.app.demo import make_demo
from pipeline.app.run import collect
from pipeline.core import config as config_mod
from pipeline.core.model import SUBMITTED
from pipeline.core.problems import Issue
from pipeline.writers.appraisal_form import write_appraisal_form
from pipeline.writers.workbook import write_unit_workbooks, write_workbook

libreoffice = pytest.mark.libreoffice

REPO = Path(__file__).resolve().parents[1]
ROW = 15.0  # points: a row of one line (the sheet's default height)


def pages(pdf: Path) -> int:
    """Pages of a PDF, counted from its page objects."""
    return len(re.findall(rb"/Type\s*/Page(?![a-z])", pdf.read_bytes()))


def page_texts(pdf: Path) -> list[str] | None:
    """The text of each page (pdftotext), or None without poppler."""
    exe = shutil.which("pdftotext")
    if exe is None:
        return None
    out = subprocess.run([exe, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")[: pages(pdf)]


def words(pdf: Path) -> list[list[tuple[str, float]]] | None:
    """Each page's words with the height of their box (proportional to the printed font size),
    or None without poppler."""
    exe = shutil.which("pdftotext")
    if exe is None:
        return None
    html = subprocess.run([exe, "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [
        [
            (unicodedata.normalize("NFC", w), float(y1) - float(y0))
            for y0, y1, w in re.findall(r'yMin="([\d.]+)"[^>]*yMax="([\d.]+)">([^<]+)<', page)
        ]
        for page in html.split("<page ")[1:]
    ]


def scale(pdf: Path, first: str, second: str) -> float | None:
    """The print scale: the distance between the tops of the one-line rows whose first cells are
    `first` and `second` (adjacent rows), over the rows' height; None without poppler."""
    exe = shutil.which("pdftotext")
    if exe is None:
        return None
    html = subprocess.run([exe, "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True).stdout
    tops = {}
    for y, word in re.findall(r'yMin="([\d.]+)"[^>]*>([^<]+)</word>', html):
        tops.setdefault(word, float(y))
    return (tops[second] - tops[first]) / ROW


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo's run (its sample forms, consolidated), without writing its outputs."""
    root = tmp_path_factory.mktemp("demo-print")
    (root / "config.toml").write_text((REPO / "config.toml").read_text(encoding="utf-8"), encoding="utf-8")
    cfg = config_mod.load(root / "config.toml")
    cfg = cfg.with_paths(make_demo(cfg, root / "demo" / "inputs"), root / "outputs")
    return collect(cfg)


@pytest.fixture(scope="module")
def printed(demo, tmp_path_factory):
    """PDF of each clean demo unit's own workbook, and of a unit with many problems."""
    soffice = require_soffice()
    base = tmp_path_factory.mktemp("print")
    clean = [u for u in demo.units if u.status == SUBMITTED and not u.issues]
    assert len(clean) >= 3, [u.unit.code for u in demo.units]  # Bắc Sơn, Ngọc Trạo, Đông Sơn
    books = write_unit_workbooks(replace(demo, units=tuple(clean)), base / "clean")
    lam_son = make_run().units[2]  # 2 problems; here 12 more, on its rows and on the file
    extra = tuple(
        Issue("POINTS_OUT_OF_RANGE", "warning", f"Điểm chỉ tiêu {r.code} cần xem lại.", "Sửa điểm.", cell=f"H{n + 8}")
        for n, r in enumerate(lam_son.verdict.indicators[:12])
    )
    long = replace(lam_son, issues=lam_son.issues + extra)
    books += write_unit_workbooks(replace(make_run(), units=(long,)), base / "long")
    books.append(write_workbook(make_run(), base / "tong-hop.xlsx"))
    books.append(write_workbook(make_run(units=60), base / "tinh.xlsx"))  # a province: the table runs on
    convert(soffice, books, "pdf", base / "pdf", base / "lo-profile")
    return {p.stem: base / "pdf" / f"{p.stem}.pdf" for p in books}, [u.unit.code for u in clean], long


@libreoffice
def test_a_clean_qd25_unit_prints_on_one_page_at_10_pt(printed):
    pdfs, codes, _ = printed
    for code in codes:
        pdf = next(p for stem, p in pdfs.items() if stem.startswith(code))
        assert pages(pdf) == 1, pdf.name
        found = scale(pdf, "4.2", "4.3")  # two rows of one line in QĐ 25's table
        assert found is None or found * 11 >= 9.99, (pdf.name, found)


@libreoffice
def test_a_unit_with_many_problems_runs_on_with_its_heading_and_whole_signatures(printed):
    pdfs, _, long = printed
    pdf = next(p for stem, p in pdfs.items() if stem.startswith(long.unit.code))
    assert pages(pdf) >= 2
    texts = page_texts(pdf)
    if texts is None:
        return
    last = texts[-1]
    for line in ("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)", "(Ký, ghi rõ họ tên, đóng dấu)", ", ngày ...... tháng"):
        assert line in last and not any(line in t for t in texts[:-1]), line
    assert "Cách khắc phục: Sửa điểm." in last  # never a page of signatures alone
    table_pages = [t for t in texts if "TỔNG CỘNG" in t or re.search(r"^\s*\d\.\d\s", t, re.M)]
    assert len(table_pages) >= 2  # the table itself runs on...
    assert all(re.search(r"Mã\s+Nội dung\s+Tối đa\s+Điểm", t) for t in table_pages)  # ...with its heading


@libreoffice
def test_problems_and_register_print_at_full_size_without_the_fingerprints(printed):
    found = words(printed[0]["tong-hop"])
    if found is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    problems = [p for p in found if any(w.startswith("POINTS_") for w, _ in p)]  # the codes' column
    register = [p for p in found if any(w == "(KB)" for w, _ in p)]  # the size's heading
    assert problems and register
    for page in problems + register:
        stt = next(h for w, h in page if w == "STT")  # the heading, bold 11 pt: at 100%, 11 pt x 1.3
        assert stt >= 11 * 1.29, stt
    codes = [h for p in problems for w, h in p if w.startswith("POINTS_")]  # 9 pt
    assert min(codes) >= 9 * 1.29, codes
    fingerprints = {f.sha256 for f in make_run().files}
    assert not any(
        w in fingerprints or (len(w) >= 32 and set(w) <= set("0123456789abcdef")) for p in register for w, _ in p
    )


def sheet_pages(texts: list[str], sheet: str) -> list[str]:
    """The pages whose footer names `sheet` (its name, then "Trang n/m")."""
    return [t for t in texts if re.search(rf"^\s*{re.escape(sheet)}\s+Trang \d", t, re.M)]


@libreoffice
def test_the_summary_chart_prints_whole_on_page_one_when_the_table_leaves_room(printed):
    pdfs = printed[0]
    title, legend = "Tổng điểm của từng đơn vị", "Tổng điểm (xanh: Đạt;"  # the top and the bottom of the chart
    town, province = (page_texts(pdfs[name]) for name in ("tong-hop", "tinh"))
    if town is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    town = [unicodedata.normalize("NFC", t) for t in town]
    province = [unicodedata.normalize("NFC", t) for t in province]
    summary = sheet_pages(town, "Tổng hợp")
    assert len(summary) == 1 and title in summary[0] and legend in summary[0]  # 7 units: one page
    summary = sheet_pages(province, "Tổng hợp")
    with_chart = [t for t in summary if title in t]
    assert len(summary) > 1 and with_chart == summary[-1:] and legend in with_chart[0]  # whole, on its own


def test_the_appraisal_workbook_starts_each_unit_on_a_new_page(tmp_path):
    import openpyxl

    from pipeline.core.appraisal_layout import HEADER_ROW

    run = make_run()
    ws = openpyxl.load_workbook(write_appraisal_form(run, tmp_path / "tham-dinh.xlsx")).worksheets[0]
    label = "Tổng điểm (tự chấm → thẩm định)"  # each unit's own row, above its indicators
    units = [c.row for row in ws.iter_rows(min_row=HEADER_ROW + 2) for c in row if c.value == label]
    assert len(units) == sum(1 for u in run.units if u.verdict is not None) >= 3
    # a break before every unit but the first: openpyxl counts a break after the row it names
    assert [b.id for b in ws.row_breaks.brk] == [r - 1 for r in units[1:]]
    assert ws.print_title_rows == f"${HEADER_ROW + 1}:${HEADER_ROW + 1}"
