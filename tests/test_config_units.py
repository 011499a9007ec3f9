"""config.toml's units table: the kinds of unit accepted and the optional contact of each."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.core import config as config_mod
from pipeline.core.config import ConfigError
from tests import builders


def test_a_special_zone_is_a_unit_kind(tmp_path):
    units = [("14809", "Bắc Sơn", "phường"), ("22901", "Vân Đồn", "đặc khu")]
    config = config_mod.load(builders.office(tmp_path, units=units))
    zone = config.unit("22901")
    assert zone is not None and zone.kind == "đặc khu"
    assert zone.full_name == "Đặc khu Vân Đồn"


def test_an_unknown_kind_names_every_accepted_kind(tmp_path):
    with pytest.raises(ConfigError) as caught:
        config_mod.load(builders.office(tmp_path, units=[("14809", "Bắc Sơn", "huyện")]))
    (line,) = caught.value.problems
    assert "xã, phường, thị trấn, đặc khu" in line and "'huyện'" in line


def test_a_unit_may_name_who_to_call(tmp_path):
    path = builders.office(tmp_path, units=[("14809", "Bắc Sơn", "phường")])
    text = (
        path.read_text(encoding="utf-8")
        + 'contact = "Nguyễn Thị Hoa, công chức Tư pháp - Hộ tịch"\nphone = "0912 345 678"\n'
    )
    path.write_text(text, encoding="utf-8")
    unit = config_mod.load(path).unit("14809")
    assert (unit.contact, unit.phone) == ("Nguyễn Thị Hoa, công chức Tư pháp - Hộ tịch", "0912 345 678")
    assert config_mod.load(builders.office(tmp_path / "b")).unit("14809").contact == ""


def test_a_phone_written_as_a_number_says_to_quote_it(tmp_path):
    path = builders.office(tmp_path, units=[("14809", "Bắc Sơn", "phường")])
    path.write_text(path.read_text(encoding="utf-8") + "phone = 912345678\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        config_mod.load(path)
    assert caught.value.problems == [
        '[[units]] thứ 1 phone: phải là chữ trong ngoặc kép (ví dụ "0912 345 678"), gặp 912345678'
    ]


SIGNED = """[signature]
authority = "Ủy ban nhân dân thị xã Bỉm Sơn"
decision_number = "Số: 125/QĐ-UBND"
decision_date = 2024-02-05
"""


def test_the_decision_number_and_date(tmp_path):
    sig = config_mod.load(builders.office(tmp_path, SIGNED)).signature
    assert (sig.decision_number, sig.decision_date) == ("125/QĐ-UBND", dt.date(2024, 2, 5))
    unsigned = config_mod.load(builders.office(tmp_path / "b", "[signature]\n")).signature
    assert (unsigned.decision_number, unsigned.decision_date) == ("", None)


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ('"05/02/2024"', "phải là ngày dạng YYYY-MM-DD"),
        ("2026-02-05", "không thuộc năm 2023 hoặc 2024"),
    ],
)
def test_a_wrong_decision_date_is_refused(tmp_path, written, says):
    with pytest.raises(ConfigError) as caught:
        config_mod.load(builders.office(tmp_path, f"[signature]\ndecision_date = {written}\n"))
    (line,) = caught.value.problems
    assert line.startswith("[signature] decision_date: ") and says in line


def test_the_authority_defaults_to_the_areas_peoples_committee(tmp_path):
    config = config_mod.load(builders.office(tmp_path, "[signature]\n"))
    assert config.authority == "Ủy ban nhân dân thị xã Bỉm Sơn"
