"""Layout drift: noticing that a platform changed its markup and a spider silently stopped
finding a field.

`LayoutDrift` (a Scrapy extension) counts, per platform and page kind, the pages that yielded
an item and, per watched field, the pages where that field was found:
``wangjian/fields/<platform>/<kind>/pages`` and ``wangjian/fields/<platform>/<kind>/<field>``.
These are crawl stats, so they are stored with the crawl job (`crawler.jobs`) and shown by
`wangjian task list` and the report (`field_shares`).

A field whose share falls below its threshold (``DRIFT_MIN_SHARE``, e.g. price on fewer than
80 % of product pages) raises an alarm: over the last ``DRIFT_WINDOW`` pages while the crawl
runs (a redesign rolled out mid-crawl shows at once) and over the whole crawl when it closes
(once it has seen ``DRIFT_MIN_PAGES`` pages). An alarm is logged as an error, counted
(``wangjian/drift/alerts``) and, for a recorded crawl (one with a job id), written to the
``alerts`` collection for downstream systems (`ALERT_FIELDS`; one document per job, platform,
kind and field, updated rather than duplicated)."""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict, deque
from typing import Any

from itemadapter import ItemAdapter
from pymongo.errors import PyMongoError

from crawler.items import ProductItem, ShopItem
from store.models import utcnow

log = logging.getLogger(__name__)

PREFIX = "wangjian/fields/"
DEFAULT_FIELDS = {"product": ("title", "price", "shop_name"), "shop": ("shop_name",)}
DEFAULT_MIN_SHARE = {"product": {"title": 0.95, "price": 0.8, "shop_name": 0.8}, "shop": {"shop_name": 0.95}}
#: The alert document, as downstream systems read it (collection `alerts`).
ALERT_FIELDS = {
    "_id": "hex SHA-256 of job id, platform, page kind and field",
    "kind": '"layout_drift"',
    "platform": "platform name (taobao, jd, pharmacy …)",
    "page_kind": '"product" or "shop"',
    "field": "the item field that went missing (title, price, shop_name …)",
    "share": "share of pages where the field was found, 0..1",
    "threshold": "the share below which the alarm is raised",
    "pages": "pages the share was measured on",
    "scope": '"window" (the last DRIFT_WINDOW pages, while crawling) or "crawl" (the whole crawl, at its end)',
    "spider": "spider name",
    "job_id": "the crawl job (collection crawl_jobs)",
    "task_id": "the monitoring task, when the crawl ran for one",
    "message": "one line in Chinese for monitoring staff",
    "first_raised": "UTC time of the first alarm",
    "raised_at": "UTC time of the latest alarm",
    "status": '"open" when raised; downstream systems may set their own values',
}


def field_shares(stats: dict[str, Any]) -> dict[str, dict[str, dict[str, Any]]]:
    """{platform: {kind: {"pages": n, field: share, …}}} from crawl stats (live or stored;
    stored stats may have their slashes intact and dots replaced)."""
    out: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for key, value in stats.items():
        if not key.startswith(PREFIX) or not isinstance(value, int | float):
            continue
        parts = key[len(PREFIX) :].split("/")
        if len(parts) == 3:
            counts[(parts[0], parts[1])][parts[2]] = int(value)
    for (platform, kind), fields in sorted(counts.items()):
        pages = fields.pop("pages", 0)
        if pages:
            out[platform][kind] = {"pages": pages, **{f: round(n / pages, 4) for f, n in sorted(fields.items())}}
    return dict(out)


def format_shares(shares: dict[str, dict[str, dict[str, Any]]], kind: str = "product") -> str:
    """ "jd price 98% title 100% shop_name 97% (n=120)", one platform after another."""
    parts = []
    for platform, kinds in shares.items():
        found = kinds.get(kind)
        if found:
            cells = " ".join(f"{f} {v:.0%}" for f, v in found.items() if f != "pages")
            parts.append(f"{platform} {cells} (n={found['pages']})")
    return "; ".join(parts)


def alert_id(job_id: str, platform: str, kind: str, field: str) -> str:
    return hashlib.sha256(f"{job_id}\x1f{platform}\x1f{kind}\x1f{field}".encode()).hexdigest()


class LayoutDrift:
    """Scrapy extension: field-found stats per platform and the drift alarm (module doc)."""

    def __init__(self, crawler: Any) -> None:
        from scrapy import signals

        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.fields = {k: tuple(settings.getlist(f"DRIFT_{k.upper()}_FIELDS") or v) for k, v in DEFAULT_FIELDS.items()}
        configured = settings.getdict("DRIFT_MIN_SHARE")
        self.min_share = {k: {**v, **(configured.get(k) or {})} for k, v in DEFAULT_MIN_SHARE.items()}
        self.window = settings.getint("DRIFT_WINDOW", 40)
        self.min_pages = settings.getint("DRIFT_MIN_PAGES", 20)
        self.recent: dict[tuple[str, str, str], deque[bool]] = defaultdict(lambda: deque(maxlen=self.window))
        self.raised: set[tuple[str, str, str]] = set()
        self.store: Any = None
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> LayoutDrift:
        return cls(crawler)

    def item_scraped(self, item: Any, spider: Any) -> None:
        item = getattr(item, "item", item)  # the pipelines hand on an envelope around the item
        kind = "product" if isinstance(item, ProductItem) else "shop" if isinstance(item, ShopItem) else None
        if kind is None:
            return
        adapter = ItemAdapter(item)
        platform = adapter.get("platform") or spider.name
        base = f"{PREFIX}{platform}/{kind}/"
        self.stats.inc_value(base + "pages")
        thresholds = self.min_share[kind]
        for field in self.fields[kind]:
            found = adapter.get(field) not in (None, "", [])
            if found:
                self.stats.inc_value(base + field)
            if field not in thresholds:
                continue
            recent = self.recent[(platform, kind, field)]
            recent.append(found)
            if len(recent) == self.window and (platform, kind, field) not in self.raised:
                share = sum(recent) / self.window
                if share < thresholds[field]:
                    self.alarm(spider, platform, kind, field, share, self.window, "window")

    def closed(self, spider: Any, reason: str) -> None:
        shares = field_shares(self.stats.get_stats())
        for platform, kinds in shares.items():
            for kind, found in kinds.items():
                for field, threshold in self.min_share.get(kind, {}).items():
                    share = found.get(field, 0.0)
                    if found["pages"] >= self.min_pages and share < threshold:
                        self.alarm(spider, platform, kind, field, share, found["pages"], "crawl")
        if self.store is not None:
            self.store.close()

    def alarm(self, spider: Any, platform: str, kind: str, field: str, share: float, pages: int, scope: str) -> None:
        threshold = self.min_share[kind][field]
        key = (platform, kind, field)
        first = key not in self.raised
        self.raised.add(key)
        message = (
            f"页面结构疑似变化：{platform} {'商品' if kind == 'product' else '店铺'}页 {field} 提取率 {share:.0%}"
            f"（阈值 {threshold:.0%}，{pages} 页，{'最近' if scope == 'window' else '全程'}）"
        )
        log.error("layout drift on %s %s pages: %s found on %.0f%% of %d pages (threshold %.0f%%, %s)",
                  platform, kind, field, share * 100, pages, threshold * 100, scope)  # fmt: skip
        if first:
            self.stats.inc_value("wangjian/drift/alerts")
        self.stats.set_value(f"wangjian/drift/{platform}/{kind}/{field}", round(share, 4))
        job_id = getattr(spider, "job_id", None)
        if not job_id:
            return  # an unrecorded crawl (extraction checks without a store): the log and stats say it
        now = utcnow()
        doc = {"kind": "layout_drift", "platform": platform, "page_kind": kind, "field": field,
               "share": round(share, 4), "threshold": threshold, "pages": pages, "scope": scope,
               "spider": spider.name, "job_id": job_id, "task_id": getattr(spider, "task_id", None),
               "message": message, "raised_at": now}  # fmt: skip
        try:
            if self.store is None:
                from store.database import Store

                self.store = Store.from_settings(self.crawler.settings)
            self.store.db["alerts"].update_one(
                {"_id": alert_id(job_id, platform, kind, field)},
                {"$set": doc, "$setOnInsert": {"first_raised": now, "status": "open"}},
                upsert=True,
            )
        except PyMongoError as exc:
            log.warning("layout drift alert not stored: %s", exc)
