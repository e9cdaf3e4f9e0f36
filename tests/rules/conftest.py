"""Fixtures for the rules-engine tests: the shipped rule set, loaded once per session."""

from __future__ import annotations

import pytest

import rules.normalise as normaliser
from rules import RuleSet, load_ruleset


@pytest.fixture(scope="session")
def ruleset() -> RuleSet:
    return load_ruleset()


@pytest.fixture(params=["compiled", "python"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with the compiled normaliser and locate stage (rules/_fastnorm.c), then
    with the Python steps alone."""
    if request.param == "python":
        monkeypatch.setattr(normaliser, "_compiled", lambda: None)
    elif normaliser._compiled() is None:
        pytest.fail("rules._fastnorm is not built: `make test` installs a C compiler and builds it")
    return request.param
