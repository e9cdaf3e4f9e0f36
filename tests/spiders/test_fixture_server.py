from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from fixtures.server import FixtureServer
from fixtures.world import build_world


@pytest.fixture(scope="module")
def server() -> Iterator[FixtureServer]:
    with FixtureServer(build_world()) as srv:  # own server: these tests inject faults
        yield srv


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_free_port_and_start_urls(server: FixtureServer) -> None:
    assert urlsplit(server.base_url).port
    urls = server.start_urls("jd")
    assert urls and all(u.startswith(server.base_url + "/jd/") for u in urls)
    status, headers, body = get(urls[0])
    assert status == 200 and "charset=utf-8" in headers["Content-Type"]
    assert server.world.shops["jd"][0].name in body.decode()


def test_robots_disallows_a_served_path(server: FixtureServer) -> None:
    _, _, body = get(server.base_url + "/robots.txt")
    assert "Disallow: /jd/admin/" in body.decode()
    assert get(server.base_url + "/jd/admin/")[0] == 200


def test_price_api_and_404(server: FixtureServer) -> None:
    p = next(server.world.products("jd"))
    _, _, body = get(f"{server.base_url}/jd/prices/mgets?skuIds=J_{p.item_id}")
    assert json.loads(body) == [
        {
            "id": f"J_{p.item_id}",
            "p": f"{p.price:.2f}",
            "m": f"{p.original_price or p.price:.2f}",
            "op": f"{p.price:.2f}",
        }
    ]
    assert get(server.base_url + "/jd/item/1.html")[0] == 404
    assert get(server.base_url + "/nope/")[0] == 404


def test_fault_500_only_first_times(server: FixtureServer) -> None:
    url = server.base_url + "/jd/shops.html?_fault=500&_times=2"
    assert [get(url)[0] for _ in range(3)] == [500, 500, 200]


def test_fault_429_retry_after_by_header(server: FixtureServer) -> None:
    status, headers, _ = get(server.base_url + "/jd/shops.html", {"X-Fixture-Fault": "429; retry_after=3"})
    assert status == 429 and headers["Retry-After"] == "3"


def test_fault_slow(server: FixtureServer) -> None:
    t = time.monotonic()
    assert get(server.base_url + "/jd/shops.html?_fault=slow&_delay=0.4")[0] == 200
    assert time.monotonic() - t >= 0.4


def test_fault_truncate_sends_fewer_bytes_than_announced(server: FixtureServer) -> None:
    host, port = urlsplit(server.base_url).hostname, urlsplit(server.base_url).port
    conn = http.client.HTTPConnection(host, port, timeout=10)
    conn.request("GET", "/jd/shops.html?_fault=truncate")
    resp = conn.getresponse()
    with pytest.raises(http.client.IncompleteRead):
        resp.read()
    conn.close()


def test_fault_wrong_charset(server: FixtureServer) -> None:
    _, headers, body = get(server.base_url + "/jd/shops.html?_fault=charset")
    assert "charset=gbk" in headers["Content-Type"]
    body.decode("utf-8")  # the bytes are still UTF-8


def test_server_side_injection_by_prefix(server: FixtureServer) -> None:
    server.inject("/jd/prices/", "503", times=1, retry_after="2")
    try:
        url = server.base_url + "/jd/prices/mgets?skuIds=J_1"
        first, second = get(url), get(url)
        assert first[0] == 503 and first[1]["Retry-After"] == "2" and second[0] == 200
    finally:
        server.clear_faults()


def test_item_pages_look_like_real_ones(server: FixtureServer) -> None:
    p = next(server.world.products("jd"))
    _, _, body = get(server.item_url(p))
    html = body.decode()
    assert len(body) > 60_000 and html.count("<script") >= 3 and "pageConfig" in html
    assert 'id="footer-2014"' in html and f"J-p-{p.item_id}" in html
    assert f"{p.price:.2f}" not in html.split('id="related-buy"')[0]  # price only via the JSON API
