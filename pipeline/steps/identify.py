"""Which unit each file belongs to, and which file counts when a unit sent several.

Pure: takes the cover and indicator frames, the configured units and what validation already
rejected; returns the file used per unit, the superseded files and the problems found.
The unit is identified by the code written in the workbook, never by the file name; but a
file whose cover name, file name or folder points to another configured unit never replaces a
file of its code's unit that agrees with itself: that one counts, and the other is an error
naming both units (UNIT_CLAIMED_BY_OTHER), for the office to settle.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import PurePosixPath

import pandas as pd

from pipeline.core.config import Config, Unit
from pipeline.core.problems import Issue, issue
from pipeline.core.text import value_text
from pipeline.steps.normalise import frame_records
from pipeline.steps.values import strip_accents

COMPARED_FIELDS = (
    ("points", "điểm"),
    ("numerator", "tử số"),
    ("denominator", "mẫu số"),
    ("not_applicable", "không phát sinh"),
    ("passed", "kết quả"),
)


@dataclass(frozen=True)
class Identification:
    used: dict[str, str]  # unit code -> file used
    superseded: dict[str, str]  # file -> file used instead
    rejected: frozenset[
        str
    ]  # files naming a unit not in the config (UNIT_UNKNOWN), or claiming one (UNIT_CLAIMED_BY_OTHER)
    issues: tuple[Issue, ...]


def identify(
    cover: pd.DataFrame,
    indicators: pd.DataFrame,
    config: Config,
    already_rejected: Collection[str],
    modified: dict[str, dt.datetime],
    sha256: dict[str, str],
) -> Identification:
    issues: list[Issue] = []
    rejected: set[str] = set()
    by_unit: dict[str, list[dict]] = {}
    rejected_rows: dict[str, list[dict]] = {}  # unit code -> its readable but rejected files
    mentions = _Mentions(config.units)
    claims: dict[str, tuple[str, Unit]] = {}  # file -> (what points elsewhere, the other unit)
    for row in frame_records(cover):
        file = row["file"]
        if file in already_rejected:
            if row["unit_code"]:
                rejected_rows.setdefault(row["unit_code"], []).append(row)
            continue
        code = row["unit_code"]
        unit = config.unit(code) if code else None
        if code and unit is None:
            issues.append(
                issue("UNIT_UNKNOWN", file=file, sheet=row["sheet"], cell=row["unit_code_cell"], value=code, unit=code)
            )
            rejected.add(file)
            continue
        if unit is None:
            continue  # no code at all: validation has reported and rejected it
        found, elsewhere = _name_checks(row, unit.name, mentions)
        issues.extend(found)
        if elsewhere:
            claims[file] = elsewhere
        by_unit.setdefault(code, []).append(row)

    used: dict[str, str] = {}
    superseded: dict[str, str] = {}
    rows_of = _RowsByFile(indicators)
    for code, rows in by_unit.items():
        # A file that agrees with itself (its name, folder and cover name point to no other
        # unit) comes before one that points elsewhere, whatever their dates.
        ordered = sorted(rows, key=lambda r: (r["file"] not in claims, _recency(r, modified)), reverse=True)
        winner = ordered[0]["file"]
        used[code] = winner
        newest = _recency(ordered[0], modified)
        for row in rejected_rows.get(code, []):
            # The result rests on an older file: the office must not mistake it for the latest word.
            if _recency(row, modified) > newest:
                issues.append(issue("NEWER_FILE_REJECTED", file=winner, value=row["file"], unit=code))
        for row in ordered[1:]:
            loser = row["file"]
            same_bytes = bool(sha256.get(loser)) and sha256.get(loser) == sha256.get(winner)
            if winner not in claims and loser in claims and not same_bytes:
                # It names this unit's code but points to another unit: never this unit's form.
                where, other = claims[loser]
                issues.append(
                    issue(
                        "UNIT_CLAIMED_BY_OTHER",
                        file=loser,
                        sheet=row["sheet"],
                        cell=row["unit_code_cell"],
                        value=where,
                        unit=code,
                        unit_code=code,
                        expected=_name_of(config, code),
                        other=f"{other.name} ({other.code})",
                        used=winner,
                    )
                )
                rejected.add(loser)
                continue
            superseded[loser] = winner
            issues.append(issue("SUPERSEDED", file=loser, value=winner, unit=code))
            if sha256.get(loser) and sha256.get(loser) == sha256.get(winner):
                issues.append(issue("DUPLICATE_FILE", file=loser, value=winner, unit=code))
            else:
                issues.extend(_differences(rows_of, loser, winner, code))
    return Identification(used, superseded, frozenset(rejected), tuple(issues))


def _name_of(config: Config, code: str) -> str:
    unit = config.unit(code)
    return unit.name if unit else code


def _recency(row: dict, modified: dict[str, dt.datetime]) -> tuple:
    """Newest report date first, then newest file, then path (so the choice is deterministic)."""
    report = row["report_date"]
    report_key = pd.Timestamp(report).to_pydatetime() if not pd.isna(report) else dt.datetime.min
    return (report_key, modified.get(row["file"], dt.datetime.min), row["file"])


class _Mentions:
    """Which configured units a file name mentions, by code or by name (accents stripped), as a
    substring: every substring of the name of a length some code or name has is looked up, so
    the cost is the file name's length, not the number of units (10,000 nationally)."""

    def __init__(self, units):
        self._units = units
        self._first: dict[str, list[int]] | None = None  # code or name -> indices of its units
        self._lengths: list[int] = []

    def units_in(self, stem: str) -> list:
        """The units mentioned in `stem`, in configuration order."""
        if self._first is None:  # built on first use: most file names match their own unit
            self._first = {}
            for n, u in enumerate(self._units):
                for key in (u.code, strip_accents(u.name)):
                    if key:
                        self._first.setdefault(key, []).append(n)
            self._lengths = sorted({len(k) for k in self._first})
        found: set[int] = set()
        for size in self._lengths:
            for start in range(len(stem) - size + 1):
                found.update(self._first.get(stem[start : start + size], ()))
        return [self._units[n] for n in sorted(found)]


def _name_checks(row: dict, expected: str, mentions: _Mentions) -> tuple[list[Issue], tuple[str, Unit] | None]:
    """The warnings on a file's names, and what points to another configured unit than its code
    (the cover's unit name, the file name, a folder), if anything: (where, that unit)."""
    out = []
    file, code = row["file"], row["unit_code"]
    written = strip_accents(row["unit_name"])
    wanted = strip_accents(expected)
    elsewhere: tuple[str, Unit] | None = None
    if written and wanted not in written:
        out.append(
            issue(
                "UNIT_NAME_MISMATCH",
                file=file,
                sheet=row["sheet"],
                cell=row["unit_name_cell"],
                value=row["unit_name"],
                unit=code,
                unit_code=code,
                expected=expected,
            )
        )
        other = next((u for u in mentions.units_in(written) if u.code != code), None)
        if other is not None:
            elsewhere = (f"tên đơn vị ghi trong phiếu ({row['unit_name']})", other)
    path = PurePosixPath(file)
    stem = _words(path.stem)
    if wanted not in stem and code not in stem:
        other = next((u for u in mentions.units_in(stem) if u.code != code), None)
        if other is not None:
            out.append(issue("FILE_NAME_MISMATCH", file=file, value=other.name, unit=code, expected=expected))
            elsewhere = elsewhere or (f"tên tệp ({path.name})", other)
    for folder in path.parent.parts:
        words = _words(folder)
        if elsewhere is None and wanted not in words and code not in words:
            other = next((u for u in mentions.units_in(words) if u.code != code), None)
            if other is not None:
                elsewhere = (f"thư mục ({folder})", other)
    return out, elsewhere


def _words(name: str) -> str:
    return strip_accents(name).replace("-", " ").replace("_", " ")


class _RowsByFile:
    """A file's indicator rows indexed by code; the frame is grouped once, on first use (filtering
    the whole frame per duplicate would make a run where every unit sent twice quadratic)."""

    def __init__(self, indicators: pd.DataFrame):
        self._frame = indicators
        self._groups: dict[str, pd.DataFrame] | None = None

    def __call__(self, file: str) -> pd.DataFrame:
        if self._groups is None:
            self._groups = {f: rows.set_index("code") for f, rows in self._frame.groupby("file", sort=False)}
        found = self._groups.get(file)
        return found if found is not None else self._frame.iloc[0:0].set_index("code")


def _differences(rows_of: _RowsByFile, old: str, new: str, code: str) -> list[Issue]:
    a, b = rows_of(old), rows_of(new)
    out = []
    for ind in sorted(set(a.index) | set(b.index)):
        if ind not in a.index or ind not in b.index:
            continue
        for column, label in COMPARED_FIELDS:
            before, after = a.at[ind, column], b.at[ind, column]
            if not _same(before, after):
                out.append(
                    issue(
                        "DUPLICATE_DIFFERS",
                        file=old,
                        sheet=a.at[ind, "sheet"],
                        cell=a.at[ind, f"{column}_cell"] if f"{column}_cell" in a.columns else "",
                        value=f"{label} {_show(before)}",
                        used=f"{_show(after)} ({new})",
                        indicator=ind,
                        unit=code,
                    )
                )
    return out


def _same(x, y) -> bool:
    if _missing(x) and _missing(y):
        return True
    if _missing(x) or _missing(y):
        return False
    return x == y


def _missing(x) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def _show(x) -> str:
    return "(trống)" if _missing(x) else value_text(x)
