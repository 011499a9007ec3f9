"""The Windows launchers' one script (tools/launch.py), without a network and without Windows:
interpreter and venv discovery on both layouts (fake trees), the command lines it builds, the
offline install from a bundle's wheels, the stamp that makes setup run once, the pause at the
end; then the .bat files that call it, and one real run through it on this machine."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests import builders
from tools import launch

REPO = Path(__file__).resolve().parents[1]
WINDOWS = REPO / "windows"


def _touch(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ where the interpreter is


def test_the_venv_layout_that_exists_wins(tmp_path):
    windows_tree = _touch(tmp_path / "w" / ".venv" / "Scripts" / "python.exe")
    posix_tree = _touch(tmp_path / "p" / ".venv" / "bin" / "python")
    for windows in (True, False):  # whatever the platform says, an existing venv is used as it is
        assert launch.venv_python(tmp_path / "w" / ".venv", windows) == windows_tree
        assert launch.venv_python(tmp_path / "p" / ".venv", windows) == posix_tree


def test_before_the_venv_exists_the_platform_decides(tmp_path):
    venv = tmp_path / ".venv"
    assert launch.venv_python(venv, windows=True) == venv / "Scripts" / "python.exe"
    assert launch.venv_python(venv, windows=False) == venv / "bin" / "python"
    assert launch.venv_python(venv) == launch.venv_python(venv, windows=os.name == "nt")


# ------------------------------------------------------------------ the command lines


def test_a_bundle_installs_from_its_wheels_with_no_index(tmp_path):
    _touch(tmp_path / "wheels" / "requirements.txt", "click==8.5.1\n")
    python = tmp_path / ".venv" / "Scripts" / "python.exe"
    assert launch.offline(tmp_path)
    wheels, listed = str(tmp_path / "wheels"), str(tmp_path / "wheels" / "requirements.txt")
    assert launch.install_commands(tmp_path, python) == [
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--no-index", "--find-links", wheels]
        + ["-r", listed],
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--no-index", "--find-links", wheels]
        + ["--no-deps", "tcpl"],
    ]


def test_a_checkout_installs_as_make_does(tmp_path):
    python = tmp_path / ".venv" / "bin" / "python"
    assert not launch.offline(tmp_path)
    assert launch.install_commands(tmp_path, python) == [
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-r", str(tmp_path / "requirements.lock")],
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--no-deps", "--no-build-isolation"]
        + ["-e", str(tmp_path)],
    ]


def test_the_pipeline_command_and_the_venv_command(tmp_path):
    python = tmp_path / ".venv" / "Scripts" / "python.exe"
    assert launch.pipeline_command(python, tmp_path, ["appraisal-form", "--demo"]) == [
        str(python),
        "-m",
        "pipeline",
        "appraisal-form",
        "--demo",
        "--config",
        str(tmp_path / "config.toml"),
    ]
    assert launch.venv_command("C:/Python311/python.exe", tmp_path) == [
        "C:/Python311/python.exe",
        "-m",
        "venv",
        str(tmp_path / ".venv"),
    ]


def test_which_python_can_install():
    assert launch.python_problem((3, 11, 9), 64, True, "win32") is None
    assert launch.python_problem((3, 12, 1), 64, False, "linux") is None  # from the index: any 3.11+
    assert launch.python_problem((3, 10, 4), 64, False, "win32") == (
        "Máy đang dùng Python 3.10 (64-bit); chương trình cần Python 3.11 trở lên. "
        "Cài Python 3.11 bản 64-bit theo HUONG-DAN-CAI-DAT.txt."
    )
    refused = (
        "Các gói trong thư mục wheels chỉ dành cho Python 3.11 bản 64-bit trên Windows; máy đang dùng {}. "
        "Cài Python 3.11 bản 64-bit theo HUONG-DAN-CAI-DAT.txt rồi chạy lại 1-cai-dat.bat."
    )
    assert launch.python_problem((3, 12, 1), 64, True, "win32") == refused.format("Python 3.12 (64-bit)")
    assert launch.python_problem((3, 11, 9), 32, True, "win32") == refused.format("Python 3.11 (32-bit)")


# ------------------------------------------------------------------ setup once, then run


class FakeMachine:
    """Records every command; `-m venv` makes the venv's interpreter appear (in this platform's
    layout, as Python's venv does); `fail` maps a command word to an exit code."""

    def __init__(self, fail: dict[str, int] | None = None) -> None:
        self.calls: list[list[str]] = []
        self.fail = fail or {}

    def __call__(self, command, cwd) -> int:
        command = list(command)
        self.calls.append(command)
        if command[1:3] == ["-m", "venv"]:
            _touch(launch.venv_python(Path(command[3])))
        return next((code for word, code in self.fail.items() if word in command), 0)

    def kinds(self) -> list[str]:
        return [c[2] if c[1] == "-m" and c[2] != "pipeline" else c[3] for c in self.calls]


@pytest.fixture
def bundle_tree(tmp_path, monkeypatch):
    """A bundle as tools/bundle.py lays it out, on a Python the wheels are for."""
    _touch(tmp_path / "wheels" / "requirements.txt", "click==8.5.1\n")
    _touch(tmp_path / "wheels" / "click-8.5.1-py3-none-any.whl")
    _touch(tmp_path / "requirements.lock", "click==8.5.1\npytest==9.2.0\n")
    _touch(tmp_path / "config.toml")
    monkeypatch.setattr(launch, "python_problem", lambda *args: None)
    return tmp_path


def _main(root: Path, *args: str, machine: FakeMachine, asked: list[str] | None = None, interactive=False) -> int:
    asked = [] if asked is None else asked
    return launch.main([*args, "--root", str(root)], runner=machine, ask=asked.append, interactive=interactive)


def test_setup_makes_the_venv_installs_offline_and_then_stays_put(bundle_tree, capsys):
    machine = FakeMachine()
    assert _main(bundle_tree, "setup", machine=machine) == 0
    assert machine.kinds() == ["venv", "pip", "pip"]
    assert all("--no-index" in c for c in machine.calls[1:])
    out = capsys.readouterr().out
    assert f"Đang cài các gói cần thiết từ thư mục {bundle_tree / 'wheels'} (không cần mạng)" in out
    assert out.endswith("Đã cài đặt xong.\n\nXong.\n")
    assert (bundle_tree / ".venv" / launch.STAMP).read_text().strip() == launch.fingerprint(bundle_tree)

    again = FakeMachine()
    assert _main(bundle_tree, "setup", machine=again) == 0
    assert again.calls == [] and "không cần cài lại" in capsys.readouterr().out

    _touch(bundle_tree / "wheels" / "click-8.5.2-py3-none-any.whl")  # a newer bundle copied over it
    newer = FakeMachine()
    assert _main(bundle_tree, "setup", machine=newer) == 0
    assert newer.kinds() == ["pip", "pip"]  # the venv is kept, the packages installed again


def test_a_command_sets_up_first_when_needed(bundle_tree):
    machine = FakeMachine()
    assert _main(bundle_tree, "template", machine=machine) == 0
    assert machine.kinds() == ["venv", "pip", "pip", "template"]
    python = launch.venv_python(bundle_tree / ".venv")
    assert machine.calls[-1] == launch.pipeline_command(python, bundle_tree, ["template"])

    later = FakeMachine()
    assert _main(bundle_tree, "demo", machine=later) == 0
    assert later.kinds() == ["demo", "appraisal-form"]  # the demo, then its appraisal workbook
    assert later.calls[-1][3:5] == ["appraisal-form", "--demo"]


def test_a_failing_step_stops_and_keeps_the_window_open(bundle_tree, capsys):
    machine = FakeMachine(fail={"install": 1})
    asked: list[str] = []
    assert _main(bundle_tree, "consolidate", machine=machine, asked=asked, interactive=True) == 1
    assert machine.kinds() == ["venv", "pip"]  # no second pip, no consolidation
    assert not (bundle_tree / ".venv" / launch.STAMP).exists()
    out = capsys.readouterr().out
    assert "Cài đặt chưa xong: pip đã báo lỗi ở trên." in out
    assert out.endswith("Chưa xong (mã lỗi 1): đọc thông báo ở trên, sửa theo hướng dẫn rồi chạy lại.\n")
    assert asked == ["Nhấn Enter để đóng cửa sổ này."]

    machine = FakeMachine(fail={"consolidate": 2})
    assert _main(bundle_tree, "consolidate", machine=machine) == 2  # the CLI's own exit code


def test_the_pause_only_where_someone_can_press_enter(bundle_tree):
    for interactive, flags, expected in ((True, [], 1), (True, ["--no-pause"], 0), (False, [], 0)):
        asked: list[str] = []
        _main(bundle_tree, "setup", *flags, machine=FakeMachine(), asked=asked, interactive=interactive)
        assert len(asked) == expected


def test_a_python_the_wheels_are_not_for_is_refused_before_anything(bundle_tree, monkeypatch, capsys):
    monkeypatch.undo()  # the real check: this test machine is not Windows 64-bit with Python 3.11
    if sys.platform == "win32" and sys.version_info[:2] == (3, 11):
        pytest.skip("this machine is what the wheels are for")
    machine = FakeMachine()
    assert _main(bundle_tree, "setup", machine=machine) == 1
    assert machine.calls == [] and "chỉ dành cho Python 3.11 bản 64-bit trên Windows" in capsys.readouterr().out


def test_an_unexpected_failure_is_one_line_and_the_window_stays(bundle_tree, capsys):
    def broken(command, cwd):
        raise OSError("ổ đĩa đầy")

    asked: list[str] = []
    assert launch.main(["setup", "--root", str(bundle_tree)], runner=broken, ask=asked.append, interactive=True) == 1
    out = capsys.readouterr().out
    assert "Trình khởi chạy gặp sự cố không mong đợi (OSError: ổ đĩa đầy)." in out and "Traceback" not in out
    assert asked


# ------------------------------------------------------------------ the .bat files


def test_each_launcher_calls_the_shared_batch_file_with_a_known_command():
    bats = sorted(WINDOWS.glob("*.bat"))
    assert [b.name for b in bats] == [
        "1-cai-dat.bat",
        "2-tao-bieu-mau.bat",
        "3-tong-hop.bat",
        "4-thu-demo.bat",
        "5-phieu-tham-dinh.bat",
        "6-bao-cao-6-thang.bat",
        "7-bao-cao-nam.bat",
    ]
    commands = []
    for bat in bats:
        text = bat.read_bytes().decode("ascii")  # any code page reads ASCII
        (line,) = [line for line in text.splitlines() if "launch.bat" in line]
        # in the bundle the launchers sit beside tools\, in the repository in windows\ below it
        found = re.fullmatch(
            r'if exist "%~dp0tools\\launch\.bat" \(call "%~dp0tools\\launch\.bat" ([a-z-]+)\) '
            r'else \(call "%~dp0\.\.\\tools\\launch\.bat" ([a-z-]+)\)',
            line,
        )
        assert found and found[1] == found[2], line
        commands.append(found[1])
    assert sorted(commands) == sorted(launch.COMMANDS)
    shared = (REPO / "tools" / "launch.bat").read_bytes().decode("ascii")
    assert 'cd /d "%~dp0.."' in shared and "%TCPL_PY% tools\\launch.py %*" in shared
    assert "py -3.11" in shared and "pause" in shared


def test_the_guide_and_the_readme_name_every_launcher():
    guide = (WINDOWS / "HUONG-DAN-CAI-DAT.txt").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for bat in WINDOWS.glob("*.bat"):
        assert bat.name in guide and bat.name in readme, bat.name
    assert "HUONG-DAN-CAI-DAT.txt" in readme


# ------------------------------------------------------------------ one real run through the script


@pytest.mark.skipif(os.name == "nt", reason="the fake venv's interpreter is a shell script")
def test_a_real_run_through_the_launcher(tmp_path):
    """An installed tree (its stamp current) whose venv interpreter hands over to this Python:
    `launch.py template` runs the real CLI in that folder and the forms appear there."""
    root = tmp_path / "van-phong"
    builders.office(root)
    python = _touch(root / ".venv" / "bin" / "python", f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    (root / ".venv" / launch.STAMP).write_text(launch.fingerprint(root) + "\n")
    done = subprocess.run(
        [sys.executable, str(REPO / "tools" / "launch.py"), "template", "--root", str(root)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Đã tạo 8 mẫu phiếu trong {root / 'outputs' / 'mau-phieu'}" in done.stdout
    assert done.stdout.endswith("\nXong.\n")
    assert len(list((root / "outputs" / "mau-phieu").glob("*.xlsx"))) == 8
