"""End to end through the CLI (click's CliRunner): demo submissions are made by filling the
real form, consolidated, and the outputs read back and checked cell by cell."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli import cli

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """One demo run shared by the tests of this module (it is the slow part)."""
    root = tmp_path_factory.mktemp("demo")
    cfg = root / "config.toml"
    text = (REPO / "config.toml").read_text(encoding="utf-8")
    cfg.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["demo", "--config", str(cfg)])
    assert result.exit_code == 0, result.output
    return root, result


def summary_rows(ws) -> dict[str, dict[str, object]]:
    """The unit table of 'Tổng hợp', keyed by unit code, columns by header text."""
    header_row = next(r for r in ws.iter_rows() if any(c.value == "Mã đơn vị" for c in r))
    headers = {c.column: c.value for c in header_row if c.value}
    rows = {}
    for r in ws.iter_rows(min_row=header_row[0].row + 1):
        code = r[min(headers) - 1].value
        if code is None or not str(code).isdigit():
            continue
        rows[str(code)] = {headers[c.column]: c.value for c in r if c.column in headers}
    return rows


def test_demo_prints_where_the_workbook_is(demo_run):
    root, result = demo_run
    workbook = root / "outputs" / "demo" / "bim-son-2023-tong-hop.xlsx"
    assert str(workbook) in result.output
    assert workbook.exists()
    assert "3 Đạt" in result.output  # Bắc Sơn, Ba Đình, and Phú Sơn despite its zeroed rows


def test_demo_verdicts_in_summary(demo_run):
    root, _ = demo_run
    wb = openpyxl.load_workbook(root / "outputs" / "demo" / "bim-son-2023-tong-hop.xlsx")
    rows = summary_rows(wb["Tổng hợp"])
    verdicts = {code: row.get("Kết quả") for code, row in rows.items()}
    assert verdicts == {
        "14809": "Đạt", "14812": "Đạt", "14815": "Chưa đạt", "14818": "Chưa đạt",
        "14821": "Chưa đạt", "14823": "Đạt", "14824": "Chưa nộp",
    }
    assert rows["14809"]["Tổng điểm"] == 97.5
    assert rows["14815"]["Tổng điểm"] == 78.5


def test_demo_problems_are_located(demo_run):
    root, _ = demo_run
    wb = openpyxl.load_workbook(root / "outputs" / "demo" / "bim-son-2023-tong-hop.xlsx")
    ws = wb["Lỗi dữ liệu"]
    header_row = next(r for r in ws.iter_rows() if r[0].value == "STT")
    col = {c.value: c.column - 1 for c in header_row}
    found = {
        (row[col["Tệp"]], row[col["Trang tính"]], row[col["Ô"]], row[col["Mã lỗi"]])
        for row in ws.iter_rows(min_row=header_row[0].row + 1, values_only=True)
    }
    # The unit with data problems (Phú Sơn): 2.5 rate 30/25, 3.2 over its maximum, 4.4 "ba", no phone.
    assert {
        ("14823-phu-son.xlsx", "Bảng điểm", "E15", "RATE_NUMERATOR_GT_DENOMINATOR"),
        ("14823-phu-son.xlsx", "Bảng điểm", "H19", "POINTS_OUT_OF_RANGE"),
        ("14823-phu-son.xlsx", "Bảng điểm", "H25", "POINTS_NOT_NUMBER"),
        ("14823-phu-son.xlsx", "Thông tin chung", "B10", "CONTACT_MISSING"),
        ("nhan-qua-zalo/ban-nhap-ba-dinh.xlsx", "Bảng điểm", "H8", "DUPLICATE_DIFFERS"),
        ("nhan-qua-zalo/ban-nhap-ba-dinh.xlsx", None, None, "SUPERSEDED"),
        ("14815-lam-son.xlsx", None, None, "SUBMITTED_LATE"),
        (None, None, None, "UNIT_NOT_SUBMITTED"),
        ("ghi-chu-cua-van-thu.txt", None, None, "FILE_IGNORED"),
    } <= found
    # The lock file is skipped silently, never listed.
    assert not any(f and f.startswith("~$") for f, *_ in found)


def test_zeroed_rows_are_disclosed_next_to_the_verdict(demo_run):
    root, _ = demo_run
    wb = openpyxl.load_workbook(root / "outputs" / "demo" / "bim-son-2023-tong-hop.xlsx")
    row = summary_rows(wb["Tổng hợp"])["14823"]
    assert "chỉ tiêu 2.5, 3.2, 4.4 tính 0 điểm" in row["Lý do"]


def test_csv_and_manifest(demo_run):
    root, _ = demo_run
    raw = (root / "outputs" / "demo" / "ket-qua.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert len(rows) == 1 + 7
    manifest = json.loads((root / "outputs" / "demo" / "bim-son-2023-manifest.json").read_text(encoding="utf-8"))
    statuses = sorted(f["status"] for f in manifest["files"])
    assert statuses.count("superseded") == 1 and statuses.count("ignored") == 1


def test_consolidate_without_inputs_folder_says_what_to_do(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text((REPO / "config.toml").read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["consolidate", "--config", str(cfg)])
    assert result.exit_code == 1
    assert "Error: Không có thư mục hồ sơ" in result.output
    assert "make demo" in result.output
    assert "Traceback" not in result.output


def test_consolidate_empty_inputs_suggests_template(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text((REPO / "config.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "inputs").mkdir()
    result = CliRunner().invoke(cli, ["consolidate", "--config", str(cfg)])
    assert result.exit_code == 1
    assert "make template" in result.output and "make demo" in result.output


def test_broken_config_is_one_clear_error(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text("[office\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["consolidate", "--config", str(cfg)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: Tệp cấu hình")
    assert "Traceback" not in result.output


def test_template_command_writes_forms(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text((REPO / "config.toml").read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["template", "--config", str(cfg)])
    assert result.exit_code == 0, result.output
    forms = sorted((tmp_path / "outputs" / "mau-phieu").glob("*.xlsx"))
    assert len(forms) == 8  # blank + 7 units


def test_help_does_not_import_heavy_libraries():
    code = ("import sys; from pipeline.cli import main; sys.argv=['tcpl','--help'];\n"
            "try: main()\nexcept SystemExit: pass\n"
            "heavy = [m for m in ('pandas', 'great_expectations', 'openpyxl', 'xlsxwriter') if m in sys.modules]\n"
            "print('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert "HEAVY []" in out.stdout
