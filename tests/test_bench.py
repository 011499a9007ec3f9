"""The benchmark's pure parts: combining repeated runs and judging the targets (no timing here)."""

from bench.report import fastest, report


def _run(core, per_unit=0.005, straight=0.015, peak=300.0, n=700):
    return {
        "n": n,
        "workers": 2,
        "fixed_import_s": 4.0,
        "collect_s": core * 0.9,
        "summary_s": core * 0.1,
        "core_s": core,
        "per_unit_mode": "workbooks",
        "per_unit_s": per_unit,
        "feedback_per_unit_s": 0.005,
        "straightforward_per_unit_s": straight,
        "peak_mb": peak,
        "output_mb": 10.0,
        "files_used": n,
        "issues": 1,
    }


def test_fastest_keeps_the_fastest_core_run_whole_and_the_worst_memory():
    slow, quick = _run(6.0, per_unit=0.004, peak=900), _run(4.0, per_unit=0.006, straight=0.012, peak=700)
    row = fastest([slow, quick])
    assert (row["core_s"], row["collect_s"], row["summary_s"]) == (4.0, quick["collect_s"], quick["summary_s"])
    assert row["per_unit_s"] == 0.004 and row["straightforward_per_unit_s"] == 0.012  # each at its minimum
    assert row["peak_mb"] == 900  # memory: the worst run


def test_report_judges_each_target_from_marginal_costs():
    small = dict(_run(1.0, n=7), limit_per_file_s=0.0015)
    big = dict(_run(1.0 + 9993 * 0.0035, per_unit=0.004, n=10_000), limit_per_file_s=0.0015)
    text = report([small, big], baseline=1.0, sample=100, help_s=0.1)
    assert "| core ≤ 2.5× the limit | 2.33× | yes |" in text  # 3.5 ms marginal / 1.5 ms
    assert "| per-unit output ≥ 3× cheaper than straightforward (worst: N = 10,000, workbooks) | 3.8× | yes |" in text
    worse = dict(big, core_s=1.0 + 9993 * 0.0045)
    assert "| core ≤ 2.5× the limit | 3.00× | **no** |" in report([small, worse], 1.0, 100, 0.1)


def test_every_pipeline_name_the_bench_imports_exists():
    # The bench imports inside its functions (so a child process times the imports itself), and
    # only `make bench` runs them: a helper moved in the package would break it unnoticed.
    import ast
    import importlib
    import importlib.util
    from pathlib import Path

    for path in sorted((Path(__file__).resolve().parents[1] / "bench").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(("pipeline", "bench")):
                module = importlib.import_module(node.module)
                missing = [
                    a.name
                    for a in node.names
                    if not hasattr(module, a.name) and importlib.util.find_spec(f"{node.module}.{a.name}") is None
                ]
                assert not missing, f"{path.name}: from {node.module} import {', '.join(missing)}"
