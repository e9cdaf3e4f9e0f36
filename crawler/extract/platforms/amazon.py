"""亚马逊 Amazon: item pages of its stores (see `crawler.extract.layouts.amazon`)."""

from __future__ import annotations

from crawler.extract.layouts import amazon
from crawler.extract.platforms.base import Platform, register
from crawler.extract.result import Reading


@register
class Amazon(Platform):
    name = "amazon"
    label = "亚马逊"
    priority = 2
    search = "https://www.amazon.cn/s?k={}"
    hosts = ("amazon.cn", "amazon.com", "amazon.co.uk", "amazon.de", "amazon.fr", "amazon.it", "amazon.es",
             "amazon.co.jp", "amazon.ca", "amazon.com.au", "amazon.in", "amazon.com.mx", "amazon.com.br")  # fmt: skip
    markers = ("images-amazon.com", "AmazonUIPageJS", 'id="nav-logo', "var ue_t0")

    def product(self, text: str, url: str) -> Reading:
        return amazon.read(text, url)
