"""Helpers for the clue-store tests: real pipeline stages (normalise → evidence → detect →
clue writes) run on hand-made pages, without a crawl."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.items import PageCapture, ProductItem
from pipelines.clues import clue_writes
from pipelines.detect import shared_ruleset
from pipelines.envelope import Envelope
from pipelines.evidence import build_record
from pipelines.normalise import build_document
from store.database import Store
from store.spool import Spool
from store.writer import StoreWriter

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def product_envelope(
    item_id: str, at: datetime, title: str = "国家级 最佳 保温杯", screenshot: bool = False
) -> Envelope:
    url = f"http://127.0.0.1:1/jd/item/{item_id}.html"
    body = f"<html><head><meta charset='gbk'></head><body><h1>{title}</h1></body></html>".encode("gbk")
    capture = PageCapture(
        url=url.replace(".html", ""), final_url=url, redirect_chain=[url.replace(".html", "")],
        headers={"Content-Type": ["text/html; charset=gbk"]}, body=body,
        fetch_start=at, fetch_end=at + timedelta(seconds=1.5), method="browser" if screenshot else "http",
        browser_version="chromium 124.0" if screenshot else None, screenshot=PNG if screenshot else None,
    )  # fmt: skip
    item = ProductItem(
        platform="jd", item_id=item_id, url=url, shop_id="s1", shop_name="某店", title=title, pages=[capture]
    )
    envelope = Envelope(item=item, document=build_document(item))
    for page in item.pages:
        record, blobs = build_record(page, "jd", envelope.document.id, "TASK-1", "JOB-1")
        envelope.evidence.append(record)
        envelope.evidence_blobs.update(blobs)
    envelope.hits = shared_ruleset().scan(envelope.document)
    return envelope


def write_envelopes(writer: StoreWriter, envelopes: list[Envelope], job_id: str = "JOB-1") -> None:
    evidence = [(r, {a.sha256: e.evidence_blobs[a.sha256] for a in r.artifacts}) for e in envelopes for r in e.evidence]
    writes = [w for e in envelopes for w in clue_writes(e, shared_ruleset(), "TASK-1", job_id).values()]
    writer.write(evidence, writes)


@pytest.fixture()
def writer(store: Store, tmp_path: Path) -> Iterator[StoreWriter]:
    w = StoreWriter(store, Spool(tmp_path / "spool"))
    w.open()
    yield w
    w.spool.close()


@pytest.fixture()
def stocked(store: Store, writer: StoreWriter) -> Store:
    """A store holding the clues and evidence of three pages (one rendered, with screenshot)."""
    base = datetime(2024, 5, 1, 2, 2, 11, tzinfo=UTC)
    envelopes = [product_envelope(f"p{i}", base + timedelta(minutes=i), screenshot=i == 0) for i in range(3)]
    assert all(e.hits for e in envelopes)
    write_envelopes(writer, envelopes)
    return store
