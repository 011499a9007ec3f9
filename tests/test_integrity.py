"""Nothing lost, nothing touched, nothing let in: full `consolidate` runs on real files.

- inputs are never modified (bytes, size, mtime, the listing itself);
- an output is replaced in one step or not at all (a writer failing midway, the workbook open
  in Excel), and no temporary file is left behind;
- one run at a time per outputs folder (a live lock is respected, a dead run's lock taken over);
- the same inputs and config give byte-identical outputs in any outputs folder;
- no network, whatever the environment says about analytics;
- text from inputs that looks like a formula stays text in every output.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import builders
import corpus
import openpyxl
import pytest
from builders import form

from pipeline.app import run
from pipeline.core.errors import OutputInUse, RunLocked
from pipeline.core.results_csv import FORMULA_START
from pipeline.infra import lock

ROOT = Path(__file__).resolve().parents[1]
MAIN_OUTPUTS = {"bim-son-2023-tong-hop.xlsx", "ket-qua.csv", "bim-son-2023-manifest.json"}
INJECTIONS = [
    '=HYPERLINK("http://x","y")',
    "+84 912 345 678",
    "-1+2 vụ",
    "@SUM(A1:A9)",
    "\t=1+1",
    "=2+2",
    '=cmd|" /C calc"!A0',
]


def fill_inputs(inputs: Path) -> None:
    """Good forms, a duplicate, broken and hostile files, and Office lock files."""
    good = form(inputs / "bac-son.xlsx", "14809", "Bắc Sơn")
    form(inputs / "xa" / "ba-dinh.xlsx", "14812", "Ba Đình")
    form(inputs / "lam-son.xlsx", "14815", "Lam Sơn")
    corpus.copy(good, inputs / "gui-lai" / "bac-son.xlsx")
    corpus.truncated(inputs / "cut.xlsx", good)
    corpus.encrypted(inputs / "mat-khau.xlsx")
    corpus.billion_laughs(inputs / "thuc-the.xlsx", good)
    corpus.not_a_spreadsheet(inputs / "bao-cao.xlsx")
    (inputs / "ghi-chu.docx").write_bytes(b"PK\x03\x04 not really")
    (inputs / "~$bac-son.xlsx").write_bytes(b"\0" * 165)


def snapshot(folder: Path) -> dict[str, tuple]:
    out = {}
    for path in sorted(folder.rglob("*")):
        st = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
        out[path.relative_to(folder).as_posix()] = (digest, st.st_size, st.st_mtime_ns, st.st_mode)
    return out


def outputs_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def config(tmp_path):
    config = builders.make_config(tmp_path)
    fill_inputs(config.inputs)
    return config


# ----------------------------------------------------------------------------- nothing touched


def test_inputs_are_never_touched(config):
    before = snapshot(config.inputs)
    out = run.consolidate(config)
    assert snapshot(config.inputs) == before
    assert out.workbook.parent == config.outputs  # and nothing was written next to the inputs


# ----------------------------------------------------------------------------- atomic outputs


def test_writer_failing_midway_keeps_the_previous_outputs(config, monkeypatch):
    from pipeline.writers import workbook as report

    run.consolidate(config)
    before = outputs_of(config.outputs)
    assert MAIN_OUTPUTS <= set(before)

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report, "write_register", boom)  # the workbook's last sheet
    form(config.inputs / "ngoc-trao.xlsx", "14818", "Ngọc Trạo")  # so the new outputs would differ
    with pytest.raises(run.OutputsNotWritable, match="Đĩa đầy"):  # one line for the office, exit 1
        run.consolidate(config)
    assert outputs_of(config.outputs) == before  # byte for byte; no temp file, no lock left


def test_output_open_in_excel_is_a_clear_error(config, monkeypatch):
    """Windows refuses to move a file open in Excel: nothing of the new set replaces anything,
    and the message names the open file."""
    from pipeline.writers import output_set

    run.consolidate(config)
    before = outputs_of(config.outputs)
    real_replace = os.replace
    open_one = config.outputs / "ket-qua.csv"

    class Windows:
        def __getattr__(self, name):
            return getattr(os, name)

        @staticmethod
        def replace(src, dst):
            if Path(src) == open_one:
                raise PermissionError(13, "The process cannot access the file", str(src))
            real_replace(src, dst)

    monkeypatch.setattr(output_set, "os", Windows())
    form(config.inputs / "ngoc-trao.xlsx", "14818", "Ngọc Trạo")  # so the new outputs would differ
    with pytest.raises(OutputInUse) as caught:
        run.consolidate(config)
    assert isinstance(caught.value, RunLocked)  # the CLI shows it as one line, exit 1
    assert str(caught.value).startswith(f"Không thay được {open_one}: tệp đang được mở (Excel?).")
    assert outputs_of(config.outputs) == before  # byte for byte: no hidden folder, no journal


# ----------------------------------------------------------------------------- one run at a time

HOLD = """
import sys
from pathlib import Path
from pipeline.infra.lock import run_lock
with run_lock(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.read()
"""


def test_second_run_is_refused_while_one_is_running(config):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(config.outputs)],
        cwd=ROOT,
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(RunLocked) as caught:
            run.consolidate(config)
        assert str(caught.value) == (
            f"Một lần tổng hợp khác (tiến trình {holder.pid}) đang ghi vào "
            f"{config.outputs}. Chờ lần đó xong rồi chạy lại. Nếu chắc chắn không còn lần nào đang chạy "
            f"(chẳng hạn máy vừa khởi động lại), xóa tệp {config.outputs / lock.LOCK_NAME} rồi chạy lại."
        )
        cli = subprocess.run(
            [
                sys.executable,
                "-m",
                "pipeline",
                "consolidate",
                "--config",
                str(config.source_file),
                "--inputs",
                str(config.inputs),
                "--outputs",
                str(config.outputs),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert cli.returncode == 1
        assert cli.stderr.strip().splitlines()[-1].startswith("Lỗi: Một lần tổng hợp khác (tiến trình")
        assert sorted(p.name for p in config.outputs.iterdir()) == [lock.LOCK_NAME]  # nothing written
    finally:
        holder.communicate("", timeout=30)
    assert not (config.outputs / lock.LOCK_NAME).exists()
    assert run.consolidate(config).workbook.exists()  # once it is done, the next run goes


def test_lock_left_by_a_dead_run_is_taken_over(config):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    config.outputs.mkdir()
    (config.outputs / lock.LOCK_NAME).write_text(str(dead.pid), encoding="ascii")
    assert run.consolidate(config).workbook.exists()
    assert not (config.outputs / lock.LOCK_NAME).exists()


def test_lock_with_our_own_pid_is_a_reused_pid(tmp_path):
    (tmp_path / lock.LOCK_NAME).write_text(str(os.getpid()), encoding="ascii")
    with lock.run_lock(tmp_path) as path:
        assert path.read_text().split()[0] == str(os.getpid())


def test_another_run_in_the_same_process_is_refused(tmp_path):
    errors = []
    with lock.run_lock(tmp_path):
        worker = threading.Thread(target=lambda: _try_lock(tmp_path, errors))
        worker.start()
        worker.join()
    assert [type(e) for e in errors] == [RunLocked]
    with lock.run_lock(tmp_path):  # released: free again
        pass


def _try_lock(folder, errors):
    try:
        with lock.run_lock(folder):
            pass
    except RunLocked as exc:
        errors.append(exc)


def test_a_lock_being_created_is_respected(tmp_path):
    (tmp_path / lock.LOCK_NAME).write_text("", encoding="ascii")  # created, pid not written yet
    with pytest.raises(RunLocked):
        with lock.run_lock(tmp_path):
            pass
    old = tmp_path / lock.LOCK_NAME
    os.utime(old, (1_000_000_000, 1_000_000_000))  # an empty lock from long ago: a dead run's
    with lock.run_lock(tmp_path):
        pass


def test_liveness_on_windows_never_sends_a_signal(monkeypatch):
    """os.kill(pid, 0) on Windows sends CTRL_C_EVENT or kills the process."""
    monkeypatch.setattr(lock.os, "name", "nt")
    monkeypatch.setattr(lock.os, "kill", lambda *a: pytest.fail("os.kill called"))
    monkeypatch.setattr(lock, "_alive_windows", lambda pid: pid == 4242)
    assert lock._alive(4242) and not lock._alive(4243)


# ----------------------------------------------------------------------------- reproducible


def test_same_inputs_same_outputs_in_any_folder(config):
    a = run.consolidate(config.with_paths(outputs=config.outputs / "a"))
    b = run.consolidate(config.with_paths(outputs=config.outputs.parent / "khac" / "b"))
    first, second = outputs_of(a.workbook.parent), outputs_of(b.workbook.parent)
    assert MAIN_OUTPUTS <= set(first) and set(first) == set(second)
    for name in first:
        assert first[name] == second[name], name
    manifest = first["bim-son-2023-manifest.json"].decode()
    assert str(config.base_dir) not in manifest and str(config.outputs) not in manifest  # no absolute paths
    assert '"path": "config.toml"' in manifest and '"file": "pipeline/rulesets/qd25-2021.toml"' in manifest


# ----------------------------------------------------------------------------- offline and private

OFFLINE = """
import os, socket, sys
attempts = []
def refuse(*args, **kwargs):
    attempts.append(repr(args)[:80])
    raise OSError("network disabled in this test")
socket.socket.connect = socket.socket.connect_ex = refuse
socket.create_connection = socket.getaddrinfo = refuse
from pathlib import Path
from pipeline.core import config as config_mod
from pipeline.app import run
config = config_mod.load(Path(sys.argv[1])).with_paths(Path(sys.argv[2]), Path(sys.argv[3]))
out = run.consolidate(config)
print(out.result.counts["usable"], os.environ["GX_ANALYTICS_ENABLED"], attempts, out.workbook.exists())
"""


def test_whole_run_works_with_the_network_disabled_and_analytics_asked_for(config, tmp_path):
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "true"}
    out = subprocess.run(
        [sys.executable, "-c", OFFLINE, str(config.source_file), str(config.inputs), str(tmp_path / "out")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "3 false [] True"


# ----------------------------------------------------------------------------- no injection


def test_formula_like_text_from_inputs_stays_text_everywhere(tmp_path):
    config = builders.make_config(tmp_path)
    link, phone, figures, evidence, note, points, name = INJECTIONS
    form(
        config.inputs / "=cmd.xlsx",
        "14809",
        name,
        nguoi_phu_trach=link,
        dien_thoai=phone,
        so_lieu_1_1=figures,
        tai_lieu_1_1=evidence,
        ghi_chu_1_1=note,
        diem_2_2=points,
    )
    form(config.inputs / "@ba-dinh.xlsx", "14812", "Ba Đình", nam_danh_gia=2022)  # rejected
    corpus.not_a_spreadsheet(config.inputs / "-ghi-chu.xlsx")
    out = run.consolidate(config)

    with zipfile.ZipFile(out.workbook) as zf:
        for part in zf.namelist():
            text = zf.read(part).decode("utf-8", "replace")
            if part.startswith("xl/worksheets/") and part.endswith(".xml"):
                assert not re.search(r"<f[ >]", text), part  # not one formula cell
            if part.startswith("xl/worksheets/_rels/"):
                assert "External" not in text, part  # no link out of the workbook
    wb = openpyxl.load_workbook(out.workbook)
    texts = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.add(cell.value)
    everything = "\n".join(texts)
    for value in (link, figures, evidence, points, name, "=cmd.xlsx", "@ba-dinh.xlsx", "-ghi-chu.xlsx"):
        assert value in everything, value  # shown, as text
    assert "=1+1" in everything and phone in everything

    raw = out.csv.read_bytes()
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))
    for row in rows:
        for cell in row:
            if not re.fullmatch(r"-?\d+(\.\d+)?", cell):  # numbers (days late: -5) are numbers
                assert not cell.startswith(FORMULA_START) or cell.startswith("'"), cell
