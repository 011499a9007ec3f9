"""Read one workbook into a Submission: raw values with the sheet and cell they came from.

The only module that opens input workbooks. It never trusts row numbers or sheet names:
- the score sheet is the sheet with the most indicator codes of the rule set in one column;
  rows are found by code, columns by the header labels (layout.SCORE_HEADERS);
- the cover sheet is the one carrying the label "Mã đơn vị hành chính"; each value is in the
  cell right of its label;
- workbook-level defined names (xlsx/xlsm) are used where they agree with that search (same
  row as the code / label), because a program that inserts rows (openpyxl) leaves names
  pointing at the old cells; they fill in a column whose header was not found, and a cover
  field whose label was edited away.

Values are kept as calamine gives them (str, float, int, bool, date/datetime); an empty cell
is None (calamine gives '' inside the used range and nothing outside it: one spelling for both).
Any failure becomes an Issue; this function never raises.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import olefile
import python_calamine as calamine
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

from pipeline.core import layout
from pipeline.core.cells import a1, col_index, parse_a1
from pipeline.readers import safety
from pipeline.core.model import Located, Submission
from pipeline.core.problems import Issue, issue
from pipeline.core.rules import RuleSet
from pipeline.steps.values import code_text, strip_accents

# ----------------------------------------------------------------------------- sniffing

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
        return Sniffed("ooxml", macros="xl/vbaProject.bin" in names,
                       external_links=any(n.startswith("xl/externalLinks/") for n in names))
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
    except Exception:  # olefile raises OSError and assorted parsing errors on damaged headers
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
        if _biff_has_filepass(stream[:64 * 1024]):
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
        rtype = int.from_bytes(stream[pos:pos + 2], "little")
        length = int.from_bytes(stream[pos + 2:pos + 4], "little")
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


class Grid:
    """One worksheet's values addressed by absolute 0-based (row, col).

    calamine returns the used range only, starting at sheet.start; a sheet whose content
    begins at C3 gives a grid whose [0][0] is C3.
    """

    def __init__(self, name: str, rows: list[list[Any]], start: tuple[int, int] | None,
                 merged: list | None = None):
        self.name = name
        self.rows = rows
        self.r0, self.c0 = start or (0, 0)
        self.merged = merged or []
        self.width = max((len(r) for r in rows), default=0)
        self.header_rows: dict[int, int | None] = {}  # code column -> heading row (cache)

    def get(self, row: int, col: int) -> Any:
        r, c = row - self.r0, col - self.c0
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            value = self.rows[r][c]
            return None if value == "" else value
        return None

    def at(self, row: int, col: int) -> Located:
        return Located(self.get(row, col), self.name, a1(row, col))

    def cells(self):
        """(row, col, value) of every non-empty cell."""
        for r, values in enumerate(self.rows):
            for c, value in enumerate(values):
                if value != "" and value is not None:
                    yield r + self.r0, c + self.c0, value

    def right_of(self, row: int, col: int) -> int:
        """The column right of a label, past the label's merged range."""
        for (mr0, mc0), (mr1, mc1) in self.merged:
            if mr0 <= row <= mr1 and mc0 <= col <= mc1:
                return mc1 + 1
        return col + 1


class _Sheets:
    """A workbook's worksheets in order, each parsed into a Grid only when first asked for.

    The searches below look at the sheet they expect first and stop when it is conclusive, so
    a form's instruction sheet (its largest, and useless to us) is never parsed. A sheet whose
    XML is damaged fails when it is needed, which makes the file FILE_CORRUPT as before.
    """

    def __init__(self, wb: calamine.CalamineWorkbook):
        self._wb = wb
        # chart / macro sheets hold no form values
        self.names = [m.name for m in wb.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet]
        self._grids: dict[str, Grid] = {}

    def __len__(self) -> int:
        return len(self.names)

    def __iter__(self):
        return (self.grid(name) for name in self.names)

    def grid(self, name: str) -> Grid:
        found = self._grids.get(name)
        if found is None:
            sheet = self._wb.get_sheet_by_name(name)
            try:
                merged = sheet.merged_cell_ranges or []
            except Exception:  # not every format reports merged cells
                merged = []
            found = self._grids[name] = Grid(name, sheet.to_python(), sheet.start, merged)
        return found

    def first(self, preferred: str) -> list[str]:
        """Sheet names with `preferred` first, the others in workbook order."""
        return sorted(self.names, key=lambda n: n != preferred)


# ----------------------------------------------------------------------------- defined names

_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!(\$?[A-Za-z]{1,3}\$?\d+)$")


def defined_names(data: bytes) -> dict[str, tuple[str, int, int]]:
    """Workbook-level defined names of an OOXML package that point at one cell:
    lowercase name -> (sheet, row, col), 0-based. Parsed with defusedxml (hostile input)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return workbook_names(zf.read(WORKBOOK_PART))


def workbook_names(xml: bytes) -> dict[str, tuple[str, int, int]]:
    """defined_names, from the bytes of xl/workbook.xml."""
    found = _plain_defined_names(xml)
    if found is None:
        root = SafeET.fromstring(xml)
        found = [(node.get("name"), node.get("localSheetId"), node.text)
                 for node in root.iter() if str(node.tag).endswith("}definedName")]
    names: dict[str, tuple[str, int, int]] = {}
    for name, local, text in found:
        if local is not None:
            continue
        name = name or ""
        if name.startswith("_xlnm."):
            continue  # print areas, filters
        cell = _named_cell((text or "").strip())
        if cell:
            names[name.lower()] = cell
    return names


@functools.lru_cache(maxsize=8192)
def _named_cell(ref: str) -> tuple[str, int, int] | None:
    match = _REF.match(ref)
    if not match:
        return None  # ranges, formulas: not input cells
    cell = parse_a1(match.group(3))
    return ((match.group(1) or "").replace("''", "'") or match.group(2), *cell) if cell else None


_MAIN_NS = b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_DEFAULT_NS = re.compile(rb"xmlns\s*=")
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_FIRST_TAG = re.compile(rb"<(?![?!])[^>]*>")
_NAME_START = re.compile(r"<definedName[\s/>]")
_SIMPLE_NAME = re.compile(
    r'<definedName name="([^"&\t\n\r]*)"(?: localSheetId="([^"&\t\n\r]*)")?>([^<&\r]*)</definedName>')


def _plain_defined_names(xml: bytes) -> list[tuple[str, str | None, str]] | None:
    """(name, localSheetId, text) of every definedName, without building a tree, for the
    workbook.xml that Excel, LibreOffice and xlsxwriter write (5x cheaper than the tree). None
    for anything unusual (a DTD, comments, CDATA, entities, another encoding or namespace
    layout, attributes in another order): the full defusedxml parse then decides, as before.
    Well-formedness is still checked by expat, raising the same ParseError as the tree would."""
    if b"<!" in xml or b"&" in xml or b":definedName" in xml or len(_DEFAULT_NS.findall(xml)) != 1:
        return None
    declared = _DECLARED_ENCODING.match(xml)
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        return None
    root = _FIRST_TAG.search(xml)
    if root is None or _MAIN_NS not in root.group():
        return None  # the definedName elements must be in the main namespace, declared on the root
    try:
        text = xml.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    simple = _SIMPLE_NAME.findall(text)
    if len(simple) != len(_NAME_START.findall(text)):
        return None
    parser = expat.ParserCreate(None, "}")
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as exc:
        err = ParseError(exc)
        err.code, err.position = exc.code, (exc.lineno, exc.offset)
        raise err from None
    return [(name, local or None, ref) for name, local, ref in simple]


# ----------------------------------------------------------------------------- entry point


def read_workbook(path: Path, rel: str, rule_set: RuleSet) -> tuple[Submission | None, list[Issue]]:
    try:
        return _read(Path(path), rel, rule_set)
    except calamine.PasswordError:
        return None, [issue("FILE_ENCRYPTED", file=rel)]
    except calamine.CalamineError as exc:
        return None, [issue("FILE_CORRUPT", file=rel, value=_calamine_detail(exc))]
    except Exception as exc:  # a damaged file must never stop the run
        return None, [issue("FILE_CORRUPT", file=rel, value=f"{type(exc).__name__}: {str(exc)[:80]}")]
    except BaseException as exc:  # a panic in the Rust parser arrives as pyo3's PanicException
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        return None, [issue("FILE_CORRUPT", file=rel, value=f"{type(exc).__name__}: {str(exc)[:80]}")]


def _calamine_detail(exc: Exception) -> str:
    if isinstance(exc, calamine.ZipError):
        return "tệp nén không đầy đủ"
    if isinstance(exc, calamine.XmlError):
        return "nội dung XML bị lỗi"
    return str(exc)[:80] or type(exc).__name__


def _read(path: Path, rel: str, rule_set: RuleSet) -> tuple[Submission | None, list[Issue]]:
    # One read of the bytes: sniffing, names and parsing all work on memory, so the input file
    # is open only for an instant (Windows locks open files).
    data = path.read_bytes()
    kind = sniff(data)
    if kind.problem:
        return None, [issue(kind.problem, file=rel, value=kind.detail)]
    issues: list[Issue] = []
    if kind.macros or path.suffix.lower() == ".xlsm":
        issues.append(issue("MACROS_PRESENT", file=rel))
    if kind.external_links:
        issues.append(issue("EXTERNAL_LINKS", file=rel))

    try:
        names = {} if kind.container != "ooxml" else (
            workbook_names(kind.workbook_xml) if kind.workbook_xml else defined_names(data))
    except DefusedXmlException:
        return None, issues + [issue("FILE_UNSAFE", file=rel, value="XML có khai báo thực thể")]
    wb = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        grids = _Sheets(wb)
        sub = Submission(file=rel)
        score = _find_score_sheet(grids, rule_set)
        meta_grid = _find_meta(grids, sub)
        if score is None or not _looks_like_ours(score, sub):
            return None, issues + [issue("NOT_OUR_FORM", file=rel)]
        issues += _read_scores(score, rule_set, names, sub)
        _read_cover(grids, rule_set, names, sub, exclude={meta_grid})
    finally:
        wb.close()
    return sub, issues


# ----------------------------------------------------------------------------- meta


def _find_meta(grids: _Sheets, sub: Submission) -> str:
    """Key/value pairs of the sheet whose column A holds 'template_id' (the hidden _meta)."""
    for name in grids.first(layout.SHEET_META):
        grid = grids.grid(name)
        keys = {_code(grid.get(r, 0)): r for r in range(grid.r0, grid.r0 + len(grid.rows))}
        if "template_id" not in keys:
            continue
        for key in layout.META_KEYS:
            if key in keys:
                sub.meta[key] = grid.at(keys[key], 1)
        return grid.name
    return ""


# ----------------------------------------------------------------------------- score sheet


@dataclass
class _Score:
    grid: Grid
    col: int  # column of the codes
    count: int  # distinct rule-set indicator codes in it


def _find_score_sheet(grids: _Sheets, rule_set: RuleSet) -> _Score | None:
    """The column holding the most indicator codes, preferring one under a heading row that has
    "Điểm tự chấm": the instruction sheet lists every code too, but has nowhere to score.

    The sheet named like the form's score sheet is looked at first: when it has every code under
    a "Điểm" heading no other sheet can rank higher (the name breaks the tie), so the others
    are not parsed."""
    codes = {i.code for i in rule_set.indicators}
    best: tuple | None = None
    order_of = {name: n for n, name in enumerate(grids.names)}
    for name in grids.first(layout.SHEET_SCORES):
        if best is not None and best[0][:3] == (True, len(codes), True):
            break
        order, grid = order_of[name], grids.grid(name)
        per_col: dict[int, set[str]] = {}
        for _, c, value in grid.cells():
            if (code := _code(value)) in codes:
                per_col.setdefault(c, set()).add(code)
        for col, found in per_col.items():
            header = _header_row(grid, col)
            scored = header is not None and any(
                _header_match(grid.get(header, c)) == "diem" for c in range(col, grid.c0 + grid.width))
            key = (scored, len(found), grid.name == layout.SHEET_SCORES, -order, -col)
            if best is None or key > best[0]:
                best = (key, _Score(grid, col, len(found)))
    return best[1] if best else None


def _looks_like_ours(score: _Score, sub: Submission) -> bool:
    """A couple of '1.1'-like numbers in some unrelated workbook is not our form: with fewer
    than 3 codes, ask for a second sign (our template id, or the 'Mã' column heading)."""
    if score.count >= 3:
        return True
    template = sub.meta.get("template_id")
    if template and template.value == layout.TEMPLATE_ID:
        return True
    return _header_row(score.grid, score.col) is not None


def _label_key(value: Any) -> str:
    """Labels compared without accents, case, spacing or trailing ':' / '*'."""
    return _text_key(value) if isinstance(value, str) else strip_accents(value).rstrip(" :*")


@functools.lru_cache(maxsize=8192)
def _text_key(value: str) -> str:
    # Cached: every form repeats the same few hundred labels, and stripping accents is the
    # most expensive step of reading a workbook.
    return strip_accents(value).rstrip(" :*")


@functools.lru_cache(maxsize=8192)
def _str_code(value: str) -> str:
    return code_text(value) if len(value) <= 16 else ""  # codes are short; skip sentences


def _code(value: Any) -> str:
    """Code text of a cell: '1.1', 1.1 (float) -> '1.1'; '' for anything that cannot be a code."""
    if isinstance(value, str):
        return _str_code(value)
    if isinstance(value, (float, int)) and not isinstance(value, bool):
        return code_text(value)
    return ""


_HEADER_KEYS = {_label_key(label): field for field, label in layout.SCORE_HEADERS.items()}


def _header_match(value: Any) -> str | None:
    key = _label_key(value)
    if key in _HEADER_KEYS:
        return _HEADER_KEYS[key]
    # "Điểm tự chấm (*)" / "Tử số (người)": a heading with a note after it. Short headings
    # ("Mã") only by equality, or "Mẫu số" would match "Mã".
    for label, field in _HEADER_KEYS.items():
        if len(label) >= 5 and key.startswith(label):
            return field
    return None


def _header_row(grid: Grid, code_col: int) -> int | None:
    """The row whose code-column cell reads 'Mã' (the column headings)."""
    if code_col not in grid.header_rows:
        grid.header_rows[code_col] = next(
            (r for r in range(grid.r0, grid.r0 + len(grid.rows))
             if isinstance(v := grid.get(r, code_col), str) and len(v) <= 8 and _header_match(v) == "ma"),
            None)
    return grid.header_rows[code_col]


def _columns(grid: Grid, code_col: int, names: dict, code_rows: dict[str, int]) -> dict[str, int]:
    """Column of each field: by heading; else by a defined name on the right row; else the
    layout letter shifted by as much as the code column moved."""
    found: dict[str, int] = {}
    header = _header_row(grid, code_col)
    if header is not None:
        for c in range(grid.c0, grid.c0 + grid.width):
            field = _header_match(grid.get(header, c))
            if field and field not in found:
                found[field] = c
    shift = code_col - col_index(layout.SCORE_COLUMNS["ma"])
    for field, letter in layout.SCORE_COLUMNS.items():
        if field in found:
            continue
        for code, row in code_rows.items():
            ref = names.get(layout.indicator_name(field, code).lower())
            if ref and ref[0] == grid.name and ref[1] == row:
                found[field] = ref[2]
                break
        else:
            found[field] = col_index(letter) + shift
    return found


_CODE_LIKE = re.compile(r"^\d+\.\d+$")


def _read_scores(score: _Score, rule_set: RuleSet, names: dict, sub: Submission) -> list[Issue]:
    grid, code_col, rel = score.grid, score.col, sub.file
    issues: list[Issue] = []
    codes = {i.code for i in rule_set.indicators}
    criteria = {c.code.lower(): c.code for c in rule_set.criteria}
    total_key = _label_key(layout.TOTAL_CODE)
    header = _header_row(grid, code_col)
    first = grid.r0 if header is None else header + 1

    rows: dict[str, int] = {}
    criterion_rows: dict[str, int] = {}
    total_row: int | None = None
    for r in range(first, grid.r0 + len(grid.rows)):
        value = grid.get(r, code_col)
        code = _code(value)
        if not code:
            continue
        if code in codes:
            if code in rows:
                issues.append(issue("INDICATOR_DUPLICATE", file=rel, sheet=grid.name, cell=a1(r, code_col),
                                    value=code, indicator=code))
            else:
                rows[code] = r
        elif code.lower() in criteria:
            criterion_rows.setdefault(criteria[code.lower()], r)
        elif _label_key(code) == total_key:
            total_row = r if total_row is None else total_row
        elif _CODE_LIKE.match(code):
            issues.append(issue("INDICATOR_UNKNOWN", file=rel, sheet=grid.name, cell=a1(r, code_col), value=code))

    cols = _columns(grid, code_col, names, rows)
    sub.score_sheet = grid.name
    for ind in rule_set.indicators:
        if ind.code not in rows:
            issues.append(issue("INDICATOR_MISSING", file=rel, sheet=grid.name, value=ind.code, indicator=ind.code))
            continue
        sub.rows[ind.code] = {f: grid.at(rows[ind.code], cols[f]) for f in layout.INDICATOR_FIELDS}
    for code, r in criterion_rows.items():
        sub.cached_totals[layout.criterion_total_name(code)] = grid.at(r, cols["diem"])
    if total_row is not None:
        sub.cached_totals[layout.TOTAL_NAME] = grid.at(total_row, cols["diem"])
    return issues


# ----------------------------------------------------------------------------- cover


_COVER_LABELS = {_label_key(label): name for name, label, _ in layout.COVER_FIELDS}
_UNIT_LABEL = _label_key(layout.COVER_FIELDS[0][1])


def _read_cover(grids: _Sheets, rule_set: RuleSet, names: dict, sub: Submission, exclude: set) -> None:
    labels = dict(_COVER_LABELS)
    declarations = {_label_key(d.label): d.key for d in rule_set.conditions.declarations}
    grid = _find_cover_sheet(grids, names, exclude)
    if grid is None:
        return
    sub.cover_sheet = grid.name
    found: dict[str, tuple[int, int]] = {}  # name -> (row, col) of the label
    for r, c, value in grid.cells():
        if not isinstance(value, str):
            continue
        key = _label_key(value)
        name = labels.get(key) or declarations.get(key)
        if name is None and len(key) > 20:
            # A declaration label with a number or note added ("1. Trong năm ...?").
            name = next((k for label, k in declarations.items() if label in key), None)
        if name and name not in found:
            found[name] = (r, c)
    for name in [n for n, _, _ in layout.COVER_FIELDS] + [d.key for d in rule_set.conditions.declarations]:
        ref = names.get(name.lower())
        ref_here = ref if ref and ref[0] == grid.name else None
        if name in found:
            r, c = found[name]
            if ref_here and ref_here[1] == r:
                sub.cover[name] = grid.at(r, ref_here[2])  # the named input cell, verified by its row
            else:
                sub.cover[name] = grid.at(r, grid.right_of(r, c))
        elif ref_here:
            sub.cover[name] = grid.at(ref_here[1], ref_here[2])  # label edited away: trust the name


def _find_cover_sheet(grids: _Sheets, names: dict, exclude: set) -> Grid | None:
    for name in grids.first(layout.SHEET_COVER):
        if name in exclude:
            continue
        grid = grids.grid(name)
        if any(isinstance(v, str) and _label_key(v) == _UNIT_LABEL for _, _, v in grid.cells()):
            return grid
    ref = names.get(layout.COVER_FIELDS[0][0])
    if ref and ref[0] in grids.names and ref[0] not in exclude:
        return grids.grid(ref[0])
    return grids.grid(layout.SHEET_COVER) if layout.SHEET_COVER in grids.names else None
