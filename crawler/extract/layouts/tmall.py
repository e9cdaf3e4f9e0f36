"""Tmall (天猫) item pages. Three layouts are known:

* PC, 2013–2021 (``detail.tmall.com/item.htm``, GBK): the ``#J_DetailMeta`` block with the
  title in ``.tb-detail-hd h1``, 价格 in ``#J_StrPriceModBox .tm-price`` and, once scripts ran,
  the promotion price in ``#J_PromoPrice .tm-price``; the shop in the header's
  ``.slogo-shopname``; item facts in the ``TShop.Setup({...})`` script (``itemDO`` with its
  ``reservePrice`` and the URL-encoded ``sellerNickName``, the ``detail.defaultItemPrice``,
  ``rstShopId``); attributes in ``#J_AttrUL`` or, as data, in ``itemDO.newProGroup``; the
  main pictures as ``#J_UlThumb`` thumbnails; the description images in ``#description``
  after lazy loading (as served it says 描述加载中 and holds none).
* PC, 2022–2023: CSS-module class names with hashed suffixes (``ItemHeader--mainTitle--…``,
  ``Price--priceText--…`` in ``Price--originPrice--``, the coupon price in
  ``Price--extraPriceText--``, ``ShopHeader--shopName--…``, attributes as
  ``InfoItem--infoItemTitle--`` / ``InfoItem--infoItemContent--`` pairs); only the names
  before the hash are stable.
* PC, 2024 on (Taobao and Tmall share it): bare hashed names (``mainTitle--O1XCl8e2``,
  ``shopName--mTDZGIPO``, sometimes behind a build prefix ``_4nNipe17pV--shopName--…``); the
  price paid in ``highlightPrice--`` (``text--`` holds the number), the price before discounts
  in ``subPrice--``; attributes in ``generalParamsInfoItemTitle--`` (name) /
  ``…SubTitle--`` (value) pairs and ``emphasisParamsInfoItem…`` pairs the other way round.
  The page also carries the detail document inline (``__ICE_APP_CONTEXT__``, read by
  `crawler.extract.layouts.taobao`), which is read first: its price keeps the range of all SKUs.
* H5 (``detail.m.tmall.com``): the data in ``var _DATA_Detail = {...}`` (item, seller) and
  ``_DATA_Mdskip`` (prices), the DOM drawn from them by script. Until about 2017 (GBK pages)
  the same scripts held the PC shapes instead: ``itemDO`` and ``rstShopId`` in the detail,
  per-SKU prices in ``defaultModel.itemPriceResultDO.priceInfo`` (``price``, and the price
  paid in ``promotionList``), the title in ``#s-title h1``.

A price range ("99.00-199.00") keeps both ends."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from crawler.extract.generic import parse, put_attributes, text_of
from crawler.extract.layouts import mtop_detail
from crawler.extract.layouts import taobao as detail_json
from crawler.extract.layouts._dom import (
    by_class_part,
    by_id,
    class_prefix_text,
    css_attr,
    css_text,
    dig,
    json_after,
    query_id,
)
from crawler.extract.result import Reading, absolute, price_range
from crawler.spiders._common import is_decoration, lazy_src

NAME = "tmall"
_TITLE_TAIL = re.compile(r"\s*-\s*tmall\.com天猫\s*$|\s*-\s*天猫Tmall\.com\s*$|\s*-\s*天猫\s*$", re.I)


#: Attribute pairs of the CSS-module layouts: (class of the name, class of the value beside it).
_ATTR_PAIRS = (
    ("generalParamsInfoItemTitle--", "generalParamsInfoItemSubTitle--"),
    ("emphasisParamsInfoItemSubTitle--", "emphasisParamsInfoItemTitle--"),
    ("infoItemTitle--", "infoItemContent--"),
)


def attributes(root: Any) -> dict[str, str]:
    """Parameter name → value of the PC layouts (Taobao's ``ul.attributes-list`` too)."""
    out: dict[str, str] = {}
    for li in root.cssselect("#J_AttrUL li, #J_AttrList li, ul.attributes-list li"):
        key, sep, value = text_of(li).replace("\xa0", " ").partition("：")
        if not sep:
            key, sep, value = text_of(li).partition(":")
        if sep and key.strip() and value.strip():
            _add_value(out, key.strip(), value.strip())
    for name_part, value_part in _ATTR_PAIRS:
        for name in by_class_part(root, name_part):
            key = text_of(name).strip("：: ")
            value = class_prefix_text(name.getparent(), value_part)
            if key and value:
                _add_value(out, key, value)
    return out


def _add_value(attributes: dict[str, str], key: str, value: str) -> None:
    """A label a table repeats keeps every value it shows (Tmall's 3C block and the seller's
    list both give 产品名称), joined with "；" in page order."""
    seen = attributes.get(key)
    if seen is None:
        attributes[key] = value
    elif value not in seen.split("；"):
        attributes[key] = f"{seen}；{value}"


def _modern_prices(root: Any) -> tuple[tuple[str, str, str], ...]:
    """(price text, price-before-discount text, source) of the CSS-module layouts, newest first."""
    paid = by_class_part(root, "highlightPrice--")
    paid_text = (class_prefix_text(paid[0], "text--") or text_of(paid[0])) if paid else ""
    coupon = class_prefix_text(root, "extraPriceText--")
    plain = next(
        (text_of(el) for el in by_class_part(root, "priceText--")
         if text_of(el) and "extraPriceText--" not in (el.get("class") or "")),
        "",
    )  # fmt: skip
    return (
        (paid_text, class_prefix_text(root, "subPrice--"), "tmall:highlight-price"),
        (coupon, plain, "tmall:promo-price"),
        (plain, "", "tmall:price"),
    )


def _pc(root: Any, html: str, url: str, ex: Reading) -> None:
    setup = json_after(html, "TShop.Setup(") or {}
    meta = by_id(root, "J_DetailMeta")
    title_tag = root.findtext(".//title") or ""
    ex.put("title", css_text(meta, ".tb-detail-hd h1") if meta is not None else "", "tmall:detail-meta")
    ex.put("title", class_prefix_text(root, "mainTitle--"), "tmall:item-header")
    ex.put("title", dig(setup, "itemDO", "title"), "tmall:setup")
    ex.put("title", _TITLE_TAIL.sub("", title_tag).strip() if _TITLE_TAIL.search(title_tag) else None, "title-tag")
    listed = (
        css_text(root, "#J_StrPriceModBox .tm-price") or css_text(root, "#J_StrPrice .tm-price")
        or css_text(root, "#J_StrPriceModBox") or css_text(root, "#J_StrPrice")
    )  # fmt: skip
    promo = css_text(root, "#J_PromoPrice .tm-price")
    candidates = (
        (promo, listed, "tmall:promo-price"),
        *_modern_prices(root),
        (listed, "", "tmall:price"),
        (dig(setup, "detail", "defaultItemPrice"), "", "tmall:setup"),
        (dig(setup, "itemDO", "reservePrice"), "", "tmall:setup"),
    )
    for text, before, source in candidates:
        low, high = price_range(text)
        if low is not None:
            ex.put("price", low, source)
            ex.put("price_max", high, source)
            ex.put("price_text", text.strip(), source)
            original, _ = price_range(before)
            if original is not None and original > low:
                ex.put("original_price", original, source)
            break
    shop = (
        css_text(root, ".slogo-shopname strong") or css_text(root, ".slogo-shopname")
        or css_text(root, "#side-shop-info .shopLink") or css_text(root, ".shop-name .shopLink")
        or class_prefix_text(root, "shopName--", "ShopHeader--title--")
    )  # fmt: skip
    ex.put("shop_name", shop, "tmall:shop-header")
    ex.put("shop_name", css_attr(root, "input[name=seller_nickname]", "value"), "tmall:seller-nick")
    ex.put("shop_name", unquote(str(dig(setup, "itemDO", "sellerNickName") or "")).strip(), "tmall:setup")
    ex.put("shop_id", str(setup.get("rstShopId") or dig(setup, "itemDO", "shopId") or "") or None, "tmall:setup")
    ex.put("item_id", query_id(url), "tmall:url")
    ex.put("item_id", query_id(css_attr(root, "link[rel=canonical]", "href")), "tmall:canonical")
    ex.put("item_id", str(dig(setup, "itemDO", "itemId") or "") or None, "tmall:setup")
    shop_href = css_attr(root, ".slogo-shopname", "href") or css_attr(root, "#side-shop-info .shopLink", "href")
    ex.put("shop_url", absolute(url, shop_href) if shop_href else None, "tmall:shop-header")
    if dig(setup, "detail", "isPrescriptionDrug") is True:
        ex.put("prescription", True, "tmall:setup")
    ex.put("attributes", attributes(root) or None, "tmall:attributes")
    ex.put("attributes", _group_attributes(setup) or None, "tmall:setup")
    put_attributes(ex, ex.data.get("attributes") or {}, ex.sources.get("attributes", "tmall:attributes"))
    ex.put("image_urls", _gallery(root, url), "tmall:gallery")
    desc = by_id(root, "description")
    if desc is not None:
        srcs = [lazy_src(img) for img in desc.iter("img") if not is_decoration(img, lazy_src(img))]
        ex.put("detail_image_urls", list(dict.fromkeys(absolute(url, s) for s in srcs if s)), "tmall:description")


#: The size a gallery thumbnail's address asks for ("…!!0-item_pic.jpg_60x60q90.jpg").
_THUMB_SIZE = re.compile(r"_\d+x\d+(?:q\d+)?\.(?:jpe?g|png|webp)$", re.I)


def _gallery(root: Any, url: str, css: str = "#J_UlThumb img") -> list[str]:
    """The main pictures, full size: the gallery's thumbnails without their size suffix."""
    out = []
    for img in root.cssselect(css):
        if src := lazy_src(img):
            out.append(absolute(url, _THUMB_SIZE.sub("", src)))
    return list(dict.fromkeys(out))


def _group_attributes(setup: dict[str, Any]) -> dict[str, str]:
    """产品参数 of the 2015–2019 configuration: ``itemDO.newProGroup`` groups of name/value
    pairs (the parameter list the page draws when ``#J_AttrUL`` is not in the markup)."""
    groups = dig(setup, "itemDO", "newProGroup") or dig(setup, "detail", "itemDO", "newProGroup") or []
    out: dict[str, str] = {}
    for group in groups if isinstance(groups, list) else ():
        for attr in (group.get("attrs") or []) if isinstance(group, dict) else ():
            if isinstance(attr, dict) and str(attr.get("name") or "").strip() and str(attr.get("value") or "").strip():
                out.setdefault(str(attr["name"]).strip(), str(attr["value"]).strip())
    return out


def _sku_prices(mdskip: Any) -> tuple[str | None, str | None]:
    """(price paid, price before promotions) over the SKUs of the 2016–2017 H5 data, each a
    range text when the SKUs differ."""
    infos = dig(mdskip, "defaultModel", "itemPriceResultDO", "priceInfo")
    paid: list[float] = []
    listed: list[float] = []
    for info in infos.values() if isinstance(infos, dict) else ():
        if not isinstance(info, dict):
            continue
        before, _ = price_range(str(info.get("price") or info.get("tagPrice") or ""))
        promos = [  # a promotion marked not started ("start": false) is not the price paid now
            price_range(str(p.get("price") or ""))[0]
            for p in info.get("promotionList") or []
            if isinstance(p, dict) and p.get("start") is not False
        ]
        promos = [p for p in promos if p is not None]
        paid += [min(promos)] if promos else [before] if before is not None else []
        listed += [before] if before is not None else []

    def span(values: list[float]) -> str | None:
        if not values:
            return None
        low, high = min(values), max(values)
        return f"{low:.2f}-{high:.2f}" if high > low else f"{low:.2f}"

    return span(paid), span(listed)


def _h5(root: Any, html: str, url: str, ex: Reading) -> None:
    detail = json_after(html, "_DATA_Detail =") or json_after(html, "_DATA_Detail=") or {}
    mdskip = json_after(html, "_DATA_Mdskip =") or json_after(html, "_DATA_Mdskip=") or {}
    ex.put("title", dig(detail, "item", "title") or dig(detail, "itemDO", "title"), "tmall:h5-data")
    ex.put("title", css_text(root, "#s-title h1"), "tmall:h5-title")
    item_id = dig(detail, "item", "itemId") or dig(detail, "itemDO", "itemId")
    ex.put("item_id", str(item_id or "") or query_id(url), "tmall:h5-data")
    ex.put("shop_name", dig(detail, "seller", "shopName"), "tmall:h5-data")
    ex.put("shop_name", css_text(root, ".shop-t"), "tmall:h5-shop")  # 2015–2016: only drawn in the shop bar
    if shop_href := css_attr(root, "a.go-shop", "href"):  # 进入店铺
        ex.put("shop_url", absolute(url, shop_href), "tmall:h5-shop")
    ex.put("shop_id", str(dig(detail, "seller", "shopId") or detail.get("rstShopId") or "") or None, "tmall:h5-data")
    paid, listed = _sku_prices(mdskip)
    esi = mtop_detail.live(detail)  # the interface's live part, when the page carries it
    text = (dig(mdskip, "price", "price", "priceText") or dig(detail, "price", "price", "priceText")
            or dig(esi, "price", "price", "priceText") or paid)  # fmt: skip
    low, high = price_range(text)
    if ex.put("price", low, "tmall:h5-data"):
        ex.put("price_max", high, "tmall:h5-data")
        ex.put("price_text", text, "tmall:h5-data")
    extra = (dig(mdskip, "price", "extraPrices", 0, "priceText") or dig(detail, "price", "extraPrices", 0, "priceText")
             or dig(esi, "price", "extraPrices", 0, "priceText"))  # fmt: skip
    original, _ = price_range(extra or listed)
    if original is not None and low is not None and original > low:
        ex.put("original_price", original, "tmall:h5-data")
    images = dig(detail, "item", "images") or []
    ex.put("image_urls", [absolute(url, i) for i in images if isinstance(i, str)], "tmall:h5-data")
    ex.put("image_urls", _gallery(root, url, "#s-showcase img"), "tmall:h5-showcase")
    attrs = mtop_detail.group_props(detail) or _group_attributes(detail)
    ex.put("attributes", attrs or None, "tmall:h5-data")
    put_attributes(ex, attrs, "tmall:h5-data")


def read(html: str, url: str) -> Reading:
    ex = Reading(platform=NAME, kind="product", url=url)
    if (data := detail_json.page_data(html)) is not None:
        inline = detail_json.read_data(data, url)
        for field, value in inline.data.items():
            ex.put(field, value, inline.sources.get(field, detail_json.SOURCE))
    root = parse(html)
    if "_DATA_Detail" in html:
        _h5(root, html, url, ex)
    _pc(root, html, url, ex)
    return ex
