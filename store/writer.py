"""The single writer between the clue stage and MongoDB, with the spool behind it.

Each flush is one batch: evidence records (with artifact bytes) and the clue upserts that
cite them, applied in that order. When the database cannot take a batch — unreachable,
stepping down, refusing writes — the batch goes to the local spool and so does every
later batch, to keep the order, until a replay of the whole spool succeeds (tried at most
every `retry_interval` seconds, on open and on close)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import pymongo
from bson.errors import InvalidDocument
from pymongo.errors import (
    BulkWriteError,
    ConnectionFailure,
    ExecutionTimeout,
    NotPrimaryError,
    OperationFailure,
    PyMongoError,
    WriteConcernError,
    WriteError,
)

from store.database import ClueWrite, Store
from store.models import EvidenceRecord
from store.redact import redact
from store.spool import BlobReader, DamagedEntry, Entry, Spool

log = logging.getLogger(__name__)

# Server answers that mean "not now" rather than "never": shutting down, not primary,
# out of disk, interrupted.
TRANSIENT_CODES = frozenset({6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436, 14031})


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, ConnectionFailure | NotPrimaryError | WriteConcernError | ExecutionTimeout):
        return True
    if isinstance(exc, BulkWriteError):
        codes = {e.get("code") for e in exc.details.get("writeErrors", [])}
        return bool(exc.details.get("writeConcernErrors")) or bool(codes & TRANSIENT_CODES)
    if isinstance(exc, OperationFailure):
        return exc.code in TRANSIENT_CODES or exc.has_error_label("RetryableWriteError")
    return False


@dataclass
class WriterCounts:
    evidence_new: int = 0
    clues_new: int = 0
    clues_updated: int = 0
    clues_already_applied: int = 0
    batches_spooled: int = 0
    batches_replayed: int = 0
    batches_quarantined: int = 0
    errors: list[str] = field(default_factory=list)


class StoreWriter:
    def __init__(self, store: Store, spool: Spool, retry_interval: float = 2.0, probe_timeout: float = 1.0) -> None:
        self.store = store
        self.spool = spool
        spool.bind(store.target())  # spooled batches only ever go back to this database
        self.retry_interval = retry_interval
        self.probe_timeout = probe_timeout
        self.spooling = False
        self.last_attempt = 0.0
        self.counts = WriterCounts()

    def open(self) -> None:
        """Create indexes and replay what earlier runs left in the spool."""
        try:
            self.store.ensure_indexes()
        except PyMongoError as exc:
            if not is_transient(exc):
                raise
            self._outage(exc)
            return
        self.spooling = bool(self.spool.segment_paths())  # the replay also reports segments for other databases
        self.replay(force=True)

    def write(self, evidence: list[tuple[EvidenceRecord, dict[str, bytes]]], clues: list[ClueWrite]) -> None:
        if not evidence and not clues:
            return
        if self.spooling:
            self._spool(evidence, clues)
            self.replay()
            return
        try:
            self._store(evidence, clues)  # the records as they are: no dump and re-validation
        except PyMongoError as exc:
            if not is_transient(exc):
                raise
            self._outage(exc)
            self._spool(evidence, clues)

    def replay(self, force: bool = False) -> bool:
        """Try to empty the spool; True when nothing is left to replay."""
        if not self.spooling:
            return True
        now = time.monotonic()
        if not force and now - self.last_attempt < self.retry_interval:
            return False
        self.last_attempt = now
        try:
            with pymongo.timeout(self.probe_timeout):
                self.store.client.admin.command("ping")
            replayed = self.spool.replay(self._apply_spooled)
        except PyMongoError as exc:
            if not is_transient(exc):
                raise
            return False
        self.counts.batches_replayed += replayed
        self.counts.batches_quarantined = self.spool.quarantined
        self.spooling = False
        if replayed:
            log.warning("replayed %d spooled batch(es) into %s", replayed, self.store.describe())
        return True

    def close(self) -> None:
        if self.spooling and not self.replay(force=True):
            log.warning("database still unavailable: %d batch(es) stay in the spool %s for the next start",
                        self.spool.appended, self.spool.root)  # fmt: skip
        self.spool.close()

    def _apply(self, entry: Entry, read_blob: BlobReader) -> None:
        """Apply a batch read back from the spool."""
        records = [EvidenceRecord.model_validate(doc) for doc in entry.get("evidence", [])]
        items = [(r, {a.sha256: read_blob(a.sha256) for a in r.artifacts}) for r in records]
        self._store(items, [ClueWrite(w["key"], w["filter"], w["update"]) for w in entry.get("clues", [])])

    def _store(self, items: list[tuple[EvidenceRecord, dict[str, bytes]]], writes: list[ClueWrite]) -> None:
        self.counts.evidence_new += self.store.put_evidence_batch(items)
        result = self.store.apply_clue_writes(writes)
        self.counts.clues_new += result.inserted
        self.counts.clues_updated += result.updated
        self.counts.clues_already_applied += result.already_applied

    def _apply_spooled(self, entry: Entry, read_blob: BlobReader) -> None:
        """Apply a spooled batch. One the database refuses document by document (too large,
        invalid), or that no longer parses, is damaged: it is quarantined instead of blocking
        every later start. Refusals of the connection itself (credentials, permissions,
        outage) are not about the batch and propagate."""
        try:
            self._apply(entry, read_blob)
        except (BulkWriteError, WriteError, InvalidDocument) as exc:
            if isinstance(exc, PyMongoError) and is_transient(exc):
                raise
            raise DamagedEntry(f"refused by the database: {redact(str(exc))[:300]}") from exc
        except (ValueError, KeyError, TypeError) as exc:
            raise DamagedEntry(f"not a valid batch: {str(exc)[:300]}") from exc

    def _spool(self, evidence: list[tuple[EvidenceRecord, dict[str, bytes]]], clues: list[ClueWrite]) -> None:
        entry: Entry = {
            "evidence": [record.model_dump(by_alias=True) for record, _ in evidence],
            "clues": [{"key": w.key, "filter": w.filter, "update": w.update} for w in clues],
        }
        blobs = {sha: data for _, b in evidence for sha, data in b.items()}
        self.spool.append("batch", entry, blobs)
        self.counts.batches_spooled += 1

    def _outage(self, exc: BaseException) -> None:
        if not self.spooling:
            log.warning("database unavailable (%s); spooling writes to %s", redact(str(exc))[:300], self.spool.root)
        self.spooling = True
        self.last_attempt = time.monotonic()
