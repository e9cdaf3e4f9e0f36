"""Nothing lost: writes made while the database is away go to the spool and are replayed."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from store.database import Store
from store.embedded_mongo import free_port
from store.spool import Spool
from store.writer import StoreWriter
from tests.store.conftest import product_envelope, write_envelopes


def test_outage_spools_then_next_start_replays_once(store: Store, tmp_path: Path) -> None:
    spool_dir = tmp_path / "spool"
    dead = Store(f"mongodb://127.0.0.1:{free_port()}/", store.db.name, serverSelectionTimeoutMS=300)
    down = StoreWriter(dead, Spool(spool_dir), retry_interval=60)
    down.open()
    t0 = datetime(2024, 5, 1, tzinfo=UTC)
    envelopes = [product_envelope(f"p{i}", t0 + timedelta(minutes=i)) for i in range(4)]
    write_envelopes(down, envelopes[:2])
    write_envelopes(down, envelopes[2:])
    assert down.spooling and down.counts.batches_spooled == 2
    down.close()  # still down: the spool stays for the next start
    dead.close()
    assert len(Spool(spool_dir).segment_paths()) == 1
    with open(next(spool_dir.iterdir()) / "journal.jsonl", "ab") as fh:
        fh.write(b'{"kind": "batch", "clu')  # a crash mid-append leaves a torn line

    up = StoreWriter(store, Spool(spool_dir))
    up.open()  # next start: replay in order
    assert up.counts.batches_replayed == 2 and not up.spooling
    assert Spool(spool_dir).segment_paths() == []
    expected = sum(len(e.hits) for e in envelopes)
    assert store.clues.count_documents({}) == expected
    assert all(c["seen_count"] == 1 for c in store.clues.find())
    assert store.evidence.count_documents({}) == 4
    up.close()


def test_replay_cut_short_is_repeated_without_double_counting(store: Store, tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    dead = Store(f"mongodb://127.0.0.1:{free_port()}/", store.db.name, serverSelectionTimeoutMS=300)
    down = StoreWriter(dead, spool, retry_interval=60)
    envelope = product_envelope("p1", datetime(2024, 5, 1, tzinfo=UTC))
    write_envelopes(down, [envelope])
    segment = spool.own
    assert segment is not None
    down.spool.close()
    # The batch landed but the progress mark did not (crash between the two).
    StoreWriter(store, Spool(tmp_path / "other")).write([(r, envelope.evidence_blobs) for r in envelope.evidence], [])
    up = StoreWriter(store, Spool(tmp_path / "spool"))
    up.open()
    up.open()
    assert all(c["seen_count"] == 1 for c in store.clues.find())
    assert store.clues.count_documents({}) == len(envelope.hits)
