"""The shortcuts taken for speed give exactly what the plain way gives (no timings here: those
are in `make bench`)."""

from __future__ import annotations

import io
import os
import zipfile
from xml.etree.ElementTree import ParseError

import pytest
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from pipeline.infra import parallel
from pipeline.readers.names import _named_cell, _plain_defined_names, defined_names
from pipeline.steps.scoring import exact, exact_sum

NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _tree_names(xml: bytes) -> dict:
    """The plain way: a full defusedxml tree."""
    root = SafeET.fromstring(xml)
    out = {}
    for node in root.iter():
        if str(node.tag).endswith("}definedName") and node.get("localSheetId") is None:
            name = node.get("name") or ""
            cell = _named_cell((node.text or "").strip())
            if cell and not name.startswith("_xlnm."):
                out[name.lower()] = cell
    return out


def _package(xml: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("xl/workbook.xml", xml)
    return buffer.getvalue()


WORKBOOKS = [
    b'<?xml version="1.0" encoding="UTF-8"?><workbook ' + NS + b"><definedNames>"
    b"<definedName name=\"diem_1_1\">'B\xe1\xba\xa3ng \xc4\x91i\xe1\xbb\x83m'!$H$8</definedName>"
    b'<definedName name="_xlnm.Print_Area" localSheetId="1">\'X\'!$A$1:$K$43</definedName>'
    b'<definedName name="local" localSheetId="0">S!A1</definedName>'
    b'<definedName name="range">S!A1:B2</definedName></definedNames></workbook>',
    # unusual but valid: entities, comments, CDATA, attributes in another order, children
    b'<?xml version="1.0"?><workbook ' + NS + b'><definedName name="A" comment="&gt;x">\'It&apos;&apos;s\'!$B$2'
    b'</definedName><definedName localSheetId="0" name="b">S!A1</definedName><definedName name="C">S!A1<x/>zz'
    b'</definedName><definedName name="D"><![CDATA[S!C3]]></definedName><definedName name="E">S!<!-- c -->D4'
    b"</definedName></workbook>",
    b'<?xml version="1.0"?><workbook><definedName name="A">S!A1</definedName></workbook>',  # no namespace
    b'<?xml version="1.0"?><workbook ' + NS + b'><x xmlns="urn:other"><definedName name="A">S!A1</definedName>'
    b"</x></workbook>",
    '<?xml version="1.0" encoding="UTF-16"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main"><definedName name="Ä">\'Bảng\'!A1</definedName></workbook>'.encode("utf-16"),
]


@pytest.mark.parametrize("xml", WORKBOOKS)
def test_defined_names_same_as_the_full_parse(xml):
    assert defined_names(_package(xml)) == _tree_names(xml)


def test_only_plain_workbooks_take_the_shortcut():
    assert _plain_defined_names(WORKBOOKS[0]) is not None
    assert all(_plain_defined_names(xml) is None for xml in WORKBOOKS[1:])


@pytest.mark.parametrize(
    "xml",
    [
        b'<?xml version="1.0"?><workbook ' + NS + b'><definedName name="A">S!A1</definedNam></workbook>',
        b'<?xml version="1.0"?><workbook ' + NS + b'><definedName name="A">S!A1</definedName></workbook><x/>',
    ],
)
def test_broken_xml_fails_as_the_full_parse_does(xml):
    with pytest.raises(ParseError) as fast:
        defined_names(_package(xml))
    with pytest.raises(ParseError) as full:
        SafeET.fromstring(xml)
    assert str(fast.value) == str(full.value)


def test_entities_are_still_refused():
    xml = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaa">]><workbook ' + NS + b"/>"
    with pytest.raises(DefusedXmlException):
        defined_names(_package(xml))


def test_exact_sum_is_the_fraction_sum():
    values = [0.25, 0.1, 2.75, -0.5, 3, 1e-7, 79.75]
    from fractions import Fraction

    assert exact_sum(values) == sum((Fraction(str(v)) for v in values), Fraction(0))
    assert exact_sum([]) == 0 and exact(0.1) == Fraction(1, 10)


# ------------------------------------------------------------------ parallel reading


def _fake_read(path, rel, rule_set):
    if rel == "dies.xlsx":
        os._exit(3)  # a parser aborting the whole process
    return None, [f"{rel}:{rule_set}:{os.getpid()}"]


def test_parallel_read_keeps_order_and_contains_a_dying_worker(monkeypatch):
    if not parallel._can_fork():
        pytest.skip("parallel reading uses fork")
    monkeypatch.setenv("TCPL_WORKERS", "2")
    monkeypatch.setattr(parallel, "CHUNK", 3)
    names = [f"f{i:02d}.xlsx" for i in range(10)]
    names.insert(4, "dies.xlsx")
    results = list(parallel.read_all([(n, n) for n in names], "rs", _fake_read))
    assert len(results) == len(names)
    for name, (sub, found) in zip(names, results, strict=True):
        if name == "dies.xlsx":
            assert sub is None and [i.code for i in found] == ["FILE_CORRUPT"] and found[0].file == name
        else:
            assert found[0].startswith(f"{name}:rs:") and not found[0].endswith(f":{os.getpid()}")


def test_parallel_read_matches_one_process(monkeypatch):
    names = [(f"f{i}.xlsx", f"f{i}.xlsx") for i in range(7)]
    monkeypatch.setenv("TCPL_WORKERS", "1")
    alone = [(s, [f.rsplit(":", 1)[0] for f in found]) for s, found in parallel.read_all(names, "rs", _fake_read)]
    monkeypatch.setenv("TCPL_WORKERS", "2")
    pooled = [(s, [f.rsplit(":", 1)[0] for f in found]) for s, found in parallel.read_all(names, "rs", _fake_read)]
    assert pooled == alone


def test_map_in_order(monkeypatch):
    monkeypatch.setenv("TCPL_WORKERS", "2")
    assert parallel.map_in_order(lambda x: x * x, list(range(50)), chunk=7) == [x * x for x in range(50)]

    def boom(x):
        if x == 30:
            raise ValueError("thirty")
        return x

    with pytest.raises(ValueError, match="thirty"):
        parallel.map_in_order(boom, list(range(50)), chunk=7)
