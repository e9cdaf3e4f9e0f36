"""Real Scrapy crawls of the self-built shop sites: server-rendered product pages over HTTP,
footer operator info, checkout options whose defaults only the browser's DOM shows. Also the
mia.com-style extraction on the real saved pages."""

from __future__ import annotations

import base64
import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from crawler.spiders.selfshop import extract_page
from fixtures.platforms.selfshop import checkout_path
from fixtures.server import FixtureServer
from tests.spiders.conftest import REAL_PAGES, crawl_platform, split_items
from tests.spiders.test_browser import assert_no_page_leak, assert_real_screenshot

REAL_MIA = sorted(REAL_PAGES.glob("mia_*.html")) if REAL_PAGES.is_dir() else []


@pytest.fixture(scope="module")
def selfshop_crawl(fixture_server: FixtureServer, tmp_path_factory: pytest.TempPathFactory) -> tuple[list, dict]:
    """Every site of the platform at scale 1 (10 sites, ~90 products and their checkouts)."""
    return crawl_platform("selfshop", fixture_server, tmp_path_factory)


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode("utf-8")


def test_every_site_and_product_found(selfshop_crawl: tuple, fixture_server: FixtureServer) -> None:
    items, stats = selfshop_crawl
    shops, products = split_items(items)
    world = fixture_server.world
    assert set(shops) == {s.shop_id for s in world.shops["selfshop"]}
    assert set(products) == {p.item_id for p in world.products("selfshop")}
    assert len(items) == len(shops) + len(products)
    # only checkout pages went through the browser; everything else stayed on plain HTTP
    assert stats["playwright/request_count/navigation"] == len(products)
    assert stats["downloader/request_count"] > 2 * len(products)
    assert_no_page_leak(stats, rendered=len(products))


def test_checkout_options_are_the_script_set_defaults(selfshop_crawl: tuple, fixture_server: FixtureServer) -> None:
    world = fixture_server.world
    _, products = split_items(selfshop_crawl[0])
    html_disagrees = 0
    for p in world.products("selfshop"):
        got = [(o["label"], o["checked"], o["price"]) for o in products[p.item_id]["options"]]
        assert got == [(o.label, o.checked, o.price) for o in p.options], p.item_id
        served = products[p.item_id]["pages"][1]["body"].decode("utf-8")
        served_checked = [bool(re.search(r'name="opt\d+" checked', li)) for li in served.split('class="opt-item')[1:]]
        html_disagrees += served_checked != [o.checked for o in p.options]
    assert html_disagrees >= len(products) // 2  # the served HTML is not the truth


def test_planted_checkout_facts(selfshop_crawl: tuple, fixture_server: FixtureServer) -> None:
    _, products = split_items(selfshop_crawl[0])
    seen = set()
    for p in fixture_server.world.products("selfshop"):
        options = products[p.item_id]["options"]
        for pl in p.planted:
            if pl.family in ("clause.default_opt_in", "clause.auto_renew"):
                assert any(pl.term in o["label"] and o["checked"] and o["price"] for o in options), (p.item_id, pl)
                seen.add(pl.family)
        for trap in p.traps:
            if trap.family == "clause.default_opt_in":  # ¥0 gift, checked: lawful
                assert any(trap.term in o["label"] and o["checked"] and o["price"] == 0 for o in options)
                seen.add("gift")
            if trap.family == "clause.auto_renew":  # disclosed, off by default
                assert any("自动续费" in o["label"] and not o["checked"] for o in options)
                assert trap.term in products[p.item_id]["terms"]
                seen.add("renew_disclosed")
        agree = [o for o in options if "协议" in o["label"]]
        assert agree and agree[0]["checked"] and agree[0]["price"] is None
    assert seen == {"clause.default_opt_in", "clause.auto_renew", "gift", "renew_disclosed"}


def test_product_fields_and_footer_operator(selfshop_crawl: tuple, fixture_server: FixtureServer) -> None:
    world = fixture_server.world
    shops, products = split_items(selfshop_crawl[0])
    for p in world.products("selfshop"):
        got = products[p.item_id]
        assert (got["title"], got["subtitle"], got["category"]) == (p.title, p.subtitle, p.category_path)
        assert (got["price"], got.get("original_price"), got["price_text"]) == (p.price, p.original_price, p.price_text)
        assert got["promo"] == p.promo and got["description"] == p.description_text and got["terms"] == p.terms_text
        assert (got["shop_id"], got["shop_name"]) == (p.shop_id, world.shop("selfshop", p.shop_id).name)
    hidden = 0
    for s in world.shops["selfshop"]:
        got = shops[s.shop_id]
        assert got["shop_name"] == s.name
        if s.licence_shown:
            assert (got["uscc"], got["operator_name"], got["address"]) == (s.uscc, s.operator_name, s.address)
            assert "营业执照" in got["licence_text"] and "ICP备" in got["licence_text"]
        else:
            hidden += 1
            assert got.get("uscc") is None and got.get("operator_name") is None and got.get("licence_text") is None
    assert hidden > 0


def test_captures_http_item_and_browser_checkout(selfshop_crawl: tuple, fixture_server: FixtureServer) -> None:
    _, products = split_items(selfshop_crawl[0])
    p = list(fixture_server.world.products("selfshop"))[2]
    item_page, checkout_page = products[p.item_id]["pages"]
    assert item_page["method"] == "http" and item_page["screenshot"] is None
    assert p.title.encode() in item_page["body"] and item_page["final_url"] == fixture_server.item_url(p)
    assert checkout_page["method"] == "browser" and checkout_page["browser_version"].startswith("chromium ")
    assert checkout_page["final_url"] == fixture_server.url("selfshop", checkout_path(p))
    assert b"window.__ORDER__" in checkout_page["body"]  # bytes as served, script included
    assert int(checkout_page["headers"]["Content-Length"][0]) == len(checkout_page["body"])
    assert_real_screenshot(base64.b64decode(checkout_page["screenshot"]))


def test_product_url_start_gives_product_and_site(crawl: Any, fixture_server: FixtureServer, tmp_path) -> None:
    p = list(fixture_server.world.products("selfshop"))[4]
    items, stats = crawl("selfshop", tmp_path, {"start_urls": fixture_server.item_url(p)})
    shops, products = split_items(items)
    assert set(products) == {p.item_id} and set(shops) == {p.shop_id}
    assert_no_page_leak(stats, rendered=1)


def test_extract_page_on_saved_fixture_pages(fixture_server: FixtureServer) -> None:
    p = next(p for p in fixture_server.world.products("selfshop") if p.original_price)
    (item,) = extract_page(_get(fixture_server.item_url(p)).encode(), fixture_server.item_url(p))
    assert (item["title"], item["price"], item["original_price"]) == (p.title, p.price, p.original_price)
    url = fixture_server.url("selfshop", checkout_path(p))
    (order,) = extract_page(_get(url), url)
    # saved without a browser, the page shows only the served state: 运费险's stale attribute
    assert [o["checked"] for o in order["options"]] == ["运费险" in o.label for o in p.options]


@pytest.mark.skipif(not REAL_MIA, reason="real pages folder absent")
@pytest.mark.parametrize("path", REAL_MIA, ids=lambda p: p.name)
def test_real_mia_pages(path: Path) -> None:
    html = path.read_text(encoding="utf-8")
    (got,) = extract_page(html, "http://www.mia.com/item.html")
    named = re.search(r"<b[^>]*>商品名称:</b>([^<]+)</li>", html)
    title_tag = re.search(r"<title[^>]*>([^<【]+)【", html)
    assert named or title_tag
    assert got["title"] == (named[1] if named else title_tag[1]).strip()
    shown = re.search(r'<em id="item_price"[^>]*>\s*([\d.]+)', html)
    assert got["price"] == (float(shown[1]) if shown else None)
    site = re.search(r"<title[^>]*>[^<]*】-([^<]+)</title>", html)
    if site:
        assert got["shop_name"] == site[1].strip()
    assert got["item_id"] == re.search(r'id="item_id"[^>]*value="(\d+)"', html)[1]
