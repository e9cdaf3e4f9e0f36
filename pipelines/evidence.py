"""Stage 2: turn each page capture into an evidence record with SHA-256 integrity values.

Hashing happens for every page (cheap). Storing the bytes happens here only when the
crawl keeps evidence for every page (EVIDENCE_ALL_PAGES); otherwise the clue stage stores
the evidence of the pages that produced clues, before their clues are written, so a clue
never points at evidence that is not there.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import scrapy

from crawler.items import PageCapture
from pipelines.envelope import Envelope
from pipelines.models import Artifact, EvidenceRecord
from pipelines.store import Store


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def headers_bytes(headers: dict[str, list[str]]) -> bytes:
    """Canonical bytes of the response headers, so their hash is reproducible."""
    return json.dumps(headers, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def manifest_hash(artifacts: list[Artifact]) -> str:
    """完整性校验值: SHA-256 over the sorted "kind:sha256" lines of the artifacts."""
    lines = sorted(f"{a.kind}:{a.sha256}" for a in artifacts)
    return sha256_hex("\n".join(lines).encode("ascii"))


def capture_blobs(capture: PageCapture) -> list[tuple[str, bytes, str]]:
    """(kind, bytes, media type) of everything a capture contributes as evidence."""
    content_type = (capture.headers.get("Content-Type") or ["application/octet-stream"])[0]
    blobs = [("body", capture.body, content_type), ("headers", headers_bytes(capture.headers), "application/json")]
    if capture.screenshot:
        blobs.append(("screenshot", capture.screenshot, "image/png"))
    return blobs


def build_record(
    capture: PageCapture, platform: str, target_id: str, task_id: str | None, job_id: str | None
) -> tuple[EvidenceRecord, dict[str, bytes]]:
    blobs: dict[str, bytes] = {}
    artifacts = []
    for kind, data, media_type in capture_blobs(capture):
        digest = sha256_hex(data)
        blobs[digest] = data
        artifacts.append(Artifact(kind=kind, file_id=digest, sha256=digest, size=len(data), media_type=media_type))
    manifest = manifest_hash(artifacts)
    # The same bytes captured at another time are another piece of evidence: the id binds
    # content, place and time together.
    evidence_key = f"{manifest}|{capture.final_url}|{capture.fetch_start.isoformat()}"
    evidence_id = f"EVD-{capture.fetch_start:%Y%m%d}-{sha256_hex(evidence_key.encode())[:20]}"
    tool = capture.browser_version or f"scrapy {scrapy.__version__}"
    record = EvidenceRecord(
        _id=evidence_id,
        url=capture.url,
        final_url=capture.final_url,
        redirect_chain=capture.redirect_chain,
        http_status=capture.status,
        capture_start=capture.fetch_start,
        capture_end=capture.fetch_end,
        method=capture.method,
        tool=tool,
        user_agent=capture.user_agent,
        platform=platform,
        target_id=target_id,
        task_id=task_id,
        job_id=job_id,
        artifacts=artifacts,
        manifest_sha256=manifest,
    )
    return record, blobs


class EvidencePipeline:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.keep_all = crawler.settings.getbool("EVIDENCE_ALL_PAGES")
        self.store: Store | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> EvidencePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        if self.keep_all:
            self.store = Store.from_settings(self.crawler.settings)

    def close_spider(self) -> None:
        if self.store is not None:
            self.store.close()

    def process_item(self, envelope: Envelope) -> Envelope:
        spider = self.crawler.spider
        records = []
        for capture in envelope.item.pages:
            record, blobs = build_record(
                capture,
                envelope.item.platform,
                envelope.document.id,
                getattr(spider, "task_id", None),
                getattr(spider, "job_id", None),
            )
            records.append(record)
            if self.store is not None:
                self.store.put_evidence(record, blobs)
            else:
                envelope.evidence_blobs.update(blobs)
        envelope.evidence = records
        envelope.evidence_stored = self.store is not None
        self.crawler.stats.inc_value("wangjian/evidence/records", len(records))
        return envelope
