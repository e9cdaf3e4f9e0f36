"""Real Scrapy crawls of the Taobao-style (GBK) fixture platform, checked against the world."""

from __future__ import annotations

import urllib.request
from collections import Counter
from typing import Any

import pytest

from crawler.spiders.taobao import extract_product
from fixtures.platforms.taobao import SEARCH_PER_PAGE, licence_as_image
from fixtures.server import FixtureServer
from fixtures.world import build_world
from tests.spiders.conftest import assert_planted_text, crawl_platform, run_spider, split_items, top_category_search

PLATFORM = "taobao"


@pytest.fixture(scope="module")
def tb_crawl(fixture_server: FixtureServer, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    return crawl_platform(PLATFORM, fixture_server, tmp_path_factory)[0]


def test_whole_platform_crawl_finds_every_shop_and_product(tb_crawl: list[dict], fixture_server: FixtureServer) -> None:
    world = fixture_server.world
    shops, products = split_items(tb_crawl)
    assert set(shops) == {s.shop_id for s in world.shops[PLATFORM]}
    assert set(products) == {p.item_id for p in world.products(PLATFORM)}
    assert len(tb_crawl) == len(shops) + len(products)


def test_product_fields_match_the_world(tb_crawl: list[dict], fixture_server: FixtureServer) -> None:
    world = fixture_server.world
    _, products = split_items(tb_crawl)
    for p in world.products(PLATFORM):
        got = products[p.item_id]
        shop = world.shop(PLATFORM, p.shop_id)
        assert (got["title"], got["subtitle"]) == (p.title, p.subtitle)
        assert (got["price"], got.get("original_price"), got["price_text"]) == (p.price, p.original_price, p.price_text)
        assert (got["shop_id"], got["shop_name"], got["category"]) == (p.shop_id, shop.name, p.category_path)
        assert got["promo"] == p.promo
        assert got["description"] == p.description_text and got["terms"] == p.terms_text
        assert [(o["label"], o["checked"], o["price"]) for o in got["options"]] == [
            (o.label, o.checked, o.price) for o in p.options
        ]
        assert got.get("cosmetic_filing_no") == p.cosmetic_filing_no


def test_shop_licence_text_picture_or_declaration(tb_crawl: list[dict], fixture_server: FixtureServer) -> None:
    shops, _ = split_items(tb_crawl)
    kinds = Counter()
    for s in fixture_server.world.shops[PLATFORM]:
        got = shops[s.shop_id]
        assert got["shop_name"] == s.name and s.notice in got["shop_info"]
        if s.self_declaration:
            kinds["declared"] += 1
            assert got["self_declaration"] == s.self_declaration and s.address in got["shop_info"]
            assert got.get("uscc") is None
        elif s.operator_kind == "个人" or not s.licence_shown:
            kinds["nothing"] += 1
            assert got.get("licence_text") is None and got.get("uscc") is None and not got.get("self_declaration")
        elif licence_as_image(s):
            kinds["picture"] += 1
            assert got.get("uscc") is None and "亮照" in got["licence_text"]
            with urllib.request.urlopen(got["licence_image_urls"][0], timeout=10) as r:
                assert r.headers["Content-Type"] == "image/png" and r.read().startswith(b"\x89PNG")
        else:
            kinds["text"] += 1
            assert (got["uscc"], got["operator_name"], got["address"]) == (s.uscc, s.operator_name, s.address)
            assert f"统一社会信用代码：{s.uscc}" in got["licence_text"]
            assert got["licence_image_urls"] == [fixture_server.url("taobao", f"/img/licence/{s.shop_id}.png")]
    assert min(kinds[k] for k in ("declared", "nothing", "picture", "text")) >= 1, kinds


def test_pages_are_gbk_bytes_as_served(tb_crawl: list[dict], fixture_server: FixtureServer) -> None:
    _, products = split_items(tb_crawl)
    p = next(fixture_server.world.products(PLATFORM))
    (page,) = products[p.item_id]["pages"]
    assert page["headers"]["Content-Type"] == ["text/html; charset=gbk"]
    assert p.title.encode("gbk") in page["body"] and p.title.encode("utf-8") not in page["body"]
    assert page["encoding"] in ("gbk", "gb18030") and len(page["body"]) > 50_000


def test_planted_text_reaches_the_item(tb_crawl: list[dict], fixture_server: FixtureServer) -> None:
    _, products = split_items(tb_crawl)
    assert assert_planted_text(products, fixture_server.world, PLATFORM) >= 10


def test_item_url_start_gives_the_item_and_its_shop(fixture_server: FixtureServer, tmp_path) -> None:
    p = list(fixture_server.world.products(PLATFORM))[7]
    items, _ = run_spider(PLATFORM, tmp_path, {"start_urls": fixture_server.item_url(p)})
    shops, products = split_items(items)
    assert set(products) == {p.item_id} and set(shops) == {p.shop_id}


def test_keyword_search_follows_offset_pagination(tmp_path) -> None:
    world = build_world(seed=5, scale=5)
    with FixtureServer(world) as srv:
        keyword, expected = top_category_search(world, PLATFORM)
        assert len(expected) > SEARCH_PER_PAGE  # more than one results page
        items, _ = run_spider(PLATFORM, tmp_path, {"keywords": keyword, "base_url": srv.url(PLATFORM, "")})
    shops, products = split_items(items)
    assert set(products) == expected
    assert set(shops) == {world.product(PLATFORM, i).shop_id for i in expected}


def test_wrong_charset_header_is_detected_and_repaired(tmp_path) -> None:
    world = build_world()
    shop = world.shops[PLATFORM][0]
    with FixtureServer(world) as srv:
        srv.inject(f"/{PLATFORM}/", "charset")
        items, stats = run_spider(PLATFORM, tmp_path, {"start_urls": srv.shop_url(shop)})
        pages = srv.hits[f"/{PLATFORM}/shop/{shop.shop_id}.htm"] + srv.hits[f"/{PLATFORM}/item.htm"]
    shops, products = split_items(items)
    assert set(products) == set(world.item_ids(shop)) and shops[shop.shop_id]["shop_name"] == shop.name
    for p in world.products_of(shop):
        assert products[p.item_id]["title"] == p.title and products[p.item_id]["description"] == p.description_text
        assert products[p.item_id]["pages"][0]["headers"]["Content-Type"] == ["text/html; charset=utf-8"]
    assert stats["wangjian/malformed/wrong_charset"] == pages


def test_saved_item_page_keeps_https_links_and_no_loading_placeholder() -> None:
    """A page saved from a browser and read from disk (file: URL): its protocol-relative shop
    link is the https address it was served with, and a description that never loaded
    ("描述加载中", as on real Taobao pages saved before scrolling) is no description."""
    page = (
        "<html><head><title>某某 键盘外壳-淘宝网</title></head><body>"
        '<div id="J_Title"><h3 class="tb-main-title" data-title="某某 键盘外壳">某某 键盘外壳</h3></div>'
        '<div id="J_ShopInfo"><div class="tb-shop-name"><a href="//shop123.taobao.com" title="某某外设">某某外设</a>'
        "</div></div>"
        '<div id="J_DivItemDesc" class="content">描述加载中</div></body></html>'
    )
    got = extract_product(page, "file:///home/staff/saved/item.html")
    assert (got["shop_name"], got["shop_url"]) == ("某某外设", "https://shop123.taobao.com")
    assert got["description"] is None
    crawled = extract_product(page, "https://item.taobao.com/item.htm?id=1")
    assert crawled["shop_url"] == "https://shop123.taobao.com"
