"""抖音电商 Douyin shops: pages drawn by script, read from the rendered DOM (the douyin spider's
layout for the shop and product pages it knows, the generic reader otherwise)."""

from __future__ import annotations

from crawler.extract.platforms.base import Platform, register
from crawler.extract.result import Reading


@register
class Douyin(Platform):
    name = "douyin"
    label = "抖音电商"
    priority = 2
    hosts = ("jinritemai.com", "douyin.com", "haohuo.snssdk.com")
    markers = ('class="pdp"', 'class="store-page"', "jinritemai", "douyinpic.com")
    spider = "douyin"

    def read(self, text: str, url: str) -> list[Reading]:
        found = self.read_with_spider(text, url) if ('class="pdp"' in text or 'class="store-page"' in text) else []
        return found or super().read(text, url)

    def product(self, text: str, url: str) -> Reading:
        return Reading(platform=self.name, kind="product", url=url)
