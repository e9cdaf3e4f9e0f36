"""虾皮 Shopee: search and category pages as listings (each result also published as a
JSON-LD Product); item pages by the generic reader (their JSON-LD Product)."""

from __future__ import annotations

from crawler.extract.layouts import listing
from crawler.extract.platforms.base import Platform, register
from crawler.extract.result import Reading


@register
class Shopee(Platform):
    name = "shopee"
    label = "虾皮"
    priority = 2
    search = "https://shopee.cn/search?keyword={}"
    hosts = ("shopee.cn", "shopee.co.th", "shopee.com.my", "shopee.sg", "shopee.ph", "shopee.vn", "shopee.co.id",
             "shopee.tw", "shopee.com.br", "susercontent.com")  # fmt: skip
    markers = ("cf.shopee.", "shopee.co.th", "shopee.com.my", "shopee.sg", "shopee.tw", "data-sqe=")

    def read(self, text: str, url: str) -> list[Reading]:
        found = listing.read(text, url, self.name)
        return [found] if found.data.get("products") else super().read(text, url)
