"""Broken and hostile input files, built by the tests (nothing binary is committed).

Each builder writes one file and returns its path. Most start from a real form (made with
tests/builders.py) and break it the way mail, USB sticks, other programs or a hostile sender
would. Used by test_hostile.py, test_properties.py, test_integrity.py and test_catalogue.py.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import struct
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

MB = 1024 * 1024

BILLION_LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b"]>"
)


def _compound_file(streams: dict[str, bytes]) -> bytes:
    from test_read import compound_file  # the OLE writer lives with the reader's tests

    return compound_file(streams)


def rewrite_zip(
    src: Path,
    dst: Path,
    change: Callable[[str, bytes], bytes | None] = lambda n, d: d,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """Copy a zip member by member; change(name, data) returns new data, or None to drop it."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = change(item.filename, zin.read(item))
            if data is not None:
                zout.writestr(item.filename, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dst


def not_a_spreadsheet(path: Path) -> Path:
    path.write_bytes("Báo cáo kết quả chuẩn tiếp cận pháp luật năm 2023\r\n".encode())
    return path


def truncated(path: Path, good: Path) -> Path:
    data = good.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def encrypted(path: Path) -> Path:
    """What Excel writes for 'Encrypt with password': an OLE compound file holding the streams
    EncryptionInfo (agile encryption header) and EncryptedPackage (the ciphertext)."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b'<?xml version="1.0"?><encryption/>'
    path.write_bytes(
        _compound_file({"EncryptionInfo": info, "EncryptedPackage": struct.pack("<Q", 4096) + b"\x5a" * 600})
    )
    return path


def zip_bomb(path: Path, good: Path, megabytes: int = 500) -> Path:
    """The real form whose score sheet inflates to `megabytes` MB of zeros (~0.5 MB on disk),
    streamed so the test never holds it in memory."""
    chunk = bytes(MB)
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename != "xl/worksheets/sheet2.xml":
                zout.writestr(item.filename, zin.read(item))
                continue
            info = zipfile.ZipInfo(item.filename)
            info.compress_type = zipfile.ZIP_DEFLATED
            with zout.open(info, "w", force_zip64=True) as out:
                out.write(b'<?xml version="1.0" encoding="UTF-8"?>')
                for _ in range(megabytes):
                    out.write(chunk)
    return path


def lying_sizes(path: Path, good: Path, megabytes: int = 64) -> Path:
    """A member that declares 1 KB and inflates to `megabytes` MB (the headers are patched)."""
    name = "xl/sharedStrings.xml"
    rewrite_zip(good, path, lambda n, d: d + bytes(megabytes * MB) if n == name else d)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        local = zf.getinfo(name).header_offset
    struct.pack_into("<I", data, local + 22, 1024)
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(name.encode()))
    struct.pack_into("<I", data, central + 24, 1024)
    path.write_bytes(bytes(data))
    return path


def billion_laughs(path: Path, good: Path, part: str = "xl/worksheets/sheet2.xml") -> Path:
    def change(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        data = data.replace(b"?>", b"?>" + BILLION_LAUGHS, 1)
        cell = b'<c r="B1" t="inlineStr"><is><t>&lol9;</t></is></c>'
        if b'<c r="B1" s="1"/>' in data:
            return data.replace(b'<c r="B1" s="1"/>', cell, 1)
        # Whatever the sheet's first row holds: the reference in a row of its own, at the end.
        return data.replace(
            b"</sheetData>", b'<row r="1000">' + cell.replace(b"B1", b"B1000") + b"</row></sheetData>", 1
        )

    return rewrite_zip(good, path, change)


def far_cell(path: Path, good: Path, ref: str = "XFD1048576") -> Path:
    """One value at the last cell of the sheet: a 20 KB file whose dense grid is 17 billion cells."""
    row = "".join(ch for ch in ref if ch.isdigit())
    cell = f'<row r="{row}"><c r="{ref}"><v>1</v></c></row></sheetData>'.encode()
    return rewrite_zip(
        good, path, lambda n, d: d.replace(b"</sheetData>", cell, 1) if n == "xl/worksheets/sheet2.xml" else d
    )


def ods_repeats(path: Path, rows: int = 100_000, cols: int = 10_000) -> Path:
    """An OpenDocument sheet of one cell repeated rows x cols times: 1 KB, billions of cells."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Bảng điểm">'
        f'<table:table-row table:number-rows-repeated="{rows}">'
        f'<table:table-cell table:number-columns-repeated="{cols}" office:value-type="float" office:value="1">'
        "<text:p>1</text:p></table:table-cell></table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
    return path


def macros_and_links(path: Path, good: Path) -> Path:
    """The form saved as .xlsm with a VBA project and a link to another workbook."""
    link = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<externalBook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1">'
        b'<sheetNames><sheetName val="Sheet1"/></sheetNames></externalBook></externalLink>'
    )
    vba = _compound_file({"dir": b"\x01" * 64})
    return rewrite_zip(good, path, extra={"xl/vbaProject.bin": vba, "xl/externalLinks/externalLink1.xml": link})


def unrelated_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws.append(["STT", "Họ và tên", "Ngày sinh", "Điểm"])
    for n in range(1, 30):
        ws.append([n, f"Nguyễn Văn {n}", dt.date(1990, 1, n % 28 + 1), n / 10])
    wb.save(path)
    return path


def too_large(path: Path, size: int) -> Path:
    with open(path, "wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(size)
    return path


def xls(cells: list[tuple[int, int, float]]) -> bytes:
    """A minimal BIFF8 workbook (one sheet of NUMBER cells) that calamine reads."""
    from test_read import biff

    bof_globals = (0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0))
    bof_sheet = (0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0))
    eof = (0x000A, b"")

    def boundsheet(offset: int) -> tuple[int, bytes]:
        return 0x0085, struct.pack("<IBBBB", offset, 0, 0, 6, 0) + b"Sheet1"

    head = biff(bof_globals, boundsheet(0), eof)
    sheet = biff(bof_sheet, *[(0x0203, struct.pack("<HHHd", r, c, 15, v)) for r, c, v in cells], eof)
    return _compound_file({"Workbook": biff(bof_globals, boundsheet(len(head)), eof) + sheet})


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def copy(src: Path, dst: Path) -> Path:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)
    return dst
