"""京东 JD: item pages as the jd spider reads them (real jd.com pages and the fixture platform;
the price comes from the price interface when crawling), search pages as listings. 京东大药房
pages are JD pages: the generic reader adds their drug facts. Mobile item pages
(item.m.jd.com) are read from the data they carry (`crawler.extract.layouts.jd_mobile`); PC item
pages add their parameter tables (商品介绍, 规格与包装) and category flags
(`crawler.extract.layouts.jd_pc`)."""

from __future__ import annotations

from crawler.extract.layouts import jd_mobile, jd_pc, listing
from crawler.extract.platforms.base import Platform, register
from crawler.extract.result import Reading


@register
class Jd(Platform):
    name = "jd"
    label = "京东"
    priority = 2
    search = "https://search.jd.com/Search?keyword={}&enc=utf-8"
    #: 京东大药房 item pages are served from item.yiyaojd.com, 京东健康 from jingdonghealth.cn and jkcsjd.com.
    hosts = ("jd.com", "jd.hk", "3.cn", "jkcsjd.com", "yiyaojd.com", "jingdonghealth.cn")
    markers = ("pageConfig", "360buyimg.com", "J_goodsList", "item.jd.com", "window._itemOnly")
    spider = "jd"

    def read(self, text: str, url: str) -> list[Reading]:
        from crawler.spiders.jd import page_kind

        if jd_mobile.is_mobile_item(text):  # item.m.jd.com: the data the page is drawn from
            return [self.fill(jd_mobile.read(text, url), text)]
        if listing.looks_like_listing(text) and page_kind(url) not in ("shop", "licence", "item"):
            return [listing.read(text, url, self.name)]  # search pages carry a pageConfig too
        return self.read_with_spider(text, url)

    def complete(self, ex: Reading, text: str) -> Reading:
        return jd_pc.complete(ex, text)
