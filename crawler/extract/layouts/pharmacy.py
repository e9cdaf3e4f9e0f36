"""Online pharmacies (网上药店: 1药网, 健客, 药房网, 康爱多 …, and the pharmacy stores on the big
platforms). Their drug pages differ in markup but state the same facts, because the drug
rules require them: the product name and 规格, the 会员价 / 本站价, the 批准文号 (国药准字…),
whether it is a 处方药 (an Rx badge, a 药品类型 row, or the warning 处方药须凭处方在药师指导下
购买和使用 that prescription pages must show), the manufacturer, and in the header or footer
the operator's 互联网药品信息服务资格证书 and 药品网络销售 filing. The labelled-value reader of
`crawler.extract.generic` finds most of these; this module adds what the pages show in
markup rather than labels (the Rx badge, the dispensing store). Layouts known: 药房网 (PC,
``.middle_property .info h1``, the branch in ``#alias``), 健客 mobile (Vue, ``.product-name >
span``, "健客价" ￥ price spans, the chosen size in ``.product-size.active``)."""

from __future__ import annotations

from typing import Any

from crawler.extract.generic import extract_generic, parse
from crawler.extract.layouts._dom import css_attr, css_text
from crawler.extract.result import Reading

NAME = "pharmacy"
#: Where pharmacies name the store that dispenses (药房网: the branch behind the listing).
_STORE = ("#alias@value", ".store-name", ".shop-name", ".dp-name", ".store_name", ".pharmacy-name")
_RX_BADGE = (".icon-rx", "i.rx", ".rx-tag", ".drug-rx", ".chufang", "[class~=rx]")
_TITLE = (".middle_property .info h1", ".goods-name", ".product-name h1", ".product-name > span", ".pro_name",
          "#J_GoodsName", ".goods_name")  # fmt: skip


def _store(root: Any) -> str:
    for css in _STORE:
        sel, _, attr = css.partition("@")
        value = css_attr(root, sel, attr) if attr else css_text(root, sel)
        if value:
            return value
    return ""


def read(html: str, url: str) -> Reading:
    ex = Reading(platform=NAME, kind="product", url=url)
    root = parse(html)
    for css in _TITLE:
        if ex.put("title", css_text(root, css), "pharmacy:title"):
            break
    if any(root.cssselect(css) for css in _RX_BADGE):
        ex.put("prescription", True, "pharmacy:rx-badge")
    ex.put("shop_name", _store(root), "pharmacy:store")
    ex.put("spec", css_text(root, ".product-sizes .product-size.active"), "pharmacy:size")
    return extract_generic(html, url, NAME, into=ex)
