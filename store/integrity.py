"""Integrity values (完整性校验值) of evidence: SHA-256 always, SM3 (GB/T 32905) alongside.

The manifest hash binds the artifacts of one record together: it is computed over the
sorted "kind:hash" lines, so it names which object had which content."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from store.models import Artifact


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
