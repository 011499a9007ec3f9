"""Containment by construction: every workbook is parsed in a child process, whatever the number
of files; a child that dies rejects its own file (located, named) and the run goes on; nothing
a parser prints reaches the terminal; children are reused; the bytes scored are the bytes hashed.

The deaths are real (os.abort, SIGKILL, a Rust allocation failure in python-calamine with the
pre-parse checks switched off); the children are forked, so a monkeypatch in the test reaches
them (on Linux, where the suite runs).
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading

import builders
import corpus
import pytest
from builders import form

from pipeline.app import run
from pipeline.core.model import IGNORED, REJECTED, USED
from pipeline.infra import parallel
from pipeline.readers import discover as discover_mod
from pipeline.readers import inputs, sniff
from pipeline.readers.inputs import read_candidate

pytestmark = pytest.mark.skipif(not parallel._can_fork(), reason="the children are forked on Linux")


def status_of(result, file: str) -> str:
    return next(f.status for f in result.files if f.path == file)


def codes_of(result, file: str) -> list[tuple[str, str]]:
    return sorted((i.code, i.value) for i in result.issues if i.file == file)


@pytest.fixture
def office(tmp_path):
    config = builders.make_config(tmp_path)
    form(config.inputs / "bac-son.xlsx", "14809", "Bắc Sơn")
    form(config.inputs / "ba-dinh.xlsx", "14812", "Ba Đình")
    form(config.inputs / "lam-son.xlsx", "14815", "Lam Sơn")
    return config


def _dying_on(monkeypatch, victim: str, die) -> None:
    original = inputs._read

    def read(path, rel, rule_set, *data):
        if rel == victim:
            die()
        return original(path, rel, rule_set, *data)

    monkeypatch.setattr(inputs, "_read", read)


def _abort_loudly():
    os.write(2, b"memory allocation of 123456789 bytes failed\n")
    os.write(1, b"thread 'main' panicked\n")
    os.abort()


def test_a_file_that_aborts_its_reader_is_rejected_alone_and_silently(office, monkeypatch, capfd):
    _dying_on(monkeypatch, "ba-dinh.xlsx", _abort_loudly)
    result = run.collect(office)  # three files: formerly read in this very process
    assert status_of(result, "ba-dinh.xlsx") == REJECTED
    [(code, value)] = codes_of(result, "ba-dinh.xlsx")
    assert code == "FILE_UNSAFE" and "SIGABRT" in value
    assert status_of(result, "bac-son.xlsx") == USED and status_of(result, "lam-son.xlsx") == USED
    seen = capfd.readouterr()
    assert "memory allocation" not in seen.err + seen.out and "panicked" not in seen.err + seen.out
    # the register still names the bytes: hashed by the parent for the rejected file
    record = next(f for f in result.files if f.path == "ba-dinh.xlsx")
    assert record.sha256 == hashlib.sha256((office.inputs / "ba-dinh.xlsx").read_bytes()).hexdigest()


def test_a_child_killed_once_from_outside_does_not_cost_the_file(office, monkeypatch, tmp_path):
    marker = tmp_path / "killed-once"

    def die_once():
        if not marker.exists():
            marker.write_text("x")
            os.kill(os.getpid(), signal.SIGKILL)

    _dying_on(monkeypatch, "lam-son.xlsx", die_once)
    result = run.collect(office)
    assert marker.exists()
    assert {f.path: f.status for f in result.files} == dict.fromkeys(
        ("ba-dinh.xlsx", "bac-son.xlsx", "lam-son.xlsx"), USED
    )


def test_a_real_parser_abort_is_contained(office, monkeypatch, capfd):
    """The pre-parse checks switched off: python-calamine asks for ~500 GB for one far cell and
    aborts its process (Rust: 'memory allocation of ... bytes failed'); only that file is lost."""
    good = office.inputs / "bac-son.xlsx"
    corpus.far_cell(office.inputs / "o-xa.xlsx", good)
    monkeypatch.setattr(sniff.safety, "check_zip", lambda *a, **k: None)
    result = run.collect(office)
    assert status_of(result, "o-xa.xlsx") == REJECTED
    [(code, _)] = codes_of(result, "o-xa.xlsx")
    assert code in {"FILE_UNSAFE", "FILE_CORRUPT"}
    assert status_of(result, "bac-son.xlsx") == USED
    assert "memory allocation" not in capfd.readouterr().err


def test_the_child_has_a_memory_ceiling(office, monkeypatch):
    monkeypatch.setenv("TCPL_CHILD_MEMORY_MB", "256")

    def greedy():
        bytearray(1024 * 1024 * 1024)  # 1 GB: over the ceiling, refused inside the child

    _dying_on(monkeypatch, "ba-dinh.xlsx", greedy)
    result = run.collect(office)
    [(code, value)] = codes_of(result, "ba-dinh.xlsx")
    assert code == "FILE_CORRUPT" and value.startswith("MemoryError")
    assert status_of(result, "bac-son.xlsx") == USED


def _pid_read(path, rel, rule_set):
    return None, [os.getpid()]


def test_children_are_reused_and_replaced(monkeypatch):
    items = [(f"f{i:02d}.xlsx", f"f{i:02d}.xlsx") for i in range(40)]
    monkeypatch.setenv("TCPL_WORKERS", "1")
    pids = [found[0] for _, found in parallel.read_all(items, "rs", _pid_read)]
    assert len(set(pids)) == 1 and pids[0] != os.getpid()  # one child, never this process
    monkeypatch.setattr(parallel, "FILES_PER_CHILD", 10)
    pids = [found[0] for _, found in parallel.read_all(items, "rs", _pid_read)]
    assert len(set(pids)) == 4 and os.getpid() not in pids
    monkeypatch.setenv("TCPL_WORKERS", "2")
    assert len(list(parallel.read_all(items, "rs", _pid_read))) == 40


def _dies_twice_in_a_batch(path, rel, rule_set):
    if rel in {"f03.xlsx", "f11.xlsx"}:
        os.kill(os.getpid(), signal.SIGSEGV)
    if rel == "f07.xlsx":
        os._exit(5)
    return None, [rel]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_every_other_file_of_a_dying_childs_batch_is_still_read(monkeypatch, workers):
    monkeypatch.setenv("TCPL_WORKERS", workers)
    items = [(f"f{i:02d}.xlsx", f"f{i:02d}.xlsx") for i in range(20)]
    got = list(parallel.read_all(items, "rs", _dies_twice_in_a_batch))
    for (_, rel), (sub, found) in zip(items, got, strict=True):
        if rel in {"f03.xlsx", "f11.xlsx"}:
            assert [(i.code, i.file) for i in found] == [("FILE_UNSAFE", rel)] and "SIGSEGV" in found[0].value
        elif rel == "f07.xlsx":
            assert [(i.code, i.file) for i in found] == [("FILE_CORRUPT", rel)]
        else:
            assert (sub, found) == (None, [rel])


# ----------------------------------------------------------------------------- the bytes scored are the bytes hashed


def test_a_file_replaced_after_listing_is_scored_and_hashed_from_the_same_bytes(office, monkeypatch, tmp_path):
    """Ba Đình's file is replaced by Lam Sơn's form between listing and reading: the manifest's
    hash and the unit scored both come from the bytes that were read."""
    other = form(tmp_path / "khac.xlsx", "14815", "Lam Sơn")
    (office.inputs / "lam-son.xlsx").unlink()
    listing = discover_mod.discover

    def list_then_replace(*args, **kwargs):
        listed = listing(*args, **kwargs)
        os.replace(other, office.inputs / "ba-dinh.xlsx")
        return listed

    monkeypatch.setattr(run, "discover", list_then_replace)
    result = run.collect(office)
    record = next(f for f in result.files if f.path == "ba-dinh.xlsx")
    data = (office.inputs / "ba-dinh.xlsx").read_bytes()
    assert record.sha256 == hashlib.sha256(data).hexdigest() and record.size == len(data)
    assert record.unit_code == "14815"


def test_a_fifo_is_listed_never_opened(tmp_path):
    config = builders.make_config(tmp_path)
    form(config.inputs / "bac-son.xlsx", "14809", "Bắc Sơn")
    os.mkfifo(config.inputs / "ong-dan.xlsx")
    done: list = []
    reader = threading.Thread(target=lambda: done.append(run.collect(config)), daemon=True)
    reader.start()
    reader.join(120)  # a hang guard, not a timing
    assert done, "the run hung on a FIFO"
    result = done[0]
    assert status_of(result, "ong-dan.xlsx") == IGNORED
    assert [i.code for i in result.issues if i.file == "ong-dan.xlsx"] == ["FILE_NOT_REGULAR"]
    assert status_of(result, "bac-son.xlsx") == USED


@pytest.mark.parametrize("swap", ["fifo", "folder", "gone", "grown"])
def test_a_file_swapped_after_listing_is_refused_without_hanging(tmp_path, rule_set, swap):
    path = tmp_path / "x.xlsx"
    if swap == "fifo":
        os.mkfifo(path)
    elif swap == "folder":
        path.mkdir()
    elif swap == "grown":
        path.write_bytes(b"PK\x03\x04" + bytes(2000))
    (got, found), printed = read_candidate(path, "x.xlsx", rule_set, max_bytes=1000)
    assert got is None and printed is None
    assert [i.code for i in found] == ["FILE_TOO_LARGE" if swap == "grown" else "FILE_CORRUPT"]
    assert found[0].file == "x.xlsx"


def test_the_windows_job_limit_has_the_layout_of_winnt_h():
    """The structure passed to SetInformationJobObject (the Windows memory ceiling): 144 bytes
    on 64 bits, the limit at offset 112 (checked here; the call itself runs only on Windows)."""
    import ctypes

    extended = parallel._job_limit_structure()
    if ctypes.sizeof(ctypes.c_void_p) != 8:
        pytest.skip("the layout checked is the 64-bit one")
    assert ctypes.sizeof(extended) == 144
    assert extended.ProcessMemoryLimit.offset == 112
    assert extended.BasicLimitInformation.offset == 0 and extended.IoInfo.offset == 64


def test_spawned_children_read_as_forked_ones(office, monkeypatch):
    """What Windows and macOS do (spawn: the reader and the rule set are pickled into a fresh
    interpreter) gives the same results as fork."""
    import functools

    from pipeline.readers.discover import discover as listing

    rule_set = office.load_rule_set()
    items = [(c.path, c.rel) for c in listing(office.inputs, office.max_file_bytes)[0]]
    read = functools.partial(run._read_one, max_bytes=office.max_file_bytes)
    forked = list(parallel.read_all(items, rule_set, read, run._read_failed))
    monkeypatch.setattr(parallel, "_can_fork", lambda: False)
    spawned = list(parallel.read_all(items, rule_set, read, run._read_failed))
    assert [(type(g).__name__, [i.code for i in f], p) for g, f, p in spawned] == [
        (type(g).__name__, [i.code for i in f], p) for g, f, p in forked
    ]
