"""`check: {kind: penalty}`: a contract that charges the customer a far higher rate than the operator."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import Field

from rules.checks.base import Check, Finding, register_check
from rules.document import TextField

if TYPE_CHECKING:
    from rules.conditions import DocView
    from rules.document import Document

#: One clause: the text between the marks that end one (read on the original text, since
#: normalisation drops punctuation between Chinese characters).
_CLAUSE = re.compile(r"[^；;。\n]+")
#: A rate, or a range of rates whose upper end is the one charged ("10~15%", "50至60％").
_RATE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?:\s*[~～\-－—至到]\s*(\d+(?:\.\d+)?))?\s*[%％]")


@register_check
class PenaltyCheck(Check):
    """Liquidated damages or cancellation charges set for both sides, the customer's rate at
    least `min_ratio` times the operator's: "若旅行社违约，需承担10~15%的违约金；若消费者违约，则要
    承担50~60%的违约金", "买受人按应付款的20%向出卖人支付违约金；出卖人…按应付款5%支付违约金". Each
    clause that speaks of paying (`context`) is read; a rate binds the party named last before
    it in that clause (the one who pays, "买受人按…20%向出卖人支付")."""

    kind: Literal["penalty"]
    customer: str = Field(description="regex on the original text: the words naming the customer")
    operator: str = Field(description="regex on the original text: the words naming the operator")
    context: str = Field(
        default="违约金|赔偿|支付|承担|收取|扣除|扣|罚", description="regex a clause must match for its rates to count"
    )
    min_ratio: float = Field(default=2.0, gt=1.0, description="customer's rate / operator's rate must reach this")
    fields: list[TextField] = Field(default=["terms"], min_length=1, description="fields read")

    regex_fields: ClassVar[tuple[str, ...]] = ("customer", "operator", "context")

    def has_input(self, doc: Document) -> bool:
        return any(f in doc.fields for f in self.fields)

    def findings(self, view: DocView) -> list[Finding]:
        customer, operator, context = self.regex("customer"), self.regex("operator"), self.regex("context")
        assert customer is not None and operator is not None and context is not None
        out = []
        for field in self.fields:
            text = view.doc.fields.get(field)
            # two rates at least, or there is nothing to compare (most pages: no clause at all)
            if not text or text.count("%") + text.count("％") < 2:
                continue
            rates = _rates(text, customer, operator, context)
            if not rates["customer"] or not rates["operator"]:
                continue
            charged = max(rates["customer"])
            owed = max(rates["operator"])
            if owed[0] > 0 and charged[0] >= owed[0] * self.min_ratio:
                term = f"消费者{charged[0]:g}% 经营者{owed[0]:g}%"
                out.append(Finding(field, term, charged[1], charged[2]))
        return out


def _rates(
    text: str, customer: re.Pattern[str], operator: re.Pattern[str], context: re.Pattern[str]
) -> dict[str, list[tuple[float, int, int]]]:
    """(rate, start, end) of every rate in `text` that binds a named party, by side."""
    found: dict[str, list[tuple[float, int, int]]] = {"customer": [], "operator": []}
    for clause in _CLAUSE.finditer(text):
        body = clause.group(0)
        if ("%" not in body and "％" not in body) or not context.search(body):
            continue
        for m in _RATE.finditer(body):
            side = _payer(body[: m.start()], customer, operator)
            if side is not None:
                value = float(m.group(2) or m.group(1))
                found[side].append((value, clause.start() + m.start(), clause.start() + m.end()))
    return found


def _payer(before: str, customer: re.Pattern[str], operator: re.Pattern[str]) -> str | None:
    """The side named last in `before`, or None when neither is named."""
    last_customer = max((m.end() for m in customer.finditer(before)), default=-1)
    last_operator = max((m.end() for m in operator.finditer(before)), default=-1)
    if last_customer < 0 and last_operator < 0:
        return None
    return "customer" if last_customer > last_operator else "operator"
