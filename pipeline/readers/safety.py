"""Defences run on an input file's bytes before any spreadsheet parser sees them.

Files come from dozens of offices by email, Zalo and USB; one hostile or broken file must cost a
bounded amount of memory and time, and end as a located problem for that file only. What is
checked here, and why (each measured against python-calamine 0.9.1, the product's only parser):

- zip containers (xlsx, xlsm, ods): the number of members, their declared uncompressed sizes
  (total and compression ratio per member), then the *actual* sizes, by inflating every member
  in bounded chunks (a member may declare a small size and inflate to far more);
- XML: every part the parser reads as XML (and any other part whose bytes are XML) goes
  through expat, a real tokenizer, with DTDs refused: a DOCTYPE or an ENTITY declaration
  anywhere, in any encoding, is refused by name (an SVG image may carry a DOCTYPE, never an
  entity). OOXML and ODF never carry a DTD, so one means an entity-expansion attempt ("billion
  laughs"); a part the parser needs that is not well-formed XML is FILE_CORRUPT;
- every size the parser trusts and allocates for: a sheet's rectangle from A1 to its furthest
  non-empty cell (calamine stores a sheet densely: one value at XFD1048576 in a 20 KB file asks
  for 500 GB and aborts the process, which no `except` can catch), read from the cell and row
  references however they are written (lower case, any number of letters, `$`, character
  references, any prefix, omitted: then counted on), and the sheet's declared <dimension>;
  the shared strings' count and uniqueCount; ODS rows and cells repeated (attributes under
  any prefix, in any quoting); for .xls every sheet the BOUNDSHEET records point at (where
  the parser goes, not where a linear walk goes) with its cell records and its DIMENSIONS,
  and the stream walked end to end. A small sheet whose every cell tag starts '<c r="A1"'..
  '<c r="Z99"' is counted as that whole rectangle after expat has read it without callbacks
  (sound: see _QuickSheet), so a form costs little more than inflating it; only if such
  bounds add up to more than the cap are the exact rectangles measured;
- encrypted files are recognised in `read.sniff` (OLE containers): they are named as such.

Every check returns None (go on) or (issue code, Vietnamese detail for the message).
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from xml.parsers import expat

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
        infos = zf.infolist()
        _check_declared(infos, limits)
        _check_content(data, infos, kind, limits, keep, _xml_members(data, infos, kind))
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


def _check_content(
    data: bytes,
    infos: list[zipfile.ZipInfo],
    kind: str,
    limits: Limits,
    keep: dict[str, bytes],
    parts: tuple[set[str], set[str]],
) -> None:
    """Inflate every member once, in bounded chunks: actual sizes, then every member that is XML
    (by its content, or because the workbook's relationships make it a part the parser reads)
    through expat with DTDs refused: the declared sizes and the cell rectangles it holds."""
    try:
        _measure_all(data, infos, kind, limits, keep, parts, quick=True)
    except _Recount:  # over the limit by the quick upper bounds: measure exactly
        _measure_all(data, infos, kind, limits, keep, parts, quick=False)


class _Recount(Exception):
    """The sheet areas' upper bounds add up to more than the limit: the exact areas decide."""


def _measure_all(data, infos, kind, limits, keep, parts, quick: bool) -> None:
    budget = limits.max_total_bytes
    cells = 0
    bounded = False

    def too_wide() -> Exception:
        return _Recount() if bounded else _too_wide(limits)

    for info in infos:
        if info.is_dir():
            continue
        kept: list[bytes] | None = [] if info.filename in keep else None
        measure: _Xml | _Binary | None = None
        produced = 0
        for chunk in _inflate(data, info, min(info.file_size, budget)):
            if measure is None:
                small = quick and info.file_size <= _CHUNK  # one chunk: the whole part at once
                measure = _measure_for(info.filename, chunk, kind, parts, limits, small)
            produced += len(chunk)
            measure.feed(chunk)
            if cells + measure.cells() > limits.max_cells:
                raise too_wide()
            if kept is not None:
                kept.append(chunk)
        if kept is not None:
            keep[info.filename] = b"".join(kept)
        budget -= produced
        if measure is not None:
            cells += measure.close()
            bounded = bounded or measure.bounded
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


# ----------------------------------------------------------------------------- XML: expat, DTDs refused

# Parts whose DOCTYPE is allowed (an SVG image may carry one); an entity declaration never is.
_MEDIA_NAMES = (".svg",)
# Only to name an expat error: a declaration expat cannot even parse (lower case, outside a DTD).
_DTD_BYTES = re.compile(rb"<!(?:doctype|entity)", re.IGNORECASE)
_REF = re.compile(r"\$?([A-Za-z]*)\$?([0-9]*)")
_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"


class _Root(Exception):
    """The root element has been seen: for a part only checked for a DTD, enough."""


def _xml_members(data: bytes, infos: list[zipfile.ZipInfo], kind: str) -> tuple[set[str], set[str]]:
    """(parts the parser reads as XML, parts it reads cells from), whatever their content looks
    like. OOXML: the workbook, its relationships, shared strings, styles and every part the
    relationships name; sheets are the relationships' worksheets and xl/worksheets/*. ODS:
    content.xml (any other part is checked as XML when it looks like XML)."""
    names = {i.filename for i in infos}
    if kind != "ooxml":
        content = {"content.xml"} & names
        return content, content
    sheets = {n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")}
    xml = sheets | ({"xl/workbook.xml", _WORKBOOK_RELS, "xl/sharedStrings.xml", "xl/styles.xml"} & names)
    rels = next((i for i in infos if i.filename == _WORKBOOK_RELS), None)
    if rels is not None and rels.file_size <= MB:
        targets: list[tuple[str, str]] = []

        def start(name: str, attrs: dict) -> None:
            target = attrs.get("Target")
            if target and attrs.get("TargetMode") != "External":
                targets.append((_resolve("xl/", target), attrs.get("Type", "")))

        parser = _parser(start)
        try:
            for chunk in _inflate(data, rels, MB):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError:
            raise _Stop("FILE_CORRUPT", f"nội dung XML bị lỗi ở phần {_WORKBOOK_RELS}") from None
        except _Stop:
            raise _dtd(_WORKBOOK_RELS) from None
        for target, kind_of in targets:
            xml.add(target)
            if kind_of.endswith(("/worksheet", "/chartsheet", "/dialogsheet", "/xlMacrosheet", "/macrosheet")):
                sheets.add(target)
    return xml, sheets


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(base + target)


def _parser(start) -> expat.XMLParserType:
    """An expat parser that never reads a DTD's external parts; handlers refuse declarations."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_entity
    return parser


def _refuse_doctype(*_args) -> None:
    raise _Stop("FILE_UNSAFE", "")  # the part's name is added by the caller


def _refuse_entity(*_args) -> None:
    raise _Stop("FILE_UNSAFE", "")


def _looks_like_xml(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 (expat reads it; so may a parser)
        return True
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return head.lstrip(b" \t\r\n")[:1] == b"<"


def _measure_for(
    name: str, head: bytes, kind: str, parts: tuple[set[str], set[str]], limits: Limits, quick: bool = False
) -> _Xml | _Binary:
    """How a part is checked, from its first bytes: binary parts (images, the VBA project) are
    not XML; a sheet-bearing part is followed cell by cell; any other XML part only up to its
    root element (a DTD can only stand before it), whose attributes are checked (shared strings)."""
    xml, sheets = parts
    if not _looks_like_xml(head[:1024]):
        if name in xml:
            raise _Stop("FILE_CORRUPT", f"phần {name} không phải XML")
        return _Binary()
    media = name.lower().endswith(_MEDIA_NAMES)
    if kind == "ods":
        follow = name in sheets or b"table-row" in head
        return _OdsArea(name, media, limits) if follow else _Xml(name, media, limits)
    if name in sheets or b"sheetData" in head or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        if quick and _plain_utf8(head):
            return _QuickSheet(name, media, limits)
        return _XlsxArea(name, media, limits)
    return _Xml(name, media, limits)


class _Binary:
    bounded = False

    def feed(self, chunk: bytes) -> None:
        pass

    def cells(self) -> int:
        return 0

    def close(self) -> int:
        return 0


class _Xml:
    """One XML part through expat, in chunks: any DOCTYPE or ENTITY declaration is refused (an
    SVG image may have a DOCTYPE), and the root element's attributes are checked (the shared
    strings' declared counts, which the parser reserves memory for). This base class stops at
    the root element; _XlsxArea and _OdsArea follow the whole part and measure its sheets."""

    FOLLOW = False
    bounded = False  # True when an upper bound stood in for the exact area (_QuickSheet)

    def __init__(self, name: str = "", media: bool = False, limits: Limits = LIMITS):
        self.name, self.limits = name, limits
        self._parser = _parser(self._start)
        if media:
            self._parser.StartDoctypeDeclHandler = None
        self._tail = b""
        self._stopped = False
        self._done = 0  # rectangles of finished sheets
        self._rows = self._cols = 0  # extent of non-empty cells in the current sheet
        self._declared = 0  # the current sheet's declared area (<dimension>)

    def feed(self, chunk: bytes) -> None:
        if not self._stopped:
            self._parse(chunk, False)

    def cells(self) -> int:
        return self._done + max(self._rows * self._cols, self._declared)

    def close(self) -> int:
        if not self._stopped:
            self._parse(b"", True)
        return self.cells()

    def _parse(self, chunk: bytes, final: bool) -> None:
        try:
            self._parser.Parse(chunk, final)
        except _Root:
            self._stopped = True
        except _Stop as stop:
            if stop.problem == ("FILE_UNSAFE", ""):
                raise _dtd(self.name) from None
            raise
        except expat.ExpatError:
            if _DTD_BYTES.search(self._tail + chunk):
                raise _dtd(self.name) from None
            raise _Stop("FILE_CORRUPT", f"nội dung XML bị lỗi ở phần {self.name}") from None
        self._tail = chunk[-16:]

    def _start(self, name: str, attrs: dict) -> None:
        local = name.rpartition(":")[2]
        if local == "sst":
            self._check_counts(attrs)
        if not self.FOLLOW:
            raise _Root

    def _check_counts(self, attrs: dict) -> None:
        for key in ("count", "uniqueCount"):
            value = str(attrs.get(key, "")).strip()
            if value.isdigit() and int(value) > self.limits.max_cells:
                raise _unsafe(f"phần {self.name} khai báo {int(value):_} chuỗi".replace("_", "."))


def _dtd(name: str) -> _Stop:
    return _unsafe(f"XML có khai báo DOCTYPE/ENTITY ở phần {name}")


class _XlsxArea(_Xml):
    """SpreadsheetML: <row r="7"> and <c r="H7">, either may omit r (then: previous + 1), in
    any case and with any number of letters, with or without a prefix; the <dimension> a sheet
    declares counts too. A cell is stored only with a value: a child <v>, <f> or <is> (an empty
    <c .../>, written for borders and styles, is not stored)."""

    FOLLOW = True

    def __init__(self, name: str = "", media: bool = False, limits: Limits = LIMITS):
        super().__init__(name, media, limits)
        self._row = 0  # 1-based row of the current <row>
        self._col = 0  # 1-based column of the last <c>
        self._open = False  # inside a <c> whose value is not seen yet

    def _start(self, name: str, attrs: dict) -> None:
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "c":
            ref = attrs.get("r") or _prefixed(attrs, "r")
            col, row = (_REFS.get(ref) or _cell_ref(ref)) if ref else (0, 0)
            self._col = col or self._col + 1
            if row:
                self._row = row
            self._open = True
        elif name in ("v", "f", "is"):
            if self._open:
                self._open = False
                if self._row > self._rows:
                    self._rows = self._row
                if self._col > self._cols:
                    self._cols = self._col
        elif name == "row":
            self._open = False
            ref = attrs.get("r") or _prefixed(attrs, "r")
            self._row = int(ref) if ref and ref.strip().isdigit() else self._row + 1
            self._col = 0
        else:
            self._open = False
            if name == "dimension":
                self._declared = max(self._declared, _range_area(attrs.get("ref") or _prefixed(attrs, "ref")))
            elif name == "sst":
                self._check_counts(attrs)
            elif name == "worksheet" and (self._rows or self._declared):  # a second sheet in one part
                self._done += max(self._rows * self._cols, self._declared)
                self._rows = self._cols = self._declared = self._row = self._col = 0


# A cell start tag that is not exactly '<c r="' + one capital + one or two digits + '"' (a far
# cell, another attribute first, other quotes, lower case, a character reference...).
_OUTSIDE_SMALL = re.compile(rb'<c(?=[\s>/])(?! r="[A-Z][0-9]{1,2}")')
_PREFIXED_CELL = re.compile(rb"<[^\s/>!?:]+:c[\s>/]")
_ENCODING = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([^"']*)["']""")
SMALL_ROWS, SMALL_COLS = 99, 26


def _plain_utf8(head: bytes) -> bool:
    """The part is UTF-8 (no BOM other than UTF-8's, no NUL byte, no other declared encoding),
    so what its bytes spell is what expat reads."""
    if b"\x00" in head[:4] or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    match = _ENCODING.match(head.removeprefix(b"\xef\xbb\xbf"))
    return match is None or match.group(1).lower() in (b"utf-8", b"utf8")


class _QuickSheet(_XlsxArea):
    """A sheet small enough to be one chunk, checked at C speed: expat reads the whole part with
    no handler past <sheetData> (well-formed, no DTD, the declared <dimension> read before it),
    then one search shows whether every cell tag starts '<c r="A1"'..'<c r="Z99"'. In a
    well-formed UTF-8 part without DTD every cell element starts '<c' or '<prefix:c' followed by
    a space, '/' or '>' (text cannot hold '<'), and an attribute cannot repeat, so then every
    cell lies in A1:Z99 and the sheet counts as that whole rectangle (an upper bound; our form
    and most small sheets). Otherwise the part is measured exactly, cell by cell."""

    def __init__(self, name: str = "", media: bool = False, limits: Limits = LIMITS):
        super().__init__(name, media, limits)
        self._media = media
        self._data = b""
        self._early = False  # a cell or row before <sheetData>: no shortcut
        self._dimensions = 0  # <dimension> elements read (before <sheetData>)

    def feed(self, chunk: bytes) -> None:
        self._data += chunk

    def cells(self) -> int:
        return 0  # known at close()

    def _start(self, name: str, attrs: dict) -> None:
        local = name.rpartition(":")[2]
        if local == "sheetData":
            self._parser.StartElementHandler = None  # the rest at C speed
        elif local in ("c", "row"):
            self._early = True
        else:
            self._dimensions += local == "dimension"
            super()._start(name, attrs)

    def close(self) -> int:
        data, self._data = self._data, b""
        self._parse(data, True)
        small = (
            not self._early
            and data.count(b"dimension") == self._dimensions  # none after <sheetData>, none hidden
            and _OUTSIDE_SMALL.search(data) is None
            and not (b":c" in data and _PREFIXED_CELL.search(data))
        )
        if not small:
            exact = _XlsxArea(self.name, self._media, self.limits)
            exact.feed(data)
            return exact.close()
        if b'<c r="' in data:
            self._rows, self._cols = max(self._rows, SMALL_ROWS), max(self._cols, SMALL_COLS)
            self.bounded = True
        return super().cells()


def _prefixed(attrs: dict, local: str) -> str:
    for key, value in attrs.items():
        if key.rpartition(":")[2] == local:
            return value
    return ""


def _cell_ref(ref: str) -> tuple[int, int]:
    """'b12' -> (2, 12); '$AAAA$1' -> (18279, 1); what is missing is 0. Remembered (a worker
    reads the same form's references file after file)."""
    match = _REF.fullmatch(ref.strip())
    if not match:
        return 0, 0
    letters, digits = match.groups()
    found = (_col_number(letters) if letters else 0), (int(digits) if digits else 0)
    if len(_REFS) < 200_000:
        _REFS[ref] = found
    return found


_REFS: dict[str, tuple[int, int]] = {}


def _range_area(ref: str) -> int:
    """'A1:H50' -> 400 (from A1, as the parser's rectangle); '' or unreadable -> 0."""
    if not ref:
        return 0
    cols = rows = 0
    for part in ref.split(":"):
        col, row = _cell_ref(part)
        cols, rows = max(cols, col), max(rows, row)
    return cols * rows


class _OdsArea(_Xml):
    """OpenDocument: rows and cells carry repeat counts (under whatever prefix, written however
    XML allows); calamine writes every repeat of a non-empty cell, and of the rows holding one,
    into its rectangle. A cell is non-empty with a value type or a child (its text)."""

    FOLLOW = True

    def __init__(self, name: str = "", media: bool = False, limits: Limits = LIMITS):
        super().__init__(name, media, limits)
        self._next_row = 0  # 0-based row the next <table-row> starts at
        self._row_end = 0  # 0-based row after the current row's repeats
        self._col = 0
        self._open = False  # inside a cell not yet known to hold something

    def _start(self, name: str, attrs: dict) -> None:
        if ":" in name:
            name = name.rpartition(":")[2]
        if name in ("table-cell", "covered-table-cell"):
            self._col += _repeat(attrs, "number-columns-repeated")
            self._open = True
            if any(key.rpartition(":")[2] == "value-type" for key in attrs):
                self._valued()
        elif name == "table-row":
            self._open = False
            self._row_end = self._next_row + _repeat(attrs, "number-rows-repeated")
            self._next_row = self._row_end
            self._col = 0
        elif name == "table":
            self._open = False
            self._done += self._rows * self._cols
            self._rows = self._cols = self._next_row = self._row_end = self._col = 0
        elif name in ("p", "h", "span", "a", "s", "annotation", "list"):
            if self._open:
                self._valued()
        else:
            self._open = False

    def _valued(self) -> None:
        self._open = False
        self._rows = max(self._rows, self._row_end)
        self._cols = max(self._cols, self._col)


def _repeat(attrs: dict, local: str) -> int:
    for key, value in attrs.items():
        if key.rpartition(":")[2] == local:
            text = value.strip()
            return max(int(text), 1) if text.isdigit() else 1
    return 1


def _col_number(letters: str | bytes) -> int:
    if isinstance(letters, bytes):
        letters = letters.decode("ascii")
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


# ----------------------------------------------------------------------------- BIFF (.xls)

# Cell records: row (u16) and column (u16) first. MULRK / MULBLANK end with the last column.
_BIFF_CELLS = {0x0006, 0x00FD, 0x0203, 0x027E, 0x0205, 0x0204, 0x00D6, 0x0201}
_BIFF_MULTI = {0x00BD, 0x00BE}
_BIFF_BOF = {0x0809, 0x0409, 0x0209, 0x0009}
_BIFF_EOF, _BIFF_BOUNDSHEET, _BIFF_DIMENSIONS = 0x000A, 0x0085, 0x0200
MAX_SHEETS = 1000


def check_biff(stream: bytes, limits: Limits = LIMITS) -> Problem | None:
    """The rectangles of the sheets of a .xls workbook stream. The parser finds each sheet by
    the offset its BOUNDSHEET record gives (not by walking the stream), so every offset is
    followed, and a sheet's DIMENSIONS record counts as well as its cell records; the stream
    walked end to end must fit too (whichever is larger decides)."""
    try:
        offsets = _boundsheet_offsets(stream)
        if len(offsets) > MAX_SHEETS:
            raise _unsafe(f"{len(offsets)} trang tính, quá {MAX_SHEETS}")
        areas: dict[int, int] = {}
        followed = 0
        for offset in offsets:
            if offset not in areas:
                areas[offset] = _substream_area(stream, offset, limits)
            followed += areas[offset]
            if followed > limits.max_cells:
                raise _too_wide(limits)
        _linear_area(stream, limits)
    except _Stop as stop:
        return stop.problem
    return None


def _records(stream: bytes, pos: int) -> Iterator[tuple[int, int, int]]:
    """(type, body offset, body length) of each whole record from pos on."""
    size = len(stream)
    while pos + 4 <= size:
        rtype, length = struct.unpack_from("<HH", stream, pos)
        body = pos + 4
        if body + length > size:
            return
        yield rtype, body, length
        pos = body + length


def _boundsheet_offsets(stream: bytes) -> list[int]:
    """The workbook globals (up to their EOF): where each BOUNDSHEET says its sheet starts."""
    offsets = []
    for rtype, body, length in _records(stream, 0):
        if rtype == _BIFF_EOF:
            break
        if rtype == _BIFF_BOUNDSHEET and length >= 4:
            offsets.append(struct.unpack_from("<I", stream, body)[0])
    return offsets


def _cell_extent(stream: bytes, rtype: int, body: int, length: int) -> tuple[int, int]:
    """(rows, cols) a record makes the sheet's rectangle at least; (0, 0) for other records."""
    if (rtype in _BIFF_CELLS or rtype in _BIFF_MULTI) and length >= 4:
        row, col = struct.unpack_from("<HH", stream, body)
        if rtype in _BIFF_MULTI and length >= 6:
            col = max(col, struct.unpack_from("<H", stream, body + length - 2)[0])
        return row + 1, col + 1
    if rtype == _BIFF_DIMENSIONS:
        if length >= 14:  # BIFF8: first row, last row + 1 (u32), first col, last col + 1 (u16)
            _, rows, _, cols = struct.unpack_from("<IIHH", stream, body)
            return rows, cols
        if length >= 8:  # BIFF5/7: u16 each
            _, rows, _, cols = struct.unpack_from("<HHHH", stream, body)
            return rows, cols
    return 0, 0


def _substream_area(stream: bytes, offset: int, limits: Limits) -> int:
    """The rectangle of the sheet whose BOF is at offset, up to its EOF (nested substreams, such
    as an embedded chart's, included)."""
    rows = cols = 0
    depth = 0
    for rtype, body, length in _records(stream, offset):
        if rtype in _BIFF_BOF:
            depth += 1
        elif rtype == _BIFF_EOF:
            depth -= 1
            if depth <= 0:
                break
        else:
            r, c = _cell_extent(stream, rtype, body, length)
            if r > rows or c > cols:
                rows, cols = max(rows, r), max(cols, c)
                if rows * cols > limits.max_cells:
                    raise _too_wide(limits)
    return rows * cols


def _linear_area(stream: bytes, limits: Limits) -> None:
    done = rows = cols = 0
    for rtype, body, length in _records(stream, 0):
        if rtype in _BIFF_BOF:
            done += rows * cols
            rows = cols = 0
            continue
        r, c = _cell_extent(stream, rtype, body, length)
        if r > rows or c > cols:
            rows, cols = max(rows, r), max(cols, c)
            if done + rows * cols > limits.max_cells:
                raise _too_wide(limits)
