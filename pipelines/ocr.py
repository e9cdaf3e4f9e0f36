"""Stage between evidence and detect: read what the page shows in pictures.

For each item, its licence pictures (ShopItem / ProductItem.licence_image_urls) and detail
pictures (ProductItem.detail_image_urls) are fetched by the crawl itself, through Scrapy's
downloader (`engine.download_async`: the same slots, delays, robots and retry middlewares as
pages), then read in a process pool (one OCR model per worker, never on the reactor thread;
the pool's futures come back to the reactor with `callFromThread`). Pictures are addressed
by SHA-256: a picture seen before, in this crawl or an earlier one, is taken from the cache
(OCR_CACHE_DIR) instead of being read again, and pictures being read are shared by every item
that waits for them.

Each picture read becomes an evidence record (its bytes and headers as served, plus the
reading as JSON, all hashed with SHA-256 and SM3). Detail-picture text goes to the document's
`image_text` field; certificate text is appended to `licence_text`, and each certificate's
parsed facts go to `attributes.licence_images`; a drug's approval number read only from a
picture (the value of its 批准文号 label) becomes the document's. Every line's place in those
texts is kept on the envelope, so a clue on words read from a picture cites the picture, the
box and the confidence.

Settings: OCR_ENABLED, OCR_WORKERS, OCR_THREADS_PER_WORKER, OCR_MAX_IMAGES_PER_ITEM,
OCR_MAX_IMAGES_PER_CRAWL, OCR_MAX_IMAGE_BYTES, OCR_CACHE_DIR. Stats under wangjian/ocr/.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import scrapy
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet import defer, reactor
from twisted.python.failure import Failure

from crawler.capture import capture
from crawler.extract.generic import drug_facts
from crawler.items import PageCapture, ProductItem
from ocr.cache import OcrCache
from ocr.engine import engine_version
from ocr.licence import parse_certificate
from ocr.pool import shared_pool
from ocr.reading import ImageReading, compose, sha256_of
from pipelines.envelope import Envelope
from pipelines.evidence import EVIDENCE_THREAD, build_record
from pipelines.threads import run_in_thread
from store.database import var_dir
from store.integrity import evidence_key
from store.models import EvidenceRecord, ImageCitation

log = logging.getLogger(__name__)

#: Fetched pictures kept in memory by URL, so every item of a shop citing its licence picture
#: gets the same bytes without another request.
FETCHED_KEPT = 64
#: Finished readings kept in memory by SHA-256 (the same banner under every product's own
#: URL); older ones come from the on-disk cache.
READINGS_KEPT = 256


class _Picture:
    """One fetched picture: its capture as evidence and its reading."""

    def __init__(self, url: str, record: EvidenceRecord, blobs: dict[str, bytes], reading: ImageReading) -> None:
        self.url = url
        self.record = record
        self.blobs = blobs
        self.reading = reading
        self.text, self.spans = compose(reading.lines)  # once per picture, however many items cite it


class OcrPipeline:
    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.stats = crawler.stats
        self.enabled = settings.getbool("OCR_ENABLED", True)
        self.workers = settings.getint("OCR_WORKERS", 1)
        self.threads = settings.getint("OCR_THREADS_PER_WORKER", 1)
        self.max_per_item = settings.getint("OCR_MAX_IMAGES_PER_ITEM", 8)
        self.max_per_crawl = settings.getint("OCR_MAX_IMAGES_PER_CRAWL", 2000)
        self.max_bytes = settings.getint("OCR_MAX_IMAGE_BYTES", 8 * 1024 * 1024)
        cache_dir = settings.get("OCR_CACHE_DIR") or str(var_dir() / "ocr-cache")
        self.cache = OcrCache(Path(cache_dir), engine_version()) if self.enabled else None
        self.key = evidence_key()  # pictures' records are sealed like page captures
        self.taken = 0  # pictures fetched for reading in this crawl (the OCR_MAX_IMAGES_PER_CRAWL budget)
        self._fetched: OrderedDict[str, defer.Deferred[_Picture | None]] = OrderedDict()
        # Readings by SHA-256: those being made (shared by every picture with the same bytes),
        # and the last READINGS_KEPT finished ones; older ones are on disk in the cache.
        self._reading: dict[str, defer.Deferred[ImageReading]] = {}
        self._read: OrderedDict[str, ImageReading] = OrderedDict()

    @classmethod
    def from_crawler(cls, crawler: Any) -> OcrPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        if self.enabled:
            # Start the workers and load their models while the first pages are fetched.
            shared_pool(self.workers, self.threads).start()

    async def process_item(self, envelope: Envelope) -> Envelope:
        if not self.enabled:
            return envelope
        item = envelope.item
        wanted = [("licence_text", url) for url in dict.fromkeys(item.licence_image_urls)]
        if isinstance(item, ProductItem):
            wanted += [("image_text", url) for url in dict.fromkeys(item.detail_image_urls)]
        if len(wanted) > self.max_per_item:
            self.stats.inc_value("wangjian/ocr/images_skipped", len(wanted) - self.max_per_item)
            wanted = wanted[: self.max_per_item]
        if not wanted:
            return envelope
        # Start every fetch first: an item's pictures download and wait for a worker together.
        pending = [self._picture(url) for _, url in wanted]
        pictures = [await maybe_deferred_to_future(d) for d in pending]
        for (field, _), picture in zip(wanted, pictures, strict=True):
            if picture is not None:
                self._attach(envelope, field, picture)
        if read_approval_number(envelope):
            self.stats.inc_value("wangjian/ocr/approval_numbers_read")
        return envelope

    # ---- fetching and reading ----------------------------------------------------------

    def _picture(self, url: str) -> defer.Deferred[_Picture | None]:
        """The picture at `url`, fetched and read once per crawl however many items cite it."""
        if url in self._fetched:
            self._fetched.move_to_end(url)
            self.stats.inc_value("wangjian/ocr/images_cached")
            return _shared(self._fetched[url])
        if self.taken >= self.max_per_crawl:
            self.stats.inc_value("wangjian/ocr/images_skipped")
            return defer.succeed(None)
        self.taken += 1
        d = deferred_from_coro(self._fetch_and_read(url))
        self._fetched[url] = d
        while len(self._fetched) > FETCHED_KEPT:
            self._fetched.popitem(last=False)
        return _shared(d)

    async def _fetch_and_read(self, url: str) -> _Picture | None:
        request = scrapy.Request(url, dont_filter=True, meta={"wangjian_picture": True})
        self.stats.inc_value("wangjian/ocr/images_fetched")
        try:
            response = await self.crawler.engine.download_async(request)
        except Exception as exc:  # a picture that cannot be fetched costs its text, never the item
            log.warning("picture %s not fetched: %s", url, exc)
            self.stats.inc_value("wangjian/ocr/images_failed")
            return None
        if response.status != 200 or not response.body:
            log.warning("picture %s: HTTP %s, %d bytes", url, response.status, len(response.body))
            self.stats.inc_value("wangjian/ocr/images_failed")
            return None
        if len(response.body) > self.max_bytes:
            self.stats.inc_value("wangjian/ocr/images_skipped")
            return None
        try:
            reading = await maybe_deferred_to_future(self._read_picture(response.body))
        except Exception as exc:  # undecodable bytes (UnreadableImage) or a worker that died
            log.warning("picture %s not read: %s", url, exc)
            self.stats.inc_value("wangjian/ocr/images_failed")
            return None
        spider = self.crawler.spider
        record, blobs = await run_in_thread(
            EVIDENCE_THREAD,
            _picture_record,
            capture(response),
            getattr(spider, "name", ""),
            reading,
            getattr(spider, "task_id", None),
            getattr(spider, "job_id", None),
            self.key,
        )
        return _Picture(url, record, blobs, reading)

    def _read_picture(self, data: bytes) -> defer.Deferred[ImageReading]:
        sha = sha256_of(data)
        done = self._read.get(sha)
        if done is not None:
            self._read.move_to_end(sha)
            self.stats.inc_value("wangjian/ocr/images_cached")
            return defer.succeed(done)
        if sha in self._reading:
            self.stats.inc_value("wangjian/ocr/images_cached")
            return _shared(self._reading[sha])
        assert self.cache is not None
        cached = self.cache.get(sha)
        if cached is not None:
            self.stats.inc_value("wangjian/ocr/images_cached")
            self._keep(cached)
            return defer.succeed(cached)
        d = _from_future(shared_pool(self.workers, self.threads).submit(data), self.cache)
        d.addBoth(self._finished, sha)
        self._reading[sha] = d
        return _shared(d)

    def _finished(self, result: ImageReading | Failure, sha: str) -> ImageReading | Failure:
        """A reading is made (and cached on disk by the pool's thread): count it, keep it among
        the recent ones, and stop holding it as in flight."""
        del self._reading[sha]
        if isinstance(result, Failure):
            return result
        if result.textless:
            self.stats.inc_value("wangjian/ocr/images_textless")
        else:
            self.stats.inc_value("wangjian/ocr/images_read")
            self.stats.inc_value("wangjian/ocr/seconds", round(result.seconds, 3))
            self.stats.max_value("wangjian/ocr/max_read_ms", round(result.seconds * 1000, 1))
        self._keep(result)
        return result

    def _keep(self, reading: ImageReading) -> None:
        self._read[reading.sha256] = reading
        while len(self._read) > READINGS_KEPT:
            self._read.popitem(last=False)

    # ---- what the stage adds to the envelope -----------------------------------------------

    def _attach(self, envelope: Envelope, field: str, picture: _Picture) -> None:
        reading, text, spans = picture.reading, picture.text, picture.spans
        if all(r.evidence_id != picture.record.evidence_id for r in envelope.evidence):
            envelope.evidence.append(picture.record)
            envelope.evidence_blobs.update(picture.blobs)
        if not text:
            if field == "licence_text":
                envelope.document.attributes.licence_images.append(parse_certificate(reading, picture.url))
            return
        fields = envelope.document.fields
        before = fields.get(field) or ""
        offset = len(before) + 1 if before else 0
        fields[field] = f"{before}\n{text}" if before else text
        for start, end, index in spans:
            line = reading.lines[index]
            cite = ImageCitation(
                url=picture.url,
                sha256=reading.sha256,
                evidence_id=picture.record.evidence_id,
                box=line.box,
                confidence=line.confidence,
                text=line.text,
            )
            envelope.image_lines.append((field, offset + start, offset + end, cite))
        if field == "licence_text":
            located = {index: (offset + start, offset + end) for start, end, index in spans}
            envelope.document.attributes.licence_images.append(parse_certificate(reading, picture.url, located))


def read_approval_number(envelope: Envelope) -> bool:
    """A drug's approval number the page shows only as a picture (药房网 draws its 批准文号 so),
    read from the pictures' text into the document when the page's text gave none; the page is
    then a drug's, as normalisation would have judged it had the number been text."""
    document = envelope.document
    if not isinstance(envelope.item, ProductItem) or document.attributes.drug_approval_no:
        return False  # a shop has no approval number; a product's own text has the last word
    if not (text := document.fields.get("licence_text")):
        return False
    number = drug_facts(text).get("drug_approval_no")
    if number is None:
        return False
    document.attributes.drug_approval_no = number
    if document.category in (None, "普通商品"):
        document.category = "药品"
    return True


def _picture_record(
    page: PageCapture, platform: str, reading: ImageReading, task_id: str | None, job_id: str | None, key: bytes | None
) -> tuple[EvidenceRecord, dict[str, bytes]]:
    """A fetched picture's evidence record, its reading an artifact beside its bytes."""
    return build_record(
        page, platform, f"picture:{reading.sha256}", task_id, job_id, key, extra=[ocr_artifact(reading)]
    )


def ocr_artifact(reading: ImageReading) -> tuple[str, bytes, str]:
    """The reading as an evidence artifact: what was read where, reproducibly serialised."""
    data = json.dumps(reading.model_dump(mode="json"), ensure_ascii=False, sort_keys=True).encode("utf-8")
    return "ocr", data, "application/json"


def _from_future(future: Future[ImageReading], cache: OcrCache) -> defer.Deferred[ImageReading]:
    """A Deferred firing on the reactor thread when a pool future completes; the reading is
    written to the on-disk cache first, on the pool's own thread (no file I/O on the reactor)."""
    d: defer.Deferred[ImageReading] = defer.Deferred()

    def done(f: Future[ImageReading]) -> None:
        exc = f.exception()
        if exc is not None:
            reactor.callFromThread(d.errback, exc)  # type: ignore[attr-defined]
            return
        reading = f.result()
        try:
            cache.put(reading)
        except OSError as err:  # a full or read-only disk costs the cache, never the reading
            log.warning("OCR cache not written for %s: %s", reading.sha256, err)
        reactor.callFromThread(d.callback, reading)  # type: ignore[attr-defined]

    future.add_done_callback(done)
    return d


def _shared(d: defer.Deferred[Any]) -> defer.Deferred[Any]:
    """A new Deferred with `d`'s result, so several waiters can each chain on it."""
    out: defer.Deferred[Any] = defer.Deferred()

    def forward(result: Any) -> Any:
        if isinstance(result, Failure):
            out.errback(result)
            return None  # handed on: the waiter handles it
        out.callback(result)
        return result

    d.addBoth(forward)
    return out
