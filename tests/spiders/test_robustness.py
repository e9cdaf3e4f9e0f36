"""Crawls against the fixture server's fault injection: retries with backoff and Retry-After,
giving up without stopping the crawl, truncated and malformed pages counted, robots.txt."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from crawler import charset
from crawler.middlewares import retry_after_seconds
from fixtures.server import FixtureServer
from fixtures.world import build_world
from tests.spiders.conftest import run_spider

PLATFORM = "taobao"


@pytest.fixture()
def server() -> Iterator[FixtureServer]:
    with FixtureServer(build_world()) as srv:  # own server: faults must not leak into other tests
        yield srv


def _products(items: list[dict[str, Any]]) -> dict[str, dict]:
    return {i["item_id"]: i for i in items if "item_id" in i}


def test_retry_after_and_backoff_then_success(server: FixtureServer, tmp_path) -> None:
    shop = server.world.shops[PLATFORM][0]
    flaky = list(server.world.products_of(shop))[1]
    server.inject(f"/{PLATFORM}/shop/{shop.shop_id}.htm", "429", times=1, retry_after="1")
    server.inject(f"/{PLATFORM}/item.htm", "500", times=2)  # every item page fails twice, then works
    items, stats = run_spider(PLATFORM, tmp_path, {"start_urls": server.shop_url(shop)}, "RETRY_BACKOFF_BASE=0.2")
    products = _products(items)
    assert set(products) == set(server.world.item_ids(shop))
    assert products[flaky.item_id]["title"] == flaky.title
    reasons = {k.split("/")[-1][:3]: v for k, v in stats.items() if k.startswith("retry/reason_count/")}
    assert reasons == {"429": 1, "500": 2 * shop.product_count}
    # 1 s asked by Retry-After, plus 0.2 s and 0.4 s (with up to 25% jitter) per item page
    waited = stats["wangjian/retry/wait_ms"] / 1000
    assert 1 + 0.6 * shop.product_count <= waited <= 1 + 0.75 * shop.product_count + 0.1


def test_failures_and_malformed_pages_are_counted_without_stopping(server: FixtureServer, tmp_path) -> None:
    shop = server.world.shops[PLATFORM][5]
    products = list(server.world.products_of(shop))
    dead, cut_once, cut_always, challenged = products[0], products[1], products[2], products[3]
    start = [
        server.shop_url(shop),
        server.item_url(dead) + "&_fault=500",
        server.item_url(cut_once) + "&_fault=truncate&_times=1",
        server.item_url(cut_always) + "&_fault=truncate",
        server.item_url(challenged) + "&_fault=challenge",  # JSON where the page should be
        server.url(PLATFORM, "/index.htm"),  # a page without any item on it
    ]
    items, stats = run_spider(
        PLATFORM, tmp_path, {"start_urls": ",".join(start)}, "RETRY_TIMES=1", "RETRY_BACKOFF_BASE=0.05"
    )
    got = _products(items)
    assert set(got) >= {p.item_id for p in products}  # the shop's own links still reach all
    assert stats["retry/max_reached"] == 2  # the 500 and the always-truncated start URLs
    assert stats["wangjian/malformed/truncated"] == 1 + 2
    assert stats["wangjian/malformed/no_product"] == 1 + 1
    assert not any(k.startswith("spider_exceptions") for k in stats)
    assert stats["item_scraped_count"] == len(items)


def test_robots_txt_obeyed_by_default_and_switchable(fixture_server: FixtureServer, tmp_path) -> None:
    path = f"/{PLATFORM}/member/my.htm"
    before = fixture_server.hits[path]
    _, stats = run_spider(PLATFORM, tmp_path, {"start_urls": fixture_server.url(PLATFORM, "/member/my.htm")})
    assert fixture_server.hits[path] == before and stats["robotstxt/forbidden"] == 1
    run_spider(PLATFORM, tmp_path, {"start_urls": fixture_server.url(PLATFORM, "/member/my.htm")}, "ROBOTSTXT_OBEY=0")
    assert fixture_server.hits[path] == before + 1


def test_retry_after_header_forms() -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert retry_after_seconds(b"3") == 3.0 and retry_after_seconds("0") == 0.0
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=90), usegmt=True), now) == 90.0
    assert retry_after_seconds(format_datetime(now - timedelta(seconds=5), usegmt=True), now) == 0.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


@pytest.mark.parametrize(
    ("body", "declared", "expected"),
    [
        ('<meta charset="gbk"><p>淘宝网 宝贝详情</p>'.encode("gbk"), "utf-8", ("gb18030", charset.WRONG)),
        ('<meta charset="utf-8"><p>处方药须凭处方</p>'.encode(), "gbk", ("utf-8", charset.WRONG)),
        ('<meta charset="gbk"><p>淘宝网</p>'.encode("gbk"), "gbk", ("gb18030", charset.OK)),
        ('<meta charset="gbk"><p>淘宝网</p>'.encode("gbk"), None, ("gb18030", charset.OK)),
        ("<p>药房</p>".encode(), None, ("utf-8", charset.OK)),
        (b"<p>\xff\xfe\xff\x80\x80</p>", "utf-8", ("utf-8", charset.UNDECODABLE)),
    ],
)
def test_charset_sniffing(body: bytes, declared: str | None, expected: tuple[str, str]) -> None:
    assert charset.sniff(body, declared) == expected
