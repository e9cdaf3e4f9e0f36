"""Mogujie (蘑菇街) PC item pages (``shop.mogujie.com/detail/<id>``), as served in 2018: the
title in ``h1.goods-title``, the price (often a range "¥1099.00~¥1599.00") in ``#J_NowPrice``,
the shop in the header's ``.shop-name .name-wrap a.name``, item facts in the inline
``var detailInfo = {itemId: '…', shopId: '…', main: {nowPrice, originPrice, topImages}}``
script (a JavaScript object, not JSON: its values are read one by one), the description
pictures lazily loaded (``data-original``) inside ``#J_ModuleGraphic``. Item ids are
alphanumeric ("1kcnxeu"). Category and search pages list ``div.goods_item`` cards (see
`crawler.extract.layouts.listing`)."""

from __future__ import annotations

import json
import re

from crawler.extract.generic import parse
from crawler.extract.layouts._dom import by_id, css_attr, css_text
from crawler.extract.result import Reading, absolute, price_range

NAME = "mogujie"
_ITEM_ID = re.compile(r"/detail/([0-9a-z]+)", re.I)


def _info(html: str, key: str) -> str | None:
    """A quoted string value of the ``detailInfo`` script object."""
    m = re.search(rf"\b{key}\s*:\s*'([^']*)'", html)
    return m[1] if m else None


def _top_images(html: str) -> list[str]:
    m = re.search(r"\btopImages\s*:\s*(\[[^\]]*\])", html)
    if not m:
        return []
    try:
        found = json.loads(m[1])
    except ValueError:
        return []
    return [u for u in found if isinstance(u, str)]


def read(html: str, url: str) -> Reading:
    ex = Reading(platform=NAME, kind="product", url=url)
    root = parse(html)
    ex.put("title", css_text(root, "h1.goods-title"), "mogujie:goods-title")
    for text, source in ((css_text(root, "#J_NowPrice"), "mogujie:now-price"),
                         (_info(html, "nowPrice"), "mogujie:detail-info")):  # fmt: skip
        low, high = price_range(text)
        if ex.put("price", low, source):
            ex.put("price_max", high, source)
            ex.put("price_text", text, source)
            break
    original, _ = price_range(css_text(root, "#J_OriginPrice") or _info(html, "originPrice"))
    if original is not None and ex.data.get("price") is not None and original > ex.data["price"]:
        ex.put("original_price", original, "mogujie:detail-info")
    ex.put("shop_name", css_text(root, ".shop-name .name-wrap a.name") or css_text(root, ".shop-hd .shop-name a"),
           "mogujie:shop-header")  # fmt: skip
    shop_href = css_attr(root, ".shop-name .name-wrap a.name", "href")
    ex.put("shop_url", absolute(url, shop_href) if shop_href else None, "mogujie:shop-header")
    ex.put("shop_id", _info(html, "shopId"), "mogujie:detail-info")
    m = _ITEM_ID.search(url)
    ex.put("item_id", _info(html, "itemId") or (m[1] if m else None), "mogujie:detail-info")
    ex.put("image_urls", [absolute(url, u) for u in _top_images(html)], "mogujie:detail-info")
    graphic = by_id(root, "J_ModuleGraphic")
    if graphic is not None:
        srcs = [img.get("data-original") or img.get("src") for img in graphic.iter("img")]
        ex.put("detail_image_urls", list(dict.fromkeys(absolute(url, s) for s in srcs if s)), "mogujie:graphic")
    return ex
