"""Pinduoduo (拼多多) goods pages (``mobile.yangkeduo.com/goods.html?goods_id=…``). The page is
drawn by script from ``window.rawData = {...}``: the goods under ``store.initDataObj.goods``
(name, id as ``goodsID`` or ``goodsId``, group and normal prices) and the shop under
``store.initDataObj.mall`` (some shapes also name it in the goods, ``mallName``). Prices in
that data are integers in fen (分) or decimal strings in yuan; both are read. Without the data
(a page saved before scripts ran, or a changed layout) the generic reader takes over.

Lists of goods: the search interface's ``items`` and a category's ``goods_list`` (JSON, prices
in fen, the 拼团 price under ``group.price`` in category lists, ``market_price`` the struck-through
one), and the search page (``search_result.html``), whose cards carry no links: its goods are in
``__NEXT_DATA__`` (``ssrListData.list``, prices as yuan strings)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from crawler.extract import api_json
from crawler.extract.layouts import listing
from crawler.extract.layouts._dom import dig, json_after, query_id
from crawler.extract.result import Reading, price_range

NAME = "pinduoduo"
SITE = "https://mobile.yangkeduo.com/"
GOODS_URL = SITE + "goods.html?goods_id={}"


def _yuan(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value / 100
    return price_range(str(value))[0]


def read(html: str, url: str) -> Reading:
    ex = Reading(platform=NAME, kind="product", url=url)
    raw = json_after(html, "window.rawData=") or json_after(html, "window.rawData =") or {}
    data = dig(raw, "store", "initDataObj") or raw.get("initDataObj") or {}
    goods = data.get("goods") or {}
    ex.put("title", goods.get("goodsName"), "pinduoduo:raw-data")
    ex.put("item_id", str(goods.get("goodsID") or goods.get("goodsId") or "") or query_id(url, "goods_id"),
           "pinduoduo:raw-data")  # fmt: skip
    low = _yuan(goods.get("minOnSaleGroupPrice") or goods.get("minGroupPrice"))
    high = _yuan(goods.get("maxOnSaleGroupPrice") or goods.get("maxGroupPrice"))
    if ex.put("price", low, "pinduoduo:raw-data"):
        ex.put("price_max", high if high is not None and low is not None and high > low else None, "pinduoduo:raw-data")
    mall = data.get("mall") or {}
    ex.put("shop_name", mall.get("mallName") or goods.get("mallName"), "pinduoduo:raw-data")
    ex.put("shop_id", str(mall.get("mallID") or mall.get("mallId") or "") or None, "pinduoduo:raw-data")
    return ex


def _listed_price(goods: dict[str, Any]) -> float | None:
    """A listed item's price: the 拼团 price, else the price shown, else the single-buy price."""
    return _yuan(dig(goods, "group", "price") or goods.get("price") or goods.get("normal_price"))


def read_listing(text: str, url: str) -> Reading | None:
    """A list of goods (see the module's notes) as a listing; None for anything else."""
    if (doc := api_json.parse(text)) is not None:
        docs: Iterable[Any] = [doc]
    elif "ssrListData" in text:
        docs = api_json.embedded(text)
    else:
        return None
    found = api_json.first_listed(docs, SITE, _listed_price, _yuan, GOODS_URL)
    return listing.of_products(found, url, NAME, "pinduoduo:goods-list") if found else None
