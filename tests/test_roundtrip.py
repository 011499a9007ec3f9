"""LibreOffice round trip: a form filled by a program, then saved by LibreOffice as .xlsx, .xls
and .ods, reads to the same records, the same problems and the same verdict as the original.

Communes open the form in whatever they have (LibreOffice on many commune PCs) and send back
what that program saved, so every format the office accepts is produced here by the real
program: one `soffice --headless --convert-to` call per target format, batching both forms,
once per test session, with a private LibreOffice profile (so a desktop LibreOffice or a
parallel run does not clash with it).

Where `soffice` is missing the tests are skipped, unless TCPL_REQUIRE_LIBREOFFICE=1 (CI sets it
in .ci/run), in which case they fail: a CI that silently skipped them would prove nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from pipeline.app.run import collect
from pipeline.core import config as config_mod
from pipeline.core import layout, rules
from pipeline.core.problems import ERROR, Issue
from pipeline.readers.form import read_workbook
from pipeline.steps.frames import declaration_columns
from pipeline.steps.normalise import normalise
from pipeline.writers.form import write_form

pytestmark = pytest.mark.libreoffice

ROOT = Path(__file__).resolve().parent.parent
CONFIG = config_mod.load(ROOT / "config.toml")
YEAR = CONFIG.year
SOFFICE_TIMEOUT = 180  # seconds per conversion call; a cold start takes about 3 s

# target format -> LibreOffice export filter
FORMATS = {
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
    "xls": "xls:MS Excel 97",
    "ods": "ods:calc8",
}
FORMS = ("dat", "chua-dat")  # the two forms, by stem

# Columns of the frames holding what the commune entered (compared first, and on their own).
COVER_VALUES = [
    "unit_code",
    "unit_name",
    "unit_kind",
    "year",
    "report_date",
    "contact_name",
    "phone",
    "meta_template_id",
    "meta_template_version",
    "meta_rule_set",
    "meta_year",
    "meta_unit_code",
]
INDICATOR_VALUES = [
    "code",
    "points",
    "not_applicable",
    "numerator",
    "denominator",
    "passed",
    "figures",
    "evidence",
    "note",
]


# ------------------------------------------------------------------ LibreOffice


def require_soffice() -> str:
    """Path of LibreOffice's soffice; skip without it, or fail when TCPL_REQUIRE_LIBREOFFICE=1."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe:
        return exe
    why = "LibreOffice (soffice) is not on PATH"
    if os.environ.get("TCPL_REQUIRE_LIBREOFFICE") == "1":
        pytest.fail(
            f"{why}, and TCPL_REQUIRE_LIBREOFFICE=1 says the round-trip tests must run: "
            "apt-get install --no-install-recommends libreoffice-calc-nogui",
            pytrace=False,
        )
    pytest.skip(why)


def convert(soffice: str, sources: list[Path], target: str, out_dir: Path, profile: Path) -> float:
    """One soffice call converting every source to `target`; returns its wall time in seconds."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cmd = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        target,
        "--outdir",
        str(out_dir),
        *map(str, sources),
    ]
    start = time.monotonic()
    # Own process group: soffice is a wrapper script around soffice.bin, and a timeout must
    # stop the real office process too, not only the wrapper.
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=SOFFICE_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"soffice --convert-to {target} did not finish in {SOFFICE_TIMEOUT} s", pytrace=False)
    elapsed = time.monotonic() - start
    ext = target.split(":")[0]
    missing = [s.name for s in sources if not (out_dir / f"{s.stem}.{ext}").is_file()]
    if proc.returncode != 0 or missing:
        pytest.fail(
            f"soffice --convert-to {target} failed (exit {proc.returncode}, missing {missing}):\n{out}\n{err}",
            pytrace=False,
        )
    return elapsed


# ------------------------------------------------------------------ the forms


def recognised_values(rule_set: rules.RuleSet) -> dict[str, Any]:
    """A complete form typed the way a program writes it: numbers as numbers, a real date,
    decimals, the 'không phát sinh' mark, a rate, Vietnamese text everywhere. Scores Đạt."""
    unit = CONFIG.units[0]
    values: dict[str, Any] = {
        "ma_don_vi": unit.code,
        "ten_don_vi": unit.name,
        "loai_don_vi": unit.kind,
        "nam_danh_gia": YEAR,
        "ngay_bao_cao": dt.date(YEAR + 1, 1, 5),
        "nguoi_phu_trach": "Nguyễn Thị Hương, công chức Tư pháp - Hộ tịch",
        "dien_thoai": "0912345678",
    }
    for d in rule_set.conditions.declarations:
        values[d.key] = "Không"
    for n, ind in enumerate(rule_set.indicators):

        def name(field: str, code: str = ind.code) -> str:
            return layout.indicator_name(field, code)

        values[name("diem")] = ind.max - (1.75 if n % 4 == 1 else 0)  # quarter points: 4 - 1.75 = 2.25
        values[name("so_lieu")] = f"Đã tổ chức {n + 2} hội nghị phổ biến, giáo dục pháp luật; 1.250 lượt người"
        values[name("tai_lieu")] = f"Báo cáo số {n + 15}/BC-UBND ngày 20/12/{YEAR} của UBND phường"
        if n % 3 == 0:
            values[name("ghi_chu")] = "Ưu tiên đồng bào dân tộc thiểu số — “xã đảo”, ở vùng sâu."
        if ind.kind == "rate_bands":
            values[name("tu_so")], values[name("mau_so")] = 19, 20  # 95 %: the top band
            values[name("diem")] = ind.max
        if ind.not_applicable_full:
            values[name("khong_phat_sinh")] = "Có"
            values[name("diem")] = None  # left empty: "không phát sinh" gives the maximum
    decimals = [v for k, v in values.items() if k.startswith("diem_") and isinstance(v, float)]
    assert 2.25 in decimals, "the fill must include a quarter-point decimal"
    assert any(i.kind == "rate_bands" for i in rule_set.indicators)
    assert any(i.not_applicable_full for i in rule_set.indicators)
    return values


def typed_as_text_values(rule_set: rules.RuleSet) -> dict[str, Any]:
    """A pre-filled unit's form where the commune typed into text: '2,75' as text, the date as
    text, a rate typed as text, a formula-looking figure, a 900-character text, a line break.
    The disqualifying declaration is answered 'Có', so it scores Chưa đạt."""
    values: dict[str, Any] = {
        "ngay_bao_cao": f"09/01/{YEAR + 1}",
        "nguoi_phu_trach": "Trần Văn Bình\nPhó Chủ tịch UBND xã",
        "dien_thoai": "0237 3 824 567",
    }
    for d in rule_set.conditions.declarations:
        values[d.key] = "Có"
    long_text = ("Hồ sơ lưu tại bộ phận Tư pháp - Hộ tịch; " * 30)[:900]
    for n, ind in enumerate(rule_set.indicators):

        def name(field: str, code: str = ind.code) -> str:
            return layout.indicator_name(field, code)

        values[name("diem")] = f"{ind.max - 0.25:g}".replace(".", ",")  # "2,75", typed as text
        values[name("so_lieu")] = "=SUM(H7:H9)" if n == 0 else f"Số liệu năm {YEAR}: {n} văn bản"
        values[name("tai_lieu")] = long_text if n == 1 else f"Quyết định số {n}/QĐ-UBND"
        if ind.kind == "rate_bands":
            values[name("tu_so")], values[name("mau_so")] = "17", "20"  # 85 %, typed as text
            values[name("diem")] = 1
    return values


@dataclass(frozen=True)
class Read:
    """What the reader and normaliser make of one file."""

    cover: pd.DataFrame
    indicators: pd.DataFrame
    issues: list[Issue]
    cached_totals: dict[str, Any]


def read(path: Path, rule_set: rules.RuleSet) -> Read:
    sub, issues = read_workbook(path, path.name, rule_set)
    assert sub is not None, f"{path.name} did not read: {[(i.code, i.message) for i in issues]}"
    cover, indicators, parse_issues = normalise([sub], rule_set)
    return Read(
        cover,
        indicators.sort_values("code", ignore_index=True),
        issues + parse_issues,
        {k: v.value for k, v in sub.cached_totals.items()},
    )


@dataclass(frozen=True)
class RoundTrip:
    sources: dict[str, Path]  # form stem -> the program-written .xlsx
    converted: dict[str, dict[str, Path]]  # format -> form stem -> LibreOffice's file
    seconds: dict[str, float]  # format -> time of its soffice call


@pytest.fixture(scope="module")
def roundtrip(tmp_path_factory, rule_set) -> RoundTrip:
    soffice = require_soffice()
    base = tmp_path_factory.mktemp("roundtrip")
    src = base / "src"
    src.mkdir()
    sources = {
        "dat": write_form(
            src / "dat.xlsx", rule_set, YEAR, values=recognised_values(rule_set), office_name=CONFIG.office_name
        ),
        "chua-dat": write_form(
            src / "chua-dat.xlsx",
            rule_set,
            YEAR,
            unit=CONFIG.units[1],
            values=typed_as_text_values(rule_set),
            office_name=CONFIG.office_name,
        ),
    }
    converted, seconds = {}, {}
    for fmt, target in FORMATS.items():
        out = base / fmt
        seconds[fmt] = convert(soffice, list(sources.values()), target, out, base / "lo-profile")
        converted[fmt] = {stem: out / f"{stem}.{fmt}" for stem in sources}
    print("\nsoffice --convert-to: " + ", ".join(f"{f} {s:.1f} s" for f, s in seconds.items()))
    return RoundTrip(sources, converted, seconds)


@pytest.fixture(scope="module")
def originals(roundtrip, rule_set) -> dict[str, Read]:
    return {stem: read(path, rule_set) for stem, path in roundtrip.sources.items()}


# ------------------------------------------------------------------ comparisons


def _differences(expected: pd.DataFrame, actual: pd.DataFrame, columns: list[str], key: str) -> list[str]:
    """Every cell where the two frames differ, as 'key column: expected -> actual' lines."""
    assert len(expected) == len(actual), f"{len(expected)} rows became {len(actual)}"
    out = []
    for (_, e), (_, a) in zip(expected.iterrows(), actual.iterrows(), strict=True):
        for col in columns:
            x, y = e[col], a[col]
            same = (pd.isna(x) and pd.isna(y)) if (pd.isna(x) or pd.isna(y)) else x == y
            if not same or (type(x) is not type(y) and not (pd.isna(x) and pd.isna(y))):
                out.append(f"{e[key]} {col}: {x!r} -> {y!r}")
    return out


def _declaration_columns(rule_set: rules.RuleSet, part: int) -> list[str]:
    return [declaration_columns(d.key)[part] for d in rule_set.conditions.declarations]


def _problems(issues) -> list[tuple]:
    """Problems without the file name (it differs by extension)."""
    return sorted((i.code, i.severity, i.sheet, i.cell, i.indicator, i.value) for i in issues)


PAIRS = [(fmt, stem) for fmt in FORMATS for stem in FORMS]
IDS = [f"{fmt}-{stem}" for fmt, stem in PAIRS]


def test_require_soffice_skips_or_fails(monkeypatch):
    """Without soffice: skipped normally, a failure when TCPL_REQUIRE_LIBREOFFICE=1 (CI)."""
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv("TCPL_REQUIRE_LIBREOFFICE", raising=False)
    with pytest.raises(pytest.skip.Exception):
        require_soffice()
    monkeypatch.setenv("TCPL_REQUIRE_LIBREOFFICE", "1")
    with pytest.raises(pytest.fail.Exception, match="TCPL_REQUIRE_LIBREOFFICE=1"):
        require_soffice()


def test_sources_are_what_the_tests_think(originals, original_runs, rule_set):
    """Guard: the two originals read to the intended story, so the comparisons below mean something."""
    verdicts = {stem: next(iter(units.values())).verdict.label for stem, (_, units) in original_runs.items()}
    assert verdicts == {"dat": "Đạt", "chua-dat": "Chưa đạt"}
    dat, chua = originals["dat"], originals["chua-dat"]
    assert not [i for i in dat.issues if i.severity == ERROR]
    row = dat.indicators.set_index("code")
    assert 2.25 in row["points"].tolist()
    na = next(i.code for i in rule_set.indicators if i.not_applicable_full)
    rate = next(i.code for i in rule_set.indicators if i.kind == "rate_bands")
    assert bool(row.loc[na, "not_applicable"])
    assert row.loc[rate, ["numerator", "denominator"]].tolist() == [19, 20]
    assert dat.cover.loc[0, "report_date"] == pd.Timestamp(YEAR + 1, 1, 5)
    decl = _declaration_columns(rule_set, 0)
    assert dat.cover.loc[0, decl].tolist() == [False] * len(decl)
    assert chua.cover.loc[0, decl].tolist() == [True] * len(decl)
    assert chua.cover.loc[0, "report_date"] == pd.Timestamp(YEAR + 1, 1, 9)
    assert chua.indicators.set_index("code").loc[rate, ["numerator", "denominator"]].tolist() == [17, 20]


@pytest.mark.parametrize(("fmt", "stem"), PAIRS, ids=IDS)
def test_values_survive(roundtrip, originals, rule_set, fmt, stem):
    """Every value the commune entered reads the same from LibreOffice's file."""
    before, after = originals[stem], read(roundtrip.converted[fmt][stem], rule_set)
    cover_cols = COVER_VALUES + _declaration_columns(rule_set, 0)
    diffs = _differences(before.cover, after.cover, cover_cols, "unit_code")
    diffs += _differences(before.indicators, after.indicators, INDICATOR_VALUES, "code")
    assert not diffs, f"{fmt} changed values:\n" + "\n".join(diffs)
    assert after.cached_totals == before.cached_totals


@pytest.mark.parametrize(("fmt", "stem"), PAIRS, ids=IDS)
def test_cells_and_raw_text_survive(roundtrip, originals, rule_set, fmt, stem):
    """LibreOffice moves nothing: every value comes from the same sheet and cell, and the text
    shown in messages (the *_raw columns) is the same."""
    before, after = originals[stem], read(roundtrip.converted[fmt][stem], rule_set)
    cover_cols = ["sheet"] + [c for c in before.cover.columns if c.endswith(("_cell", "_raw"))]
    indicator_cols = ["sheet", "row"] + [c for c in before.indicators.columns if c.endswith(("_cell", "_raw"))]
    diffs = _differences(before.cover, after.cover, cover_cols, "unit_code")
    diffs += _differences(before.indicators, after.indicators, indicator_cols, "code")
    assert not diffs, f"{fmt} moved cells or changed raw text:\n" + "\n".join(diffs)


@pytest.mark.parametrize(("fmt", "stem"), PAIRS, ids=IDS)
def test_same_problems_no_errors(roundtrip, originals, rule_set, fmt, stem):
    """Reading LibreOffice's file reports exactly the original's problems: no new error, no new
    warning (.xls and .ods have no defined names; the reader must not need them)."""
    before, after = originals[stem], read(roundtrip.converted[fmt][stem], rule_set)
    assert _problems(after.issues) == _problems(before.issues)
    if stem == "dat":
        assert not [i for i in after.issues if i.severity == ERROR]


def _run(folder: Path, out: Path):
    result = collect(CONFIG.with_paths(inputs=folder, outputs=out))
    units = {u.unit.code: u for u in result.units if u.file}
    return result, units


def _verdict_summary(outcome) -> dict[str, Any]:
    v = outcome.verdict
    return {
        "status": outcome.status,
        "report_date": outcome.report_date,
        "days_late": outcome.days_late,
        "contact": (outcome.contact_name, outcome.contact_phone),
        "total": v.total,
        "recognised": v.recognised,
        "label": v.label,
        "criteria": v.criterion_points,
        "indicators": [(i.code, i.points, i.basis, i.passed) for i in v.indicators],
        "reasons": v.reasons,
        "provisional": v.provisional,
        "notes": v.notes,
        "details": outcome.details,
    }


@pytest.fixture(scope="module")
def original_runs(roundtrip, tmp_path_factory):
    """collect() on a folder holding just the original form, per form."""
    runs = {}
    for stem, path in roundtrip.sources.items():
        folder = tmp_path_factory.mktemp(f"in-orig-{stem}")
        shutil.copy2(path, folder)
        runs[stem] = _run(folder, tmp_path_factory.mktemp(f"out-orig-{stem}"))
    return runs


@pytest.mark.parametrize(("fmt", "stem"), PAIRS, ids=IDS)
def test_same_verdict(roundtrip, original_runs, tmp_path, fmt, stem):
    """The whole pipeline (read, normalise, validate, identify, score) on a folder holding just
    LibreOffice's file gives the original's total, verdict, reasons and details."""
    folder = tmp_path / "inputs"
    folder.mkdir()
    shutil.copy2(roundtrip.converted[fmt][stem], folder)
    before_result, before_units = original_runs[stem]
    after_result, after_units = _run(folder, tmp_path / "outputs")

    assert before_units.keys() == after_units.keys() and len(after_units) == 1
    (code,) = after_units
    before, after = _verdict_summary(before_units[code]), _verdict_summary(after_units[code])
    assert after["total"] == before["total"] and after["label"] == before["label"]
    assert after == before
    assert after_result.counts == before_result.counts

    name = roundtrip.converted[fmt][stem].name
    file_issues = [i for i in after_result.issues if i.file == name]
    assert not [(i.code, i.cell, i.message) for i in file_issues if i.severity == ERROR]
    original = [i for i in before_result.issues if i.file == roundtrip.sources[stem].name]
    assert _problems(file_issues) == _problems(original)
    assert [f.status for f in after_result.files] == [f.status for f in before_result.files]
