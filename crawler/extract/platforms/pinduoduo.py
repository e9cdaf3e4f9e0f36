"""拼多多 Pinduoduo: goods pages drawn from ``window.rawData``; search and category lists of
goods (interface JSON, or a search page's inline data)."""

from __future__ import annotations

from crawler.extract.layouts import pinduoduo
from crawler.extract.platforms.base import Platform, register
from crawler.extract.result import Reading


@register
class Pinduoduo(Platform):
    name = "pinduoduo"
    label = "拼多多"
    priority = 2
    search = "https://mobile.yangkeduo.com/search_result.html?search_key={}"
    hosts = ("yangkeduo.com", "pinduoduo.com", "pddpic.com")
    markers = ("window.rawData", "yangkeduo.com", "拼多多")

    def read(self, text: str, url: str) -> list[Reading]:
        if (found := pinduoduo.read_listing(text, url)) is not None:
            return [found]
        return super().read(text, url)

    def product(self, text: str, url: str) -> Reading:
        return pinduoduo.read(text, url)
