"""The cyclic garbage collector during a crawl.

A crawl process holds a few hundred thousand long-lived objects from the moment its spider
opens: the compiled rule packs, jieba's dictionary, pydantic schemas, Scrapy, Twisted and lxml
themselves. Python's collector walks all of them again at every full collection (one every
130-odd pages on the pharmacy fixture platform, about 120 ms each), so a full pipeline crawl
spent about 8 % of its time re-proving that its rules were still alive. When the spider opens,
this extension collects once and moves everything then alive to the permanent generation
(`gc.freeze()`), which the collector does not walk; objects made during the crawl are
collected as usual. When the last crawl of the process closes, the frozen objects go back to
the oldest generation (`gc.unfreeze()`), so a process that runs crawl after crawl (tests,
a scrapyd runner) frees what a crawl left behind.

Settings: GC_FREEZE_ON_OPEN (default True). Stats: wangjian/gc/frozen_objects,
wangjian/gc/collections (full collections during the crawl) and wangjian/gc/seconds (time
spent in collections of any generation during the crawl).
"""

from __future__ import annotations

import gc
import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

_open_crawls = 0  # crawls of this process whose spider is open (gc.freeze is process-wide)


class HeapFreeze:
    def __init__(self, crawler: Any) -> None:
        self.stats = crawler.stats
        self.seconds = 0.0
        self.full = 0
        self._started = 0.0
        self._open = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> HeapFreeze:
        if not crawler.settings.getbool("GC_FREEZE_ON_OPEN", True):
            raise NotConfigured("GC_FREEZE_ON_OPEN is off")
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self) -> None:
        global _open_crawls
        gc.collect()
        gc.freeze()
        _open_crawls += 1
        self._open = True
        self.stats.set_value("wangjian/gc/frozen_objects", gc.get_freeze_count())
        gc.callbacks.append(self._timed)

    def spider_closed(self) -> None:
        global _open_crawls
        if not self._open:
            return
        self._open = False
        gc.callbacks.remove(self._timed)
        _open_crawls -= 1
        if _open_crawls == 0:
            gc.unfreeze()
        self.stats.set_value("wangjian/gc/collections", self.full)
        self.stats.set_value("wangjian/gc/seconds", round(self.seconds, 3))

    def _timed(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        self.seconds += time.perf_counter() - self._started
        if info.get("generation") == 2:
            self.full += 1
