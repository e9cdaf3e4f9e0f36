"""Any platform's pages, read by the platform each page belongs to.

The platform spiders know how to walk their platform (directories, shop grids, price
interfaces, licence pages). This spider knows none of that: for every page it fetches it
recognises the platform from the host or the page's markers (`crawler.extract.platforms`) and
reads it with that platform's layouts and the generic reader, so a monitoring task can point
it at pages of platforms that have no spider of their own (Tmall, 1688, Pinduoduo, online
pharmacies, self-built shops) or start from a keyword search.

Start points (spider arguments): ``-a start_urls=URL[,URL]`` (product, shop or listing pages)
and ``-a keywords=k1,k2`` with ``-a platforms=jd,taobao`` (the platforms whose search pages to
start from; each platform class knows its search address). Listings are followed to their
products and next page; items carry the platform's name as recognised, and the fields the
readers found."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from crawler.capture import capture
from crawler.extract.platforms import PLATFORMS, read_page
from crawler.items import ProductItem, ShopItem
from crawler.middlewares import count_malformed
from crawler.spiders._common import split_arg
from crawler.spiders._platform import build_product_item, build_shop_item


class WebSpider(scrapy.Spider):
    name = "web"

    def __init__(
        self,
        start_urls: str | list[str] | None = None,
        keywords: str | list[str] | None = None,
        platforms: str | list[str] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.start_urls = split_arg(start_urls)
        self.keywords = split_arg(keywords)
        self.platforms = split_arg(platforms)
        unknown = [p for p in self.platforms if p not in PLATFORMS]
        if unknown:
            raise ValueError(f"unknown platform(s) {unknown}; known: {sorted(PLATFORMS)}")
        if self.keywords and not self.platforms:
            raise ValueError("keywords need -a platforms=<platform,...> to search on")

    async def start(self) -> Any:
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse)
        for platform in self.platforms:
            for keyword in self.keywords:
                url = PLATFORMS[platform].search_url(keyword)
                if url:
                    yield scrapy.Request(url, callback=self.parse)

    @staticmethod
    def stays_on(platform: str, response: Response, link: str) -> bool:
        """Whether a link stays on the page's site or its platform (a crawl does not wander off
        to other sites a page links to)."""
        target = urlsplit(response.urljoin(link)).hostname or ""
        if target == urlsplit(response.url).hostname:
            return True
        cls = PLATFORMS.get(platform)
        return bool(cls and cls.owns_host(f"http://{target}/"))

    def parse(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request | ProductItem | ShopItem]:
        readings, how = read_page(response.body, response.url, response.headers.get("Content-Type"))
        self.crawler.stats.inc_value(f"wangjian/web/recognised_by/{how}")
        for ex in readings:
            data = {**ex.data, "platform": ex.platform, "url": response.url}
            links = [*(data.get("item_urls") or []), *(data.get("shop_urls") or [])]
            links += [data[k] for k in ("next_url", "shop_url") if data.get(k)]
            for url in links:  # listings, shop grids, a product's shop (the dupefilter drops repeats)
                if self.stays_on(ex.platform, response, url):
                    yield response.follow(url, callback=self.parse)
            if ex.kind == "product":
                if not data.get("item_id"):
                    data["item_id"] = response.url
                if not data.get("title"):
                    count_malformed(self.crawler, "no_product", response.url, "no title")
                    continue
                yield build_product_item(data, [capture(response)])
            elif ex.kind == "shop" and data.get("shop_name"):
                data["shop_id"] = data.get("shop_id") or response.url
                yield build_shop_item(data, [capture(response)], ("notice", "licence_text"))
