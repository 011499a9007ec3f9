"""Hostile workbooks whose danger is in what they declare, generated in many spellings.

The parser (python-calamine) allocates what a workbook declares: a sheet's rectangle up to its
furthest cell or its <dimension>, the shared strings' count, a .xls sheet's DIMENSIONS record,
an ODS row or cell repeated a million times. Each builder returns the bytes of one file that
asks for far more than the 1,000,000-cell limit, written the way a regular-expression scanner
would miss (lower case, four-letter columns, '>' inside an attribute, other prefixes, other
quotes, character references, UTF-16, a .xls sheet a linear walk never reaches). Used by
tests/test_hostile_xml.py; nothing binary is committed.
"""

from __future__ import annotations

import io
import struct
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"

WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
)


def xlsx(
    sheet_xml: bytes | str, *, target: str = "worksheets/sheet1.xml", extra: dict[str, bytes] | None = None
) -> bytes:
    """A minimal workbook of one sheet, `sheet_xml` at xl/<target> (the relationship says where)."""
    data = sheet_xml.encode() if isinstance(sheet_xml, str) else sheet_xml
    rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">'
        f'<Relationship Id="rId1" Type="{WORKSHEET}" Target="{target}"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", rels)
        zf.writestr(f"xl/{target}", data)
        for name, member in (extra or {}).items():
            zf.writestr(name, member)
    return buffer.getvalue()


def sheet(cells: str, *, head: str = "", root: str = "worksheet", ns: str = "") -> str:
    """A worksheet: `head` before <sheetData> (a dimension), `cells` inside it."""
    prefix = f"{ns}:" if ns else ""
    xmlns = f'xmlns:{ns}="{MAIN}"' if ns else f'xmlns="{MAIN}"'
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><{prefix}{root} {xmlns}>{head}'
        f"<{prefix}sheetData>{cells}</{prefix}sheetData></{prefix}{root}>"
    )


# A far cell, written so that a scanner looking for '<c r="[A-Z]+[0-9]+"' misses it.
FAR_CELLS = {
    "lower case": '<row r="1048576"><c r="xfd1048576"><v>1</v></c></row>',
    "four letters": '<row r="100"><c r="AAAA100"><v>1</v></c></row>',
    "'>' in an attribute first": '<row r="1048576"><c s="1" x="a>b" r="XFD1048576"><v>1</v></c></row>',
    "single quotes and spaces": "<row r = '1048576' ><c r = 'XFD1048576' ><v>1</v></c></row>",
    "absolute reference": '<row r="1048576"><c r="$XFD$1048576"><v>1</v></c></row>',
    "character references": '<row r="1048576"><c r="&#88;&#70;D1048576"><v>1</v></c></row>',
    "rows without numbers": "<row/>" * 70 + '<row><c r="XFD"><v>1</v></c></row>',  # row 71, by counting
    "inline string": '<row r="9000"><c r="ZZ9000" t="inlineStr"><is><t>x</t></is></c></row>',
    "formula only": '<row r="60000"><c r="AZ60000"><f>1+1</f></c></row>',
}

DIMENSIONS = {
    "upper case": '<dimension ref="A1:XFD1048576"/>',
    "lower case": '<dimension ref="a1:xfd1048576"/>',
    "four letters": '<dimension ref="A1:AAAA100"/>',
    "single cell": "<dimension ref='ZZZ99999'/>",
}


def far_cell(variant: str) -> bytes:
    return xlsx(sheet(FAR_CELLS[variant]))


def prefixed_far_cell() -> bytes:
    cells = '<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>'
    return xlsx(sheet(cells, ns="x"))


def declared_dimension(variant: str) -> bytes:
    return xlsx(sheet('<row r="1"><c r="A1"><v>1</v></c></row>', head=DIMENSIONS[variant]))


def utf16_far_cell() -> bytes:
    text = sheet('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>').replace(
        'encoding="UTF-8"', 'encoding="UTF-16"'
    )
    return xlsx(text.encode("utf-16"))


def sheet_under_another_name(name: str = "media/image1.png") -> bytes:
    """The relationship points the sheet at a part named like an image."""
    return xlsx(sheet('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'), target=name)


def shared_strings(count: str, unique: str) -> bytes:
    sst = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{count}" uniqueCount="{unique}">'
        "<si><t>x</t></si></sst>"
    ).encode()
    return xlsx(sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'), extra={"xl/sharedStrings.xml": sst})


DTDS = {
    "doctype": b'<?xml version="1.0"?><!DOCTYPE w><w/>',
    "lower case": b'<?xml version="1.0"?><!doctype w><w/>',
    "entities": b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><w>&b;</w>',
    "parameter entity": b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]><w/>',
    "utf-16": '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE w [<!ENTITY a "b">]><w>&a;</w>'.encode("utf-16"),
}


def dtd_in(part: str, variant: str) -> bytes:
    return xlsx(sheet('<row r="1"><c r="A1"><v>1</v></c></row>'), extra={part: DTDS[variant]})


# ----------------------------------------------------------------------------- .xls


def _biff(*records: tuple[int, bytes]) -> bytes:
    return b"".join(struct.pack("<HH", rtype, len(body)) + body for rtype, body in records)


_BOF_GLOBALS = (0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0))
_BOF_SHEET = (0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0))
_EOF = (0x000A, b"")


def _boundsheet(offset: int) -> tuple[int, bytes]:
    return 0x0085, struct.pack("<IBBBB", offset, 0, 0, 1, 0) + b"S"


def _number(row: int, col: int) -> tuple[int, bytes]:
    return 0x0203, struct.pack("<HHHd", row, col, 15, 1.0)


def _dimensions(rows: int, cols: int) -> tuple[int, bytes]:
    return 0x0200, struct.pack("<IIHHH", 0, rows, 0, cols, 0)


def xls_stream(variant: str) -> bytes:
    """A BIFF8 workbook stream whose one sheet asks for more than a million cells."""
    head_len = len(_biff(_BOF_GLOBALS, _boundsheet(0), _EOF))
    if variant == "far cell":
        body = _biff(_BOF_SHEET, _number(0, 0), _number(65535, 255), _EOF)
        return _biff(_BOF_GLOBALS, _boundsheet(head_len), _EOF) + body
    if variant == "dimensions":
        body = _biff(_BOF_SHEET, _dimensions(65536, 256), _number(0, 0), _EOF)
        return _biff(_BOF_GLOBALS, _boundsheet(head_len), _EOF) + body
    if variant == "dimensions BIFF5":
        dims = (0x0200, struct.pack("<HHHHH", 0, 65535, 0, 255, 0))
        body = _biff(_BOF_SHEET, dims, _number(0, 0), _EOF)
        return _biff(_BOF_GLOBALS, _boundsheet(head_len), _EOF) + body
    if variant == "hidden from a linear walk":
        # A record after the globals claims 200 bytes: a walk from the start jumps over the
        # sheet, which lies inside it; the BOUNDSHEET offset (what the parser follows) lands on it.
        sheet_records = _biff(_BOF_SHEET, _number(0, 0), _number(65535, 255), _EOF)
        sheet_at = head_len + 4 + 16
        stream = bytearray(_biff(_BOF_GLOBALS, _boundsheet(sheet_at), _EOF))
        stream += struct.pack("<HH", 0x00FF, 200)
        padding = bytearray(200)
        padding[16 : 16 + len(sheet_records)] = sheet_records
        stream += padding
        return bytes(stream)
    if variant == "many sheets at one offset":
        body = _biff(_BOF_SHEET, _number(999, 99), _EOF)  # 100,000 cells, pointed at 11 times
        return _eleven(body)
    raise ValueError(variant)


def _eleven(body: bytes) -> bytes:
    head_len = len(_biff(_BOF_GLOBALS, *[_boundsheet(0)] * 11, _EOF))
    return _biff(_BOF_GLOBALS, *[_boundsheet(head_len)] * 11, _EOF) + body


XLS_VARIANTS = ("far cell", "dimensions", "dimensions BIFF5", "hidden from a linear walk", "many sheets at one offset")


# ----------------------------------------------------------------------------- .ods

_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)

ODS_TABLES = {
    "plain": '<t:table-row t:number-rows-repeated="2000"><t:table-cell t:number-columns-repeated="1000" '
    'office:value-type="float" office:value="1"><text:p>1</text:p></t:table-cell></t:table-row>',
    "single quotes, spaces": "<t:table-row t:number-rows-repeated = '2000' ><t:table-cell "
    "t:number-columns-repeated = '1000' office:value-type='float'><text:p>1</text:p></t:table-cell></t:table-row>",
    "repeat after an attribute holding '>'": '<t:table-row t:style-name="a>b" t:number-rows-repeated="2000">'
    '<t:table-cell t:style-name="x>y" t:number-columns-repeated="1000"><text:p>1</text:p></t:table-cell>'
    "</t:table-row>",
    "text only, no value type": '<t:table-row t:number-rows-repeated="2000"><t:table-cell '
    't:number-columns-repeated="1000"><text:p>x</text:p></t:table-cell></t:table-row>',
    "covered cells": '<t:table-row t:number-rows-repeated="2000"><t:covered-table-cell '
    't:number-columns-repeated="1000" office:value-type="string"><text:p>x</text:p></t:covered-table-cell>'
    "</t:table-row>",
}


def ods(variant: str, prefix: str = "t") -> bytes:
    """content.xml with the table namespace bound to `prefix` (LibreOffice writes 'table')."""
    rows = ODS_TABLES[variant].replace("t:", f"{prefix}:")
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} '
        f'xmlns:{prefix}="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><{prefix}:table {prefix}:name="S">{rows}</{prefix}:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
    return buffer.getvalue()
