"""Clue-stage throughput: bulk idempotent upserts (as the crawl writes them) against
one-by-one upserts of the same clues, in the same run, on an embedded MongoDB it starts.

Run: .venv/bin/python bench/bench_store.py [--clues N]"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pymongo.errors import DuplicateKeyError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipelines.clues import clue_writes  # noqa: E402
from pipelines.detect import shared_ruleset  # noqa: E402
from store.database import ClueWrite, Store  # noqa: E402
from store.embedded_mongo import EmbeddedMongo  # noqa: E402
from tests.store.conftest import product_envelope  # noqa: E402

BATCH = 200


def make_writes(count: int) -> list[ClueWrite]:
    ruleset = shared_ruleset()
    start = datetime(2024, 5, 1, tzinfo=UTC)
    writes: list[ClueWrite] = []
    page = 0
    while len(writes) < count:
        envelope = product_envelope(f"b{page}", start + timedelta(seconds=page))
        writes += clue_writes(envelope, ruleset, "TASK-BENCH", "JOB-BENCH").values()
        page += 1
    return writes[:count]


def bulk(store: Store, writes: list[ClueWrite]) -> float:
    began = time.perf_counter()
    for i in range(0, len(writes), BATCH):
        store.apply_clue_writes(writes[i : i + BATCH])
    return time.perf_counter() - began


def one_by_one(store: Store, writes: list[ClueWrite]) -> float:
    began = time.perf_counter()
    for write in writes:
        with contextlib.suppress(DuplicateKeyError):  # this sighting is already recorded
            store.clues.update_one(write.filter, write.update, upsert=True)
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clues", type=int, default=4000)
    args = parser.parse_args()
    writes = make_writes(args.clues)
    with tempfile.TemporaryDirectory() as tmp, EmbeddedMongo(Path(tmp) / "data") as server:
        store = Store(server.uri, "bench_store")
        store.ensure_indexes()
        results = {}
        for name, run in (("one_by_one", one_by_one), ("bulk", bulk)):
            store.clues.drop()
            store.ensure_indexes()
            first = run(store, writes)  # inserts
            again = run(store, writes)  # the same sightings again: idempotent no-ops
            results[name] = first
            assert store.clues.count_documents({}) == len({w.key for w in writes})
            print(f"{name:>10}: {len(writes) / first:8.0f} new clues/s, {len(writes) / again:8.0f} replayed/s")
        store.close()
    clues_per_s = len(writes) / results["bulk"]
    ratio = results["one_by_one"] / results["bulk"]
    print(f"bench store: clues_per_s={clues_per_s:.0f} ratio={ratio:.2f} vs one_by_one_upserts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
