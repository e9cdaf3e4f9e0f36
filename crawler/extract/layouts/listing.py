"""Search and category pages: the products they list, each with its link, title and price, so
a monitoring task can start from a keyword search. Known layouts first (JD's ``li.gl-item``
grid; Taobao/Tmall search data in ``g_page_config`` or, rendered, ``.item.J_MouserOnverReq``
cards; Tmall's own search pages, ``div.product`` cards in ``#J_ItemList``; Mogujie's
``div.goods_item`` cards, whose item ids are alphanumeric; 1688's offer cards, known by their
tracking data), then products
the page publishes as structured data (one JSON-LD Product per result, as Shopee does), then
items in the data the page carries for its scripts (`api_json.listed`), then a
generic reader: a product link together with the smallest enclosing card that shows a price."""

from __future__ import annotations

import json
import re
from typing import Any

from lxml import etree

from crawler.extract import api_json, structured
from crawler.extract.generic import parse, text_of
from crawler.extract.layouts._dom import css_attr, css_text, json_after
from crawler.extract.result import Reading, absolute, price_range

_PRODUCT_URL = re.compile(
    r"item\.htm\?(?:.*&)?id=\d+|/item/\d+|/(?:product|goods|item|offer|detail)s?[/-]\d+|"
    r"(?:item|product)\.[a-z0-9.]+/\d+\.html|/\d{5,}\.s?html?(?:$|[?#])|goods_id=\d+|/p/\d+",
    re.I,
)
_PRICE = re.compile(r"[¥￥]\s*\d+(?:\.\d+)?(?:\s*[-~～]\s*[¥￥]?\s*\d+(?:\.\d+)?)?")
_ID = re.compile(r"[?&]id=(\d+)|/(\d{5,})\.s?html?|/(?:item|offer|product|goods)s?[/-](\d+)")


def _item_id(url: str) -> str | None:
    m = _ID.search(url)
    return next((g for g in m.groups() if g), None) if m else None


def _entry(url: str, title: str | None, price_text: str | None, **more: Any) -> dict[str, Any]:
    low, high = price_range(price_text)
    out = {"url": url, "item_id": _item_id(url), "title": (title or "").strip() or None, "price": low}
    if high is not None:
        out["price_max"] = high
    return {**out, **{k: v for k, v in more.items() if v}}


def _jd(root: Any, url: str) -> list[dict[str, Any]]:
    out = []
    for li in root.cssselect("#J_goodsList li.gl-item, li.gl-item"):
        href = css_attr(li, ".p-name a", "href") or css_attr(li, ".p-img a", "href")
        if not href:
            continue
        name = css_text(li, ".p-name a em") or css_text(li, ".p-name a")
        price = css_text(li, ".p-price i") or css_text(li, ".p-price")
        shop = css_text(li, ".p-shop a") or css_text(li, ".p-shop")
        out.append(_entry(absolute(url, href), name, "¥" + price if price and "¥" not in price else price,
                          item_id_sku=li.get("data-sku"), shop_name=shop or None))  # fmt: skip
    for e in out:
        sku = e.pop("item_id_sku", None)
        e["item_id"] = sku or e["item_id"]
    return out


def _taobao_config(html: str, url: str) -> list[dict[str, Any]]:
    config = json_after(html, "g_page_config =") or json_after(html, "g_page_config=") or {}
    auctions = (((config.get("mods") or {}).get("itemlist") or {}).get("data") or {}).get("auctions") or []
    out = []
    for a in auctions:
        if not isinstance(a, dict) or not a.get("detail_url"):
            continue
        title = a.get("raw_title") or re.sub(r"<[^>]+>", "", a.get("title") or "")
        price = f"¥{a['view_price']}" if a.get("view_price") else None
        entry = _entry(absolute(url, a["detail_url"]), title, price, shop_name=a.get("nick"))
        entry["item_id"] = a.get("nid") or entry["item_id"]
        out.append(entry)
    return out


def _taobao_cards(root: Any, url: str) -> list[dict[str, Any]]:
    out = []
    for card in root.cssselect("div.item.J_MouserOnverReq"):
        href = css_attr(card, ".row-2.title a", "href") or css_attr(card, "a.pic-link", "href")
        if not href:
            continue
        price = css_text(card, ".price strong")
        entry = _entry(
            absolute(url, href),
            css_text(card, ".row-2.title a"),
            f"¥{price}" if price else None,
            shop_name=css_text(card, ".shopname span:last-child") or css_text(card, ".shopname") or None,
        )
        entry["item_id"] = css_attr(card, ".row-2.title a", "data-nid") or entry["item_id"]
        out.append(entry)
    return out


def _tmall_list(root: Any, url: str) -> list[dict[str, Any]]:
    """Tmall search and category pages (``list.tmall.com``, 2013–2020): ``#J_ItemList`` cards
    ``div.product[data-id]`` with the price in ``.productPrice em`` (its ``title`` the number),
    the full name in the ``title`` of ``.productTitle a`` (the text has the keyword marked up),
    the shop in ``.productShop-name``."""
    out = []
    for card in root.cssselect("div.product[data-id]"):
        href = css_attr(card, ".productTitle a", "href") or css_attr(card, "a.productImg", "href")
        if not href:
            continue
        price = css_attr(card, ".productPrice em", "title") or css_text(card, ".productPrice em")
        title = css_attr(card, ".productTitle a", "title") or css_text(card, ".productTitle a")
        entry = _entry(absolute(url, href), title, f"¥{price.lstrip('¥￥')}" if price else None,
                       shop_name=css_text(card, ".productShop-name") or None)  # fmt: skip
        entry["item_id"] = card.get("data-id") or entry["item_id"]
        out.append(entry)
    return out


def _mogujie(root: Any, url: str) -> list[dict[str, Any]]:
    out = []
    for card in root.cssselect("div.goods_item[data-tradeitemid]"):
        href = css_attr(card, "a.goods_info_container", "href") or css_attr(card, "a.img", "href")
        if not href:
            continue
        entry = _entry(absolute(url, href.split("?")[0]), css_text(card, "p.title"), css_text(card, ".price_info"))
        entry["item_id"] = card.get("data-tradeitemid")
        out.append(entry)
    return out


#: 1688's search and advertised-search cards name their offer only in the click-tracking data
#: (``data-aplus-report="object_type@offer^object_id@718152613503^…"``): their links go through
#: the ad redirect (``dj.1688.com/ci_bb?…``), so the offer's own page is built from its id.
ALIBABA_OFFER_CARD = "object_type@offer^object_id@"
_ALIBABA_OFFER_ID = re.compile(re.escape(ALIBABA_OFFER_CARD) + r"(\d+)")
_ALIBABA_OFFER_CARDS = etree.XPath(f"//*[contains(@data-aplus-report, '{ALIBABA_OFFER_CARD}')]")


def _alibaba_offers(root: Any, url: str) -> list[dict[str, Any]]:
    out = []
    for card in _ALIBABA_OFFER_CARDS(root):
        offer = _ALIBABA_OFFER_ID.search(card.get("data-aplus-report") or "")
        if offer is None:
            continue
        title = css_attr(card, ".subject", "title") or css_text(card, ".subject") or css_text(card, ".title")
        price = css_text(card, ".price")
        entry = _entry(f"https://detail.1688.com/offer/{offer[1]}.html", title, price)
        entry["item_id"] = offer[1]
        out.append(entry)
    return out


def _generic(root: Any, url: str) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or not _PRODUCT_URL.search(href):
            continue
        full = absolute(url, href.split("#")[0])
        card, price = a, None
        for _ in range(5):
            card = card.getparent()
            if card is None:
                break
            links = {absolute(url, (x.get("href") or "").split("#")[0]) for x in card.iter("a") if x.get("href")}
            products = {x for x in links if _PRODUCT_URL.search(x)}
            if len(products) > 1:
                break
            if m := _PRICE.search(text_of(card)):
                price = m[0]
                break
        title = (a.get("title") or "").strip() or text_of(a)
        entry = seen.get(full)
        if entry is None:
            seen[full] = _entry(full, title if len(title) > 1 else None, price)
        else:
            if not entry["title"] and len(title) > 1:
                entry["title"] = title
            if entry["price"] is None and price:
                entry.update({k: v for k, v in _entry(full, None, price).items() if k.startswith("price")})
    return [e for e in seen.values() if e["title"] or e["price"] is not None]


def _embedded(html: str, url: str) -> list[dict[str, Any]]:
    """Items listed in the data a page carries for its scripts (a search page drawn by script,
    whose cards have no links of their own)."""
    return api_json.first_listed(api_json.embedded(html), url)


def of_products(products: list[dict[str, Any]], url: str, platform: str, source: str) -> Reading:
    """A listing of `products` (entries as `read` gives them) found by `source`."""
    ex = Reading(platform=platform, kind="listing", url=url)
    ex.put("products", products, source)
    ex.data["item_urls"] = list(dict.fromkeys(p["url"] for p in products if p["url"]))
    ex.data["next_url"] = None
    return ex


def from_json(text: str, url: str, platform: str) -> Reading | None:
    """A JSON response that lists items and names no single product, as a listing; None for
    anything else."""
    doc = api_json.parse(text)
    if doc is None or api_json.read_document(doc)[0]:
        return None
    found = api_json.listed(doc, url)
    return of_products(found, url, platform, "api-json:products") if found else None


def read(html: str, url: str, platform: str = "generic") -> Reading:
    """The listing's products; `sources` names the layout that found them."""
    ex = Reading(platform=platform, kind="listing", url=url)
    root = parse(html)
    for name, entries in (("jd:goods-list", lambda: _jd(root, url)),
                          ("taobao:page-config", lambda: _taobao_config(html, url)),
                          ("taobao:item-cards", lambda: _taobao_cards(root, url)),
                          ("tmall:product-list", lambda: _tmall_list(root, url)),
                          ("mogujie:goods-items", lambda: _mogujie(root, url)),
                          ("1688:offer-cards", lambda: _alibaba_offers(root, url)),
                          ("structured:products", lambda: structured.listed_products(html, url)),
                          ("api-json:products", lambda: _embedded(html, url)),
                          ("generic:product-links", lambda: _generic(root, url))):  # fmt: skip
        found = entries()
        if found:
            ex.put("products", found, name)
            break
    products = ex.data.get("products") or []
    ex.data["item_urls"] = list(dict.fromkeys(p["url"] for p in products))
    nexts = ("a.pn-next", "a.next", "a[rel=next]", "a.ui-page-next", "a.ui-page-s-next")
    nxt = next((h for css in nexts if (h := css_attr(root, css, "href"))), None)
    ex.data["next_url"] = absolute(url, nxt) if nxt and not nxt.startswith("javascript") else None
    return ex


def looks_like_listing(html: str) -> bool:
    """Whether a page is a list of products rather than one product's page."""
    return (
        "gl-item" in html
        or "g_page_config" in html
        or "J_MouserOnverReq" in html
        or 'id="J_ItemList"' in html
        or ALIBABA_OFFER_CARD in html
    )


__all__ = ["ALIBABA_OFFER_CARD", "read", "looks_like_listing", "json"]
