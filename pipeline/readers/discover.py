"""Which files are in inputs/: spreadsheets to read, everything else listed and set aside.

Input files are only ever opened for reading (hashing), never modified, moved or locked.
Every file that is not silently skipped ends up either as a Candidate (to be read) or as a
FileRecord (ignored / rejected) with an Issue saying why, so nothing is lost from the register.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import stat as _stat
from dataclasses import dataclass, replace
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
    sha256: str  # of the bytes read and parsed ('' until read: readers/inputs.py)
    modified: dt.datetime

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()

    def read_as(self, size: int, sha256: str) -> Candidate:
        """The candidate as read: the size and hash of the bytes that were parsed."""
        return replace(self, size=size, sha256=sha256)

    def record(self, status: str, **fields) -> FileRecord:
        return FileRecord(
            path=self.rel, size=self.size, sha256=self.sha256, modified=self.modified, status=status, **fields
        )


def discover(
    inputs_dir: Path,
    max_file_bytes: int,
    skip: dict[Path, str] | tuple[Path, ...] | None = None,
    zone: dt.tzinfo | None = None,
    taken: set[str] | frozenset[str] = frozenset(),
) -> tuple[list[Candidate], list[FileRecord], list[Issue]]:
    """Every file under inputs_dir: spreadsheets as Candidates (hashed when they are read, from
    the very bytes that are parsed), the rest as records with the reason. `skip`: folders never
    read (the outputs folder, when it lies inside inputs/), each with the reason; they,
    symlinked folders and folders nested too deep are listed as ignored. taken: names already
    given to other files of the run (a name is also a file's key: never two alike). File times are wall-clock times in
    `zone` (the office's time zone), not the machine's, so outputs do not depend on where they
    are made."""
    inputs_dir = Path(inputs_dir)
    candidates: list[Candidate] = []
    records: list[FileRecord] = []
    issues: list[Issue] = []
    if not isinstance(skip, dict):  # folders only: the outputs folder
        skip = dict.fromkeys(skip or (), "thư mục kết quả của chương trình, không đọc lại")
    found, skipped = _walk(inputs_dir, skip)
    unique = _Unique(taken)
    for folder, reason in skipped:
        rel = unique(displayable(folder.relative_to(inputs_dir).as_posix()) + "/")
        records.append(FileRecord(rel, 0, "", _NO_TIME, IGNORED, note=reason))
        issues.append(issue("FOLDER_SKIPPED", file=rel, value=reason))
    for path, entry in found:
        rel = unique(displayable(path.relative_to(inputs_dir).as_posix()))
        try:
            stat = entry.stat() if entry is not None else path.stat()
            size = stat.st_size
            modified = _wall_time(stat.st_mtime, zone)
            if not _stat.S_ISREG(stat.st_mode):  # a pipe, a socket, a device: opening one may hang
                records.append(FileRecord(rel, 0, "", modified, IGNORED, note="không phải tệp thường"))
                issues.append(issue("FILE_NOT_REGULAR", file=rel))
                continue
            if size == 0:
                records.append(FileRecord(rel, 0, hashlib.sha256(b"").hexdigest(), modified, REJECTED, note="tệp rỗng"))
                issues.append(issue("FILE_EMPTY", file=rel))
                continue
            if size > max_file_bytes:
                # Not hashed either: "not read" means not a byte of it.
                records.append(FileRecord(rel, size, "", modified, REJECTED, note="tệp quá lớn"))
                issues.append(too_large(rel, size, max_file_bytes))
                continue
            if path.suffix.lower() in SPREADSHEET_SUFFIXES:
                candidates.append(Candidate(path, rel, size, "", modified))
                continue
            data = read_regular(path, max_file_bytes)
        except OSError as exc:  # unreadable (permissions, vanished while scanning, name too long)
            records.append(FileRecord(rel, 0, "", _NO_TIME, REJECTED, note="không đọc được"))
            issues.append(issue("FILE_CORRUPT", file=rel, value=exc.strerror or type(exc).__name__))
            continue
        digest = hashlib.sha256(data).hexdigest()
        records.append(FileRecord(rel, len(data), digest, modified, IGNORED, note="không phải bảng tính"))
        issues.append(issue("FILE_IGNORED", file=rel))
    return candidates, records, issues


_NO_TIME = dt.datetime(1970, 1, 1)


def _wall_time(timestamp: float, zone: dt.tzinfo | None) -> dt.datetime:
    if zone is None:
        return dt.datetime.fromtimestamp(timestamp)
    return dt.datetime.fromtimestamp(timestamp, zone).replace(tzinfo=None)


class _Unique:
    """A file's name in the outputs is also its key in the run (issues, frames, the register):
    two files whose names display alike (bytes that are not UTF-8 shown as \\xNN beside a
    name really written with a backslash) get distinct names, the later one ' (2)' before
    its extension, so they are never merged into one record."""

    def __init__(self, taken: set[str] | frozenset[str] = frozenset()):
        self._seen: set[str] = {t.casefold() for t in taken}

    def __call__(self, rel: str) -> str:
        shown, n = rel, 1
        while shown.casefold() in self._seen:
            n += 1
            stem, dot, suffix = rel.rpartition(".") if "." in rel.rsplit("/", 1)[-1] else (rel, "", "")
            shown = f"{stem} ({n}){dot}{suffix}"
        self._seen.add(shown.casefold())
        return shown


def too_large(rel: str, size: int, limit: int) -> Issue:
    return issue("FILE_TOO_LARGE", file=rel, value=human_size(size), limit=human_size(limit))


class NotRegularFile(OSError):
    """The path is not a regular file (a pipe, a socket, a device, a folder)."""


class TooLargeFile(OSError):
    """The file is larger than the limit (it grew after it was listed)."""

    def __init__(self, size: int):
        super().__init__(f"{size} bytes")
        self.size = size


def read_regular(path: Path, limit: int) -> bytes:
    """The whole file, read once, if it is a regular file of at most `limit` bytes. Opened
    without blocking (a pipe swapped in after listing answers at once instead of hanging) and
    checked on the open descriptor, so what is checked is what is read."""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb", buffering=0) as fh:
        stat = os.fstat(fd)
        if not _stat.S_ISREG(stat.st_mode):
            raise NotRegularFile(errno.EINVAL, "không phải tệp thường")
        if stat.st_size > limit:
            raise TooLargeFile(stat.st_size)
        chunks, total = [], 0
        while chunk := fh.read(min(_CHUNK, limit + 1 - total) or 1):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise TooLargeFile(total)
        return b"".join(chunks)


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


MAX_DEPTH = 32  # folders below inputs/; a district's tree is two or three deep


def _walk(root: Path, skip: dict[Path, str]) -> tuple[list[tuple[Path, os.DirEntry | None]], list[tuple[Path, str]]]:
    """Files under root sorted by path, skipping junk and hidden folders; and the folders not
    read, each with the reason. Iterative (a tree thousands of folders deep is no recursion)."""
    skip_keys = {_key(p): reason for p, reason in skip.items()}
    found: list[tuple[Path, os.DirEntry | None]] = []
    skipped: list[tuple[Path, str]] = []
    stack: list[tuple[Path, int]] = [(root, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as exc:
            if folder == root:
                raise
            skipped.append((folder, f"không mở được thư mục ({exc.strerror or type(exc).__name__})"))
            continue
        for entry in entries:
            path = Path(folder, entry.name)
            try:
                is_dir = entry.is_dir()
                is_link = entry.is_symlink()
            except OSError:
                is_dir = is_link = False
            if is_dir:
                if entry.name.startswith(".") or entry.name == "__MACOSX":
                    continue
                if is_link or _is_junction(entry):
                    skipped.append((path, "thư mục là liên kết (shortcut/symlink), không đọc"))
                elif skip_keys and _key(path) in skip_keys:
                    skipped.append((path, skip_keys[_key(path)]))
                elif depth + 1 > MAX_DEPTH:
                    skipped.append((path, f"thư mục lồng quá sâu (hơn {MAX_DEPTH} cấp), không đọc"))
                else:
                    stack.append((path, depth + 1))
            elif not is_junk(entry.name):
                found.append((path, entry))
    found.sort(key=lambda f: f[0].relative_to(root).as_posix())
    skipped.sort(key=lambda f: f[0].relative_to(root).as_posix())
    return found, skipped


def _key(path: Path) -> str:
    try:
        return os.path.normcase(os.path.realpath(path))
    except (OSError, ValueError):
        return os.path.normcase(os.path.abspath(path))


_MOUNT_POINT = 0xA0000003  # IO_REPARSE_TAG_MOUNT_POINT (a junction); OneDrive's own tags are others


def _is_junction(entry: os.DirEntry) -> bool:
    """A Windows junction is a folder link that is_symlink() does not report."""
    try:
        return getattr(entry.stat(follow_symlinks=False), "st_reparse_tag", 0) == _MOUNT_POINT
    except OSError:
        return False


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
