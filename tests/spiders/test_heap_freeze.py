"""The crawl keeps what is alive at its start out of the garbage collector's walks
(crawler.heap), and gives it back when the process's last crawl closes."""

from __future__ import annotations

import gc
from typing import Any

from scrapy.utils.test import get_crawler

from crawler.heap import HeapFreeze
from fixtures.server import FixtureServer


def test_a_crawl_freezes_its_start_up_objects_and_counts_collections(
    crawl: Any, fixture_server: FixtureServer, tmp_path
) -> None:
    p = list(fixture_server.world.products("jd"))[0]
    items, stats = crawl("jd", tmp_path, {"start_urls": fixture_server.item_url(p)})
    assert items
    # Scrapy, Twisted, lxml and the spider's own modules at least
    assert stats["wangjian/gc/frozen_objects"] > 10_000
    # the spider closes with its full collections counted and timed (none is fine in a short crawl)
    assert isinstance(stats["wangjian/gc/collections"], int) and stats["wangjian/gc/collections"] >= 0

    _, stats = crawl("jd", tmp_path, {"start_urls": fixture_server.item_url(p)}, "GC_FREEZE_ON_OPEN=False")
    assert "wangjian/gc/frozen_objects" not in stats


def _opened() -> tuple[Any, HeapFreeze]:
    crawler = get_crawler(settings_dict={"GC_FREEZE_ON_OPEN": True})
    crawler.stats.open_spider()
    return crawler, HeapFreeze.from_crawler(crawler)


def test_objects_stay_frozen_until_the_last_crawl_of_the_process_closes() -> None:
    assert gc.get_freeze_count() == 0
    first, first_ext = _opened()
    _, second_ext = _opened()
    try:
        first_ext.spider_opened()
        frozen = gc.get_freeze_count()
        assert frozen > 1_000
        # the stat is the count at the freeze; a frozen object that dies since leaves the count
        # (nothing joins it), so the count read here may be a few lower, never higher
        assert 0 <= first.stats.get_value("wangjian/gc/frozen_objects") - frozen < 100
        second_ext.spider_opened()
        gc.collect()  # collections while crawls are open are timed and counted
        first_ext.spider_closed()
        assert gc.get_freeze_count() >= frozen  # the second crawl still runs
        assert first.stats.get_value("wangjian/gc/collections") >= 1
        assert first_ext.seconds > 0.0  # a full collection takes time (the stat is rounded to ms)
        assert first.stats.get_value("wangjian/gc/seconds") == round(first_ext.seconds, 3)
        second_ext.spider_closed()
        assert gc.get_freeze_count() == 0
        assert first_ext._timed not in gc.callbacks and second_ext._timed not in gc.callbacks
    finally:
        gc.unfreeze()
