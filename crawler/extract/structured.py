"""Structured data a page publishes about itself: schema.org Product in JSON-LD or microdata,
and OpenGraph tags, read with extruct. Self-built shops and newer platform pages carry these;
where they exist they are the most reliable source of name, price, brand and images."""

from __future__ import annotations

import logging
from typing import Any

import extruct

from crawler.extract.result import absolute, price_range

log = logging.getLogger(__name__)
SYNTAXES = ["json-ld", "microdata", "opengraph"]
_SOURCE = {"json-ld": "jsonld", "microdata": "microdata", "opengraph": "opengraph"}


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type") or []
    values = value if isinstance(value, list) else [value]
    return {str(v).rsplit("/", 1)[-1] for v in values}


def _walk(node: Any) -> list[dict[str, Any]]:
    """Every dict in a JSON-LD / microdata tree (products hide in @graph and offers)."""
    out: list[dict[str, Any]] = []
    if isinstance(node, dict):
        out.append(node)
        for value in node.values():
            out += _walk(value)
    elif isinstance(node, list):
        for value in node:
            out += _walk(value)
    return out


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if v), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    return str(value).strip() if value not in (None, "") else None


def _images(value: Any, url: str) -> list[str]:
    values = value if isinstance(value, list) else [value]
    out = []
    for v in values:
        v = v.get("url") or v.get("contentUrl") if isinstance(v, dict) else v
        if isinstance(v, str) and v.strip():
            out.append(absolute(url, v.strip()))
    return list(dict.fromkeys(out))


def _offer_prices(product: dict[str, Any]) -> tuple[float | None, float | None]:
    offers = product.get("offers")
    for offer in offers if isinstance(offers, list) else [offers]:
        if not isinstance(offer, dict):
            continue
        low = offer.get("lowPrice") if offer.get("lowPrice") is not None else offer.get("price")
        high = offer.get("highPrice")
        lo, _ = price_range(str(low)) if low is not None else (None, None)
        hi, _ = price_range(str(high)) if high is not None else (None, None)
        if lo is not None:
            return lo, hi if hi is not None and hi > lo else None
    return None, None


def _product_fields(product: dict[str, Any], url: str) -> dict[str, Any]:
    low, high = _offer_prices(product)
    seller = None
    offers = product.get("offers")
    for offer in offers if isinstance(offers, list) else [offers]:
        if isinstance(offer, dict) and offer.get("seller"):
            seller = _text(offer["seller"])
            break
    return {
        "title": _text(product.get("name")),
        "description": _text(product.get("description")),
        "price": low,
        "price_max": high,
        "brand": _text(product.get("brand")),
        "item_id": _text(product.get("sku") or product.get("productID")),
        "shop_name": seller,
        "image_urls": _images(product.get("image"), url),
    }


def _extract(html: str, url: str, syntaxes: list[str]) -> dict[str, Any]:
    try:
        return extruct.extract(html, base_url=url, syntaxes=syntaxes, uniform=True, errors="ignore")
    except Exception as exc:  # extruct raises whatever its parsers raise on broken markup
        log.warning("structured data unreadable on %s: %s", url, exc)
        return {}


def _products(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(_SOURCE[syntax], node) for syntax in ("json-ld", "microdata") for node in _walk(data.get(syntax) or [])
            if _types(node) & {"Product", "IndividualProduct", "ProductModel", "Drug"}]  # fmt: skip


def listed_products(html: str, url: str) -> list[dict[str, Any]]:
    """The products a listing page describes in JSON-LD or microdata, each with its own page
    address (search pages of some platforms publish one Product per result): url, item_id,
    title, price and price_max. Fewer than two such products: not a listing, []."""
    if "ld+json" not in html and "itemtype" not in html:
        return []
    out: dict[str, dict[str, Any]] = {}
    for _, node in _products(_extract(html, url, ["json-ld", "microdata"])):
        link = _text(node.get("url"))
        if not link or absolute(url, link) == url:
            continue
        fields = _product_fields(node, url)
        entry = {"url": absolute(url, link), "item_id": fields["item_id"], "title": fields["title"],
                 "price": fields["price"], "price_max": fields["price_max"]}  # fmt: skip
        out.setdefault(entry["url"], {k: v for k, v in entry.items() if v is not None or k in ("title", "price")})
    return list(out.values()) if len(out) > 1 else []


def read(html: str, url: str) -> list[tuple[str, dict[str, Any]]]:
    """[(strategy, fields)] in order of trust: JSON-LD Product, microdata Product, OpenGraph.
    A page whose structured data cannot be parsed yields [] (logged), never an error."""
    data = _extract(html, url, SYNTAXES)
    out = [(source, _product_fields(node, url)) for source, node in _products(data)]
    for og in data.get("opengraph") or []:
        props = {k: v for k, v in og.items() if isinstance(k, str)}
        amount = props.get("product:price:amount") or props.get("og:price:amount")
        low, high = price_range(str(amount)) if amount else (None, None)
        out.append(("opengraph", {
            "title": _text(props.get("og:title")), "description": _text(props.get("og:description")),
            "price": low, "price_max": high, "image_urls": _images(props.get("og:image"), url),
        }))  # fmt: skip
    return out
