"""Taobao-style C2C marketplace spider (GBK pages).

Start points (spider arguments): ``-a start_urls=URL[,URL]`` (shop directory, shop, item or
search URLs), ``-a keywords=k1,k2`` with ``-a base_url=`` (the platform root, e.g.
http://127.0.0.1:8800/taobao). Search results come from the page's ``g_page_config`` script
and are paginated by offset (``s=``). The shop's 亮照 block (licence text and picture) or an
individual's self-declaration is read from the shop home.

Pages are decoded by their bytes and <meta charset> when the header lies (CharsetMiddleware);
the extraction functions are pure (page in, dict out) so saved pages can be re-extracted.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from scrapy.http import Response

from crawler.middlewares import count_malformed
from crawler.spiders._common import Doc, absolute, clean, fill_from_labels, first_of, js_string, loaded, parse_price
from crawler.spiders._platform import Extraction, PlatformSpider
from rules.document import Option

PLATFORM = "taobao"
_SHOP_RE = re.compile(r"/shop/?(\d+)\.htm$")
_USCC_RE = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])")
_LICENCE_FIELDS = {
    "统一社会信用代码": "uscc", "企业名称": "operator_name", "名称": "operator_name", "经营者名称": "operator_name",
    "住所": "address", "经营场所": "address", "经营地址": "address",
    "药品经营许可证": "drug_licence_no", "医疗器械经营许可证": "device_licence_no",
    "互联网药品信息服务资格证书": "internet_drug_info_cert",
}  # fmt: skip
_ATTR_FIELDS = {
    "批准文号": "drug_approval_no", "医疗器械注册证编号": "device_licence_no", "注册证编号": "device_licence_no",
    "化妆品备案编号/注册证号": "cosmetic_filing_no", "备案编号": "cosmetic_filing_no",
}  # fmt: skip
_PAGE_CONFIG_RE = re.compile(r"g_page_config\s*=\s*(\{.*?\});\s*\n", re.S)


# ---- pure extraction -------------------------------------------------------------------------


def page_kind(url: str, html: str = "") -> str:
    """item | shop | directory | listing, from the URL (or the page when the URL says nothing)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    if parts.path.endswith("/item.htm") and "id" in query:
        return "item"
    if _SHOP_RE.search(parts.path) or parts.netloc.startswith("shop"):
        return "shop"
    if parts.path.endswith("/shopstreet.htm"):
        return "directory"
    if parts.path.endswith("/search"):
        return "listing"
    if "g_page_config" in html:
        return "listing"
    if 'id="J_Title"' in html or "tb-main-title" in html:
        return "item"
    if 'id="shop-hd"' in html or "J_TItems" in html:
        return "shop"
    return "directory" if "list-content" in html else "item"


def _g_config(doc: Doc) -> str:
    for script in doc.root.iter("script"):
        text = script.text or ""
        if "g_config" in text:
            return text
    return ""


def _options(doc: Doc) -> list[Option]:
    out = []
    for li in doc.css("li.J_Service", "J_ExtraService"):
        name = [el for el in li.iter() if "service-name" in (el.get("class") or "")]
        label = clean("".join((name[0] if name else li).itertext()))
        checked = any(i.get("checked") is not None for i in li.iter("input"))
        out.append(Option(label=label, checked=checked, price=parse_price(li.get("data-price"))))
    return out


def _description(doc: Doc) -> str | None:
    """宝贝详情: the detail HTML waits in a lazy-load textarea until the page scrolls to it."""
    box = doc.ids.get("J_DivItemDesc")
    if box is None:
        return None
    areas = [t for t in box.iter("textarea")]
    if areas:
        inner = Doc("<div>" + "".join(a.text or "" for a in areas) + "</div>")
        return first_of(lambda: "\n".join(inner.texts("p")), lambda: inner.text("div", sep="\n"))
    text = first_of(lambda: doc.id_text("J_DivItemDesc", "\n"))
    return loaded(text)  # "描述加载中": never loaded


def _detail_images(doc: Doc, url: str) -> list[str]:
    """宝贝详情 pictures, in page order, also when their markup still waits in the lazy-load
    textarea."""
    box = doc.ids.get("J_DivItemDesc")
    if box is None:
        return []
    areas = "".join(a.text or "" for a in box.iter("textarea"))
    if areas:
        return Doc(f'<div id="J_DivItemDesc">{areas}</div>').images("J_DivItemDesc", url)
    return doc.images("J_DivItemDesc", url)


def _prices(doc: Doc, config: str) -> tuple[float | None, float | None]:
    listed = parse_price(doc.text(".tb-rmb-num", "J_StrPrice"))
    promo = parse_price(doc.text(".tb-rmb-num", "J_PromoPrice"))
    if listed is None:
        listed = parse_price(js_string(config, "reservePrice")) or parse_price(js_string(config, "price"))
    if promo is not None:
        return promo, listed if listed is not None and listed > promo else None
    return listed, None


def extract_product(html: str, url: str) -> dict[str, Any]:
    """Fields of a Taobao-style item page (title from the J_Title block, g_config or <title>)."""
    doc = Doc(html)
    config = _g_config(doc)
    item_id = js_string(config, "itemId") or dict(parse_qsl(urlsplit(url).query)).get("id")
    title_tag = next((t.text or "" for t in doc.root.iter("title")), "")
    title = first_of(
        lambda: doc.attr("h3.tb-main-title", "data-title", "J_Title"), lambda: doc.text("h3", "J_Title"),
        lambda: doc.text(".tb-detail-hd h1"), lambda: js_string(config, "title"),
        lambda: re.sub(r"-淘宝网\s*$|-tmall\.com天猫\s*$", "", title_tag),
    )  # fmt: skip
    price, original = _prices(doc, config)
    attrs: dict[str, str] = {}
    for li in doc.css("li", "attributes"):
        key, _, value = clean("".join(li.itertext())).partition(":")
        attrs[key.strip()] = value.strip()
    shop_href = doc.attr(".tb-shop-name a", "href", "J_ShopInfo") or doc.attr("a.enterShop", "href")
    crumbs = [clean("".join(a.itertext())) for a in doc.css("a", "J_TBreadCrumb")]
    out: dict[str, Any] = {
        "platform": PLATFORM, "item_id": item_id, "url": url, "title": title,
        "subtitle": first_of(lambda: doc.text("p.tb-subtitle", "J_Title")),
        "shop_id": js_string(config, "shopId"),
        "shop_name": first_of(lambda: doc.attr(".tb-shop-name a", "title", "J_ShopInfo"),
                              lambda: js_string(config, "shopName"), lambda: doc.text(".tb-shop-name a")),
        "category": ">".join(c for c in crumbs if c) or None,
        "description": _description(doc),
        "promo": doc.texts(".tb-promo-item", "J_PromoHint"),
        "price": price, "original_price": original,
        "price_text": None if price is None else f"¥{price:.2f}" + (f" 原价¥{original:.2f}" if original else ""),
        "terms": first_of(lambda: doc.text("p", "J_AfterSale", "\n"), lambda: doc.text(".after-sale-bd", sep="\n")),
        "options": _options(doc),
        "detail_image_urls": _detail_images(doc, url),
        "shop_url": absolute(url, shop_href) if shop_href else None,
    }  # fmt: skip
    return fill_from_labels(out, attrs, _ATTR_FIELDS, overwrite=False)


def _block_text(block: Any) -> str | None:
    """A licence block as lines: its heading, one `label：value` line per row, its notes."""
    if block is None:
        return None
    lines = [
        clean("".join(el.itertext()))
        for el in block.iter("li", "div", "p")
        if el.tag == "li" or (el.get("class") or "").startswith(("licence-hd", "licence-tip", "licence-note"))
    ]
    return "\n".join(x for x in lines if x) or None


def extract_shop(html: str, url: str) -> dict[str, Any]:
    """Shop home: name, 公告, 亮照 block (labelled rows, picture) or self-declaration, items."""
    doc = Doc(html)
    m = _SHOP_RE.search(urlsplit(url).path)
    head = doc.ids.get("shop-hd")
    shop_id = (head.get("data-shopid") if head is not None else None) or (m[1] if m else None)
    notice = doc.id_text("J_ShopNotice")
    block = doc.ids.get("J_ShopLicence")
    declare = doc.ids.get("J_SelfDeclare")
    out: dict[str, Any] = {
        "platform": PLATFORM, "shop_id": shop_id, "url": url,
        "shop_name": first_of(lambda: doc.text(".shop-name", "shop-hd"), lambda: doc.text(".shop-name-link")),
        "category": first_of(lambda: doc.text(".shop-main-cat", "J_ShopInfo")),
        "notice": notice or None,
        "licence_text": _block_text(block),
        "declaration_text": doc.id_text("J_SelfDeclare", "\n") or None,
    }  # fmt: skip
    if block is not None:
        for li in doc.css("li", "J_ShopLicence"):
            key, _, value = clean("".join(li.itertext())).partition("：")
            field = _LICENCE_FIELDS.get(key.strip())
            if field and value.strip() and not out.get(field):
                out[field] = value.strip()
        if not out.get("uscc") and (found := _USCC_RE.search(out["licence_text"] or "")):
            out["uscc"] = found[0]
        out["licence_image_urls"] = [
            absolute(url, el.get("src")) for el in doc.css(".licence-pic img", "J_ShopLicence") if el.get("src")
        ]
    if declare is not None:
        out["self_declaration"] = first_of(lambda: doc.text(".self-declaration", "J_SelfDeclare"))
    nxt = doc.attr("a.next", "href")
    out["item_urls"] = [absolute(url, a.get("href")) for a in doc.css(".J_TItems dl.item a.item-name") if a.get("href")]
    out["next_url"] = absolute(url, nxt) if nxt else None
    return out


def extract_listing(html: str, url: str) -> dict[str, Any]:
    """Search results (g_page_config JSON) or the shop directory: item / shop links, next page."""
    out: dict[str, Any] = {"item_urls": [], "shop_urls": [], "next_url": None}
    m = _PAGE_CONFIG_RE.search(html)
    if m:
        config = json.loads(m[1])
        mods = config.get("mods", {})
        for a in mods.get("itemlist", {}).get("data", {}).get("auctions", []) or []:
            if a.get("detail_url"):
                out["item_urls"].append(absolute(url, a["detail_url"]))
        pager = mods.get("pager", {}).get("data") or {}
        current, total, size = pager.get("currentPage", 1), pager.get("totalPage", 1), pager.get("pageSize", 44)
        if current < total:
            parts = urlsplit(url)
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            query["s"] = str(current * size)
            out["next_url"] = urlunsplit(parts._replace(query=urlencode(query)))
        return out
    doc = Doc(html)
    out["shop_urls"] = [absolute(url, a.get("href")) for a in doc.css("a.shop-name", "list-content") if a.get("href")]
    nxt = doc.attr(".page-list a.next", "href")
    out["next_url"] = absolute(url, nxt) if nxt else None
    return out


# ---- spider ----------------------------------------------------------------------------------


class TaobaoSpider(PlatformSpider):
    name = "taobao"
    platform = PLATFORM
    extraction = Extraction(page_kind, extract_product, extract_shop, extract_listing)
    shop_info_keys = ("notice", "licence_text", "declaration_text")
    search_path = "/search?q={}&ie=utf8"

    def listing_page(self, response: Response) -> dict[str, Any] | None:
        try:
            return extract_listing(response.text, response.url)
        except ValueError as exc:  # a cut-off g_page_config
            count_malformed(self.crawler, "bad_listing_json", response.url, str(exc))
            return None
