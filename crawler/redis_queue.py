"""Scale-out on scrapy-redis: any platform spider, unchanged, shares one Redis request
queue and dupefilter with every other worker of the same job.

Setting `REDIS_URL` turns it on (`RedisAddon` switches the scheduler); each worker is
started with the same spider arguments, including `job_id`, and the shared dupefilter
makes the start pages, like every other page, crawled once whichever worker gets there
first. Keys are per spider and job (`<prefix>:<spider>:<job>:requests|dupefilter`), so
runs never mix. A worker keeps polling the shared queue while it is empty and closes when
it has stayed empty for `REDIS_IDLE_CLOSE` seconds: other workers may still be parsing
pages that add requests."""

from __future__ import annotations

import time
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler as _RedisScheduler

DEFAULT_PREFIX = "wangjian"


def keys(settings: Any, spider: Any) -> dict[str, str]:
    prefix = settings.get("REDIS_KEY_PREFIX") or DEFAULT_PREFIX
    job = getattr(spider, "job_id", None) or "shared"
    base = f"{prefix}:{spider.name}:{job}"
    return {"requests": f"{base}:requests", "dupefilter": f"{base}:dupefilter"}


class RedisAddon:
    """Scrapy add-on: with REDIS_URL set, crawl through the shared Redis scheduler."""

    def update_settings(self, settings: Any) -> None:
        if not settings.get("REDIS_URL"):
            return
        settings.set("SCHEDULER", "crawler.redis_queue.JobScheduler", "addon")
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", "addon")
        # A worker that closes must not flush the queue and dupefilter the others still use.
        settings.set("SCHEDULER_PERSIST", True, "addon")


class JobScheduler(_RedisScheduler):
    """scrapy-redis scheduler whose keys name the job, not only the spider."""

    def open(self, spider: Any) -> Any:
        names = keys(spider.settings, spider)
        self.queue_key = names["requests"]
        self.df = RFPDupeFilter(self.server, key=names["dupefilter"], debug=spider.settings.getbool("DUPEFILTER_DEBUG"))
        return super().open(spider)

    def close(self, reason: str) -> Any:
        ttl = self.spider.settings.getint("REDIS_KEY_TTL")
        if ttl > 0:
            # Finished jobs' fingerprints age out; a worker still running renews them on close.
            self.server.expire(self.df.key, ttl)
        return super().close(reason)


class RedisWorker:
    """Extension: keep an idle worker alive while the shared queue may still fill up."""

    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured
        self.idle_close = crawler.settings.getfloat("REDIS_IDLE_CLOSE")
        self.idle_since: float | None = None
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.active, signal=signals.response_received)
        crawler.signals.connect(self.active, signal=signals.request_scheduled)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisWorker:
        return cls(crawler)

    def active(self, *args: Any, **kwargs: Any) -> None:
        self.idle_since = None

    def spider_idle(self, spider: Any) -> None:
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.idle_close:
            raise DontCloseSpider
