"""The outputs change as one set (pipeline/writers/output_set.py): a run killed at any moment of
the switch leaves, once the next run has started, the complete old set or the complete new
one; stale hidden folders and temporary files go; the feedback of a unit that withdrew goes;
what is not ours in the outputs folder stays."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import builders
import pytest
from builders import form

from pipeline.app import run
from pipeline.writers import output_set


def outputs_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class Killed(BaseException):
    """A kill: nothing in the product catches it, no clean-up runs but `finally` blocks."""


class _Dying:
    """os, whose replace() is killed at its step-th call."""

    def __init__(self, step: int, real):
        self.step, self.real, self.calls = step, real, 0

    def __getattr__(self, name):
        return getattr(os, name)

    def replace(self, src, dst):
        self.calls += 1
        if self.calls == self.step:
            raise Killed
        self.real(src, dst)


@pytest.fixture
def office(tmp_path):
    config = builders.make_config(tmp_path)
    form(config.inputs / "bac-son.xlsx", "14809", "Bắc Sơn")
    form(config.inputs / "ba-dinh.xlsx", "14812", "Ba Đình")
    return config


def test_a_kill_at_any_step_of_the_switch_leaves_the_old_or_the_new_set(office, monkeypatch, tmp_path):
    run.consolidate(office)
    old = outputs_of(office.outputs)
    saved = tmp_path / "saved"
    shutil.copytree(office.outputs, saved)
    (office.inputs / "ba-dinh.xlsx").unlink()  # Ba Đình withdraws: its feedback must go too
    form(office.inputs / "lam-son.xlsx", "14815", "Lam Sơn")
    result = run.collect(office)
    run.write_outputs(office, result)
    new = outputs_of(office.outputs)
    assert new != old and not any(k.startswith("phan-hoi/14812") for k in new)
    real = os.replace
    outcomes = set()
    for step in range(1, 100):
        shutil.rmtree(office.outputs)
        shutil.copytree(saved, office.outputs)
        monkeypatch.setattr(output_set, "os", _Dying(step, real))
        try:
            run.write_outputs(office, result)
            finished = True
        except Killed:
            finished = False
        monkeypatch.setattr(output_set, "os", os)
        output_set.recover(office.outputs)  # what the next run does first, under the lock
        after = outputs_of(office.outputs)
        assert after in (old, new), step
        assert not [p for p in office.outputs.iterdir() if p.name.startswith(".tcpl-")], step
        outcomes.add("new" if after == new else "old")
        if finished:
            break
    assert step > 5 and outcomes == {"old", "new"}  # the kill fell before and after the commit point


def test_stale_temporary_files_and_folders_go_and_foreign_files_stay(office):
    office.outputs.mkdir(parents=True)
    (office.outputs / ".bim-son-2023-tong-hop.x1y2.tmp.xlsx").write_bytes(b"half")
    (office.outputs / ".tcpl-moi-abcd").mkdir()
    (office.outputs / ".tcpl-moi-abcd" / "ket-qua.csv").write_text("half")
    (office.outputs / ".tcpl-cu-efgh").mkdir()
    (office.outputs / "tham-dinh").mkdir()
    (office.outputs / "tham-dinh" / "phieu.xlsx").write_bytes(b"the council's")
    (office.outputs / "ghi-chu.txt").write_text("của văn phòng", encoding="utf-8")
    run.consolidate(office)
    names = sorted(p.name for p in office.outputs.iterdir())
    assert not [n for n in names if n.startswith(".")]
    assert (office.outputs / "tham-dinh" / "phieu.xlsx").read_bytes() == b"the council's"
    assert (office.outputs / "ghi-chu.txt").read_text(encoding="utf-8") == "của văn phòng"


def test_a_journal_left_half_way_is_finished_or_undone(tmp_path):
    outputs = tmp_path / "outputs"
    for state, expected in (("old", b"old"), ("new", b"new")):
        shutil.rmtree(outputs, ignore_errors=True)
        (outputs / ".tcpl-moi-1").mkdir(parents=True)
        (outputs / ".tcpl-cu-1").mkdir()
        (outputs / ".tcpl-moi-1" / "ket-qua.csv").write_bytes(b"new")
        (outputs / ".tcpl-cu-1" / "ket-qua.csv").write_bytes(b"old")  # moved out before the kill
        output_set._journal(outputs, state, outputs / ".tcpl-moi-1", outputs / ".tcpl-cu-1", ["ket-qua.csv"])
        output_set.recover(outputs)
        assert outputs_of(outputs) == {"ket-qua.csv": expected}
