"""Read the office's rule-set workbook (`tcpl rules import`) back into a rule set.

The workbook is read like a commune's form (sniffed, size- and safety-checked, parsed in
memory by python-calamine); its sheets become the TOML dictionary the rule-set loader reads,
and every key of that dictionary remembers the cell it came from. The loader then checks
everything it checks for a TOML file (sums, bands, codes, steps, conditions), and each of its
problems is located back to its sheet and cell. Problems of the workbook itself (a renamed
sheet, a deleted row, text in a number cell, a confirmed figure without a basis) are found
here. Every problem is collected; nothing is returned unless there are none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.core import ruleset_layout as L
from pipeline.core.rules import CONTENT_KINDS, RuleSet, RuleSetError, parse
from pipeline.readers.opening import Opened, guarded, open_workbook
from pipeline.readers.ruleset_cells import BookProblem, CellReader, RuleSetBookError
from pipeline.steps.values import is_blank, strip_accents, text

MAX_BYTES = 20 * 1024 * 1024  # a rule-set workbook is a few dozen kilobytes


def read_ruleset_book(path: Path, display_name: str | None = None) -> RuleSet:
    """The rule set in the workbook at `path`, checked like a TOML rule set.

    The file goes through the same opening as a commune's form (sniffing, safety checks,
    in-memory parsing, any parser failure contained). Raises RuleSetBookError listing every
    problem (sheet and cell) when there is any. Never modifies the file."""
    path = Path(path)
    name = display_name or path.name
    if not path.is_file():
        raise RuleSetBookError(name, [BookProblem("", "", "không tìm thấy tệp")])
    if path.stat().st_size > MAX_BYTES:
        raise RuleSetBookError(name, [BookProblem("", "", "tệp quá lớn cho một sổ bộ tiêu chí (trên 20 MB)")])
    sheets, issues = guarded(name, lambda: open_workbook(path, name, _all_sheets))
    if sheets is None:
        raise RuleSetBookError(name, [BookProblem(i.sheet, i.cell, i.message) for i in issues])
    return parse_book(sheets, name)


def _all_sheets(opened: Opened) -> tuple[dict[str, list[list[Any]]], list]:
    """Every worksheet as rows of values from A1 (calamine gives the used range only)."""
    out: dict[str, list[list[Any]]] = {}
    for name in opened.sheets.names:
        grid = opened.sheets.grid(name)
        out[name] = [[None] * (grid.c0 + grid.width) for _ in range(grid.r0)] + [
            [None] * grid.c0 + [None if v == "" else v for v in row] for row in grid.rows
        ]
    return out, []


def parse_book(sheets: dict[str, list[list[Any]]], file: str = "<sổ bộ tiêu chí>") -> RuleSet:
    """Sheets (name -> rows of values) -> RuleSet; raises RuleSetBookError with every problem."""
    book = _Book(sheets)
    data = book.data()
    # The loader runs even when the workbook has problems of its own, so a sum that no longer
    # adds up is reported together with a text in a number cell; a loader problem at a cell
    # that already has one (or with no cell, e.g. a section of a missing sheet) adds nothing.
    try:
        rule_set = parse(data, file)
    except RuleSetError as exc:
        book.loader_problems(exc)
    else:
        if not book.problems:
            return rule_set
    raise RuleSetBookError(file, book.problems)


class _Book(CellReader):
    # -- the sheets
    def data(self) -> dict[str, Any]:
        meta = self.meta()
        head = self.identity(meta)
        scoring = head.get("scoring", meta.get("scoring", "points"))
        criteria = self.tree(meta, scoring)
        self.bands(meta, criteria)
        self.options(meta, criteria)
        conditions = self.conditions(meta, scoring, len(criteria))
        return {"rule_set": head, "conditions": conditions, "criteria": criteria}

    def meta(self) -> dict[str, str]:
        rows = self.sheets.get(L.SHEET_META)
        found = {text(r[0]): text(r[1]) for r in rows or [] if len(r) >= 2 and not is_blank(r[0])}
        if found.get("template_id") != L.TEMPLATE_ID:
            self.problem(
                L.SHEET_META,
                None,
                None,
                "không phải sổ bộ tiêu chí do tcpl rules export tạo (thiếu trang "
                "ẩn _meta hoặc mã mẫu khác): xuất lại sổ bằng tcpl rules export",
            )
        return found

    def keyed_rows(self, sheet: str, rows, key_col: int) -> dict[str, int]:
        return {text(r[key_col]): n for n, r in enumerate(rows) if len(r) > key_col and not is_blank(r[key_col])}

    def identity(self, meta: dict[str, str]) -> dict[str, Any]:
        sheet = L.SHEET_IDENTITY
        rows = self.rows(sheet)
        if rows is None:
            return {}
        at = self.keyed_rows(sheet, rows, 4)
        head: dict[str, Any] = {}
        scoring_words = {strip_accents(w): k for k, w in L.SCORING_WORDS.items()}
        for key, label, kind, _editable, prov_key in L.IDENTITY_FIELDS:
            if key == "point_step" and meta.get("scoring") == "pass_fail":
                continue
            r = at.get(key)
            if r is None:
                self.problem(sheet, None, None, f'thiếu dòng "{label}" (đã xóa?)')
                continue
            tkey = f"rule_set.{key}"
            if key == "id":
                head["id"] = self.string(sheet, rows, r, 1, tkey)
                if meta.get("rule_set") and head["id"] != meta["rule_set"]:
                    self.problem(
                        sheet,
                        r,
                        1,
                        f'mã bộ tiêu chí đã bị sửa ("{head["id"]}", sổ xuất cho "{meta["rule_set"]}"): không sửa mã',
                    )
            elif key == "scoring":
                self.remember(tkey, sheet, r, 1)
                head["scoring"] = scoring_words.get(strip_accents(self.get(rows, r, 1)), meta.get("scoring", "points"))
            elif kind == "year":
                value = self.number(sheet, rows, r, 1, tkey, label, optional=key == "last_year", whole=True)
                if value is not None:
                    head[key] = value
            elif kind == "number":
                value = self.number(sheet, rows, r, 1, tkey, label)
                if value is not None:
                    head[key] = value
            else:
                head[key] = self.string(sheet, rows, r, 1, tkey)
            if prov_key:
                head[prov_key] = self.provenance(sheet, rows, r, 2, f"rule_set.{prov_key}")
        return head

    def tree(self, meta: dict[str, str], scoring: str) -> list[dict[str, Any]]:
        sheet = L.SHEET_TREE
        rows = self.rows(sheet)
        if rows is None:
            return []
        col = L.TREE_COL
        kinds = {strip_accents(w): k for k, w in L.KIND_WORDS.items()}
        criteria: list[dict[str, Any]] = []
        seen: dict[tuple[bool, str], int] = {}
        derived = _derived(meta)
        for r in range(L.HEADER_ROW + 1, len(rows)):
            level = strip_accents(self.get(rows, r, col["level"]))
            code = text(self.get(rows, r, col["code"]))
            if not level and not code:
                continue
            switch_row = level == strip_accents(L.LEVEL_SWITCH)  # carries its criterion's code
            if (switch_row, code) in seen:
                self.problem(sheet, r, col["code"], f"mã {code} trùng với dòng {seen[switch_row, code] + 1}")
                self.taint("criteria")
                continue
            seen[switch_row, code] = r
            kind_word = strip_accents(self.get(rows, r, col["kind"]))
            if switch_row and criteria:
                key = f"criteria[{len(criteria) - 1}].switch"
                criteria[-1]["switch"] = {
                    "label": self.string(sheet, rows, r, col["name"], f"{key}.label"),
                    "provenance": self.provenance(sheet, rows, r, col["status"], f"{key}.provenance"),
                }
                continue
            if level == strip_accents(L.LEVEL_INDICATOR) and kind_word == strip_accents(L.GROUP_KIND) and criteria:
                c = criteria[-1]
                key = f"criteria[{len(criteria) - 1}].indicators[{len(c['indicators'])}]"
                self.remember(f"{key}.code", sheet, r, col["code"])
                c["indicators"].append(
                    {
                        "code": code,
                        "name": self.string(sheet, rows, r, col["name"], f"{key}.name"),
                        "provenance": self.provenance(sheet, rows, r, col["status"], f"{key}.provenance"),
                        "contents": [],
                    }
                )
                self.remember(f"{key}.contents", sheet, r, col["code"])
                continue
            content_kind = kinds.get(kind_word) in CONTENT_KINDS
            if (
                content_kind
                and criteria
                and level in (strip_accents(L.LEVEL_INDICATOR), strip_accents(L.LEVEL_CONTENT))
            ):
                c = criteria[-1]
                key = f"criteria[{len(criteria) - 1}].indicators[{len(c['indicators'])}]"
                if level == strip_accents(L.LEVEL_CONTENT):
                    group = c["indicators"][-1] if c["indicators"] else None
                    if group is None or "contents" not in group:
                        self.problem(sheet, r, col["level"], "nội dung đứng ngoài mọi chỉ tiêu gồm nhiều nội dung")
                        continue
                    key = f"criteria[{len(criteria) - 1}].indicators[{len(c['indicators']) - 1}]"
                    key += f".contents[{len(group['contents'])}]"
                    group["contents"].append(self.content(sheet, rows, r, key, code, kinds, derived))
                else:
                    c["indicators"].append(self.content(sheet, rows, r, key, code, kinds, derived))
                continue
            if level == strip_accents(L.LEVEL_CRITERION):
                n = len(criteria)
                key = f"criteria[{n}]"
                self.remember(f"{key}.code", sheet, r, col["code"])
                entry: dict[str, Any] = {"code": code, "name": self.string(sheet, rows, r, col["name"], f"{key}.name")}
                value = self.number(sheet, rows, r, col["max"], f"{key}.max", f"điểm tối đa của {code}")
                entry["max"] = value if value is not None else 0
                entry["provenance"] = self.provenance(sheet, rows, r, col["status"], f"{key}.provenance")
                if scoring == "pass_fail":
                    entry["pass_rule"] = {"mode": "all"}
                    entry["_pass_rule_at"] = r
                entry["indicators"] = []
                self.remember(f"{key}.indicators", sheet, r, col["code"])
                criteria.append(entry)
            elif level == strip_accents(L.LEVEL_INDICATOR):
                if not criteria:
                    self.problem(sheet, r, col["level"], "chỉ tiêu đứng trước mọi tiêu chí")
                    continue
                c = criteria[-1]
                key = f"criteria[{len(criteria) - 1}].indicators[{len(c['indicators'])}]"
                self.remember(f"{key}.code", sheet, r, col["code"])
                kind = kinds.get(strip_accents(self.get(rows, r, col["kind"])))
                self.remember(f"{key}.kind", sheet, r, col["kind"])
                if kind is None:
                    self.problem(sheet, r, col["kind"], "cách chấm đã bị sửa: không sửa ô này (xuất lại sổ nếu cần)")
                    kind = "points"
                ind: dict[str, Any] = {
                    "code": code,
                    "name": self.string(sheet, rows, r, col["name"], f"{key}.name"),
                    "kind": kind,
                }
                value = self.number(sheet, rows, r, col["max"], f"{key}.max", f"điểm tối đa của {code}")
                ind["max"] = value if value is not None else 0
                naf = self.yes_no(
                    sheet, rows, r, col["not_applicable_full"], f"{key}.not_applicable_full", "không phát sinh"
                )
                if naf:
                    ind["not_applicable_full"] = True
                if scoring == "points":
                    deduction = self.number(
                        sheet,
                        rows,
                        r,
                        col["deduction_max"],
                        f"{key}.deduction_max",
                        f"điểm trừ tối đa của {code}",
                        optional=True,
                    )
                    if deduction:
                        ind["deduction_max"] = deduction
                if kind == "rate_bands":
                    for label_key in ("numerator_label", "denominator_label"):
                        ind[label_key] = self.string(sheet, rows, r, col[label_key], f"{key}.{label_key}")
                    ind["bands"] = []
                    self.remember(f"{key}.bands", sheet, r, col["code"])
                ind["provenance"] = self.provenance(sheet, rows, r, col["status"], f"{key}.provenance")
                c["indicators"].append(ind)
            else:
                self.problem(
                    sheet, r, col["level"], f'cột Cấp phải là "{L.LEVEL_CRITERION}" hoặc "{L.LEVEL_INDICATOR}"'
                )
        for c in criteria:
            r = c.pop("_pass_rule_at", None)
            if r is not None:
                c["pass_rule"] = self.pass_rule(
                    sheet, rows, r, col["pass_rule"], f"criteria[{criteria.index(c)}].pass_rule", len(c["indicators"])
                )
        self.missing(sheet, "tiêu chí", meta.get("criteria", ""), [c["code"] for c in criteria])
        self.missing(sheet, "chỉ tiêu", meta.get("indicators", ""), _leaf_codes(criteria))
        self.missing(sheet, "chỉ tiêu", meta.get("groups", "").replace("=", " ").replace(",", " "), _codes(criteria))
        for code in meta.get("switches", "").split():
            if not any(c["code"] == code and "switch" in c for c in criteria):
                self.problem(
                    sheet, None, None, f"thiếu dòng {L.LEVEL_SWITCH} của {code} (đã xóa?): xuất lại sổ nếu cần"
                )
        return criteria

    def content(self, sheet: str, rows, r: int, key: str, code: str, kinds: dict, derived: dict) -> dict[str, Any]:
        """A content's row (pass/fail sets with contents) as the loader's dictionary."""
        col = L.TREE_COL
        kind = kinds[strip_accents(self.get(rows, r, col["kind"]))]
        self.remember(f"{key}.code", sheet, r, col["code"])
        self.remember(f"{key}.kind", sheet, r, col["kind"])
        out: dict[str, Any] = {
            "code": code,
            "name": self.string(sheet, rows, r, col["name"], f"{key}.name"),
            "kind": kind,
        }
        if self.yes_no(sheet, rows, r, col["not_applicable_full"], f"{key}.not_applicable_full", "không phát sinh"):
            out["not_applicable_full"] = True
        requirement = text(self.get(rows, r, col["requirement"]))
        if requirement:
            out["requirement"] = requirement
        if kind == "rate":
            value = self.number(sheet, rows, r, col["threshold"], f"{key}.threshold", f"mức đạt (%) của {code}")
            out["threshold"] = value if value is not None else 0
            for label_key in ("numerator_label", "denominator_label"):
                out[label_key] = self.string(sheet, rows, r, col[label_key], f"{key}.{label_key}")
            for figure, source in derived.get(code, {}).items():
                out[f"{figure}_from"] = source
        if kind == "checklist":
            value = self.number(
                sheet, rows, r, col["min_ticked"], f"{key}.min_ticked", f"số hoạt động tối thiểu của {code}", whole=True
            )
            out["min_ticked"] = int(value) if value is not None else 1
            out["options"] = []
            self.remember(f"{key}.options", sheet, r, col["code"])
        out["provenance"] = self.provenance(sheet, rows, r, col["status"], f"{key}.provenance")
        return out

    def options(self, meta: dict[str, str], criteria: list[dict[str, Any]]) -> None:
        expected = dict(item.split(":") for item in meta.get("options", "").split() if ":" in item)
        if not expected:
            return
        sheet = L.SHEET_OPTIONS
        rows = self.rows(sheet)
        if rows is None:
            return
        leaves = {leaf["code"]: (leaf, key) for leaf, key in _leaves(criteria)}
        col = L.OPTION_COL
        for r in range(L.HEADER_ROW + 1, len(rows)):
            code = text(self.get(rows, r, col["content"]))
            if not code:
                continue
            found = leaves.get(code)
            if found is None or "options" not in found[0]:
                self.problem(sheet, r, col["content"], f"nội dung {code} không phải dạng danh sách (hoặc mã đã bị sửa)")
                continue
            leaf, key = found
            leaf["options"].append(self.string(sheet, rows, r, col["text"], f"{key}.options"))
        for code, count in expected.items():
            have = len(leaves[code][0].get("options", [])) if code in leaves else 0
            if count.isdigit() and have != int(count):
                self.problem(
                    sheet, None, None, f"nội dung {code} có {have} hoạt động, sổ xuất ra có {count} (đã xóa dòng?)"
                )

    def missing(self, sheet: str, what: str, expected: str, found: list[str]) -> None:
        for code in expected.split():
            if code not in found:
                self.taint("criteria")
                self.problem(
                    sheet, None, None, f"thiếu dòng {what} {code} (đã xóa?): sổ phải giữ mọi dòng; xuất lại sổ nếu cần"
                )

    def bands(self, meta: dict[str, str], criteria: list[dict[str, Any]]) -> None:
        sheet = L.SHEET_BANDS
        rows = self.rows(sheet)
        if rows is None:
            return
        col = L.BAND_COL
        index = {i["code"]: (n, m, i) for n, c in enumerate(criteria) for m, i in enumerate(c["indicators"])}
        for r in range(L.HEADER_ROW + 1, len(rows)):
            code = text(self.get(rows, r, col["indicator"]))
            if not code:
                continue
            found = index.get(code)
            if found is None or "bands" not in found[2]:
                self.problem(sheet, r, col["indicator"], f"chỉ tiêu {code} không tính theo tỷ lệ (hoặc mã đã bị sửa)")
                continue
            n, m, ind = found
            key = f"criteria[{n}].indicators[{m}].bands[{len(ind['bands'])}]"
            band: dict[str, Any] = {}
            lower = self.number(sheet, rows, r, col["from"], f"{key}.from", f"mức của {code}: từ (%)")
            band["from"] = lower if lower is not None else 0
            upper = self.number(sheet, rows, r, col["to"], f"{key}.to", f"mức của {code}: đến dưới (%)", optional=True)
            if upper is not None:
                band["to"] = upper
            points = self.number(sheet, rows, r, col["points"], f"{key}.points", f"mức của {code}: điểm")
            band["points"] = points if points is not None else 0
            band["provenance"] = self.provenance(sheet, rows, r, col["status"], f"{key}.provenance")
            if not ind["bands"]:
                self.remember(f"criteria[{n}].indicators[{m}].bands", sheet, r, col["from"])
            ind["bands"].append(band)
        for item in meta.get("bands", "").split():
            code, _, count = item.partition(":")
            have = len(index[code][2].get("bands", [])) if code in index else 0
            if count.isdigit() and have < int(count):
                self.problem(sheet, None, None, f"chỉ tiêu {code} có {have} mức, sổ xuất ra có {count} (đã xóa dòng?)")

    def conditions(self, meta: dict[str, str], scoring: str, n_criteria: int) -> dict[str, Any]:
        sheet = L.SHEET_CONDITIONS
        rows = self.rows(sheet)
        if rows is None:
            return {}
        key_col = len(L.DECLARATION_COLUMNS)
        at = self.keyed_rows(sheet, rows, key_col)
        out: dict[str, Any] = {}
        for key, label, kind, for_scoring, prov_key in L.CONDITION_FIELDS:
            if for_scoring != scoring:
                continue
            r = at.get(key)
            if r is None:
                self.problem(sheet, None, None, f'thiếu dòng "{label}" (đã xóa?)')
                continue
            tkey = f"conditions.{key}"
            if kind == "pass_rule":
                out[key] = self.pass_rule(sheet, rows, r, 1, tkey, n_criteria)
            else:
                value = self.number(sheet, rows, r, 1, tkey, label, optional=True)
                if value is not None:
                    out[key] = value
            out[prov_key] = self.provenance(sheet, rows, r, 4, f"conditions.{prov_key}")
        head = at.get("declarations")
        declarations = []
        if head is None:
            self.problem(sheet, None, None, f'thiếu bảng "{L.DECLARATIONS_TITLE}" (đã xóa?)')
        else:
            col = L.DECLARATION_COL
            for r in range(head + 1, len(rows)):
                name = text(self.get(rows, r, col["key"]))
                if not name:
                    continue
                key = f"conditions.declarations[{len(declarations)}]"
                self.remember(f"{key}.key", sheet, r, col["key"])
                d: dict[str, Any] = {
                    "key": name,
                    "label": self.string(sheet, rows, r, col["label"], f"{key}.label"),
                    "short": self.string(sheet, rows, r, col["short"], f"{key}.short"),
                }
                answer = self.yes_no(
                    sheet, rows, r, col["disqualifying_answer"], f"{key}.disqualifying_answer", "trả lời không đạt"
                )
                d["disqualifying_answer"] = bool(answer)
                d["provenance"] = self.provenance(sheet, rows, r, col["status"], f"{key}.provenance")
                if not d["short"]:
                    d["short"] = d["label"]
                declarations.append(d)
            self.missing(sheet, "câu hỏi", meta.get("declarations", ""), [d["key"] for d in declarations])
        if declarations:
            out["declarations"] = declarations
        return out


def _derived(meta: dict[str, str]) -> dict[str, dict[str, dict[str, str]]]:
    """content -> {figure: {content, figure}} from the metadata ("1.2:denominator=1.1.denominator")."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for item in meta.get("derived", "").split():
        code, _, rest = item.partition(":")
        figure, _, source = rest.partition("=")
        content, _, of = source.rpartition(".")
        if code and figure and content and of:
            out.setdefault(code, {})[figure] = {"content": content, "figure": of}
    return out


def _leaves(criteria: list[dict[str, Any]]):
    """(leaf dictionary, its loader key) of every indicator or content, in order."""
    for n, c in enumerate(criteria):
        for m, i in enumerate(c["indicators"]):
            if "contents" in i:
                for k, leaf in enumerate(i["contents"]):
                    yield leaf, f"criteria[{n}].indicators[{m}].contents[{k}]"
            else:
                yield i, f"criteria[{n}].indicators[{m}]"


def _leaf_codes(criteria: list[dict[str, Any]]) -> list[str]:
    return [leaf["code"] for leaf, _ in _leaves(criteria)]


def _codes(criteria: list[dict[str, Any]]) -> list[str]:
    return [i["code"] for c in criteria for i in c["indicators"]] + _leaf_codes(criteria)
