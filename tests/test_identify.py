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
