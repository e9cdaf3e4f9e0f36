from rules.matcher import KeywordMatcher


def test_overlapping_occurrences_with_string_offsets() -> None:
    m = KeywordMatcher([("伪麻", "a"), ("伪麻黄碱", "b"), ("麻黄", "c"), ("麻黄", "d")])
    text = "𝐀含伪麻黄碱"  # an astral character first: offsets count characters, not bytes
    found = sorted((s, e, tuple(p)) for s, e, p in m.find(text))
    assert found == [(2, 4, ("a",)), (2, 6, ("b",)), (3, 5, ("c", "d"))]
    assert [text[s:e] for s, e, _ in found] == ["伪麻", "伪麻黄碱", "麻黄"]


def test_empty_matcher_finds_nothing() -> None:
    assert KeywordMatcher([]).find("任何文本") == []
    assert len(KeywordMatcher([("", 1)])) == 0
