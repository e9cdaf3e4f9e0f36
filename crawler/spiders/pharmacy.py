"""Online-pharmacy spider.

Start points (spider arguments): ``-a start_urls=URL[,URL]`` (pharmacy directory, store,
goods or search URLs), ``-a keywords=k1,k2`` with ``-a base_url=`` (the platform root).

A goods page gives the drug facts the drug rules need: Rx / OTC (`prescription`), the 国药准字
approval number, the Rx warning sentence where the page shows it, the prescription-flow options
(问诊开方 / 上传处方 or a "no prescription needed" shortcut) with their default state. The
extraction also reports the warning block and whether the 说明书 is locked until the review
(`rx_warning`, `instructions_locked`: shown by `wangjian extract`, not item fields). A store
home gives the 资质公示 block: business licence facts, 药品经营许可证, 互联网药品信息服务资格证书,
医疗器械 / 食品 licences.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from crawler.spiders._common import Doc, absolute, clean, fill_from_labels, first_of, parse_price
from crawler.spiders._platform import Extraction, PlatformSpider
from rules.document import Option

PLATFORM = "pharmacy"
_ITEM_RE = re.compile(r"/product/(\d+)\.html$")
_STORE_RE = re.compile(r"/store/(\d+)\.html$")
_QUAL_FIELDS = {
    "统一社会信用代码": "uscc", "企业名称": "operator_name", "注册地址": "address", "住所": "address",
    "药品经营许可证": "drug_licence_no", "互联网药品信息服务资格证书": "internet_drug_info_cert",
    "医疗器械经营许可证": "device_licence_no", "医疗器械经营备案凭证": "device_licence_no",
}  # fmt: skip
_ATTR_FIELDS = {
    "批准文号": "drug_approval_no",
    "注册证/备案凭证编号": "device_licence_no",
    "注册证编号": "device_licence_no",
}


# ---- pure extraction -------------------------------------------------------------------------


def page_kind(url: str, html: str = "") -> str:
    """item | shop | directory | listing, from the URL (or the page when the URL says nothing)."""
    path = urlsplit(url).path
    if _ITEM_RE.search(path):
        return "item"
    if _STORE_RE.search(path):
        return "shop"
    if path.endswith("/stores.html"):
        return "directory"
    if path.endswith("/search"):
        return "listing"
    if 'id="J_GoodsIntro"' in html:
        return "item"
    if 'id="J_StoreHead"' in html:
        return "shop"
    return "directory" if 'id="J_StoreList"' in html else "listing"


def prescription_of(doc: Doc) -> bool | None:
    """True for a 处方药 page, False for 非处方药 / OTC, None when the page states neither."""
    marker = first_of(lambda: doc.id_text("J_DrugType"), lambda: doc.text(".drug-tag", "J_GoodsIntro"))
    for row in doc.css("tr", "J_GoodsAttr"):
        if "药品分类" in "".join(row.itertext()):
            marker = marker or clean("".join(row.itertext())).removeprefix("药品分类")
    if not marker:
        return None
    if re.search(r"非处方|OTC", marker, re.I):
        return False
    return bool(re.search(r"处方药|Rx", marker, re.I))


def extract_product(html: str, url: str) -> dict[str, Any]:
    doc = Doc(html)
    main = next((el for el in doc.css("div.goods-main")), None)
    item_id = (main.get("data-goodsid") if main is not None else None) or (
        m[1] if (m := _ITEM_RE.search(urlsplit(url).path)) else None
    )
    title_tag = next((t.text or "" for t in doc.root.iter("title")), "")
    price = parse_price(doc.id_text("J_Price"))
    original = parse_price(doc.id_text("J_MarketPrice"))
    original = original if original is not None and price is not None and original > price else None
    attrs: dict[str, str] = {}
    for row in doc.css("tr", "J_GoodsAttr"):
        key = clean("".join(t for th in row.iter("th") for t in th.itertext()))
        attrs[key] = clean("".join(t for td in row.iter("td") for t in td.itertext()))
    store = doc.ids.get("J_StoreSide")
    shop_href = doc.attr("a.store-name", "href", "J_StoreSide")
    crumbs = [clean("".join(a.itertext())) for a in doc.css("a", "J_Crumb")]
    out: dict[str, Any] = {
        "platform": PLATFORM, "item_id": item_id, "url": url,
        "title": first_of(lambda: doc.id_text("J_GoodsName"), lambda: re.sub(r"-价格.*$", "", title_tag)),
        "subtitle": first_of(lambda: doc.id_text("J_GoodsSub")),
        "shop_id": main.get("data-storeid") if main is not None else None,
        "shop_name": first_of(lambda: doc.text("a.store-name", "J_StoreSide")) if store is not None else None,
        "category": ">".join(c for c in crumbs if c) or None,
        "description": first_of(lambda: "\n".join(doc.texts("p", "J_Detail"))),
        "detail_image_urls": doc.images("J_Detail", url),
        "promo": doc.texts("li.promo-item", "J_Promo"),
        "price": price, "original_price": original,
        "price_text": None if price is None else f"¥{price:.2f}" + (f" 原价¥{original:.2f}" if original else ""),
        "terms": first_of(lambda: "\n".join(doc.texts("p", "J_Service"))),
        "options": [
            Option(label=clean("".join(li.itertext())),
                   checked=any(i.get("checked") is not None for i in li.iter("input")), price=None)
            for li in doc.css("li.flow-option", "J_RxFlow")
        ],
        "prescription": prescription_of(doc),
        "rx_warning": first_of(lambda: doc.id_text("J_RxWarning")),
        "instructions_locked": (el.get("data-locked") == "1") if (el := doc.ids.get("J_Instructions")) is not None
        else None,
        "shop_url": absolute(url, shop_href) if shop_href else None,
    }  # fmt: skip
    return fill_from_labels(out, attrs, _ATTR_FIELDS, overwrite=False)


def extract_shop(html: str, url: str) -> dict[str, Any]:
    """Store home: name, category, notice, the 资质公示 block, goods links, next page."""
    doc = Doc(html)
    head = doc.ids.get("J_StoreHead")
    m = _STORE_RE.search(urlsplit(url).path)
    out: dict[str, Any] = {
        "platform": PLATFORM, "url": url,
        "shop_id": (head.get("data-storeid") if head is not None else None) or (m[1] if m else None),
        "shop_name": first_of(lambda: doc.text("h1.store-name", "J_StoreHead")),
        "category": first_of(lambda: doc.id_text("J_StoreCat")),
        "notice": first_of(lambda: doc.id_text("J_StoreNotice")),
    }  # fmt: skip
    block = doc.ids.get("J_StoreQualification")
    if block is not None:
        lines = []
        for el in block.iter("h3", "h4", "dl"):
            if el.tag == "dl":
                key = clean("".join(t for dt in el.iter("dt") for t in dt.itertext()))
                value = clean("".join(t for dd in el.iter("dd") for span in dd.iter("span") for t in span.itertext()))
                value = value or clean("".join(t for dd in el.iter("dd") for t in dd.itertext()))
                lines.append(f"{key}：{value}")
                if _QUAL_FIELDS.get(key) and value and not out.get(_QUAL_FIELDS[key]):
                    out[_QUAL_FIELDS[key]] = value
            else:
                lines.append(clean("".join(el.itertext())))
        out["licence_text"] = "\n".join(x for x in lines if x) or None
        out["licence_image_urls"] = list(
            dict.fromkeys(
                absolute(url, a.get("href")) for a in doc.css("a.cert-pic", "J_StoreQualification") if a.get("href")
            )
        )
    nxt = doc.attr("a.next", "href", "J_Pager")
    out["item_urls"] = [
        absolute(url, a.get("href")) for a in doc.css("li.goods-card p.goods-title a", "J_GoodsList") if a.get("href")
    ]
    out["next_url"] = absolute(url, nxt) if nxt else None
    return out


def extract_listing(html: str, url: str) -> dict[str, Any]:
    doc = Doc(html)
    nxt = doc.attr("a.next", "href", "J_Pager")
    return {
        "item_urls": [absolute(url, a.get("href")) for a in doc.css("li.goods-card p.goods-title a") if a.get("href")],
        "shop_urls": [absolute(url, a.get("href")) for a in doc.css("a.store-name", "J_StoreList") if a.get("href")],
        "next_url": absolute(url, nxt) if nxt else None,
    }


# ---- spider ----------------------------------------------------------------------------------


class PharmacySpider(PlatformSpider):
    name = "pharmacy"
    platform = PLATFORM
    extraction = Extraction(page_kind, extract_product, extract_shop, extract_listing)

    def parse_directory(self, response: Response) -> Iterator[scrapy.Request]:
        yield from self.parse_listing(response)  # the store list pages like a search listing
