"""discover(): which files are read, which are listed as ignored or rejected, and their hashes."""

from __future__ import annotations

import hashlib
import os

from pipeline.core import rules
from pipeline.core.model import IGNORED, REJECTED
from pipeline.readers.discover import discover, human_size
from pipeline.readers.inputs import read_candidate

QD25 = rules.load("qd25-2021")


def _tree(root, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def test_candidates_records_and_issues(tmp_path):
    _tree(
        tmp_path,
        {
            "b/Xa B.XLSX": b"PK\x03\x04 b",
            "a.xlsx": b"PK\x03\x04 a",
            "c/d/old.xls": b"\xd0\xcf\x11\xe0 c",
            "e.ods": b"PK\x03\x04 e",
            "f.xlsm": b"PK\x03\x04 f",
            "~$a.xlsx": b"lock",
            ".~lock.a.xlsx#": b"lock",
            ".DS_Store": b"mac",
            "Thumbs.db": b"win",
            "b/desktop.ini": b"win",
            ".hidden/x.xlsx": b"PK\x03\x04 hidden",
            "cong van.pdf": b"%PDF-1.4",
            "empty.xlsx": b"",
            "big.xlsx": b"PK\x03\x04" + b"x" * 100,
        },
    )
    candidates, records, issues = discover(tmp_path, max_file_bytes=50)

    assert [c.rel for c in candidates] == ["a.xlsx", "b/Xa B.XLSX", "c/d/old.xls", "e.ods", "f.xlsm"]
    assert [(r.path, r.status) for r in records] == [
        ("big.xlsx", REJECTED),
        ("cong van.pdf", IGNORED),
        ("empty.xlsx", REJECTED),
    ]
    assert [(i.file, i.sheet, i.cell, i.code) for i in issues] == [
        ("big.xlsx", "", "", "FILE_TOO_LARGE"),
        ("cong van.pdf", "", "", "FILE_IGNORED"),
        ("empty.xlsx", "", "", "FILE_EMPTY"),
    ]
    assert [i.severity for i in issues] == ["error", "warning", "error"]
    big = issues[0]
    assert big.value == "104 byte" and "50 byte" in big.message


def test_hash_size_mtime_and_files_untouched(tmp_path):
    data = os.urandom(3 * 1024 * 1024 + 17)  # spans several read chunks
    path = tmp_path / "x.xlsx"
    path.write_bytes(data)
    os.utime(path, (1_700_000_000, 1_700_000_000))
    before = path.stat()

    (cand,), records, issues = discover(tmp_path, max_file_bytes=20 * 1024 * 1024)

    assert (records, issues) == ([], [])
    assert cand.sha256 == ""  # hashed when read, from the bytes that are parsed (read_candidate)
    assert cand.size == len(data)
    (got, found), printed = read_candidate(path, "x.xlsx", QD25, 20 * 1024 * 1024)
    assert got is None and [i.code for i in found] == ["FILE_NOT_SPREADSHEET"]
    assert printed.sha256 == hashlib.sha256(data).hexdigest() and printed.size == len(data)
    cand = cand.read_as(printed.size, printed.sha256)
    assert cand.modified.timestamp() == 1_700_000_000
    assert cand.path == path and cand.suffix == ".xlsx"
    after = path.stat()
    assert (after.st_mtime_ns, after.st_size) == (before.st_mtime_ns, before.st_size)
    assert cand.record("used").sha256 == cand.sha256


def test_oversize_file_is_not_hashed_and_empty_has_empty_hash(tmp_path):
    _tree(tmp_path, {"big.xlsx": b"x" * 11, "empty.ods": b""})
    _, records, _ = discover(tmp_path, max_file_bytes=10)
    by_path = {r.path: r for r in records}
    assert by_path["big.xlsx"].sha256 == "" and by_path["big.xlsx"].size == 11
    assert by_path["empty.ods"].sha256 == hashlib.sha256(b"").hexdigest()


def test_human_size_uses_decimal_comma():
    assert human_size(20 * 1024 * 1024) == "20,0 MB"
    assert human_size(1536) == "1,5 KB"
    assert human_size(12) == "12 byte"


def test_names_that_display_alike_stay_two_records(tmp_path):
    """A name with bytes that are not UTF-8 (shown as \\xff) beside one really written with a
    backslash: two files, two records, never merged."""
    raw = os.fsencode(tmp_path) + b"/a\xff.xlsx"
    with open(raw, "wb") as fh:
        fh.write(b"PK\x03\x04 one")
    (tmp_path / "a\\xff.xlsx").write_bytes(b"PK\x03\x04 two")
    candidates, _records, _issues = discover(tmp_path, max_file_bytes=1000)
    shown = sorted(c.rel for c in candidates)
    assert len(shown) == 2 and len(set(shown)) == 2
    assert "a\\xff.xlsx" in shown and "a\\xff (2).xlsx" in shown
    assert len({c.path for c in candidates}) == 2


def test_symlinked_outputs_and_deep_folders_are_listed_not_read(tmp_path, monkeypatch):
    inputs = tmp_path / "inputs"
    (inputs / "ket-qua").mkdir(parents=True)
    (inputs / "ket-qua" / "x.xlsx").write_bytes(b"PK\x03\x04 output")
    (tmp_path / "khac").mkdir()
    (tmp_path / "khac" / "y.xlsx").write_bytes(b"PK\x03\x04 elsewhere")
    (inputs / "loi-tat").symlink_to(tmp_path / "khac", target_is_directory=True)
    deep = inputs / "sau"
    for n in range(6):
        deep = deep / str(n)
    deep.mkdir(parents=True)
    (deep / "z.xlsx").write_bytes(b"PK\x03\x04 deep")
    import pipeline.readers.discover as discover_mod

    monkeypatch.setattr(discover_mod, "MAX_DEPTH", 4)
    candidates, records, issues = discover(inputs, max_file_bytes=1000, skip=(inputs / "ket-qua",))
    assert candidates == []
    assert [(r.path, r.status) for r in records] == [
        ("ket-qua/", IGNORED),
        ("loi-tat/", IGNORED),
        ("sau/0/1/2/3/", IGNORED),
    ]
    assert [(i.file, i.code) for i in issues] == [(r.path, "FOLDER_SKIPPED") for r in records]
    assert "liên kết" in records[1].note and "sâu" in records[2].note and "kết quả" in records[0].note


def test_a_tree_thousands_of_folders_deep_is_no_crash(tmp_path):
    deep = tmp_path
    for _ in range(300):  # deeper than the limit; an os.walk recursion would still cope, the limit says why
        deep = deep / "d"
    try:
        deep.mkdir(parents=True)
    except OSError:  # the file system refuses names this long: nothing to test here
        return
    (deep / "x.xlsx").write_bytes(b"PK\x03\x04 deep")
    candidates, _records, issues = discover(tmp_path, max_file_bytes=1000)
    assert candidates == [] and [i.code for i in issues] == ["FOLDER_SKIPPED"]
