"""Recompute the integrity values of stored evidence and report every mismatch.

Each artifact is read back from GridFS and hashed again (SHA-256, and SM3 where recorded);
each record's manifest hashes are recomputed from its artifact list, and its seal from its
metadata (so an edited final URL, status or platform shows); with the evidence key, the
seal's HMAC is recomputed too (so a blob replaced with consistently recomputed hashes shows).
Then every clue's citations are checked against the records: a cited record that is gone,
or whose manifest hash is not the one the clue cited, is reported. An artifact shared by
several records is read once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from gridfs.errors import GridFSError

from store.database import Store
from store.integrity import canonical_record, key_id, manifest_hash, manifest_sm3, record_hmac, sha256_hex, sm3_hex
from store.models import Artifact, EvidenceRecord


@dataclass(frozen=True)
class Mismatch:
    evidence_id: str
    subject: str  # "body:<sha256>", "manifest_sha256", "seal", "hmac", "cited by clue <id>", ...
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


def check_record(
    store: Store, record: EvidenceRecord, checked: dict[str, str | None], key: bytes | None = None
) -> Iterator[Mismatch]:
    for artifact in record.artifacts:
        if artifact.file_id not in checked:
            checked[artifact.file_id] = _artifact_problem(store, artifact)
        if problem := checked[artifact.file_id]:
            yield Mismatch(record.evidence_id, f"{artifact.kind}:{artifact.sha256[:16]}", problem)
    if (actual := manifest_hash(record.artifacts)) != record.manifest_sha256:
        yield Mismatch(record.evidence_id, "manifest_sha256", f"{actual} != recorded {record.manifest_sha256}")
    if record.manifest_sm3 and (actual_sm3 := manifest_sm3(record.artifacts)) != record.manifest_sm3:
        yield Mismatch(record.evidence_id, "manifest_sm3", f"{actual_sm3} != recorded {record.manifest_sm3}")
    yield from _check_seal(record, key)


def _check_seal(record: EvidenceRecord, key: bytes | None) -> Iterator[Mismatch]:
    seal = record.seal
    if seal is None:
        yield Mismatch(record.evidence_id, "seal", "no seal: the record's metadata is not bound to its content")
        return
    data = canonical_record(record)
    if (actual := sha256_hex(data)) != seal.sha256:
        yield Mismatch(
            record.evidence_id, "seal", f"metadata or artifact list changed: {actual} != sealed {seal.sha256}"
        )
    elif seal.sm3 and (actual_sm3 := sm3_hex(data)) != seal.sm3:
        yield Mismatch(record.evidence_id, "seal", f"SM3 {actual_sm3} != sealed {seal.sm3}")
    if key is None:
        return
    if seal.hmac_sha256 is None:
        yield Mismatch(record.evidence_id, "hmac", "not signed with the evidence key")
    elif seal.key_id != key_id(key):
        yield Mismatch(record.evidence_id, "hmac", f"signed with another key ({seal.key_id}), not {key_id(key)}")
    elif record_hmac(record, key) != seal.hmac_sha256:
        yield Mismatch(
            record.evidence_id, "hmac", "does not match: the record was changed or re-hashed without the key"
        )


@dataclass
class Verification:
    """What `verify` checked and what it found."""

    records: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    #: signed records whose HMAC was recomputed with the key / left unchecked for want of it
    hmac_checked: int = 0
    hmac_unchecked: int = 0
    clues: int = 0
    citations: int = 0

    def summary(self) -> list[str]:
        if self.hmac_unchecked:
            keyed = f"HMAC not checked on {self.hmac_unchecked} signed record(s): no evidence key given"
        else:
            keyed = f"HMAC checked on {self.hmac_checked} record(s) with the evidence key"
        return [
            f"checked {self.citations} citation(s) of {self.clues} clue(s) against the records",
            keyed,
            f"verified {self.records} evidence record(s): {len(self.mismatches)} mismatch(es)",
        ]


def verify(
    store: Store, job_id: str | None = None, since: datetime | None = None, key: bytes | None = None
) -> Verification:
    """Every record (of `job_id`, captured since `since`) in capture order, then the clues'
    citations of records."""
    result = Verification()
    checked: dict[str, str | None] = {}
    manifests: dict[str, str | None] = {}
    for document in store.evidence.find(record_filter(job_id, since)).sort("capture_start", 1):
        result.records += 1
        try:
            record = EvidenceRecord.model_validate(document)
        except ValueError as exc:
            problem = f"not a valid record: {str(exc)[:200]}"
            result.mismatches.append(Mismatch(str(document.get("_id")), "record", problem))
            continue
        manifests[record.evidence_id] = record.manifest_sha256
        if record.seal is not None and record.seal.hmac_sha256 is not None:
            if key is None:
                result.hmac_unchecked += 1
            else:
                result.hmac_checked += 1
        result.mismatches.extend(check_record(store, record, checked, key))
    result.mismatches.extend(_check_citations(store, result, manifests, job_id, since))
    return result


def _check_citations(
    store: Store, result: Verification, manifests: dict[str, str | None], job_id: str | None, since: datetime | None
) -> Iterator[Mismatch]:
    """Citations by the clues in scope (all clues, or the job's), of records captured since
    `since` when given."""
    query: dict[str, Any] = {"evidence.0": {"$exists": True}}
    if job_id:
        query["job_id"] = job_id
    for clue in store.clues.find(query, {"evidence": 1}):
        result.clues += 1
        for ref in clue.get("evidence") or []:
            evidence_id, cited = ref.get("evidence_id"), ref.get("sha256")
            captured = ref.get("captured_at")
            if since is not None and isinstance(captured, datetime) and captured < since:
                continue
            result.citations += 1
            if evidence_id not in manifests:
                found = store.evidence.find_one({"_id": evidence_id}, {"manifest_sha256": 1})
                if found is None:
                    yield Mismatch(str(evidence_id), f"cited by clue {clue['_id']}", "the evidence record is missing")
                    continue
                manifests[evidence_id] = found.get("manifest_sha256")
            if manifests[evidence_id] != cited:
                problem = f"cited hash {cited} is not the record's manifest hash {manifests[evidence_id]}"
                yield Mismatch(str(evidence_id), f"cited by clue {clue['_id']}", problem)
