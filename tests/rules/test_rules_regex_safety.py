"""Catastrophic regex shapes are refused when a pack loads, so `lint`, `scan` and crawls agree."""

from __future__ import annotations

import re

import pytest

from cli import main
from rules import PackError, load_ruleset
from rules.regex_safety import UnsafeRegex, check_pattern
from tests.rules.test_rules_loader import PACK, _write

UNSAFE = [
    r"(a+)+$",  # nested quantifier: 28 characters took 29 s
    r"(a*)*b",
    r"(.*a){20}",
    r"(\w+\s?)+$",
    r"(a|a)*",
    r"(最佳|最佳)+选择",
    r"(a|b?)+c",
    r".*最佳",  # every start rescans the rest: quadratic
    r"(?s)(?=.*地址)(?=.*电话)(.*登记)",
    r"[^。]*最佳",
]
SAFE = [
    r"最佳",
    r"国家级|世界级",
    r"(地址|地点)+",
    r"(?<!非)处方药",
    r"(a++)+b",  # possessive: no backtracking
    r"(?>a+)+b",  # atomic group
    r"(?s)\A(?=.*地址)(?=.*电话)(.*登记)",  # anchored: one start position
    r"注册号\s*[:：]?\s*\d{15}",
    r"满.{0,10}减",
]


@pytest.mark.parametrize("pattern", UNSAFE)
def test_unsafe_shapes_are_refused(pattern: str) -> None:
    with pytest.raises(UnsafeRegex):
        check_pattern(pattern)


@pytest.mark.parametrize("pattern", SAFE)
def test_ordinary_shapes_pass(pattern: str) -> None:
    check_pattern(pattern)


def _pack_with(tmp_path, extra: str):  # noqa: ANN001, ANN202
    return _write(tmp_path, PACK.replace("    keywords: [最佳]", f"    keywords: [最佳]\n{extra}"))


def test_a_nested_quantifier_refuses_the_pack_with_file_line_and_rule(tmp_path) -> None:  # noqa: ANN001
    packs = _pack_with(tmp_path, "    exclude: [{pattern: '(a+)+$'}]")
    with pytest.raises(PackError) as err:
        load_ruleset(packs)
    msg = str(err.value)
    assert "demo.yaml:12" in msg and "DEMO-001" in msg and "nested quantifier" in msg


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ("    exclude: [{pattern: '(a+)+$'}]", "nested quantifier"),
        ("    exclude: [{pattern: '(x)?'}]", "matches the empty string"),
        ("    anchors: [最]\n    patterns: ['a*']", "matches the empty string"),
        ("    when: {any_of: [{fields: [title], pattern: '(a|a)*'}]}", "ambiguous alternation"),
    ],
)
def test_lint_and_scan_refuse_the_same_packs(tmp_path, capsys, extra: str, words: str) -> None:  # noqa: ANN001
    packs = _pack_with(tmp_path, extra)
    docs = tmp_path / "docs.jsonl"
    docs.write_text('{"id": "d1", "kind": "product", "fields": {"title": "最佳"}}\n', encoding="utf-8")
    assert main(["rules", "lint", "--packs", str(packs)]) == 2
    assert words in capsys.readouterr().err
    assert main(["rules", "scan", "--packs", str(packs), "--input", str(docs)]) == 2
    err = capsys.readouterr().err
    assert words in err and "demo.yaml:" in err and "DEMO-001" in err


def test_a_keyword_that_normalises_to_nothing_is_refused(tmp_path, capsys) -> None:  # noqa: ANN001
    packs = _write(tmp_path, PACK.replace("keywords: [最佳]", "keywords: [最佳, '']"))
    assert main(["rules", "scan", "--packs", str(packs), "--input", "/dev/null"]) == 2
    assert "normalises to nothing" in capsys.readouterr().err


def test_every_shipped_regex_is_safe() -> None:
    """Loading runs the check; the licence-display declaration regex was quadratic."""
    rs = load_ruleset()
    rule = rs.rule("SUBJ-LIC-003")
    declaration = [c.pattern for c in rule.when.none_of if c.pattern and "地址" in c.pattern]
    assert declaration and all(p.startswith(r"(?s)\A") for p in declaration)
    check_pattern(declaration[0])
    text = "店铺地址：义乌市。联系电话：137****0001。个人销售家庭手工业产品，依法不需要办理市场主体登记"
    assert re.search(declaration[0], text) and not re.search(declaration[0], text[:30])
