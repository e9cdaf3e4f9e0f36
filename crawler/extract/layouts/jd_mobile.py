"""京东 JD mobile item pages (``item.m.jd.com/product/<sku>.html``), the item page JD serves to
anonymous visitors today. The page is drawn by script from two objects assigned in it:

* ``window._itemOnly = ({"item": {...}})``: ``skuId``, ``skuName`` (on some pages cut short
  with "..." while the full name sits in a later script), ``brandName``, ``image`` (picture
  paths ``jfs/…`` on JD's image host), ``expandAttrDesc`` (parameter → values), ``newColorSize``
  / ``ColorSize`` (the SKUs).
* ``window._itemInfo = ({...})``: the price, as ``price.p`` (the 京东价, with the price before
  it in ``price.op``) on pages until about 2021, as ``priceFloor`` on later ones, whose shown
  ``price`` may be written in a private font's code points (then unreadable here) while
  ``ext.jdPrice`` and ``ext.realPriceExt.ORIGINAL.salePrice`` keep plain numbers.

Shapes as other public readers of these pages describe them (a Scrapy spider of about 2021, a
Go reader and a browser extension of 2025); the layout reads only what it finds."""

from __future__ import annotations

import re
from typing import Any

from crawler.extract.generic import parse, put_attributes
from crawler.extract.layouts._dom import dig, json_after
from crawler.extract.result import Reading, price_range

NAME = "jd"
SOURCE = "jd:mobile-data"
IMAGE_HOST = "https://img10.360buyimg.com/n1/"
_SKU_RE = re.compile(r"/product/(\d+)\.html|/(\d+)\.html")
_TITLE_TAIL = re.compile(r"\s*(?:【[^】]*】)?\s*-\s*京东(?:商城|JD\.COM)?\s*$", re.I)
_CUT = re.compile(r"(?:\.\.\.|…)\s*$")
_SKU_NAME_RE = re.compile(r'"skuName"\s*:\s*"((?:[^"\\]|\\.)+)"')


def is_mobile_item(text: str) -> bool:
    return "window._itemOnly" in text


def _plain_price(value: Any) -> float | None:
    """A price written in digits ("2090.00"); None for one in a private font's code points."""
    text = str(value or "").strip().lstrip("¥￥")
    return price_range(text)[0] if re.fullmatch(r"\d+(?:\.\d+)?", text) else None


def _title(item: dict[str, Any], html: str, root: Any) -> str | None:
    names = [n for n in (item.get("skuName"), *_SKU_NAME_RE.findall(html)) if isinstance(n, str) and n.strip()]
    whole = [n.strip() for n in names if not _CUT.search(n)]
    if whole:
        return max(whole, key=len)
    tag = _TITLE_TAIL.sub("", root.findtext(".//title") or "").strip()
    return tag or (names[0].strip() if names else None)


def read(html: str, url: str) -> Reading:
    ex = Reading(platform=NAME, kind="product", url=url)
    item = dig(json_after(html, "window._itemOnly"), "item") or {}
    info = json_after(html, "window._itemInfo") or {}
    root = parse(html)
    ex.put("title", _title(item, html, root), SOURCE)
    m = _SKU_RE.search(url)
    ex.put("item_id", str(item.get("skuId") or "") or (m and (m[1] or m[2])) or None, SOURCE)
    ex.put("brand", item.get("brandName"), SOURCE)
    images = [i for i in item.get("image") or [] if isinstance(i, str) and i.strip()]
    ex.put("image_urls", [i if i.startswith(("http:", "https:")) else IMAGE_HOST + i.lstrip("/") for i in images],
           SOURCE)  # fmt: skip
    attrs = {
        str(k).strip(): "，".join(str(v).strip() for v in vs) if isinstance(vs, list) else str(vs).strip()
        for k, vs in (item.get("expandAttrDesc") or {}).items()
    }
    attrs = {k: v for k, v in attrs.items() if k and v}
    ex.put("attributes", attrs or None, SOURCE)
    put_attributes(ex, attrs, SOURCE)
    old = info.get("price") if isinstance(info.get("price"), dict) else {}
    floor = info.get("priceFloor") if isinstance(info.get("priceFloor"), dict) else {}
    ext = floor.get("ext") if isinstance(floor.get("ext"), dict) else {}
    before = dig(ext, "realPriceExt", "ORIGINAL", "salePrice")
    condition = str(dig(floor, "afterDesc", "text") or "").strip()  # "到手价": after coupons
    candidates = ((old.get("p"), old.get("op"), ""), (floor.get("price"), before, condition),
                  (ext.get("jdPrice"), before, ""))  # fmt: skip
    for shown, listed, label in candidates:
        price = _plain_price(shown)
        if price is None or price <= 0:
            continue
        ex.put("price", price, SOURCE)
        ex.put("price_text", f"{label}¥{price:.2f}", SOURCE)
        original = _plain_price(listed)
        if original is not None and original > price:
            ex.put("original_price", original, SOURCE)
        break
    return ex
