"""Reactor responsiveness as a crawl stat: a LoopingCall every REACTOR_LAG_INTERVAL seconds
notes how late it ran. A late tick means something held the reactor thread (a blocking call
in a pipeline or a spider callback) and every download, timer and item waited for it.
Stats: wangjian/reactor/max_lag_ms and wangjian/reactor/ticks."""

from __future__ import annotations

import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task


class ReactorLag:
    def __init__(self, crawler: Any, interval: float) -> None:
        self.stats = crawler.stats
        self.interval = interval
        self.max_lag = 0.0
        self.ticks = 0
        self._last = 0.0
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ReactorLag:
        interval = crawler.settings.getfloat("REACTOR_LAG_INTERVAL", 0.0)
        if interval <= 0:
            raise NotConfigured("REACTOR_LAG_INTERVAL is 0")
        ext = cls(crawler, interval)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self) -> None:
        self._last = time.monotonic()
        self._loop = task.LoopingCall(self._tick)
        self._loop.start(self.interval, now=False)

    def _tick(self) -> None:
        now = time.monotonic()
        lag = max(0.0, now - self._last - self.interval)
        self._last = now
        self.ticks += 1
        if lag > self.max_lag:
            self.max_lag = lag
            self.stats.set_value("wangjian/reactor/max_lag_ms", round(lag * 1000, 1))
        self.stats.set_value("wangjian/reactor/ticks", self.ticks)

    def spider_closed(self) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
