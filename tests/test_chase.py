"""The chase list (Đôn đốc): who to call for a unit that sent nothing (its contact in
config.toml), "Cần làm" as actions, and one stated day the counts are counted to, on the
sheet and in the terminal alike."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from builders import load, make_run, table, texts

from pipeline.steps import season
from pipeline.writers.workbook import write_workbook

ACTIONS = ("Gọi ", "Nhắc ", "Ghi nhận ", "Gửi phiếu phản hồi", "Làm rõ ")


def with_contact(run, code: str, contact: str = "", phone: str = ""):
    units = tuple(replace(u, contact=contact, phone=phone) if u.code == code else u for u in run.config.units)
    outcomes = tuple(
        replace(o, unit=replace(o.unit, contact=contact, phone=phone)) if o.unit.code == code else o for o in run.units
    )
    return replace(run, config=replace(run.config, units=units), units=outcomes)


def test_a_unit_that_sent_nothing_is_called_at_its_configured_contact():
    run = with_contact(make_run(), "14821", "Trần Văn Nam, công chức Tư pháp - Hộ tịch", "0912 000 111")
    row = next(r for r in season.chase_list(run) if r.unit.code == "14821")
    assert (row.contact_name, row.contact_phone, row.contact_file) == (
        "Trần Văn Nam, công chức Tư pháp - Hộ tịch",
        "0912 000 111",
        "config.toml",
    )
    assert row.todo == (
        "Gọi Trần Văn Nam, công chức Tư pháp - Hộ tịch (0912 000 111) đề nghị gửi ngay phiếu tự đánh giá "
        "(đã quá hạn 5 ngày)."
    )


def test_a_contact_on_a_file_comes_before_the_configured_one():
    run = with_contact(make_run(), "14812", "Người trong config", "0000")
    row = next(r for r in season.chase_list(run) if r.unit.code == "14812")
    assert row.contact_phone == "0912 345 678" and row.contact_file != "config.toml"


def test_every_thing_to_do_is_an_action():
    rows = season.chase_list(make_run(units=30))
    assert rows
    for r in rows:
        for sentence in r.todo.split(". "):
            assert sentence.startswith(ACTIONS), r.todo


def test_not_yet_due_is_a_reminder():
    early = replace(make_run(), generated_at=dt.datetime(2024, 1, 8, 9, 0))
    row = next(r for r in season.chase_list(early) if r.unit.code == "14821")
    assert row.todo == "Nhắc Ủy ban nhân dân phường Đông Sơn gửi phiếu tự đánh giá trước hạn 10/01/2024."


def test_the_sheet_and_the_terminal_say_which_day_they_count_to(tmp_path):
    run = make_run()
    ws = load(write_workbook(run, tmp_path / "wb.xlsx"))["Đôn đốc"]
    notes = texts(ws)
    assert any("số ngày tính đến 15/01/2024 (ngày của tệp mới nhất nhận được)" in t for t in notes)
    assert any("config.toml (contact, phone)" in t for t in notes)
    rows = {r["Mã đơn vị"]: r for r in table(ws, "Cần làm", "Mã đơn vị")}
    assert rows["14821"]["Số ngày muộn"] == 5  # 15/01 - 10/01
    line = season.deadline_message(run, dt.date(2024, 1, 20))
    assert line.startswith("Đã quá hạn nộp phiếu (10/01/2024) 10 ngày")
    assert line.endswith(
        "Tính đến ngày 20/01/2024; trang Đôn đốc tính đến 15/01/2024 (ngày của tệp mới nhất nhận được)."
    )
