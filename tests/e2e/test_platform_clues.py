"""Every fixture platform crawled with every rule pack into the embedded MongoDB: the clues
are exactly the violations the world planted there, no trap becomes a clue, and a rendered
page's evidence holds what the browser showed. (jd is covered by test_walking_skeleton.)"""

from __future__ import annotations

from typing import Any

import pytest

from fixtures import platforms
from store.database import Store
from tests.conftest import run_crawl

PLATFORMS = [key for key in platforms.load() if key != "jd"]
BROWSER_RENDERED = {"douyin"}


@pytest.fixture(scope="module", params=PLATFORMS)
def crawl(request: Any, mongo_server: Any, fixture_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    platform = request.param
    store = Store(mongo_server.uri, f"clues_{platform}")
    store.client.drop_database(store.db.name)
    stats = run_crawl(platform, store, fixture_server.start_urls(platform), tmp_path_factory.mktemp(platform))
    clues = list(store.clues.find())
    yield platform, stats, clues, store
    store.client.drop_database(store.db.name)
    store.close()


def _found(clues: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    return {
        (c["target"]["kind"], c["target"]["shop_id"] if c["target"]["kind"] == "shop" else c["target"]["item_id"],
         c["rule"]["family"])
        for c in clues
    }  # fmt: skip


def test_crawl_yields_every_shop_and_product(crawl: Any, fixture_server: Any) -> None:
    platform, stats, _, _ = crawl
    world = fixture_server.world
    assert stats["finish_reason"] == "finished" and stats.get("log_count/ERROR", 0) == 0
    assert stats["item_scraped_count"] == len(world.shops[platform]) + world.product_count(platform)


def test_clues_are_exactly_the_planted_violations(crawl: Any, fixture_server: Any) -> None:
    platform, _, clues, _ = crawl
    world = fixture_server.world
    found = _found(clues)
    missing = world.expected_clues(platform) - found
    unexpected = found - world.expected_clues(platform)
    assert not missing, f"planted violations not found: {sorted(missing)}"
    assert not unexpected, f"clues on targets where nothing was planted: {sorted(unexpected)}"
    assert not (found & world.expected_absent(platform)), "a false-positive trap became a clue"


@pytest.mark.parametrize("crawl", sorted(BROWSER_RENDERED), indirect=True)
def test_rendered_pages_keep_screenshot_and_rendered_dom_as_evidence(crawl: Any, fixture_server: Any) -> None:
    platform, _, clues, store = crawl
    products = [c for c in clues if c["target"]["kind"] == "product"]
    assert products
    for clue in products[:10]:
        record = store.evidence.find_one({"_id": clue["evidence"][-1]["evidence_id"]})
        kinds = {a["kind"]: a for a in record["artifacts"]}
        assert record["method"] == "browser" and record["tool"].startswith("chromium")
        assert store.read_artifact(kinds["screenshot"]["file_id"]).startswith(b"\x89PNG")
        rendered = store.read_artifact(kinds["rendered"]["file_id"]).decode("utf-8")
        served = store.read_artifact(kinds["body"]["file_id"]).decode("utf-8")
        title = fixture_server.world.product(platform, clue["target"]["item_id"]).title
        assert title in rendered and title not in served, "the page's content exists only once scripts ran"
