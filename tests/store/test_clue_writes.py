"""Clue upserts: one document per fingerprint, idempotent per sighting, order-safe times."""

from datetime import UTC, datetime, timedelta

from pipelines.clues import clue_writes
from pipelines.detect import shared_ruleset
from store.database import Store
from store.writer import StoreWriter
from tests.store.conftest import product_envelope, write_envelopes


def test_same_sighting_twice_counts_once(store: Store, writer: StoreWriter) -> None:
    envelope = product_envelope("p1", datetime(2024, 5, 1, tzinfo=UTC))
    write_envelopes(writer, [envelope])
    write_envelopes(writer, [envelope])  # e.g. a spooled batch replayed after it had landed
    clues = list(store.clues.find())
    assert len(clues) == len(envelope.hits) == 2
    assert all(c["seen_count"] == 1 and len(c["evidence"]) == 1 for c in clues)
    assert store.evidence.count_documents({}) == 1
    assert writer.counts.clues_already_applied == 2


def test_new_sightings_update_and_older_replays_keep_times(store: Store, writer: StoreWriter) -> None:
    t0 = datetime(2024, 5, 1, tzinfo=UTC)
    first, second = product_envelope("p1", t0), product_envelope("p1", t0 + timedelta(hours=1))
    ruleset = shared_ruleset()
    late = clue_writes(second, ruleset, "T", "J", now=t0 + timedelta(hours=1))
    early = clue_writes(first, ruleset, "T", "J", now=t0)
    store.apply_clue_writes(late.values())
    store.apply_clue_writes(early.values())  # an older batch replayed from the spool afterwards
    for clue in store.clues.find():
        assert clue["seen_count"] == 2
        assert clue["first_seen"] == t0 and clue["last_seen"] == t0 + timedelta(hours=1)
        assert clue["first_seen"].tzinfo is not None
        assert clue["rule"]["pack"] and clue["rule"]["pack_version"]


def test_repeated_key_in_one_batch_applies_in_order(store: Store) -> None:
    t0 = datetime(2024, 5, 1, tzinfo=UTC)
    ruleset = shared_ruleset()
    writes = []
    for i in range(3):
        at = t0 + timedelta(minutes=i)
        writes += clue_writes(product_envelope("p1", at), ruleset, None, f"J{i}", now=at).values()
    result = store.apply_clue_writes(writes)
    assert result.inserted == 2 and result.updated == 4
    assert {c["job_id"] for c in store.clues.find()} == {"J2"}


def test_indexes_cover_downstream_queries(store: Store) -> None:
    store.ensure_indexes()
    keys = [list(ix["key"]) for ix in store.clues.list_indexes()]
    for needed in (["status", "last_seen"], ["rule.family", "last_seen"], ["target.platform", "last_seen"],
                   ["task_id", "last_seen"], ["last_seen"], ["target.platform", "target.shop_id"]):  # fmt: skip
        assert needed in keys
