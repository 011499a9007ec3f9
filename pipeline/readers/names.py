"""Workbook-level defined names of an OOXML package: the form's input cells by name.

Every input cell of our form carries a defined name (core/layout.py's scheme), so the reader
can find it even after rows are inserted. Hostile input: parsed with defusedxml, or for the
workbook.xml that Excel, LibreOffice and xlsxwriter write, by a cheaper exact scan.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

from defusedxml import ElementTree as SafeET

from pipeline.core.cells import parse_a1
from pipeline.readers.sniff import WORKBOOK_PART

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
        found = [
            (node.get("name"), node.get("localSheetId"), node.text)
            for node in root.iter()
            if str(node.tag).endswith("}definedName")
        ]
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
    r'<definedName name="([^"&\t\n\r]*)"(?: localSheetId="([^"&\t\n\r]*)")?>([^<&\r]*)</definedName>'
)


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
