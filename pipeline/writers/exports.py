"""Machine-readable outputs: the results CSV and the run manifest.

- `ket-qua.csv`: one row per unit, in the format of core/results_csv.py (which last year's
  copy is also read back with).
- the manifest (JSON): what went in (config, rule set, every file with its hash) and what came
  out (counts), so a printed result can be traced back to the exact files.

Both are written atomically and byte-identically for the same RunResult.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from pipeline.core.model import SUBMITTED, RunResult, UnitOutcome
from pipeline.core.results_csv import ENCODING, LINE_END, STATUS_TEXT, cell, header, neutralise, number
from pipeline.core.text import reasons_text, rejected_files, verdict_text
from pipeline.writers.atomic import atomic_output


def write_results_csv(result: RunResult, path: Path) -> Path:
    criteria = [c.code for c in result.rule_set.criteria]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=LINE_END)
    writer.writerow(header(criteria, result.rule_set.scoring == "pass_fail"))
    rejected = rejected_files(result)
    for u in result.units:
        writer.writerow(_csv_row(u, criteria, rejected.get(u.unit.code, [])))
    return _write_text(path, buffer.getvalue(), encoding=ENCODING)


def _csv_row(u: UnitOutcome, criteria: list[str], rejected: list) -> list[str]:
    usable = u.status == SUBMITTED and u.verdict is not None
    per_criterion = u.verdict.criterion_results if usable else {}
    text = [u.unit.code, u.unit.name, u.unit.kind, STATUS_TEXT.get(u.status, u.status)]
    return [
        *(neutralise(t) for t in text),
        u.report_date.isoformat() if u.report_date else "",
        "" if u.days_late is None else str(u.days_late),
        *(cell(per_criterion.get(c)) for c in criteria),
        number(u.verdict.headline) if usable else "",
        neutralise(verdict_text(u)),
        neutralise(reasons_text(u, rejected)),
    ]


def write_manifest(result: RunResult, path: Path, config_sha256: str, rule_set_sha256: str) -> Path:
    rs = result.rule_set
    data: dict[str, Any] = {
        "tool": {"name": "tcpl", "version": result.tool_version},
        "generated_at": result.generated_at.isoformat(),
        "year": result.config.year,
        "config": {"path": portable(result.config.source_file, result.config.base_dir), "sha256": config_sha256},
        "rule_set": {
            "id": rs.id,
            "name": rs.name,
            "file": portable(rs.source_file, result.config.base_dir),
            "sha256": rule_set_sha256,
            "provisional_figures": rs.provisional_figures,
            # what the results rest on; and for every figure, who confirmed it against what
            "provisional_figures_used": result.used_provisional_figures(),
            "confirmed_by": rs.confirmed_by,
            "figures": [
                {"figure": f.label, "status": f.provenance.status, "basis": f.provenance.source} for f in rs.figures
            ],
        },
        "files": [
            {
                "path": f.path,
                "size": f.size,
                "sha256": f.sha256,
                "modified": f.modified.isoformat(),
                "status": f.status,
                "unit": f.unit_code,
                "note": f.note,
            }
            for f in sorted(result.files, key=lambda f: f.path)
        ],
        "counts": result.counts,
    }
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return _write_text(path, text, encoding="utf-8")


def portable(path: str | Path, base: Path) -> str:
    """A path as the manifest records it: relative to the config's folder, or to the tool for a
    built-in rule set, never the absolute path (it differs between machines and folders, and
    names the user's folders; the hash is what identifies the file)."""
    path = Path(path)
    for root in (Path(base), Path(__file__).resolve().parents[2]):
        try:
            return path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            continue
    return path.name


def _write_text(path: Path, text: str, encoding: str) -> Path:
    path = Path(path)
    with atomic_output(path) as tmp:
        # newline="" keeps the CSV's \r\n as written, on every platform.
        with open(tmp, "w", encoding=encoding, newline="") as f:
            f.write(text)
    return path
