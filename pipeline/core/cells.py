"""A1 cell addresses: the one place that turns (row, column) into "B4" and back, and orders them.

Rows and columns are 0-based everywhere in the code; only the A1 text is 1-based, as Excel
shows it. Ordering is by (row, column), so "B2" comes before "AA2" and "A10" after "A9".
"""

from __future__ import annotations

import functools
import re


def col_letter(col: int) -> str:
    """0-based column index -> letters: 0 -> 'A', 27 -> 'AB'."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


@functools.lru_cache(maxsize=65536)
def a1(row: int, col: int) -> str:
    """0-based (row, col) -> 'B4'. Cached: every form asks for the same few hundred cells."""
    return f"{col_letter(col)}{row + 1}"


_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def parse_a1(ref: str) -> tuple[int, int] | None:
    match = _A1.match(ref)
    return (int(match.group(2)) - 1, col_index(match.group(1))) if match else None


def cell_order(ref: str) -> tuple[int, int, str]:
    """Sort key for A1 texts in reading order: row, then column ("B2" < "AA2" < "A3").
    A text that is not an address (a range, a blank) sorts after every address, by its text."""
    parsed = parse_a1(ref) if ref else None
    if parsed is None:
        return (1 << 30, 1 << 30, ref or "")
    return (parsed[0], parsed[1], "")
