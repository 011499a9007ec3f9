"""Keeps the README's table of problem codes in step with the catalogue in problems.py.

    python -m pipeline.app.docs README.md     # rewrite the table between its markers
A test fails when the README and the catalogue disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.core.problems import CATALOGUE, SEVERITY_LABEL

START, END = "<!-- problem-codes:start -->", "<!-- problem-codes:end -->"
AREAS = {
    "discover": "finding files",
    "read": "opening the workbook",
    "structure": "form and template",
    "identity": "which unit",
    "values": "values typed",
    "run": "the whole run",
    "season": "the season",
    "reports": "periodic reports",
}


def codes_table() -> str:
    rows = ["| code | severity | step | message (Vietnamese, as shown to the office) |", "|---|---|---|---|"]
    for code, spec in CATALOGUE.items():
        message = spec.message.replace("|", "\\|")
        rows.append(f"| `{code}` | {SEVERITY_LABEL[spec.severity]} | {AREAS.get(spec.area, spec.area)} | {message} |")
    return "\n".join(rows)


def with_table(readme: str) -> str:
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{codes_table()}\n{END}{tail}"


if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    path.write_text(with_table(path.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"{path}: {len(CATALOGUE)} problem codes")
