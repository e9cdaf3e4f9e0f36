"""`evidence verify` catches the tampering that matters in a legal record: edited capture
metadata, a blob replaced with consistently recomputed hashes (with the evidence key), and
deleted records that clues cite. The Annex C record says what was verified."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from store.database import Store
from store.integrity import manifest_hash, manifest_sm3, seal, sha256_hex, sm3_hex
from store.models import Artifact
from store.writer import StoreWriter
from tests.store.conftest import product_envelope, write_envelopes
from tests.store.test_evidence_cli import run

KEY = "bureau-evidence-key-0123456789abcdef"


@pytest.fixture()
def signed(store: Store, writer: StoreWriter, monkeypatch: pytest.MonkeyPatch) -> Store:
    """Three pages captured with the bureau's evidence key, their clues citing them."""
    base = datetime(2024, 5, 1, 2, 2, 11, 123456, tzinfo=UTC)
    envelopes = [product_envelope(f"k{i}", base + timedelta(minutes=i)) for i in range(3)]
    for envelope in envelopes:
        for record in envelope.evidence:
            record.seal = seal(record, KEY.encode())
    write_envelopes(writer, envelopes)
    host, port = store.client.address
    monkeypatch.setenv("MONGO_URI", f"mongodb://{host}:{port}/")
    monkeypatch.setenv("WANGJIAN_DB", store.db.name)
    return store


def _verify(capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], str]:
    rc, out, _ = run(capsys, "evidence", "verify")
    return rc, [line for line in out.splitlines() if line.startswith("MISMATCH")], out


def test_untouched_records_verify_with_and_without_the_key(
    signed: Store, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rc, lines, out = _verify(capsys)
    assert rc == 0 and lines == [] and "HMAC not checked on 3 signed record(s)" in out
    assert "checked 6 citation(s) of 6 clue(s)" in out
    monkeypatch.setenv("WANGJIAN_EVIDENCE_KEY", KEY)
    rc, lines, out = _verify(capsys)
    assert rc == 0 and "HMAC checked on 3 record(s)" in out and "verified 3 evidence record(s): 0 mismatch(es)" in out


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("final_url", "http://127.0.0.1:1/jd/item/other.html"),
        ("http_status", 404),
        ("platform", "taobao"),
        ("redirect_chain", []),
        ("capture_start", datetime(2024, 4, 1, tzinfo=UTC)),
        ("tool", "curl 8.0"),
        ("method", "browser"),
    ],
)
def test_an_edited_metadata_field_is_reported(
    signed: Store, capsys: pytest.CaptureFixture[str], field: str, value: Any
) -> None:
    record = signed.evidence.find_one()
    signed.evidence.update_one({"_id": record["_id"]}, {"$set": {field: value}})
    rc, lines, _ = _verify(capsys)
    assert rc == 1 and len(lines) == 1
    assert lines[0].startswith(f"MISMATCH {record['_id']} seal: metadata or artifact list changed")


def _replace_body(store: Store, keep_hmac: bool) -> str:
    """What someone with write access to the database can do: a new body blob, the record's
    artifact hashes, manifest and seal recomputed consistently, the citing clues updated."""
    record = store.get_evidence(store.evidence.find_one()["_id"])
    assert record is not None and record.seal is not None
    body = next(a for a in record.artifacts if a.kind == "body")
    forged = store.read_artifact(body.file_id).replace("最佳".encode("gbk"), "较好".encode("gbk"))
    digest = sha256_hex(forged)
    store.put_artifact(forged, digest, body.media_type, sm3_hex(forged))
    new_body = Artifact(kind="body", file_id=digest, sha256=digest, sm3=sm3_hex(forged), size=len(forged),
                        media_type=body.media_type)  # fmt: skip
    record.artifacts = [new_body if a.kind == "body" else a for a in record.artifacts]
    record.manifest_sha256, record.manifest_sm3 = manifest_hash(record.artifacts), manifest_sm3(record.artifacts)
    old = record.seal
    record.seal = seal(record)  # without the key
    if keep_hmac:
        record.seal.hmac_sha256, record.seal.key_id = old.hmac_sha256, old.key_id
    store.evidence.replace_one({"_id": record.evidence_id}, record.model_dump(by_alias=True))
    store.clues.update_many(
        {"evidence.evidence_id": record.evidence_id},
        {"$set": {"evidence.$[ref].sha256": record.manifest_sha256}},
        array_filters=[{"ref.evidence_id": record.evidence_id}],
    )
    return record.evidence_id


@pytest.mark.parametrize("keep_hmac", [True, False])
def test_a_rehashed_replaced_blob_is_caught_by_the_key(
    signed: Store, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, keep_hmac: bool
) -> None:
    evidence_id = _replace_body(signed, keep_hmac)
    rc, lines, _ = _verify(capsys)
    assert rc == 0 and lines == []  # consistent hashes: only a key can tell
    monkeypatch.setenv("WANGJIAN_EVIDENCE_KEY", KEY)
    rc, lines, _ = _verify(capsys)
    expected = "does not match" if keep_hmac else "not signed with the evidence key"
    assert rc == 1 and len(lines) == 1 and lines[0].startswith(f"MISMATCH {evidence_id} hmac: {expected}")
    monkeypatch.setenv("WANGJIAN_EVIDENCE_KEY", "another key")
    rc, lines, _ = _verify(capsys)
    assert rc == 1 and all(" hmac: " in line for line in lines) and len(lines) == 3


def test_deleted_cited_records_are_reported(signed: Store, capsys: pytest.CaptureFixture[str]) -> None:
    record = signed.evidence.find_one()
    citing = [c["_id"] for c in signed.clues.find({"evidence.evidence_id": record["_id"]}, {"_id": 1})]
    assert len(citing) >= 2  # a page with two violations: two clues cite one record
    signed.evidence.delete_one({"_id": record["_id"]})
    rc, lines, out = _verify(capsys)
    assert rc == 1 and "verified 2 evidence record(s)" in out
    missing = [line for line in lines if "the evidence record is missing" in line]
    assert sorted(missing) == sorted(
        f"MISMATCH {record['_id']} cited by clue {clue_id}: the evidence record is missing" for clue_id in citing
    )


def test_a_changed_citation_is_reported(signed: Store, capsys: pytest.CaptureFixture[str]) -> None:
    clue = signed.clues.find_one()
    signed.clues.update_one({"_id": clue["_id"]}, {"$set": {"evidence.0.sha256": "0" * 64}})
    rc, lines, _ = _verify(capsys)
    assert rc == 1 and lines == [
        f"MISMATCH {clue['evidence'][0]['evidence_id']} cited by clue {clue['_id']}: cited hash {'0' * 64} "
        f"is not the record's manifest hash {clue['evidence'][0]['sha256']}"
    ]


def test_the_annex_c_record_says_what_was_verified(
    signed: Store, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    record = signed.evidence.find_one()
    output = tmp_path / "record.html"
    monkeypatch.setenv("WANGJIAN_EVIDENCE_KEY", KEY)
    assert run(capsys, "evidence", "record", record["_id"], "-o", str(output))[0] == 0
    page = output.read_text(encoding="utf-8")
    assert "以机构密钥计算的 HMAC，均与记录一致" in page and record["seal"]["sha256"] in page
    assert record["seal"]["hmac_sha256"] in page and "HMAC-SHA256" in page
    signed.evidence.update_one({"_id": record["_id"]}, {"$set": {"http_status": 404}})
    monkeypatch.delenv("WANGJIAN_EVIDENCE_KEY")
    assert run(capsys, "evidence", "record", record["_id"], "-o", str(output))[0] == 0
    page = output.read_text(encoding="utf-8")
    assert "未核验 HMAC" in page and "发现不一致：seal: metadata or artifact list changed" in page


def test_an_unreadable_key_file_is_a_one_line_error(
    signed: Store, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WANGJIAN_EVIDENCE_KEY_FILE", str(tmp_path / "absent.key"))
    rc, _, err = run(capsys, "evidence", "verify")
    assert rc == 2 and "evidence key file" in err and err.count("\n") == 1
    (tmp_path / "bureau.key").write_text(KEY + "\n", encoding="utf-8")
    monkeypatch.setenv("WANGJIAN_EVIDENCE_KEY_FILE", str(tmp_path / "bureau.key"))
    rc, out, _ = run(capsys, "evidence", "verify")
    assert rc == 0 and "HMAC checked on 3 record(s)" in out
