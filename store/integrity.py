"""Integrity values (完整性校验值) of evidence: SHA-256 always, SM3 (GB/T 32905) alongside.

The manifest hash binds the artifacts of one record together: it is computed over the
sorted "kind:hash" lines, so it names which object had which content. The seal binds the
rest of the record to them: every field that says where, when, how and with what the page
was captured (final URL, redirect chain, HTTP status, times, platform, tool, method, place)
plus the artifact list, in a canonical JSON form, hashed with SHA-256 and SM3. A consistent
rewrite of blobs, hashes and seal is still possible for whoever can write the database, so
with an evidence key (WANGJIAN_EVIDENCE_KEY, or a file named by WANGJIAN_EVIDENCE_KEY_FILE)
the seal also carries an HMAC-SHA256 that cannot be recomputed without the key."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from store.models import Artifact, EvidenceRecord, EvidenceSeal

#: Record fields outside the seal: the seal itself, and the time the store wrote the record.
UNSEALED = frozenset({"seal", "stored_at"})


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sm3_openssl(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def _sm3_cryptography(data: bytes) -> str:
    from cryptography.hazmat.primitives import hashes

    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def _pick_sm3():  # type: ignore[no-untyped-def]
    # OpenSSL builds differ in whether SM3 is enabled; `cryptography` (a Scrapy dependency)
    # ships its own OpenSSL with SM3.
    try:
        _sm3_openssl(b"")
        return _sm3_openssl
    except ValueError:
        return _sm3_cryptography


sm3_hex = _pick_sm3()


def _manifest(lines: Iterable[str], digest) -> str:  # type: ignore[no-untyped-def]
    return digest("\n".join(sorted(lines)).encode("ascii"))


def manifest_hash(artifacts: list[Artifact]) -> str:
    """SHA-256 over the sorted "kind:sha256" lines of the artifacts."""
    return _manifest((f"{a.kind}:{a.sha256}" for a in artifacts), sha256_hex)


def manifest_sm3(artifacts: list[Artifact]) -> str | None:
    """SM3 over the sorted "kind:sm3" lines; None when an artifact has no SM3 value."""
    if any(a.sm3 is None for a in artifacts):
        return None
    return _manifest((f"{a.kind}:{a.sm3}" for a in artifacts), sm3_hex)


class EvidenceKeyError(ValueError):
    """The configured evidence key cannot be read."""


def evidence_key() -> bytes | None:
    """The bureau's evidence key: WANGJIAN_EVIDENCE_KEY (text), else the contents of the file
    WANGJIAN_EVIDENCE_KEY_FILE, else None (records are sealed without an HMAC)."""
    text = os.environ.get("WANGJIAN_EVIDENCE_KEY")
    if text:
        return text.encode("utf-8")
    path = os.environ.get("WANGJIAN_EVIDENCE_KEY_FILE")
    if not path:
        return None
    try:
        key = Path(path).read_bytes().strip()
    except OSError as exc:
        raise EvidenceKeyError(f"evidence key file {path}: {exc.strerror}") from None
    if not key:
        raise EvidenceKeyError(f"evidence key file {path} is empty")
    return key


def key_id(key: bytes) -> str:
    """Names a key without revealing it."""
    return hashlib.sha256(b"wangjian evidence key\n" + key).hexdigest()[:16]


def _canonical_value(value: Any) -> Any:
    if isinstance(value, datetime):
        # MongoDB keeps milliseconds; a naive value read back is UTC.
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return f"{value:%Y-%m-%dT%H:%M:%S}.{value.microsecond // 1000:03d}Z"
    if isinstance(value, dict):
        return {k: _canonical_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical_value(v) for v in value]
    return value


def canonical_record(record: EvidenceRecord) -> bytes:
    """The sealed fields of a record as canonical JSON (sorted keys, no spaces, UTF-8). Unset
    fields are left out, so a field added to the model later leaves older seals valid."""
    fields = record.model_dump(by_alias=True, exclude=set(UNSEALED), exclude_none=True)
    return json.dumps(_canonical_value(fields), sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def record_hmac(record: EvidenceRecord, key: bytes) -> str:
    return hmac.new(key, canonical_record(record), hashlib.sha256).hexdigest()


def seal(record: EvidenceRecord, key: bytes | None = None) -> EvidenceSeal:
    data = canonical_record(record)
    return EvidenceSeal(
        sha256=sha256_hex(data),
        sm3=sm3_hex(data),
        hmac_sha256=hmac.new(key, data, hashlib.sha256).hexdigest() if key else None,
        key_id=key_id(key) if key else None,
    )
