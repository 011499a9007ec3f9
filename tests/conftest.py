"""Shared fixtures: the built-in rule set and filled forms generated into tmp_path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from pipeline.core import layout
from pipeline.core import rules

YEAR = 2023
UNIT_CODE = "14809"


@pytest.fixture(scope="session")
def rule_set() -> rules.RuleSet:
    return rules.load("qd25-2021")


@pytest.fixture
def filled(rule_set) -> dict[str, Any]:
    """Input values of a complete form, keyed by defined name (the write_form contract)."""
    return filled_values(rule_set)


def filled_values(rule_set: rules.RuleSet) -> dict[str, Any]:
    values: dict[str, Any] = {
        "ma_don_vi": UNIT_CODE,
        "ten_don_vi": "Quang Trung",
        "loai_don_vi": "phường",
        "nam_danh_gia": YEAR,
        "ngay_bao_cao": dt.date(2024, 1, 5),
        "nguoi_phu_trach": "Nguyễn Văn A, công chức Tư pháp",
        "dien_thoai": "0912345678",
    }
    for d in rule_set.conditions.declarations:
        values[d.key] = "Không"
    for n, ind in enumerate(rule_set.indicators):
        if ind.kind == "rate_bands":
            values[layout.indicator_name("tu_so", ind.code)] = 9
            values[layout.indicator_name("mau_so", ind.code)] = 10
        values[layout.indicator_name("diem", ind.code)] = ind.max - (0.5 if n % 3 == 0 else 0)
        values[layout.indicator_name("tai_lieu", ind.code)] = f"Hồ sơ {n + 1}"
    return values


@pytest.fixture
def make_form(rule_set):
    """make_form(path, **overrides) -> Path of a filled form (values keyed by defined name)."""

    def make(path: Path, values: dict[str, Any] | None = None, unit=None) -> Path:
        from pipeline.writers.form import write_form

        filled = filled_values(rule_set) if values is None else values
        return write_form(Path(path), rule_set, YEAR, unit=unit, values=filled, office_name="Phòng Tư pháp")

    return make

