"""Real Scrapy crawls of the online-pharmacy fixture, checked against the world."""

from __future__ import annotations

import urllib.request
from typing import Any

import pytest

from crawler.spiders.pharmacy import PharmacySpider
from fixtures.catalog import MANDATORY_NOTICE
from fixtures.platforms.pharmacy import SEARCH_PER_PAGE, instructions_shown
from fixtures.server import FixtureServer
from fixtures.world import build_world
from tests.spiders.conftest import crawl_platform, run_spider, split_items

PLATFORM = "pharmacy"


@pytest.fixture(scope="module")
def ph_crawl(fixture_server: FixtureServer, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    return crawl_platform(PLATFORM, fixture_server, tmp_path_factory)[0]


def test_whole_platform_crawl_finds_every_store_and_product(
    ph_crawl: list[dict], fixture_server: FixtureServer
) -> None:
    world = fixture_server.world
    shops, products = split_items(ph_crawl)
    assert set(shops) == {s.shop_id for s in world.shops[PLATFORM]}
    assert set(products) == {p.item_id for p in world.products(PLATFORM)}
    assert len(ph_crawl) == len(shops) + len(products)


def test_product_fields_and_drug_facts_match_the_world(ph_crawl: list[dict], fixture_server: FixtureServer) -> None:
    world = fixture_server.world
    _, products = split_items(ph_crawl)
    kinds = set()
    for p in world.products(PLATFORM):
        got = products[p.item_id]
        shop = world.shop(PLATFORM, p.shop_id)
        assert (got["title"], got["subtitle"], got["category"]) == (p.title, p.subtitle, p.category_path)
        assert (got["price"], got.get("original_price"), got["price_text"]) == (p.price, p.original_price, p.price_text)
        assert (got["shop_id"], got["shop_name"]) == (p.shop_id, shop.name)
        assert got["promo"] == p.promo
        assert got["description"] == p.description_text and got["terms"] == p.terms_text
        assert got.get("prescription") == p.prescription
        assert got.get("drug_approval_no") == p.drug_approval_no
        assert got.get("device_licence_no") == p.device_licence_no
        assert [(o["label"], o["checked"], o["price"]) for o in got["options"]] == [
            (o.label, o.checked, o.price) for o in p.options
        ]
        kinds.add((p.prescription, MANDATORY_NOTICE["rx"] in p.description, bool(p.options and p.options[0].checked)))
    # Rx with warning and review step, Rx without warning sold straight away, OTC, non-drug
    assert {(True, True, False), (True, False, True), (False, False, False), (None, False, False)} <= kinds


def test_rx_page_locks_instructions_until_review(fixture_server: FixtureServer) -> None:
    seen = set()
    for p in fixture_server.world.products(PLATFORM):
        if p.prescription is None:
            continue
        url = fixture_server.item_url(p)
        with urllib.request.urlopen(url, timeout=10) as r:
            (got,) = PharmacySpider.extraction.saved_page(r.read(), url)
        assert got["instructions_locked"] is not instructions_shown(p)
        assert (got["rx_warning"] is not None) == (p.prescription and MANDATORY_NOTICE["rx"] in p.description)
        seen.add((p.prescription, got["instructions_locked"]))
    assert seen == {(True, True), (True, False), (False, False)}


def test_store_qualification_block(ph_crawl: list[dict], fixture_server: FixtureServer) -> None:
    shops, _ = split_items(ph_crawl)
    for s in fixture_server.world.shops[PLATFORM]:
        got = shops[s.shop_id]
        assert got["shop_name"] == s.name and got["category"]
        if not s.licence_shown:
            assert got.get("licence_text") is None and got.get("uscc") is None
            continue
        assert (got["uscc"], got["operator_name"], got["address"]) == (s.uscc, s.operator_name, s.address)
        assert got.get("drug_licence_no") == s.drug_licence_no
        assert got.get("internet_drug_info_cert") == s.internet_drug_info_cert
        assert got.get("device_licence_no") == s.device_licence_no
        for label, value in (
            ("药品经营许可证", s.drug_licence_no),
            ("互联网药品信息服务资格证书", s.internet_drug_info_cert),
        ):
            assert (f"{label}：{value}" in got["licence_text"]) == bool(value)


def test_keyword_search_follows_pagination(tmp_path) -> None:
    world = build_world(seed=3, scale=2)
    with FixtureServer(world) as srv:
        keyword = "处方药"
        expected = {p.item_id for p in world.products(PLATFORM) if keyword in f"{p.title} {p.category_path}"}
        assert len(expected) > SEARCH_PER_PAGE
        items, _ = run_spider(PLATFORM, tmp_path, {"keywords": keyword, "base_url": srv.url(PLATFORM, "")})
    _, products = split_items(items)
    assert set(products) == expected and all(products[i]["prescription"] for i in expected)


def test_utf8_page_under_a_gbk_header_is_read_as_utf8(tmp_path) -> None:
    world = build_world()
    shop = world.shops[PLATFORM][0]
    with FixtureServer(world) as srv:
        srv.inject(f"/{PLATFORM}/product/", "charset")
        items, stats = run_spider(PLATFORM, tmp_path, {"start_urls": srv.shop_url(shop)})
    _, products = split_items(items)
    assert {products[p.item_id]["title"] for p in world.products_of(shop)} == {p.title for p in world.products_of(shop)}
    assert stats["wangjian/malformed/wrong_charset"] == shop.product_count
