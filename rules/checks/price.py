"""`check: {kind: price}`: a reference price above the current price, unexplained."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import Field

from rules.checks.base import Check, Finding, register_check

if TYPE_CHECKING:
    from rules.conditions import DocView
    from rules.document import Document


@register_check
class PriceCheck(Check):
    """A structured reference price (attributes.original_price) above the current price
    with no explanation of what the reference price is."""

    kind: Literal["price"]
    min_ratio: float = Field(default=1.0, ge=1.0, description="original_price / price must exceed this")
    explanation: str | None = Field(default=None, description="regex; a match in any text field clears it")

    regex_fields: ClassVar[tuple[str, ...]] = ("explanation",)

    def has_input(self, doc: Document) -> bool:
        return self.shape(doc)

    @classmethod
    def shape(cls, doc: Document) -> bool:
        return doc.attributes.original_price is not None and doc.attributes.price is not None

    def findings(self, view: DocView) -> list[Finding]:
        attrs = view.doc.attributes
        if attrs.original_price is None or attrs.price is None or attrs.price <= 0:
            return []
        if attrs.original_price <= attrs.price * self.min_ratio:
            return []
        explanation = self.regex("explanation")
        if explanation is not None:
            for field in view.doc.fields:
                n = view.norm(field)
                if n is not None and explanation.search(n.text):
                    return []
        return [Finding("attributes", f"原价{attrs.original_price:g} 现价{attrs.price:g}")]
