"""Every rule's must-hit and must-not examples (same check as `wangjian rules test`)."""

import json

import pytest

from rules import PackError, load_ruleset
from rules.examples import run_examples
from rules.lint import FAMILIES, lint

_RESULTS = run_examples(load_ruleset())


@pytest.mark.parametrize("result", _RESULTS, ids=[f"{r.rule_id}-{r.expect}-{i}" for i, r in enumerate(_RESULTS)])
def test_example(result):
    assert result.ok, f"{result.rule_id} {result.expect}: {result.text} -> {result.detail}"


_PACK = """\
pack: {id: examples-probe, version: 1.0.0, title: 示例}
rules:
  - id: AD-TEST-001
    title: 绝对化用语
    family: ad.absolute
    severity: S2
    class: 行为
    department: 广告
    legal_basis: [{law: 中华人民共和国广告法, article: 第九条}]
    fields: [title]
    keywords: [最佳]
    examples:
      hit: HITS
      miss: MISSES
"""


def _probe(tmp_path, hits, misses):
    text = _PACK.replace("HITS", json.dumps(hits, ensure_ascii=False)).replace(
        "MISSES", json.dumps(misses, ensure_ascii=False)
    )
    (tmp_path / "probe.yaml").write_text(text, encoding="utf-8")
    return load_ruleset(tmp_path)


def test_a_rule_with_one_example_a_way_is_refused_at_its_line(tmp_path):
    with pytest.raises(PackError) as err:
        _probe(tmp_path, ["最佳选择"], ["一般选择", "不错的选择"])
    assert (err.value.line, err.value.rule_id) == (13, "AD-TEST-001")
    assert "examples.hit" in str(err.value)


def test_examples_that_contradict_the_rule_are_reported(tmp_path):
    results = run_examples(_probe(tmp_path, ["最佳选择", "优秀的选择"], ["一般选择", "最佳拍档"]))
    failed = {(r.expect, r.text, r.detail) for r in results if not r.ok}
    assert failed == {("hit", "优秀的选择", "no hit"), ("miss", "最佳拍档", "title:最佳")}


def test_every_design_family_is_covered(ruleset):
    assert ruleset.families >= FAMILIES


def test_shipped_packs_lint_without_errors(ruleset):
    assert [p for p in lint(ruleset) if p.startswith("error")] == []
    # and every branch of every pattern has an anchor to run by
    assert [p for p in lint(ruleset) if "none of the rule's anchors" in p] == []
