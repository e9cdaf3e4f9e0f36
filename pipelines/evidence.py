"""Stage 2: turn each page capture into an evidence record with its integrity values.

Hashing (SHA-256 and SM3) happens here for every page. Storing happens in the clue stage,
through its single store writer, for the pages that produced clues (or for every page when
the crawl sets EVIDENCE_ALL_PAGES): evidence is written before the clues that cite it, so a
clue never points at evidence that is not there, and both share one spool when the
database is away.
"""

from __future__ import annotations

import json

import scrapy
from scrapy.crawler import Crawler

from crawler.items import PageCapture
from pipelines.envelope import Envelope
from pipelines.threads import run_in_thread
from store.integrity import evidence_key, manifest_hash, manifest_sm3, seal, sha256_hex, sm3_hex
from store.models import Artifact, EvidenceRecord, collector_location

EVIDENCE_THREAD = "wangjian-evidence"

__all__ = ["EvidencePipeline", "build_record", "capture_blobs", "headers_bytes", "manifest_hash", "sha256_hex"]


def headers_bytes(headers: dict[str, list[str]]) -> bytes:
    """Canonical bytes of the response headers, so their hash is reproducible."""
    return json.dumps(headers, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def capture_blobs(capture: PageCapture) -> list[tuple[str, bytes, str]]:
    """(kind, bytes, media type) of everything a capture contributes as evidence."""
    content_type = (capture.headers.get("Content-Type") or ["application/octet-stream"])[0]
    blobs = [("body", capture.body, content_type), ("headers", headers_bytes(capture.headers), "application/json")]
    if capture.rendered_html:
        blobs.append(("rendered", capture.rendered_html, "text/html; charset=utf-8"))
    if capture.screenshot:
        blobs.append(("screenshot", capture.screenshot, "image/png"))
    return blobs


def build_record(
    capture: PageCapture,
    platform: str,
    target_id: str,
    task_id: str | None,
    job_id: str | None,
    key: bytes | None = None,
    extra: list[tuple[str, bytes, str]] | None = None,
) -> tuple[EvidenceRecord, dict[str, bytes]]:
    """The evidence record of one capture, sealed (with an HMAC when `key` is given), and
    its blobs by SHA-256; `extra` adds (kind, bytes, media type) artifacts derived from the
    capture (the OCR reading of a picture)."""
    blobs: dict[str, bytes] = {}
    artifacts = []
    for kind, data, media_type in capture_blobs(capture) + (extra or []):
        digest = sha256_hex(data)
        blobs[digest] = data
        artifacts.append(
            Artifact(kind=kind, file_id=digest, sha256=digest, sm3=sm3_hex(data), size=len(data), media_type=media_type)
        )
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
        manifest_sm3=manifest_sm3(artifacts),
        location=collector_location(),
    )
    record.seal = seal(record, key)
    return record, blobs


class EvidencePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.key = evidence_key()  # read once: a crawl seals all its records alike

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EvidencePipeline:
        return cls(crawler)

    async def process_item(self, envelope: Envelope) -> Envelope:
        # Hashing (SHA-256, SM3, the seal) runs on the evidence thread: the digests of large
        # bodies release the GIL, and the reactor keeps downloading meanwhile.
        records, blobs = await run_in_thread(EVIDENCE_THREAD, self.records, envelope)
        envelope.evidence = records
        envelope.evidence_blobs.update(blobs)
        self.crawler.stats.inc_value("wangjian/evidence/records", len(records))
        return envelope

    def records(self, envelope: Envelope) -> tuple[list[EvidenceRecord], dict[str, bytes]]:
        """The evidence records of an item's page captures and their blobs by SHA-256."""
        spider = self.crawler.spider
        task_id, job_id = getattr(spider, "task_id", None), getattr(spider, "job_id", None)
        records: list[EvidenceRecord] = []
        blobs: dict[str, bytes] = {}
        for capture in envelope.item.pages:
            record, captured = build_record(
                capture, envelope.item.platform, envelope.document.id, task_id, job_id, self.key
            )
            records.append(record)
            blobs.update(captured)
        return records, blobs
