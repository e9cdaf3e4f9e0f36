"""淘宝 Taobao: item pages as the taobao spider reads them (its layout covers the real C-shop
page and the fixture platform), with price ranges kept whole; item details from the PC detail
interface (JSON, `crawler.extract.layouts.taobao`), also inline in item pages of 2024 on, and
from the mobile detail interface (`mtop.taobao.detail.getdetail`, JSON or JSONP,
`crawler.extract.layouts.mtop_detail`);
search pages as listings."""

from __future__ import annotations

from crawler.extract.generic import parse, put_attributes
from crawler.extract.layouts import mtop_detail, tmall
from crawler.extract.layouts import taobao as detail_json
from crawler.extract.layouts._dom import css_text
from crawler.extract.platforms.base import Platform, register
from crawler.extract.result import Reading, price_range


@register
class Taobao(Platform):
    name = "taobao"
    label = "淘宝"
    priority = 2
    search = "https://s.taobao.com/search?q={}"
    hosts = ("taobao.com", "tb.cn")
    markers = ("-淘宝网</title>", 'id="J_Title"', "tb-main-title", "g_page_config", "item.taobao.com", "g_config",
               '"mtop.taobao.pcdetail.data.get"', "mtop.taobao.detail.getdetail", '"wdetail"')  # fmt: skip
    spider = "taobao"

    def read(self, text: str, url: str) -> list[Reading]:
        if detail_json.is_detail_json(text):
            return [detail_json.read(text, url)]
        if (mobile := mtop_detail.response(text)) is not None:  # the mobile detail interface, JSON(P)
            return [mtop_detail.read(mobile, url)]
        if (data := detail_json.page_data(text)) is not None:  # item pages of 2024 on
            return [self.fill(detail_json.read_data(data, url), text)]
        out = self.read_with_spider(text, url)
        for ex in out:
            if ex.kind == "product":
                shown = css_text(parse(text), "#J_StrPrice .tb-rmb-num") or css_text(parse(text), "#J_PromoPriceNum")
                low, high = price_range(shown)
                if high is not None and low == ex.data.get("price"):
                    ex.put("price_max", high, "taobao:price")
                    ex.data["price_text"] = f"¥{low:.2f}-{high:.2f}"
        return out

    def complete(self, ex: Reading, text: str) -> Reading:
        """The item page's parameter list (``#attributes ul.attributes-list``, "品牌:&nbsp;某某"
        lines) as ``attributes``, with the drug facts among them."""
        if ex.kind == "product" and (attrs := tmall.attributes(parse(text))):
            ex.put("attributes", attrs, "taobao:attributes")
            put_attributes(ex, attrs, "taobao:attributes")
        return ex
