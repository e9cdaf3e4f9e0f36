"""A product in a JSON interface response that no platform layout knows: the object that names
and prices one item, read by the key names shop interfaces use (``name`` / ``goodsName``,
``price`` / ``salePrice``, ``shopName``, ``approvalNumber``, ``manufacturers``, ``commonName``,
``productSpecifications`` …), and the label / value lists such responses carry
(``[{"text": "批准文号", "value": "国药准字…"}]``). Prices are read only from keys whose unit is
the yuan as shown: an integer price in fen (叮当快药's ``priceL``) is left alone."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from crawler.extract.result import price_range

#: Field → the keys that carry it (compared without case, ``_`` and ``-``), the likeliest first.
KEYS: dict[str, tuple[str, ...]] = {
    "title": ("goodsname", "productname", "itemtitle", "skuname", "warename", "title", "name", "subject"),
    "price": ("saleprice", "price", "minprice", "realprice", "promotionprice", "currentprice", "jdprice"),
    "original_price": ("originalprice", "marketprice", "lineprice", "reserveprice", "oriprice"),
    "shop_name": ("shopname", "storename", "mallname", "sellernick", "sellername", "vendername"),
    "drug_approval_no": ("approvalnumber", "approvalno", "approvalnum", "pzwh"),
    "manufacturer": ("manufacturers", "manufacturer", "manufacturername", "factory", "producer"),
    "generic_name": ("commonname", "genericname"),
    "spec": ("productspecifications", "specification", "specifications", "spec"),
}
#: Keys a product's own object has; the object with most of them is the product.
_PRODUCT_FIELDS = ("title", "price", "drug_approval_no", "generic_name", "spec", "manufacturer")
_CALLBACK = re.compile(r"[\w$.]+\s*\(\s*[{\[]")
_FOLD = str.maketrans("", "", "_-")


def _folded(key: str) -> str:
    return key.lower().translate(_FOLD)


def parse(text: str) -> Any:
    """The document of a JSON or JSONP (``callback({…})``) response, None for anything else."""
    body = text.strip()
    if body[:1] not in ("{", "["):
        if not _CALLBACK.match(body):
            return None
        body = body[body.index("(") + 1 : body.rindex(")")]
    try:
        return json.loads(body)
    except ValueError:
        return None


def _objects(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 12:
        return
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _objects(value, depth + 1)
    elif isinstance(node, list):
        for value in node[:50]:
            yield from _objects(value, depth + 1)


def _value(obj: dict[str, Any], field: str) -> Any:
    folded = {_folded(k): v for k, v in obj.items()}
    for key in KEYS[field]:
        value = folded.get(key)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
            return value
    return None


def _price(value: Any) -> float | None:
    if isinstance(value, str):
        return price_range(value)[0]
    return float(value) if isinstance(value, (int, float)) and value > 0 else None


def _labelled(obj: dict[str, Any]) -> dict[str, str]:
    """Label → value of the object's ``[{"text"|"name"|"key"|"label": …, "value": …}]`` lists."""
    out: dict[str, str] = {}
    for value in obj.values():
        if not isinstance(value, list):
            continue
        for entry in value:
            if isinstance(entry, dict) and isinstance(entry.get("value"), (str, int, float)):
                label = next(
                    (entry[k] for k in ("text", "name", "key", "label") if isinstance(entry.get(k), str)), None
                )
                if label:
                    out.setdefault(label.strip(), str(entry["value"]).strip())
    return out


def read(text: str) -> tuple[dict[str, Any], dict[str, str]]:
    """(fields, labelled parameters) of the product a JSON response describes; ({}, {}) when the
    text is no JSON or names no single product (a search result's list is a listing)."""
    doc = parse(text)
    if doc is None:
        return {}, {}
    scored = [(sum(_value(obj, f) is not None for f in _PRODUCT_FIELDS), obj) for obj in _objects(doc)]
    candidates = [(score, obj) for score, obj in scored if score >= 2 and _value(obj, "title") is not None]
    if not candidates:
        return {}, {}
    best = max(score for score, _ in candidates)
    products = [obj for score, obj in candidates if score == best]
    if len(products) > 1:
        return {}, {}  # several items alike: a list, not one product's page
    product = products[0]
    fields: dict[str, Any] = {}
    for field in KEYS:
        value = _value(product, field)
        if value is None:
            continue
        fields[field] = _price(value) if field.endswith("price") else str(value).strip()
    return {k: v for k, v in fields.items() if v is not None}, _labelled(product)
