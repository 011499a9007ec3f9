"""config.toml: the office, the year, the rule set, the units, the paths.

Loaded into a frozen object and checked on load. Every problem found is reported at once,
one line each, so the office fixes the file in one go.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
import zoneinfo
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pipeline.core import rules, toml_text
from pipeline.core.errors import TcplError

UNIT_KINDS = ("xã", "phường", "thị trấn", "đặc khu")  # đặc khu: island special zones, from 2025


class ConfigError(TcplError, ValueError):
    """config.toml cannot be used; lists every problem found, one line each."""

    def __init__(self, file: str, problems: list[str]):
        self.file, self.problems = file, problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"Tệp cấu hình {file} có {len(problems)} lỗi:\n{lines}")


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: str
    # Who the office calls about this unit ([[units]] contact / phone, optional): the chase
    # list uses them when the unit sent nothing (otherwise the contact on its newest file).
    contact: str = ""
    phone: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.kind.capitalize()} {self.name}"


@dataclass(frozen=True)
class Signature:
    """The recognition decision and its annex ([signature] in config.toml, all optional): who
    decides and signs, and the decision's number and date once the văn thư has given them
    (until then they are printed as dots for the văn thư to fill, never made up)."""

    authority: str = ""  # 'Ủy ban nhân dân thị xã Bỉm Sơn': who decides (default from [office] area)
    signer_title: str = "CHỦ TỊCH"
    signer_name: str = ""
    place: str = ""  # 'Bỉm Sơn' on the place-and-date line (default from [office] area)
    decision: str = ""  # older free text 'số 125/QĐ-UBND ngày 05/02/2024'; decision_number/_date instead
    decision_number: str = ""  # '125/QĐ-UBND' (số, ký hiệu) once registered
    decision_date: dt.date | None = None  # the day it is signed: the place-and-date lines


@dataclass(frozen=True)
class Reports:
    """The communes' periodic reports ([reports] in config.toml, all optional): where they are
    dropped, the day each period's report is due, and who signs the office's report upward."""

    inputs: Path | None = None  # the reports' folder (default: bao-cao/ beside config.toml)
    half_year_deadline: dt.date | None = None  # "6 tháng đầu năm": reports due before this day
    year_deadline: dt.date | None = None  # "năm": the annual report
    signer_title: str = "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
    signer_name: str = ""

    def deadline(self, period: str) -> dt.date | None:
        """The due day of a period ('6-thang' or 'nam'), None when config.toml sets none."""
        return self.half_year_deadline if period == "6-thang" else self.year_deadline


@dataclass(frozen=True)
class Config:
    office_name: str
    area: str
    area_code: str
    province: str
    province_code: str
    slug: str
    year: int
    rule_set_name: str
    deadline: dt.date
    inputs: Path
    outputs: Path
    demo: Path
    max_file_bytes: int
    per_unit_sheets_max: int
    units: tuple[Unit, ...]
    source_file: Path
    base_dir: Path
    signature: Signature = Signature()
    previous_results: Path | None = None  # last year's outputs folder or its ket-qua.csv ([previous] results)
    previous_year: int | None = None
    reports: Reports = Reports()  # [reports]: the periodic reports (tcpl reports)
    # The rule set as load() checked it: a run uses that one instead of reading the file again,
    # as long as it is still the one named (a Config copied with another rule_set_name loads anew).
    loaded_rule_set: rules.RuleSet | None = field(default=None, compare=False, repr=False)
    loaded_rule_set_for: str = field(default="", compare=False, repr=False)
    timezone: str = "Asia/Ho_Chi_Minh"  # [office] timezone: file times in every output are shown in it
    appraisal_folder: Path | None = None  # [paths] appraisal, when set (see `appraisal`)

    @property
    def zone(self) -> dt.tzinfo:
        return zone(self.timezone) or dt.UTC

    @property
    def authority(self) -> str:
        """Who decides the recognition: [signature] authority, else the People's Committee of
        [office] area ('Ủy ban nhân dân thị xã Bỉm Sơn')."""
        return self.signature.authority or f"Ủy ban nhân dân {self.area[:1].lower()}{self.area[1:]}"

    def unit(self, code: str) -> Unit | None:
        return self._units_by_code.get(code)

    @functools.cached_property
    def _units_by_code(self) -> dict[str, Unit]:
        # A dict, not a scan: identify looks up every file's unit (10,000 x 10,000 nationally).
        found: dict[str, Unit] = {}
        for u in self.units:
            found.setdefault(u.code, u)  # the first, as the scan gave (load() refuses duplicates anyway)
        return found

    def load_rule_set(self) -> rules.RuleSet:
        if self.loaded_rule_set is not None and self.loaded_rule_set_for == self.rule_set_name:
            return self.loaded_rule_set
        return rules.load(self.rule_set_name, self.base_dir)

    def with_paths(self, inputs: Path | None = None, outputs: Path | None = None) -> Config:
        return replace(self, inputs=inputs or self.inputs, outputs=outputs or self.outputs)

    @property
    def appraisal(self) -> Path:
        """Where the council's appraisal workbooks are read from ([paths] appraisal; by default
        tham-dinh/ beside the inputs folder, whichever inputs folder the run reads): only
        there, never from inputs/, so no commune's file can speak for the council."""
        return self.appraisal_folder or Path(self.inputs).parent / APPRAISAL_FOLDER


_SECTIONS = {
    "office": ({"name", "area", "area_code", "province", "province_code", "slug"}, {"timezone"}),
    "assessment": ({"year", "rule_set", "deadline"}, set()),
    "paths": ({"inputs", "outputs"}, {"demo", "appraisal"}),
    "limits": (set(), {"max_file_mb", "per_unit_sheets_max"}),
    "signature": (
        set(),
        {"authority", "signer_title", "signer_name", "place", "decision", "decision_number", "decision_date"},
    ),
    "previous": (set(), {"results", "year"}),
    "reports": (set(), {"inputs", "half_year_deadline", "year_deadline", "signer_title", "signer_name"}),
}


DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
APPRAISAL_FOLDER = "tham-dinh"


def zone(name: str) -> dt.tzinfo | None:
    """The time zone of that IANA name (the tzdata package supplies the database where the
    system has none: Windows), or None if it is unknown."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def load(path: Path) -> Config:
    path = Path(path)
    if not path.exists():
        raise ConfigError(str(path), ["không tìm thấy tệp cấu hình"])
    try:
        data = toml_text.read(path)  # Notepad's "UTF-8 with BOM" is read too
    except UnicodeDecodeError:
        raise ConfigError(str(path), ["tệp phải lưu bằng mã UTF-8"]) from None
    except toml_text.TomlSyntaxError as exc:
        raise ConfigError(str(path), [exc.message]) from None
    return parse(data, path)


def parse(data: dict[str, Any], path: Path) -> Config:
    problems: list[str] = []
    base = path.resolve().parent

    for section, (required, optional) in _SECTIONS.items():
        table = data.get(section)
        if table is None:
            if required:
                problems.append(f"thiếu mục [{section}]")
            continue
        if not isinstance(table, dict):
            problems.append(f"[{section}] phải là một mục (bảng)")
            continue
        for key in sorted(set(table) - required - optional):
            problems.append(f"[{section}] {key}: khóa không được biết (gõ sai tên?)")
        for key in sorted(required - set(table)):
            problems.append(f"[{section}] {key}: thiếu khóa bắt buộc")
    for key in sorted(set(data) - set(_SECTIONS) - {"units"}):
        problems.append(f"[{key}]: mục không được biết")

    def get(section: str, key: str, default: Any = None) -> Any:
        table = data.get(section)
        return table.get(key, default) if isinstance(table, dict) else default

    def text(section: str, key: str, default: str | None = None) -> str:
        value = get(section, key, default)
        if value is None:
            return ""
        if not isinstance(value, str) or not value.strip():
            problems.append(f"[{section}] {key}: phải là chữ, không để trống")
            return ""
        return nfc(value)

    def whole(section: str, key: str, default: int, low: int, high: int) -> int:
        value = get(section, key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            problems.append(f"[{section}] {key}: phải là số nguyên từ {low} đến {high}, gặp {value!r}")
            return default
        return value

    year = whole("assessment", "year", 0, 2000, 2100) if get("assessment", "year") is not None else 0
    deadline = get("assessment", "deadline")
    if (deadline is not None and not isinstance(deadline, dt.date)) or isinstance(deadline, dt.datetime):
        problems.append(f"[assessment] deadline: phải là ngày dạng YYYY-MM-DD (không có ngoặc kép), gặp {deadline!r}")
        deadline = None
    if isinstance(deadline, dt.date) and year and not year <= deadline.year <= year + 1:
        problems.append(f"[assessment] deadline: {deadline.isoformat()} không thuộc năm {year} hoặc {year + 1}")

    rule_set_name = text("assessment", "rule_set")
    rs = None
    if rule_set_name:
        try:
            rs = rules.load(rule_set_name, base)
            if year and not rs.applies_to(year):
                last = rs.last_year or "nay"
                problems.append(
                    f"[assessment] rule_set: bộ tiêu chí {rs.id} áp dụng cho năm {rs.first_year}–{last}, không cho năm {year}"
                )
        except rules.RuleSetError as exc:
            problems += [f"[assessment] rule_set: {line}" for line in exc.lines]

    appraisal = text("paths", "appraisal", "") if get("paths", "appraisal") is not None else ""
    timezone = text("office", "timezone", DEFAULT_TIMEZONE)
    if timezone and zone(timezone) is None:
        problems.append(f'[office] timezone: không biết múi giờ {timezone!r}; ở Việt Nam ghi "{DEFAULT_TIMEZONE}"')
        timezone = DEFAULT_TIMEZONE

    slug = text("office", "slug")
    if slug and not all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in slug):
        problems.append(f"[office] slug: chỉ gồm chữ không dấu, số và dấu '-', gặp {slug!r}")

    units = _units(data.get("units"), problems)

    paths = {}
    for key, default in (("inputs", "inputs"), ("outputs", "outputs"), ("demo", "demo")):
        value = text("paths", key, default)
        paths[key] = (base / value) if value else base / default

    def optional_text(section: str, key: str, default: str) -> str:
        value = get(section, key)
        if value is None:
            return default
        if not isinstance(value, str):
            problems.append(f"[{section}] {key}: phải là chữ trong ngoặc kép, gặp {value!r}")
            return default
        return nfc(value) or default

    signature = Signature(
        **{
            key: optional_text("signature", key, default)
            for key, default in Signature().__dict__.items()
            if isinstance(default, str)
        },
        decision_date=_decision_date(get("signature", "decision_date"), year, problems),
    )
    if signature.decision_number.casefold().startswith("số"):  # 'Số: 125/QĐ-UBND' -> '125/QĐ-UBND'
        signature = replace(signature, decision_number=signature.decision_number[2:].lstrip(" :"))
    previous = optional_text("previous", "results", "")
    previous_year = get("previous", "year")
    if previous_year is not None:
        previous_year = whole("previous", "year", 0, 2000, 2100) or None

    reports = _reports(data.get("reports"), base, year, problems)

    if problems:
        raise ConfigError(str(path), problems)
    return Config(
        office_name=text("office", "name"),
        area=text("office", "area"),
        area_code=str(get("office", "area_code")),
        province=text("office", "province"),
        province_code=str(get("office", "province_code")),
        slug=slug,
        year=year,
        rule_set_name=rule_set_name,
        deadline=deadline,
        inputs=paths["inputs"],
        outputs=paths["outputs"],
        demo=paths["demo"],
        max_file_bytes=whole("limits", "max_file_mb", 20, 1, 1024) * 1024 * 1024,
        per_unit_sheets_max=whole("limits", "per_unit_sheets_max", 300, 0, 100_000),
        units=units,
        source_file=path,
        base_dir=base,
        signature=signature,
        previous_results=(base / previous) if previous else None,
        previous_year=previous_year or (year - 1 if previous and year else None),
        reports=reports,
        loaded_rule_set=rs,
        loaded_rule_set_for=rule_set_name if rs is not None else "",
        timezone=timezone or DEFAULT_TIMEZONE,
        appraisal_folder=(base / appraisal) if appraisal else None,
    )


def _decision_date(value: Any, year: int, problems: list[str]) -> dt.date | None:
    if value is None:
        return None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        problems.append(
            f"[signature] decision_date: phải là ngày dạng YYYY-MM-DD (không có ngoặc kép), gặp {value!r}; "
            "chưa có ngày ký thì bỏ dòng này"
        )
        return None
    if year and not year <= value.year <= year + 1:
        problems.append(f"[signature] decision_date: {value.isoformat()} không thuộc năm {year} hoặc {year + 1}")
        return None
    return value


def _reports(table: Any, base: Path, year: int, problems: list[str]) -> Reports:
    """[reports]: both deadlines dates of the year (the annual one may fall in January of the
    next), the six-monthly one first; the folder and the signer as text."""
    if not isinstance(table, dict):
        return Reports(inputs=base / "bao-cao")  # a non-table [reports] is reported with the sections
    days: dict[str, dt.date | None] = {}
    for key, what in (("half_year_deadline", "báo cáo 6 tháng"), ("year_deadline", "báo cáo năm")):
        value = table.get(key)
        days[key] = None
        if value is None:
            continue
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            problems.append(
                f"[reports] {key}: hạn nộp {what} phải là ngày dạng YYYY-MM-DD (không có ngoặc kép), gặp {value!r}"
            )
        elif year and not year <= value.year <= year + 1:
            problems.append(f"[reports] {key}: {value.isoformat()} không thuộc năm {year} hoặc {year + 1}")
        else:
            days[key] = value
    half, whole_year = days["half_year_deadline"], days["year_deadline"]
    if half and whole_year and half >= whole_year:
        problems.append(
            f"[reports] half_year_deadline: hạn báo cáo 6 tháng ({half.isoformat()}) phải trước hạn báo cáo năm "
            f"({whole_year.isoformat()})"
        )
    texts: dict[str, str] = {}
    for key in ("inputs", "signer_title", "signer_name"):
        value = table.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or (key != "signer_name" and not value.strip()):
            problems.append(f"[reports] {key}: phải là chữ trong ngoặc kép, không để trống, gặp {value!r}")
            continue
        texts[key] = nfc(value)
    return Reports(
        inputs=base / texts.get("inputs", "bao-cao"),
        half_year_deadline=half,
        year_deadline=whole_year,
        signer_title=texts.get("signer_title", Reports.signer_title),
        signer_name=texts.get("signer_name", ""),
    )


def _units(raw: Any, problems: list[str]) -> tuple[Unit, ...]:
    if not isinstance(raw, list) or not raw:
        problems.append("[[units]]: cần ít nhất một đơn vị")
        return ()
    units: list[Unit] = []
    seen: set[str] = set()
    for n, item in enumerate(raw, start=1):
        where = f"[[units]] thứ {n}"
        if not isinstance(item, dict):
            problems.append(f"{where}: phải là một mục")
            continue
        for key in sorted(set(item) - {"code", "name", "kind", "contact", "phone"}):
            problems.append(f"{where} {key}: khóa không được biết")
        code = item.get("code")
        if isinstance(code, int) and not isinstance(code, bool):
            code = f"{code:05d}"
        if not isinstance(code, str) or not code.isdigit():
            problems.append(f'{where} code: mã đơn vị phải là dãy số (ví dụ "14809"), gặp {code!r}')
            continue
        if code in seen:
            problems.append(f"{where} code: mã {code} bị lặp")
        seen.add(code)
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where} name: thiếu tên đơn vị")
            continue
        kind = nfc(str(item.get("kind", "")))
        if kind not in UNIT_KINDS:
            problems.append(f"{where} kind: phải là một trong {', '.join(UNIT_KINDS)}, gặp {item.get('kind')!r}")
            continue
        contact, phone = (_unit_text(item, key, where, problems) for key in ("contact", "phone"))
        units.append(Unit(code=code, name=nfc(name), kind=kind, contact=contact, phone=phone))
    return tuple(units)


def _unit_text(item: dict, key: str, where: str, problems: list[str]) -> str:
    value = item.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.append(f'{where} {key}: phải là chữ trong ngoặc kép (ví dụ "0912 345 678"), gặp {value!r}')
        return ""
    return nfc(value)
