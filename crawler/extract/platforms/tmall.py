"""天猫 Tmall: PC and H5 item pages (see `crawler.extract.layouts.tmall`)."""

from __future__ import annotations

from crawler.extract.layouts import mtop_detail, tmall
from crawler.extract.layouts import taobao as detail_json
from crawler.extract.platforms.base import Platform, register
from crawler.extract.result import Reading


@register
class Tmall(Platform):
    name = "tmall"
    label = "天猫"
    priority = 2
    search = "https://list.tmall.com/search_product.htm?q={}"
    hosts = ("tmall.com", "tmall.hk", "liangxinyao.com")
    markers = (
        "TShop.Setup(",
        "tmall.com天猫",
        "天猫Tmall.com",
        "detail.tmall.com",
        "_DATA_Detail",
        "tm-price",
        "mdskip.taobao.com",
    )

    def read(self, text: str, url: str) -> list[Reading]:
        if detail_json.is_detail_json(text):  # the detail interface Taobao and Tmall share
            return [detail_json.read(text, url)]
        if (mobile := mtop_detail.response(text)) is not None:  # the mobile one, JSON(P)
            return [mtop_detail.read(mobile, url)]
        return super().read(text, url)

    def product(self, text: str, url: str) -> Reading:
        return tmall.read(text, url)
