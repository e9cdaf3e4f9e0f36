"""当当 Dangdang: a B2C retailer's own site (GB2312 pages); products by the generic reader,
channel and search pages as listings."""

from __future__ import annotations

from crawler.extract.generic import extract_generic
from crawler.extract.layouts import listing
from crawler.extract.platforms.base import Platform, register
from crawler.extract.result import Reading


@register
class Dangdang(Platform):
    name = "dangdang"
    label = "当当"
    search = "https://search.dangdang.com/?key={}"
    hosts = ("dangdang.com", "ddimg.cn")
    markers = ("dangdang.com", "ddimg.cn")

    def read(self, text: str, url: str) -> list[Reading]:
        if "product.dangdang.com" in url:
            return [self.product(text, url)]
        return [listing.read(text, url, self.name)]

    def product(self, text: str, url: str) -> Reading:
        return extract_generic(text, url, self.name)
