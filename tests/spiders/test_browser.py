"""Browser rendering (scrapy-playwright): pages closed on every path, renders bounded,
screenshots real. PNG checks here are shared by the douyin and selfshop tests."""

from __future__ import annotations

import importlib
import struct
import zlib
from typing import Any

import pytest

from fixtures.server import FixtureServer


def png_summary(data: bytes) -> tuple[int, int, int]:
    """(width, height, distinct scanlines) of a PNG, checking its structure and every chunk
    CRC. A blank or single-colour page has a handful of distinct scanlines; a page of text
    has hundreds."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    height = bpp = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in {kind!r}"
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6)
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
        if kind == b"IEND":
            break
    raw = zlib.decompress(idat)
    stride = width * bpp + 1
    assert len(raw) == stride * height, "pixel data does not match the header"
    rows = {raw[i * stride : (i + 1) * stride] for i in range(height)}
    return width, height, len(rows)


def assert_real_screenshot(data: bytes | None, min_height: int = 600) -> None:
    assert data, "no screenshot"
    width, height, distinct = png_summary(data)
    assert width >= 800 and height >= min_height, (width, height)
    assert distinct >= 100, f"screenshot looks blank ({distinct} distinct rows)"


def assert_no_page_leak(stats: dict[str, Any], rendered: int | None = None) -> None:
    """Every page the browser opened was closed, within the configured bounds."""
    from crawler import settings

    opened = stats["playwright/page_count"]
    assert stats["playwright/page_count/closed"] == opened
    assert stats["playwright/page_count/max_concurrent"] <= settings.PLAYWRIGHT_MAX_PAGES_PER_CONTEXT
    assert stats["playwright/context_count/max_concurrent"] <= settings.PLAYWRIGHT_MAX_CONTEXTS
    if rendered is not None:
        assert opened == rendered


def test_png_summary_tells_blank_from_content() -> None:
    def png(width: int, rows: list[bytes]) -> bytes:
        def chunk(kind: bytes, body: bytes) -> bytes:
            return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

        header = struct.pack(">IIBBBBB", width, len(rows), 8, 2, 0, 0, 0)
        pixels = zlib.compress(b"".join(b"\x00" + r for r in rows))
        return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")

    blank = png(900, [b"\xff" * 2700] * 700)
    busy = png(900, [bytes([i % 256]) * 2700 for i in range(700)])
    assert png_summary(blank) == (900, 700, 1)
    assert png_summary(busy) == (900, 700, 256)
    with pytest.raises(AssertionError):
        assert_real_screenshot(blank)
    assert_real_screenshot(busy)
    with pytest.raises(AssertionError):
        png_summary(busy[:40] + b"\x00" + busy[41:])  # one flipped byte breaks a CRC


def test_launch_options_use_debian_chromium(monkeypatch: pytest.MonkeyPatch) -> None:
    from crawler import settings

    monkeypatch.setenv("WANGJIAN_CHROMIUM", "/opt/other/chromium")
    try:
        assert importlib.reload(settings).PLAYWRIGHT_LAUNCH_OPTIONS["executable_path"] == "/opt/other/chromium"
    finally:
        monkeypatch.delenv("WANGJIAN_CHROMIUM")
        importlib.reload(settings)
    opts = settings.PLAYWRIGHT_LAUNCH_OPTIONS
    assert opts["executable_path"] == "/usr/bin/chromium"
    assert {"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic"} <= set(opts["args"])
    # the browser handler is installed per rendering spider, not for every crawl
    assert "DOWNLOAD_HANDLERS" not in vars(settings)


def test_failed_and_retried_renders_close_their_pages(crawl: Any, fixture_server: FixtureServer, tmp_path) -> None:
    world = fixture_server.world
    good, flaky = list(world.products("douyin"))[:2]
    missing = fixture_server.url("douyin", "/views/product/detail?id=369999999")  # 404: errback
    flaky_url = fixture_server.item_url(flaky) + "&_fault=500&_times=1"  # 500 once: retried, same page
    items, stats = crawl(
        "douyin", tmp_path, {"start_urls": ",".join([fixture_server.item_url(good), missing, flaky_url])}
    )
    products = {i["item_id"] for i in items if "item_id" in i}
    assert products == {good.item_id, flaky.item_id}
    assert stats["wangjian/render_failed"] == 1 and stats["retry/count"] >= 1
    assert_no_page_leak(stats)
    # the retry reused the page of the failed attempt: one page per URL, shops included
    shops = {good.shop_id, flaky.shop_id}
    assert stats["playwright/page_count"] == 3 + len(shops)
