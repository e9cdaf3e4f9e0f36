"""1688 (阿里巴巴) offer details as served by the offer-detail interface: a JSON document whose
``data`` holds one entry per page component, each with a ``componentType`` (offer title,
price, attributes, main pictures, certificates …) and whose ``globalData`` holds the offer and
seller model. The seller is a company (``companyName``: the operator); the shop a buyer sees is
the seller's login name and its ``winport`` storefront. Prices are often ranges (per SKU or by
quantity): both ends are kept.

Offer pages of about 2016-2021 (``detail.1688.com/offer/<id>.html``, GBK) carry the offer in
script objects written with single quotes (``var iDetailConfig`` with ``offerid``, ``refPrice``,
``unit``, ``loginId``, ``companySiteLink``; ``var iDetailData`` with the SKUs),
the offer id in ``<meta name="b2c_auction">``, the company in the masthead's ``.company-name``
(its ``title``), the parameters as ``td.de-feature`` / ``td.de-value`` cells of
``#mod-detail-attributes``; shapes as public readers of these pages quote them (a Java parser
of 2020, Python and C# importers). `read_page_html` reads these; the generic reader adds the
rest.

Offer pages since about 2023 render from a model inline in the page,
``window.context=(function(b,d){…})(window.contextPath,{"result":{…}})``: ``result.data`` holds the
page components by name, each with its ``type`` (``od_title``, ``od_main_price``,
``od_picture_gallery``, ``od_product_warning``, ``od_product_description``) and ``fields`` shaped as
the interface's component data; ``Root.fields.dataJson`` is the interface's offer model
(``tempModel``, ``offerBaseInfo``, ``skuModel``); the parameters are
``global.globalData.model.offerDetail.featureAttributes``. Some of its object keys are bare
numbers (SKU ids: ``{5931007583129:0.6}``), so it is JavaScript rather than JSON. `page_context`
finds it and `read_context` reads it through the interface reader."""

from __future__ import annotations

import json
import re
from typing import Any

from crawler.extract import api_json
from crawler.extract.generic import parse, put_attributes, text_of
from crawler.extract.layouts._dom import css_attr, css_text, dig
from crawler.extract.result import Reading, price_range

NAME = "1688"


def is_offer_json(text: str) -> bool:
    return api_json.opens_json(text) and ("tdmod-od-pc" in text[:20000] or '"offerTitle"' in text)


def _components(doc: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    data = doc.get("data")
    for comp in data.values() if isinstance(data, dict) else ():
        if isinstance(comp, dict) and comp.get("componentType"):
            out.setdefault(comp["componentType"].rsplit("/", 1)[-1], comp.get("data"))
    return out


def read(text: str, url: str) -> Reading:
    doc = api_json.parse(text)
    if not isinstance(doc, dict):  # not JSON, cut short, or a bare list: nothing to read
        return Reading(platform=NAME, kind="product", url=url)
    return read_document(doc, url)


def read_document(doc: dict[str, Any], url: str) -> Reading:
    """An offer-detail document (the interface's JSON, or a page's model converted to it)."""
    ex = Reading(platform=NAME, kind="product", url=url)
    comps = _components(doc)
    model = dig(doc, "globalData", "tempModel") or {}
    base = dig(doc, "globalData", "offerBaseInfo") or {}
    ex.put("title", dig(comps, "tdmod-od-pc-offer-title", "title"), "1688:offer-title")
    ex.put("title", model.get("offerTitle"), "1688:offer-model")
    offer_id = model.get("offerId") or base.get("offerId")
    ex.put("item_id", str(offer_id) if offer_id else None, "1688:offer-model")
    if offer_id:
        ex.url = ex.url if ex.url.startswith("http") else f"https://detail.1688.com/offer/{offer_id}.html"
    prices = dig(comps, "tdmod-od-pc-offer-price", "priceModel") or {}
    current = [p.get("price") for p in prices.get("currentPrices") or [] if isinstance(p, dict)]
    values = sorted(v for v in (price_range(str(c))[0] for c in current) if v is not None)
    scale = dig(doc, "globalData", "skuModel", "skuPriceScale")
    if values:
        ex.put("price", values[0], "1688:price-model")
        ex.put("price_max", values[-1] if values[-1] > values[0] else None, "1688:price-model")
    elif scale:
        low, high = price_range(scale)
        ex.put("price", low, "1688:sku-model")
        ex.put("price_max", high, "1688:sku-model")
    if ex.data.get("price") is not None:
        hi = ex.data.get("price_max")
        ex.put("price_text", f"¥{ex.data['price']:.2f}" + (f"-{hi:.2f}" if hi else ""), "1688:price-model")
    original, _ = price_range(prices.get("originalPriceDisplay"))
    if original is not None and ex.data.get("price") is not None and original > ex.data["price"]:
        ex.put("original_price", original, "1688:price-model")
    ex.put("operator_name", model.get("companyName"), "1688:offer-model")
    ex.put("shop_name", model.get("sellerLoginId") or base.get("sellerLoginId"), "1688:offer-model")
    ex.put("shop_id", model.get("sellerMemberId") or base.get("sellerMemberId"), "1688:offer-model")
    ex.put("shop_url", base.get("sellerWinportUrl") or model.get("winportUrl"), "1688:offer-model")
    attrs = {a["name"]: a.get("value") for a in comps.get("tdmod-od-pc-attribute-new") or []
             if isinstance(a, dict) and a.get("name")}  # fmt: skip
    ex.put("attributes", attrs or None, "1688:attributes")
    put_attributes(ex, {k: v for k, v in attrs.items() if isinstance(v, str)}, "1688:attributes")
    for prop in dig(doc, "globalData", "skuModel", "skuProps") or []:  # the SKUs' own 规格 (10片/盒, 5片/盒)
        names = [v.get("name") for v in prop.get("value") or [] if isinstance(v, dict) and v.get("name")]
        if "规格" in (prop.get("prop") or "") and names:
            ex.put("spec", "、".join(names), "1688:sku-model")
            break
    certs = dig(comps, "tdmod-od-pc-warning-cert", "officialDocInfos") or []
    for cert in certs:
        name, value = cert.get("name") or "", cert.get("value") or ""
        if "化妆品" in name or "妆" in value:
            ex.put("cosmetic_filing_no", value, "1688:certificates")
        elif "械" in name or "械" in value:
            ex.put("device_licence_no", value, "1688:certificates")
        elif "药" in name and "准字" in value:
            ex.put("drug_approval_no", value, "1688:certificates")
    ex.put("certificates", [{"name": c.get("name"), "value": c.get("value")} for c in certs] or None,
           "1688:certificates")  # fmt: skip
    caution = dig(comps, "tdmod-od-pc-warning-cert", "cautionText")
    ex.put("notice", caution if caution and len(caution) > 10 else None, "1688:certificates")
    pics = dig(comps, "tdmod-pc-od-main-pic", "offerImgList") or []
    ex.put("image_urls", [p for p in pics if isinstance(p, str)], "1688:main-pic")
    ex.put("description_url", dig(comps, "tdmod-od-pc-offer-description", "detailUrl"), "1688:description")
    return ex


_SCRIPT_VALUE = r"""['"]{key}['"]\s*:\s*(?:['"]([^'"]*)['"]|(-?[\d.]+))"""


def _script_value(html: str, variable: str, key: str) -> str | None:
    """``key``'s value in a script object written with either quote (``'refPrice':'12.00'``)."""
    start = html.find(variable)
    if start < 0:
        return None
    m = re.search(_SCRIPT_VALUE.format(key=re.escape(key)), html[start : start + 20_000])
    if not m:
        return None
    return (m[1] if m[1] is not None else m[2]).strip() or None


def read_page_html(html: str, url: str) -> Reading:
    """An offer page of the 2016-2021 layout (see the module notes)."""
    ex = Reading(platform=NAME, kind="product", url=url)
    root = parse(html)
    source = "1688:offer-page"
    offer_id = css_attr(root, "meta[name=b2c_auction]", "content") or _script_value(html, "iDetailConfig", "offerid")
    ex.put("item_id", offer_id, source)
    ex.put("title", css_text(root, "h1.d-title") or css_attr(root, "meta[property='og:title']", "content"), source)
    low, high = price_range(_script_value(html, "iDetailConfig", "refPrice") or "")  # the lowest offered
    if ex.put("price", low, source):
        ex.put("price_max", high, source)
        ex.put("price_text", f"¥{low:.2f}" + (f"-{high:.2f}" if high else ""), source)
    ex.put("operator_name", css_attr(root, ".company-name", "title") or css_text(root, ".company-name"), source)
    ex.put("shop_name", _script_value(html, "iDetailConfig", "loginId"), source)
    ex.put("shop_url", _script_value(html, "iDetailConfig", "companySiteLink"), source)
    names = [text_of(td) for td in root.cssselect("#mod-detail-attributes td.de-feature")]
    values = [text_of(td) for td in root.cssselect("#mod-detail-attributes td.de-value")]
    attrs = {n: v for n, v in zip(names, values, strict=False) if n and v}
    ex.put("attributes", attrs or None, source)
    put_attributes(ex, attrs, source)
    return ex


_CONTEXT_MARKER = "(window.contextPath,"
#: a JSON string (left as it is) or an object key written as a bare number
_STRING_OR_BARE_KEY = re.compile(r'"(?:\\.|[^"\\])*"|([{,]\s*)(\d+)(\s*:)')
#: page component types and the interface components whose data they carry
_COMPONENT_OF_TYPE = {
    "od_title": "tdmod-od-pc-offer-title",
    "od_main_price": "tdmod-od-pc-offer-price",
    "od_picture_gallery": "tdmod-pc-od-main-pic",
    "od_product_warning": "tdmod-od-pc-warning-cert",
    "od_product_description": "tdmod-od-pc-offer-description",
}


def _quote_bare_keys(script: str) -> str:
    return _STRING_OR_BARE_KEY.sub(lambda m: m[0] if m[1] is None else f'{m[1]}"{m[2]}"{m[3]}', script)


def page_context(html: str) -> dict[str, Any] | None:
    """The page model of an offer page of the current layout (see the module notes), or None."""
    i = html.find(_CONTEXT_MARKER)
    start = html.find("{", i + len(_CONTEXT_MARKER)) if i >= 0 else -1
    if start < 0:
        return None
    end = html.find("</script>", start)
    try:
        value, _ = json.JSONDecoder().raw_decode(_quote_bare_keys(html[start : end if end > 0 else len(html)]))
    except ValueError:
        return None
    return value if isinstance(dig(value, "result", "data"), dict) else None


def read_context(context: dict[str, Any], url: str) -> Reading:
    """An offer page of the current layout, read as the interface document its model holds."""
    components: dict[str, Any] = {}
    for name, comp in dig(context, "result", "data").items():
        kind = comp.get("type") if isinstance(comp, dict) else None
        if kind in _COMPONENT_OF_TYPE:
            components[name] = {"componentType": _COMPONENT_OF_TYPE[kind], "data": comp.get("fields")}
    features = dig(context, "result", "global", "globalData", "model", "offerDetail", "featureAttributes") or []
    attributes = [
        {"name": f["name"], "value": f"{f.get('value', '')}{f.get('unit') or ''}".strip()}
        for f in features
        if isinstance(f, dict) and f.get("name") and f.get("value") not in (None, "")
    ]
    components["featureAttributes"] = {"componentType": "tdmod-od-pc-attribute-new", "data": attributes}
    model = dig(context, "result", "data", "Root", "fields", "dataJson") or {}
    return read_document({"data": components, "globalData": model}, url)
