"""Fixtures for the rules-engine tests: the shipped rule set, loaded once per session."""

from __future__ import annotations

import pytest

from rules import RuleSet, load_ruleset


@pytest.fixture(scope="session")
def ruleset() -> RuleSet:
    return load_ruleset()
