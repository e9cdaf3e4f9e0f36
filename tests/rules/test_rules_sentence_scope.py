"""Exclusion contexts stay inside the sentence of the hit."""

from __future__ import annotations

from rules import load_ruleset
from rules.document import Document
from tests.rules.test_rules_loader import PACK, _write


def _families(text: str) -> set[str]:
    doc = Document(id="t", kind="product", category="普通商品", fields={"terms": text})
    return {hit.family for hit in load_ruleset().scan(doc)}


def test_allow_context_in_another_sentence_does_not_excuse_a_blanket_refusal() -> None:
    assert "clause.unfair_format" in _families("质量问题包退换，退货运费由商家承担。\n商品一经售出概不退换。")


def test_allow_context_in_the_same_sentence_still_excuses() -> None:
    assert "clause.unfair_format" not in _families("商品一经售出概不退换，质量问题除外。")


def _demo_rules(tmp_path):  # noqa: ANN001, ANN202
    rule = "    keywords: [概不退换]\n    exclude: [{pattern: 质量问题, window: 20}]"
    pack = PACK.replace("    fields: [title]", "    fields: [terms]").replace("    keywords: [最佳]", rule)
    pack = pack.replace(
        "{hit: [最佳, 最佳选择], miss: [一般, 普通]}", "{hit: [概不退换, 售出概不退换], miss: [一般, 普通]}"
    )
    return load_ruleset(_write(tmp_path, pack))


def test_a_proviso_after_a_semicolon_belongs_to_the_clause_before_it(tmp_path) -> None:  # noqa: ANN001
    """ "…；但…" brings in a proviso (但书) of the same provision: an exclusion found in it still
    excuses the hit, on the untraced and the traced scan alike; a plain semicolon ends the sentence."""
    rs = _demo_rules(tmp_path)
    cases = (("本店商品概不退换；但质量问题包退包换。", False), ("本店商品概不退换；质量问题请联系厂家。", True))
    for text, hit in cases:
        doc = Document(id="t", kind="product", fields={"terms": text})
        assert bool(rs.scan(doc)) is hit, text
        assert bool(rs.scan(doc, trace=lambda *_: None)) is hit, text


def test_the_safety_duty_proviso_keeps_a_liability_clause_lawful() -> None:
    lawful = "第三人侵害导致会员人身损害的，本馆不承担赔偿责任；但本馆未尽到安全保障义务的，应当承担相应的补充责任。"
    assert "clause.unfair_format" not in _families(lawful)
    assert "clause.unfair_format" in _families("会员在馆内受伤的，本馆不承担任何责任；但会员可自行购买意外保险。")
