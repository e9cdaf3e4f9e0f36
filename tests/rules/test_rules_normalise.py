from rules.normalise import normalise


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


def test_lookalike_characters_fold_to_the_one_the_rules_spell_and_quote_the_original():
    assert normalise("袪斑美白 秒杀劵后￥114").text == "祛斑美白秒杀券后¥114"
    assert _original("秒杀劵后￥114", "秒杀券") == "秒杀劵"


def test_noise_next_to_latin_or_digits_is_kept():
    assert normalise("仅剩 3 件").text == "仅剩 3 件"


def test_toned_pinyin_annotations_are_noise_and_offsets_quote_them():
    assert normalise("國(guó)家(jiā)級(jí)產品").text == "国家级产品"
    assert _original("全网最(zuì)佳(jiā)选择", "最佳") == "最(zuì)佳"
    assert _original("銷(xiao1)量(liang4)第一", "销量第一") == "銷(xiao1)量(liang4)第一"


def test_brackets_that_are_not_toned_pinyin_stay():
    assert normalise("纯棉T恤(XL)").text == "纯棉t恤(xl)"
    assert normalise("布洛芬缓释胶囊(OTC)").text == "布洛芬缓释胶囊(otc)"
    assert normalise("规格(2盒)").text == "规格(2盒)"
    assert normalise("品牌(Zhōngguó)").text == "品牌(zhōngguó)"  # two syllables: not one reading


def test_pinyin_noise_hides_no_term_from_the_rules():
    from rules import load_ruleset
    from rules.document import Document

    hits = load_ruleset().scan(Document(id="p", fields={"title": "國(guó)家(jiā)級(jí)認證 全網最(zuì)佳"}))
    assert {(h.rule_id, h.term) for h in hits} >= {("AD-ABS-002", "國(guó)家(jiā)級"), ("AD-ABS-001", "最(zuì)佳")}
