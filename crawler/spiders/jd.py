"""JD-style B2C marketplace spider.

Start points (spider arguments): ``-a start_urls=URL[,URL]`` (shop directory, shop, listing /
search, licence or item URLs), ``-a keywords=k1,k2`` with ``-a base_url=`` (the platform root,
e.g. http://127.0.0.1:8800/jd). Item prices come from the price JSON endpoint the item page
calls (``/prices/mgets?skuIds=J_<sku>``, like p.3.cn).

Extraction functions are pure (HTML in, dict out) so saved pages can be re-extracted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import scrapy
from parsel import Selector
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.capture import capture
from crawler.charset import decode_html
from crawler.items import PageCapture, ProductItem, ShopItem
from crawler.middlewares import count_malformed
from crawler.spiders import _platform
from crawler.spiders._common import (
    Doc,
    absolute,
    clean,
    fill_from_labels,
    first,
    first_of,
    js_string,
    listing_links,
    loaded,
    parse_price,
    text_of,
)
from crawler.spiders._platform import Extraction, PlatformSpider, build_product_item
from rules.document import Option

PLATFORM = "jd"
_ITEM_RE = re.compile(r"/(?:item/|product/)?(\d+)\.html$")
_SHOP_RE = re.compile(r"/shop/(\d+)\.html$|/index-(\d+)\.html$")
_LICENCE_RE = re.compile(r"/shop/(\d+)/licence\.html$|/showLicence-(\d+)\.html$")
_USCC_RE = re.compile(r"\b[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}\b")
_LICENCE_FIELDS = {
    "统一社会信用代码": "uscc", "企业名称": "operator_name", "名称": "operator_name", "经营者": "operator_name",
    "住所": "address", "经营场所": "address", "经营地址": "address", "药品经营许可证": "drug_licence_no",
    "互联网药品信息服务资格证书": "internet_drug_info_cert", "医疗器械经营许可证": "device_licence_no",
    "医疗器械经营备案凭证": "device_licence_no",
}  # fmt: skip
_PARAM_FIELDS = {"批准文号": "drug_approval_no", "注册证编号": "device_licence_no", "备案编号": "cosmetic_filing_no"}

#: Listing selectors: item links, shop links, next page.
_LISTING_LINKS = (
    "#J_goodsList li.gl-item .p-name a::attr(href)",
    "#shop-list .shop-name a::attr(href)",
    "a.pn-next::attr(href)",
)


# ---- pure extraction -------------------------------------------------------------------------


def page_kind(url: str) -> str:
    """item | shop | licence | directory | listing, from the URL alone."""
    path = urlsplit(url).path
    if _LICENCE_RE.search(path):
        return "licence"
    if _SHOP_RE.search(path):
        return "shop"
    if path.endswith("/shops.html"):
        return "directory"
    if path.endswith(("/search", "/list.html", "/Search")):
        return "listing"
    return "item" if _ITEM_RE.search(path) else "listing"


def _page_config(doc: Doc) -> str:
    for script in doc.root.iter("script"):
        text = script.text or ""
        if "pageConfig" in text and "product" in text:
            return text
    return ""


def _in(doc: Doc, css: str, *scopes: str | None) -> list:
    """Elements matching `css` in the first id scope that has any (None: whole document)."""
    for scope in scopes:
        found = doc.css(css, scope)
        if found:
            return found
    return []


def _crumbs(doc: Doc) -> str | None:
    links = _in(doc, ".breadcrumb a", "crumb-wrap", None)
    cats = [a for a in links if re.search(r"mbNav-[1-3]\b", a.get("clstag") or "")]
    names = [clean("".join(a.itertext())) for a in (cats or links[:3])]
    return ">".join(n for n in names if n) or None


def _parameters(doc: Doc) -> list[Any]:
    """The item's parameter lines: ``ul#parameter2`` until about 2016, ``ul.parameter2`` after."""
    return doc.css("li", "parameter2") or doc.root.cssselect("ul.parameter2 > li")


def _label(li: Any) -> str:
    names = [el for el in li.iter() if "name" in (el.get("class") or "").split()]
    return clean("".join((names[0] if names else li).itertext()))


def extract_product(html: str, url: str) -> dict[str, Any]:
    """Fields of a JD-style item page. Works on fixture pages and on saved jd.com pages
    (title from <h1>, `.sku-name`, pageConfig or <title>; price when the page carries one)."""
    doc = Doc(html)
    config = _page_config(doc)
    sku = re.search(r"\bskuid\s*:\s*['\"]?(\d+)", config) or _ITEM_RE.search(urlsplit(url).path)
    sku_id = sku[1] if sku else None
    title_tag = next((t.text or "" for t in doc.root.iter("title")), "")
    title = first_of(
        lambda: doc.text("h1", "name"), lambda: doc.text(".sku-name"), lambda: js_string(config, "name"),
        lambda: re.sub(r"【[^】]*】-京东\s*$|-京东\s*$", "", title_tag),
    )  # fmt: skip
    price_text = first_of(
        lambda: doc.id_text("jd-price"), lambda: doc.text(f".J-p-{sku_id}", "summary-price") if sku_id else None,
        lambda: doc.text(".summary-price .p-price .price"),
    )  # fmt: skip
    shop_name = first_of(
        lambda: doc.attr(".seller-infor a.name", "title", "extInfo"), lambda: doc.text(".seller-infor a.name"),
        lambda: doc.text(".J-hove-wrap .name a"), lambda: doc.text(".popbox-inner .mt h3 a"),
        lambda: doc.text(".shopName strong span a"),
        lambda: clean("".join(t for li in _parameters(doc) if "店铺" in "".join(li.itertext())
                              for a in li.iter("a") for t in a.itertext())),
        lambda: "京东自营" if doc.css(".u-jd", "extInfo") or doc.css(".seller-infor .u-jd") else None,
    )  # fmt: skip
    shop_id = re.search(r"\bshopId\s*:\s*['\"]?(\d+)", config)
    params: dict[str, str] = {}
    for li in _parameters(doc):
        key, _, value = clean("".join(li.itertext())).partition("：")
        params[key.strip()] = value.strip()
    api = re.search(r"""api\s*:\s*['"]([^'"]*prices/mgets)""", html) or re.search(
        r"""['"]((?:https?:)?//[^'"]*prices/mgets)""", html
    )
    shop_href = first_of(
        lambda: doc.attr(".J-enter-shop", "href", "extInfo"), lambda: doc.attr(".seller-infor a.name", "href"),
        lambda: doc.attr(".J-hove-wrap .name a", "href"), lambda: doc.attr(".popbox-inner .mt h3 a", "href"),
    )  # fmt: skip
    price = parse_price(price_text)
    out: dict[str, Any] = {
        "platform": PLATFORM, "item_id": sku_id, "url": url, "title": title,
        "subtitle": first_of(lambda: doc.id_text("p-ad")),
        "shop_id": shop_id[1] if shop_id and shop_id[1] != "0" else None,
        "shop_name": shop_name, "category": _crumbs(doc),
        # as served the block says 商品介绍加载中: the introduction is fetched by script
        "description": loaded(first_of(lambda: doc.id_text("J-detail-content", "\n"))),
        "detail_image_urls": doc.images("J-detail-content", url),
        "promo": doc.texts("em.hl_red", "summary-promotion") or doc.texts(".p-promotions em.hl_red"),
        "price_text": price_text if price is not None else None, "price": price,
        "original_price": parse_price(doc.id_text("page-origin-price")),
        "terms": first_of(lambda: doc.text("dd", "J-detail-serve", "\n"), lambda: doc.text("li", "summary-tips", "\n")),
        "options": [Option(label=_label(li), checked=any(i.get("checked") is not None for i in li.iter("input")),
                           price=parse_price(li.get("data-price")))
                    for li in doc.css("li.choose-item", "choose-service")],
        "price_api": absolute(url, api[1]) if api else None,
        "shop_url": absolute(url, shop_href) if shop_href else None,
    }  # fmt: skip
    return fill_from_labels(out, params, _PARAM_FIELDS)


def parse_prices(body: str) -> dict[str, tuple[float | None, float | None]]:
    """p.3.cn-style price JSON → {sku: (price, market price)}; negative prices mean unknown."""
    out = {}
    for row in json.loads(body):
        p, m = parse_price(str(row.get("p", ""))), parse_price(str(row.get("m", "")))
        out[str(row.get("id", "")).removeprefix("J_")] = (p, m)
    return out


def apply_price(product: dict[str, Any], price: float | None, market: float | None) -> dict[str, Any]:
    """Fill price fields from the price API: 原价 only when the market price is above the price."""
    if price is None:
        return product
    original = market if market is not None and market > price else None
    text = f"¥{price:.2f}" + (f" 原价¥{original:.2f}" if original is not None else "")
    return {**product, "price": price, "original_price": original, "price_text": text}


def extract_shop(html: str, url: str) -> dict[str, Any]:
    """Shop home: name, id, notice, the licence link if shown, product links, next page."""
    sel = Selector(text=html, type="html")
    m = _SHOP_RE.search(urlsplit(url).path) or _LICENCE_RE.search(urlsplit(url).path)
    shop_id = sel.css("#shop-head::attr(data-shopid)").get() or (next(g for g in m.groups() if g) if m else None)
    licence = (
        sel.css("a.J-licence::attr(href)").get()
        or sel.xpath("//a[contains(., '证照') or contains(., '营业执照') or contains(., '亮照')]/@href").get()
    )
    nxt = sel.css("a.pn-next::attr(href)").get()
    return {
        "platform": PLATFORM, "shop_id": shop_id, "url": url,
        "shop_name": first(text_of(sel.css("h1.shop-name")), text_of(sel.css(".J-shop-name"))),
        "notice": first(text_of(sel.css("#shop-notice"))),
        "licence_url": absolute(url, licence) if licence else None,
        "item_urls": [absolute(url, h) for h in sel.css("#J_goodsList li.gl-item .p-name a::attr(href)").getall()],
        "next_url": absolute(url, nxt) if nxt else None,
    }  # fmt: skip


def extract_licence(html: str, url: str) -> dict[str, Any]:
    """证照信息 page: labelled rows mapped to ShopItem fields, the block's text, the image."""
    sel = Selector(text=html, type="html")
    block = sel.css("#J_licence, .jShopLicence")
    out: dict[str, Any] = {"licence_text": first(text_of(block, "\n"))}
    for row in block.css("li.licence-row, li"):
        key = text_of(row.css(".jLabel, label")).rstrip("：:")
        value = text_of(row.css(".jValue, span"))
        if key in _LICENCE_FIELDS and value and not out.get(_LICENCE_FIELDS[key]):
            out[_LICENCE_FIELDS[key]] = value
    if not out.get("uscc") and out["licence_text"] and (m := _USCC_RE.search(out["licence_text"])):
        out["uscc"] = m[0]
    decl = first(text_of(sel.css(".self-declaration")))
    if decl:
        out["self_declaration"] = decl
    out["licence_image_urls"] = [absolute(url, src) for src in block.css(".licence-img img::attr(src)").getall()]
    return out


def extract_listing(html: str, url: str) -> dict[str, Any]:
    """Item, shop and next-page links."""
    return listing_links(Selector(text=html, type="html"), url, *_LISTING_LINKS)


def extract_page(page: bytes | str, url: str) -> list[dict[str, Any]]:
    """Whatever the saved page is (item, shop, licence, listing), its extraction: the entry
    point `wangjian extract` calls. A URL that names no page type falls back to the page's
    own pageConfig script (item pages carry one)."""
    html = decode_html(page)
    kind = page_kind(url)
    if kind == "item" or (kind == "listing" and "pageConfig" in html):
        return [extract_product(html, url)]
    extract = {"shop": extract_shop, "licence": extract_licence}.get(kind, extract_listing)
    return [extract(html, url)]


def build_shop_item(
    shop: dict[str, Any], licence: dict[str, Any] | None, pages: list[PageCapture] | None = None
) -> ShopItem:
    return _platform.build_shop_item({**shop, **(licence or {})}, pages, ("notice", "licence_text"))


# ---- spider ----------------------------------------------------------------------------------


class JdSpider(PlatformSpider):
    name = "jd"
    platform = PLATFORM
    extraction = Extraction(page_kind, extract_product, extract_shop, extract_listing, extract_page)

    def parse_shop(self, response: Response) -> Iterator[scrapy.Request | ShopItem]:
        shop = extract_shop(response.text, response.url)
        yield from self.follow_products(response, shop)
        if response.meta.get("shop_page_only"):
            return  # later pages of the product grid: the shop itself was taken from page 1
        page = capture(response)
        if shop["licence_url"]:
            yield response.follow(
                shop["licence_url"],
                callback=self.parse_licence,
                errback=self.licence_failed,
                meta={"shop": shop, "shop_page": page},
            )
        else:
            yield build_shop_item(shop, None, [page])

    def parse_licence(self, response: Response) -> Iterator[ShopItem]:
        shop = response.meta.get("shop") or extract_shop(response.text, response.url)
        pages = [p for p in (response.meta.get("shop_page"), capture(response)) if p is not None]
        yield build_shop_item(shop, extract_licence(response.text, response.url), pages)

    def licence_failed(self, failure: Failure) -> Iterator[ShopItem]:
        meta = failure.request.meta  # type: ignore[attr-defined]
        self.crawler.stats.inc_value("wangjian/licence_fetch_failed")
        yield build_shop_item(meta["shop"], None, [meta["shop_page"]])

    def parse_item(self, response: Response) -> Iterator[scrapy.Request | ProductItem]:
        data = extract_product(response.text, response.url)
        page = capture(response)
        yield from self.follow_shop(response, data)
        if not data.get("item_id"):
            count_malformed(self.crawler, "no_product", response.url, "no sku id")
            return
        api = data.get("price_api") or urljoin(response.url, "../prices/mgets")
        yield scrapy.Request(
            f"{api}?skuIds=J_{data['item_id']}",
            callback=self.parse_price,
            errback=self.price_failed,
            meta={"product": data, "item_page": page},
            dont_filter=True,
        )

    def parse_price(self, response: Response) -> Iterator[ProductItem]:
        data = response.meta["product"]
        try:
            price, market = parse_prices(response.text).get(data["item_id"], (None, None))
        except (ValueError, AttributeError):
            count_malformed(self.crawler, "bad_price_json", response.url)
            price = market = None
        yield build_product_item(apply_price(data, price, market), [response.meta["item_page"], capture(response)])

    def price_failed(self, failure: Failure) -> Iterator[ProductItem]:
        meta = failure.request.meta  # type: ignore[attr-defined]
        self.crawler.stats.inc_value("wangjian/price_fetch_failed")
        yield build_product_item(meta["product"], [meta["item_page"]])
