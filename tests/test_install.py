"""A plain `pip install .` (a wheel, not the editable install `make` uses) works from any folder.

The wheel is built from this checkout and installed with --no-deps into a fresh virtualenv
whose only other path is the project venv's site-packages (for the pinned dependencies,
added as a plain path, so the editable install's import hook there never runs). `tcpl demo`
and `tcpl consolidate` then run from an office folder outside the repository: the rule set
and the great-expectations suites can only come from the installed package's data. About
20 s, most of it the two runs; installing the dependencies from the index instead would add
a minute and the network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    # Built from a copy, so setuptools' build/ and egg-info folders stay out of the checkout.
    src, out = tmp_path_factory.mktemp("src"), tmp_path_factory.mktemp("wheel")
    shutil.copytree(REPO / "pipeline", src / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", src)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--disable-pip-version-check",
            "--wheel-dir",
            str(out),
            str(src),
        ],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("tcpl-*.whl")
    return found


def test_the_wheel_holds_every_module_and_the_package_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    source = {p.relative_to(REPO).as_posix() for p in (REPO / "pipeline").rglob("*.py") if "__pycache__" not in p.parts}
    assert source - names == set()  # every subpackage: readers, writers (and writers/xlsx), ...
    data = {
        "pipeline/rulesets/qd25-2021.toml",
        "pipeline/expectations/cover.json",
        "pipeline/expectations/indicators.json",
    }
    assert data <= names
    for shipped in sorted(data):
        assert zipfile.ZipFile(wheel).read(shipped) == (REPO / shipped).read_bytes()
    assert not any(n.startswith(("bench/", "tests/", "expectations/")) for n in names)


def test_installed_tcpl_runs_demo_and_consolidate_from_another_folder(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    purelib = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # The pinned dependencies, as a plain path: .pth files of that folder (the editable hook) are not run.
    (purelib / "project-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--disable-pip-version-check",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )

    office = tmp_path / "phong-tu-phap"
    office.mkdir()
    (office / "config.toml").write_text((REPO / "config.toml").read_text(encoding="utf-8"), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    where = subprocess.run(
        [python, "-I", "-c", "import pipeline; print(pipeline.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        cwd=office,
        env=env,
    ).stdout
    assert Path(where.strip()).is_relative_to(env_dir), where  # the installed copy, not the checkout

    tcpl = env_dir / ("Scripts/tcpl.exe" if os.name == "nt" else "bin/tcpl")
    demo = subprocess.run([tcpl, "demo"], capture_output=True, text=True, cwd=office, env=env)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert (office / "outputs" / "demo" / "bim-son-2023-tong-hop.xlsx").exists()
    assert "3 Đạt" in demo.stdout

    run = subprocess.run(
        [tcpl, "consolidate", "--inputs", "demo/inputs", "--today", "2024-01-15"],
        capture_output=True,
        text=True,
        cwd=office,
        env=env,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Sổ tổng hợp:" in run.stdout and "3 Đạt" in run.stdout
    # The same results as the demo's own consolidation of the same files.
    assert (office / "outputs" / "ket-qua.csv").read_bytes() == (
        office / "outputs" / "demo" / "ket-qua.csv"
    ).read_bytes()
