"""Which files are in inputs/: spreadsheets to read, everything else listed and set aside.

Input files are only ever opened for reading (hashing), never modified, moved or locked.
Every file that is not silently skipped ends up either as a Candidate (to be read) or as a
FileRecord (ignored / rejected) with an Issue saying why, so nothing is lost from the register.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.model import IGNORED, REJECTED, FileRecord
from pipeline.core.problems import Issue, issue

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
# Files that tools and operating systems leave next to the real ones; never a submission.
_JUNK_NAMES = {"thumbs.db", "desktop.ini", "ehthumbs.db"}
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Candidate:
    """A spreadsheet file to be read."""

    path: Path  # absolute, for opening
    rel: str  # relative to the inputs folder, '/' separators: the file's name in every output
    size: int
    sha256: str
    modified: dt.datetime

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()

    def record(self, status: str, **fields) -> FileRecord:
        return FileRecord(
            path=self.rel, size=self.size, sha256=self.sha256, modified=self.modified, status=status, **fields
        )


def discover(inputs_dir: Path, max_file_bytes: int) -> tuple[list[Candidate], list[FileRecord], list[Issue]]:
    inputs_dir = Path(inputs_dir)
    candidates: list[Candidate] = []
    records: list[FileRecord] = []
    issues: list[Issue] = []
    for path in _walk(inputs_dir):
        rel = displayable(path.relative_to(inputs_dir).as_posix())
        try:
            stat = path.stat()
            size = stat.st_size
            modified = dt.datetime.fromtimestamp(stat.st_mtime)
            if size == 0:
                records.append(FileRecord(rel, 0, hashlib.sha256(b"").hexdigest(), modified, REJECTED, note="tệp rỗng"))
                issues.append(issue("FILE_EMPTY", file=rel))
                continue
            if size > max_file_bytes:
                # Not hashed either: "not read" means not a byte of it.
                records.append(FileRecord(rel, size, "", modified, REJECTED, note="tệp quá lớn"))
                issues.append(
                    issue("FILE_TOO_LARGE", file=rel, value=human_size(size), limit=human_size(max_file_bytes))
                )
                continue
            digest = sha256_file(path)
        except OSError as exc:  # unreadable (permissions, vanished while scanning)
            unknown_time = dt.datetime.fromtimestamp(0)
            records.append(FileRecord(rel, 0, "", unknown_time, REJECTED, note="không đọc được"))
            issues.append(issue("FILE_CORRUPT", file=rel, value=exc.strerror or type(exc).__name__))
            continue
        if path.suffix.lower() in SPREADSHEET_SUFFIXES:
            candidates.append(Candidate(path, rel, size, digest, modified))
        else:
            records.append(FileRecord(rel, size, digest, modified, IGNORED, note="không phải bảng tính"))
            issues.append(issue("FILE_IGNORED", file=rel))
    return candidates, records, issues


def displayable(rel: str) -> str:
    """A file's name as every output can hold it. Bytes that are not UTF-8 (a name written by
    an old USB stick or zip tool, read on Linux) are shown as \\xNN instead of breaking the
    workbook, the CSV and the manifest; the file itself is still opened by its real path."""
    try:
        rel.encode("utf-8")
        return rel
    except UnicodeEncodeError:
        pass
    try:
        return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone UTF-16 surrogate (a Windows name)
        return "".join(f"\\u{ord(ch):04x}" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in rel)


def is_junk(name: str) -> bool:
    """Office lock files (~$x.xlsx, .~lock.x.xlsx#), hidden files (.DS_Store, ._x from macOS zips)."""
    return name.startswith(("~$", ".")) or name.lower() in _JUNK_NAMES


def _walk(root: Path):
    """Files under root in a fixed order (sorted by path), skipping junk and hidden folders."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__MACOSX")
        found.extend(Path(folder, f) for f in files if not is_junk(f))
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def human_size(size: int) -> str:
    """12_345_678 -> '11,8 MB' (Vietnamese decimal comma)."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".replace(".", ",") + f" {unit}"
    return f"{size} byte"
