"""Real Scrapy crawls of the JD-style fixture platform, checked against the world."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fixtures.server import FixtureServer
from fixtures.world import build_world
from tests.spiders.conftest import assert_planted_text, split_items, top_category_search


def test_whole_platform_crawl_finds_every_shop_and_product(jd_crawl: list[dict], fixture_server: FixtureServer) -> None:
    world = fixture_server.world
    shops, products = split_items(jd_crawl)
    assert set(shops) == {s.shop_id for s in world.shops["jd"]}
    assert set(products) == {p.item_id for p in world.products("jd")}
    assert len(jd_crawl) == len(shops) + len(products)  # no duplicates


def test_product_fields_match_the_world(jd_crawl: list[dict], fixture_server: FixtureServer) -> None:
    world = fixture_server.world
    _, products = split_items(jd_crawl)
    for p in world.products("jd"):
        got = products[p.item_id]
        shop = world.shop("jd", p.shop_id)
        assert got["title"] == p.title and got["subtitle"] == p.subtitle
        assert got["price"] == p.price and got.get("original_price") == p.original_price
        assert got["price_text"] == p.price_text
        assert got["shop_id"] == p.shop_id and got["shop_name"] == shop.name
        assert got["category"] == p.category_path
        assert got["promo"] == p.promo
        assert got["description"] == p.description_text and got["terms"] == p.terms_text
        assert [(o["label"], o["checked"], o["price"]) for o in got["options"]] == [
            (o.label, o.checked, o.price) for o in p.options
        ]
        assert got.get("device_licence_no") == p.device_licence_no
        assert got.get("cosmetic_filing_no") == p.cosmetic_filing_no


def test_planted_product_text_reaches_the_item(jd_crawl: list[dict], fixture_server: FixtureServer) -> None:
    _, products = split_items(jd_crawl)
    assert assert_planted_text(products, fixture_server.world, "jd") >= 10


def test_shop_licence_followed_through_the_link(jd_crawl: list[dict], fixture_server: FixtureServer) -> None:
    shops, _ = split_items(jd_crawl)
    for s in fixture_server.world.shops["jd"]:
        got = shops[s.shop_id]
        assert got["shop_name"] == s.name
        if s.licence_shown:
            assert got["uscc"] == s.uscc and got["operator_name"] == s.operator_name
            assert got["address"] == s.address and "统一社会信用代码" in got["licence_text"]
            assert got.get("device_licence_no") == s.device_licence_no
            assert len(got["pages"]) == 2 and got["pages"][1]["url"].endswith("/licence.html")
        else:
            assert got.get("uscc") is None and got.get("licence_text") is None
            assert len(got["pages"]) == 1


def test_pages_carry_raw_bytes_and_fetch_facts(jd_crawl: list[dict], fixture_server: FixtureServer) -> None:
    _, products = split_items(jd_crawl)
    p = next(fixture_server.world.products("jd"))
    item_page, price_page = products[p.item_id]["pages"]
    assert item_page["final_url"] == fixture_server.item_url(p) and item_page["status"] == 200
    assert p.title.encode() in item_page["body"] and item_page["method"] == "http"
    assert item_page["headers"]["Content-Type"] == ["text/html; charset=utf-8"]
    assert "wangjian" in item_page["user_agent"]
    start, end = datetime.fromisoformat(item_page["fetch_start"]), datetime.fromisoformat(item_page["fetch_end"])
    assert start.tzinfo is not None and start <= end
    assert b'"p": "%.2f"' % p.price in price_page["body"]


def test_product_url_start_gives_the_product_and_its_shop(crawl: Any, fixture_server: FixtureServer, tmp_path) -> None:
    p = list(fixture_server.world.products("jd"))[5]
    items, _ = crawl("jd", tmp_path, {"start_urls": fixture_server.item_url(p)})
    shops, products = split_items(items)
    assert set(products) == {p.item_id} and set(shops) == {p.shop_id}


def test_keyword_search_follows_pagination(crawl: Any, tmp_path) -> None:
    world = build_world(seed=11, scale=3)
    with FixtureServer(world) as srv:
        keyword, expected = top_category_search(world, "jd")
        assert len(expected) > 10  # more than one results page
        items, _ = crawl("jd", tmp_path, {"keywords": keyword, "base_url": srv.url("jd", "")})
    _, products = split_items(items)
    assert set(products) == expected


def test_robots_txt_obeyed_by_default(crawl: Any, fixture_server: FixtureServer, tmp_path) -> None:
    url = fixture_server.url("jd", "/admin/")
    before = fixture_server.hits["/jd/admin/"]
    _, stats = crawl("jd", tmp_path, {"start_urls": url})
    assert fixture_server.hits["/jd/admin/"] == before and stats["robotstxt/forbidden"] == 1
    crawl("jd", tmp_path, {"start_urls": url}, "ROBOTSTXT_OBEY=False")  # switchable per task
    assert fixture_server.hits["/jd/admin/"] == before + 1


def test_retries_server_errors_and_keeps_the_price(crawl: Any, tmp_path) -> None:
    world = build_world()
    with FixtureServer(world) as srv:
        shop = world.shops["jd"][0]
        srv.inject("/jd/prices/", "500", times=1)
        srv.inject(f"/jd/shop/{shop.shop_id}.html", "429", times=1, retry_after="0")
        items, stats = crawl("jd", tmp_path, {"start_urls": srv.shop_url(shop)})
    _, products = split_items(items)
    assert set(products) == set(world.item_ids(shop))
    assert all(p["price"] is not None for p in products.values())
    assert stats["retry/count"] >= len(products) + 1
