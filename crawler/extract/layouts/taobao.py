"""Taobao and Tmall item details as the PC detail interface serves them
(``mtop.taobao.pcdetail.data.get``, the data today's item pages are drawn from): a JSON document
whose ``data`` holds the ``item`` (id, title, pictures), the ``seller`` (shop name and id,
``sellerType`` C for a Taobao shop, B for a Tmall one), ``skuCore.sku2info`` (entry ``"0"``: the
item's whole price range, "100-290") and ``componentsVO`` (``priceVO``: the price shown and, in
``extraPrice``, the coupon price "券后"; ``extensionInfoVO``: coupons, guarantees and the
``BASE_PROPS`` parameter table). Price ranges keep both ends.

Item pages of 2024 on carry the same document inline, server-rendered into
``window.__ICE_APP_CONTEXT__`` at ``loaderData.home.data.res``; a page saved from a browser
keeps it (`page_data`)."""

from __future__ import annotations

import json
import re
from typing import Any

from crawler.extract import api_json
from crawler.extract.generic import put_attributes
from crawler.extract.layouts._dom import dig
from crawler.extract.result import Reading, absolute, price_range

SOURCE = "taobao:detail-json"
#: How far before ``"loaderData"`` the context object may start (``appData`` comes first).
_CONTEXT_REACH = 20_000
_OFFERS = ("DAILY_COUPON", "BIG_MARK_DOWN_COUPON", "ACTIVITIES", "COUPON")


def is_detail_json(text: str) -> bool:
    return api_json.opens_json(text) and '"componentsVO"' in text and '"skuCore"' in text


def _infos(comps: dict[str, Any]) -> list[dict[str, Any]]:
    return [i for i in dig(comps, "extensionInfoVO", "infos") or [] if isinstance(i, dict)]


def _app_context(html: str) -> dict[str, Any] | None:
    """The server-rendered app context: the JSON object holding ``"loaderData"``, wherever the
    script puts it (``window.__ICE_APP_CONTEXT__={…}``, after a guard such as
    ``window.__ICE_APP_CONTEXT__=window.__ICE_APP_CONTEXT__||{};``, or in a variable assigned
    to it later)."""
    decoder = json.JSONDecoder()
    for m in re.finditer(r'"loaderData"\s*:', html):
        floor = max(0, m.start() - _CONTEXT_REACH)
        start = html.rfind("{", floor, m.start())
        while start >= 0:
            try:
                value, _ = decoder.raw_decode(html, start)
            except ValueError:
                value = None
            if isinstance(value, dict) and "loaderData" in value:
                return value
            start = html.rfind("{", floor, start)
    return None


def page_data(html: str) -> dict[str, Any] | None:
    """The detail document an item page of 2024 on carries in ``__ICE_APP_CONTEXT__``."""
    if "__ICE_APP_CONTEXT__" not in html or '"loaderData"' not in html:
        return None
    res = dig(_app_context(html), "loaderData", "home", "data", "res")
    return res if isinstance(res, dict) and (res.get("item") or res.get("componentsVO")) else None


def read(text: str, url: str) -> Reading:
    doc = api_json.parse(text)
    if not isinstance(doc, dict):  # not JSON, cut short, or a bare list: nothing to read
        return Reading(platform="taobao", kind="product", url=url)
    return read_data(doc.get("data") if isinstance(doc.get("data"), dict) else doc, url)


def read_data(data: dict[str, Any], url: str) -> Reading:
    """A reading of the detail document (the interface's ``data``, or a page's inline copy)."""
    seller, item, comps = data.get("seller") or {}, data.get("item") or {}, data.get("componentsVO") or {}
    ex = Reading(platform="tmall" if seller.get("sellerType") == "B" else "taobao", kind="product", url=url)
    ex.put("title", item.get("title") or dig(comps, "titleVO", "title", "title"), SOURCE)
    ex.put("item_id", str(item.get("itemId") or "") or None, SOURCE)
    shown = dig(data, "skuCore", "sku2info", "0", "price", "priceText") or dig(comps, "priceVO", "price", "priceText")
    low, high = price_range(shown)
    if ex.put("price", low, SOURCE):
        ex.put("price_max", high, SOURCE)
        ex.put("price_text", f"¥{shown}", SOURCE)
    ex.put("shop_name", seller.get("shopName") or dig(comps, "storeCardVO", "shopName"), SOURCE)
    ex.put("shop_id", str(seller.get("shopId") or "") or None, SOURCE)
    shop_url = seller.get("pcShopUrl") or dig(comps, "storeCardVO", "shopUrl")
    ex.put("shop_url", absolute(url, shop_url) if shop_url else None, SOURCE)
    ex.put("image_urls", [absolute(url, i) for i in item.get("images") or [] if isinstance(i, str)], SOURCE)
    coupon = dig(comps, "priceVO", "extraPrice") or {}
    promo = [f"{coupon.get('priceTitle', '')}¥{coupon['priceText']}{coupon.get('priceDesc', '')}"] if coupon.get(
        "priceText") else []  # fmt: skip
    attrs: dict[str, str] = {}
    for info in _infos(comps):
        for entry in info.get("items") or []:
            texts = [t for t in entry.get("text") or [] if isinstance(t, str)]
            if info.get("type") == "BASE_PROPS" and entry.get("title"):
                attrs.setdefault(entry["title"], "，".join(texts))
            elif info.get("type") in _OFFERS:
                promo += texts
    for group in ("basicParamList", "enhanceParamList"):  # the parameter table of pages of 2025
        for entry in dig(data, "plusViewVO", "industryParamVO", group) or []:
            if isinstance(entry, dict) and entry.get("propertyName") and entry.get("valueName"):
                attrs.setdefault(str(entry["propertyName"]).strip(), str(entry["valueName"]).strip())
    ex.put("promo", promo, SOURCE)
    ex.put("attributes", attrs or None, SOURCE)
    put_attributes(ex, attrs, SOURCE)
    return ex
