"""`check: {kind: price}`: a reference price above the current price, unexplained."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import Field

from rules.checks.base import Check, Finding, register_check
from rules.document import TextField

if TYPE_CHECKING:
    from rules.conditions import DocView
    from rules.document import Document


@register_check
class PriceCheck(Check):
    """A reference price above the current price with no explanation of what the reference
    price is: the structured one (attributes.original_price), or, with `pair`, two amounts side
    by side in the price line where the second is the higher (a struck-through price as the
    page's text layer renders it: 团购售价¥29.9¥296)."""

    kind: Literal["price"]
    min_ratio: float = Field(default=1.0, ge=1.0, description="original_price / price must exceed this")
    explanation: str | None = Field(default=None, description="regex; a match in any text field clears it")
    pair: str | None = Field(
        default=None,
        description="regex with groups `now` and `was`, run on the normalised text of `fields`; a "
        "match whose `was` exceeds `now` by min_ratio is a reference price",
    )
    # The price line by default: a description lists several prices for other reasons, so a
    # rule that reads it needs a pair marked as a reference price (括注, 划线).
    fields: list[TextField] = Field(default=["price_text"], min_length=1, description="fields `pair` reads")

    regex_fields: ClassVar[tuple[str, ...]] = ("explanation", "pair")

    def has_input(self, doc: Document) -> bool:
        if self.pair is not None:
            return any(f in doc.fields for f in self.fields)
        return self.shape(doc)

    @classmethod
    def shape(cls, doc: Document) -> bool:
        return doc.attributes.original_price is not None and doc.attributes.price is not None

    def findings(self, view: DocView) -> list[Finding]:
        # with `pair` the rule reads its text fields only; the structured prices are another rule's
        found = self._pairs(view) if self.pair is not None else self._structured(view)
        if not found:
            return []
        explanation = self.regex("explanation")
        if explanation is not None:
            for field in view.doc.fields:
                n = view.norm(field)
                if n is not None and explanation.search(n.text):
                    return []
        return found

    def _structured(self, view: DocView) -> list[Finding]:
        attrs = view.doc.attributes
        if attrs.original_price is None or attrs.price is None or attrs.price <= 0:
            return []
        if attrs.original_price <= attrs.price * self.min_ratio:
            return []
        return [Finding("attributes", f"原价{attrs.original_price:g} 现价{attrs.price:g}")]

    def _pairs(self, view: DocView) -> list[Finding]:
        pair = self.regex("pair")
        if pair is None:
            return []
        # a pair that opens with ¥ cannot match a field whose raw text has no ¥ or ￥ (the only
        # characters that normalise to it): most descriptions are passed over unread
        yen = pair.pattern.startswith("¥")
        found = []
        for field in self.fields:
            raw = view.doc.fields.get(field)
            if not raw or (yen and "¥" not in raw and "￥" not in raw):
                continue
            n = view.norm(field)
            if n is None:
                continue
            for m in pair.finditer(n.text):
                now, was = float(m.group("now")), float(m.group("was"))
                if now > 0 and was > now * self.min_ratio:
                    found.append(Finding(field, m.group(0)))
        return found
