"""The `web` spider: the crawl recognises each page's platform (host or markers) and reads it
with that platform's layouts, on fixture platforms and on real captured pages served locally."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from crawler.drift import field_shares
from fixtures.server import FixtureServer
from tests.spiders.conftest import ROOT, run_spider
from tests.spiders.test_real_pages import PRODUCTS


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


@pytest.fixture(scope="module")
def page_server() -> Iterator[str]:
    """The committed real captures and the model pages over HTTP on a free port (served as
    text/html without a charset, as a saved copy would be)."""
    handler = functools.partial(_Quiet, directory=str(ROOT / "tests" / "spiders"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_real_and_model_pages_read_by_their_platforms(page_server: str, tmp_path: Path) -> None:
    names = sorted(PRODUCTS) + ["tmall_pc_item_gbk.html", "tmall_h5_item.html", "pharmacy_rx_item.html"]
    urls = [f"{page_server}/{'real_pages' if n in PRODUCTS else 'pages'}/{n}" for n in names]
    items, stats = run_spider("web", tmp_path, {"start_urls": ",".join(urls)}, "ROBOTSTXT_OBEY=False")
    by_url = {i["url"].rsplit("/", 1)[-1]: i for i in items}
    assert set(by_url) == set(names)
    for name, (platform, item_id, title, price, shop) in PRODUCTS.items():
        got = by_url[name]
        assert (got["platform"], got["item_id"], got["title"], got["price"], got["shop_name"]) == (
            platform, item_id, title, price, shop)  # fmt: skip
        assert got["pages"][0]["body"] == (ROOT / "tests/spiders/real_pages" / name).read_bytes()
    tmall = by_url["tmall_pc_item_gbk.html"]
    assert (tmall["platform"], tmall["title"], tmall["price"], tmall["original_price"]) == (
        "tmall", "某某 上臂式电子血压计 家用全自动高精准血压测量仪", 259.0, 399.0)  # fmt: skip
    assert tmall["detail_image_urls"] and by_url["tmall_h5_item.html"]["price_max"] == 59.9
    rx = by_url["pharmacy_rx_item.html"]
    assert (rx["platform"], rx["prescription"], rx["drug_approval_no"]) == ("pharmacy", True, "国药准字H20990001")
    assert stats["wangjian/web/recognised_by/markers"] == len(names)
    assert field_shares(stats)["jd"]["product"] == {"pages": 3, "price": 1.0, "shop_name": 1.0, "title": 1.0}


def test_fixture_platform_walked_from_its_directory(fixture_server: FixtureServer, tmp_path: Path) -> None:
    items, stats = run_spider("web", tmp_path, {"start_urls": ",".join(fixture_server.start_urls("pharmacy"))})
    world = fixture_server.world
    products = {i["item_id"]: i for i in items if "title" in i}
    expected = {p.item_id: p for p in world.products("pharmacy")}
    assert set(products) == set(expected)
    assert all(products[k]["title"] == p.title and products[k]["price"] == p.price for k, p in expected.items())
    assert {i["platform"] for i in items} == {"pharmacy"}
    assert all(i["detail_image_urls"][0].endswith(f"/desc/{k}/0.jpg") for k, i in products.items())
    shops: dict[str, Any] = {i["shop_id"]: i for i in items if "title" not in i}
    assert {s.name for s in world.shops["pharmacy"]} == {s["shop_name"] for s in shops.values()}
    assert field_shares(stats)["pharmacy"]["product"]["price"] == 1.0
