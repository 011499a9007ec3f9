"""The README documents every problem code exactly as the catalogue defines it."""

from pathlib import Path

from pipeline.app.docs import with_table
from pipeline.core.problems import CATALOGUE

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_lists_every_problem_code():
    text = README.read_text(encoding="utf-8")
    assert text == with_table(text), "README's problem codes are stale: run  python -m pipeline.app.docs README.md"
    for code in CATALOGUE:
        assert f"`{code}`" in text
