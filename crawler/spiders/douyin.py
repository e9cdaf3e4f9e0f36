"""Douyin-style live-commerce shop spider. Every page is an empty shell filled in by script,
so every request is rendered in the browser (scrapy-playwright); fields are read from the
rendered DOM, checkout options' checked state from the live DOM, and shop and product pages
keep a full-page screenshot.

Start points (spider arguments): ``-a start_urls=URL[,URL]`` (shop street, store, product or
search URLs), ``-a keywords=k1,k2`` with ``-a base_url=`` (the platform root, e.g.
http://127.0.0.1:8800/douyin).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import scrapy
from parsel import Selector, SelectorList
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler import browser
from crawler.items import ProductItem, ShopItem
from crawler.middlewares import count_malformed
from crawler.settings import PLAYWRIGHT_DOWNLOAD_HANDLERS
from crawler.spiders._common import (
    absolute,
    clean,
    fill_from_labels,
    first,
    lazy_src,
    listing_links,
    parse_price,
    text_of,
)
from crawler.spiders._platform import Extraction, PlatformSpider, build_product_item, build_shop_item, saved_item
from rules.document import Option

PLATFORM = "douyin"
RENDERED = "#root[data-rendered]"
_STORE_RE = re.compile(r"/store/(\d+)$")
_LICENCE_FIELDS = {
    "统一社会信用代码": "uscc", "企业名称": "operator_name", "经营者": "operator_name", "住所": "address",
    "经营场所": "address", "经营地址": "address", "医疗器械经营许可证": "device_licence_no",
    "药品经营许可证": "drug_licence_no", "互联网药品信息服务资格证书": "internet_drug_info_cert",
}  # fmt: skip
_PARAM_FIELDS = {
    "商品类目": "category", "备案编号": "cosmetic_filing_no", "注册证编号": "device_licence_no",
    "批准文号": "drug_approval_no",
}  # fmt: skip

#: Listing selectors: item links, shop links, next page.
_LISTING_LINKS = ("a.goods-card::attr(href)", ".shop-list a.shop-link::attr(href)", "a.next-page::attr(href)")


# ---- pure extraction (rendered DOM in, dicts out) ----------------------------------------------


def page_kind(url: str) -> str:
    """product | store | listing, from the URL alone."""
    path = urlsplit(url).path
    if path.endswith("/views/product/detail"):
        return "product"
    return "store" if _STORE_RE.search(path) else "listing"


def _texts(sel: SelectorList) -> list[str]:
    return [t for t in (text_of(s) for s in sel) if t]


def _detail_images(pdp: SelectorList, url: str) -> list[str]:
    """商品详情 pictures in page order (the rendered DOM; lazy-load attributes first)."""
    out = []
    for img in pdp.css(".pdp-detail img"):
        if src := lazy_src(img.attrib):
            out.append(absolute(url, src))
    return list(dict.fromkeys(out))


def extract_product(html: str, url: str) -> dict[str, Any]:
    sel = Selector(text=html, type="html")
    pdp = sel.css(".pdp")
    item_id = pdp.attrib.get("data-product-id") or (parse_qs(urlsplit(url).query).get("id") or [None])[0]
    params = {text_of(tr.css("th")): text_of(tr.css("td")) for tr in pdp.css(".param-table tr")}
    price = parse_price(text_of(pdp.css(".price-now")))
    origin = parse_price(text_of(pdp.css(".price-origin")))
    original = origin if origin is not None and price is not None and origin > price else None
    options, inputs = [], []
    for li in pdp.css(".service-item"):
        options.append(
            Option(
                label=text_of(li.css(".service-name")),
                checked=bool(li.css("input[checked]")),
                price=parse_price(li.attrib.get("data-price")),
            )
        )
        inputs.append(li.css("input::attr(name)").get() or "")
    shop_href = pdp.css(".shop-card::attr(href)").get()
    out: dict[str, Any] = {
        "platform": PLATFORM, "item_id": item_id, "url": url, "title": first(text_of(pdp.css(".product-title"))),
        "subtitle": first(text_of(pdp.css(".selling-point"))),
        "shop_id": pdp.css(".shop-card::attr(data-shop-id)").get(),
        "shop_name": first(text_of(pdp.css(".shop-card-name"))),
        "promo": _texts(pdp.css(".promo-tag")),
        "price": price, "original_price": original,
        "price_text": None if price is None else f"¥{price:.2f}" + (f" 原价¥{original:.2f}" if original else ""),
        "description": first("\n".join(_texts(pdp.css(".detail-text p")))),
        "terms": first("\n".join(_texts(pdp.css(".after-sale-desc p")))),
        "options": options, "option_inputs": inputs,
        "detail_image_urls": _detail_images(pdp, url),
        "shop_url": absolute(url, shop_href) if shop_href else None,
    }  # fmt: skip
    return fill_from_labels(out, params, _PARAM_FIELDS)


def extract_store(html: str, url: str) -> dict[str, Any]:
    sel = Selector(text=html, type="html")
    store = sel.css(".store-page")
    m = _STORE_RE.search(urlsplit(url).path)
    qual = store.css("#shop-qualification")
    out: dict[str, Any] = {
        "platform": PLATFORM, "url": url, "shop_id": store.attrib.get("data-shop-id") or (m[1] if m else None),
        "shop_name": first(text_of(store.css(".store-name"))), "notice": first(text_of(store.css(".store-notice"))),
        "licence_text": first(text_of(qual, "\n")),
        "self_declaration": first(text_of(qual.css(".self-declaration"))),
    }  # fmt: skip
    for row in qual.css(".qual-row"):
        key, value = text_of(row.css(".qual-label")), text_of(row.css(".qual-value"))
        if key in _LICENCE_FIELDS and value and not out.get(_LICENCE_FIELDS[key]):
            out[_LICENCE_FIELDS[key]] = value
    out["shop_info"] = "\n".join(x for x in (out["notice"], out["licence_text"]) if x) or None
    out.update(extract_listing(html, url))
    return out


def extract_listing(html: str, url: str) -> dict[str, Any]:
    """Item, shop and next-page links."""
    return listing_links(Selector(text=html, type="html"), url, *_LISTING_LINKS)


def extract_page(html: str | bytes, url: str) -> list[dict[str, Any]]:
    """Items on a saved, rendered page (product or store) as JSON-ready dicts; [] for
    listings and for the bare shell (it has no content before script runs)."""
    text = html.decode("utf-8", errors="replace") if isinstance(html, bytes) else html
    if 'class="pdp"' in text:
        return saved_item(build_product_item(extract_product(text, url)))
    if 'class="store-page"' in text:
        return saved_item(build_shop_item(extract_store(text, url)))
    return []


# ---- spider ----------------------------------------------------------------------------------


class DouyinSpider(PlatformSpider):
    name = "douyin"
    platform = PLATFORM
    extraction = Extraction(page_kind, extract_product, extract_store, extract_listing, extract_page)
    custom_settings = {"DOWNLOAD_HANDLERS": PLAYWRIGHT_DOWNLOAD_HANDLERS}
    item_kind = "product"
    shop_kind = "store"

    def request(self, url: str, kind: str, **meta: Any) -> scrapy.Request:
        """Every page is rendered; listings need no screenshot, products need the form state."""
        return scrapy.Request(
            url,
            callback=getattr(self, f"parse_{kind}"),
            errback=self.render_failed,
            meta=browser.render_meta(RENDERED, keep_page=kind != "listing", form_state=kind == "product", **meta),
        )

    def follow(self, response: Response, url: str, kind: str, **meta: Any) -> scrapy.Request:
        return self.request(url, kind, **meta)

    async def parse_store(self, response: Response) -> AsyncIterator[scrapy.Request | ShopItem]:
        rendered = await browser.finish(response, self.crawler.stats)
        data = extract_store(response.text, response.url)
        for request in self.follow_products(response, data):
            yield request
        if response.meta.get("shop_page_only"):
            return  # later pages of the goods grid: the shop itself was taken from page 1
        if not data.get("shop_name"):
            count_malformed(self.crawler, "no_shop", response.url, self._nothing_rendered(response))
            return
        yield build_shop_item(data, [browser.browser_capture(response, rendered)])

    async def parse_product(self, response: Response) -> AsyncIterator[scrapy.Request | ProductItem]:
        rendered = await browser.finish(response, self.crawler.stats)
        data = extract_product(response.text, response.url)
        if not data.get("item_id") or not data.get("title"):
            count_malformed(self.crawler, "no_product", response.url, self._nothing_rendered(response))
            return
        live = browser.form_state(response)
        data["options"] = [
            o.model_copy(update={"checked": live.get(name, o.checked)})
            for o, name in zip(data["options"], data["option_inputs"], strict=True)
        ]
        for request in self.follow_shop(response, data):
            yield request
        yield build_product_item(data, [browser.browser_capture(response, rendered)])

    async def render_failed(self, failure: Failure) -> None:
        await browser.abandon(failure, self.crawler.stats)
        self.crawler.stats.inc_value("wangjian/render_failed")
        self.logger.warning("render failed: %s", failure.getErrorMessage())

    @staticmethod
    def _nothing_rendered(response: Response) -> str:
        marker = Selector(text=response.text, type="html").css(RENDERED)  # a JSON answer is no page either
        return f"nothing rendered ({clean(marker.attrib.get('data-rendered'))})"
