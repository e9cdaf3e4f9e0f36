"""Helpers for spider tests: run a real `scrapy crawl` in a subprocess (Twisted reactors do
not restart in one process) with a JSON Lines feed and no item pipelines, and read the items."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
REAL_PAGES = ROOT.parent / "shared" / "reference" / "real-pages"


def run_spider(
    spider: str, tmp_path: Path, args: dict[str, str], *settings: str, timeout: float = 120
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Crawl with `spider`; return (items with page bodies decoded to bytes, stats)."""
    out = tmp_path / f"{spider}-{len(list(tmp_path.iterdir()))}.jsonl"
    cmd = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        spider,
        "-O",
        f"{out}:jsonl",
        "-s",
        "ITEM_PIPELINES={}",
        "-s",
        "LOG_LEVEL=INFO",
        "-s",
        "TELNETCONSOLE_ENABLED=0",
        "-s",
        'FEED_EXPORTERS={"jsonl": "crawler.capture.JsonLinesBytesExporter"}',
    ]
    for k, v in args.items():
        cmd += ["-a", f"{k}={v}"]
    for s in settings:
        cmd += ["-s", s]
    proc = subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT)}
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
    for item in items:
        for page in item.get("pages", []):
            page["body"] = base64.b64decode(page["body"])
    return items, _stats(proc.stderr)


def _stats(log: str) -> dict[str, Any]:
    """Counters from the 'Dumping Scrapy stats' block of the log (name → int)."""
    stats: dict[str, Any] = {}
    for line in log.split("Dumping Scrapy stats:", 1)[-1].splitlines():
        line = line.strip(" {},")
        if line.startswith("'") and ": " in line:
            key, _, value = line.partition(": ")
            value = value.rstrip(",}")
            if value.isdigit():
                stats[key.strip("'")] = int(value)
    return stats


@pytest.fixture(scope="session")
def crawl() -> Callable[..., tuple[list[dict[str, Any]], dict[str, Any]]]:
    return run_spider


def crawl_platform(
    platform: str, server: Any, tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A crawl of the whole platform from its start URLs: (items, stats)."""
    return run_spider(
        platform, tmp_path_factory.mktemp(platform), {"start_urls": ",".join(server.start_urls(platform))}
    )


def split_items(items: list[dict[str, Any]]) -> tuple[dict[str, dict], dict[str, dict]]:
    """Crawled items as (shops by shop_id, products by item_id)."""
    shops = {i["shop_id"]: i for i in items if "item_id" not in i}
    products = {i["item_id"]: i for i in items if "item_id" in i}
    return shops, products


def assert_planted_text(products: dict[str, dict], world: Any, platform: str) -> int:
    """Assert every planted term of a text field (or promo line) is in the crawled product;
    return how many were checked."""
    checked = 0
    for p in world.products(platform):
        for pl in p.planted:
            if pl.term and pl.field in ("title", "subtitle", "description", "terms", "price_text"):
                assert pl.term in (products[p.item_id][pl.field] or ""), (p.item_id, pl)
                checked += 1
            elif pl.term and pl.field == "promo":
                assert any(pl.term in x for x in products[p.item_id]["promo"])
                checked += 1
    return checked


def top_category_search(world: Any, platform: str) -> tuple[str, set[str]]:
    """The platform's most common top-level category as a search keyword, and the ids of the
    products whose title or category path contains it."""
    tops = Counter(p.category_path.split(">")[0] for p in world.products(platform))
    keyword = tops.most_common(1)[0][0]
    return keyword, {p.item_id for p in world.products(platform) if keyword in f"{p.title} {p.category_path}"}


@pytest.fixture(scope="session")
def jd_crawl(fixture_server: Any, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """One whole-platform crawl of the JD-style fixture, shared by the tests that read it."""
    return crawl_platform("jd", fixture_server, tmp_path_factory)[0]
