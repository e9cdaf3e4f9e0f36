"""1688 (阿里巴巴批发): offer details from the offer-detail interface (JSON) or offer pages."""

from __future__ import annotations

from crawler.extract.layouts import alibaba, listing
from crawler.extract.platforms.base import Platform, register
from crawler.extract.result import Reading


@register
class Alibaba1688(Platform):
    name = "1688"
    label = "1688"
    priority = 2
    search = "https://s.1688.com/selloffer/offer_search.htm?keywords={}"
    hosts = ("1688.com",)
    # search pages: offer cards tracked by offer id, linked through the ad redirect
    markers = ("tdmod-od-pc", '"offerTitle"', "detail.1688.com", "winport.m.1688.com", "var iDetailConfig",
               listing.ALIBABA_OFFER_CARD, "dj.1688.com/ci_bb")  # fmt: skip

    def read(self, text: str, url: str) -> list[Reading]:
        if alibaba.is_offer_json(text):
            return [alibaba.read(text, url)]
        context = alibaba.page_context(text)
        if context is not None:  # offer pages since about 2023
            return [self.fill(alibaba.read_context(context, url), text)]
        if "iDetailConfig" in text:  # offer pages of about 2016-2021
            return [self.fill(alibaba.read_page_html(text, url), text)]
        return super().read(text, url)
