from __future__ import annotations

from fixtures import platforms, uscc
from fixtures.world import build_world

PLATFORMS = tuple(platforms.load())

FAMILIES_BY_PLATFORM = {
    "jd": {
        "ad.absolute",
        "ad.medical_claim",
        "ad.drug",
        "cosmetic.claim",
        "licence.missing",
        "licence.invalid",
        "licence.qualification",
        "clause.unfair_format",
        "consumer.no_return",
        "marketing.fake",
        "price.fake_original",
    },
    "selfshop": {"clause.default_opt_in", "clause.auto_renew", "clause.unfair_format", "licence.missing"},
    "pharmacy": {"drug.banned_online", "drug.prescription", "ad.drug", "licence.qualification"},
    "taobao": {"licence.missing", "licence.invalid", "ad.absolute"},
    "douyin": {"marketing.fake", "price.fake_original", "cosmetic.claim"},
}


def test_same_seed_same_world_other_seed_differs() -> None:
    a, b, c = build_world(7), build_world(7), build_world(8)
    for platform in PLATFORMS:
        assert [s.name for s in a.shops[platform]] == [s.name for s in b.shops[platform]]
        assert [p.title for p in a.products(platform)] == [p.title for p in b.products(platform)]
    assert [s.name for s in a.shops["jd"]] != [s.name for s in c.shops["jd"]]


def test_ids_are_stable_across_scales() -> None:
    small, big = build_world(scale=1), build_world(scale=3)
    for product in small.products("jd"):
        other = big.product("jd", product.item_id)
        assert other is not None and other.title == product.title and other.planted == product.planted


def test_unknown_ids_are_none() -> None:
    w = build_world()
    assert w.product("jd", "1") is None and w.product("jd", "abc") is None and w.shop("jd", "0") is None
    last = w.shops["jd"][-1]
    assert w.product("jd", str(int(w.item_ids(last)[-1]) + 1)) is None


def test_sizes_for_tests_and_benchmarks() -> None:
    w = build_world()
    for platform in PLATFORMS:
        assert 8 <= len(w.shops[platform]) <= 12
        assert 60 <= w.product_count(platform) <= 120
    big = build_world(scale=200)
    pages = big.product_count("jd") + 2 * len(big.shops["jd"])  # items + shop homes + licence pages
    assert pages >= 19_000


def test_every_expected_family_is_planted() -> None:
    w = build_world()
    for platform, families in FAMILIES_BY_PLATFORM.items():
        assert families <= w.planted_families(platform), platform


def test_uscc_of_clean_shops_valid_and_planted_invalid() -> None:
    w = build_world()
    for platform in PLATFORMS:
        for shop in w.shops[platform]:
            # An invalid code is planted on the displayed code; an expired licence picture is
            # licence.invalid too, with a valid code.
            families = {p.family for p in shop.planted if p.field == "attributes"}
            if shop.uscc is None:
                assert shop.operator_kind == "个人"
            elif "licence.invalid" in families:
                assert not uscc.is_valid(shop.uscc)
            else:
                assert uscc.is_valid(shop.uscc), (shop.shop_id, shop.uscc)


def test_uscc_check_character_matches_the_standard_examples() -> None:
    assert uscc.is_valid("914403001922038216")
    assert not uscc.is_valid("914403001922038217")
    assert uscc.check_char("91350100M000100Y4") == "3"
    assert uscc.check_char("91310115MA1H8R7C6") == "7"


def test_planted_terms_are_in_the_text_and_traps_on_clean_targets() -> None:
    w = build_world()
    for platform in PLATFORMS:
        for p in w.products(platform):
            text = {
                "title": p.title,
                "subtitle": p.subtitle,
                "description": p.description_text,
                "promo": "\n".join(p.promo),
                "terms": p.terms_text,
                "price_text": p.price_text,
                "options": "\n".join(o.label for o in p.options),
            }
            for pl in p.planted:
                if pl.field in text and pl.term:
                    assert pl.term in text[pl.field], (p.item_id, pl)
            for trap in p.traps:
                assert trap.term in text.get(trap.field, trap.term), (p.item_id, trap)
        absent = w.expected_absent(platform)
        assert absent and not absent & w.expected_clues(platform)


def test_self_built_shop_options_have_default_states() -> None:
    w = build_world()
    opts = [(p, o) for p in w.products("selfshop") for o in p.options]
    assert any(o.checked and o.price for _, o in opts)
    assert any(o.checked and o.price == 0.0 for _, o in opts)  # the zero-priced gift trap
    assert any(not o.checked for _, o in opts)
