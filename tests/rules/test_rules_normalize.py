from rules.normalize import normalise


def _original(text: str, term: str) -> str:
    n = normalise(text)
    start = n.text.index(term)
    a, b = n.span(start, start + len(term))
    return n.original[a:b]


def test_traditional_fullwidth_and_case_are_folded():
    assert normalise("全網ＮＯ．１").text == "全网no.1"


def test_noise_between_chinese_characters_is_skipped_and_offsets_point_to_original():
    assert _original("这是最 佳选择", "最佳") == "最 佳"
    assert _original("全网最*佳", "最佳") == "最*佳"
    assert _original("全网最。佳", "最佳") == "最。佳"


def test_zero_width_characters_are_removed():
    assert _original("最\u200b佳", "最佳") == "最\u200b佳"


def test_nfkc_expansion_keeps_offsets():
    n = normalise("①號最佳")
    assert n.text == "1号最佳"
    assert _original("①號最佳", "最佳") == "最佳"
    assert _original("①號最佳", "1号") == "①號"


def test_noise_next_to_latin_or_digits_is_kept():
    assert normalise("仅剩 3 件").text == "仅剩 3 件"
