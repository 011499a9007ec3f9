"""config.toml's units table: the kinds of unit accepted and the optional contact of each."""

from __future__ import annotations

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
