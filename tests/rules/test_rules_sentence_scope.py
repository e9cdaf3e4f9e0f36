"""Exclusion contexts stay inside the sentence of the hit."""

from __future__ import annotations

from rules import load_ruleset
from rules.document import Document


def _families(text: str) -> set[str]:
    doc = Document(id="t", kind="product", category="普通商品", fields={"terms": text})
    return {hit.family for hit in load_ruleset().scan(doc)}


def test_allow_context_in_another_sentence_does_not_excuse_a_blanket_refusal() -> None:
    assert "clause.unfair_format" in _families("质量问题包退换，退货运费由商家承担。\n商品一经售出概不退换。")


def test_allow_context_in_the_same_sentence_still_excuses() -> None:
    assert "clause.unfair_format" not in _families("商品一经售出概不退换，质量问题除外。")
