"""Pure parsers from raw cell values (as the reader found them) to typed values.

Each parser returns (value, ok): value None with ok True means the cell was blank; ok False
means something was written that cannot be understood, and the caller reports it with the
cell's address. Nothing here knows about files, cells or issues.

Communes type numbers the Vietnamese way ("8,5"), add units ("8 điểm"), and save from Excel,
LibreOffice or WPS, which store the same entry as float, int or text: every parser accepts
all the shapes a cell can come in.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Any

from pipeline.core.text import value_text

_SPACES = re.compile(r"\s+")


def text(value: Any) -> str:
    """Cell value as display text: NFC, stripped, internal whitespace collapsed; '' if blank."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        # 912345678.0 -> '912345678': a number typed into a text field, not a decimal.
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().strftime("%d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()


def raw_text(value: Any) -> str:
    """The value as typed, for messages and '<column>_raw' columns (NFC, otherwise untouched)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value_text(value)  # 2.5 -> '2,5': how a Vietnamese Excel shows what was typed
    return text(value)


def is_blank(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, str) and not value.strip())
        or (isinstance(value, float) and math.isnan(value))
    )


def strip_accents(value: Any) -> str:
    """Text for comparisons: no diacritics, đ -> d, lowercase, whitespace collapsed.

    'Mã  đơn vị' and 'ma don vi' compare equal, so labels retyped without a Vietnamese
    keyboard or with double spaces still match.
    """
    decomposed = unicodedata.normalize("NFD", text(value))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.replace("đ", "d").replace("Đ", "D").lower()


def slug(value: Any) -> str:
    """ASCII file-name slug: 'Ngọc Trạo' -> 'ngoc-trao': `strip_accents`, then its ASCII letters
    and digits, words joined by '-'."""
    return "-".join("".join(ch if ch.isascii() and ch.isalnum() else " " for ch in strip_accents(value)).split())


def code_text(value: Any) -> str:
    """An indicator code as text: 1.1 (float, from a sheet saved by another program) -> '1.1'."""
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # repr gives the shortest round-tripping form: 1.1 -> '1.1', 2.5 -> '2.5', 3.0 -> '3.0'
        return "" if math.isnan(value) else (str(int(value)) if value.is_integer() else repr(value))
    return text(value)


UNIT_CODE_DIGITS = 5  # codes of the national list of administrative units (config pads ints the same way)


def unit_code(value: Any) -> str:
    """Administrative unit code as a digit string.

    14809.0 (a number cell) -> '14809'; '014809' (text) keeps its zeros; short codes are padded
    to 5 digits like config.toml does, because Excel drops the leading zeros of '00004' typed
    into a number cell. Anything else is returned as cleaned text for validation to report.
    """
    if isinstance(value, bool):
        return text(value)
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return str(int(value)).zfill(UNIT_CODE_DIGITS)
    if isinstance(value, int) and value >= 0:
        return str(value).zfill(UNIT_CODE_DIGITS)
    cleaned = text(value).replace(" ", "")
    if cleaned.isdigit() and cleaned.isascii():
        return cleaned.zfill(UNIT_CODE_DIGITS)
    return text(value)


# "8", "8,5", "8.5", "-1", "8,5 điểm", "8 diem"; a single decimal separator, no thousands.
_NUMBER = re.compile(r"^([+-]?)(\d+)(?:[.,](\d+))?$|^([+-]?)[.,](\d+)$")
_UNIT_WORDS = ("diem", "d")

# No figure a form holds comes near 1e9: points are at most 100, a rate's counts are people or
# cases of one commune, and the whole country has ~1e8 people. Beyond the bound a value is a
# typo (a stuck key, "1" and 400 zeros, which float() makes infinity), and refusing it keeps
# every sum of thousands of figures exact in float64 (< 2**53) and writable to Excel.
NUMBER_LIMIT = 1e9


def parse_number(value: Any) -> tuple[float | None, bool]:
    """A finite number with |x| <= NUMBER_LIMIT; infinity, NaN typed as text and anything larger
    are not understood (ok False). A NaN float is a blank (how a frame spells one)."""
    number, ok = _read_number(value)
    if number is None or not ok:
        return number, ok
    return (number, True) if abs(number) <= NUMBER_LIMIT else (None, False)


def number_too_large(value: Any) -> bool:
    """True when the value is written as a number, but one beyond NUMBER_LIMIT (or so long it
    overflows to infinity): a figure out of range rather than text that is no number."""
    if isinstance(value, float) and not math.isfinite(value):
        return False  # infinity in a cell (an .ods can hold one) was never typed as a number
    number, ok = _read_number(value)
    return ok and number is not None and not abs(number) <= NUMBER_LIMIT


def _read_number(value: Any) -> tuple[float | None, bool]:
    """parse_number without the bound: may give infinity for a long run of digits."""
    if is_blank(value):
        return None, True
    if isinstance(value, bool):
        return None, False  # a ticked checkbox is not a score
    if isinstance(value, (int, float)):
        if isinstance(value, int) and abs(value) > NUMBER_LIMIT:
            return math.inf, True  # float() of a huge int raises OverflowError
        number = float(value)
        # A formula like =0.1*22.5 gives 2.2500000000000004: that is 2.25 to anyone who typed it.
        return (round(number, 9), True) if math.isfinite(number) else (None, False)
    if not isinstance(value, str):
        return None, False
    cleaned = strip_accents(value)
    for word in _UNIT_WORDS:
        if cleaned.endswith(word) and cleaned[: -len(word)].rstrip()[-1:].isdigit():
            cleaned = cleaned[: -len(word)].rstrip()
            break
    # Internal spaces are not removed: "8 5" is a typo, not 85.
    match = _NUMBER.match(cleaned)
    if not match:
        return None, False
    return float(cleaned.replace(",", ".")), True


# The years a form can be about (parse_year) and the dates a report can carry: the form's own
# validation narrows both (year 2000-2100, a report date in the assessed year or the next), and
# validation warns about a date outside the season (REPORT_DATE_OUT_OF_RANGE). These bounds only
# say "this is a date at all": a typo like 05/01/3024 is REPORT_DATE_INVALID, never a value
# pandas cannot hold (its nanosecond timestamps end at 1677 and 2262).
YEAR_MIN, YEAR_MAX = 1900, 2100
DATE_MIN, DATE_MAX = dt.date(YEAR_MIN, 1, 1), dt.date(YEAR_MAX, 12, 31)

# Excel serial dates: 25569 = 1970-01-01, 73415 = 2100-12-31 (DATE_MAX). Below 1970 a number in
# a date cell is more likely a typo (a year, a phone number) than a date.
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 25569, (DATE_MAX - _EXCEL_EPOCH.date()).days + 1
_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")


def parse_date(value: Any) -> tuple[dt.date | None, bool]:
    """A date between DATE_MIN and DATE_MAX, however the cell holds it; outside them, not a date."""
    date, ok = _read_date(value)
    if date is None or not ok:
        return date, ok
    return (date, True) if DATE_MIN <= date <= DATE_MAX else (None, False)


def _read_date(value: Any) -> tuple[dt.date | None, bool]:
    if is_blank(value):
        return None, True
    if isinstance(value, dt.datetime):
        return value.date(), True
    if isinstance(value, dt.date):
        return value, True
    if isinstance(value, bool):
        return None, False
    if isinstance(value, (int, float)):
        if not (math.isfinite(value) and _SERIAL_MIN <= value < _SERIAL_MAX):
            return None, False
        return (_EXCEL_EPOCH + dt.timedelta(days=int(value))).date(), True
    if not isinstance(value, str):
        return None, False
    cleaned = text(value)
    if match := _DMY.match(cleaned):
        day, month, year = (int(g) for g in match.groups())
    elif match := _YMD.match(cleaned):
        year, month, day = (int(g) for g in match.groups())
    else:
        return None, False
    try:
        return dt.date(year, month, day), True
    except ValueError:  # 31/02/2024
        return None, False


_YES = {"co", "x", "yes", "y", "1", "true", "dung"}
_NO = {"khong", "ko", "k", "no", "n", "0", "false", "sai"}


def parse_yes_no(value: Any) -> tuple[bool | None, bool]:
    if is_blank(value):
        return None, True
    if isinstance(value, bool):
        return value, True
    if isinstance(value, (int, float)):
        return ({1: True, 0: False}.get(value), value in (0, 1))  # type: ignore[arg-type]
    key = strip_accents(value)
    if key in _YES:
        return True, True
    if key in _NO:
        return False, True
    return None, False


_PASS = {"dat"}
_FAIL = {"khong dat", "chua dat", "ko dat", "k dat"}


def parse_pass_fail(value: Any) -> tuple[bool | None, bool]:
    if is_blank(value):
        return None, True
    if isinstance(value, str):
        key = strip_accents(value)
        if key in _PASS:
            return True, True
        if key in _FAIL:
            return False, True
    return None, False


def parse_figures(value: Any) -> tuple[tuple[float, float] | None, bool]:
    """A rate's figures typed as one text, "9/10" (also "9 / 10"): (numerator, denominator)."""
    if not isinstance(value, str) or value.count("/") != 1:
        return None, False
    left, right = value.split("/")
    num, ok_num = parse_number(left.strip())
    den, ok_den = parse_number(right.strip())
    if not (ok_num and ok_den) or num is None or den is None:
        return None, False
    return (num, den), True


_TICKS = {"x", "v", "✓", "✔", "☑", "co", "dat", "1", "da thuc hien"}


def parse_tick(value: Any) -> tuple[bool, bool]:
    """A checklist option: (ticked, understood). "x" (any case), a check mark, "Có" or 1 tick it;
    blank does not; anything else is not understood (and not counted)."""
    if is_blank(value):
        return False, True
    if isinstance(value, bool):
        return value, True
    if isinstance(value, (int, float)):
        return value == 1, value in (0, 1)
    key = strip_accents(value)
    return (True, True) if key in _TICKS else (False, False)


def parse_year(value: Any) -> tuple[int | None, bool]:
    """A four-digit year from 2024, 2024.0 or '2024'; also 'năm 2024'; YEAR_MIN to YEAR_MAX."""
    if is_blank(value):
        return None, True
    if isinstance(value, bool):
        return None, False
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return (value, True) if YEAR_MIN <= value <= YEAR_MAX else (None, False)
    cleaned = strip_accents(value).removeprefix("nam").strip()
    if re.fullmatch(r"\d{4}", cleaned) and YEAR_MIN <= int(cleaned) <= YEAR_MAX:
        return int(cleaned), True
    return None, False
