"""A check kind defined outside the engine, as a plug-in would be: a product offered below a
price floor (`check: {kind: price_floor, below: 50}`). Importing this module registers it."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Literal

from pydantic import Field

from rules.checks import Check, Finding, register_check
from rules.conditions import DocView
from rules.document import Document

PACK = """\
pack: {id: toy-price-floor, version: 1.0.0, title: 低价商品}
rules:
  - id: TOY-PRICE-001
    title: 商品售价低于价格下限
    family: toy.price_floor
    severity: S4
    class: 行为
    department: 价格
    legal_basis: [{law: 明码标价和禁止价格欺诈规定, article: 第十九条}]
    check: {kind: price_floor, below: BELOW}
    term: 售价低于下限
    examples:
      hit:
        - {doc: {kind: product, attributes: {price: 1.5}}}
        - {doc: {kind: product, attributes: {price: 9.9}}}
      miss:
        - {doc: {kind: product, attributes: {price: 1000}}}
        - {doc: {kind: product}}
"""


@register_check
class PriceFloorCheck(Check):
    """A product whose current price is below `below`."""

    kind: Literal["price_floor"]
    below: float = Field(gt=0)

    def has_input(self, doc: Document) -> bool:
        return doc.attributes.price is not None

    @classmethod
    def shape(cls, doc: Document) -> Hashable:
        return doc.attributes.price is not None

    def findings(self, view: DocView) -> list[Finding]:
        price = view.doc.attributes.price
        if price is None or price >= self.below:
            return []
        return [Finding("attributes", f"售价{price:g}")]


def pack_text(below: float) -> str:
    return PACK.replace("BELOW", f"{below:g}")
