"""Shared fixtures, built on tests/builders.py: the built-in rule set and filled forms in tmp_path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import builders
import pytest

from pipeline.core import rules


@pytest.fixture(scope="session")
def rule_set() -> rules.RuleSet:
    return rules.load("qd25-2021")


@pytest.fixture
def filled(rule_set) -> dict[str, Any]:
    """Input values of a complete form, keyed by defined name (the write_form contract)."""
    return builders.filled_values(rule_set)


@pytest.fixture
def make_form(rule_set):
    """make_form(path, values=None, unit=None) -> Path of a filled form (values keyed by defined name)."""

    def make(path: Path, values: dict[str, Any] | None = None, unit=None) -> Path:
        return builders.filled_form(path, values, unit=unit, rule_set=rule_set)

    return make
