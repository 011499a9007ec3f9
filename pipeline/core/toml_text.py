"""Reading the office's TOML files (config.toml, rule sets) the way the office writes them.

Notepad saves "UTF-8 with BOM" by default: the BOM is dropped before parsing. A syntax error
becomes one Vietnamese line naming the line and saying what to write instead, because the
office edits these files by hand and tomllib's English ("Expected newline or end of
document after a statement") does not tell a clerk that dates are written 2024-01-10.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path
from typing import Any

# tomllib ends every message with "(at line L, column C)" or "(at end of document)".
_WHERE = re.compile(r"\(at line (\d+), column (\d+)\)\s*$")
_ASSIGNMENT = re.compile(r"^\s*([A-Za-z0-9_.\-\"' ]+?)\s*=\s*(.*?)\s*$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YEAR_FIRST = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})$")
# What a TOML value may start with, besides text in quotes: a number, a date, a list, a table, true/false.
_NOT_TEXT = re.compile(r"^([\"'\[{+\-]|\d|(true|false|inf|nan)\b)")


class TomlSyntaxError(ValueError):
    """The file is not valid TOML; `message` is the Vietnamese line for the office."""

    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.message, self.line = message, line


def read(path: Path) -> dict[str, Any]:
    """Parse a TOML file written by hand. Raises UnicodeDecodeError for a file that is not
    UTF-8 and TomlSyntaxError (Vietnamese) for a syntax error."""
    text = Path(path).read_text(encoding="utf-8-sig")  # utf-8-sig: a leading BOM is dropped
    return loads(text)


def loads(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        raise explain(exc, text) from None


def explain(exc: tomllib.TOMLDecodeError, text: str) -> TomlSyntaxError:
    """One line: where the mistake is and what to write instead."""
    lines = text.removeprefix("\ufeff").splitlines() or [""]
    where = _WHERE.search(str(exc))
    if where:
        line, column = int(where.group(1)), int(where.group(2))
    else:  # "at end of document": an unclosed quote or list; point at the last written line
        line = max((n for n, s in enumerate(lines, 1) if s.strip()), default=1)
        column = len(lines[line - 1]) + 1
    source = _shown(lines[line - 1]) if 0 < line <= len(lines) else ""
    hint = _hint(source, str(exc))
    if hint:
        return TomlSyntaxError(f"dòng {line} ({source}): {hint}", line)
    shown = f" ({source})" if source else ""
    return TomlSyntaxError(
        f"dòng {line}, cột {column}{shown}: sai cú pháp; mỗi dòng viết dạng khóa = giá trị, "
        'chữ đặt trong ngoặc kép ("…"), ngày viết dạng 2024-01-10, tên mục trong ngoặc vuông ([office])',
        line,
    )


def _hint(source: str, english: str) -> str:
    """What to write instead, for the mistakes the office makes; '' when there is no better
    advice than the generic line."""
    found = _ASSIGNMENT.match(source)
    if "Cannot overwrite a value" in english or "Cannot declare" in english:
        return "khóa hoặc mục này đã được ghi ở trên; mỗi khóa chỉ ghi một lần trong một mục"
    if not found:
        return ""
    key, value = found.group(1).strip(), _without_comment(found.group(2))
    day = _as_date(value)
    if day is not None:
        return f"ngày viết dạng năm-tháng-ngày, không có ngoặc kép: {key} = {day.isoformat()}"
    if _DAY_FIRST.match(value) or _YEAR_FIRST.match(value):
        return f"ngày viết dạng năm-tháng-ngày, không có ngoặc kép, ví dụ: {key} = 2024-01-10"
    if value.startswith('"') and value.count('"') % 2 == 1:
        return f'thiếu dấu ngoặc kép đóng: {key} = {value}"'
    if value and not _NOT_TEXT.match(value):
        return f'chữ phải đặt trong ngoặc kép: {key} = "{value}"'
    return ""


def _shown(line: str) -> str:
    """The line as the office wrote it, without a trailing comment."""
    found = _ASSIGNMENT.match(line)
    if not found:
        return line.strip()
    return f"{found.group(1).strip()} = {_without_comment(found.group(2))}"


def _without_comment(value: str) -> str:
    if value.startswith(('"', "'")):
        return value
    return value.split("#", 1)[0].strip()


def _as_date(value: str) -> dt.date | None:
    """10/01/2024 (day first, as Vietnamese write it) or 2024-1-10, when it is a real day."""
    for pattern, order in ((_DAY_FIRST, (3, 2, 1)), (_YEAR_FIRST, (1, 2, 3))):
        found = pattern.match(value)
        if found:
            year, month, day = (int(found.group(i)) for i in order)
            try:
                return dt.date(year, month, day)
            except ValueError:
                return None
    return None
