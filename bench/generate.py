"""The bench's inputs: a config with N synthetic units and N filled real forms (~5% with
problems), written on every core, shared between the sizes of one run by hard links."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROBLEM_SHARE = 0.05


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

    from pipeline.app.demo import PLAN, submission_values
    from pipeline.core.config import Unit
    from pipeline.core.rules import load
    from pipeline.writers.form import write_form

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
    chunks = [(str(target), year, items[k : k + 50]) for k in range(0, len(items), 50)]
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
