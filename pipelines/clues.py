"""Stage 4: hits become clue documents, bulk-upserted into MongoDB (docs/architecture.md, "Clues").

One clue per (target, rule[, normalised term]): the fingerprint is its `_id`, so seeing a
violation again updates `last_seen`, `seen_count` and the evidence list instead of adding
a duplicate."""

from __future__ import annotations

import hashlib
import logging
import re
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from pymongo.errors import PyMongoError
from scrapy.crawler import Crawler

from crawler.items import ShopItem
from pipelines.envelope import Envelope
from pipelines.shops import ShopDirectory
from rules import Rule, RuleSet
from rules.hit import Hit
from rules.normalise import normalise_term
from store.database import ClueWrite, Store, spool_dir
from store.models import ClueHit, EvidenceRecord, EvidenceRef, RuleRef, Target, TargetCategory, utcnow
from store.redact import redact
from store.regions import region_for
from store.spool import Spool
from store.worker import BatchWorker
from store.writer import StoreWriter

_SENTENCE_END = re.compile(r"[。！？!?；;\n]")
SNIPPET_REACH = 60
EVIDENCE_KEPT_PER_CLUE = 50

log = logging.getLogger(__name__)


def fingerprint(platform: str, target_id: str, rule_id: str, term: str | None) -> str:
    # The engine's own normal form: 最佳, 最*佳 and 最佳 in traditional script are one clue.
    parts = [platform, target_id, rule_id, normalise_term(term) if term else ""]
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
        department=rule.department,
    )


def target_of(envelope: Envelope, shops: ShopDirectory | None = None) -> Target:
    item = envelope.item
    if isinstance(item, ShopItem):
        return Target(
            kind="shop", platform=item.platform, shop_id=item.shop_id, shop_name=item.shop_name,
            url=item.url, uscc=item.uscc, region=region_for(item.uscc, item.address),
        )  # fmt: skip
    uscc, region = shops.lookup(item.platform, item.shop_id) if shops else (None, None)
    return Target(
        kind="product", platform=item.platform, shop_id=item.shop_id, shop_name=item.shop_name,
        item_id=item.item_id, url=item.url, uscc=uscc, region=region,
        category=TargetCategory.model_validate(envelope.category.model_dump()) if envelope.category else None,
    )  # fmt: skip


def clue_hit(envelope: Envelope, hit: Hit) -> ClueHit:
    text = envelope.document.fields.get(hit.field)
    quoted = snippet(text, hit.start, hit.end) if text and hit.start is not None and hit.end is not None else None
    return ClueHit(
        field=hit.field, term=hit.term, snippet=quoted, start=hit.start, end=hit.end,
        image=envelope.image_citation(hit.field, hit.start, hit.end),
    )  # fmt: skip


def clue_writes(
    envelope: Envelope,
    ruleset: RuleSet,
    task_id: str | None,
    job_id: str | None,
    now: datetime | None = None,
    shops: ShopDirectory | None = None,
) -> dict[str, ClueWrite]:
    """Idempotent upserts for the clues of one envelope, keyed by fingerprint (first hit wins).

    A sighting is identified by the envelope's first evidence id: the filter skips a clue
    that already lists it, so replaying a spooled batch (or a batch cut short mid-write)
    never counts a sighting twice. `$min`/`$max` keep first_seen / last_seen right when
    older sightings are replayed after newer ones."""
    now = now or utcnow()
    target = target_of(envelope, shops)
    evidence = [
        EvidenceRef(
            evidence_id=record.evidence_id, sha256=record.manifest_sha256, url=record.final_url,
            captured_at=record.capture_start, kinds=[a.kind for a in record.artifacts],
        ).model_dump()
        for record in envelope.evidence
    ]  # fmt: skip
    writes: dict[str, ClueWrite] = {}
    for hit in envelope.hits:
        keyed_term = hit.term if hit.start is not None else None
        key = fingerprint(target.platform, envelope.document.id, hit.rule_id, keyed_term)
        if key in writes:
            continue
        query: dict[str, Any] = {"_id": key}
        if evidence:
            query["evidence.evidence_id"] = {"$ne": evidence[0]["evidence_id"]}
        update = {
            "$setOnInsert": {"status": "new", "history": []},
            "$min": {"first_seen": now},
            "$max": {"last_seen": now},
            "$set": {
                "rule": rule_ref(ruleset.rule(hit.rule_id)).model_dump(),
                "target": target.model_dump(),
                "hit": clue_hit(envelope, hit).model_dump(),
                "task_id": task_id,
                "job_id": job_id,
            },
            "$inc": {"seen_count": 1},
            "$push": {"evidence": {"$each": evidence, "$slice": -EVIDENCE_KEPT_PER_CLUE}},
        }
        writes[key] = ClueWrite(key, query, update)
    return writes


class CluePipeline:
    """Buffers evidence and clue upserts and hands them to the store writer in batches:
    at CLUE_BULK_SIZE clues, EVIDENCE_BUFFER_BYTES of artifacts, every CLUE_FLUSH_SECONDS,
    and on close. With STORE_WRITER_THREAD (default) the writes run on one worker thread,
    in order, so the reactor keeps crawling while MongoDB works."""

    def __init__(self, crawler: Crawler) -> None:
        from pipelines.detect import shared_ruleset

        settings = crawler.settings
        self.crawler = crawler
        self.ruleset = shared_ruleset(settings.get("RULE_PACKS_DIR") or "")
        self.bulk_size = settings.getint("CLUE_BULK_SIZE")
        self.flush_seconds = settings.getfloat("CLUE_FLUSH_SECONDS")
        self.buffer_bytes = settings.getint("EVIDENCE_BUFFER_BYTES")
        self.keep_all_evidence = settings.getbool("EVIDENCE_ALL_PAGES")
        self.threaded = settings.getbool("STORE_WRITER_THREAD")
        self.pending_clues: list[ClueWrite] = []
        self.pending_evidence: list[tuple[EvidenceRecord, dict[str, bytes]]] = []
        self.pending_bytes = 0
        self.last_flush = time.monotonic()
        self.writer: StoreWriter | None = None
        self.worker: BatchWorker | None = None
        self._published: set[str] = set()
        self.shops = ShopDirectory()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CluePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        settings = self.crawler.settings
        spider = self.crawler.spider
        if not getattr(spider, "job_id", None):
            spider.job_id = f"JOB-{utcnow():%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}"
        spool_root = Path(settings.get("SPOOL_DIR") or spool_dir())
        self.writer = StoreWriter(
            Store.from_settings(settings), Spool(spool_root), settings.getfloat("SPOOL_RETRY_SECONDS")
        )
        self.writer.open()
        if self.threaded:
            self.worker = BatchWorker(max_queued=settings.getint("STORE_WRITER_QUEUE"))

    def close_spider(self) -> None:
        self.flush()
        if self.worker is not None:
            self.worker.close()
        if self.writer is not None:
            self._backfill_shop_facts()
            self.writer.close()
            self.writer.store.close()
            self._publish_counts()

    def _backfill_shop_facts(self) -> None:
        assert self.writer is not None
        ops = self.shops.backfill_operations()
        if not ops:
            return
        try:
            self.writer.store.clues.bulk_write(ops, ordered=False)
        except PyMongoError as exc:  # derivable later from the shop clues; never worth failing a crawl
            log.warning("could not add shop USCC/region to product clues: %s", redact(str(exc)))
            return
        self.crawler.stats.set_value("wangjian/clues/shop_facts_backfilled", len(ops))

    def process_item(self, envelope: Envelope) -> Envelope:
        if isinstance(envelope.item, ShopItem):
            self.shops.remember(envelope.item)
        if envelope.hits or self.keep_all_evidence:
            for record in envelope.evidence:
                blobs = {a.sha256: envelope.evidence_blobs[a.sha256] for a in record.artifacts}
                self.pending_evidence.append((record, blobs))
                self.pending_bytes += sum(len(b) for b in blobs.values())
            envelope.evidence_stored = True
        if envelope.hits:
            spider = self.crawler.spider
            writes = clue_writes(
                envelope, self.ruleset, getattr(spider, "task_id", None), spider.job_id, shops=self.shops
            )
            self.pending_clues.extend(writes.values())
            self.crawler.stats.inc_value("wangjian/clues/sighted", len(writes))
            if not isinstance(envelope.item, ShopItem):
                self.shops.wait_for(envelope.item.platform, envelope.item.shop_id, list(writes))
        if (
            len(self.pending_clues) >= self.bulk_size
            or self.pending_bytes >= self.buffer_bytes
            or time.monotonic() - self.last_flush >= self.flush_seconds
        ):
            self.flush()
        return envelope

    def flush(self) -> None:
        self.last_flush = time.monotonic()
        if (not self.pending_clues and not self.pending_evidence) or self.writer is None:
            return
        evidence, clues = self.pending_evidence, self.pending_clues
        self.pending_evidence, self.pending_clues, self.pending_bytes = [], [], 0
        if self.worker is None:
            self.writer.write(evidence, clues)
        else:
            self.worker.submit(self.writer.write, evidence, clues)
        self._publish_counts()

    def _publish_counts(self) -> None:
        """Mirror the writer's counters into the crawl stats (set from the reactor thread only)."""
        assert self.writer is not None
        counts = self.writer.counts
        current = {
            "wangjian/clues/new": counts.clues_new,
            "wangjian/clues/updated": counts.clues_updated,
            "wangjian/clues/already_applied": counts.clues_already_applied,
            "wangjian/evidence/stored": counts.evidence_new,
            "wangjian/spool/batches_spooled": counts.batches_spooled,
            "wangjian/spool/batches_replayed": counts.batches_replayed,
            "wangjian/spool/quarantined": counts.batches_quarantined,
        }
        for name, value in current.items():
            if value or name in self._published:
                self.crawler.stats.set_value(name, value)
                self._published.add(name)
        if self.worker is not None:
            for error in self.worker.take_errors():
                self.crawler.stats.inc_value("wangjian/store/errors")
                log.error("store write failed: %s", redact(error))
