"""The spool is bound to its database and checks every entry: a batch spooled for one
database is never replayed into another, and damaged or edited lines are set aside
(quarantined) without blocking the writes that follow."""

from __future__ import annotations

import json
import logging
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from store.database import Store
from store.spool import QUARANTINE, Spool, spool_status
from store.writer import StoreWriter
from tests.store.conftest import product_envelope, write_envelopes
from tests.store.test_spool import unreachable

T0 = datetime(2024, 5, 1, tzinfo=UTC)


def spool_batches(store: Store, spool_dir: Path, count: int) -> list:
    """`count` batches written while `store`'s server is away; returns their envelopes."""
    dead = unreachable(store)
    down = StoreWriter(dead, Spool(spool_dir), retry_interval=60)
    envelopes = [product_envelope(f"p{i}", T0 + timedelta(minutes=i)) for i in range(count)]
    for envelope in envelopes:
        write_envelopes(down, [envelope])
    assert down.counts.batches_spooled == count
    down.close()
    dead.close()
    return envelopes


def journal(spool_dir: Path) -> Path:
    (segment,) = Spool(spool_dir).segment_paths()
    return segment / "journal.jsonl"


def test_replay_into_another_database_is_refused_and_kept(store: Store, tmp_path: Path, caplog) -> None:
    spool_dir = tmp_path / "spool"
    envelopes = spool_batches(store, spool_dir, 2)
    other = Store(store.client.address and f"mongodb://{store.client.address[0]}:{store.client.address[1]}/",
                  f"{store.db.name}_other")  # fmt: skip
    try:
        with caplog.at_level(logging.ERROR):
            elsewhere = StoreWriter(other, Spool(spool_dir))
            elsewhere.open()  # WANGJIAN_DB changed in between: this run must not take the batches
        assert elsewhere.counts.batches_replayed == 0
        assert other.clues.count_documents({}) == 0 and other.evidence.count_documents({}) == 0
        assert f"not for database '{other.db.name}'" in caplog.text
        status = spool_status(spool_dir)
        assert status.waiting(store.target()) == 2 and status.waiting(other.target()) == 0
        assert any(store.db.name in line for line in status.notices(other.target()))
        elsewhere.close()
        # The database the batches were spooled for takes them.
        home = StoreWriter(store, Spool(spool_dir))
        home.open()
        assert home.counts.batches_replayed == 2
        assert store.clues.count_documents({}) == sum(len(e.hits) for e in envelopes)
        assert spool_status(spool_dir).waiting() == 0
        home.close()
    finally:
        other.client.drop_database(other.db.name)
        other.close()


def test_garbage_line_is_quarantined_and_the_rest_replayed(store: Store, tmp_path: Path, caplog) -> None:
    spool_dir = tmp_path / "spool"
    envelopes = spool_batches(store, spool_dir, 3)
    path = journal(spool_dir)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(lines[0] + b"\x00\xff garbage {not json\n" + lines[1] + lines[2])
    with caplog.at_level(logging.ERROR):
        up = StoreWriter(store, Spool(spool_dir))
        up.open()  # must not raise: a damaged spool never blocks a crawl
    assert up.counts.batches_replayed == 3 and up.counts.batches_quarantined == 1
    assert store.clues.count_documents({}) == sum(len(e.hits) for e in envelopes)
    quarantine = spool_dir / QUARANTINE
    (rejected,) = quarantine.glob("*.rejected")
    assert b"garbage" in rejected.read_bytes()
    assert "line 2" in next(quarantine.glob("*.log")).read_text()
    assert "quarantined" in caplog.text
    assert Spool(spool_dir).segment_paths() == []
    assert spool_status(spool_dir).quarantined
    up.close()


def test_edited_line_fails_its_checksum(store: Store, tmp_path: Path) -> None:
    spool_dir = tmp_path / "spool"
    envelopes = spool_batches(store, spool_dir, 2)
    path = journal(spool_dir)
    lines = path.read_bytes().splitlines(keepends=True)
    digest, payload = lines[1].split(b" ", 1)
    edited = payload.replace(b"/jd/item/p1", b"/jd/item/p9")  # another page, as far as the record says
    assert edited != payload
    json.loads(edited)  # still valid JSON, still a valid batch: only the checksum can tell
    path.write_bytes(lines[0] + digest + b" " + edited)
    up = StoreWriter(store, Spool(spool_dir))
    up.open()
    assert up.counts.batches_replayed == 1 and up.counts.batches_quarantined == 1
    assert store.evidence.count_documents({"url": {"$regex": "p9"}}) == 0
    assert store.clues.count_documents({}) == len(envelopes[0].hits)
    log = next((spool_dir / QUARANTINE).glob("*.log")).read_text()
    assert "checksum mismatch" in log
    up.close()


def test_unreadable_target_quarantines_the_segment(store: Store, tmp_path: Path) -> None:
    spool_dir = tmp_path / "spool"
    spool_batches(store, spool_dir, 1)
    (segment,) = Spool(spool_dir).segment_paths()
    (segment / "target.json").write_text("{broken")
    up = StoreWriter(store, Spool(spool_dir))
    up.open()
    assert (spool_dir / QUARANTINE / segment.name / "journal.jsonl").exists()
    assert Spool(spool_dir).segment_paths() == []
    up.close()


def test_spool_is_private_to_its_owner(store: Store, tmp_path: Path) -> None:
    spool_dir = tmp_path / "spool"
    spool_batches(store, spool_dir, 1)
    assert stat.S_IMODE(spool_dir.stat().st_mode) == 0o700
    (segment,) = Spool(spool_dir).segment_paths()
    for path in segment.rglob("*"):
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path


def test_unbound_spool_refuses_entries(tmp_path: Path) -> None:
    from store.spool import SpoolError

    with pytest.raises(SpoolError, match="bound"):
        Spool(tmp_path / "spool").append("batch", {})


def test_pending_spool_is_shown_by_clues_list_and_the_report(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from cli import main

    monkeypatch.setenv("WANGJIAN_VAR", str(tmp_path / "var"))
    monkeypatch.setenv("MONGO_URI", f"mongodb://{store.client.address[0]}:{store.client.address[1]}/")
    spool_batches(store, tmp_path / "var" / "spool", 2)
    assert main(["clues", "list", "--db", store.db.name]) == 0
    err = capsys.readouterr().err
    assert "2 batch(es) of clues wait in the local spool for this database" in err
    report = tmp_path / "report.html"
    assert (
        main(["report", "--since", "2024-01-01", "--until", "2024-12-31", "--db", store.db.name, "-o", str(report)])
        == 0
    )
    assert "尚有 2 批线索未写入数据库" in report.read_text(encoding="utf-8")
    assert main(["db", "replay", "--db", store.db.name]) == 0
    assert "replayed 2 batch(es)" in capsys.readouterr().out
    assert main(["clues", "list", "--db", store.db.name]) == 0
    assert "spool" not in capsys.readouterr().err
