"""Use cases of `tcpl rules`: export a rule set to the office's workbook, import it back.

An imported rule set is written as TOML into the `rulesets/` folder beside config.toml (never
into the program's package), under the rule set's own id, so that `[assessment] rule_set =
"<id>"` finds the office's copy before the shipped one (`core.rules.resolve`).
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.core import rules
from pipeline.core.ruleset_toml import dumps, to_data
from pipeline.readers.ruleset_book import read_ruleset_book
from pipeline.writers.atomic import atomic_output
from pipeline.writers.ruleset_book import write_ruleset_book

OFFICE_RULESETS = "rulesets"


def export_rule_set(name_or_path: str, output: Path, base_dir: Path | None = None) -> tuple[rules.RuleSet, Path]:
    """Write the workbook of the rule set named `name_or_path` (id or .toml path) to `output`."""
    rule_set = rules.load(name_or_path, base_dir)
    return rule_set, write_ruleset_book(rule_set, Path(output))


@dataclass(frozen=True)
class Imported:
    rule_set: rules.RuleSet
    path: Path
    replaced: bool  # an office rule set of that id was there before


def import_rule_set(book: Path, base_dir: Path, output: Path | None = None) -> Imported:
    """Read the workbook at `book`, check it, and write the rule set as TOML.

    Writes `output`, or `<base_dir>/rulesets/<id>.toml` by default. Nothing is written when the
    workbook has any problem (RuleSetBookError lists them all)."""
    book = Path(book)
    rule_set = read_ruleset_book(book)
    target = Path(output) if output else Path(base_dir) / OFFICE_RULESETS / f"{rule_set.id}.toml"
    digest = hashlib.sha256(book.read_bytes()).hexdigest()
    header = (
        f"Bộ tiêu chí của văn phòng: {rule_set.name}\n"
        f"Nhập từ sổ {book.name} (sha256 {digest}) bằng tcpl rules import.\n"
        "Sửa bằng sổ Excel (tcpl rules export rồi tcpl rules import) thay vì sửa tay tệp này."
    )
    text = dumps(to_data(rule_set), header)
    # The written file must read back as the same rule set: checked before anything is replaced.
    if replace(rules.parse(tomllib.loads(text), str(target)), source_file="") != replace(rule_set, source_file=""):
        raise AssertionError("the TOML written for the rule set does not read back the same")
    replaced = target.exists()
    with atomic_output(target) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")
    return Imported(rule_set, target, replaced)
