"""Page ends of the signed documents (writers/pagination.py): rows counted onto pages, a page
never ending under a row that keeps with the next, repeated headings counted on later pages."""

from __future__ import annotations

from pipeline.writers.pagination import TrackedRows


class _Sheet:
    def __init__(self):
        self.rows = {}

    def set_row(self, row, height=None, *args, **kwargs):
        self.rows[row] = height

    def fit_to_pages(self, wide, tall):
        self.fit = (wide, tall)


def rows_of(n: int, height: float = 20) -> TrackedRows:
    rows = TrackedRows(_Sheet())
    for r in range(n):
        rows.set_row(r, height)
    return rows


def test_heights_pass_through_and_are_remembered():
    rows = rows_of(3)
    assert rows._ws.rows == {0: 20, 1: 20, 2: 20} and rows.total(3) == 60
    rows.fit_to_pages(1, 0)  # any other call reaches the sheet
    assert rows._ws.fit == (1, 0)
    assert rows.height(7) == 15  # a row given no height


def test_rows_fill_pages_and_a_kept_block_moves_whole():
    rows = rows_of(80)
    assert rows.page_starts(80, 700) == [35, 70]  # 35 rows of 20 pt a page
    rows.keep_together(30, 36)
    assert rows.page_starts(80, 700) == [30, 65]
    rows = rows_of(80)
    rows.keep_together(10, 16)  # inside page 1: changes nothing
    assert rows.page_starts(80, 700) == [35, 70]


def test_repeated_headings_take_room_on_the_later_pages():
    rows = rows_of(80)
    assert rows.page_starts(80, 700, repeat=(2, 3)) == [35, 68]  # 33 rows under 40 pt of headings


def test_a_block_longer_than_the_page_still_breaks():
    rows = rows_of(80)
    rows.keep_together(0, 79)
    assert rows.page_starts(80, 700) == [35, 70]  # nothing to move it to: the page ends where it must
