"""Real Scrapy crawls of the Douyin-style fixture shop (content rendered only by script),
checked against the world."""

from __future__ import annotations

import base64
import urllib.request
from collections import Counter
from typing import Any

import pytest

from crawler.spiders.douyin import extract_page
from fixtures.server import FixtureServer
from fixtures.world import build_world
from tests.spiders.conftest import crawl_platform, split_items, top_category_search
from tests.spiders.test_browser import assert_no_page_leak, assert_real_screenshot


@pytest.fixture(scope="module")
def douyin_crawl(fixture_server: FixtureServer, tmp_path_factory: pytest.TempPathFactory) -> tuple[list, dict]:
    """The whole platform (scale 1: 10 shops, ~80 products), every page rendered."""
    return crawl_platform("douyin", fixture_server, tmp_path_factory)


def test_whole_platform_found_through_the_browser(douyin_crawl: tuple, fixture_server: FixtureServer) -> None:
    items, stats = douyin_crawl
    world = fixture_server.world
    shops, products = split_items(items)
    assert set(shops) == {s.shop_id for s in world.shops["douyin"]}
    assert set(products) == {p.item_id for p in world.products("douyin")}
    assert len(items) == len(shops) + len(products)
    # every page came through the browser: shop street + stores + products, and nothing leaked
    assert stats["playwright/request_count/navigation"] == 1 + len(shops) + len(products)
    assert_no_page_leak(stats, rendered=1 + len(shops) + len(products))


def test_rendered_product_fields_match_the_world(douyin_crawl: tuple, fixture_server: FixtureServer) -> None:
    world = fixture_server.world
    _, products = split_items(douyin_crawl[0])
    with_options = 0
    for p in world.products("douyin"):
        got = products[p.item_id]
        assert (got["title"], got["subtitle"], got["category"]) == (p.title, p.subtitle, p.category_path)
        assert (got["price"], got.get("original_price"), got["price_text"]) == (p.price, p.original_price, p.price_text)
        assert got["promo"] == p.promo
        assert got["description"] == p.description_text and got["terms"] == p.terms_text
        assert (got["shop_id"], got["shop_name"]) == (p.shop_id, world.shop("douyin", p.shop_id).name)
        assert got.get("cosmetic_filing_no") == p.cosmetic_filing_no
        assert [(o["label"], o["checked"], o["price"]) for o in got["options"]] == [
            (o.label, o.checked, o.price) for o in p.options
        ]
        with_options += bool(p.options)
        for pl in p.planted:
            if pl.term and pl.field in ("title", "subtitle", "description", "terms"):
                assert pl.term in got[pl.field]
            elif pl.term and pl.field == "promo":
                assert any(pl.term in x for x in got["promo"])
    assert with_options > 0


def test_shop_qualification_panel_read(douyin_crawl: tuple, fixture_server: FixtureServer) -> None:
    shops, _ = split_items(douyin_crawl[0])
    kinds = Counter()
    for s in fixture_server.world.shops["douyin"]:
        got = shops[s.shop_id]
        assert got["shop_name"] == s.name and s.notice in got["shop_info"]
        if s.licence_shown:
            assert (got["uscc"], got["operator_name"], got["address"]) == (s.uscc, s.operator_name, s.address)
            assert "统一社会信用代码" in got["licence_text"] and got["licence_text"] in got["shop_info"]
        else:
            assert got.get("uscc") is None and got.get("licence_text") is None
        kinds[s.licence_shown] += 1
    assert kinds[True] and kinds[False]


def test_captures_hold_served_shell_and_rendered_screenshot(douyin_crawl: tuple, fixture_server: FixtureServer) -> None:
    shops, products = split_items(douyin_crawl[0])
    p = list(fixture_server.world.products("douyin"))[3]
    (page,) = products[p.item_id]["pages"]
    assert page["method"] == "browser" and page["browser_version"].startswith("chromium ")
    assert page["final_url"] == fixture_server.item_url(p) and page["status"] == 200
    # the bytes as served: the empty shell, no product text (only the browser saw that)
    assert b'<div id="root"></div>' in page["body"] and p.title.encode() not in page["body"]
    assert page["headers"]["Content-Type"] == ["text/html; charset=utf-8"]
    assert int(page["headers"]["Content-Length"][0]) == len(page["body"])
    assert_real_screenshot(base64.b64decode(page["screenshot"]))
    shop_page = shops[p.shop_id]["pages"][0]
    assert_real_screenshot(base64.b64decode(shop_page["screenshot"]), min_height=400)


def test_served_html_alone_has_nothing_to_extract(fixture_server: FixtureServer) -> None:
    p = next(fixture_server.world.products("douyin"))
    with urllib.request.urlopen(fixture_server.item_url(p), timeout=10) as r:
        shell = r.read()
    assert extract_page(shell, fixture_server.item_url(p)) == []


def test_product_url_start_gives_product_and_shop(crawl: Any, fixture_server: FixtureServer, tmp_path) -> None:
    p = list(fixture_server.world.products("douyin"))[7]
    items, stats = crawl("douyin", tmp_path, {"start_urls": fixture_server.item_url(p)})
    shops, products = split_items(items)
    assert set(products) == {p.item_id} and set(shops) == {p.shop_id}
    assert_no_page_leak(stats, rendered=2)


def test_keyword_search_follows_rendered_pagination(crawl: Any, tmp_path) -> None:
    world = build_world(seed=5)
    with FixtureServer(world) as srv:
        keyword, expected = top_category_search(world, "douyin")
        assert len(expected) > 10  # more than one results page
        items, stats = crawl("douyin", tmp_path, {"keywords": keyword, "base_url": srv.url("douyin", "")})
    _, products = split_items(items)
    assert set(products) == expected
    assert_no_page_leak(stats)


def test_detail_pictures_of_a_rendered_product_page() -> None:
    """商品详情 pictures in page order, the lazy-load address before a placeholder `src`."""
    html = (
        '<div class="pdp" data-product-id="3600001"><h1 class="product-title">某某 面霜</h1>'
        '<div class="pdp-detail"><div class="detail-text"><p>说明</p>'
        '<img data-src="//p3.douyinpic.com/d1.jpg" src="data:image/gif;base64,R0lGOD">'
        '<img src="https://p3.douyinpic.com/d2.jpg"><img src="https://p3.douyinpic.com/d1.jpg"></div></div></div>'
    )
    (got,) = extract_page(html, "https://haohuo.jinritemai.com/views/product/detail?id=3600001")
    assert got["detail_image_urls"] == ["https://p3.douyinpic.com/d1.jpg", "https://p3.douyinpic.com/d2.jpg"]
