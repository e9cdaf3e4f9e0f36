"""A product in a JSON interface response that no platform layout knows: the object that names
and prices one item, read by the key names shop interfaces use (``name`` / ``goodsName``,
``price`` / ``salePrice``, ``shopName``, ``approvalNumber``, ``manufacturers``, ``commonName``,
``productSpecifications`` …), and the label / value lists such responses carry
(``[{"text": "批准文号", "value": "国药准字…"}]``). A price is read from a text ("28.50") or a
number with a fractional part: a whole number may count fen (拼多多's ``min_group_price``,
叮当快药's ``priceL``), and a price read a hundred times too high would be worse than none.

The same reading serves the data pages carry inline for their scripts (`embedded`: Next.js's
``<script id="__NEXT_DATA__" type="application/json">``, ``window.__INITIAL_STATE__ = {…}`` and
other assignments of a JSON object, JSON in a ``data-*`` attribute as 微店 writes it), and a
response or inline document that lists items rather than naming one (`listed`: a search
interface's ``items``, a category's ``goods_list``) gives their links, titles and prices."""

from __future__ import annotations

import html as html_text
import json
import re
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from crawler.extract.result import absolute, price_range

#: Field → the keys that carry it (compared without case, ``_`` and ``-``), the likeliest first.
KEYS: dict[str, tuple[str, ...]] = {
    "title": ("goodsname", "productname", "itemtitle", "itemname", "skuname", "warename", "title", "name", "subject"),
    "price": (
        "saleprice",
        "price",
        "minprice",
        "realprice",
        "promotionprice",
        "currentprice",
        "jdprice",
        "itemlowprice",
        "lowprice",
    ),
    "original_price": ("originalprice", "originprice", "marketprice", "lineprice", "reserveprice", "oriprice"),
    "shop_name": ("shopname", "storename", "mallname", "sellernick", "sellername", "vendername"),
    "drug_approval_no": ("approvalnumber", "approvalno", "approvalnum", "pzwh"),
    "manufacturer": ("manufacturers", "manufacturer", "manufacturername", "factory", "producer"),
    "generic_name": ("commonname", "genericname"),
    "spec": ("productspecifications", "specification", "specifications", "spec"),
}
#: An item's id, link and picture in a list of items (compared like KEYS).
LISTED_KEYS: dict[str, tuple[str, ...]] = {
    "item_id": ("goodsid", "itemid", "skuid", "productid", "offerid", "nid", "id"),
    "url": ("linkurl", "detailurl", "itemurl", "producturl", "goodsurl", "url", "link"),
    "image": ("hdthumburl", "thumburl", "imgurl", "imageurl", "picurl", "pic", "image", "img"),
}
#: Keys a product's own object has; the object with most of them is the product.
_PRODUCT_FIELDS = ("title", "price", "original_price", "drug_approval_no", "generic_name", "spec", "manufacturer")
_CALLBACK = re.compile(r"[\w$.]+\s*\(\s*[{\[]")
#: Inline data for a page's scripts: a JSON script element, an assignment of an object literal
#: (``window.__INITIAL_STATE__ = {``, ``var _global = {``), a JSON object in a data attribute
#: (HTML-escaped, so it holds no raw double quote).
_JSON_SCRIPT = re.compile(r"<script\b[^>]*type=[\"']application/json[\"'][^>]*>(.*?)</script", re.I | re.S)
#: (Each opens with a literal, which `re` finds fast; the name of an assignment is checked on the
#: few characters before its ``= {``.)
_ASSIGNMENT = re.compile(r"=\s*\{")
_ASSIGNED_NAME = re.compile(r"(?:window\.|\b(?:var|let|const)\s+)[A-Za-z_$][\w$]*\s*$")
_DATA_ATTRIBUTE = re.compile(r"data-[\w-]+=\"(\{(?:&#34;|&quot;)[^\"]*)\"")
_UNDEFINED = re.compile(r"(?<=[:,\[])\s*undefined\b")
#: Inline documents read at most per page (a page assigns dozens of small configuration objects).
_MAX_EMBEDDED = 24
_FOLD = str.maketrans("", "", "_-")
_ADDRESS = re.compile(r"https?://|//|/[^/]")


def _folded(key: str) -> str:
    return key.lower().translate(_FOLD)


def opens_json(text: str) -> bool:
    """Whether a response opens as JSON or JSONP (``callback({…})``): told at its first
    characters, so an HTML page costs nothing."""
    body = text[:512].lstrip()
    return body[:1] in ("{", "[") or _CALLBACK.match(body) is not None


def parse(text: str) -> Any:
    """The document of a JSON or JSONP (``callback({…})``) response, None for anything else (an
    HTML page is told at its first character)."""
    body = text.strip()
    if not opens_json(body):
        return None
    try:
        if body[:1] not in ("{", "["):
            body = body[body.index("(") + 1 : body.rindex(")")]  # no ")": cut short, a ValueError
        return json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the parser goes
        return None


def documents(text: str) -> list[str] | None:
    """The JSON documents of a file that holds several one after another (responses of an
    interface saved to one file, one per line or separated by blank lines), each as its text;
    None when the text is not such a sequence (one document, or anything else)."""
    decoder = json.JSONDecoder()
    out: list[str] = []
    at, end = 0, len(text)
    while True:
        while at < end and text[at].isspace():
            at += 1
        if at == end:
            break
        try:
            _, stop = decoder.raw_decode(text, at)
        except (ValueError, RecursionError):
            return None
        out.append(text[at:stop])
        at = stop
    return out if len(out) > 1 else None


def _decoded_object(text: str, start: int) -> Any:
    """The JSON object at `start` of a script, with JavaScript's ``undefined`` read as null
    (state objects serialised for the browser carry it); None when it is no JSON."""
    decoder = json.JSONDecoder()
    try:
        return decoder.raw_decode(text, start)[0]
    except (ValueError, RecursionError):
        pass
    if text[start + 1 : start + 64].lstrip()[:1] != '"':
        return None  # a JavaScript object (bare keys), no JSON with undefined in it
    end = text.find("</script", start)
    script = text[start : end if end > 0 else len(text)]
    if "undefined" not in script:
        return None
    try:
        return decoder.raw_decode(_UNDEFINED.sub(" null", script))[0]
    except (ValueError, RecursionError):
        return None


def embedded(page: str) -> Iterator[dict[str, Any]]:
    """The JSON objects an HTML page carries for its scripts (see the module's notes), in page
    order by kind: JSON script elements, assignments, data attributes."""
    for doc in islice(_inline(page), _MAX_EMBEDDED):  # each try counts: many scripts cost a bound
        if isinstance(doc, dict) and doc:
            yield doc


def _inline(page: str) -> Iterator[Any]:
    for m in _JSON_SCRIPT.finditer(page):
        yield parse(m[1])
    for m in _ASSIGNMENT.finditer(page):
        if _ASSIGNED_NAME.search(page, max(0, m.start() - 64), m.start()):
            yield _decoded_object(page, m.end() - 1)
    for m in _DATA_ATTRIBUTE.finditer(page):
        yield parse(html_text.unescape(m[1]))


def _lists(node: Any, depth: int = 0) -> Iterator[list[Any]]:
    if depth > 12:
        return
    if isinstance(node, dict):
        for value in node.values():
            yield from _lists(value, depth + 1)
    elif isinstance(node, list):
        yield node
        for value in node[:50]:
            yield from _lists(value, depth + 1)


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


def _fields(obj: dict[str, Any], keyed: dict[str, tuple[str, ...]] = KEYS) -> dict[str, Any]:
    """Field → the value an object gives it under one of the field's keys."""
    folded = {_folded(k): v for k, v in obj.items()}
    out: dict[str, Any] = {}
    for field, keys in keyed.items():
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
    return ({}, {}) if doc is None else read_document(doc)


def read_embedded(page: str) -> tuple[dict[str, Any], dict[str, str]]:
    """`read_document` of the first inline document of an HTML page that names one product."""
    for doc in embedded(page):
        found, parameters = read_document(doc)
        if found:
            return found, parameters
    return {}, {}


def read_document(doc: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """(fields, labelled parameters) of the one object of a document that names and prices or
    describes an item; a shop named once in the document (微店's ``shop_info``, beside the item)
    is the item's shop."""
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
    out = {f: v for f, v in out.items() if v is not None}
    if "price" not in out:
        out.pop("original_price", None)  # a struck-through price means nothing beside no price
    if "shop_name" not in out:
        shops = {str(v).strip() for obj in _objects(doc) if isinstance(v := _fields(obj).get("shop_name"), str)}
        if len(shops - {""}) == 1:
            out["shop_name"] = (shops - {""}).pop()
    return out, _labelled(product)


#: A platform's reading of an item's price (the object in, yuan out) and of an amount (a value
#: in, yuan out), where it knows its unit.
PriceOf = Callable[[dict[str, Any]], float | None]
Money = Callable[[Any], float | None]


def listed(doc: Any, url: str, price_of: PriceOf | None = None, money: Money | None = None,
           item_url: str | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """The items of the longest list of alike objects in a document that each give a title and
    a link, or an id and a price (`item_url`, a format with ``{}``, makes the link of an id;
    without it such an item has no link). `price_of` and `money` read prices where the platform
    knows their unit; otherwise a whole number is not read, as in `read_document`."""
    best: list[dict[str, Any]] = []
    for candidates in _lists(doc):
        if len(candidates) < 3 or len(candidates) <= len(best):
            continue
        read = (_listed(obj, url, price_of, money, item_url) for obj in candidates if isinstance(obj, dict))
        entries = [e for e in read if e is not None]
        if len(entries) >= 3 and 2 * len(entries) >= len(candidates):
            best = entries
    return best


def first_listed(docs: Iterable[Any], url: str, price_of: PriceOf | None = None, money: Money | None = None,
                 item_url: str | None = None) -> list[dict[str, Any]]:  # fmt: skip
    """`listed` of the first of `docs` that lists items ([] when none does)."""
    return next((found for doc in docs if (found := listed(doc, url, price_of, money, item_url))), [])


def _listed(obj: dict[str, Any], url: str, price_of: PriceOf | None, money: Money | None,
            item_url: str | None) -> dict[str, Any] | None:  # fmt: skip
    fields, ids = _fields(obj), _fields(obj, LISTED_KEYS)
    title, item_id, link = fields.get("title"), ids.get("item_id"), ids.get("url")
    if not isinstance(title, str) or (item_id is None and not isinstance(link, str)):
        return None
    if not isinstance(link, str) and item_url is not None:
        link = item_url.format(item_id)
    if not isinstance(link, str) and "price" not in fields:
        return None  # an id and a name without a price: a category, a tag, a user, no item
    money = money or _price
    price = price_of(obj) if price_of else money(fields.get("price"))
    entry: dict[str, Any] = {"url": absolute(url, link) if isinstance(link, str) else None,
                             "item_id": str(item_id) if item_id is not None else None,
                             "title": title.strip(), "price": price}  # fmt: skip
    original = money(fields.get("original_price"))
    if original is not None and price is not None and original > price:
        entry["original_price"] = original
    if isinstance(shop := fields.get("shop_name"), str) and shop.strip():
        entry["shop_name"] = shop.strip()
    if isinstance(image := ids.get("image"), str) and _ADDRESS.match(image.strip()):
        entry["image_urls"] = [absolute(url, image.strip())]  # a bare file name has a host only its site knows
    return entry
