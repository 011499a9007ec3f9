"""The rule-set workbook: export, edit as a clerk would, import back.

Export then import of every shipped rule set gives the same rule set; edited figures give a
rule set that scores differently exactly where they changed; every broken workbook reports
every problem at once, located to sheet and cell, and writes nothing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from builders import edit_with_openpyxl, run_cli
from test_roundtrip import convert, require_soffice

from pipeline.app.rules import import_rule_set
from pipeline.core import rules
from pipeline.core import ruleset_layout as L
from pipeline.core.verdict import IndicatorEntry, UnitEntries
from pipeline.readers.ruleset_book import RuleSetBookError, read_ruleset_book
from pipeline.steps.scoring import score_unit
from pipeline.writers.ruleset_book import write_ruleset_book

SHIPPED = sorted(p.stem for p in rules.BUILTIN_DIR.glob("*.toml"))


def same(a: rules.RuleSet, b: rules.RuleSet) -> bool:
    return replace(a, source_file="") == replace(b, source_file="")


def exported(tmp_path: Path, rule_set_id: str = "qd25-2021") -> Path:
    return write_ruleset_book(rules.load(rule_set_id), tmp_path / f"{rule_set_id}.xlsx")


def row_of(ws, code: str, col: int = 2) -> int:
    """1-based row whose column `col` (1-based) holds `code`."""
    for row in ws.iter_rows(min_row=L.HEADER_ROW + 2):
        if row[col - 1].value == code:
            return row[0].row
    raise AssertionError(f"no row for {code}")


def tree_cell(ws, code: str, key: str):
    return ws.cell(row_of(ws, code), L.TREE_COL[key] + 1)


def problems(book: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(RuleSetBookError) as caught:
        read_ruleset_book(book)
    return [(p.sheet, p.cell, p.message) for p in caught.value.problems]


@pytest.mark.parametrize("rule_set_id", SHIPPED)
def test_export_then_import_gives_the_same_rule_set(tmp_path, rule_set_id):
    book = exported(tmp_path, rule_set_id)
    assert same(read_ruleset_book(book), rules.load(rule_set_id))


def test_the_workbook_has_status_and_basis_for_every_figure(tmp_path):
    wb = openpyxl.load_workbook(exported(tmp_path))
    assert wb.sheetnames == list(L.SHEETS)
    assert wb[L.SHEET_META].sheet_state == "hidden"
    tree = wb[L.SHEET_TREE]
    heads = [c.value for c in tree[L.HEADER_ROW + 1]]
    assert "Trạng thái" in heads and "Căn cứ" in heads
    rs = rules.load("qd25-2021")
    for ind in rs.indicators:
        assert tree_cell(tree, ind.code, "status").value == L.STATUS_WORDS[ind.provenance.status]
    status = tree_cell(tree, "2.1", "status")
    assert status.protection.locked is False and tree_cell(tree, "2.1", "code").protection.locked is True
    assert tree.protection.sheet is True
    lists = [dv for dv in tree.data_validations.dataValidation if dv.type == "list"]
    assert any(status.coordinate in str(dv.sqref) and "tạm tính" in dv.formula1 for dv in lists)
    assert tree.page_setup.paperSize in (9, "9")


def test_edited_figures_score_differently_exactly_where_they_changed(tmp_path):
    original = rules.load("qd25-2021")

    def change(wb):
        tree = wb[L.SHEET_TREE]
        tree_cell(tree, "2.1", "max").value = 5  # 6 -> 5, and 2.2 4 -> 5: TC2 still sums to 30
        tree_cell(tree, "2.2", "max").value = 5
        for code in ("2.1", "2.2"):
            tree_cell(tree, code, "status").value = "đã đối chiếu"
            tree_cell(tree, code, "source").value = "QĐ 25/2021/QĐ-TTg, Phụ lục, mục 2"
        bands = wb[L.SHEET_BANDS]
        for row in bands.iter_rows(min_row=L.HEADER_ROW + 2):
            if row[L.BAND_COL["from"]].value == 80:
                row[L.BAND_COL["points"]].value = 1.5
                row[L.BAND_COL["source"]].value = "TT 09/2021/TT-BTP, Điều 5"

    edited = read_ruleset_book(edit_with_openpyxl(exported(tmp_path), change))
    assert edited.indicator("2.1").max == 5 and edited.indicator("2.1").provenance.status == "verified"
    assert edited.indicator("2.1").provenance.source == "QĐ 25/2021/QĐ-TTg, Phụ lục, mục 2"
    entries = {i.code: IndicatorEntry(i.code, points=i.max) for i in original.indicators}
    entries["2.1"] = IndicatorEntry("2.1", points=5)
    entries["2.2"] = IndicatorEntry("2.2", points=4)
    entries["2.5"] = IndicatorEntry("2.5", numerator=85, denominator=100)
    unit = UnitEntries(entries, {d.key: False for d in original.conditions.declarations})
    before = {r.code: r.points for r in score_unit(original, unit).indicators}
    after = {r.code: r.points for r in score_unit(edited, unit).indicators}
    changed = {code for code in before if before[code] != after[code]}
    assert changed == {"2.5"}  # 2.1 and 2.2 keep their entered points; the 80-90% band now gives 1.5
    assert (before["2.5"], after["2.5"]) == (1, 1.5)
    ratio = {r.code: r.percent for r in score_unit(edited, unit).indicators}
    assert ratio["2.1"] == 100 and ratio["2.2"] == 80  # out of the new maxima


def test_every_problem_at_once_located_and_nothing_written(tmp_path):
    def change(wb):
        tree = wb[L.SHEET_TREE]
        tree_cell(tree, "3.1", "max").value = 9  # TC3 no longer sums to 20
        tree_cell(tree, "4.1", "max").value = "bốn"  # text in a number cell
        tree_cell(tree, "1.2", "status").value = "đã đối chiếu"  # confirmed without a basis
        tree_cell(tree, "1.2", "source").value = None
        bands = wb[L.SHEET_BANDS]
        for row in bands.iter_rows(min_row=L.HEADER_ROW + 2):
            if row[L.BAND_COL["from"]].value == 70:
                row[L.BAND_COL["from"]].value = 72  # a gap between 70 and 72
        wb[L.SHEET_CONDITIONS].title = "Điều kiện"  # a renamed sheet

    book = edit_with_openpyxl(exported(tmp_path), change)
    wb = openpyxl.load_workbook(book)
    tree = wb[L.SHEET_TREE]
    at = {code: row_of(tree, code) for code in ("TC3", "4.1", "1.2")}
    first_band = row_of(wb[L.SHEET_BANDS], "2.5", col=1)  # the loader names 2.5's band list as a whole
    found = problems(book)
    assert [(s, c) for s, c, _ in found] == [
        (L.SHEET_TREE, f"L{at['1.2']}"),  # status and basis, row by row
        (L.SHEET_TREE, f"D{at['4.1']}"),
        (L.SHEET_CONDITIONS, ""),
        (L.SHEET_BANDS, f"B{first_band}"),
        (L.SHEET_TREE, f"D{at['TC3']}"),
    ], found
    messages = [m for _, _, m in found]
    assert "căn cứ" in messages[0] and '"bốn" không phải là số' in messages[1]
    assert "đổi tên" in messages[2] and "khoảng trống giữa 70% và 72%" in messages[3]
    assert "TC3" in messages[4] and "19" in messages[4]
    with pytest.raises(RuleSetBookError):
        import_rule_set(book, tmp_path)
    assert not (tmp_path / "rulesets").exists()


def test_deleted_rows_and_duplicate_codes_are_named(tmp_path):
    def change(wb):
        tree = wb[L.SHEET_TREE]
        tree.delete_rows(row_of(tree, "5.4"))
        tree_cell(tree, "4.3", "code").value = "4.2"
        wb[L.SHEET_BANDS].delete_rows(L.HEADER_ROW + 3)

    book = edit_with_openpyxl(exported(tmp_path), change)
    found = problems(book)
    dup_row = row_of(openpyxl.load_workbook(book)[L.SHEET_TREE], "4.2") + 1
    assert (L.SHEET_TREE, f"B{dup_row}", f"mã 4.2 trùng với dòng {dup_row - 1}") in found, found
    missing = sorted(m for s, c, m in found if c == "")
    assert [m.split(" (")[0] for m in missing] == [
        "chỉ tiêu 2.5 có 4 mức, sổ xuất ra có 5",
        "thiếu dòng chỉ tiêu 4.3",
        "thiếu dòng chỉ tiêu 5.4",
    ], found
    # the sums of the damaged criteria would only repeat these: not reported
    assert not any("tổng điểm" in m for _, _, m in found), found


def test_loader_problems_are_located_to_their_cells(tmp_path):
    """A workbook with no problem of its own: the TOML loader's checks, mapped back to cells."""

    def change(wb):
        tree = wb[L.SHEET_TREE]
        tree_cell(tree, "3.1", "max").value = 9  # TC3's indicators now sum to 19
        bands = wb[L.SHEET_BANDS]
        for row in bands.iter_rows(min_row=L.HEADER_ROW + 2):
            if row[L.BAND_COL["from"]].value == 70:
                row[L.BAND_COL["from"]].value = 72

    book = edit_with_openpyxl(exported(tmp_path), change)
    found = problems(book)
    tc3 = row_of(openpyxl.load_workbook(book)[L.SHEET_TREE], "TC3")
    assert (L.SHEET_TREE, f"D{tc3}") in {(s, c) for s, c, _ in found}, found
    assert any(s == L.SHEET_BANDS and "khoảng trống" in m for s, _, m in found), found
    assert len(found) == 2, found


def test_import_writes_the_office_rule_set_beside_the_config(tmp_path):
    def change(wb):
        tree = wb[L.SHEET_TREE]
        tree_cell(tree, "2.3", "status").value = "đã đối chiếu"
        tree_cell(tree, "2.3", "source").value = "QĐ 25/2021/QĐ-TTg, Phụ lục"
        ident = wb[L.SHEET_IDENTITY]
        ident.cell(row_of(ident, "confirmed_by", col=5), 2).value = "Nguyễn Thị B, chuyên viên, 05/01/2027"

    book = edit_with_openpyxl(exported(tmp_path), change)
    result = import_rule_set(book, tmp_path)
    assert result.rule_set.confirmed_by == "Nguyễn Thị B, chuyên viên, 05/01/2027"
    assert result.path == tmp_path / "rulesets" / "qd25-2021.toml" and not result.replaced
    # the office's copy now wins over the shipped one for the same id
    loaded = rules.load("qd25-2021", tmp_path)
    assert Path(loaded.source_file) == result.path
    assert loaded.indicator("2.3").provenance.status == "verified"
    assert rules.load("qd25-2021").indicator("2.3").provenance.status == "provisional"
    assert import_rule_set(book, tmp_path).replaced


@pytest.mark.libreoffice
def test_a_libreoffice_round_trip_keeps_the_rule_set(tmp_path):
    def change(wb):
        tree_cell(wb[L.SHEET_TREE], "2.6", "source").value = "TT 09/2021/TT-BTP, Phụ lục II"
        tree_cell(wb[L.SHEET_TREE], "2.6", "status").value = "đã đối chiếu"

    book = edit_with_openpyxl(exported(tmp_path), change)
    out = tmp_path / "lo"
    convert(require_soffice(), [book], "xlsx", out, tmp_path / "profile")
    again = read_ruleset_book(out / book.name)
    assert again.indicator("2.6").provenance == rules.Provenance("verified", "TT 09/2021/TT-BTP, Phụ lục II")
    assert same(again, read_ruleset_book(book))


def test_the_cli_exports_and_imports_beside_the_config(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text((Path(__file__).resolve().parents[1] / "config.toml").read_text(encoding="utf-8"), "utf-8")
    book = tmp_path / "bo.xlsx"
    result = run_cli("rules", "export", "qd25-2021", "--output", str(book), "--config", str(config))
    assert result.exit_code == 0, result.output
    assert f": {book}\n" in result.output and "Còn 6 nhóm số liệu tạm tính" in result.output
    result = run_cli("rules", "import", str(book), "--config", str(config))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"Đã ghi bộ tiêu chí qd25-2021 của văn phòng: {tmp_path / 'rulesets' / 'qd25-2021.toml'}\n"
    )
    assert same(rules.load("qd25-2021", tmp_path), rules.load("qd25-2021"))


def test_the_cli_lists_every_problem_and_exits_1(tmp_path):
    book = exported(tmp_path)
    edit_with_openpyxl(book, lambda wb: setattr(tree_cell(wb[L.SHEET_TREE], "2.1", "max"), "value", "sáu"))
    result = run_cli("rules", "import", str(book), "--config", str(tmp_path / "config.toml"))
    row = row_of(openpyxl.load_workbook(book)[L.SHEET_TREE], "2.1")
    assert result.exit_code == 1
    assert result.output == (
        f"Lỗi: Sổ bộ tiêu chí {book.name} có 1 lỗi, chưa ghi gì:\n"
        f"  - trang '{L.SHEET_TREE}', ô D{row}: điểm tối đa của 2.1: \"sáu\" không phải là số\n"
    )
    assert not (tmp_path / "rulesets").exists()


# ---------------------------------------------------------------- a pass/fail set with contents


def test_the_2026_figures_are_confirmed_through_the_workbook(tmp_path):
    """The office confirms QĐ 27's figures: a threshold changed and confirmed, an option's text,
    the switch confirmed; the imported set judges with them and no longer calls them provisional."""
    book = exported(tmp_path, "qd27-2025")

    def edit(wb):
        ws = wb[L.SHEET_TREE]
        tree_cell(ws, "3.2.2", "threshold").value = 75
        tree_cell(ws, "3.2.2", "status").value = "đã đối chiếu"
        tree_cell(ws, "3.2.2", "source").value = "TT 15/2025/TT-BTP Phụ lục I, mục 3.2.2"
        switch = next(r[0].row for r in ws.iter_rows(min_row=L.HEADER_ROW + 2) if r[0].value == L.LEVEL_SWITCH)
        ws.cell(switch, L.TREE_COL["status"] + 1).value = "đã đối chiếu"
        ws.cell(switch, L.TREE_COL["source"] + 1).value = "TT 15/2025/TT-BTP Điều 5"
        options = wb[L.SHEET_OPTIONS]
        options.cell(row_of(options, "3.3", 1), L.OPTION_COL["text"] + 1).value = "Huy động luật sư làm hòa giải viên"

    edit_with_openpyxl(book, edit)
    confirmed = read_ruleset_book(book)
    content = confirmed.indicator("3.2.2")
    assert content.threshold == 75 and not content.provenance.provisional
    assert content.denominator_from == rules.FigureSource("3.2.1", "numerator")  # structure kept
    assert confirmed.indicator("3.3").options[0] == "Huy động luật sư làm hòa giải viên"
    assert not confirmed.criterion("TC1").switch.provenance.provisional
    keys = {f.key for f in confirmed.figures if f.provenance.provisional}
    assert "indicator:3.2.2" not in keys and "switch:TC1" not in keys and "indicator:3.2.1" in keys
    # 76% now passes 3.2.2 under the confirmed set, not under the shipped one.
    entries = {
        "3.2.1": IndicatorEntry("3.2.1", numerator=25, denominator=25),
        "3.2.2": IndicatorEntry("3.2.2", numerator=19),
    }
    for rule_set, passed in ((confirmed, True), (rules.load("qd27-2025"), False)):
        v = score_unit(rule_set, UnitEntries(entries, {}, {}))
        assert next(r for r in v.indicators if r.code == "3.2.2").passed is passed


def test_a_deleted_option_row_and_a_bad_threshold_are_located(tmp_path):
    book = exported(tmp_path, "qd27-2025")

    def edit(wb):
        tree_cell(wb[L.SHEET_TREE], "2.3", "threshold").value = "một trăm"
        options = wb[L.SHEET_OPTIONS]
        options.delete_rows(row_of(options, "2.5", 1))

    edit_with_openpyxl(book, edit)
    found = problems(book)
    assert any(sheet == L.SHEET_TREE and "không phải là số" in m and "2.3" in m for sheet, _, m in found)
    assert any(sheet == L.SHEET_OPTIONS and "2.5 có 7 hoạt động" in m for sheet, _, m in found)
