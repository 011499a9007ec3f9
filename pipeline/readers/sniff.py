"""What a file is, from its bytes, before any spreadsheet parser sees it.

`sniff` classifies a file by content, not by extension (OOXML, OpenDocument, legacy .xls),
and refuses what must not be parsed: encrypted files here, zip bombs, DTDs and oversized
sheet areas in `safety`. Once a file is opened, its hidden `_meta` sheet tells which of our
workbooks it is (readers/inputs.py), so each file goes to its own reader once.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass, replace

import olefile

from pipeline.readers import safety

ZIP_MAGIC = b"PK\x03\x04"
WORKBOOK_PART = "xl/workbook.xml"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_BIFF_FILEPASS, _BIFF_EOF = 0x002F, 0x000A


@dataclass(frozen=True)
class Sniffed:
    """What the bytes are, before any spreadsheet parser sees them."""

    container: str  # "ooxml" (xlsx/xlsm) | "ods" | "ole" (xls) | "" (unusable)
    problem: str = ""  # an issue code when the file must not be parsed
    detail: str = ""  # shown in the message (what the file looks like)
    macros: bool = False
    external_links: bool = False
    workbook_xml: bytes = b""  # xl/workbook.xml as inflated by the safety checks (defined names)


def sniff(data: bytes) -> Sniffed:
    """Classify a file by content, not by extension, and refuse what must not be parsed:
    encrypted files here, zip bombs, DTDs and oversized sheet areas in `safety`."""
    if data.startswith(ZIP_MAGIC):
        return _sniff_zip(data)
    if data.startswith(OLE_MAGIC):
        return _sniff_ole(data)
    return Sniffed("", "FILE_NOT_SPREADSHEET", describe(data))


def _sniff_zip(data: bytes) -> Sniffed:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            kind = _zip_kind(zf)
            # Sizes, ratios, DTDs and sheet areas, before calamine or defusedxml see a byte.
            kept = {WORKBOOK_PART: b""} if kind.container == "ooxml" else {}
            problem = safety.check_zip(data, zf, kind.container, keep=kept) if kind.container else None
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError, zlib.error):
        return Sniffed("", "FILE_CORRUPT", "tệp nén không đầy đủ")
    if problem:
        return Sniffed("", *problem)
    return replace(kind, workbook_xml=kept.get(WORKBOOK_PART, b""))


def _zip_kind(zf: zipfile.ZipFile) -> Sniffed:
    names = set(zf.namelist())
    mimetype = b""
    if "mimetype" in names:
        with zf.open("mimetype") as fh:
            mimetype = fh.read(100)  # bounded: the member itself may be a bomb
    if WORKBOOK_PART in names:
        return Sniffed(
            "ooxml",
            macros="xl/vbaProject.bin" in names,
            external_links=any(n.startswith("xl/externalLinks/") for n in names),
        )
    if "content.xml" in names and mimetype:
        if b"spreadsheet" in mimetype:
            return Sniffed("ods", macros=any(n.startswith("Basic/") for n in names))
        return Sniffed("", "FILE_NOT_SPREADSHEET", "tài liệu OpenDocument không phải bảng tính")
    if "word/document.xml" in names:
        return Sniffed("", "FILE_NOT_SPREADSHEET", "tài liệu Word")
    if "ppt/presentation.xml" in names:
        return Sniffed("", "FILE_NOT_SPREADSHEET", "bài trình chiếu PowerPoint")
    return Sniffed("", "FILE_NOT_SPREADSHEET", "tệp nén ZIP")


def _sniff_ole(data: bytes) -> Sniffed:
    """Legacy .xls, or an encrypted xlsx (OOXML encryption wraps the package in an OLE file)."""
    try:
        ole = olefile.OleFileIO(data)
    except Exception:  # noqa: BLE001 - olefile raises OSError and assorted parsing errors on damaged headers
        return Sniffed("", "FILE_CORRUPT", "cấu trúc tệp .xls bị hỏng")
    try:
        streams = {"/".join(parts) for parts in ole.listdir(streams=True, storages=True)}
        if {"EncryptedPackage", "EncryptionInfo"} & streams:
            return Sniffed("", "FILE_ENCRYPTED")
        book = next((s for s in ("Workbook", "Book") if s in streams), None)
        if book is None:
            word = "WordDocument" in streams
            return Sniffed("", "FILE_NOT_SPREADSHEET", "tài liệu Word (.doc)" if word else "tệp Office khác")
        stream = ole.openstream(book).read()
        if _biff_has_filepass(stream[: 64 * 1024]):
            return Sniffed("", "FILE_ENCRYPTED")
        if problem := safety.check_biff(stream):
            return Sniffed("", *problem)
        return Sniffed("ole", macros=any(s.startswith("_VBA_PROJECT_CUR") for s in streams))
    finally:
        ole.close()


def _biff_has_filepass(stream: bytes) -> bool:
    """An encrypted .xls has a FILEPASS record in the workbook globals, before their EOF."""
    pos = 0
    while pos + 4 <= len(stream):
        rtype = int.from_bytes(stream[pos : pos + 2], "little")
        length = int.from_bytes(stream[pos + 2 : pos + 4], "little")
        if rtype == _BIFF_FILEPASS:
            return True
        if rtype == _BIFF_EOF:
            return False
        pos += 4 + length
    return False


def describe(data: bytes) -> str:
    """A short Vietnamese description of what a non-spreadsheet file seems to be."""
    head = data[:1024]
    low = head.lower().lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF"):
        return "tài liệu PDF"
    if low.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")) or b"<html" in low:
        return "trang web HTML"
    if low.startswith(b"<?xml"):
        return "tệp XML"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "ảnh"
    if head.startswith((b"Rar!", b"7z\xbc\xaf")):
        return "tệp nén"
    try:
        head.decode("utf-8")
        return "tệp văn bản"
    except UnicodeDecodeError:
        return "không rõ định dạng"
