"""Cursor paging in insertion order (console.feed) on the store: a key made before a
write lands late must still be served after the reader has passed later keys."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bson import ObjectId

from console.db import backfill_seq, legacy_seq
from console.feed import CursorError, clues_after
from store.database import Store
from store.models import utcnow


def _clue(store: Store, key: str, seq: str | None) -> None:
    doc = {"_id": key, "rule": {"severity": "S1"}, "first_seen": utcnow(), "last_seen": utcnow()}
    if seq is not None:
        doc["seq"] = seq
    store.clues.insert_one(doc)


def test_a_late_write_with_an_earlier_key_is_not_skipped(store: Store) -> None:
    now = utcnow()
    early = str(ObjectId.from_datetime(now - timedelta(seconds=3)))[:8] + "0" * 16
    late = str(ObjectId.from_datetime(now - timedelta(seconds=3)))[:8] + "1" * 16
    _clue(store, "b", late)  # the larger key becomes visible first
    found, cursor = clues_after(store, None, 10, settle=10)
    assert found == [] and cursor is None  # not settled yet: nothing is served
    _clue(store, "a", early)  # the write that was still on its way
    found, cursor = clues_after(store, None, 10, settle=1)
    assert [c["_id"] for c in found] == ["a", "b"] and cursor == late
    assert clues_after(store, cursor, 10, settle=1) == ([], late)


def test_paging_resumes_after_the_cursor(store: Store) -> None:
    base = utcnow() - timedelta(minutes=5)
    keys = [str(ObjectId.from_datetime(base + timedelta(seconds=i))) for i in range(7)]
    for n, key in enumerate(keys):
        _clue(store, f"c{n}", key)
    pages, cursor = [], None
    while True:
        found, cursor = clues_after(store, cursor, 3)
        if not found:
            break
        pages.append([c["_id"] for c in found])
    assert pages == [["c0", "c1", "c2"], ["c3", "c4", "c5"], ["c6"]]
    with pytest.raises(CursorError):
        clues_after(store, "c0; drop", 3)


def test_clues_stored_without_a_key_get_one_in_first_seen_order(store: Store) -> None:
    _clue(store, "f" * 64, None)
    assert backfill_seq(store) == 1 and backfill_seq(store) == 0
    stored = store.clues.find_one()
    assert stored["seq"] == legacy_seq(stored) and len(stored["seq"]) == 24
