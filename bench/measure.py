"""The measurements, each made in a fresh child process: the pipeline stage by stage (with its
peak memory), the obvious baseline on a sample, and the limit (reading every cell)."""

from __future__ import annotations

import os
import resource
import time
from pathlib import Path

from bench.straightforward import straightforward_unit_output


class MemorySampler:
    """Peak of the summed PSS of this process and its children (worker processes share most
    pages with their parent; PSS counts a shared page once overall). Falls back to ru_maxrss."""

    def __init__(self, every: float = 0.02):
        import threading

        self.peak_kb = 0
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.available = Path("/proc/self/smaps_rollup").exists()

    def __enter__(self):
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self.available:
            self._thread.join()
            self._sample()

    def _run(self):
        while not self._stop.wait(self._every):
            self._sample()

    def _sample(self):
        total = 0
        for pid in [os.getpid(), *_children(os.getpid())]:
            try:
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
            except OSError:
                pass  # a worker that just exited
        self.peak_kb = max(self.peak_kb, total)

    @property
    def peak_mb(self) -> float:
        return self.peak_kb / 1024 if self.available else _peak_mb()


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            kids = [int(k) for k in (task / "children").read_text().split()]
        except OSError:
            continue
        for kid in kids:
            out += [kid, *_children(kid)]
    return out


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class NoSampler:
    """Stands in for MemorySampler in the timed runs: reading smaps_rollup of a 1 GB process
    takes ~15 ms, so sampling every 20 ms would take most of a core from what is being timed."""

    peak_mb = 0.0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


def measure_pipeline(config_path: Path, memory: bool = True) -> dict:
    """The product, stage by stage, in this (fresh) process; peak memory only when `memory`."""
    t0 = time.perf_counter()
    import great_expectations  # noqa: F401 - the fixed import cost, paid once per run

    from pipeline.app.run import collect, output_paths
    from pipeline.core import config as config_mod
    from pipeline.infra.parallel import workers
    from pipeline.readers.discover import sha256_file
    from pipeline.writers.exports import write_manifest, write_results_csv
    from pipeline.writers.feedback import write_feedback_workbooks
    from pipeline.writers.workbook import write_unit_workbooks, write_workbook

    fixed_import = time.perf_counter() - t0
    cfg = config_mod.load(config_path)
    paths = output_paths(cfg)
    cfg.outputs.mkdir(parents=True, exist_ok=True)

    with MemorySampler() if memory else NoSampler() as sampler:
        t = time.perf_counter()
        result = collect(cfg)
        t_collect = time.perf_counter() - t
        t = time.perf_counter()
        write_workbook(result, paths["workbook"], per_unit_sheets=False)
        write_results_csv(result, paths["csv"])
        write_manifest(
            result, paths["manifest"], sha256_file(cfg.source_file), sha256_file(Path(result.rule_set.source_file))
        )
        t_summary = time.perf_counter() - t
        n = len(result.units)

        sheets = n <= cfg.per_unit_sheets_max
        if sheets:
            # In the product these are sheets of the main workbook: time the difference.
            with_sheets = _timed(write_workbook, result, paths["workbook"], per_unit_sheets=True)
            t_units = with_sheets - _timed(write_workbook, result, paths["workbook"], per_unit_sheets=False)
            write_workbook(result, paths["workbook"], per_unit_sheets=True)
        else:
            t_units = _timed(write_unit_workbooks, result, paths["units"])
        t_feedback = _timed(write_feedback_workbooks, result, paths["feedback"])
    feedback_n = max(1, sum(1 for _ in paths["feedback"].glob("*.xlsx")))

    # The straightforward writer on the same units (at most 300: it is linear and slow).
    sample = min(n, 300)
    straight_dir = cfg.outputs.parent / "straightforward"
    t = time.perf_counter()
    straightforward_unit_output(result, straight_dir, sample, sheets)
    t_straight = (time.perf_counter() - t) / sample

    out_bytes = sum(f.stat().st_size for f in cfg.outputs.rglob("*") if f.is_file())
    return {
        "n": n,
        "workers": workers(n),
        "fixed_import_s": fixed_import,
        "collect_s": t_collect,
        "summary_s": t_summary,
        "core_s": t_collect + t_summary,
        "per_unit_mode": "sheets" if sheets else "workbooks",
        "per_unit_s": t_units / n,
        "feedback_per_unit_s": t_feedback / feedback_n,
        "straightforward_per_unit_s": t_straight,
        "peak_mb": sampler.peak_mb,
        "output_mb": out_bytes / 1e6,
        "files_used": sum(f.status == "used" for f in result.files),
        "issues": len(result.issues),
    }


def _timed(func, *args, **kwargs) -> float:
    t = time.perf_counter()
    func(*args, **kwargs)
    return time.perf_counter() - t


def measure_baseline(files: list[Path], config_path: Path) -> float:
    """Per-file cost of the obvious implementation on a sample (seconds per file)."""
    import pandas as pd

    from pipeline.core import config as config_mod
    from pipeline.readers.form import read_workbook
    from pipeline.steps.normalise import normalise
    from pipeline.steps.validate import validate

    cfg = config_mod.load(config_path)
    rule_set = cfg.load_rule_set()
    subs = [read_workbook(p, p.name, rule_set)[0] for p in files]  # records for validation and scoring
    subs = [s for s in subs if s is not None]
    validate(*normalise(subs[:1], rule_set)[:2], rule_set, cfg)  # pay the GX import outside the timing
    from pipeline.core.verdict import IndicatorEntry, UnitEntries
    from pipeline.steps.scoring import score_unit

    t = time.perf_counter()
    for sub in subs:
        path = files[0].parent / sub.file
        for sheet in pd.ExcelFile(path, engine="openpyxl").sheet_names:
            pd.read_excel(path, sheet_name=sheet, engine="openpyxl", header=None)
        cover, indicators, _ = normalise([sub], rule_set)
        validate(cover, indicators, rule_set, cfg)
        entries = {
            r["code"]: IndicatorEntry(r["code"], points=None if pd.isna(r["points"]) else r["points"])
            for r in indicators.to_dict("records")
        }
        score_unit(rule_set, UnitEntries(entries, {}))
    return (time.perf_counter() - t) / len(subs)


def measure_limit(files: list[Path]) -> float:
    """Per-file cost of reading every cell of every sheet with python-calamine (one process)."""
    from python_calamine import CalamineWorkbook

    t = time.perf_counter()
    cells = 0
    for path in files:
        wb = CalamineWorkbook.from_path(str(path))
        for name in wb.sheet_names:
            cells += sum(len(row) for row in wb.get_sheet_by_name(name).to_python())
    assert cells
    return (time.perf_counter() - t) / len(files)
