"""End to end: crawl a fixture platform with every pack into the real (embedded) MongoDB
server, then check the clues against what the fixture world planted, the evidence against
its recorded hashes, and that a second crawl updates clues instead of duplicating them."""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from store.database import Store
from tests.conftest import run_crawl

PLATFORM = "jd"


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _triples(clues: list[dict[str, Any]]) -> set[tuple[str, str, str]]:
    out = set()
    for clue in clues:
        target = clue["target"]
        target_id = target["shop_id"] if target["kind"] == "shop" else target["item_id"]
        out.add((target["kind"], target_id, clue["rule"]["family"]))
    return out


@pytest.fixture(scope="module")
def crawled(mongo_server: Any, fixture_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("e2e")
    store = Store(mongo_server.uri, "e2e_walking_skeleton")
    store.client.drop_database(store.db.name)
    start = fixture_server.start_urls(PLATFORM)
    first = run_crawl(PLATFORM, store, start, tmp, job_id="JOB-E2E-1")
    clues_after_first = list(store.clues.find())
    second = run_crawl(PLATFORM, store, start, tmp, job_id="JOB-E2E-2")
    yield {"store": store, "first": first, "second": second, "clues_first": clues_after_first, "tmp": Path(tmp)}
    store.client.drop_database(store.db.name)
    store.close()


def test_crawl_finishes_cleanly(crawled: Any) -> None:
    for stats in (crawled["first"], crawled["second"]):
        assert stats["finish_reason"] == "finished"
        assert stats.get("log_count/ERROR", 0) == 0
        assert stats["item_scraped_count"] > 50


def test_clues_are_exactly_the_planted_violations(crawled: Any, fixture_server: Any) -> None:
    world = fixture_server.world
    found = _triples(crawled["clues_first"])
    expected = world.expected_clues(PLATFORM)
    assert expected, "the fixture platform must plant violations"
    assert "ad.absolute" in {family for _, _, family in expected}
    missing = expected - found
    unexpected = found - expected
    assert not missing, f"planted violations not found: {sorted(missing)[:20]}"
    assert not unexpected, f"clues on targets where nothing was planted: {sorted(unexpected)[:20]}"
    assert not (found & world.expected_absent(PLATFORM)), "a false-positive trap became a clue"


def test_planted_terms_are_quoted_from_the_page(crawled: Any, fixture_server: Any) -> None:
    world = fixture_server.world
    by_target: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for clue in crawled["clues_first"]:
        t = clue["target"]
        by_target.setdefault((t["platform"], t["item_id"] or t["shop_id"]), []).append(clue)
    checked = 0
    for product in world.products(PLATFORM):
        for planted in product.planted:
            if planted.term is None or planted.field in ("options", "attributes"):
                continue
            clues = [c for c in by_target[(PLATFORM, product.item_id)] if c["rule"]["family"] == planted.family]
            quoted = [_fold((c["hit"]["term"] or "") + "|" + (c["hit"]["snippet"] or "")) for c in clues]
            assert any(_fold(planted.term) in q for q in quoted), (product.item_id, planted, quoted)
            for clue in clues:
                hit = clue["hit"]
                if hit["start"] is not None:
                    assert hit["term"] in hit["snippet"], "the snippet must quote the page around the term"
            checked += 1
    assert checked >= 5


def test_clue_fields_follow_the_design_contract(crawled: Any) -> None:
    clue = crawled["clues_first"][0]
    assert set(clue) >= {
        "_id", "rule", "target", "hit", "evidence", "first_seen", "last_seen", "seen_count",
        "task_id", "job_id", "status", "history",
    }  # fmt: skip
    assert set(clue["rule"]) >= {"id", "family", "title", "severity", "pack", "pack_version", "legal_basis"}
    assert set(clue["target"]) >= {"kind", "platform", "shop_id", "shop_name", "item_id", "url", "uscc", "region"}
    assert set(clue["hit"]) >= {"field", "term", "snippet", "start", "end"}
    assert clue["first_seen"].tzinfo is not None and clue["status"] == "new"
    assert len(clue["_id"]) == 64 and int(clue["_id"], 16) >= 0


def test_evidence_bytes_hash_to_the_recorded_sha256(crawled: Any) -> None:
    store: Store = crawled["store"]
    checked = 0
    for clue in crawled["clues_first"][:40]:
        pages = 0
        for ref in clue["evidence"]:
            record = store.evidence.find_one({"_id": ref["evidence_id"]})
            assert record is not None, "a clue must point at stored evidence"
            assert record["manifest_sha256"] == ref["sha256"]
            for artifact in record["artifacts"]:
                data = store.read_artifact(artifact["file_id"])
                assert hashlib.sha256(data).hexdigest() == artifact["sha256"]
                checked += 1
            body = next(a for a in record["artifacts"] if a["kind"] == "body")
            pages += store.read_artifact(body["file_id"]).lstrip().lower().startswith((b"<!doctype", b"<html"))
        assert pages >= 1, "the page the clue was found on is part of its evidence"
    assert checked > 0


def test_second_crawl_updates_instead_of_duplicating(crawled: Any) -> None:
    store: Store = crawled["store"]
    first_ids = {c["_id"] for c in crawled["clues_first"]}
    after = list(store.clues.find())
    assert {c["_id"] for c in after} == first_ids
    assert all(c["seen_count"] == 2 for c in after)
    assert all(c["job_id"] == "JOB-E2E-2" for c in after)
    assert all(len(c["evidence"]) >= 2 for c in after)
    assert crawled["second"].get("wangjian/clues/new", 0) == 0
    assert crawled["second"]["wangjian/clues/updated"] == len(first_ids)


def test_product_clues_carry_their_shops_uscc_and_region(crawled: Any, fixture_server: Any) -> None:
    world = fixture_server.world
    store: Store = crawled["store"]
    checked = 0
    for clue in store.clues.find({"target.kind": "product"}):
        shop = world.shop(PLATFORM, clue["target"]["shop_id"])
        if shop.scenario != "clean" or not shop.uscc:
            continue
        assert clue["target"]["uscc"] == shop.uscc
        region = clue["target"]["region"]
        assert region and region["code"] == shop.uscc[2:8] and region["province"], region
        checked += 1
    assert checked >= 5
