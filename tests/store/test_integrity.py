from datetime import UTC, datetime

from store.integrity import manifest_hash, manifest_sm3, sha256_hex, sm3_hex
from store.redact import redact
from tests.store.conftest import product_envelope


def test_sm3_matches_the_gbt32905_example() -> None:
    # GB/T 32905-2016 Appendix A example 1: SM3("abc").
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_record_carries_both_hashes_and_manifests_over_them() -> None:
    envelope = product_envelope("p1", datetime(2024, 5, 1, tzinfo=UTC), screenshot=True)
    record = envelope.evidence[0]
    assert {a.kind for a in record.artifacts} == {"body", "headers", "screenshot"}
    for artifact in record.artifacts:
        data = envelope.evidence_blobs[artifact.sha256]
        assert artifact.sha256 == sha256_hex(data) and artifact.sm3 == sm3_hex(data) and artifact.size == len(data)
    body = next(a for a in record.artifacts if a.kind == "body")
    assert envelope.evidence_blobs[body.sha256] == envelope.item.pages[0].body  # raw bytes, not re-encoded
    assert record.manifest_sha256 == manifest_hash(record.artifacts)
    assert record.manifest_sm3 == manifest_sm3(record.artifacts)
    assert record.method == "browser" and record.tool == "chromium 124.0"
    assert record.redirect_chain and record.location is not None


def test_manifest_changes_when_any_artifact_changes() -> None:
    record = product_envelope("p1", datetime(2024, 5, 1, tzinfo=UTC)).evidence[0]
    changed = [a.model_copy(update={"sha256": "0" * 64}) if a.kind == "body" else a for a in record.artifacts]
    assert manifest_hash(changed) != record.manifest_sha256


def test_redact_masks_uri_passwords(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MONGO_URI", "mongodb://officer:s3cr%40t@db.example:27017/?authSource=admin&tls=true")
    text = "cannot reach mongodb://officer:s3cr%40t@db.example:27017/ (password s3cr@t)"
    assert "s3cr" not in redact(text)
    assert "officer:***@db.example" in redact(text)
