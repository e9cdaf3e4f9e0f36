"""Every rule's must-hit and must-not examples (same check as `wangjian rules test`)."""

import pytest

from rules import load_ruleset
from rules.examples import run_examples
from rules.lint import FAMILIES, lint

_RESULTS = run_examples(load_ruleset())


@pytest.mark.parametrize("result", _RESULTS, ids=[f"{r.rule_id}-{r.expect}-{i}" for i, r in enumerate(_RESULTS)])
def test_example(result):
    assert result.ok, f"{result.rule_id} {result.expect}: {result.text} -> {result.detail}"


def test_every_rule_has_two_examples_each_way(ruleset):
    for rule in ruleset.rules:
        assert len(rule.examples.hit) >= 2 and len(rule.examples.miss) >= 2, rule.id


def test_every_design_family_is_covered(ruleset):
    assert ruleset.families >= FAMILIES


def test_shipped_packs_lint_without_errors(ruleset):
    assert [p for p in lint(ruleset) if p.startswith("error")] == []
