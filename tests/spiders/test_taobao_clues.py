"""The taobao fixture crawled with every rule pack into the embedded MongoDB: the clues are
exactly the violations the world planted there, and no trap becomes a clue."""

from __future__ import annotations

from typing import Any

import pytest

from pipelines.store import Store
from tests.conftest import run_crawl

PLATFORM = "taobao"


@pytest.fixture(scope="module")
def clues(mongo_server: Any, fixture_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    store = Store(mongo_server.uri, f"clues_{PLATFORM}")
    store.client.drop_database(store.db.name)
    stats = run_crawl(PLATFORM, store, fixture_server.start_urls(PLATFORM), tmp_path_factory.mktemp(PLATFORM))
    found = {
        (c["target"]["kind"], c["target"]["shop_id"] if c["target"]["kind"] == "shop" else c["target"]["item_id"],
         c["rule"]["family"])
        for c in store.clues.find()
    }  # fmt: skip
    yield stats, found
    store.client.drop_database(store.db.name)
    store.close()


def test_crawl_finishes_without_errors(clues: Any, fixture_server: Any) -> None:
    stats, _ = clues
    world = fixture_server.world
    assert stats["finish_reason"] == "finished" and stats.get("log_count/ERROR", 0) == 0
    assert stats["item_scraped_count"] == len(world.shops[PLATFORM]) + world.product_count(PLATFORM)


def test_planted_violations_become_clues(clues: Any, fixture_server: Any) -> None:
    _, found = clues
    expected = fixture_server.world.expected_clues(PLATFORM)
    missing = expected - found
    assert not missing, f"planted violations not found: {sorted(missing)}"


def test_no_clue_where_nothing_was_planted(clues: Any, fixture_server: Any) -> None:
    _, found = clues
    world = fixture_server.world
    assert not (found & world.expected_absent(PLATFORM)), "a false-positive trap became a clue"
    unexpected = found - world.expected_clues(PLATFORM)
    assert not unexpected, f"clues on targets where nothing was planted: {sorted(unexpected)}"
