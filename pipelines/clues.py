"""Stage 4: hits become clue documents, bulk-upserted into MongoDB (design.md "Clues").

One clue per (target, rule[, normalised term]): the fingerprint is its `_id`, so seeing a
violation again updates `last_seen`, `seen_count` and the evidence list instead of adding
a duplicate."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from typing import Any

from pymongo import UpdateOne

from crawler.items import ShopItem
from pipelines.envelope import Envelope
from pipelines.models import ClueHit, EvidenceRef, RuleRef, Target, utcnow
from pipelines.store import Store
from rules import Rule, RuleSet
from rules.hit import Hit

_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
SNIPPET_REACH = 60
EVIDENCE_KEPT_PER_CLUE = 50


def canonical_term(term: str) -> str:
    return unicodedata.normalize("NFKC", term).casefold().strip()


def fingerprint(platform: str, target_id: str, rule_id: str, term: str | None) -> str:
    parts = [platform, target_id, rule_id, canonical_term(term) if term else ""]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def snippet(text: str, start: int, end: int) -> str:
    """The sentence around [start, end), cut to SNIPPET_REACH characters on each side."""
    left = max(0, start - SNIPPET_REACH)
    for match in _SENTENCE_END.finditer(text, left, start):
        left = match.end()
    right_match = _SENTENCE_END.search(text, end, min(len(text), end + SNIPPET_REACH))
    right = right_match.end() if right_match else min(len(text), end + SNIPPET_REACH)
    return text[left:right].strip()


def rule_ref(rule: Rule) -> RuleRef:
    return RuleRef(
        id=rule.id,
        family=rule.family,
        title=rule.title,
        severity=rule.severity,
        pack=rule.pack,
        pack_version=rule.pack_version,
        legal_basis=[f"{basis.law} {basis.article}".strip() for basis in rule.legal_basis],
    )


def target_of(envelope: Envelope) -> Target:
    item = envelope.item
    if isinstance(item, ShopItem):
        return Target(
            kind="shop", platform=item.platform, shop_id=item.shop_id, shop_name=item.shop_name,
            url=item.url, uscc=item.uscc,
        )  # fmt: skip
    return Target(
        kind="product", platform=item.platform, shop_id=item.shop_id, shop_name=item.shop_name,
        item_id=item.item_id, url=item.url,
    )  # fmt: skip


def clue_hit(envelope: Envelope, hit: Hit) -> ClueHit:
    text = envelope.document.fields.get(hit.field)
    quoted = snippet(text, hit.start, hit.end) if text and hit.start is not None and hit.end is not None else None
    return ClueHit(field=hit.field, term=hit.term, snippet=quoted, start=hit.start, end=hit.end)


def clue_updates(
    envelope: Envelope, ruleset: RuleSet, task_id: str | None, job_id: str | None
) -> dict[str, UpdateOne]:
    """Upserts for the clues of one envelope, keyed by fingerprint (first hit wins)."""
    now = utcnow()
    target = target_of(envelope)
    evidence = [
        EvidenceRef(
            evidence_id=record.evidence_id, sha256=record.manifest_sha256, url=record.final_url,
            captured_at=record.capture_start, kinds=[a.kind for a in record.artifacts],
        ).model_dump()
        for record in envelope.evidence
    ]  # fmt: skip
    updates: dict[str, UpdateOne] = {}
    for hit in envelope.hits:
        keyed_term = hit.term if hit.start is not None else None
        key = fingerprint(target.platform, envelope.document.id, hit.rule_id, keyed_term)
        if key in updates:
            continue
        updates[key] = UpdateOne(
            {"_id": key},
            {
                "$setOnInsert": {"first_seen": now, "status": "new", "history": []},
                "$set": {
                    "rule": rule_ref(ruleset.rule(hit.rule_id)).model_dump(),
                    "target": target.model_dump(),
                    "hit": clue_hit(envelope, hit).model_dump(),
                    "last_seen": now,
                    "task_id": task_id,
                    "job_id": job_id,
                },
                "$inc": {"seen_count": 1},
                "$push": {"evidence": {"$each": evidence, "$slice": -EVIDENCE_KEPT_PER_CLUE}},
            },
            upsert=True,
        )
    return updates


class CluePipeline:
    def __init__(self, crawler: Any) -> None:
        from pipelines.detect import shared_ruleset

        self.crawler = crawler
        self.ruleset = shared_ruleset(crawler.settings.get("RULE_PACKS_DIR") or "")
        self.bulk_size = crawler.settings.getint("CLUE_BULK_SIZE", 200)
        self.pending: list[UpdateOne] = []
        self.store: Store | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> CluePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        spider = self.crawler.spider
        if not getattr(spider, "job_id", None):
            spider.job_id = f"JOB-{utcnow():%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}"
        self.store = Store.from_settings(self.crawler.settings)
        self.store.ensure_indexes()

    def close_spider(self) -> None:
        self.flush()
        if self.store is not None:
            self.store.close()

    def process_item(self, envelope: Envelope) -> Envelope:
        if not envelope.hits:
            return envelope
        assert self.store is not None
        if not envelope.evidence_stored:
            for record in envelope.evidence:
                self.store.put_evidence(record, envelope.evidence_blobs)
            envelope.evidence_stored = True
        spider = self.crawler.spider
        updates = clue_updates(envelope, self.ruleset, getattr(spider, "task_id", None), spider.job_id)
        self.pending.extend(updates.values())
        self.crawler.stats.inc_value("wangjian/clues/sighted", len(updates))
        if len(self.pending) >= self.bulk_size:
            self.flush()
        return envelope

    def flush(self) -> None:
        if not self.pending or self.store is None:
            return
        batch, self.pending = self.pending, []
        inserted = self.store.write_clue_updates(batch)
        self.crawler.stats.inc_value("wangjian/clues/new", inserted)
        self.crawler.stats.inc_value("wangjian/clues/updated", len(batch) - inserted)
