"""The launchers' one script: what `windows/*.bat` (and `tools/launch.bat`) run on the office PC.

    python tools/launch.py setup|template|consolidate|demo|appraisal-form|reports-half-year|reports-year [--no-pause]

Standard library only, any Python 3.11+, Windows or not: it finds the project's virtualenv in
either layout (`.venv/Scripts/python.exe` on Windows, `.venv/bin/python` elsewhere), creates it
with the Python that runs this script, installs the pinned packages — from the `wheels/` folder
of a bundle (`make bundle`), offline, when there is one, else from the package index as `make`
does — then runs `python -m pipeline <command> --config config.toml` from the project folder,
and waits for Enter at the end so that a double-clicked window does not vanish with its message.
Everything the office reads is Vietnamese; the commands themselves say where their files are.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import struct
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ".venv"
WHEELS = "wheels"  # a bundle's wheels, with the list of exactly what to install from them
WHEEL_LIST = "requirements.txt"
STAMP = ".launch-installed"  # in the venv: the fingerprint of what was installed
CONFIG = "config.toml"
PROJECT = "tcpl"
# The Python a bundle's wheels are built for (tools/bundle.py downloads for this one).
TARGET_PYTHON = (3, 11)
TARGET_PLATFORM = "win_amd64"

# launcher command -> the pipeline commands it runs, in order.
COMMANDS: dict[str, list[list[str]]] = {
    "setup": [],
    "template": [["template"]],
    "consolidate": [["consolidate"]],
    "demo": [["demo"], ["appraisal-form", "--demo"]],  # the demo, and its appraisal workbook to try
    "appraisal-form": [["appraisal-form"]],
    "reports-half-year": [["reports", "--period", "6-thang"]],  # the communes' periodic reports
    "reports-year": [["reports", "--period", "nam"]],
}

Runner = Callable[[Sequence[str], Path], int]


def run_process(command: Sequence[str], cwd: Path) -> int:
    return subprocess.call(list(command), cwd=cwd)


def say(text: str = "") -> None:
    print(text, flush=True)


# ------------------------------------------------------------------ where things are


def venv_python(venv: Path, windows: bool | None = None) -> Path:
    """The venv's interpreter: the layout that exists, else the layout of this platform."""
    scripts, bin_ = venv / "Scripts" / "python.exe", venv / "bin" / "python"
    for candidate in (scripts, bin_):
        if candidate.exists():
            return candidate
    if windows is None:
        windows = os.name == "nt"
    return scripts if windows else bin_


def offline(root: Path) -> bool:
    """A bundle: its wheels and their list are beside the project."""
    return (root / WHEELS / WHEEL_LIST).is_file()


def fingerprint(root: Path) -> str:
    """What an install depends on: the lists of pins, the project's metadata, the wheels there are."""
    digest = hashlib.sha256()
    for name in ("requirements.lock", "pyproject.toml", f"{WHEELS}/{WHEEL_LIST}"):
        path = root / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"-") + b"\0")
    wheels = root / WHEELS
    if wheels.is_dir():
        digest.update("\n".join(sorted(p.name for p in wheels.glob("*.whl"))).encode())
    return digest.hexdigest()


def installed(root: Path) -> bool:
    stamp = root / VENV / STAMP
    return venv_python(root / VENV).exists() and stamp.is_file() and stamp.read_text().strip() == fingerprint(root)


# ------------------------------------------------------------------ the command lines


def venv_command(base_python: str, root: Path) -> list[str]:
    return [base_python, "-m", "venv", str(root / VENV)]


def install_commands(root: Path, python: Path) -> list[list[str]]:
    """pip's command lines: from the bundle's wheels with no index at all, else as `make` does."""
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check"]
    if offline(root):
        wheels = str(root / WHEELS)
        return [
            [*pip, "--no-index", "--find-links", wheels, "-r", str(root / WHEELS / WHEEL_LIST)],
            [*pip, "--no-index", "--find-links", wheels, "--no-deps", PROJECT],
        ]
    return [
        [*pip, "-r", str(root / "requirements.lock")],
        [*pip, "--no-deps", "--no-build-isolation", "-e", str(root)],
    ]


def pipeline_command(python: Path, root: Path, args: Sequence[str]) -> list[str]:
    return [str(python), "-m", "pipeline", *args, "--config", str(root / CONFIG)]


def python_problem(version: Sequence[int], bits: int, is_offline: bool, platform: str) -> str | None:
    """Why this Python cannot install the project, in the office's words; None when it can."""
    found = f"Python {version[0]}.{version[1]} ({bits}-bit)"
    target = f"Python {TARGET_PYTHON[0]}.{TARGET_PYTHON[1]}"
    if tuple(version[:2]) < TARGET_PYTHON:
        return f"Máy đang dùng {found}; chương trình cần {target} trở lên. Cài {target} bản 64-bit theo HUONG-DAN-CAI-DAT.txt."
    if is_offline and (tuple(version[:2]) != TARGET_PYTHON or bits != 64 or platform != "win32"):
        return (
            f"Các gói trong thư mục {WHEELS} chỉ dành cho {target} bản 64-bit trên Windows; máy đang dùng {found}. "
            f"Cài {target} bản 64-bit theo HUONG-DAN-CAI-DAT.txt rồi chạy lại 1-cai-dat.bat."
        )
    return None


# ------------------------------------------------------------------ doing it


def setup(root: Path, runner: Runner, base_python: str = sys.executable) -> int:
    venv = root / VENV
    python = venv_python(venv)
    if installed(root):
        say("Chương trình đã được cài đặt, không cần cài lại.")
        return 0
    problem = python_problem(tuple(sys.version_info[:3]), struct.calcsize("P") * 8, offline(root), sys.platform)
    if problem:
        say(problem)
        return 1
    if not python.exists():
        say(f"Đang tạo môi trường Python riêng cho chương trình trong {venv} ...")
        if runner(venv_command(base_python, root), root) != 0 or not venv_python(venv).exists():
            say(f"Không tạo được môi trường Python trong {venv}. Xóa thư mục đó rồi chạy lại 1-cai-dat.bat.")
            return 1
        python = venv_python(venv)
    where = f"thư mục {root / WHEELS} (không cần mạng)" if offline(root) else "mạng Internet"
    say(f"Đang cài các gói cần thiết từ {where}, mất vài phút ...")
    for command in install_commands(root, python):
        if runner(command, root) != 0:
            say("Cài đặt chưa xong: pip đã báo lỗi ở trên. Chụp màn hình gửi người hỗ trợ, rồi chạy lại 1-cai-dat.bat.")
            return 1
    (venv / STAMP).write_text(fingerprint(root) + "\n")
    say("Đã cài đặt xong.")
    return 0


def launch(command: str, root: Path = ROOT, runner: Runner = run_process, base_python: str = sys.executable) -> int:
    """Set up when needed, then run the command's pipeline steps; the first failure's exit code."""
    if command == "setup" or not installed(root):
        code = setup(root, runner, base_python)
        if code != 0 or command == "setup":
            return code
    python = venv_python(root / VENV)
    for args in COMMANDS[command]:
        say()
        code = runner(pipeline_command(python, root, args), root)
        if code != 0:
            return code
    return 0


def closing_words(code: int) -> str:
    if code == 0:
        return "Xong."
    return f"Chưa xong (mã lỗi {code}): đọc thông báo ở trên, sửa theo hướng dẫn rồi chạy lại."


def main(
    argv: Sequence[str] | None = None,
    *,
    runner: Runner = run_process,
    ask: Callable[[str], object] = input,
    interactive: bool | None = None,
) -> int:
    parser = argparse.ArgumentParser(prog="launch.py", description="Chạy tcpl trên máy văn phòng.")
    parser.add_argument("command", choices=sorted(COMMANDS))
    parser.add_argument("--root", type=Path, default=ROOT, help="thư mục dự án (mặc định: thư mục chứa tools/)")
    parser.add_argument("--no-pause", action="store_true", help="không chờ nhấn Enter ở cuối")
    options = parser.parse_args(argv)
    try:
        code = launch(options.command, options.root.resolve(), runner)
    except KeyboardInterrupt:
        code = 130
        say("Đã dừng.")
    except Exception as exc:  # noqa: BLE001 - the window must stay open with a readable line
        code = 1
        say(f"Trình khởi chạy gặp sự cố không mong đợi ({type(exc).__name__}: {exc}).")
    say()
    say(closing_words(code))
    if interactive is None:
        interactive = sys.stdin is not None and sys.stdin.isatty()
    if interactive and not options.no_pause:
        try:
            ask("Nhấn Enter để đóng cửa sổ này.")
        except (EOFError, KeyboardInterrupt):
            pass
    return code


if __name__ == "__main__":
    sys.exit(main())
