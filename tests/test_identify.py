"""Which file counts for a unit: the newest usable one, and the office is told when a newer
file had to be rejected."""

from __future__ import annotations

import datetime as dt

from builders import collect_forms


def test_older_file_used_when_newer_is_rejected_and_office_is_told(tmp_path):
    result = collect_forms(
        tmp_path,
        {
            "ban-dau.xlsx": {"ngay_bao_cao": dt.date(2024, 1, 3)},
            "ban-sua.xlsx": {"ngay_bao_cao": dt.date(2024, 1, 8), "nam_danh_gia": 2022},
        },
    )

    status = {f.path: f.status for f in result.files}
    assert status == {"ban-dau.xlsx": "used", "ban-sua.xlsx": "rejected"}
    told = [
        t for t in result.flatten(("code", "file", "value", "unit")) if t[0] in ("NEWER_FILE_REJECTED", "WRONG_YEAR")
    ]
    assert told == [
        ("NEWER_FILE_REJECTED", "ban-dau.xlsx", "ban-sua.xlsx", "14809"),
        ("WRONG_YEAR", "ban-sua.xlsx", "2022", "14809"),
    ]


def test_no_warning_when_the_rejected_file_is_older(tmp_path):
    result = collect_forms(
        tmp_path,
        {
            "cu.xlsx": {"ngay_bao_cao": dt.date(2024, 1, 2), "nam_danh_gia": 2022},
            "moi.xlsx": {"ngay_bao_cao": dt.date(2024, 1, 8)},
        },
    )
    assert not [i for i in result.issues if i.code == "NEWER_FILE_REJECTED"]
    assert {f.path: f.status for f in result.files} == {"cu.xlsx": "rejected", "moi.xlsx": "used"}


def test_file_named_after_another_unit_is_flagged_and_duplicates_compared(tmp_path):
    """Unit 14809 (Bắc Sơn) sent a file named after Lam Sơn, and a second copy with one score
    changed: the name is flagged, the newer copy counts, and the difference is listed."""
    result = collect_forms(
        tmp_path,
        {
            "phieu-lam-son.xlsx": {"ngay_bao_cao": dt.date(2024, 1, 3)},
            "bac-son-sua.xlsx": {"ngay_bao_cao": dt.date(2024, 1, 8), "diem_1_1": 1.5},
        },
    )

    told = [
        t
        for t in result.flatten(("code", "file", "value", "indicator"))
        if t[0] in ("FILE_NAME_MISMATCH", "SUPERSEDED", "DUPLICATE_DIFFERS")
    ]
    assert told == [
        ("FILE_NAME_MISMATCH", "phieu-lam-son.xlsx", "Lam Sơn", ""),
        ("SUPERSEDED", "phieu-lam-son.xlsx", "bac-son-sua.xlsx", ""),
        ("DUPLICATE_DIFFERS", "phieu-lam-son.xlsx", "điểm 2,5", "1.1"),
    ]
    assert {f.path: f.status for f in result.files} == {"bac-son-sua.xlsx": "used", "phieu-lam-son.xlsx": "superseded"}


def test_mentions_are_what_scanning_every_unit_finds():
    """The substring lookup finds the same first other unit as comparing the file name with
    every configured unit in turn (the obvious scan, quadratic at 10,000 units)."""
    from pipeline.core.config import Unit
    from pipeline.steps.identify import _Mentions
    from pipeline.steps.values import strip_accents

    units = [
        Unit("14809", "Bắc Sơn", "phường"),
        Unit("14812", "Ba Đình", "phường"),
        Unit("14815", "Sơn", "xã"),
        Unit("30001", "An", "xã"),
        Unit("30002", "Tân An", "xã"),
        Unit("30003", "An", "xã"),
    ]
    mentions = _Mentions(units)
    for raw in (
        "phieu ba dinh",
        "14812 bac son",
        "tan an 2023",
        "an",
        "son la",
        "x30001y",
        "khong co gi",
        "",
        "ba dinh ba dinh 30003",
        "ĐÔNG",
    ):
        stem = strip_accents(raw)
        for own in units:
            expected = next(
                (u for u in units if u.code != own.code and (strip_accents(u.name) in stem or u.code in stem)), None
            )
            got = next((u for u in mentions.units_in(stem) if u.code != own.code), None)
            assert got == expected, (raw, own)


# ------------------------------------------------------------------ a file pointing to another unit

import builders  # noqa: E402
from builders import form  # noqa: E402

from pipeline.app.run import collect  # noqa: E402
from pipeline.steps.season import chase_list  # noqa: E402


def _claimed(tmp_path, name: str, **values):
    """Bắc Sơn's own form, and a neighbour's (Lam Sơn's) newer form carrying Bắc Sơn's code,
    pointing to Lam Sơn by `name` or its cover name."""
    config = builders.make_config(tmp_path)
    form(config.inputs / "bac-son.xlsx", "14809", "Bắc Sơn", ngay_bao_cao=dt.date(2024, 1, 3))
    form(config.inputs / name, "14809", "Bắc Sơn", ngay_bao_cao=dt.date(2024, 1, 9), diem_1_1=0, **values)
    return collect(config)


def _claim_of(result):
    return [(i.file, i.code, i.unit) for i in result.issues if i.code == "UNIT_CLAIMED_BY_OTHER"]


def test_a_neighbours_form_with_our_code_never_replaces_ours(tmp_path):
    for case, (name, values) in enumerate(
        [
            ("lam-son.xlsx", {}),  # the file name
            ("lam-son/phieu.xlsx", {}),  # the folder
            ("phieu-moi.xlsx", {"ten_don_vi": "Phường Lam Sơn"}),  # the cover name
        ]
    ):
        result = _claimed(tmp_path / str(case), name, **values)
        status = {f.path: f.status for f in result.files}
        assert status["bac-son.xlsx"] == "used" and status[name] == "rejected", name
        assert _claim_of(result) == [(name, "UNIT_CLAIMED_BY_OTHER", "14809")]
        claim = next(i for i in result.issues if i.code == "UNIT_CLAIMED_BY_OTHER")
        assert "Bắc Sơn" in claim.message and "Lam Sơn" in claim.message and claim.cell
        unit = next(u for u in result.units if u.unit.code == "14809")
        assert unit.file == "bac-son.xlsx"
        row = next(r for r in chase_list(result) if r.unit.code == "14809")
        assert f"Làm rõ tệp {name}" in row.todo and "Lam Sơn" in row.todo


def test_a_lone_form_pointing_elsewhere_still_counts_with_a_warning(tmp_path):
    config = builders.make_config(tmp_path)
    form(config.inputs / "lam-son.xlsx", "14809", "Bắc Sơn")
    result = collect(config)
    assert {f.path: f.status for f in result.files} == {"lam-son.xlsx": "used"}
    assert _claim_of(result) == [] and [i.code for i in result.issues if i.file] == ["FILE_NAME_MISMATCH"]


def test_an_identical_copy_under_a_neighbours_name_is_a_duplicate_not_a_claim(tmp_path):
    config = builders.make_config(tmp_path)
    good = form(config.inputs / "bac-son.xlsx", "14809", "Bắc Sơn")
    (config.inputs / "lam-son.xlsx").write_bytes(good.read_bytes())
    result = collect(config)
    assert _claim_of(result) == []
    assert {i.code for i in result.issues if i.file == "lam-son.xlsx"} >= {"DUPLICATE_FILE"}


def test_two_files_whose_names_display_alike_are_two_records(tmp_path):
    """An undecodable name and a name really written with a backslash show alike: before,
    they were merged into one record (a unit whose form was all zeros came out Đạt)."""
    import os

    config = builders.make_config(tmp_path)
    good = form(tmp_path / "good.xlsx", "14809", "Bắc Sơn")
    zeros = form(
        tmp_path / "zeros.xlsx", "14812", "Ba Đình", **{k: 0 for k in builders.filled_values() if k.startswith("diem_")}
    )
    with open(os.fsencode(config.inputs) + b"/a\xff.xlsx", "wb") as fh:
        fh.write(good.read_bytes())
    (config.inputs / "a\\xff.xlsx").write_bytes(zeros.read_bytes())
    result = collect(config)
    used = {u.unit.code: (u.file, u.verdict.total if u.verdict else None) for u in result.units if u.file}
    assert set(used) == {"14809", "14812"}
    assert used["14809"][0] != used["14812"][0]
    assert used["14812"][1] < used["14809"][1]
    assert len({f.path for f in result.files}) == len(result.files) == 2
