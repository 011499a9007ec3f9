"""`make bench`: speed and memory at district, province and national scale.

For N = 7, 166, 700 and 10,000 submissions (filled real forms, ~5% with problems, written to a
temporary folder, removed at the end) it runs the pipeline in a fresh process per N and reports
wall time, time per file, peak memory and output size. In the same run, on the same files:
  - the baseline: the obvious implementation (pandas.read_excel with openpyxl per file and
    sheet, a great-expectations validation per file, the same scoring), on a sample;
  - the limit: merely reading every cell of each file with the fastest reader (python-calamine,
    one process, no checks, no scoring, no output);
  - a straightforward per-unit writer: the same unit sheet content written the obvious way
    (xlsxwriter, a sheet or workbook per unit with its own formats and a chart each), against
    the product's per-unit outputs.
Per-file costs exclude fixed start-up: they are marginal costs, (T(N) - T(N0)) / (N - N0), with
N0 the smallest size measured in the same run. Targets are ratios, so they hold on a noisy
machine; absolute times vary with the load. Peak memory is the largest sum of proportional set
sizes (PSS) of the pipeline process and its worker processes, sampled every 20 ms (Linux; the
process's own peak RSS elsewhere).

Usage: python -m pipeline.bench [--sizes 7,166,700,10000] [--sample 100]
TCPL_WORKERS=1 measures the single-process pipeline.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SIZES = (7, 166, 700, 10_000)
PROBLEM_SHARE = 0.05


# ------------------------------------------------------------------ generating submissions


def _config_text(n: int) -> str:
    """The repository's config with N synthetic units instead of the town's seven."""
    base = (REPO / "config.toml").read_text(encoding="utf-8")
    head = base[: base.index("[[units]]")]
    head = head.replace('rule_set = "qd25-2021"', f'rule_set = "{REPO / "pipeline/rulesets/qd25-2021.toml"}"')
    units = "".join(
        f'[[units]]\ncode = "{code}"\nname = "Đơn vị {code}"\nkind = "{"xã" if i % 3 else "phường"}"\n\n'
        for i, code in enumerate(_codes(n))
    )
    return head + units


def _codes(n: int) -> list[str]:
    return [f"{30000 + i:05d}" for i in range(n)]


def _write_chunk(args: tuple[str, int, list[tuple[int, str]]]) -> int:
    folder, year, items = args
    import datetime as dt

    from .config import Unit
    from .demo import PLAN, submission_values
    from .form import write_form
    from .rules import load

    rule_set = load("qd25-2021")
    for i, code in items:
        unit = Unit(code, f"Đơn vị {code}", "xã")
        every = round(1 / PROBLEM_SHARE)
        profile = "loi_du_lieu" if i % every == every - 1 else PLAN[i % 4]
        report = dt.date(year + 1, 1, 2 + i % 8)
        values = submission_values(rule_set, unit, profile, report, year)
        write_form(Path(folder) / f"{code}.xlsx", rule_set, year, unit=unit, values=values)
    return len(items)


def generate(root: Path, n: int, year: int = 2023, pool_dir: Path | None = None) -> Path:
    """Config plus N filled forms under root; returns the config path. With pool_dir, the forms
    are written there once (unit i always gets the same form) and hard-linked into root, so the
    sizes of one run share their files."""
    (root / "inputs").mkdir(parents=True, exist_ok=True)
    config = root / "config.toml"
    config.write_text(_config_text(n), encoding="utf-8")
    target = pool_dir or root / "inputs"
    target.mkdir(parents=True, exist_ok=True)
    items = [(i, code) for i, code in enumerate(_codes(n)) if not (target / f"{code}.xlsx").exists()]
    chunks = [(str(target), year, items[k:k + 50]) for k in range(0, len(items), 50)]
    if chunks:
        with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            list(pool.map(_write_chunk, chunks))
    if pool_dir:
        for code in _codes(n):
            try:
                os.link(pool_dir / f"{code}.xlsx", root / "inputs" / f"{code}.xlsx")
            except OSError:
                shutil.copyfile(pool_dir / f"{code}.xlsx", root / "inputs" / f"{code}.xlsx")
    return config


# ------------------------------------------------------------------ measuring (in a child process)


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


def measure_pipeline(config_path: Path) -> dict:
    """The product, stage by stage, in this (fresh) process."""
    t0 = time.perf_counter()
    import great_expectations  # noqa: F401 - the fixed import cost, paid once per run

    from . import config as config_mod
    from .exports import write_manifest, write_results_csv
    from .parallel import workers
    from .report import write_unit_workbooks, write_workbook
    from .report.feedback import write_feedback_workbooks
    from .discover import sha256_file
    from .run import collect, output_paths

    fixed_import = time.perf_counter() - t0
    cfg = config_mod.load(config_path)
    paths = output_paths(cfg)
    cfg.outputs.mkdir(parents=True, exist_ok=True)

    with MemorySampler() as memory:
        t = time.perf_counter()
        result = collect(cfg)
        t_collect = time.perf_counter() - t
        t = time.perf_counter()
        write_workbook(result, paths["workbook"], per_unit_sheets=False)
        write_results_csv(result, paths["csv"])
        write_manifest(result, paths["manifest"], sha256_file(cfg.source_file),
                       sha256_file(Path(result.rule_set.source_file)))
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
        "peak_mb": memory.peak_mb,
        "output_mb": out_bytes / 1e6,
        "files_used": sum(f.status == "used" for f in result.files),
        "issues": len(result.issues),
    }


def _timed(func, *args, **kwargs) -> float:
    t = time.perf_counter()
    func(*args, **kwargs)
    return time.perf_counter() - t


def straightforward_unit_output(result, folder: Path, limit: int, as_sheets: bool) -> None:
    """What anyone would write first, with the same content as the product's unit sheet: a
    sheet per unit (or a workbook per unit, like the product above its threshold), each sheet
    with its own formats, a chart each, one process, one unit after the other."""
    import xlsxwriter

    from .report import Formats, render_unit, sheet_names
    from .report.style import workbook_options
    from .report.unit import files_by_unit

    folder.mkdir(parents=True, exist_ok=True)
    names = sheet_names(result, set())
    files = files_by_unit(result)
    book = xlsxwriter.Workbook(str(folder / "units.xlsx"), workbook_options()) if as_sheets else None
    for outcome in result.units[:limit]:
        code = outcome.unit.code
        wb = book or xlsxwriter.Workbook(str(folder / f"{code}.xlsx"), workbook_options())
        ws = wb.add_worksheet(names[code])
        render_unit(ws, Formats(wb), result, outcome, files.get(code, []))  # Formats(wb): formats of its own
        verdict = outcome.verdict
        if verdict is not None:  # a bar per criterion: points against the maximum
            data = len(verdict.criteria)
            for r, c in enumerate(verdict.criteria):
                ws.write_row(200 + r, 20, [c.code, c.max, c.points])
            chart = wb.add_chart({"type": "bar"})
            chart.add_series({"name": "Tối đa", "categories": [ws.name, 200, 20, 199 + data, 20],
                              "values": [ws.name, 200, 21, 199 + data, 21]})
            chart.add_series({"name": "Điểm", "categories": [ws.name, 200, 20, 199 + data, 20],
                              "values": [ws.name, 200, 22, 199 + data, 22]})
            chart.set_title({"name": f"Điểm từng tiêu chí — {outcome.unit.name}"})
            ws.insert_chart(0, 11, chart)
        if book is None:
            wb.close()
    if book is not None:
        book.close()


def measure_baseline(files: list[Path], config_path: Path) -> float:
    """Per-file cost of the obvious implementation on a sample (seconds per file)."""
    import pandas as pd

    from . import config as config_mod
    from .normalise import normalise
    from .read import read_workbook
    from .validate import validate

    cfg = config_mod.load(config_path)
    rule_set = cfg.load_rule_set()
    subs = [read_workbook(p, p.name, rule_set)[0] for p in files]  # records for validation and scoring
    subs = [s for s in subs if s is not None]
    validate(*normalise(subs[:1], rule_set)[:2], rule_set, cfg)  # pay the GX import outside the timing
    from .scoring import IndicatorEntry, UnitEntries, score_unit

    t = time.perf_counter()
    for sub in subs:
        path = files[0].parent / sub.file
        for sheet in pd.ExcelFile(path, engine="openpyxl").sheet_names:
            pd.read_excel(path, sheet_name=sheet, engine="openpyxl", header=None)
        cover, indicators, _ = normalise([sub], rule_set)
        validate(cover, indicators, rule_set, cfg)
        entries = {r["code"]: IndicatorEntry(r["code"], points=None if pd.isna(r["points"]) else r["points"])
                   for r in indicators.to_dict("records")}
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


def _child(args: argparse.Namespace) -> None:
    kind = args.child
    if kind == "pipeline":
        out = measure_pipeline(Path(args.config))
    elif kind == "baseline":
        files = sorted(Path(args.config).parent.joinpath("inputs").glob("*.xlsx"))
        step = max(1, len(files) // max(1, args.sample))
        out = {"baseline_per_file_s": measure_baseline(files[::step][: args.sample], Path(args.config))}
    else:
        files = sorted(Path(args.config).parent.joinpath("inputs").glob("*.xlsx"))
        out = {"limit_per_file_s": measure_limit(files)}
    print("RESULT " + json.dumps(out))


def _run_child(kind: str, config: Path, sample: int = 0) -> dict:
    cmd = [sys.executable, "-m", "pipeline.bench", "--child", kind, "--config", str(config), "--sample", str(sample)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if proc.returncode or line is None:
        raise SystemExit(f"bench child {kind} failed:\n{proc.stderr[-3000:]}")
    return json.loads(line[len("RESULT "):])


def help_time() -> float:
    times = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pipeline", "--help"], capture_output=True, cwd=REPO, check=True)
        times.append(time.perf_counter() - t)
    return sorted(times)[len(times) // 2]


# ------------------------------------------------------------------ the report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--sample", type=int, default=100, help="files in the baseline sample")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--config", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args)

    sizes = sorted(int(s) for s in args.sizes.split(","))
    root = Path(tempfile.mkdtemp(prefix="tcpl-bench-"))
    rows = []
    try:
        t = time.perf_counter()
        generate(root / "all", max(sizes), pool_dir=root / "forms")
        print(f"generated {max(sizes):,} forms in {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
        for n in sizes:
            config = generate(root / str(n), n, pool_dir=root / "forms")
            row = _run_child("pipeline", config)
            row.update(_run_child("limit", config))
            rows.append(row)
            print(f"N={n:,}: core {row['core_s']:.1f} s, per-unit {row['per_unit_s'] * 1000:.1f} ms, "
                  f"peak {row['peak_mb']:.0f} MB", file=sys.stderr, flush=True)
        baseline = _run_child("baseline", root / str(max(sizes)) / "config.toml", args.sample)["baseline_per_file_s"]
        print(report(rows, baseline, args.sample, help_time()))
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _machine() -> str:
    cpu = ""
    try:
        cpu = next(ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                   if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        mem_text = f", {mem:.0f} GB RAM"
    except (ValueError, OSError, AttributeError):
        mem_text = ""
    return (f"{os.cpu_count()} cores{f' ({cpu})' if cpu else ''}{mem_text}, {sys.platform}, "
            f"Python {sys.version.split()[0]}; {time.strftime('%Y-%m-%d')}")


def report(rows: list[dict], baseline: float, sample: int, help_s: float) -> str:
    small = rows[0]
    lines = [
        f"Machine: {_machine()}",
        "",
        "| N | core wall | core / file (marginal) | limit / file | per-unit output / unit | straightforward / unit "
        "| feedback / unit | peak memory | outputs | workers |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    marginal = {}
    for r in rows:
        per_file = r["core_s"] / r["n"] if r is small else (r["core_s"] - small["core_s"]) / (r["n"] - small["n"])
        marginal[r["n"]] = per_file
        lines.append(
            f"| {r['n']:,} | {r['core_s']:.2f} s | {per_file * 1000:.2f} ms | {r['limit_per_file_s'] * 1000:.2f} ms "
            f"| {r['per_unit_s'] * 1000:.1f} ms ({r['per_unit_mode']}) | {r['straightforward_per_unit_s'] * 1000:.1f} ms "
            f"| {r['feedback_per_unit_s'] * 1000:.1f} ms | {r['peak_mb']:.0f} MB | {r['output_mb']:.1f} MB "
            f"| {r['workers']} |")
    big = rows[-1]
    core = marginal[big["n"]]
    limit = big["limit_per_file_s"]
    mid = next((marginal[r["n"]] for r in rows if r["n"] == 700 and r is not big), None)
    # Below ~100 units the per-unit time is the difference of two small workbook writes: noise.
    ratios = [(r, r["straightforward_per_unit_s"] / r["per_unit_s"]) for r in rows
              if r["per_unit_s"] > 0 and (r["n"] >= 100 or len(rows) == 1)]
    worst_unit = min(ratios, key=lambda x: x[1]) if ratios else None
    lines += [
        "",
        f"Fixed start-up (imports incl. great-expectations): {big['fixed_import_s']:.1f} s, paid once per run "
        "(not in the times above).",
        f"Baseline (pandas+openpyxl read per sheet, great-expectations validation per file, same scoring; "
        f"{sample} files): {baseline * 1000:.0f} ms/file.",
        f"Limit (python-calamine reading every cell of every sheet, one process): {limit * 1000:.2f} ms/file.",
        "",
        "| target | measured | met |",
        "|---|---:|:---:|",
        f"| core ≥ 50× cheaper than the baseline | {baseline / core:.0f}× | {_yes(baseline / core >= 50)} |",
        f"| core ≤ 2.5× the limit | {core / limit:.2f}× | {_yes(core / limit <= 2.5)} |",
    ]
    if worst_unit:
        r, ratio = worst_unit
        lines.append(f"| per-unit output ≥ 3× cheaper than straightforward (worst: N = {r['n']:,}, "
                     f"{r['per_unit_mode']}) | {ratio:.1f}× | {_yes(ratio >= 3)} |")
    if mid:
        lines.append(f"| per-file cost at {big['n']:,} within 1.5× of 700 | {core / mid:.2f}× | {_yes(core / mid <= 1.5)} |")
    lines += [
        f"| peak memory at {big['n']:,} < 1.5 GB | {big['peak_mb']:.0f} MB | {_yes(big['peak_mb'] < 1536)} |",
        f"| `tcpl --help` < 1 s | {help_s:.2f} s | {_yes(help_s < 1)} |",
    ]
    return "\n".join(lines)


def _yes(ok: bool) -> str:
    return "yes" if ok else "**no**"


if __name__ == "__main__":
    main()
