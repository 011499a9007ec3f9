"""The messages of issue 15 (part 2): the office's own mistakes answered in Vietnamese, saying
what to write instead: config.toml saved by Notepad with a BOM, TOML syntax errors, `--today`
in either date form, click's usage errors and help, and a points cell holding a word."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.core import config as config_mod
from pipeline.core import rules
from pipeline.core.config import ConfigError
from tests import builders


def _office_with(tmp_path: Path, old: str, new: str) -> Path:
    path = builders.office(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, start: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(start))


def _problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        config_mod.load(path)
    return caught.value.problems


def test_config_saved_by_notepad_with_a_bom_is_read(tmp_path):
    path = builders.office(tmp_path)
    plain = config_mod.load(path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # Notepad's "UTF-8 with BOM"
    assert config_mod.load(path).units == plain.units


def test_rule_set_saved_with_a_bom_is_read(tmp_path):
    source = rules.resolve("qd25-2021")
    copy = tmp_path / "qd25-bom.toml"
    copy.write_bytes(b"\xef\xbb\xbf" + source.read_bytes())
    assert rules.load(str(copy)).indicators == rules.load("qd25-2021").indicators


def test_a_day_first_date_says_how_dates_are_written(tmp_path):
    path = _office_with(tmp_path, "deadline = 2024-01-10", "deadline = 10/01/2024")
    line = _line_of(path, "deadline")
    assert _problems(path) == [
        f"dòng {line} (deadline = 10/01/2024): ngày viết dạng năm-tháng-ngày, không có ngoặc kép: deadline = 2024-01-10"
    ]


def test_text_without_quotes_says_text_goes_in_double_quotes(tmp_path):
    path = _office_with(tmp_path, 'name = "Phòng Tư pháp thị xã Bỉm Sơn"', "name = Phòng Tư pháp thị xã Bỉm Sơn")
    line = _line_of(path, "name = Phòng")
    assert _problems(path) == [
        f"dòng {line} (name = Phòng Tư pháp thị xã Bỉm Sơn): chữ phải đặt trong ngoặc kép: "
        'name = "Phòng Tư pháp thị xã Bỉm Sơn"'
    ]


def test_another_syntax_error_names_line_and_column_in_vietnamese(tmp_path):
    path = _office_with(tmp_path, "[assessment]", "[assessment")
    line = _line_of(path, "[assessment")
    (problem,) = _problems(path)
    assert problem.startswith(f"dòng {line}, cột 12 ([assessment): sai cú pháp; mỗi dòng viết dạng khóa = giá trị")
    assert "Expected" not in problem and "line" not in problem


def test_a_rule_set_syntax_error_is_vietnamese_too(tmp_path):
    broken = tmp_path / "hong.toml"
    broken.write_text('id = "hong"\nname = Bộ hỏng\n', encoding="utf-8")
    with pytest.raises(rules.RuleSetError) as caught:
        rules.load(str(broken))
    assert (
        caught.value.problem
        == 'tệp TOML không hợp lệ: dòng 2 (name = Bộ hỏng): chữ phải đặt trong ngoặc kép: name = "Bộ hỏng"'
    )
