"""Last year's results: the `ket-qua.csv` that tcpl wrote a year ago (format in core/results_csv.py).

Never raises: a missing or unreadable file is a warning, and the year-over-year columns stay empty.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.core import results_csv
from pipeline.core.config import Config
from pipeline.core.model import PreviousResult
from pipeline.core.problems import Issue, issue


def load_previous(config: Config) -> tuple[dict[str, PreviousResult], int | None, list[Issue]]:
    """Last year's results by unit code, the year they are for, and any problem (warnings).

    [previous] results may name last year's outputs folder or its ket-qua.csv; the year comes
    from the run manifest next to it when there is one, else [previous] year, else year - 1.
    """
    path = config.previous_results
    if path is None:
        return {}, None, []
    csv_path = path / results_csv.FILE_NAME if path.is_dir() else path
    shown = str(csv_path)
    if not csv_path.is_file():
        return {}, None, [issue("PREVIOUS_MISSING", value=shown)]
    try:
        rows = results_csv.parse(csv_path.read_bytes())
    except (OSError, ValueError) as exc:
        return {}, None, [issue("PREVIOUS_UNREADABLE", value=f"{shown}: {exc}")]
    return rows, _manifest_year(csv_path.parent) or config.previous_year, []


def _manifest_year(folder: Path) -> int | None:
    for manifest in sorted(folder.glob("*-manifest.json")):
        try:
            year = json.loads(manifest.read_text(encoding="utf-8")).get("year")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(year, int):
            return year
    return None
