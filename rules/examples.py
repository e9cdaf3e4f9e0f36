"""Run every rule's examples: each must-hit text must give the rule a hit, each must-not none."""

from __future__ import annotations

from dataclasses import dataclass

from rules.document import Document
from rules.engine import RuleSet
from rules.model import Example, Rule


@dataclass(frozen=True, slots=True)
class ExampleResult:
    rule_id: str
    expect: str  # "hit" or "miss"
    text: str
    ok: bool
    detail: str


def example_document(rule: Rule, example: str | Example) -> Document:
    """The document an example stands for: a whole document, or one text in one field.

    A text example goes into the rule's first field, with the rule's first scoped category
    unless the example names one ("unknown" = no category)."""
    ex = example if isinstance(example, Example) else Example(text=example)
    if ex.doc is not None:
        return Document.model_validate({"id": f"example:{rule.id}", **ex.doc})
    field = ex.field or (rule.fields[0] if rule.fields else "description")
    if ex.category is not None:
        category = None if ex.category == "unknown" else ex.category
    else:
        scope = [c for c in (rule.category_scope or []) if c != "unknown"]
        category = scope[0] if scope else None
    kind = "shop" if field in ("shop_info", "licence_text") else "product"
    return Document(id=f"example:{rule.id}", kind=kind, category=category, fields={field: ex.text or ""})


def _label(example: str | Example) -> str:
    if isinstance(example, str):
        return example
    return example.text if example.text is not None else (example.note or "document example")


def run_examples(rs: RuleSet) -> list[ExampleResult]:
    results: list[ExampleResult] = []
    for rule in rs.rules:
        if rule.status == "deprecated":
            continue
        for expect, examples in (("hit", rule.examples.hit), ("miss", rule.examples.miss)):
            for example in examples:
                hits = [h for h in rs.scan(example_document(rule, example)) if h.rule_id == rule.id]
                ok = bool(hits) if expect == "hit" else not hits
                detail = ", ".join(f"{h.field}:{h.term}" for h in hits) or "no hit"
                results.append(ExampleResult(rule.id, expect, _label(example), ok, detail))
    return results
