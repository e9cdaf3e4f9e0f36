"""Sample texts of a regex (rules/witness.py) and the lint check built on them: a branch of a
pattern that can match where none of the rule's anchors occurs is reported with such a text."""

from __future__ import annotations

import re

from rules import load_ruleset
from rules.lint import lint
from rules.witness import samples
from tests.rules.test_rules_loader import PACK, _write


def test_samples_are_texts_the_regex_matches_and_reach_every_branch() -> None:
    pattern = r"(甲|乙)(丙|丁)\d{1,2}[^。；]?号"
    texts = samples(pattern)
    assert texts and all(re.search(pattern, t) for t in texts)
    assert {t[:2] for t in texts} == {"甲丙", "甲丁", "乙丙", "乙丁"}


def test_a_lookbehind_text_is_written_where_it_stands() -> None:
    texts = samples(r"(?<=全网|全国)最低")
    assert set(texts) == {"全网最低", "全国最低"}


def test_what_the_walk_cannot_write_gives_no_samples() -> None:
    assert samples(r"(a)\1") == []  # a back reference
    assert samples("(未闭合") == []  # not a regex


def _pack(tmp_path, anchors: str, pattern: str):  # noqa: ANN001, ANN202
    rule = f"    anchors: [{anchors}]\n    patterns: ['{pattern}']"
    pack = PACK.replace("    keywords: [最佳]", rule).replace("{hit: [最佳, 最佳选择]", "{hit: [仅剩3件, 剩余2件]")
    return load_ruleset(_write(tmp_path, pack))


def test_lint_names_the_branch_no_anchor_covers_with_a_text_it_matches(tmp_path) -> None:  # noqa: ANN001
    problems = [p for p in lint(_pack(tmp_path, "仅剩, 剩余", r"(仅剩|剩余|仅余)\d+件")) if "anchors" in p]
    assert len(problems) == 1 and "DEMO-001: pattern 1 matches '仅余" in problems[0]
    assert problems[0].startswith("warning")


def test_lint_is_quiet_when_every_branch_has_an_anchor_or_long_literals(tmp_path) -> None:  # noqa: ANN001
    assert not [p for p in lint(_pack(tmp_path, "仅剩, 剩余, 仅余", r"(仅剩|剩余|仅余)\d+件")) if "anchors" in p]
    # literals of three characters gate the pattern, and a gate counts as an anchor
    (tmp_path / "demo.yaml").unlink()
    assert not [p for p in lint(_pack(tmp_path, "仅剩", r"(仅剩|只剩下|仅余下)\d+件")) if "anchors" in p]
