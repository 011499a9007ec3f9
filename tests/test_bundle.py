"""`make bundle` from a fresh clone: the folder copied by USB to a Windows PC.

It downloads the Windows wheels, so it needs pip to reach a package index: where a one-wheel
probe download fails the test is skipped (CI has the index, so there it runs). About 15 s with
a warm pip cache. Only the folder's structure is checked, and that the offline set is complete
as pip resolves it with no index at all.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

from tools import launch

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow

WINDOWS_PIP = ["--platform", "win_amd64", "--python-version", "3.11", "--only-binary=:all:"]


def _index_reachable(tmp: Path) -> bool:
    probe = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", *WINDOWS_PIP, "-d", str(tmp)]
    try:
        return subprocess.run([*probe, "colorama==0.4.6"], capture_output=True, timeout=120).returncode == 0
    except subprocess.TimeoutExpired:
        return False


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("bundle")
    if not _index_reachable(work / "probe"):
        pytest.skip("pip cannot reach a package index: make bundle needs one")
    clone = work / "clone"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(clone)], check=True)
    out = work / "usb" / "tcpl-windows"
    venv = REPO / ".venv"
    if shutil.which("make"):
        # The project's venv, marked up to date (-o): make must not reinstall it from the clone.
        stamp = venv / ".installed"
        command = ["make", "-s", "-C", str(clone), "-o", str(stamp), "bundle", f"VENV={venv}", f"BUNDLE={out}"]
    else:
        command = [sys.executable, "-m", "tools.bundle", "--out", str(out)]
    done = subprocess.run(command, cwd=clone, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"bundle: {out} (" in done.stdout
    return out


def test_the_launchers_and_the_guide_are_on_top_with_windows_line_ends(bundle):
    for name in ("1-cai-dat.bat", "2-tao-bieu-mau.bat", "3-tong-hop.bat", "4-thu-demo.bat", "5-phieu-tham-dinh.bat"):
        raw = (bundle / name).read_bytes()
        assert raw.decode("ascii") and raw.count(b"\n") == raw.count(b"\r\n") > 0, name
    shared = (bundle / "tools" / "launch.bat").read_bytes()
    assert shared.count(b"\n") == shared.count(b"\r\n")
    guide = (bundle / "HUONG-DAN-CAI-DAT.txt").read_bytes()
    assert guide.startswith(b"\xef\xbb\xbf") and guide.count(b"\n") == guide.count(b"\r\n")
    text = guide.decode("utf-8-sig")
    assert text.startswith("HƯỚNG DẪN CÀI ĐẶT") and "Python 3.11 bản 64-bit" in text
    clone = bundle.parents[1] / "clone"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=clone, capture_output=True, text=True)
    assert f"(commit {commit.stdout.strip()})" in text


def test_the_project_is_there_without_what_only_developers_use(bundle):
    for present in ("config.toml", "README.md", "pyproject.toml", "pipeline/__main__.py", "tools/launch.py"):
        assert (bundle / present).is_file(), present
    for absent in (".git", ".venv", "tests", "bench", ".ci", "windows", "dist"):
        assert not (bundle / absent).exists(), absent
    assert sorted(p.name for p in (bundle / "outputs").iterdir()) == [".gitkeep"]


def test_every_runtime_package_has_its_windows_wheel_and_nothing_else(bundle):
    wheels = bundle / "wheels"
    assert launch.offline(bundle)
    found = {parse_wheel_filename(p.name)[0]: (str(parse_wheel_filename(p.name)[1]), p) for p in wheels.glob("*.whl")}
    listed = [
        line.split("==")
        for line in (wheels / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert {canonicalize_name(n): v for n, v in listed} == {n: v for n, (v, _) in found.items() if n != "tcpl"}
    (numpy,) = [p.name for p in wheels.glob("numpy-*.whl")]
    assert numpy.endswith("-cp311-cp311-win_amd64.whl")
    assert "colorama" in found  # needed on Windows only (tqdm), absent from the Linux-made lock
    assert found["tcpl"][1].name.endswith("-py3-none-any.whl")
    direct = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert {canonicalize_name(Requirement(d).name) for d in direct} <= set(found)
    assert not {"pytest", "hypothesis", "ruff", "mypy", "import-linter", "setuptools"} & set(found)


def test_the_offline_set_installs_with_no_index(bundle, tmp_path):
    """pip resolves the launcher's two installs from the folder alone, for Windows 64-bit."""
    python = bundle / ".venv" / "Scripts" / "python.exe"
    for command in launch.install_commands(bundle, python):
        assert command[:4] == [str(python), "-m", "pip", "install"] and "--no-index" in command
        report = tmp_path / "report.json"
        resolve = [sys.executable, *command[1:], "--dry-run", "--quiet", "--report", str(report)]
        resolve += [*WINDOWS_PIP, "--target", str(tmp_path / "target")]
        done = subprocess.run(resolve, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert json.loads(report.read_text(encoding="utf-8"))["install"]
