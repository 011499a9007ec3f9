"""Defences run on an input file's bytes before any spreadsheet parser sees them.

Files come from dozens of offices by email, Zalo and USB; one hostile or broken file must cost a
bounded amount of memory and time, and end as a located problem for that file only. What is
checked here, and why (each measured against python-calamine 0.9.1, the product's only parser):

- zip containers (xlsx, xlsm, ods): the number of members, their declared uncompressed sizes
  (total and compression ratio per member), then the *actual* sizes, by inflating every member
  in bounded chunks (a member may declare a small size and inflate to far more);
- XML: any `<!DOCTYPE` or `<!ENTITY` in a member. OOXML and ODF never carry a DTD, so one means
  an entity-expansion attempt ("billion laughs"). calamine does not expand custom entities (it
  stops with "unrecognized entity") and defusedxml refuses them, but the file is refused here,
  by name, before either is reached;
- the area a parser will allocate: calamine stores a sheet as a dense rectangle from the first
  to the last non-empty cell, so one value at XFD1048576 in a 20 KB file asks for 500 GB and
  aborts the whole process (a Rust allocation failure, which no `except` can catch). The
  rectangle of every sheet is computed from the XML (xlsx: `<row r>` / `<c r>`; ods: repeated
  rows and cells) or the BIFF cell records (xls) and capped. A sheet whose every cell lies in
  A1:Z99 (the form) is counted as that whole rectangle, an upper bound found by one search;
  only if the bounds add up to more than the cap are the exact rectangles measured;
- encrypted files are recognised in `read.sniff` (OLE containers): they are named as such.

Every check returns None (go on) or (issue code, Vietnamese detail for the message).
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_members: int = 2000  # a form has ~15; a workbook with many images, a few hundred
    max_total_bytes: int = 100 * MB  # uncompressed, all members together (a form: ~100 KB)
    max_ratio: int = 200  # per member, for members of at least ratio_floor bytes
    ratio_floor: int = 1 * MB  # small parts (styles, empty sheets) compress very well: not a sign
    max_cells: int = 1_000_000  # sum of every sheet's rectangle (a form: ~1,000; calamine ~40 B a cell)


LIMITS = Limits()
Problem = tuple[str, str]  # (issue code, detail)

_CHUNK = 256 * 1024
# Images: an SVG may legitimately carry a DOCTYPE.
_MEDIA = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg", ".bin")
_DTD = re.compile(rb"<!(?:doctype|entity)", re.IGNORECASE)


class _Stop(Exception):
    def __init__(self, code: str, detail: str):
        super().__init__(detail)
        self.problem = (code, detail)


def _unsafe(detail: str) -> _Stop:
    return _Stop("FILE_UNSAFE", detail)


def human_size(size: int) -> str:
    from pipeline.readers.discover import human_size as fmt

    return fmt(size)


# ----------------------------------------------------------------------------- zip containers


def check_zip(
    data: bytes, zf: zipfile.ZipFile, kind: str, limits: Limits = LIMITS, keep: dict[str, bytes] | None = None
) -> Problem | None:
    """kind: 'ooxml' or 'ods' (which cell grammar to measure). `zf` is open on `data`.
    keep: member names mapped to b""; filled with those members' bytes as inflated here, so
    the caller need not inflate them a second time (only when no problem is found)."""
    keep = keep if keep is not None else {}
    try:
        _check_declared(zf.infolist(), limits)
        try:
            _check_content(data, zf.infolist(), kind, limits, keep, exact=False)
        except _Recount:  # over the limit by the quick upper bound: measure exactly
            _check_content(data, zf.infolist(), kind, limits, keep, exact=True)
    except _Stop as stop:
        return stop.problem
    return None


def _check_declared(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """What the central directory says; costs nothing, catches every ordinary zip bomb."""
    if len(infos) > limits.max_members:
        raise _unsafe(f"{len(infos)} thành phần trong tệp nén, quá {limits.max_members}")
    total = sum(i.file_size for i in infos)
    if total > limits.max_total_bytes:
        raise _unsafe(f"giải nén ra {human_size(total)}, vượt giới hạn {human_size(limits.max_total_bytes)}")
    for i in infos:
        if i.file_size >= limits.ratio_floor and i.file_size > limits.max_ratio * max(i.compress_size, 1):
            ratio = i.file_size // max(i.compress_size, 1)
            raise _unsafe(f"tỷ lệ nén bất thường {ratio}:1 ở phần {i.filename}")


class _Recount(Exception):
    """The sheet areas' upper bound is over the limit: the exact areas decide."""


def _check_content(
    data: bytes, infos: list[zipfile.ZipInfo], kind: str, limits: Limits, keep: dict[str, bytes], exact: bool
) -> None:
    """Inflate every member once, in bounded chunks: actual sizes, DTDs, sheet rectangles.
    Unless `exact`, a sheet whose every cell is within A1:Z99 counts as that whole rectangle
    (an upper bound, ten times cheaper to establish than the exact area); if the bounds add up
    to more than the limit, _Recount asks for the exact measure."""
    budget = limits.max_total_bytes
    cells = 0
    bounded = False

    def too_wide() -> Exception:
        return _Recount() if bounded else _too_wide(limits)

    for info in infos:
        if info.is_dir():
            continue
        kept: list[bytes] | None = [] if info.filename in keep else None
        # A parser follows the workbook's relationships, not file names: every member is
        # measured as a sheet could be; only the DTD test spares images (SVG may have one).
        media = info.filename.lower().endswith(_MEDIA)
        area = _XlsxArea(bound=not exact) if kind == "ooxml" else _OdsArea()
        tail = b""
        produced = 0
        for chunk in _inflate(data, info, min(info.file_size, budget)):
            produced += len(chunk)
            if not media:
                window = tail + chunk
                if _DTD.search(window):
                    raise _unsafe(f"XML có khai báo DOCTYPE/ENTITY ở phần {info.filename}")
                tail = window[-16:]
            area.feed(chunk)
            bounded = bounded or area.bounded
            if cells + area.cells() > limits.max_cells:
                raise too_wide()
            if kept is not None:
                kept.append(chunk)
        if kept is not None:
            keep[info.filename] = b"".join(kept)
        budget -= produced
        cells += area.close()
        bounded = bounded or area.bounded
        if cells > limits.max_cells:
            raise too_wide()


def _too_wide(limits: Limits) -> _Stop:
    return _unsafe(f"bảng tính quá rộng, hơn {limits.max_cells:_} ô".replace("_", "."))


def _inflate(data: bytes, info: zipfile.ZipInfo, limit: int) -> Iterator[bytes]:
    """The member's bytes, read straight from its local entry; never more than `limit` + one
    chunk, and exactly the declared size or a problem."""
    off = info.header_offset
    if data[off : off + 4] != b"PK\x03\x04" or len(data) < off + 30:
        raise _Stop("FILE_CORRUPT", "tệp nén không đầy đủ")
    name_len, extra_len = struct.unpack_from("<HH", data, off + 26)
    start = off + 30 + name_len + extra_len
    raw = memoryview(data)[start : start + info.compress_size]
    if info.flag_bits & 0x1:
        raise _Stop("FILE_CORRUPT", f"phần {info.filename} bị mã hóa")
    produced = 0
    if info.compress_type == zipfile.ZIP_STORED:
        pieces: Iterator[bytes] = (bytes(raw[i : i + _CHUNK]) for i in range(0, len(raw), _CHUNK))
        complete = lambda: True  # noqa: E731
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        pieces = _deflate_pieces(inflater, raw)
        complete = lambda: inflater.eof  # noqa: E731
    else:  # Excel and LibreOffice write only stored and deflated members
        raise _unsafe(f"kiểu nén lạ ({info.compress_type}) ở phần {info.filename}")
    try:
        for piece in pieces:
            produced += len(piece)
            if produced > info.file_size:
                raise _unsafe(f"phần {info.filename} lớn hơn kích thước khai báo")
            if produced > limit:
                raise _unsafe(f"giải nén vượt giới hạn {human_size(LIMITS.max_total_bytes)}")
            yield piece
    except zlib.error:
        raise _Stop("FILE_CORRUPT", f"dữ liệu nén của phần {info.filename} bị hỏng") from None
    if produced != info.file_size or not complete():
        raise _Stop("FILE_CORRUPT", "tệp nén không đầy đủ")


def _deflate_pieces(inflater, raw: memoryview) -> Iterator[bytes]:
    pos = 0
    while not inflater.eof:
        if inflater.unconsumed_tail:
            chunk = inflater.unconsumed_tail
        elif pos < len(raw):
            chunk = bytes(raw[pos : pos + _CHUNK])
            pos += _CHUNK
        else:
            chunk = b""
        out = inflater.decompress(chunk, _CHUNK)
        if not out and not chunk:
            return  # input used up before the end of the stream: truncated
        if out:
            yield out


# ----------------------------------------------------------------------------- sheet rectangles


class _Area:
    """Streamed over a member's XML: the sum of the rectangles (first cell A1 to the furthest
    non-empty cell) of the sheets in it. Tags are only looked at whole: a chunk is cut at its
    last '<' and the rest waits for the next chunk."""

    TOKEN: re.Pattern

    def __init__(self):
        self._carry = b""
        self._done = 0  # rectangles of finished sheets
        self._rows = self._cols = 0  # extent of non-empty cells in the current sheet
        self.bounded = False  # True once an upper bound stood in for the exact extent

    def feed(self, chunk: bytes) -> None:
        text = self._carry + chunk
        cut = text.rfind(b"<")
        if cut == -1:
            self._carry = b""
            return
        self._scan(text[:cut])
        self._carry = text[cut:] if len(text) - cut < MB else b""  # a 1 MB tag is no cell

    def cells(self) -> int:
        return self._done + self._rows * self._cols

    def close(self) -> int:
        self._scan(self._carry)
        self._carry = b""
        return self.cells()

    def _scan(self, text: bytes) -> None:
        raise NotImplementedError


_XLSX_TOKEN = re.compile(rb"<(?:\w+:)?(row|c)(?=[\s>/])([^>]*)>")
_R_ATTR = re.compile(rb"""\sr\s*=\s*["']\$?([A-Za-z]{0,3})\$?(\d*)["']""")
_CELL_TAG = re.compile(rb"<c[\s>/]")
_PREFIXED_CELL = re.compile(rb"<\w+:c[\s>/]")
# A non-empty cell whose reference is its first attribute (every writer we know): the tag
# does not end with '/>' (an empty cell, <c r="B2" s="1"/>, is not stored).
_VALUED_REF = re.compile(rb"""<c r="([A-Z]{1,3})(\d+)"[^>]*(?<!/)>""")


# A cell tag that is not exactly '<c r="' + one letter + one or two digits + '"' (a far cell,
# another attribute first, a prefix, other quotes...): then every reference is read.
_OUTSIDE_SMALL = re.compile(rb'<c(?=[\s>/])(?! r="[A-Z]\d{1,2}")')
SMALL_ROWS, SMALL_COLS = 99, 26


class _XlsxArea(_Area):
    """SpreadsheetML, one sheet per part: <row r="7"> and <c r="H7">; either may omit r
    (then: previous + 1). An empty cell (<c .../>, written for borders and styles) is not
    stored by calamine. When every cell starts '<c r="', two C-speed passes suffice (~0.5 ms
    for a whole form); otherwise the cells are followed one by one."""

    def __init__(self, bound: bool = False):
        super().__init__()
        self._row = 0  # 1-based row of the current <row>
        self._col = 0  # 1-based column of the last <c>
        self._sequential = False  # a cell of another shape was seen: follow positions from then on
        self._bound = bound  # allowed to count a sheet within A1:Z99 as all of it

    def _scan(self, text: bytes) -> None:
        if (
            self._bound
            and not self._sequential
            and _OUTSIDE_SMALL.search(text) is None
            and not (b":c" in text and _PREFIXED_CELL.search(text))
        ):
            # Every cell is <c r="A1"> .. <c r="Z99"> (our form, and most small sheets): one
            # C-speed search instead of reading every reference.
            if b'<c r="' in text:
                self._rows, self._cols = max(self._rows, SMALL_ROWS), max(self._cols, SMALL_COLS)
                self.bounded = True
            return
        if not self._sequential:
            cells = len(_CELL_TAG.findall(text))
            if cells == 0 and b":c" not in text:
                return  # no cell here (styles, strings, theme, ...)
            if text.count(b'<c r="') == cells and not (b":c" in text and _PREFIXED_CELL.search(text)):
                valued = _VALUED_REF.findall(text)
                if valued:
                    letters, digits = zip(*valued, strict=True)
                    self._rows = max(self._rows, max(map(int, digits)))
                    self._cols = max(self._cols, max(map(_col_number, set(letters))))
                return
            self._sequential = True
        self._scan_tags(text)

    def _scan_tags(self, text: bytes) -> None:
        for match in _XLSX_TOKEN.finditer(text):
            tag, attrs = match.group(1), match.group(2)
            ref = _R_ATTR.search(attrs)
            if tag == b"row":
                self._row = int(ref.group(2)) if ref and ref.group(2) else self._row + 1
                self._col = 0
            else:
                if ref and ref.group(1):
                    self._col = _col_number(ref.group(1))
                    if ref.group(2):
                        self._row = int(ref.group(2))
                else:
                    self._col += 1
                if not attrs.rstrip().endswith(b"/"):  # <c ...>value</c>
                    self._rows = max(self._rows, self._row)
                    self._cols = max(self._cols, self._col)


_ODS_TOKEN = re.compile(rb"<(?:\w+:)?(table|table-row|table-cell|covered-table-cell)(?=[\s>/])([^>]*)>")
_ROWS_REPEATED = re.compile(rb"""number-rows-repeated\s*=\s*["'](\d+)["']""")
_COLS_REPEATED = re.compile(rb"""number-columns-repeated\s*=\s*["'](\d+)["']""")


class _OdsArea(_Area):
    """OpenDocument: rows and cells carry repeat counts; calamine writes every repeat of a
    non-empty cell (and of the rows holding one) into its rectangle."""

    def __init__(self):
        super().__init__()
        self._next_row = 0  # 0-based row the next <table-row> starts at
        self._row_end = 0  # 0-based row after the current row's repeats
        self._col = 0

    def _scan(self, text: bytes) -> None:
        for match in _ODS_TOKEN.finditer(text):
            tag, attrs = match.group(1), match.group(2)
            if tag == b"table":
                self._done += self._rows * self._cols
                self._rows = self._cols = self._next_row = self._row_end = self._col = 0
            elif tag == b"table-row":
                repeat = _repeat(_ROWS_REPEATED, attrs)
                self._row_end = self._next_row + repeat
                self._next_row = self._row_end
                self._col = 0
            else:
                repeat = _repeat(_COLS_REPEATED, attrs)
                self._col += repeat
                valued = b"value-type" in attrs or not attrs.rstrip().endswith(b"/")
                if valued:
                    self._rows = max(self._rows, self._row_end)
                    self._cols = max(self._cols, self._col)


def _repeat(pattern: re.Pattern, attrs: bytes) -> int:
    match = pattern.search(attrs)
    return max(int(match.group(1)), 1) if match else 1


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


# ----------------------------------------------------------------------------- BIFF (.xls)

# Cell records: row (u16) and column (u16) first. MULRK / MULBLANK end with the last column.
_BIFF_CELLS = {0x0006, 0x00FD, 0x0203, 0x027E, 0x0205, 0x0204, 0x00D6, 0x0201}
_BIFF_MULTI = {0x00BD, 0x00BE}
_BIFF_BOF = {0x0809, 0x0409, 0x0209, 0x0009}


def check_biff(stream: bytes, limits: Limits = LIMITS) -> Problem | None:
    """The rectangles of the sheets of a .xls workbook stream, from its cell records."""
    done = rows = cols = 0
    pos, size = 0, len(stream)
    while pos + 4 <= size:
        rtype, length = struct.unpack_from("<HH", stream, pos)
        body = pos + 4
        if rtype in _BIFF_BOF:
            done += rows * cols
            rows = cols = 0
        elif (rtype in _BIFF_CELLS or rtype in _BIFF_MULTI) and length >= 4 and body + length <= size:
            row, col = struct.unpack_from("<HH", stream, body)
            if rtype in _BIFF_MULTI and length >= 6:
                col = max(col, struct.unpack_from("<H", stream, body + length - 2)[0])
            rows, cols = max(rows, row + 1), max(cols, col + 1)
            if done + rows * cols > limits.max_cells:
                return _too_wide(limits).problem
        pos = body + length
    return None
