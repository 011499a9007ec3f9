"""Open one input workbook for reading, once: its bytes sniffed, its defined names, its sheets
(each parsed when first asked for) and its hidden metadata, which say which reader it needs.

One read of the bytes: sniffing, names and parsing all work on memory, so the input file is
open only for an instant (Windows locks open files). `guarded` turns whatever a damaged file
raises into one located Issue, so no reader ever stops the run.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import python_calamine as calamine
from defusedxml import DefusedXmlException

from pipeline.core.model import Located
from pipeline.core.problems import Issue, issue
from pipeline.readers.discover import read_regular
from pipeline.readers.grids import Sheets, read_meta
from pipeline.readers.names import defined_names, workbook_names
from pipeline.readers.sniff import Sniffed, sniff

T = TypeVar("T")
MAX_BYTES = 100 * 1024 * 1024  # a file opened without a size limit of its own (the rule-set workbook)


@dataclass
class Opened:
    """An input workbook, open: what its bytes are, its sheets and its metadata."""

    path: Path
    rel: str  # the file's name in every output
    kind: Sniffed
    names: dict[str, tuple[str, int, int]]  # workbook-level defined names (xlsx/xlsm)
    sheets: Sheets
    meta_sheet: str  # the sheet holding the metadata ('' when there is none)
    meta: dict[str, Located]  # metadata key -> its value cell
    warnings: list[Issue] = field(default_factory=list)  # macros, external links (the form reports them)


def open_workbook(
    path: Path, rel: str, read: Callable[[Opened], tuple[T | None, list[Issue]]], data: bytes | None = None
) -> tuple[T | None, list[Issue]]:
    """read(the opened workbook), or (None, [the Issue]) when the file must not be parsed.
    data: the file's bytes when the caller has read them already (they are what is parsed);
    otherwise the file is read here, once, if it is a regular file.
    Raises what the parser raises on a damaged file: callers wrap it in `guarded`."""
    if data is None:
        data = read_regular(Path(path), MAX_BYTES)
    kind = sniff(data)
    if kind.problem:
        return None, [issue(kind.problem, file=rel, value=kind.detail)]
    warnings: list[Issue] = []
    if kind.macros or path.suffix.lower() == ".xlsm":
        warnings.append(issue("MACROS_PRESENT", file=rel))
    if kind.external_links:
        warnings.append(issue("EXTERNAL_LINKS", file=rel))
    try:
        names = (
            {}
            if kind.container != "ooxml"
            else (workbook_names(kind.workbook_xml) if kind.workbook_xml else defined_names(data))
        )
    except DefusedXmlException:
        return None, warnings + [issue("FILE_UNSAFE", file=rel, value="XML có khai báo thực thể")]
    wb = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        sheets = Sheets(wb)
        meta_sheet, meta = read_meta(sheets)
        return read(Opened(path, rel, kind, names, sheets, meta_sheet, meta, warnings))
    finally:
        wb.close()


def guarded(rel: str, read: Callable[[], tuple[T | None, list[Issue]]]) -> tuple[T | None, list[Issue]]:
    """read(), with any failure of a damaged file as one FILE_ENCRYPTED / FILE_CORRUPT Issue."""
    try:
        return read()
    except calamine.PasswordError:
        return None, [issue("FILE_ENCRYPTED", file=rel)]
    except calamine.CalamineError as exc:
        return None, [issue("FILE_CORRUPT", file=rel, value=_calamine_detail(exc))]
    except Exception as exc:  # noqa: BLE001 - a damaged file must never stop the run
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
