"""A check kind and a platform added from test code only, through the registries, run end to
end: a crawl of the toy platform served on 127.0.0.1, with a pack that uses the toy check
kind, leaves clues of that kind in the embedded MongoDB, exactly on the products the world
priced below the floor. (The kind and the platform are tests/e2e/toy_check.py and
tests/e2e/toy_platform.py, the examples of docs/adding-a-check.md and
docs/adding-a-platform.md.)"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from typing import Any

import pytest

from fixtures import platforms
from fixtures.server import FixtureServer
from fixtures.world import build_world
from rules.checks import register_check, unregister_check
from store.database import Store
from tests.conftest import run_crawl


@pytest.fixture(scope="module")
def toy_server() -> Iterator[FixtureServer]:
    """The toy check kind and the toy fixture platform registered (importing their modules
    registers them; registering again is harmless) for this module only."""
    from tests.e2e import toy_check, toy_platform

    register_check(toy_check.PriceFloorCheck)
    platforms.register(toy_platform.FIXTURE)
    try:
        with FixtureServer(build_world(scale=1)) as server:
            yield server
    finally:
        platforms.unregister(toy_platform.KEY)
        unregister_check("price_floor")


@pytest.fixture(scope="module")
def toy_crawl(toy_server: FixtureServer, mongo_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from tests.e2e import toy_check

    prices = sorted(p.price for p in toy_server.world.products("toy"))
    floor = statistics.median(prices)
    packs = tmp_path_factory.mktemp("packs")
    (packs / "toy.yaml").write_text(toy_check.pack_text(floor), encoding="utf-8")
    store = Store(mongo_server.uri, "clues_toy")
    store.client.drop_database(store.db.name)
    stats = run_crawl(
        "toy", store, toy_server.start_urls("toy"), tmp_path_factory.mktemp("toy"),
        "-s", "SPIDER_MODULES=crawler.spiders,tests.e2e.toy_platform",
        "-s", "RULE_CHECK_MODULES=tests.e2e.toy_check",
        "-s", f"RULE_PACKS_DIR={packs}",
    )  # fmt: skip
    yield floor, stats, list(store.clues.find())
    store.client.drop_database(store.db.name)
    store.close()


def test_the_world_and_the_server_derive_from_the_registry(toy_server: FixtureServer) -> None:
    world = toy_server.world
    assert list(world.shops) == [*platforms.BUILTIN, "toy"]
    shop = world.shops["toy"][0]
    product = next(world.products_of(shop))
    assert product.item_id == str(900_000_000 + shop.index * 100)
    assert shop.category == "普通商品"
    reply, charset = toy_server.dispatch("GET", f"/toy/item/{product.item_id}", {}, b"")
    assert reply.status == 200 and charset == "utf-8" and product.title in str(reply.body)


def test_a_crawl_of_the_toy_platform_yields_clues_of_the_toy_kind(toy_crawl: Any, toy_server: FixtureServer) -> None:
    floor, stats, clues = toy_crawl
    world = toy_server.world
    assert stats["finish_reason"] == "finished" and stats.get("log_count/ERROR", 0) == 0
    assert stats["item_scraped_count"] == len(world.shops["toy"]) + world.product_count("toy")
    expected = {p.item_id for p in world.products("toy") if p.price < floor}
    assert expected and len(expected) < world.product_count("toy")
    assert {c["target"]["item_id"] for c in clues} == expected
    for clue in clues:
        assert clue["rule"]["id"] == "TOY-PRICE-001" and clue["rule"]["family"] == "toy.price_floor"
        assert clue["hit"]["field"] == "attributes" and clue["hit"]["term"].startswith("售价")
        assert clue["target"]["platform"] == "toy" and clue["target"]["url"].startswith(toy_server.base_url)
        assert clue["evidence"], "a clue of a plug-in kind carries its page as evidence like any other"
