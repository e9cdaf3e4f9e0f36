"""MongoDB store for clues and evidence: the one place that talks to the database.

Collections: `clues`, `evidence` (records), GridFS bucket `artifacts` (write-once,
content-addressed by SHA-256), `crawl_jobs`. Any MongoDB wire-protocol server works;
without MONGO_URI a process-wide embedded server is started on first use.
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import gridfs
from pymongo import ASCENDING, DESCENDING, MongoClient, UpdateOne
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError, FileExists

from pipelines.embedded_mongo import EmbeddedMongo
from pipelines.models import EvidenceRecord

CLUE_INDEXES: tuple[tuple[str, list[tuple[str, int]]], ...] = (
    ("status", [("status", ASCENDING), ("last_seen", DESCENDING)]),
    ("family", [("rule.family", ASCENDING), ("last_seen", DESCENDING)]),
    ("platform", [("target.platform", ASCENDING), ("last_seen", DESCENDING)]),
    ("task", [("task_id", ASCENDING), ("last_seen", DESCENDING)]),
    ("last_seen", [("last_seen", DESCENDING)]),
    ("target_shop", [("target.platform", ASCENDING), ("target.shop_id", ASCENDING)]),
    ("target_item", [("target.platform", ASCENDING), ("target.item_id", ASCENDING)]),
    ("severity", [("rule.severity", ASCENDING)]),
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


class Store:
    """Typed access to the wangjian collections."""

    def __init__(self, uri: str, database: str = "wangjian", **client_options: Any) -> None:
        self.client: MongoClient[dict[str, Any]] = MongoClient(
            uri, tz_aware=True, serverSelectionTimeoutMS=5000, **client_options
        )
        self.db: Database[dict[str, Any]] = self.client[database]
        self.clues = self.db["clues"]
        self.evidence = self.db["evidence"]
        self.crawl_jobs = self.db["crawl_jobs"]
        self.artifacts = gridfs.GridFS(self.db, collection="artifacts")

    @classmethod
    def from_settings(cls, settings: Any) -> Store:
        return cls(resolve_mongo_uri(settings.get("MONGO_URI")), settings.get("MONGO_DATABASE", "wangjian"))

    def ensure_indexes(self) -> None:
        for name, keys in CLUE_INDEXES:
            self.clues.create_index(keys, name=name)
        self.evidence.create_index([("target_id", ASCENDING), ("capture_start", DESCENDING)], name="target")

    # -- evidence -------------------------------------------------------------------------

    def put_artifact(self, data: bytes, sha256: str, media_type: str) -> None:
        """Store bytes once under their hash; an existing object is never overwritten."""
        if self.artifacts.exists(sha256):
            return
        try:
            self.artifacts.put(data, _id=sha256, contentType=media_type)
        except (FileExists, DuplicateKeyError):
            pass  # stored concurrently by another writer: same hash, same bytes

    def put_evidence(self, record: EvidenceRecord, blobs: dict[str, bytes]) -> None:
        """Store a record and its artifacts (blobs keyed by sha256). Write-once."""
        for artifact in record.artifacts:
            self.put_artifact(blobs[artifact.sha256], artifact.sha256, artifact.media_type)
        try:
            self.evidence.insert_one(record.model_dump(by_alias=True))
        except DuplicateKeyError:
            pass

    def read_artifact(self, sha256: str) -> bytes:
        return self.artifacts.get(sha256).read()

    # -- clues ----------------------------------------------------------------------------

    def write_clue_updates(self, updates: Iterable[UpdateOne]) -> int:
        ops = list(updates)
        if not ops:
            return 0
        result = self.clues.bulk_write(ops, ordered=True)
        return result.upserted_count

    def close(self) -> None:
        self.client.close()
