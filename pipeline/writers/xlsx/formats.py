"""Cell formats of the consolidated workbooks: every format is built once per workbook from
named style pieces and cached, because creating a format per cell is slow and bloats the file
(thousands of sheets). Also the workbook options and the verdict colours shared by the sheets.
"""

from __future__ import annotations

from typing import Any

from pipeline.core.model import NOT_SUBMITTED, SUBMITTED, UnitOutcome

FONT = "Times New Roman"  # the font of Vietnamese administrative documents; full diacritics coverage
FONT_SIZE = 11
MAX_CELL_TEXT = 32_767  # Excel's limit for one cell

COLOURS = {
    "ok": ("#C6EFCE", "#006100"),
    "bad": ("#FFC7CE", "#9C0006"),
    "warn": ("#FFEB9C", "#9C5700"),
    "grey": ("#E7E6E6", "#3A3838"),
}

_STYLES: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter", "text_wrap": True},
    "subtitle": {"italic": True, "align": "center", "valign": "vcenter", "text_wrap": True},
    "head": {
        "bold": True,
        "bg_color": "#DDEBF7",
        "border": 1,
        "text_wrap": True,
        "align": "center",
        "valign": "vcenter",
    },
    "section": {"bold": True, "font_size": 12},
    "cell": {"border": 1},
    "wrap": {"text_wrap": True},
    "bold": {"bold": True},
    "italic": {"italic": True},
    "center": {"align": "center"},
    "vcenter": {"valign": "vcenter"},
    "right": {"align": "right"},
    "group": {"bg_color": "#F2F2F2", "bold": True},
    "big": {"bold": True, "font_size": 16, "valign": "vcenter"},
    "count": {"bold": True, "font_size": 13, "align": "center", "valign": "vcenter"},
    "pts": {"num_format": "0.00"},
    "pct": {"num_format": "0%"},
    "int": {"num_format": "0"},
    "kb": {"num_format": "#,##0.0"},
    "date": {"num_format": "dd/mm/yyyy", "align": "center"},
    "datetime": {"num_format": "dd/mm/yyyy hh:mm", "align": "center"},
    "mono": {"font_name": "Courier New", "font_size": 8},
    "small": {"font_size": 9},
    "caps": {},  # marks a column of upper-case codes: wider letters, see Col.scale
    "link": {"font_color": "#0563C1", "underline": 1},
    "banner_bad": {
        "bold": True,
        "bg_color": COLOURS["bad"][0],
        "font_color": COLOURS["bad"][1],
        "border": 2,
        "border_color": COLOURS["bad"][1],
        "text_wrap": True,
        "valign": "vcenter",
    },
    "banner_warn": {
        "bold": True,
        "bg_color": COLOURS["warn"][0],
        "font_color": COLOURS["warn"][1],
        "border": 2,
        "border_color": COLOURS["warn"][1],
        "text_wrap": True,
        "valign": "vcenter",
    },
    **{name: {"bg_color": bg, "font_color": fg} for name, (bg, fg) in COLOURS.items()},
}


class Formats:
    """Cached cell formats: fmt('cell', 'pts', 'bold') merges the named pieces left to right."""

    def __init__(self, workbook, size: float = FONT_SIZE, styles: dict[str, dict[str, Any]] | None = None):
        """size: the body font size; styles: pieces that replace or add to the shared ones (a
        document sheet like the recognition annex is at 13 pt with its own title and cells)."""
        self._workbook = workbook
        self._size = size
        self._styles = {**_STYLES, **styles} if styles else _STYLES
        self._cache: dict[tuple[str, ...], Any] = {}
        self._asked: dict[tuple[str, ...], Any] = {}  # the names exactly as asked, '' included

    def __call__(self, *names: str):
        found = self._asked.get(names)  # one dict lookup per cell once a combination was seen
        if found is None:
            found = self._asked[names] = self._build(tuple(n for n in names if n))
        return found

    def _build(self, key: tuple[str, ...]):
        found = self._cache.get(key)
        if found is None:
            props: dict[str, Any] = {"font_name": FONT, "font_size": self._size, "valign": "top"}
            for n in key:
                # "of3": a count shown out of 3 ("2/3"), the number kept for sorting and charts.
                props.update(self._styles[n] if n in self._styles else _out_of(n))
            found = self._cache[key] = self._workbook.add_format(props)
        return found


def _out_of(name: str) -> dict[str, Any]:
    if not (name.startswith("of") and name[2:].isdigit()):
        raise KeyError(name)
    return {"num_format": f'0"/{name[2:]}"', "align": "center"}


def workbook_options() -> dict[str, Any]:
    # Never turn text into formulas, numbers or links behind our back; datetimes may be tz-aware.
    # in_memory: build the zip in memory instead of one temp file per part (half the time for
    # a small per-unit workbook; the largest workbook, 10,000 units, is a few MB).
    return {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
        "remove_timezone": True,
        "default_format_properties": {"font_name": FONT, "font_size": FONT_SIZE},
    }


def verdict_colour(outcome: UnitOutcome) -> str:
    """The style piece of a unit's verdict cell: green recognised, red not, amber unusable."""
    if outcome.status == NOT_SUBMITTED:
        return "grey"
    if outcome.status != SUBMITTED or outcome.verdict is None:
        return "warn"
    return "ok" if outcome.verdict.recognised else "bad"
