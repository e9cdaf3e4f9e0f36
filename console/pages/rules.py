"""Rule packs: packs, rules and versions with each rule's hit counts and dismissal rate,
and a text run through the packs with the engine's own explanation."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from console.guard import services, session
from console.queries import dismiss_rate, rule_stats
from console.render import page
from rules.document import Document
from rules.explain import explain

router = APIRouter()
KINDS = ("product", "shop")
CATEGORIES = ("药品", "医疗器械", "化妆品", "保健食品", "食品", "普通商品")
FIELDS = ("title", "subtitle", "description", "promo", "price_text", "terms", "shop_info", "licence_text", "image_text")


@router.get("/rules")
def rules_page(request: Request) -> Response:
    session(request)
    svc = services(request)
    ruleset = svc.ruleset
    stats = rule_stats(svc.store)
    empty = {"clues": 0, "dismissed": 0, "confirmed": 0, "sightings": 0}
    rows = [(rule, stats.get(rule.id, empty), dismiss_rate(stats.get(rule.id, empty))) for rule in ruleset.rules]
    rows.sort(key=lambda row: (-(row[2] or 0), -row[1]["clues"], row[0].id))
    params = request.query_params
    text = params.get("text") or ""
    explained = hits = error = None
    if text:
        category = params.get("category") or None
        try:
            field = params.get("field") if params.get("field") in FIELDS else "description"
            doc = Document(id="console", kind=params.get("kind") or "product",
                           category=category if category in CATEGORIES else None, fields={field: text})  # fmt: skip
            explained, hits = explain(ruleset, doc), ruleset.scan(doc)
        except ValidationError as exc:
            error = str(exc).splitlines()[0]
    return page(
        request, "rules.html", packs=ruleset.packs, rows=rows, text=text, explained=explained, hits=hits, error=error,
        kinds=KINDS, categories=CATEGORIES, fields=FIELDS, params=params,
    )  # fmt: skip
