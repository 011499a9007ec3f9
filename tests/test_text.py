"""core.text: the one place numbers, dates, verdicts and reasons are rendered in Vietnamese."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from pipeline.core.problems import display, issue
from pipeline.core.text import date_text, number_text, on_time_text, place_name, value_text


@pytest.mark.parametrize(
    "x, expected",
    [
        (2.125, "2,125"),  # as typed: not cut to '2,12' on sheets nor kept to 4 decimals in messages
        (1234567.5, "1234567,5"),  # never '1,23457e+06'
        (0.1 + 0.2, "0,3"),  # no binary noise
        (-0.0, "0"),
        (1e-7, "0,0000001"),  # no exponent
        (1e20, "100000000000000000000"),
        (3, "3"),
        (3.0, "3"),
        (-12, "-12"),
        (10**20, "100000000000000000000"),
        (2.5, "2,5"),
        (-2.5, "-2,5"),
        (0.25, "0,25"),
        (80, "80"),
        (Fraction(7, 2), "3,5"),
        (Fraction(1, 3), "0,333333333333333"),  # 15 significant digits
        (Decimal("2.50"), "2,5"),
        (None, ""),
    ],
)
def test_number_text(x, expected):
    assert number_text(x) == expected


@pytest.mark.parametrize(
    "x, expected",
    [
        (2 / 3 * 100, "66,67"),
        (3.125, "3,13"),  # half away from zero, as Excel's 0.00 shows it
        (66.665, "66,67"),  # the decimal value, not its binary neighbour below
        (50.0, "50"),
        (12.5, "12,5"),
        (-0.001, "0"),
        (1e-7, "0"),
        (Fraction(200, 3), "66,67"),
    ],
)
def test_number_text_with_places(x, expected):
    assert number_text(x, places=2) == expected


def test_messages_and_sheets_render_numbers_alike():
    assert display(2.125) == value_text(2.125) == number_text(2.125) == "2,125"
    assert display(True) == "Có" and display(False) == "Không" and display(None) == ""
    assert display("2.5") == "2.5"  # text stays as it was typed
    assert issue("FILE_CORRUPT", value=1234567.5).value == "1234567,5"


def test_labels():
    assert date_text(dt.date(2024, 1, 5)) == "05/01/2024" and date_text(None) == ""
    assert on_time_text(None) == "—" and on_time_text(0) == "Đúng hạn" and on_time_text(3) == "Muộn 3 ngày"
    assert place_name("Thị xã Bỉm Sơn") == "Bỉm Sơn" and place_name("Bỉm Sơn") == "Bỉm Sơn"


def test_slug_is_strip_accents_in_ascii_words():
    from pipeline.steps.values import slug, strip_accents

    for name in ("Ngọc Trạo", "Đông Sơn", "Thị trấn  Hà Lan", "Ba Đình (cũ)", "Quang-Trung 2"):
        assert slug(name) == "-".join("".join(c if c.isalnum() else " " for c in strip_accents(name)).split())
    assert slug("Ba Đình (cũ)") == "ba-dinh-cu"
