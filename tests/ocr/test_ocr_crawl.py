"""A crawl with OCR on (selfshop: every product's 详情 column opens with its shop's banner
picture, three products add a text picture): claims that exist only in a picture become clues
citing the picture, the box and the confidence; each picture is read once; the reactor never
waits for OCR; the report and the Annex D notice show the picture cropped around the box."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from reports.documents import render_annex_d
from reports.report import build_report
from reports.report_output import render_html
from store.database import Store
from tests.conftest import run_crawl

PLATFORM = "selfshop"


@pytest.fixture(scope="module")
def crawl(mongo_server: Any, fixture_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("ocr-crawl")
    store = Store(mongo_server.uri, "ocr_crawl")
    store.client.drop_database(store.db.name)
    cache = tmp / "ocr-cache"
    stats = run_crawl(PLATFORM, store, fixture_server.start_urls(PLATFORM), tmp, "-s", f"OCR_CACHE_DIR={cache}")
    yield stats, store, cache
    store.client.drop_database(store.db.name)
    store.close()


def test_a_claim_only_in_a_picture_is_a_clue_citing_picture_box_and_confidence(crawl: Any, fixture_server: Any) -> None:
    stats, store, _ = crawl
    world = fixture_server.world
    planted = {
        (p.item_id, pl.family): pl.term
        for p in world.products(PLATFORM)
        for pl in p.planted
        if pl.field == "image_text"
    }
    assert len(planted) >= 2
    for (item_id, family), term in planted.items():
        product = world.product(PLATFORM, item_id)
        assert term not in (product.title + product.description_text), "the claim must exist only in the picture"
        clue = store.clues.find_one({"target.item_id": item_id, "rule.family": family})
        assert clue is not None, (item_id, family)
        hit, image = clue["hit"], clue["hit"]["image"]
        assert hit["field"] == "image_text" and hit["term"] == term
        assert term in image["text"] and 0.5 <= image["confidence"] <= 1
        assert image["url"].endswith(f"/img/detail/text-{item_id}.jpg")
        xs, ys = [p[0] for p in image["box"]], [p[1] for p in image["box"]]
        assert len(image["box"]) == 4 and max(xs) - min(xs) > 50 and 10 < max(ys) - min(ys) < 80
        assert image["evidence_id"] in {e["evidence_id"] for e in clue["evidence"]}
        record = store.evidence.find_one({"_id": image["evidence_id"]})
        kinds = {a["kind"]: a for a in record["artifacts"]}
        assert kinds["body"]["sha256"] == image["sha256"] and kinds["body"]["media_type"] == "image/jpeg"
        reading = json.loads(store.read_artifact(kinds["ocr"]["file_id"]))
        assert reading["sha256"] == image["sha256"]
        assert any(line["text"] == image["text"] and [list(p) for p in line["box"]] == image["box"]
                   for line in reading["lines"])  # fmt: skip
    for p in world.products(PLATFORM):
        for trap in p.traps:
            if trap.field == "image_text":
                assert store.clues.find_one({"target.item_id": p.item_id, "rule.family": trap.family}) is None


def test_each_picture_is_read_once_and_the_cache_persists(crawl: Any, fixture_server: Any) -> None:
    stats, _, cache = crawl
    world = fixture_server.world
    products = list(world.products(PLATFORM))
    references = len(products) + sum(1 for p in products if p.picture_lines)
    unique = len(world.shops[PLATFORM]) + sum(1 for p in products if p.picture_lines)
    assert stats["wangjian/ocr/images_read"] == unique
    assert stats["wangjian/ocr/images_read"] + stats["wangjian/ocr/images_cached"] == references
    assert len(list(cache.glob("*/*.json"))) == unique
    assert not stats.get("wangjian/ocr/images_failed")


def test_the_reactor_never_waits_for_ocr(crawl: Any) -> None:
    stats, _, _ = crawl
    # OCR on the reactor thread would stall it for a whole read at least once.
    assert stats["wangjian/reactor/ticks"] > 10
    assert stats["wangjian/reactor/max_lag_ms"] < stats["wangjian/ocr/max_read_ms"]


def test_report_and_notice_show_the_picture_crop(crawl: Any) -> None:
    _, store, _ = crawl
    today = date.today()
    html = render_html(build_report(store, since=today - timedelta(days=1), until=today + timedelta(days=1)))
    assert 'id="pictures"' in html and "data:image/png;base64," in html and "根治" in html
    clue = store.clues.find_one({"hit.image": {"$ne": None}})
    notice = render_annex_d(store, clue["_id"])
    assert '<figure class="ocr"><img src="data:image/png;base64,' in notice
    assert "置信度" in notice
