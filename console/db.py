"""The console's database: the crawler's store, plus the collections only the console
writes (users, sessions, API tokens, audit log, alert hooks and deliveries)."""

from __future__ import annotations

from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, UpdateOne

from store.database import Store

#: Console collections and their indexes.
INDEXES: dict[str, list[tuple[str, list[tuple[str, int]]]]] = {
    "console_sessions": [("expires", [("expires_at", ASCENDING)])],
    "login_failures": [
        ("ip_at", [("ip", ASCENDING), ("at", DESCENDING)]),
        ("user_at", [("user", ASCENDING), ("at", DESCENDING)]),
    ],
    "audit_log": [("at", [("at", DESCENDING)]), ("target", [("target", ASCENDING), ("at", DESCENDING)])],
    "alert_deliveries": [("at", [("at", DESCENDING)])],
}


def prepare(store: Store) -> None:
    """Indexes for the console's queries, and an insertion key for clues stored before
    clues carried one (see `backfill_seq`)."""
    store.ensure_indexes()
    for collection, indexes in INDEXES.items():
        for name, keys in indexes:
            store.db[collection].create_index(keys, name=name)
    backfill_seq(store)


def legacy_seq(clue: dict[str, Any]) -> str:
    """An insertion key for a clue stored without one: its first_seen time in ObjectId form
    followed by its fingerprint, so keys stay unique and sort by first sighting."""
    first_seen = clue.get("first_seen") or clue.get("last_seen")
    stamp = str(ObjectId.from_datetime(first_seen))[:8] if first_seen else "00000000"
    return stamp + str(clue["_id"])[:16]


def backfill_seq(store: Store, batch: int = 500) -> int:
    """Give every clue without `seq` one; returns how many were given one."""
    done = 0
    while True:
        clues = list(store.clues.find({"seq": None}, {"first_seen": 1, "last_seen": 1}).limit(batch))
        if not clues:
            return done
        ops = [UpdateOne({"_id": c["_id"], "seq": None}, {"$set": {"seq": legacy_seq(c)}}) for c in clues]
        store.clues.bulk_write(ops, ordered=False)
        done += len(clues)
