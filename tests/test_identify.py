"""Which file counts for a unit: the newest usable one, and the office is told when a newer
file had to be rejected."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from conftest import filled_values

from pipeline import config as config_mod
from pipeline.run import collect

REPO = Path(__file__).resolve().parents[1]


def test_older_file_used_when_newer_is_rejected_and_office_is_told(tmp_path, make_form, rule_set):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    make_form(inputs / "ban-dau.xlsx", filled_values(rule_set) | {"ngay_bao_cao": dt.date(2024, 1, 3)})
    make_form(inputs / "ban-sua.xlsx", filled_values(rule_set) | {"ngay_bao_cao": dt.date(2024, 1, 8),
                                                                 "nam_danh_gia": 2022})
    shutil.copy(REPO / "config.toml", tmp_path / "config.toml")
    result = collect(config_mod.load(tmp_path / "config.toml").with_paths(inputs, tmp_path / "out"))

    status = {f.path: f.status for f in result.files}
    assert status == {"ban-dau.xlsx": "used", "ban-sua.xlsx": "rejected"}
    found = [(i.file, i.value, i.unit) for i in result.issues if i.code == "NEWER_FILE_REJECTED"]
    assert found == [("ban-dau.xlsx", "ban-sua.xlsx", "14809")]


def test_no_warning_when_the_rejected_file_is_older(tmp_path, make_form, rule_set):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    make_form(inputs / "cu.xlsx", filled_values(rule_set) | {"ngay_bao_cao": dt.date(2024, 1, 2), "nam_danh_gia": 2022})
    make_form(inputs / "moi.xlsx", filled_values(rule_set) | {"ngay_bao_cao": dt.date(2024, 1, 8)})
    shutil.copy(REPO / "config.toml", tmp_path / "config.toml")
    result = collect(config_mod.load(tmp_path / "config.toml").with_paths(inputs, tmp_path / "out"))
    assert not [i for i in result.issues if i.code == "NEWER_FILE_REJECTED"]
    assert {f.path: f.status for f in result.files} == {"cu.xlsx": "rejected", "moi.xlsx": "used"}
