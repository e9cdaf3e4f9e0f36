"""Recompute the integrity values of stored evidence and report every mismatch.

Each artifact is read back from GridFS and hashed again (SHA-256, and SM3 where recorded);
each record's manifest hashes are recomputed from its artifact list. An artifact shared by
several records is read once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gridfs.errors import GridFSError

from store.database import Store
from store.integrity import manifest_hash, manifest_sm3, sha256_hex, sm3_hex
from store.models import Artifact, EvidenceRecord


@dataclass(frozen=True)
class Mismatch:
    evidence_id: str
    subject: str  # "body:<sha256>", "manifest_sha256", ...
    problem: str

    def line(self) -> str:
        return f"MISMATCH {self.evidence_id} {self.subject}: {self.problem}"


def record_filter(job_id: str | None, since: datetime | None) -> dict[str, Any]:
    query: dict[str, Any] = {}
    if job_id:
        query["job_id"] = job_id
    if since:
        query["capture_start"] = {"$gte": since}
    return query


def _artifact_problem(store: Store, artifact: Artifact) -> str | None:
    try:
        data = store.read_artifact(artifact.file_id)
    except GridFSError as exc:
        return f"cannot be read from the artifact store ({type(exc).__name__})"
    if len(data) != artifact.size:
        return f"size {len(data)} != recorded {artifact.size}"
    actual = sha256_hex(data)
    if actual != artifact.sha256:
        return f"sha256 {actual} != recorded {artifact.sha256}"
    if artifact.sm3 and (actual_sm3 := sm3_hex(data)) != artifact.sm3:
        return f"sm3 {actual_sm3} != recorded {artifact.sm3}"
    return None


def check_record(store: Store, record: EvidenceRecord, checked: dict[str, str | None]) -> Iterator[Mismatch]:
    for artifact in record.artifacts:
        if artifact.file_id not in checked:
            checked[artifact.file_id] = _artifact_problem(store, artifact)
        if problem := checked[artifact.file_id]:
            yield Mismatch(record.evidence_id, f"{artifact.kind}:{artifact.sha256[:16]}", problem)
    if (actual := manifest_hash(record.artifacts)) != record.manifest_sha256:
        yield Mismatch(record.evidence_id, "manifest_sha256", f"{actual} != recorded {record.manifest_sha256}")
    if record.manifest_sm3 and (actual_sm3 := manifest_sm3(record.artifacts)) != record.manifest_sm3:
        yield Mismatch(record.evidence_id, "manifest_sm3", f"{actual_sm3} != recorded {record.manifest_sm3}")


def verify(store: Store, job_id: str | None = None, since: datetime | None = None) -> tuple[int, list[Mismatch]]:
    """(records checked, every mismatch found), records in capture order."""
    checked: dict[str, str | None] = {}
    mismatches: list[Mismatch] = []
    count = 0
    for document in store.evidence.find(record_filter(job_id, since)).sort("capture_start", 1):
        count += 1
        try:
            record = EvidenceRecord.model_validate(document)
        except ValueError as exc:
            mismatches.append(Mismatch(str(document.get("_id")), "record", f"not a valid record: {str(exc)[:200]}"))
            continue
        mismatches.extend(check_record(store, record, checked))
    return count, mismatches
