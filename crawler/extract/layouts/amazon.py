"""Amazon (亚马逊, including the cross-border 海外购 stores) item pages, desktop and mobile, as
served 2018–2025: the title in ``#productTitle`` (desktop) or ``h1#title`` (mobile); the buy
box price in ``#corePrice_feature_div`` / ``#corePriceDisplay_desktop_feature_div`` (2021 on,
the visible text in ``.a-offscreen``), ``#priceblock_ourprice`` (older desktop),
``#newBuyBoxPrice`` (mobile) or, when only used copies are offered, ``#usedBuySection``;
the seller in ``#sellerProfileTriggerId`` or the "Ships from and sold by …" line of
``#merchant-info``; the ASIN in ``input#ASIN`` or the ``/dp/<ASIN>`` address. Prices carry
the store's currency, kept in ``currency``. A page that offers nothing (out of stock, not
shipped to the visitor's region) shows no price, and none is read."""

from __future__ import annotations

import json
import re
from typing import Any

from crawler.extract.generic import parse
from crawler.extract.layouts._dom import css_attr, css_text
from crawler.extract.result import Reading, absolute, price_range

NAME = "amazon"
_ASIN = re.compile(r"/(?:dp|gp/product|gp/aw/d)/([0-9A-Z]{10})(?:[/?]|$)")
_SOLD_BY = re.compile(r"\bsold by\s+(.+?)(?:\s+and\s+(?:fulfilled|shipped)|\.\s|\.$|$)", re.I)
_CURRENCY = {"$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY", "￥": "CNY", "₹": "INR"}
_PRICES = (
    "#corePrice_feature_div .a-offscreen",
    "#corePriceDisplay_desktop_feature_div .a-price .a-offscreen",
    "#priceblock_dealprice",
    "#priceblock_ourprice",
    "#price_inside_buybox",
    "#newBuyBoxPrice",
    "#kindle-price",
    "#usedBuySection .offer-price",
)


def _currency(text: str, url: str) -> str | None:
    symbol = next((s for s in _CURRENCY if s in text), None)
    if symbol == "¥" and ".co.jp" not in url:
        return "CNY"
    return _CURRENCY.get(symbol) if symbol else None


def _main_image(root: Any, url: str) -> list[str]:
    hires = css_attr(root, "#landingImage", "data-old-hires")
    if hires:
        return [absolute(url, hires)]
    dynamic = css_attr(root, "#landingImage, #imgBlkFront", "data-a-dynamic-image")
    try:
        found = list(json.loads(dynamic)) if dynamic else []
    except ValueError:
        found = []
    return [absolute(url, u) for u in found[:1]]


def read(html: str, url: str) -> Reading:
    ex = Reading(platform=NAME, kind="product", url=url)
    root = parse(html)
    ex.put("title", css_text(root, "#productTitle") or css_text(root, "h1#title"), "amazon:title")
    for css in _PRICES:
        text = css_text(root, css)
        low, high = price_range(text)
        if ex.put("price", low, f"amazon:{css.split()[0].lstrip('#')}"):
            ex.put("price_max", high, "amazon:price")
            ex.put("price_text", text, "amazon:price")
            ex.put("currency", _currency(text, url), "amazon:price")
            break
    seller = css_text(root, "#sellerProfileTriggerId")
    if not seller and (m := _SOLD_BY.search(css_text(root, "#merchant-info"))):
        seller = m[1].strip()
    ex.put("shop_name", seller, "amazon:merchant")
    canonical = css_attr(root, "link[rel=canonical]", "href")
    m = _ASIN.search(url) or _ASIN.search(canonical)
    ex.put("item_id", css_attr(root, "input#ASIN", "value") or (m[1] if m else None), "amazon:asin")
    ex.put("image_urls", _main_image(root, url), "amazon:landing-image")
    return ex
