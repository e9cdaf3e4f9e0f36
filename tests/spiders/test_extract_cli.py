"""`wangjian extract --spider NAME FILE`: a spider's extraction on a page saved to disk."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from fixtures.platforms.taobao import licence_as_image
from fixtures.server import FixtureServer
from tests.spiders.conftest import REAL_PAGES, ROOT

REAL_JD = sorted(REAL_PAGES.glob("jd_item_*.html"))[:1] if REAL_PAGES.is_dir() else []  # all in test_jd_extract


def _extract(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "cli", "extract", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def _save(url: str, path: Path) -> Path:
    with urllib.request.urlopen(url, timeout=10) as r:
        path.write_bytes(r.read())
    return path


def _ok(*args: str) -> Any:
    proc = _extract(*args)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


@pytest.mark.parametrize("platform", ["taobao", "pharmacy", "jd"])
def test_saved_item_page_gives_the_product(platform: str, fixture_server: FixtureServer, tmp_path: Path) -> None:
    p = next(p for p in fixture_server.world.products(platform) if p.promo)
    url = fixture_server.item_url(p)
    saved = _save(url, tmp_path / "item.html")
    got = _ok("--spider", platform, str(saved), "--url", url)
    assert (got["item_id"], got["title"], got["promo"]) == (p.item_id, p.title, p.promo)
    assert got["shop_id"] == p.shop_id and "pages" not in got
    if platform != "jd":  # the JD-style page loads its price from a JSON endpoint
        assert got["price"] == p.price
    if platform == "taobao":  # 宝贝详情 pictures, from the lazy-load textarea
        prefix = url.split("/item.htm")[0]
        assert got["detail_image_urls"] == [f"{prefix}/img/desc/{p.item_id}/{i}.jpg" for i in range(6)]


def test_page_type_found_without_a_url(fixture_server: FixtureServer, tmp_path: Path) -> None:
    world = fixture_server.world
    shop = next(s for s in world.shops["taobao"] if s.uscc and s.licence_shown and not licence_as_image(s))
    saved = _save(fixture_server.shop_url(shop), tmp_path / "saved-shop-page.htm")
    got = _ok("--spider", "taobao", str(saved))
    assert got["shop_name"] == shop.name and got["uscc"] == shop.uscc
    assert got["item_urls"] and all(u.startswith("file:///") for u in got["item_urls"])
    p = next(world.products("taobao"))
    saved = _save(fixture_server.item_url(p), tmp_path / "saved.htm")
    assert _ok("--spider", "taobao", str(saved))["title"] == p.title


@pytest.mark.skipif(not REAL_JD, reason="real pages folder absent")
@pytest.mark.parametrize("path", REAL_JD, ids=lambda p: p.name)
def test_real_jd_page(path: Path) -> None:
    html = path.read_text(encoding="utf-8")
    got = _ok("--spider", "jd", str(path))
    h1 = re.search(r'<div id="name">\s*<h1[^>]*>([^<]+)</h1>', html)
    assert h1 and got["title"] == h1[1].strip()
    assert got["item_id"] == re.search(r"skuid:\s*(\d+)", html)[1]


def test_unknown_spider_and_missing_file_are_one_line_errors(tmp_path: Path) -> None:
    proc = _extract("--spider", "nope", str(tmp_path / "x.html"))
    assert proc.returncode == 2 and proc.stderr.startswith("wangjian: error: unknown spider 'nope'")
    proc = _extract("--spider", "taobao", str(tmp_path / "missing.html"))
    assert proc.returncode == 2 and "cannot read" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("platform", ["taobao", "pharmacy", "jd", "selfshop"])
def test_platform_recognised_without_spider(
    platform: str, fixture_server: FixtureServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A saved fixture page, with and without its address: the platform is recognised from the
    page's markers and read by that platform's layout (`wangjian extract` in process)."""
    from cli import main as wangjian

    def _ok(*args: str) -> Any:
        assert wangjian(["extract", *args]) == 0
        return json.loads(capsys.readouterr().out)

    p = next(iter(fixture_server.world.products(platform)))
    url = fixture_server.item_url(p)
    saved = _save(url, tmp_path / "page.html")
    for args in ([str(saved), "--url", url], [str(saved)]):
        got = _ok(*args)
        assert (got["platform"], got["page_kind"], got["recognised_by"]) == (platform, "product", "markers")
        assert (got["item_id"], got["title"]) == (p.item_id, p.title)
        assert got["sources"]["title"] == f"spider:{platform}"
        if platform != "jd":  # the JD-style page loads its price from a JSON endpoint
            assert got["price"] == p.price
    shop = next(s for s in fixture_server.world.shops[platform] if s.name)
    got = _ok(str(_save(fixture_server.shop_url(shop), tmp_path / "shop.html")), "--url", fixture_server.shop_url(shop))
    assert (got["platform"], got["page_kind"], got["shop_name"]) == (platform, "shop", shop.name)


@pytest.mark.browser
def test_saved_rendered_douyin_pages_recognised_without_spider(
    fixture_server: FixtureServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Douyin page as a browser saves it (the DOM its script drew; the served bytes are an
    empty shell), read without naming the platform or giving its address."""
    from playwright.sync_api import sync_playwright

    from cli import main as wangjian
    from reports.documents import CHROMIUM, CHROMIUM_ARGS

    p = next(iter(fixture_server.world.products("douyin")))
    shop = next(s for s in fixture_server.world.shops["douyin"] if s.shop_id == p.shop_id)
    saved = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            for name, url, ready in (("item", fixture_server.item_url(p), ".pdp .product-title"),
                                     ("shop", fixture_server.shop_url(shop), ".store-page .store-name")):  # fmt: skip
                page.goto(url)
                page.wait_for_selector(ready)
                saved[name] = tmp_path / f"{name}.html"
                saved[name].write_text(page.content(), encoding="utf-8")
        finally:
            browser.close()
    assert wangjian(["extract", str(saved["item"])]) == 0
    got = json.loads(capsys.readouterr().out)
    assert (got["platform"], got["page_kind"], got["recognised_by"]) == ("douyin", "product", "markers")
    assert (got["item_id"], got["title"], got["price"], got["shop_id"]) == (p.item_id, p.title, p.price, p.shop_id)
    assert wangjian(["extract", str(saved["shop"])]) == 0
    got = json.loads(capsys.readouterr().out)
    assert (got["platform"], got["page_kind"], got["shop_name"]) == ("douyin", "shop", shop.name)
