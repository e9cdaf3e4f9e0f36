"""Extraction as pure functions: on fixture pages and on real saved jd.com item pages."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest

from crawler.spiders.jd import apply_price, extract_licence, extract_product, extract_shop, parse_prices
from fixtures.server import FixtureServer
from tests.spiders.conftest import REAL_PAGES

REAL_JD = sorted(REAL_PAGES.glob("jd_item_*.html")) if REAL_PAGES.is_dir() else []  # item pages (a search page too)


def _fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode("utf-8")


@pytest.mark.skipif(not REAL_JD, reason="real pages folder absent")
@pytest.mark.parametrize("path", REAL_JD, ids=lambda p: p.name)
def test_real_jd_pages(path: Path) -> None:
    html = path.read_text(encoding="utf-8")
    got = extract_product(html, "https://item.jd.com/x.html")
    h1 = re.search(r'<div id="name">\s*<h1[^>]*>([^<]+)</h1>', html)
    assert h1 and got["title"] == h1[1].strip()
    assert got["item_id"] == re.search(r"skuid:\s*(\d+)", html)[1]
    shown = re.search(r'id="jd-price">\s*￥([\d.]+)', html)
    assert got["price"] == (float(shown[1]) if shown else None)
    named = re.search(r'class="name"[^>]*title="([^"]+)"', html) or re.search(r"店铺：\s*<a[^>]*>([^<]+)</a>", html)
    if named:
        assert got["shop_name"] == named[1]
    elif 'class="u-jd"' in html:
        assert got["shop_name"] == "京东自营"
    assert got["category"] and ">" in got["category"]


def test_extract_on_saved_fixture_pages(fixture_server: FixtureServer) -> None:
    world = fixture_server.world
    p = next(p for p in world.products("jd") if p.original_price)
    data = extract_product(_fetch(fixture_server.item_url(p)), fixture_server.item_url(p))
    assert data["price"] is None  # the page itself carries no price
    prices = parse_prices(_fetch(f"{data['price_api']}?skuIds=J_{p.item_id}"))
    data = apply_price(data, *prices[p.item_id])
    assert (data["price"], data["original_price"], data["price_text"]) == (p.price, p.original_price, p.price_text)
    shop = world.shop("jd", p.shop_id)
    home = extract_shop(_fetch(fixture_server.shop_url(shop)), fixture_server.shop_url(shop))
    first_page = [fixture_server.item_url(q) for q in world.products_of(shop)][:12]
    assert home["shop_name"] == shop.name and home["item_urls"] == first_page


def test_licence_page_fields(fixture_server: FixtureServer) -> None:
    shop = next(s for s in fixture_server.world.shops["jd"] if s.licence_shown and s.device_licence_no)
    home = extract_shop(_fetch(fixture_server.shop_url(shop)), fixture_server.shop_url(shop))
    lic = extract_licence(_fetch(home["licence_url"]), home["licence_url"])
    assert (lic["uscc"], lic["operator_name"], lic["address"], lic["device_licence_no"]) == (
        shop.uscc,
        shop.operator_name,
        shop.address,
        shop.device_licence_no,
    )
    assert len(lic["licence_image_urls"]) == 1 and lic["licence_image_urls"][0].endswith(
        f"/img/licence/{shop.shop_id}.png"
    )


def test_no_licence_link_when_not_shown(fixture_server: FixtureServer) -> None:
    shop = next(s for s in fixture_server.world.shops["jd"] if not s.licence_shown)
    assert extract_shop(_fetch(fixture_server.shop_url(shop)), fixture_server.shop_url(shop))["licence_url"] is None


def test_an_introduction_that_never_loaded_is_no_description() -> None:
    """As served, a JD item page's 商品介绍 block holds only a placeholder until its script runs:
    that is no description (its words would be scanned as the seller's)."""
    page = (
        '<html><body><div class="sku-name">某某 畅享6 金色 双卡双待</div>'
        '<div id="J-detail-content">商品介绍加载中...</div></body></html>'
    )
    assert extract_product(page, "https://item.jd.com/3888216.html")["description"] is None
    loaded_page = page.replace("商品介绍加载中...", "<p>5.0英寸高清屏，4000mAh大电池</p>")
    got = extract_product(loaded_page, "https://item.jd.com/3888216.html")
    assert got["description"] == "5.0英寸高清屏，4000mAh大电池"
