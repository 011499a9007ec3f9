"""Rule-set files: the shipped qd25-2021 matches domain/criteria.md, and every kind of broken
file fails on load with one message naming the file, the key and the problem."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pytest

from pipeline.core import config, rules

REPO = Path(__file__).resolve().parents[1]
QD25_FILE = rules.resolve("qd25-2021")
RAW = tomllib.loads(QD25_FILE.read_text(encoding="utf-8"))


def test_qd25_matches_the_domain_facts():
    rs = rules.load("qd25-2021")
    assert (rs.id, rs.scoring, rs.total_max, rs.first_year, rs.last_year) == ("qd25-2021", "points", 100, 2022, 2024)
    assert [(c.code, c.max) for c in rs.criteria] == [("TC1", 10), ("TC2", 30), ("TC3", 20), ("TC4", 20), ("TC5", 20)]
    assert len(rs.indicators) == 20
    maxima = {i.code: i.max for i in rs.indicators}
    assert maxima == {
        "1.1": 3,
        "1.2": 7,
        "2.1": 6,
        "2.2": 4,
        "2.3": 6,
        "2.4": 6,
        "2.5": 2,
        "2.6": 6,
        "3.1": 10,
        "3.2": 5,
        "3.3": 5,
        "4.1": 4,
        "4.2": 4,
        "4.3": 4,
        "4.4": 4,
        "4.5": 4,
        "5.1": 5,
        "5.2": 5,
        "5.3": 5,
        "5.4": 5,
    }
    assert [i.code for i in rs.indicators if i.not_applicable_full] == ["1.1"]
    assert [i.code for i in rs.indicators if i.kind == "rate_bands"] == ["2.5"]
    assert (rs.conditions.total_min, rs.conditions.criterion_min_fraction) == (80, 0.5)
    assert [d.key for d in rs.conditions.declarations] == ["ky_luat_nguoi_dung_dau"]


def test_qd25_provenance_as_in_domain_notes():
    rs = rules.load("qd25-2021")
    status = {i.code: i.provenance.status for i in rs.indicators}
    assert status["1.1"] == "verified" and status["1.2"] == "derived"
    assert all(status[c] == "provisional" for c in status if not c.startswith("1."))
    assert rs.criterion("TC1").provenance.status == "verified"
    bands = {b.lower: (b.points, b.provenance.status) for b in rs.indicator("2.5").bands}
    assert bands == {
        90: (2, "provisional"),
        80: (1, "verified"),
        70: (0.5, "verified"),
        50: (0.25, "verified"),
        0: (0, "verified"),
    }
    assert rs.conditions.total_min_provenance.status == "verified"


def broken(mutate) -> rules.RuleSetError:
    data = copy.deepcopy(RAW)
    mutate(data)
    with pytest.raises(rules.RuleSetError) as caught:
        rules.parse(data, "thu.toml")
    return caught.value


def ind(data, c, i):
    return data["criteria"][c]["indicators"][i]


@pytest.mark.parametrize(
    "mutate, key, words",
    [
        (lambda d: ind(d, 0, 0).update(max=4), "criteria[0].max", "tổng điểm tối đa các chỉ tiêu của TC1 là 11"),
        (lambda d: d["criteria"][0].update(max=11), "criteria[0].max", "khác max = 11"),
        (lambda d: (d["criteria"][0].update(max=11), ind(d, 0, 1).update(max=8)), "rule_set.total_max", "101"),
        (lambda d: ind(d, 1, 1).update(code="2.1"), "criteria[1].indicators[1].code", "trùng"),
        (lambda d: d["criteria"][1].update(code="TC1"), "criteria[1].code", "trùng"),
        (lambda d: ind(d, 0, 0).update(colour="red"), "criteria[0].indicators[0].colour", "khóa không được biết"),
        (lambda d: d["rule_set"].update(typo=1), "rule_set.typo", "khóa không được biết"),
        (lambda d: ind(d, 0, 0).update(kind="stars"), "criteria[0].indicators[0].kind", "phải là một trong"),
        (
            lambda d: ind(d, 0, 0).update(
                max=2.8,
            ),
            "criteria[0].max",
            "",
        ),
        (
            lambda d: ind(d, 0, 0)["provenance"].update(status="maybe"),
            "criteria[0].indicators[0].provenance.status",
            "verified",
        ),
        (lambda d: ind(d, 0, 0).pop("provenance"), "criteria[0].indicators[0].provenance", "thiếu khóa"),
        (lambda d: d["conditions"].update(criterion_min_fraction=50), "conditions.criterion_min_fraction", "tỷ lệ"),
        (lambda d: d["conditions"].update(total_min=120), "conditions.total_min", "vượt"),
    ],
)
def test_broken_rule_file_names_file_key_problem(mutate, key, words):
    err = broken(mutate)
    assert err.file == "thu.toml"
    assert err.key == key
    assert words in err.problem
    assert str(err).startswith(f"thu.toml: {key}: ")


def bands(d):
    return ind(d, 1, 4)["bands"]


@pytest.mark.parametrize(
    "mutate, words",
    [
        (lambda d: bands(d)[1].update(to=85), "khoảng trống giữa 85% và 90%"),
        (lambda d: bands(d)[1].update(to=95), "chồng lên"),
        (lambda d: bands(d)[4].update({"from": 10}), "bắt đầu từ 0%"),
        (lambda d: bands(d)[0].update(to=100), "không có cận trên"),
        (lambda d: bands(d)[3].update(points=1.5), "ít điểm hơn"),
        (lambda d: bands(d)[0].update(points=3), "vượt điểm tối đa"),
    ],
)
def test_band_gaps_and_overlaps(mutate, words):
    err = broken(mutate)
    assert err.key.startswith("criteria[1].indicators[4].bands")
    assert words in err.problem


def test_steps_must_divide_maxima():
    err = broken(lambda d: (ind(d, 0, 0).update(max=2.9), ind(d, 0, 1).update(max=7.1)))
    assert err.key == "criteria[0].indicators[0].max" and "bội số" in err.problem


def test_every_problem_of_a_rule_file_at_once():
    err = broken(
        lambda d: (
            d["rule_set"].update(typo=1),
            ind(d, 0, 0).update(kind="stars"),
            bands(d)[1].update(to=85),
            d["conditions"].update(total_min=120),
        )
    )
    assert [key for key, _ in err.problems] == [
        "rule_set.typo",
        "criteria[0].indicators[0].kind",
        "criteria[1].indicators[4].bands",
        "conditions.total_min",
    ]
    assert (err.key, err.problem) == err.problems[0]
    assert str(err).splitlines() == [f"thu.toml: {key}: {problem}" for key, problem in err.problems]


def test_a_missing_or_unusable_value_is_reported_once_not_its_consequences():
    # No indicator, no sum of TC1 and no total: checks that need the value are skipped.
    err = broken(lambda d: ind(d, 0, 0).pop("provenance"))
    assert err.problems == [("criteria[0].indicators[0].provenance", "thiếu khóa bắt buộc")]
    err = broken(lambda d: ind(d, 0, 0).update(max="ba"))
    assert err.problems == [("criteria[0].indicators[0].max", "phải là số, gặp 'ba'")]
    err = broken(lambda d: d.pop("rule_set"))
    assert err.problems == [("(gốc).rule_set", "thiếu khóa bắt buộc")]


def test_config_lists_each_problem_of_its_rule_set(tmp_path):
    text = QD25_FILE.read_text(encoding="utf-8").replace("[rule_set]\n", "[rule_set]\ntypo = 1\n", 1)
    text = text.replace("total_min = 80", "total_min = 120", 1)
    (tmp_path / "hong.toml").write_text(text, encoding="utf-8")
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        (REPO / "config.toml").read_text(encoding="utf-8").replace('"qd25-2021"', '"hong.toml"', 1), encoding="utf-8"
    )
    with pytest.raises(config.ConfigError) as caught:
        config.load(cfg)
    file = tmp_path / "hong.toml"
    assert caught.value.problems == [
        f"[assessment] rule_set: {file}: rule_set.typo: khóa không được biết (gõ sai tên?)",
        f"[assessment] rule_set: {file}: conditions.total_min: vượt total_max (100)",
    ]


def test_not_toml(tmp_path):
    bad = tmp_path / "x.toml"
    bad.write_text("[rule_set\nid = 1", encoding="utf-8")
    with pytest.raises(rules.RuleSetError, match="TOML"):
        rules.load(str(bad))


def test_missing_rule_set_file():
    with pytest.raises(rules.RuleSetError, match="không tìm thấy"):
        rules.load("qd99-2099")


# ------------------------------------------------------------------ config.toml


def test_shipped_config_loads():
    cfg = config.load(REPO / "config.toml")
    assert (cfg.area_code, cfg.year, cfg.rule_set_name) == ("381", 2023, "qd25-2021")
    assert [u.code for u in cfg.units] == ["14809", "14812", "14815", "14818", "14821", "14823", "14824"]
    assert cfg.unit("14824").kind == "xã" and cfg.unit("14827") is None
    assert cfg.deadline.isoformat() == "2024-01-10"
    assert cfg.load_rule_set().id == "qd25-2021"


def test_config_reports_every_problem_at_once(tmp_path):
    text = (REPO / "config.toml").read_text(encoding="utf-8")
    text = text.replace("year = 2023", "year = 2019").replace('code = "14812"', 'code = "14809"')
    text = text.replace('kind = "xã"', 'kind = "huyện"').replace("[paths]", "[paths]\ncolour = 1")
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(config.ConfigError) as caught:
        config.load(path)
    problems = caught.value.problems
    assert any("áp dụng cho năm 2022–2024, không cho năm 2019" in p for p in problems)
    assert any("mã 14809 bị lặp" in p for p in problems)
    assert any("huyện" in p for p in problems)
    assert any("[paths] colour" in p for p in problems)
    assert any("2024-01-10 không thuộc năm 2019" in p for p in problems)
    # the periodic reports' two deadlines ([reports]) are of 2023 too
    assert any(p.startswith("[reports] half_year_deadline: 2023-05-10 không thuộc năm 2019") for p in problems)
    assert any(p.startswith("[reports] year_deadline: 2023-11-20 không thuộc năm 2019") for p in problems)
    assert len(problems) == 7


def test_config_not_found(tmp_path):
    with pytest.raises(config.ConfigError, match="không tìm thấy"):
        config.load(tmp_path / "nope.toml")


def test_a_config_copied_with_another_rule_set_loads_that_one(tmp_path):
    from dataclasses import replace

    cfg = config.load(REPO / "config.toml")
    assert cfg.load_rule_set() is cfg.loaded_rule_set  # the one load() checked, not read again
    other = tmp_path / "khac.toml"
    other.write_text(QD25_FILE.read_text(encoding="utf-8").replace('id = "qd25-2021"', 'id = "khac"'), "utf-8")
    assert replace(cfg, rule_set_name=str(other)).load_rule_set().id == "khac"
