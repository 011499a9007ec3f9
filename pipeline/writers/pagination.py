"""Where the pages of a printed sheet end, for the documents that are signed and sent (the
recognition annex, the feedback letters).

Neither Excel nor LibreOffice measures rows when opening a file, so every row of such a sheet
is given its height (the one text-height model, writers/xlsx/measure.py) and `TrackedRows`
remembers them. `page_starts` counts them onto pages a little shorter than the real ones and
moves a page end up to before a row that must stay with the row under it (a title over its
table, a heading row over the first line, the closing lines over the signature). The caller
sets every page end it returns by hand: Excel and LibreOffice, which fit a few more rows on a
page, then never end a page anywhere else.
"""

from __future__ import annotations

from typing import Any

DEFAULT_ROW = 15  # points: a row given no height


class TrackedRows:
    """A worksheet, with the height given to each row remembered (every other call passes
    through), and the rows that keep with the next one."""

    def __init__(self, ws: Any):
        self._ws = ws
        self.heights: dict[int, float] = {}
        self.keep: set[int] = set()

    def set_row(self, row: int, height: float | None = None, *args: Any, **kwargs: Any) -> Any:
        self.heights[row] = height if height is not None else DEFAULT_ROW
        return self._ws.set_row(row, height, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ws, name)

    def keep_together(self, first: int, last: int) -> None:
        """Rows first..last on one page (each keeps with the next)."""
        self.keep.update(range(first, last))

    def height(self, row: int) -> float:
        return self.heights.get(row) or DEFAULT_ROW

    def total(self, upto: int, start: int = 0) -> float:
        return sum(self.height(r) for r in range(start, upto))

    def page_starts(self, upto: int, page: float, repeat: tuple[int, int] | None = None) -> list[int]:
        """The first row of every page after the first, as the rows before `upto` print on
        pages `page` points high (less the repeated rows `repeat`, on the pages after them)."""
        again = self.total(repeat[1] + 1, repeat[0]) if repeat else 0.0
        starts: list[int] = []
        top, used = 0, 0.0
        for row in range(upto):
            h = self.height(row)
            if used + h > page:
                start = row
                while start - 1 in self.keep and start - 1 > top:
                    start -= 1
                end = row
                while end in self.keep:  # the last row of the kept block
                    end += 1
                if self.total(end + 1, start) > page:  # a kept block longer than a page: end it here
                    start = row
                starts.append(start)
                top = start
                used = (again if repeat and start > repeat[1] else 0.0) + self.total(row, start)
            used += h
        return starts
