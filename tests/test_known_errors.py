"""Every condition the office can fix is one Vietnamese line and exit 1, never 'lỗi không mong
đợi' (exit 2): a read-only outputs folder, a full disk, a name too long, a lock that is a
folder, a lock naming a live process that is not a run; and outputs shown in the office's time
zone, whatever the machine's."""

from __future__ import annotations

import datetime as dt
import errno
import os
import time

import builders
import pytest
from builders import form, run_cli

from pipeline.infra import lock
from pipeline.readers.discover import discover
from pipeline.writers import output_set


@pytest.fixture
def office(tmp_path):
    config = builders.make_config(tmp_path)
    form(config.inputs / "bac-son.xlsx", "14809", "Bắc Sơn")
    return config


def consolidate(config):
    return run_cli("consolidate", "--config", str(config.source_file))


def one_line_exit_1(result, *words: str) -> str:
    assert result.exit_code == 1, result.output
    last = result.output.strip().splitlines()[-1]
    assert "không mong đợi" not in result.output and "Traceback" not in result.output
    for word in words:
        assert word in last, last
    return last


@pytest.mark.parametrize(
    "code, words",
    [
        (errno.EACCES, ("không có quyền ghi",)),
        (errno.EROFS, ("không có quyền ghi",)),
        (errno.ENOSPC, ("Đĩa đầy",)),
        (errno.ENAMETOOLONG, ("quá dài",)),
    ],
)
def test_disk_conditions_are_one_line(office, monkeypatch, code, words):
    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code), str(office.outputs / "x"))

    monkeypatch.setattr(output_set.tempfile, "mkdtemp", refuse)
    one_line_exit_1(consolidate(office), *words, str(office.outputs / "x"))


def test_a_full_disk_while_writing_keeps_the_old_set_and_prints_no_traceback(office, monkeypatch, capfd):
    from pipeline.writers import workbook as report

    assert consolidate(office).exit_code == 0
    before = sorted(p.name for p in office.outputs.iterdir())

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(report, "write_register", full)
    one_line_exit_1(consolidate(office), "Đĩa đầy")
    assert sorted(p.name for p in office.outputs.iterdir()) == before
    assert "Traceback" not in capfd.readouterr().err


def test_a_read_only_outputs_folder_for_real(office):
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    office.outputs.mkdir()
    office.outputs.chmod(0o555)
    try:
        one_line_exit_1(consolidate(office), "không có quyền ghi")
    finally:
        office.outputs.chmod(0o755)


def test_a_lock_that_is_a_folder(office):
    (office.outputs / lock.LOCK_NAME).mkdir(parents=True)
    one_line_exit_1(consolidate(office), "là một thư mục", lock.LOCK_NAME)


def test_a_lock_naming_a_live_process_says_which_file_to_delete(office):
    office.outputs.mkdir()
    (office.outputs / lock.LOCK_NAME).write_text(str(os.getppid()), encoding="ascii")  # alive, no start time
    line = one_line_exit_1(consolidate(office), "xóa tệp", str(office.outputs / lock.LOCK_NAME))
    assert f"tiến trình {os.getppid()}" in line


def test_a_lock_whose_pid_was_reused_is_taken_over(office):
    if not os.path.exists(f"/proc/{os.getppid()}/stat"):
        pytest.skip("process start times are read from /proc")
    office.outputs.mkdir()
    # A live pid, but the run that wrote the lock started at another time: the pid was reused.
    (office.outputs / lock.LOCK_NAME).write_text(f"{os.getppid()} 1", encoding="ascii")
    assert consolidate(office).exit_code == 0
    assert not (office.outputs / lock.LOCK_NAME).exists()


def test_our_own_lock_records_the_start_time(tmp_path):
    with lock.run_lock(tmp_path) as path:
        pid, _, started = path.read_text(encoding="ascii").partition(" ")
    assert pid == str(os.getpid())
    if os.path.exists("/proc/self/stat"):
        assert started == lock._start_time(os.getpid()) and started.isdigit()


def test_a_300_character_unit_name_gives_short_file_names(tmp_path):
    long_name = "Thị trấn " + "Nông trường Thống Nhất " * 13
    config = builders.make_config(tmp_path, units=[("14809", long_name.strip(), "thị trấn")], extra_units=False)
    form(config.inputs / "phieu.xlsx", "14809", long_name.strip(), "thị trấn")
    result = consolidate(config)
    assert result.exit_code == 0, result.output
    feedback = list((config.outputs / "phan-hoi").iterdir())
    assert feedback and all(len(p.name) < 100 for p in feedback)


def test_file_times_are_shown_in_the_office_time_zone_whatever_the_machines(tmp_path, monkeypatch):
    from zoneinfo import ZoneInfo

    path = tmp_path / "x.txt"
    path.write_text("x")
    os.utime(path, (1_700_000_000, 1_700_000_000))  # 2023-11-14 22:13:20 UTC
    seen = []
    for machine in ("UTC", "America/New_York", "Asia/Tokyo"):
        monkeypatch.setenv("TZ", machine)
        time.tzset()
        _, (record,), _ = discover(tmp_path, 1000, zone=ZoneInfo("Asia/Ho_Chi_Minh"))
        seen.append(record.modified)
    time.tzset()
    assert seen == [dt.datetime(2023, 11, 15, 5, 13, 20)] * 3


def test_the_time_zone_is_configured_and_checked(tmp_path):
    from pipeline.core import config as config_mod
    from pipeline.core.config import ConfigError

    path = builders.office(tmp_path)
    assert config_mod.load(path).timezone == "Asia/Ho_Chi_Minh"
    text = path.read_text(encoding="utf-8").replace("[office]\n", '[office]\ntimezone = "Mars/Olympus"\n', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="timezone"):
        config_mod.load(path)
