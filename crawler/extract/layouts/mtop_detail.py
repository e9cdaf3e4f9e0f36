"""Taobao and Tmall item details as the mobile detail interface serves them
(``mtop.taobao.detail.getdetail`` 6.0, called ``wdetail`` in its responses; what H5 item pages and
the apps were drawn from, 2016–2021, and what many monitoring scripts saved): JSON, or JSONP as
``mtopjsonp2({…})`` when the page asked for it. Its ``data`` holds

* ``item``: ``itemId``, ``title``, ``images`` (protocol-relative);
* ``seller``: ``shopName``, ``shopId``, ``sellerType`` (B: a Tmall shop, C: a Taobao one),
  ``shopUrl`` (an app link ``tmall://…`` on Tmall, a web address on Taobao);
* ``props.groupProps``: parameter groups, ``[{"基本信息": [{"品牌": "…"}, …]}]``, values
  often ending in a space;
* ``apiStack[0].value``: the live part, a JSON object or (until about 2019) a JSON *string*
  of one: ``price.price.priceText`` (the price paid, "35.31-283.66" for a range, titled by
  ``priceTitle`` such as 国庆价), ``price.extraPrices[0]`` (the struck-through 价格),
  ``skuCore.sku2info["0"]`` (the whole item), ``item.title``; ``mockData`` has the same shape
  and holds the price before promotions when ``apiStack`` is missing.

Tmall H5 pages carry the same document as ``var _DATA_Detail = {…}`` (`crawler.extract.layouts.tmall`)."""

from __future__ import annotations

import json
from typing import Any

from crawler.extract import api_json
from crawler.extract.generic import put_attributes
from crawler.extract.layouts._dom import dig
from crawler.extract.result import Reading, absolute, price_range

SOURCE = "taobao:mtop-detail"


def _object(value: Any) -> dict[str, Any]:
    """A JSON object given as itself or as a JSON string of it ({} otherwise)."""
    if isinstance(value, str) and value.lstrip()[:1] == "{":
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


def response(text: str) -> dict[str, Any] | None:
    """The ``data`` of a detail-interface response (JSON, or JSONP ``callback({…})``), None for
    anything else."""
    if '"apiStack"' not in text and '"wdetail"' not in text and "mtop.taobao.detail.getdetail" not in text:
        return None
    doc = api_json.parse(text)
    data = doc.get("data") if isinstance(doc, dict) else None
    if not isinstance(data, dict) or not isinstance(data.get("item"), dict):
        return None
    return data if "apiStack" in data or "seller" in data else None


def live(data: dict[str, Any]) -> dict[str, Any]:
    """The live part: ``apiStack[0].value`` (object or JSON string), else ``mockData``."""
    return _object(dig(data, "apiStack", 0, "value")) or _object(data.get("mockData"))


def group_props(data: dict[str, Any]) -> dict[str, str]:
    """Every parameter of ``props.groupProps``, trailing spaces stripped."""
    out: dict[str, str] = {}
    for group in dig(data, "props", "groupProps") or []:
        for entries in group.values() if isinstance(group, dict) else ():
            for entry in entries if isinstance(entries, list) else ():
                for key, value in entry.items() if isinstance(entry, dict) else ():
                    if isinstance(value, str) and key.strip() and value.strip():
                        out.setdefault(key.strip(), value.strip())
    return out


def prices(esi: dict[str, Any]) -> tuple[str | None, float | None]:
    """(price text paid, price before promotions when higher) of the live part."""
    shown = dig(esi, "price", "price", "priceText") or dig(esi, "skuCore", "sku2info", "0", "price", "priceText")
    before = dig(esi, "price", "extraPrices", 0, "priceText")
    low, _ = price_range(str(shown or ""))
    original, _ = price_range(str(before or ""))
    return (
        str(shown) if shown else None
    ), original if original is not None and low is not None and original > low else None


def read(data: dict[str, Any], url: str) -> Reading:
    seller, item, esi = data.get("seller") or {}, data.get("item") or {}, live(data)
    tmall = "B" in (seller.get("sellerType"), seller.get("shopType"))
    ex = Reading(platform="tmall" if tmall else "taobao", kind="product", url=url)
    ex.put("title", item.get("title") or dig(esi, "item", "title"), SOURCE)
    ex.put("subtitle", item.get("subtitle"), SOURCE)
    ex.put("item_id", str(item.get("itemId") or dig(esi, "item", "itemId") or "") or None, SOURCE)
    shown, original = prices(esi)
    low, high = price_range(shown)
    if ex.put("price", low, SOURCE):
        ex.put("price_max", high, SOURCE)
        ex.put("price_text", f"¥{shown}", SOURCE)
        ex.put("original_price", original, SOURCE)
    ex.put("shop_name", seller.get("shopName"), SOURCE)
    ex.put("shop_id", str(seller.get("shopId") or "") or None, SOURCE)
    shop_url = str(seller.get("shopUrl") or "")
    ex.put("shop_url", absolute(url, shop_url) if shop_url.startswith(("http", "//")) else None, SOURCE)
    images = [absolute(url, i) for i in item.get("images") or dig(esi, "item", "images") or [] if isinstance(i, str)]
    ex.put("image_urls", images, SOURCE)
    attrs = group_props(data)
    ex.put("attributes", attrs or None, SOURCE)
    put_attributes(ex, attrs, SOURCE)
    return ex
