"""A product in a JSON interface response that no platform layout knows: the object that names
and prices one item, read by the key names shop interfaces use (``name`` / ``goodsName``,
``price`` / ``salePrice``, ``shopName``, ``approvalNumber``, ``manufacturers``, ``commonName``,
``productSpecifications`` …), and the label / value lists such responses carry
(``[{"text": "批准文号", "value": "国药准字…"}]``). A price is read from a text ("28.50") or a
number with a fractional part: a whole number may count fen (拼多多's ``min_group_price``,
叮当快药's ``priceL``), and a price read a hundred times too high would be worse than none."""

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
    """The document of a JSON or JSONP (``callback({…})``) response, None for anything else (an
    HTML page is told at its first character)."""
    body = text.strip()
    if body[:1] not in ("{", "[") and not _CALLBACK.match(body):
        return None
    try:
        if body[:1] not in ("{", "["):
            body = body[body.index("(") + 1 : body.rindex(")")]  # no ")": cut short, a ValueError
        return json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the parser goes
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


def _fields(obj: dict[str, Any]) -> dict[str, Any]:
    """Field → the value an object gives it under one of the field's keys."""
    folded = {_folded(k): v for k, v in obj.items()}
    out: dict[str, Any] = {}
    for field, keys in KEYS.items():
        for key in keys:
            value = folded.get(key)
            if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
                out[field] = value
                break
    return out


def _price(value: Any) -> float | None:
    if isinstance(value, str):
        return price_range(value)[0]
    return value if isinstance(value, float) and value > 0 and not value.is_integer() else None


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
    candidates = []
    for obj in _objects(doc):
        fields = _fields(obj)
        score = sum(f in fields for f in _PRODUCT_FIELDS)
        if score >= 2 and "title" in fields:
            candidates.append((score, obj, fields))
    if not candidates:
        return {}, {}
    best = max(score for score, _, _ in candidates)
    products = [(obj, fields) for score, obj, fields in candidates if score == best]
    if len(products) > 1:
        return {}, {}  # several items alike: a list, not one product's page
    product, fields = products[0]
    out = {f: _price(v) if f.endswith("price") else str(v).strip() for f, v in fields.items()}
    return {f: v for f, v in out.items() if v is not None}, _labelled(product)
