"""Literal gates for condition regexes: sound (a match always contains a gate literal) and
without effect on what the engine reports."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from rules import RuleSet, load_ruleset
from rules.conditions import all_conditions
from rules.document import Document
from rules.literals import Scouted, required_literals, scouted
from rules.normalise import normalise

CORPUS = Path(__file__).parent / "corpus" / "labeled.jsonl"


def test_required_literals_of_common_constructs() -> None:
    assert required_literals("增强免疫力|缓解.{0,4}疲劳|护肝") == {"增强免疫力", "缓解", "护肝"}
    assert required_literals("(原价|市场价)\\s*[:：]?\\s*\\d+") == {"原价", "市场价"}
    assert required_literals("(?<!非)处方药|需(凭|提供)处方") == {"处方药", "需凭处方", "需提供处方"}
    assert required_literals("(药品)+经营") in ({"药品"}, {"经营"})


def test_alternations_in_a_row_give_their_product() -> None:
    """Every match holds one string of the product, longer than any word of the parts
    (日期 alone is on nearly every listing, 活动日期 is not)."""
    assert required_literals("(限时|活动)(时间|日期)[:：]?\\d|起止时间") == {
        "限时时间",
        "限时日期",
        "活动时间",
        "活动日期",
        "起止时间",
    }
    assert required_literals("第[一1](?![0-9])") == {"第一", "第1"}
    # past MAX_EXACT strings, the parts count on their own (the fewer words win)
    many = "|".join(f"{chr(0x4E00 + i)}{chr(0x4E80 + i)}" for i in range(40))
    assert required_literals(f"({many})(时间|日期)") == {"时间", "日期"}


def test_no_literal_set_when_a_match_can_avoid_every_literal() -> None:
    assert required_literals("\\d") is None
    assert required_literals("处方药|[0-9a-y]{18}") is None  # one branch has no literal
    assert required_literals("(?:处方药)?\\d+") is None  # optional part
    assert required_literals("(?i)otc|处方药") is None  # case-insensitive
    assert required_literals("a|处方药") is None  # too short to be worth a gate


def _texts(rs: RuleSet) -> list[str]:
    texts = [
        t
        for line in CORPUS.read_text(encoding="utf-8").splitlines()
        if line.strip()
        for t in json.loads(line)["doc"].get("fields", {}).values()
    ]
    for rule in rs.rules:
        for ex in rule.examples.hit + rule.examples.miss:
            if isinstance(ex, str):
                texts.append(ex)
            elif ex.text is not None:
                texts.append(ex.text)
    rng = random.Random(7)
    texts += ["".join(rng.sample(texts, 3)) for _ in range(300)]
    return [normalise(t).text for t in texts if t]


def test_every_regex_match_contains_a_gate_literal(ruleset: RuleSet) -> None:
    rs = ruleset
    patterns = {cc.spec.pattern for c in rs._compiled for cc in all_conditions(c.when) if cc.spec.pattern}
    patterns |= {p for r in rs.rules for p in r.patterns} | {e.pattern for r in rs.rules for e in r.exclude}
    texts = _texts(rs)
    checked = 0
    for pattern in patterns:
        literals = required_literals(pattern)
        if literals is None:
            continue
        regex = re.compile(pattern)
        for text in texts:
            if regex.search(text):
                checked += 1
                assert any(lit in text for lit in literals), (pattern, text)
    assert checked > 100


def test_gates_do_not_change_hits(ruleset: RuleSet) -> None:
    gated, ungated = ruleset, load_ruleset()
    for c in ungated._compiled:
        for cc in all_conditions(c.when):
            cc.gate = None
    docs = [
        Document.model_validate(json.loads(line)["doc"])
        for line in CORPUS.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    assert any(cc.gate is not None for c in gated._compiled for cc in all_conditions(c.when))
    for doc in docs:
        assert gated.scan(doc) == ungated.scan(doc), doc.id


def test_scouted_only_where_re_has_no_fast_start() -> None:
    """A pattern opening with a lookbehind, or with groups re cannot start from, is searched
    by its start literals; one re starts fast, or whose start is not a known literal, is not."""
    lookbehind = scouted("(?:(?<=全网)|(?<=全国))最[一-鿿]")
    assert isinstance(lookbehind, Scouted) and lookbehind.scout == "最"
    branches = scouted("(?<!非)处方药|(?<![a-z])(rx|otc)")
    assert isinstance(branches, Scouted) and branches.scout == "otc|处方药|rx"
    # no start literals: the characters a match can begin with
    counts = scouted("([0-9]+|[一二]+)(个)?(天|日)")
    assert isinstance(counts, Scouted) and counts.scout == "[0123456789一二]"
    assert isinstance(digits := scouted("(?<!非)\\d+药"), Scouted) and digits.scout == "[\\d]"
    for plain in (
        "(到期|期满)后",
        "处方药",
        "(?<!a)(b|)c",
        "(?s)\\A(?=.*药)处",
        "(?<!a)(?i:b)c",
        "(?<!a)[^x]b",
        "(?<!a)\\w+",
    ):
        assert not isinstance(scouted(plain), Scouted), plain


def test_scouted_search_finds_what_re_finds(ruleset: RuleSet) -> None:
    """Every scouted regex of the packs gives the matches of its plain compiled pattern, whole
    texts and windows alike (lookbehinds see the text before a window's start)."""
    rs = ruleset
    patterns = {cc.spec.pattern for c in rs._compiled for cc in all_conditions(c.when) if cc.spec.pattern}
    patterns |= {p for r in rs.rules for p in r.patterns} | {e.pattern for r in rs.rules for e in r.exclude}
    texts = _texts(rs) + ["全网最低价，全国最大", "rx处方药", "不是非处方药而是处方药", "otc otc"]
    found = 0
    for pattern in patterns:
        fast = scouted(pattern)
        if not isinstance(fast, Scouted):
            continue
        regex = re.compile(pattern)
        for text in texts:
            spans = [m.span() for m in regex.finditer(text)]
            assert [m.span() for m in fast.finditer(text)] == spans, (pattern, text)
            found += len(spans)
            for lo in range(0, len(text), 7):
                hi = min(len(text), lo + 20)
                expected = regex.search(text, lo, hi)
                got = fast.search(text, lo, hi)
                assert (got and got.span()) == (expected and expected.span()), (pattern, text, lo, hi)
    assert found > 20
