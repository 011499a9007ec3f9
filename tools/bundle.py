"""`make bundle`: a folder to copy by USB to an office PC running Windows, which may have no
internet and no `make`.

    python -m tools.bundle [--out dist/tcpl-windows] [--python-installer python-3.11.x-amd64.exe]

What goes in:
- the project as committed (`git archive HEAD`; uncommitted changes are not bundled and the
  script says so), without what only developers use (tests, bench, CI, the launchers' sources);
- `wheels/`: a wheel for Windows 64-bit and Python 3.11 of every package the product needs at run
  time, and of tcpl itself, with `wheels/requirements.txt` listing exactly those versions (what
  tools/launch.py installs with `pip install --no-index`). The runtime set is the closure of
  pyproject's dependencies, each pinned as in requirements.lock, taken from the downloaded wheels'
  own metadata with their markers evaluated for Windows, so packages only Windows needs (colorama,
  for tqdm) are in it although the lock, made on Linux, does not list them; test and lint tools
  are not;
- the double-clickable launchers (`windows/*.bat`) at the top, and HUONG-DAN-CAI-DAT.txt; both with
  Windows line ends, the guide with a BOM so every Notepad reads it as UTF-8;
- `python/` with the Python installer when one is given (it cannot be downloaded from here).

Runs in the project's virtualenv (it uses `packaging`, pinned in the lock) and needs pip to reach
a package index: everything the office PC needs is fetched here, once.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name, parse_wheel_filename

from tools import launch  # the launcher's names for what it installs from

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "dist" / "tcpl-windows"
# Left out of the office's copy: only developers use them. windows/ is copied to the top instead.
DEVELOPER_ONLY = (".ci", "tests", "bench", "windows", ".gitignore")
GUIDE = "HUONG-DAN-CAI-DAT.txt"
PY_VERSION = "{}.{}".format(*launch.TARGET_PYTHON)


def windows_environment() -> dict[str, str]:
    """Marker values of CPython 3.11 on 64-bit Windows (pip evaluates markers for the machine it
    runs on, even with --platform: the reason this script resolves the closure itself)."""
    env = {key: str(value) for key, value in default_environment().items()}
    env.update(
        implementation_name="cpython",
        implementation_version=f"{PY_VERSION}.9",
        os_name="nt",
        platform_machine="AMD64",
        platform_python_implementation="CPython",
        platform_release="10",
        platform_system="Windows",
        platform_version="10.0.19045",
        python_full_version=f"{PY_VERSION}.9",
        python_version=PY_VERSION,
        sys_platform="win32",
    )
    return env


def lock_pins(lock: Path) -> dict[NormalizedName, str]:
    pins: dict[NormalizedName, str] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            pins[canonicalize_name(name)] = version.strip()
    return pins


def direct_dependencies(pyproject: Path) -> list[Requirement]:
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    return [Requirement(text) for text in data["project"]["dependencies"]]


def wheel_requirements(wheel: Path) -> list[Requirement]:
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(name).decode("utf-8"))
    return [Requirement(text) for text in metadata.get_all("Requires-Dist") or []]


def needed(requirement: Requirement, extras: set[str], env: dict[str, str]) -> bool:
    if requirement.marker is None:
        return True
    return any(requirement.marker.evaluate({**env, "extra": extra}) for extra in (extras or {""}))


def pip_download(specs: list[str], dest: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--quiet",
        "--disable-pip-version-check",
        "--no-deps",
        "--only-binary=:all:",
        "--platform",
        launch.TARGET_PLATFORM,
        "--python-version",
        PY_VERSION,
        "--dest",
        str(dest),
        *specs,
    ]
    subprocess.run(command, check=True)


def download_runtime(pyproject: Path, lock: Path, dest: Path) -> tuple[dict[NormalizedName, Path], list[str]]:
    """Every runtime package's wheel for Windows, round by round down the dependency tree.
    Returns the wheels by package and the packages the lock does not pin (taken at their newest)."""
    pins, env = lock_pins(lock), windows_environment()
    wheels: dict[NormalizedName, Path] = {}
    extras: dict[NormalizedName, set[str]] = {}
    done: dict[NormalizedName, set[str]] = {}  # the extras whose dependencies were followed
    unpinned: list[str] = []
    pending = direct_dependencies(pyproject)
    while pending:
        fetch: dict[NormalizedName, str] = {}
        for req in pending:
            name = canonicalize_name(req.name)
            extras.setdefault(name, set()).update(req.extras)
            if name in wheels or name in fetch:
                continue
            if name in pins:
                fetch[name] = f"{req.name}=={pins[name]}"
            else:
                fetch[name] = f"{req.name}{req.specifier}"
                unpinned.append(req.name)
        if fetch:
            pip_download(sorted(fetch.values()), dest)
            for path in dest.glob("*.whl"):
                wheels.setdefault(parse_wheel_filename(path.name)[0], path)
            missing = set(fetch) - set(wheels)
            if missing:
                raise SystemExit(f"bundle: pip downloaded no wheel for {sorted(missing)}")
        pending = []
        for name, path in wheels.items():
            if done.get(name) == extras.get(name, set()):
                continue
            done[name] = set(extras.get(name, set()))
            pending += [r for r in wheel_requirements(path) if needed(r, done[name], env)]
    return wheels, unpinned


def export_project(root: Path, out: Path) -> str:
    """The committed project into `out` (git archive HEAD); returns the commit."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=root, check=True, capture_output=True, text=True
    )
    archive = subprocess.run(["git", "archive", "--format=tar", "HEAD"], cwd=root, check=True, capture_output=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(out, filter="data")
    for name in DEVELOPER_ONLY:
        path = out / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=root, capture_output=True, text=True
    )
    if dirty.stdout.strip():
        print("bundle: uncommitted changes are NOT in the bundle (it holds HEAD only)", file=sys.stderr)
    return commit.stdout.strip()


def build_own_wheel(project: Path, dest: Path) -> Path:
    """tcpl's own wheel, built from a temporary copy (setuptools leaves build/ and egg-info)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(project / "pipeline", src / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy(project / "pyproject.toml", src)
        command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps"]
        subprocess.run([*command, "--no-build-isolation", "--wheel-dir", str(dest), str(src)], check=True)
    (wheel,) = dest.glob(f"{launch.PROJECT}-*.whl")
    return wheel


def windows_text(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def write_launchers(root: Path, out: Path, commit: str, version: str) -> None:
    for bat in sorted((root / "windows").glob("*.bat")):
        (out / bat.name).write_bytes(windows_text(bat.read_text(encoding="ascii")).encode("ascii"))
    launcher = out / "tools" / "launch.bat"
    launcher.write_bytes(windows_text(launcher.read_text(encoding="ascii")).encode("ascii"))
    guide = (root / "windows" / GUIDE).read_text(encoding="utf-8").rstrip("\n")
    stamp = dt.date.today().strftime("%d/%m/%Y")
    guide += (
        f"\n\n---\nBản đóng gói tcpl {version} (commit {commit}), ngày {stamp}; các gói trong wheels\\ dành cho "
        f"Python {PY_VERSION} bản 64-bit trên Windows.\n"
    )
    (out / GUIDE).write_bytes(windows_text(guide).encode("utf-8-sig"))


def bundle(out: Path, root: Path = ROOT, python_installer: Path | None = None) -> Path:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    commit = export_project(root, out)
    wheels_dir = out / launch.WHEELS
    wheels_dir.mkdir()
    wheels, unpinned = download_runtime(out / "pyproject.toml", out / "requirements.lock", wheels_dir)
    own = build_own_wheel(out, wheels_dir)
    version = parse_wheel_filename(own.name)[1]
    lines = sorted(f"{name}=={parse_wheel_filename(p.name)[1]}" for name, p in wheels.items())
    (wheels_dir / launch.WHEEL_LIST).write_text(
        f"# Runtime packages for Python {PY_VERSION} on Windows 64-bit, one wheel each in this folder"
        " (tools/bundle.py).\n# Installed by tools/launch.py: pip install --no-index --find-links wheels -r"
        " wheels/requirements.txt\n" + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    write_launchers(root, out, commit, str(version))
    if python_installer is not None:
        (out / "python").mkdir()
        shutil.copy(python_installer, out / "python" / python_installer.name)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e6
    print(f"bundle: {out} ({len(wheels) + 1} wheels, {size:.0f} MB), commit {commit}")
    if unpinned:
        print(f"bundle: not pinned in requirements.lock (Windows only), newest taken: {', '.join(sorted(unpinned))}")
    if python_installer is None:
        print("bundle: no Python installer added: put python-3.11.x-amd64.exe into python/ (see the guide)")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--python-installer", type=Path)
    options = parser.parse_args(argv)
    installer = options.python_installer
    if installer is not None and not installer.is_file():
        raise SystemExit(f"bundle: no such installer: {installer}")
    bundle(options.out.resolve(), ROOT, installer)


if __name__ == "__main__":
    main()
