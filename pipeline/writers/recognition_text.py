"""The words of the recognition documents (NĐ 30/2020 conventions), shared by the annex sheet
of the consolidated workbook and the .docx list and draft decision, so that all three say the
same thing: the issuing authority's lines, the place-and-date line, the "(Kèm theo Quyết định
…)" line, the lists' titles, and each unit's reason in plain legal wording.

Numbers and dates the văn thư gives at registration are printed only when config.toml has
them ([signature] decision_number / decision_date); otherwise they are dots to be written by
hand, never made up.

Verdicts are read generically: a points rule set (total, criterion floors) and a pass/fail
rule set (criteria passed) each get their own wording; a reason the code does not know is
kept in the engine's words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.core.config import UNIT_KINDS, Config
from pipeline.core.model import NOT_SUBMITTED, SUBMITTED, FileRecord, RunResult, UnitOutcome
from pipeline.core.rules import RuleSet
from pipeline.core.text import number_text, place_name, rejected_files
from pipeline.steps.season import points_source

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DOTS = "……"


def kinds_text(config: Config) -> str:
    """The kinds of unit assessed, in the law's order: 'xã, phường, thị trấn', 'xã, phường'."""
    present = {u.kind for u in config.units}
    return ", ".join(k for k in UNIT_KINDS if k in present) or ", ".join(UNIT_KINDS[:3])


def authority_lines(authority: str) -> list[str]:
    """The issuing body in the header, bold capitals on two lines when it is a People's
    Committee: 'Ủy ban nhân dân thị xã Bỉm Sơn' -> ['ỦY BAN NHÂN DÂN', 'THỊ XÃ BỈM SƠN']."""
    if "\n" in authority:
        return [line.strip().upper() for line in authority.split("\n") if line.strip()]
    head = "Ủy ban nhân dân"
    if authority.casefold().startswith(head.casefold() + " "):
        return [head.upper(), authority[len(head) :].strip().upper()]
    return [authority.upper()]


def symbol(config: Config) -> str:
    """The decision's ký hiệu: 'QĐ-UBND' for a People's Committee, else left for the văn thư."""
    return "QĐ-UBND" if config.authority.casefold().startswith("ủy ban nhân dân") else f"QĐ-{DOTS}"


def legal_date(day: dt.date | None) -> str:
    """'ngày 05 tháng 02 năm 2024' (NĐ 30: a zero before days under 10 and months 1 and 2);
    dots for the văn thư when the day is not known."""
    if day is None:
        return f"ngày {DOTS} tháng {DOTS} năm {DOTS}"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place(config: Config) -> str:
    return config.signature.place or place_name(config.area)


def place_date_line(config: Config) -> str:
    """'Bỉm Sơn, ngày 05 tháng 02 năm 2024', from the decision date (dots without one)."""
    return f"{place(config)}, {legal_date(config.signature.decision_date)}"


def number_line(config: Config) -> str:
    """'Số: 125/QĐ-UBND', or 'Số: ……/QĐ-UBND' for the văn thư."""
    number = config.signature.decision_number
    return f"Số: {number}" if number else f"Số: {DOTS}/{symbol(config)}"


def signer_of(config: Config) -> str:
    """'Chủ tịch Ủy ban nhân dân thị xã Bỉm Sơn': who signs the decision."""
    return f"Chủ tịch {config.authority}"


def decision_ref(config: Config) -> str:
    """'Quyết định số 125/QĐ-UBND ngày 05 tháng 02 năm 2024 của Chủ tịch …', with dots for
    what is not known yet."""
    sig = config.signature
    if not sig.decision_number and not sig.decision_date and sig.decision:  # the older free-text key
        return f"Quyết định {sig.decision} của {signer_of(config)}"
    number = sig.decision_number or f"{DOTS}/{symbol(config)}"
    return f"Quyết định số {number} {legal_date(sig.decision_date)} của {signer_of(config)}"


def annex_line(config: Config) -> str:
    return f"(Kèm theo {decision_ref(config)})"


def annex_title(config: Config) -> str:
    kinds = kinds_text(config).upper()
    head = f"DANH SÁCH {kinds} ĐẠT CHUẨN VÀ CHƯA ĐẠT CHUẨN"
    if len(head) > 48:  # broken by hand where a line of 14 pt capitals ends
        head = f"DANH SÁCH {kinds}\nĐẠT CHUẨN VÀ CHƯA ĐẠT CHUẨN"
    return f"{head}\nTIẾP CẬN PHÁP LUẬT NĂM {config.year}"


def list_title(config: Config, met: bool) -> str:
    """The title of list I (met) or II (not met), Mẫu 08."""
    head = f"{'I' if met else 'II'}. DANH SÁCH {kinds_text(config).upper()}"
    rest = f"{'ĐẠT' if met else 'CHƯA ĐẠT'} CHUẨN TIẾP CẬN PHÁP LUẬT"
    return f"{head}\n{rest}" if len(head) + len(rest) > 57 else f"{head} {rest}"  # a 13 pt line of capitals


# ------------------------------------------------------------------ the lists


@dataclass(frozen=True)
class Row:
    """One unit's row of a list: its name, its result (total points, or criteria passed) and
    the note (list I) or the reasons (list II)."""

    name: str
    result: float | str | None
    note: str


@dataclass(frozen=True)
class Lists:
    met: tuple[Row, ...]
    not_met: tuple[Row, ...]
    result_heading: str  # 'Tổng điểm' or 'Số tiêu chí đạt'
    note_heading: str

    @property
    def total(self) -> int:
        return len(self.met) + len(self.not_met)

    def totals_line(self) -> str:
        total, met = self.total, len(self.met)
        share = f" ({number_text(met / total * 100, places=2)}%)" if total else ""
        return (
            f"Tổng số: {total} đơn vị; đạt chuẩn tiếp cận pháp luật: {met} đơn vị{share}; "
            f"chưa đạt chuẩn: {total - met} đơn vị."
        )


NOTE_HEADING = "Ghi chú"  # the same in both lists: its heading row repeats on every printed page


def lists(result: RunResult) -> Lists:
    """The two lists of the annex, in config order."""
    rs = result.rule_set
    points = rs.scoring == "points"
    met: list[Row] = []
    not_met: list[Row] = []
    rejected = rejected_files(result)  # once: a province has thousands of files
    for u in result.units:
        usable = u.status == SUBMITTED and u.verdict is not None
        value = _result_value(u, points) if usable else None
        if usable and u.verdict is not None and u.verdict.recognised:
            met.append(Row(u.unit.full_name, value, met_note(u, points)))
        else:
            not_met.append(Row(u.unit.full_name, value, "; ".join(reasons(u, rs, rejected.get(u.unit.code, [])))))
    return Lists(tuple(met), tuple(not_met), "Tổng điểm" if points else "Số tiêu chí đạt", NOTE_HEADING)


def _result_value(u: UnitOutcome, points: bool) -> float | str | None:
    v = u.verdict
    if v is None:
        return None
    if points:
        return v.total
    return f"{sum(c.met for c in v.criteria)}/{len(v.criteria)}"


def met_note(u: UnitOutcome, points: bool = True) -> str:
    """Whose judgement list I rests on."""
    word = "Điểm" if points else "Kết quả"
    source = points_source(u)
    if source == "Thẩm định":
        return f"{word} thẩm định của Hội đồng"
    if source == "Tự chấm":
        return f"{word} tự chấm (chưa thẩm định)" if points else "Kết quả tự đánh giá (chưa thẩm định)"
    return f"{source} (các chỉ tiêu còn lại: {'điểm tự chấm' if points else 'kết quả tự đánh giá'})"


def criterion_name(code: str) -> str:
    """'TC1' -> 'Tiêu chí 1' (any other code as it is)."""
    found = re.fullmatch(r"TC\s*(\d+)", code.strip(), flags=re.IGNORECASE)
    return f"Tiêu chí {found.group(1)}" if found else code


def reasons(u: UnitOutcome, rule_set: RuleSet, rejected: Sequence[FileRecord] = ()) -> list[str]:
    """Why a unit is not recognised, each reason a plain sentence of the decision's language
    (never a form's field label and answer); `rejected`: the unit's rejected files."""
    if u.status == NOT_SUBMITTED:
        return ["Không gửi hồ sơ tự đánh giá"]
    v = u.verdict
    if u.status != SUBMITTED or v is None:
        return [_unusable(rejected)]
    out: list[str] = []
    seen: set[str] = set()
    declarations = {d.short: d for d in rule_set.conditions.declarations}
    for r in v.reasons:
        if r.code == "TOTAL_BELOW_MIN":
            low = rule_set.conditions.total_min
            out.append(
                f"Tổng số điểm đạt {number_text(v.total)}/{number_text(v.total_max)} điểm, "
                f"thấp hơn mức tối thiểu {number_text(low)} điểm"
            )
        elif r.code == "CRITERION_BELOW_FLOOR":
            if r.code in seen:
                continue
            fraction = rule_set.conditions.criterion_min_fraction
            share = number_text((fraction or 0) * 100, places=2)
            for c in v.criteria:
                if not c.met:
                    out.append(
                        f"{criterion_name(c.code)} đạt {number_text(c.points)}/{number_text(c.max)} điểm, "
                        f"dưới {share}% số điểm tối đa của tiêu chí"
                    )
        elif r.code == "CRITERIA_NOT_PASSED":
            rule = rule_set.conditions.criteria_pass_rule
            failed = [criterion_name(c.code) for c in v.criteria if not c.met]
            passed = len(v.criteria) - len(failed)
            need = f" (yêu cầu {rule.describe(len(v.criteria))} tiêu chí)" if rule is not None else ""
            out.append(
                f"Có {passed}/{len(v.criteria)} tiêu chí đạt{need}; chưa đạt: {', '.join(failed)}"
                if failed
                else f"Có {passed}/{len(v.criteria)} tiêu chí đạt{need}"
            )
        elif r.code in ("DECLARATION_DISQUALIFIES", "DECLARATION_MISSING"):
            label = next((c.label for c in v.conditions if c.code == r.code and c.detail == r.text), "")
            d = declarations.get(label)
            if d is None:
                out.append(r.text)
            elif r.code == "DECLARATION_MISSING":
                out.append(f"Hồ sơ tự đánh giá chưa trả lời nội dung: {_question(d.label)}")
            else:
                out.append(f"{_statement(d.label, d.disqualifying_answer, d.short)} nên không đủ điều kiện công nhận")
        else:
            out.append(r.text)
        seen.add(r.code)
    return out or ["Chưa đủ điều kiện công nhận"]


def _question(label: str) -> str:
    return label.strip().rstrip("?").strip()


def _statement(label: str, answer: bool, short: str) -> str:
    """A yes/no question of the form turned into what the unit declared:
    '… cấp xã có bị xử lý … không?' answered yes -> '… cấp xã bị xử lý …';
    '… có đạt mức … không?' answered no -> '… không đạt mức …'."""
    core = label.strip()
    if not core.endswith("không?"):
        return (
            f"Theo khai báo của đơn vị: {short}"
            if answer
            else f"Theo khai báo của đơn vị: không {short[:1].lower()}{short[1:]}"
        )
    core = core[: -len("không?")].rstrip(" ,")
    if answer:
        return core.replace(" có bị ", " bị ", 1)
    if " có " in core:
        return core.replace(" có ", " không ", 1)
    return f"{core}: không"


def _unusable(rejected: Sequence[FileRecord]) -> str:
    """A unit whose every file was refused: what was wrong, in the file notes' words (never a path)."""
    notes = list(dict.fromkeys(f.note for f in rejected if f.note))
    detail = f" ({'; '.join(notes)})" if notes else ""
    return f"Hồ sơ tự đánh giá không hợp lệ{detail}, chưa đủ căn cứ xem xét công nhận"


# ------------------------------------------------------------------ the draft decision

# What the rule sets' short references name, in full: the subject of each document the
# product's rule sets rest on (an unknown document is cited by its number alone).
_SUBJECTS = {
    "25/2021/QĐ-TTg": "quy định về xã, phường, thị trấn đạt chuẩn tiếp cận pháp luật",
    "09/2021/TT-BTP": (
        "hướng dẫn thi hành Quyết định số 25/2021/QĐ-TTg ngày 22 tháng 7 năm 2021 của Thủ tướng "
        "Chính phủ quy định về xã, phường, thị trấn đạt chuẩn tiếp cận pháp luật"
    ),
    "619/QĐ-TTg": "ban hành Quy định về xây dựng xã, phường, thị trấn đạt chuẩn tiếp cận pháp luật",
}
_KINDS = {"QĐ": "Quyết định", "TT": "Thông tư", "NĐ": "Nghị định"}
_ISSUERS = {"TTg": "Thủ tướng Chính phủ", "BTP": "Bộ trưởng Bộ Tư pháp", "CP": "Chính phủ"}
_REFERENCE = re.compile(r"(QĐ|TT|NĐ)\s+(\d+/[\w/.-]+?)\s*(?:\((\d{1,2})/(\d{1,2})/(\d{4})\))?\s*$")
# The law on local government in force on a day: 2015 (amended 2019) until 30/6/2025, then 2025.
_LOCAL_GOVERNMENT_2025 = dt.date(2025, 7, 1)


def citation(reference: str) -> str:
    """A rule set's short reference in the words of a 'Căn cứ' line:
    'QĐ 25/2021/QĐ-TTg (22/7/2021)' -> 'Quyết định số 25/2021/QĐ-TTg ngày 22 tháng 7 năm 2021 của
    Thủ tướng Chính phủ quy định về …'; anything else as written."""
    found = _REFERENCE.fullmatch(reference.strip())
    if not found:
        return reference.strip()
    kind, number, day, month, year = found.groups()
    out = f"{_KINDS[kind]} số {number}"
    if year:
        out += " " + legal_date(dt.date(int(year), int(month), int(day)))
    issuer = _ISSUERS.get(number.rsplit("-", 1)[-1]) if "-" in number else None
    if issuer:
        out += f" của {issuer}"
    subject = _SUBJECTS.get(number)
    return f"{out} {subject}" if subject else out


def legal_bases(result: RunResult) -> list[str]:
    """The 'Căn cứ …;' lines and the 'Theo đề nghị của …' line of the decision."""
    cfg, rs = result.config, result.rule_set
    day = cfg.signature.decision_date or result.generated_at.date()
    if day >= _LOCAL_GOVERNMENT_2025:
        law = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;"
    else:
        law = (
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, bổ sung một số "
            "điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa phương ngày 22 tháng 11 năm 2019;"
        )
    lines = [law]
    for reference in (rs.decision, rs.guidance):
        if reference.strip():
            lines.append(f"Căn cứ {citation(reference)};")
    lines.append(f"Theo đề nghị của {proposer(cfg)}.")
    return lines


def proposer(config: Config) -> str:
    """Who proposes the decision: the head of the consolidating office."""
    office = config.office_name
    if office.casefold().startswith("phòng "):
        return f"Trưởng {office[:1].lower()}{office[1:]}"
    if office.casefold().startswith("sở "):
        return f"Giám đốc {office}"
    return f"Thủ trưởng {office}"


def decision_subject(config: Config) -> str:
    return f"Về việc công nhận {kinds_text(config)} đạt chuẩn tiếp cận pháp luật năm {config.year}"


def articles(result: RunResult, met: int) -> list[tuple[str, str]]:
    """(heading, text) of each article."""
    cfg = result.config
    kinds = kinds_text(cfg)
    return [
        ("Điều 1.", f"Công nhận {met} {kinds} đạt chuẩn tiếp cận pháp luật năm {cfg.year} (có danh sách kèm theo)."),
        ("Điều 2.", "Quyết định này có hiệu lực kể từ ngày ký."),
        (
            "Điều 3.",
            f"Chánh Văn phòng {cfg.authority}, {proposer(cfg)}, Chủ tịch Ủy ban nhân dân các {kinds} có tên "
            "tại Điều 1 và các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành Quyết định này./.",
        ),
    ]


_CITIES = ("Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế")


def recipients(config: Config) -> list[str]:
    """The 'Nơi nhận' entries: those who carry it out, the office above, the archive."""
    office = config.office_name.casefold()
    if office.startswith("sở "):
        above = "Bộ Tư pháp;"
    else:
        province = config.province.strip()
        if not province.casefold().startswith(("tỉnh ", "thành phố ")):
            province = f"{'thành phố' if province in _CITIES else 'tỉnh'} {province}"
        above = f"Sở Tư pháp {province[:1].lower()}{province[1:]};"
    return ["Như Điều 3;", above, "Lưu: VT, TP."]
