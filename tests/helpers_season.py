"""Shared by the season tests: an office folder with its own config, forms filled the real way,
the CLI run as the office runs it, and tables read back from the output workbooks by heading."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
from click.testing import CliRunner

from conftest import filled_values
from pipeline.core import config as config_mod
from pipeline.core import layout
from pipeline.core import rules
from pipeline.cli import cli
from pipeline.writers.form import write_form

REPO = Path(__file__).resolve().parents[1]
QD25 = rules.load("qd25-2021")


def office(root: Path, extra: str = "") -> Path:
    """A copy of the repository's config.toml in `root` (plus `extra` TOML), returning its path."""
    root.mkdir(parents=True, exist_ok=True)
    text = (REPO / "config.toml").read_text(encoding="utf-8")
    if extra:  # replaces the optional sections of the shipped config
        head, rest = text.split("# Optional: the signature block", 1)
        text = head + extra + "\n\n# The units assessed this year" + rest.split("# The units assessed this year", 1)[1]
    path = root / "config.toml"
    path.write_text(text, encoding="utf-8")
    (root / "inputs").mkdir(exist_ok=True)
    return path


def unit_form(cfg_path: Path, code: str, *, points: dict[str, Any] | None = None, report: dt.date = dt.date(2024, 1, 5),
              name: str | None = None, year: int = 2023, **cover: Any) -> Path:
    """A form filled for unit `code` (conftest's complete values, 97 points), dropped in inputs/."""
    cfg = config_mod.load(cfg_path)
    unit = cfg.unit(code)
    values = filled_values(QD25)
    values.update(ma_don_vi=unit.code, ten_don_vi=unit.name, loai_don_vi=unit.kind, ngay_bao_cao=report,
                  nguoi_phu_trach=f"Trần Thị {unit.name}, công chức Tư pháp", dien_thoai=f"0912 000 {code[-3:]}")
    values.update(nam_danh_gia=year)
    for indicator, value in (points or {}).items():
        values[layout.indicator_name("diem", indicator)] = value
    values.update(cover)
    path = cfg.inputs / (name or f"{code}-phieu.xlsx")
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_form(path, QD25, year, unit=unit, values=values, office_name=cfg.office_name)


def run_cli(*args: str) -> Any:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output, result.output
    return result


def table(ws, first_header: str, key: str | None = None) -> list[dict[str, Any]]:
    """Rows of the table whose heading row has `first_header`, as dicts by heading text."""
    header = next(r for r in ws.iter_rows() if any(c.value == first_header for c in r))
    cols = {c.column: c.value for c in header if c.value}
    out = []
    for r in ws.iter_rows(min_row=header[0].row + 1):
        row = {cols[c.column]: c.value for c in r if c.column in cols}
        if key is None or row.get(key) not in (None, ""):
            out.append(row)
    return out


def texts(ws) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def load(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path)
