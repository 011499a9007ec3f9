"""Names of a unit's own sheet ('14809 Bắc Sơn', valid and unique in Excel) and file
('14809-bac-son'), for the consolidated workbook, the per-unit and the feedback workbooks."""

from __future__ import annotations

import re
import unicodedata

from pipeline.core.model import RunResult, UnitOutcome

INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
FILE_NAME_CHARS = 60  # of a unit's name in its file names: file systems stop at 255 bytes, Windows paths at 260


def sheet_names(result: RunResult, taken: set[str]) -> dict[str, str]:
    """unit code -> a unique sheet name like '14809 Bắc Sơn' (≤ 31 characters, valid in Excel)."""
    used = {t.casefold() for t in taken}
    out = {}
    for u in result.units:
        base = INVALID_SHEET_CHARS.sub("-", f"{u.unit.code} {u.unit.name}").replace("'", "’").strip()
        base = unicodedata.normalize("NFC", base)[:31].strip() or u.unit.code
        name, n = base, 1
        while name.casefold() in used:
            n += 1
            suffix = f" ({n})"
            name = base[: 31 - len(suffix)].rstrip() + suffix
        used.add(name.casefold())
        out[u.unit.code] = name
    return out


def file_stem(outcome: UnitOutcome) -> str:
    """ASCII file name for a unit's own workbook: '14809-bac-son'."""
    plain = unicodedata.normalize("NFKD", outcome.unit.name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:FILE_NAME_CHARS].rstrip("-")  # the full name is inside
    return f"{outcome.unit.code}-{slug}" if slug else outcome.unit.code
