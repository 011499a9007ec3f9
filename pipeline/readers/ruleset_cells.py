"""Cell-level reading of the rule-set workbook: numbers, texts, statuses and pass rules, each
remembered with the cell it came from, and every problem kept with its sheet and cell.

`readers.ruleset_book` walks the sheets with these; the TOML loader's problems come back
located through `where` (TOML key -> cell).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pipeline.core import ruleset_layout as L
from pipeline.core.cells import a1
from pipeline.core.errors import TcplError
from pipeline.core.rules import RuleSetError
from pipeline.steps.values import is_blank, parse_number, strip_accents, text


@dataclass(frozen=True)
class BookProblem:
    sheet: str
    cell: str
    message: str

    def __str__(self) -> str:
        where = f"trang '{self.sheet}'" + (f", ô {self.cell}" if self.cell else "") if self.sheet else ""
        return f"{where}: {self.message}" if where else self.message


class RuleSetBookError(TcplError):
    """A rule-set workbook that cannot be imported; lists every problem found, located."""

    def __init__(self, file: str, problems: list[BookProblem]):
        self.file, self.problems = file, problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"Sổ bộ tiêu chí {file} có {len(problems)} lỗi, chưa ghi gì:\n{lines}")


@dataclass
class CellReader:
    sheets: dict[str, list[list[Any]]]
    problems: list[BookProblem] = field(default_factory=list)
    where: dict[str, tuple[str, str]] = field(default_factory=dict)  # TOML key -> (sheet, cell)
    # TOML keys under which the workbook already has a problem: the loader's sums there would
    # only repeat it (a text in 4.1's maximum makes TC4 "not add up").
    tainted: set[str] = field(default_factory=set)

    def taint(self, key: str) -> None:
        match = re.match(r"criteria\[\d+\]", key)
        self.tainted.add(match.group(0) if match else key)

    # -- plumbing
    def problem(self, sheet: str, row: int | None, col: int | None, message: str) -> None:
        cell = a1(row, col) if row is not None and col is not None else ""
        self.problems.append(BookProblem(sheet, cell, message))

    def rows(self, sheet: str) -> list[list[Any]] | None:
        rows = self.sheets.get(sheet)
        if rows is None:
            self.problem(
                sheet,
                None,
                None,
                "không thấy trang này (đã đổi tên hoặc xóa?): đổi lại tên cũ hoặc xuất lại sổ bằng tcpl rules export",
            )
        return rows

    @staticmethod
    def get(rows: list[list[Any]], r: int, c: int) -> Any:
        return rows[r][c] if r < len(rows) and c < len(rows[r]) else None

    def remember(self, key: str, sheet: str, r: int, c: int) -> None:
        self.where[key] = (sheet, a1(r, c))

    def number(
        self, sheet: str, rows, r: int, c: int, key: str, label: str, *, optional: bool = False, whole: bool = False
    ) -> float | int | None:
        value = self.get(rows, r, c)
        self.remember(key, sheet, r, c)
        if is_blank(value):
            if not optional:
                self.problem(sheet, r, c, f"{label}: chưa nhập số")
            return None
        number, ok = parse_number(value)
        if not ok or number is None:
            self.problem(sheet, r, c, f'{label}: "{text(value)}" không phải là số')
            self.taint(key)
            return None
        if whole:
            if not float(number).is_integer():
                self.problem(sheet, r, c, f"{label}: phải là số nguyên, gặp {text(value)}")
                return None
            return int(number)
        return int(number) if float(number).is_integer() else number

    def string(self, sheet: str, rows, r: int, c: int, key: str) -> str:
        self.remember(key, sheet, r, c)
        return text(self.get(rows, r, c))

    def yes_no(self, sheet: str, rows, r: int, c: int, key: str, label: str) -> bool | None:
        value = strip_accents(self.get(rows, r, c))
        self.remember(key, sheet, r, c)
        if value in (strip_accents(L.YES),):
            return True
        if value in (strip_accents(L.NO), ""):
            return False
        self.problem(sheet, r, c, f'{label}: chọn Có hoặc Không, gặp "{text(self.get(rows, r, c))}"')
        return None

    def provenance(self, sheet: str, rows, r: int, c: int, key: str) -> dict[str, str]:
        """Trạng thái at column c, Căn cứ at c + 1."""
        word = strip_accents(self.get(rows, r, c))
        status = {strip_accents(w): s for s, w in L.STATUS_WORDS.items()}.get(word)
        source = text(self.get(rows, r, c + 1))
        self.remember(key, sheet, r, c)
        self.remember(f"{key}.status", sheet, r, c)
        self.remember(f"{key}.source", sheet, r, c + 1)
        if status is None:
            shown = text(self.get(rows, r, c)) or "(trống)"
            self.problem(sheet, r, c, f'trạng thái "{shown}" không hợp lệ: chọn ' + ", ".join(L.STATUS_WORDS.values()))
            status = "provisional"
        elif status != "provisional" and not source:
            self.problem(
                sheet,
                r,
                c + 1,
                f'số liệu ghi "{L.STATUS_WORDS[status]}" phải ghi căn cứ (văn bản, điều, khoản) ở cột Căn cứ',
            )
        out = {"status": status}
        if source:
            out["source"] = source
        return out

    def pass_rule(self, sheet: str, rows, r: int, c: int, key: str, parts: int) -> dict[str, Any]:
        value = self.get(rows, r, c)
        self.remember(key, sheet, r, c)
        self.remember(f"{key}.n", sheet, r, c)
        if is_blank(value) or strip_accents(value) == strip_accents(L.PASS_ALL):
            return {"mode": "all"}
        number, ok = parse_number(value)
        if not ok or number is None or not float(number).is_integer():
            self.problem(sheet, r, c, f'ghi "{L.PASS_ALL}" hoặc một số nguyên từ 1 đến {parts}, gặp "{text(value)}"')
            return {"mode": "all"}
        return {"mode": "n_of_m", "n": int(number)}

    def loader_problems(self, exc: RuleSetError) -> None:
        """Each problem the TOML loader found, at the cell its key came from."""
        taken = {(p.sheet, p.cell) for p in self.problems}
        missing_sheets = {p.sheet for p in self.problems if not p.cell}
        for key, problem in exc.problems:
            sheet, cell = self._cell_of(key)
            if (sheet, cell) in taken or not sheet or (sheet in missing_sheets and not cell):
                continue
            if any(key == t or key.startswith((t + ".", t + "[")) for t in self.tainted):
                continue
            taken.add((sheet, cell))
            self.problems.append(BookProblem(sheet, cell, problem))

    def _cell_of(self, key: str) -> tuple[str, str]:
        probe = key
        while probe:
            if probe in self.where:
                return self.where[probe]
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        return ("", "")
