"""Property-based: mutated submissions never crash a run, and every file ends up used or
rejected with a problem saying why.

Two kinds of damage, each through the real pipeline (collect, then every writer):
- bytes flipped (or the file cut short) anywhere in a valid form's zip;
- input cells holding random values of random types (text with formula-like starts and
  control characters, huge or negative numbers, dates, booleans, blanks).
Deterministic (derandomize, no example database) so CI sees the same examples every time.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import builders
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.app import run
from pipeline.core.model import IGNORED, REJECTED, SUBMITTED, SUPERSEDED, USED
from pipeline.writers import form as form_mod

# Each example is one run of four damaged files (plus a good one): the run's fixed cost
# (great-expectations, ~1 s) is paid once per example, not once per file.
SETTINGS = settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
NAMES = form_mod.input_names(builders.RULE_SET)

UNITS = [("14809", "Bắc Sơn"), ("14815", "Lam Sơn"), ("14818", "Ngọc Trạo"), ("14821", "Đông Sơn")]
with tempfile.TemporaryDirectory() as _tmp:
    GOOD = [builders.form(Path(_tmp) / f"{code}.xlsx", code, name).read_bytes() for code, name in UNITS]
    CONTROL = builders.form(Path(_tmp) / "control.xlsx", "14812", "Ba Đình").read_bytes()
SIZE = min(len(g) for g in GOOD)

TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("=+-@\t\r\n 0123456789.,%/:;'\"điểmĐạtCóKhôngxãphường"), st.characters(codec="utf-8")
    ),
    max_size=40,
)
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    TEXT,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 12, 31)),
)


def run_folder(files: dict[str, bytes]):
    """Consolidate a folder holding `files` plus a good control submission; check the register."""
    with tempfile.TemporaryDirectory() as tmp:
        config = builders.make_config(Path(tmp), extra_units=False)
        for name, data in {**files, "control.xlsx": CONTROL}.items():
            (config.inputs / name).write_bytes(data)
        result = run.collect(config)
        run.write_outputs(config, result)  # every writer, on whatever the inputs carried

    register = {f.path: f for f in result.files}
    assert set(register) == {*files, "control.xlsx"}
    used = {u.file: u.unit.code for u in result.units if u.status == SUBMITTED}
    assert used.get("control.xlsx") == "14812"  # the good file is always used
    for path, record in register.items():
        assert record.status in (USED, SUPERSEDED, REJECTED, IGNORED), record
        if record.status == USED:
            assert used.get(path) == record.unit_code
        else:
            assert path not in used
            errors = [i for i in result.issues if i.file == path and i.severity == "error"]
            assert errors or record.status == SUPERSEDED, (path, record)
    return result


DAMAGE = st.tuples(
    st.lists(st.tuples(st.integers(0, SIZE - 1), st.integers(1, 255)), min_size=1, max_size=6),
    st.one_of(st.none(), st.integers(0, SIZE - 1)),
)


@SETTINGS
@given(damages=st.lists(DAMAGE, min_size=len(UNITS), max_size=len(UNITS)))
def test_damaged_bytes_never_crash_a_run(damages):
    files = {}
    for (code, _), good, (flips, cut) in zip(UNITS, GOOD, damages, strict=False):
        data = bytearray(good)
        for position, mask in flips:
            data[position] ^= mask
        files[f"{code}.xlsx"] = bytes(data[:cut] if cut is not None else data)
    run_folder(files)


@SETTINGS
@given(
    changes=st.lists(
        st.dictionaries(st.sampled_from(NAMES), VALUES, min_size=1, max_size=8),
        min_size=len(UNITS),
        max_size=len(UNITS),
    )
)
def test_random_cell_values_never_crash_a_run(changes):
    files = {}
    with tempfile.TemporaryDirectory() as tmp:
        for (code, name), change in zip(UNITS, changes, strict=False):
            values = {**builders.form_values(code, name), **change}
            path = form_mod.write_form(Path(tmp) / f"{code}.xlsx", builders.RULE_SET, builders.YEAR, values=values)
            files[path.name] = path.read_bytes()
    result = run_folder(files)
    for unit in result.units:  # never more than the maximum, whatever was typed
        assert unit.verdict is None or unit.verdict.total <= builders.RULE_SET.total_max
