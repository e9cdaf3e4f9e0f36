"""`check: {kind: option}`: a tie-in or auto-renewal option checked by default."""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import Field

from rules.checks.base import Check, Finding, register_check

if TYPE_CHECKING:
    from rules.conditions import DocView
    from rules.document import Document


@register_check
class OptionCheck(Check):
    """Checkout options pre-selected by default whose label matches `label`."""

    kind: Literal["option"]
    label: str = Field(description="regex on the normalised option label")
    exclude_label: str | None = Field(default=None, description="regex; matching labels are ignored")
    checked: bool = True
    min_price: float | None = Field(default=None, description="option price must exceed this")
    disclosure: str | None = Field(
        default=None, description="regex; a match in terms/promo/description/labels clears the option"
    )
    add_on: bool = Field(
        default=False,
        description="only options for something else than the page's item: a label whose matched term is "
        "also in the title (年卡 on a 年卡 page) is the item's own variant, not a tie-in",
    )

    regex_fields: ClassVar[tuple[str, ...]] = ("label", "exclude_label", "disclosure")

    def has_input(self, doc: Document) -> bool:
        return bool(doc.options)

    @classmethod
    def shape(cls, doc: Document) -> Hashable:
        return bool(doc.options)

    def findings(self, view: DocView) -> list[Finding]:
        label, exclude, disclosure = self.regex("label"), self.regex("exclude_label"), self.regex("disclosure")
        assert label is not None
        out: list[Finding] = []
        if not view.doc.options:
            return out
        if disclosure is not None:
            for field in ("terms", "promo", "description", "subtitle"):
                n = view.norm(field)
                if n is not None and disclosure.search(n.text):
                    return out
            if any(disclosure.search(lb) for lb in view.option_labels()):
                return out
        title = view.norm("title")
        for opt, norm_label in zip(view.doc.options, view.option_labels(), strict=True):
            if opt.checked != self.checked:
                continue
            term = label.search(norm_label)
            if term is None or (self.add_on and title is not None and term.group(0) in title.text):
                continue
            if exclude is not None and exclude.search(norm_label):
                continue
            if self.min_price is not None and (opt.price is None or opt.price <= self.min_price):
                continue
            out.append(Finding("options", opt.label))
        return out
