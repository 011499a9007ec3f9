"""The outputs of a run change as one set: all of the new set, or nothing of it.

The office opens the outputs at fixed paths (outputs/<slug>-<year>-tong-hop.xlsx, ket-qua.csv,
the manifest, don-vi/, phan-hoi/, the recognition documents), so the set cannot be one folder
renamed in one step. Instead:

1. the whole new set is written into a fresh hidden folder beside it (`.tcpl-moi-*`, in the
   outputs folder: the same disk, so every move below is a rename, never a copy);
2. a journal (`.tcpl-doi-tep.json`, written by rename) records the switch; the old set's items
   are moved into a second hidden folder (`.tcpl-cu-*`). If one cannot be moved (Windows: a
   file open in Excel), the ones already moved go back, the new set is discarded, and the
   message names the open file: nothing of the new set has replaced anything;
3. the journal says "new"; the new items are moved into place; the journal and both hidden
   folders are removed.

A run killed at any moment leaves the journal saying how far it got, and the next run (under
the run lock, before it reads anything) finishes the switch or undoes it (`recover`): then the
complete old set or the complete new set is there, never a mix. The same step removes hidden
folders and temporary files that a killed run left. Items of the old set the new one does not
have (don-vi/ when units fit in the workbook again, a draft decision when no unit is
recognised now) are removed with the switch; the feedback of a unit that withdrew goes with
the old phan-hoi/. Anything else in the outputs folder (the appraisal workbook's folder, the
lock, logs, the office's own files) is never touched.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pipeline.core.errors import OutputInUse

JOURNAL = ".tcpl-doi-tep.json"
NEW_PREFIX, OLD_PREFIX = ".tcpl-moi-", ".tcpl-cu-"
# What writers/atomic.py names its temporary files: '.<stem>.<random>.tmp<suffix>'.
_TEMPORARY = re.compile(r"^\..+\.tmp(\.[A-Za-z0-9]+)?$")


@contextlib.contextmanager
def new_set(outputs: Path) -> Iterator[Path]:
    """A fresh hidden folder to write the new set into; removed if writing fails."""
    outputs.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=NEW_PREFIX, dir=outputs))
    try:
        yield staging
    except Exception:
        if not (outputs / JOURNAL).exists():  # a switch under way is finished or undone by recover()
            shutil.rmtree(staging, ignore_errors=True)
        raise


def switch_in(outputs: Path, staging: Path, names: list[str]) -> None:
    """Replace the items `names` of outputs/ by those in staging/ (an item missing from staging
    is removed from outputs/), as one set. Raises OutputInUse, with nothing replaced, when an
    old item cannot be moved away."""
    backup = Path(tempfile.mkdtemp(prefix=OLD_PREFIX, dir=outputs))
    _journal(outputs, "old", staging, backup, names)
    moved: list[str] = []
    for name in names:
        if not os.path.lexists(outputs / name):
            continue
        try:
            os.replace(outputs / name, backup / name)
        except OSError as exc:
            for done in reversed(moved):  # put the old set back as it was
                os.replace(backup / done, outputs / done)
            (outputs / JOURNAL).unlink(missing_ok=True)
            shutil.rmtree(staging, ignore_errors=True)
            shutil.rmtree(backup, ignore_errors=True)
            raise OutputInUse(_in_use(outputs / name)) from exc
        moved.append(name)
    _journal(outputs, "new", staging, backup, names)
    for name in names:
        if os.path.lexists(staging / name):
            os.replace(staging / name, outputs / name)
    _finish(outputs, staging, backup)


def recover(outputs: Path) -> None:
    """Finish or undo a switch a killed run left half done, then remove what it left behind:
    hidden staging and backup folders, temporary files. Call under the run lock."""
    outputs = Path(outputs)
    if not outputs.is_dir():
        return
    journal = outputs / JOURNAL
    if journal.exists():
        try:
            state = json.loads(journal.read_text(encoding="utf-8"))
            staging, backup = outputs / state["staging"], outputs / state["backup"]
            names = [str(n) for n in state["names"]]
        except (OSError, ValueError, KeyError, TypeError):
            state = None
        if state and state.get("state") == "new":  # the old set was all out: the new one goes in
            for name in names:
                if os.path.lexists(staging / name) and not os.path.lexists(outputs / name):
                    os.replace(staging / name, outputs / name)
        elif state:  # the old set was going out: it comes back
            for name in names:
                if os.path.lexists(backup / name) and not os.path.lexists(outputs / name):
                    os.replace(backup / name, outputs / name)
        journal.unlink(missing_ok=True)
    for entry in outputs.iterdir():
        if entry.name.startswith((NEW_PREFIX, OLD_PREFIX)) and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        elif _TEMPORARY.match(entry.name) and entry.is_file():
            entry.unlink(missing_ok=True)
        elif entry.name.startswith(JOURNAL) and entry.name != JOURNAL and entry.is_file():
            entry.unlink(missing_ok=True)  # a journal being written when the run died


def _journal(outputs: Path, state: str, staging: Path, backup: Path, names: list[str]) -> None:
    """The journal, replaced in one rename (a kill leaves the previous one or this one)."""
    path = outputs / JOURNAL
    tmp = outputs / f"{JOURNAL}.{os.getpid()}"
    text = json.dumps({"state": state, "staging": staging.name, "backup": backup.name, "names": names})
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        with contextlib.suppress(OSError):
            os.fsync(fh.fileno())
    os.replace(tmp, path)


def _finish(outputs: Path, staging: Path, backup: Path) -> None:
    (outputs / JOURNAL).unlink(missing_ok=True)
    shutil.rmtree(backup, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)


def _in_use(path: Path) -> str:
    kept = "các kết quả cũ vẫn còn nguyên, chưa tệp nào được thay."
    if path.is_dir():
        return f"Không thay được thư mục {path}: có tệp bên trong đang được mở. Đóng tệp đó rồi chạy lại; {kept}"
    return f"Không thay được {path}: tệp đang được mở (Excel?). Đóng tệp rồi chạy lại; {kept}"
