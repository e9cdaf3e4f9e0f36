"""MongoDB store for clues and evidence: the one place that talks to the database.

Collections: `clues`, `evidence` (records), GridFS bucket `artifacts` (write-once,
content-addressed by SHA-256), `evidence_access` (append-only access log), `crawl_jobs`.
Any MongoDB wire-protocol server works; credentials, auth and TLS options come only from
the URI (MONGO_URI); without one a process-wide embedded server is started on first use.
"""

from __future__ import annotations

import atexit
import os
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gridfs
from gridfs.errors import FileExists
from pymongo import ASCENDING, DESCENDING, MongoClient, UpdateOne
from pymongo.database import Database
from pymongo.errors import BulkWriteError, DuplicateKeyError

from store.embedded_mongo import EmbeddedMongo
from store.models import EvidenceRecord, collector_location, utcnow
from store.redact import redact

DUPLICATE_KEY = 11000
CHUNK_SIZE = 255 * 1024  # the GridFS default, so other GridFS clients read the same layout

# Indexes for what downstream systems and the clue commands filter on. Every index is paid
# on each clue upsert, so only queried keys get one: severity (four values) and the USCC are
# filtered together with an indexed key, and the multikey evidence-id array is never looked up.
CLUE_INDEXES: tuple[tuple[str, list[tuple[str, int]]], ...] = (
    ("status", [("status", ASCENDING), ("last_seen", DESCENDING)]),
    ("family", [("rule.family", ASCENDING), ("last_seen", DESCENDING)]),
    ("platform", [("target.platform", ASCENDING), ("last_seen", DESCENDING)]),
    ("task", [("task_id", ASCENDING), ("last_seen", DESCENDING)]),
    ("job", [("job_id", ASCENDING)]),
    ("last_seen", [("last_seen", DESCENDING)]),
    ("target_shop", [("target.platform", ASCENDING), ("target.shop_id", ASCENDING)]),
    ("target_item", [("target.platform", ASCENDING), ("target.item_id", ASCENDING)]),
    ("target_region", [("target.region.code", ASCENDING)]),
)
EVIDENCE_INDEXES: tuple[tuple[str, list[tuple[str, int]]], ...] = (
    ("target", [("target_id", ASCENDING), ("capture_start", DESCENDING)]),
    ("job", [("job_id", ASCENDING), ("capture_start", ASCENDING)]),
    ("capture_start", [("capture_start", DESCENDING)]),
)

_embedded: EmbeddedMongo | None = None
_embedded_lock = threading.Lock()


def var_dir() -> Path:
    """Where local state lives (embedded database, spool, logs): $WANGJIAN_VAR or ./var."""
    return Path(os.environ.get("WANGJIAN_VAR", "var")).resolve()


def resolve_mongo_uri(configured: str | None) -> str:
    """The configured URI, or that of a process-wide embedded server started on demand."""
    global _embedded
    if configured:
        return configured
    with _embedded_lock:
        if _embedded is None:
            _embedded = EmbeddedMongo(var_dir() / "mongo").start()
            atexit.register(_embedded.stop)
        return _embedded.uri


@dataclass(frozen=True)
class ClueWrite:
    """One idempotent clue upsert: `filter` matches the clue unless this sighting is
    already recorded on it (see pipelines.clues), so applying it twice is harmless."""

    key: str
    filter: dict[str, Any]
    update: dict[str, Any]

    def operation(self) -> UpdateOne:
        return UpdateOne(self.filter, self.update, upsert=True)


@dataclass
class ClueWriteResult:
    inserted: int = 0
    updated: int = 0
    already_applied: int = 0


class Store:
    """Typed access to the wangjian collections."""

    def __init__(self, uri: str, database: str = "wangjian", **client_options: Any) -> None:
        options: dict[str, Any] = {"tz_aware": True, **client_options}
        if "serverselectiontimeoutms" not in uri.lower():  # options in the URI win
            options.setdefault("serverSelectionTimeoutMS", 5000)
        self.client: MongoClient[dict[str, Any]] = MongoClient(uri, **options)
        self.db: Database[dict[str, Any]] = self.client[database]
        self.clues = self.db["clues"]
        self.evidence = self.db["evidence"]
        self.access_log = self.db["evidence_access"]
        self.crawl_jobs = self.db["crawl_jobs"]
        self.artifacts = gridfs.GridFS(self.db, collection="artifacts")
        self.artifact_files = self.db["artifacts.files"]
        self.artifact_chunks = self.db["artifacts.chunks"]
        self._gridfs_indexed = False

    @classmethod
    def from_settings(cls, settings: Any) -> Store:
        return cls(resolve_mongo_uri(settings.get("MONGO_URI")), settings.get("MONGO_DATABASE"))

    def describe(self) -> str:
        """Where this store points, safe to print."""
        host, port = self.client.address or ("?", 0)
        return redact(f"mongodb://{host}:{port}/{self.db.name}")

    def ensure_indexes(self) -> None:
        for name, keys in CLUE_INDEXES:
            self.clues.create_index(keys, name=name)
        for name, keys in EVIDENCE_INDEXES:
            self.evidence.create_index(keys, name=name)
        self.access_log.create_index([("at", DESCENDING)], name="at")
        self._ensure_gridfs_indexes()

    # -- evidence -------------------------------------------------------------------------

    def put_artifact(self, data: bytes, sha256: str, media_type: str, sm3: str | None = None) -> None:
        """Store bytes once under their hash; a complete object is never overwritten."""
        if self.artifacts.exists(sha256):
            return
        # Chunks without a files document are what a write cut short leaves behind.
        self.artifact_chunks.delete_many({"files_id": sha256})
        try:
            self.artifacts.put(data, _id=sha256, contentType=media_type, metadata={"sha256": sha256, "sm3": sm3})
        except (FileExists, DuplicateKeyError):
            if not self.artifacts.exists(sha256):
                raise  # not a concurrent writer of the same bytes: let the caller spool it

    def put_evidence(self, record: EvidenceRecord, blobs: dict[str, bytes]) -> bool:
        """Store a record and its artifacts (blobs keyed by sha256), artifacts first so a
        stored record never lacks its objects. Write-once: returns False when the record
        was already there, which leaves the stored one untouched."""
        for artifact in record.artifacts:
            self.put_artifact(blobs[artifact.sha256], artifact.sha256, artifact.media_type, artifact.sm3)
        document = record.model_dump(by_alias=True)
        document["stored_at"] = document.get("stored_at") or utcnow()
        try:
            self.evidence.insert_one(document)
        except DuplicateKeyError:
            return False
        return True

    def put_evidence_batch(self, items: list[tuple[EvidenceRecord, dict[str, bytes]]]) -> int:
        """Store many records and their artifacts in a few round trips; returns how many
        records were new. Chunks go in before files documents, and records after both, so
        whatever a crash leaves behind is never a record without its objects. Chunks are
        keyed (files_id, n) and content-addressed: a duplicate is the same bytes."""
        if not items:
            return 0
        self._ensure_gridfs_indexes()
        wanted: dict[str, tuple[bytes, str, str | None]] = {}
        for record, blobs in items:
            for a in record.artifacts:
                wanted.setdefault(a.sha256, (blobs[a.sha256], a.media_type, a.sm3))
        present = {d["_id"] for d in self.artifact_files.find({"_id": {"$in": list(wanted)}}, {"_id": 1})}
        chunks, files = [], []
        now = utcnow()
        for sha256, (data, media_type, sm3) in wanted.items():
            if sha256 in present:
                continue
            chunks += [
                {"files_id": sha256, "n": n, "data": data[offset : offset + CHUNK_SIZE]}
                for n, offset in enumerate(range(0, len(data), CHUNK_SIZE))
            ]
            files.append(
                {"_id": sha256, "length": len(data), "chunkSize": CHUNK_SIZE, "uploadDate": now,
                 "contentType": media_type, "metadata": {"sha256": sha256, "sm3": sm3}}
            )  # fmt: skip
        _insert_ignoring_duplicates(self.artifact_chunks, chunks)
        _insert_ignoring_duplicates(self.artifact_files, files)
        records = []
        for record, _ in items:
            document = record.model_dump(by_alias=True)
            document["stored_at"] = document.get("stored_at") or now
            records.append(document)
        return _insert_ignoring_duplicates(self.evidence, records)

    def _ensure_gridfs_indexes(self) -> None:
        if not self._gridfs_indexed:
            self.artifact_chunks.create_index([("files_id", ASCENDING), ("n", ASCENDING)], unique=True)
            self.artifact_files.create_index([("filename", ASCENDING), ("uploadDate", ASCENDING)])
            self._gridfs_indexed = True

    def get_evidence(self, evidence_id: str) -> EvidenceRecord | None:
        document = self.evidence.find_one({"_id": evidence_id})
        return EvidenceRecord.model_validate(document) if document else None

    def read_artifact(self, sha256: str) -> bytes:
        return self.artifacts.get(sha256).read()

    def log_access(self, action: str, evidence_ids: Iterable[str] = (), note: str | None = None) -> None:
        """Append to the evidence access log (who read or checked which records, when)."""
        where = collector_location()
        self.access_log.insert_one(
            {"at": utcnow(), "action": action, "evidence_ids": list(evidence_ids), "by": where.user,
             "host": where.host, "note": note}
        )  # fmt: skip

    # -- clues ----------------------------------------------------------------------------

    def apply_clue_writes(self, writes: Iterable[ClueWrite]) -> ClueWriteResult:
        """Apply clue upserts in order per clue. Writes are grouped in waves in which each
        clue appears once, so an unordered bulk per wave keeps per-clue order. A duplicate
        key error means either a concurrent insert of the same new clue (retried once) or
        a sighting that is already recorded (skipped): the write is idempotent."""
        result = ClueWriteResult()
        for wave in _waves(list(writes)):
            retry = self._bulk(wave, result)
            if retry:
                result.already_applied += len(self._bulk(retry, result))
        return result

    def _bulk(self, writes: list[ClueWrite], result: ClueWriteResult) -> list[ClueWrite]:
        try:
            outcome = self.clues.bulk_write([w.operation() for w in writes], ordered=False).bulk_api_result
        except BulkWriteError as exc:
            outcome = exc.details
            failed = [e for e in outcome["writeErrors"] if e.get("code") != DUPLICATE_KEY]
            if failed or outcome.get("writeConcernErrors"):
                raise
        result.inserted += outcome["nUpserted"]
        result.updated += outcome["nMatched"]
        return [writes[e["index"]] for e in outcome.get("writeErrors", [])]

    def close(self) -> None:
        self.client.close()


def _insert_ignoring_duplicates(collection: Any, documents: list[dict[str, Any]]) -> int:
    """Insert all; documents whose key exists already are left as stored. Returns how many
    were inserted."""
    if not documents:
        return 0
    try:
        return len(collection.insert_many(documents, ordered=False).inserted_ids)
    except BulkWriteError as exc:
        if any(e.get("code") != DUPLICATE_KEY for e in exc.details["writeErrors"]) or exc.details.get(
            "writeConcernErrors"
        ):
            raise
        return int(exc.details["nInserted"])


def _waves(writes: list[ClueWrite]) -> list[list[ClueWrite]]:
    waves: list[list[ClueWrite]] = []
    seen: defaultdict[str, int] = defaultdict(int)
    for write in writes:
        index = seen[write.key]
        seen[write.key] += 1
        if index == len(waves):
            waves.append([])
        waves[index].append(write)
    return waves
