"""Layout drift: a platform changes its markup mid-crawl, the spider stops finding prices, and
the crawl says so (error log, stats, an alert document, the shares stored with the job)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cli.task_cmd import _field_shares as task_list_fields
from crawler.drift import alert_id, field_shares
from crawler.jobs import job_stats
from fixtures.server import FixtureServer
from reports.report import build_report
from reports.report_output import render_html
from store.database import Store
from store.embedded_mongo import EmbeddedMongo
from tests.conftest import run_crawl


@pytest.fixture()
def redesigned() -> Iterator[Any]:
    """A fixture server of its own whose pharmacy product pages change their markup after the
    first 30 product pages have been served."""
    with FixtureServer() as server:
        server.inject("/pharmacy/product/", "restyle", after=30)
        yield server


@pytest.fixture()
def drift_store(mongo_server: EmbeddedMongo) -> Iterator[Store]:
    s = Store(mongo_server.uri, f"t_drift_{uuid.uuid4().hex[:8]}")
    yield s
    s.client.drop_database(s.db.name)
    s.close()


def test_markup_change_mid_crawl_raises_the_alarm(redesigned: Any, drift_store: Store, tmp_path: Path) -> None:
    job_id = f"JOB-drift-{uuid.uuid4().hex[:6]}"
    stats = run_crawl(
        "pharmacy", drift_store, redesigned.start_urls("pharmacy"), tmp_path, "-s", "DRIFT_WINDOW=20",
        "-s", "CONCURRENT_REQUESTS=4", "-s", "ITEM_PIPELINES={}", "--task-id", "TASK-DRIFT", job_id=job_id,
    )  # fmt: skip
    products = len(list(redesigned.world.products("pharmacy")))
    shares = field_shares(stats)["pharmacy"]["product"]
    assert shares["pages"] == products and shares["title"] == 1.0
    assert 0.2 < shares["price"] < 0.5, shares  # 30 of 104 pages before the redesign
    assert stats["wangjian/drift/alerts"] == 1 and stats["log_count/ERROR"] >= 1
    alert = drift_store.db["alerts"].find_one({"_id": alert_id(job_id, "pharmacy", "product", "price")})
    assert alert is not None and alert["status"] == "open" and alert["job_id"] == job_id
    assert (alert["kind"], alert["field"], alert["threshold"]) == ("layout_drift", "price", 0.8)
    assert alert["share"] < 0.8 and "提取率" in alert["message"]
    assert drift_store.db["alerts"].count_documents({"field": {"$ne": "price"}}) == 0
    job = drift_store.db["crawl_jobs"].find_one({"_id": job_id})
    assert job is not None and field_shares(job["stats"])["pharmacy"]["product"]["price"] == shares["price"]
    assert job["field_shares"]["pharmacy"]["product"] == shares
    listed = task_list_fields(job)  # the line `wangjian task list` prints under the task
    assert listed.startswith(f"pharmacy price {shares['price']:.0%} shop_name 100% title 100% (n={products})")
    assert listed.endswith("1 layout drift alarm(s)")
    report = build_report(drift_store, task_id="TASK-DRIFT")
    row = next(r for r in report.extraction if r["kind"] == "product")
    assert (row["job_id"], row["platform"], row["pages"], row["alerts"]) == (job_id, "pharmacy", products, ["price"])
    html = render_html(report)
    assert "版式变化告警" in html and f"price {shares['price']:.0%}" in html


def test_an_unchanged_platform_raises_nothing(fixture_server: Any, drift_store: Store, tmp_path: Path) -> None:
    urls = fixture_server.start_urls("pharmacy")
    stats = run_crawl("pharmacy", drift_store, urls, tmp_path, "-s", "ITEM_PIPELINES={}", job_id="JOB-steady")
    shares = field_shares(stats)["pharmacy"]
    assert shares["product"]["price"] == 1.0 and shares["shop"]["shop_name"] == 1.0
    assert "wangjian/drift/alerts" not in stats and drift_store.db["alerts"].count_documents({}) == 0


def test_task_list_shows_the_shares_of_a_job_still_running() -> None:
    """While a job runs it has no totals yet: the line is summed live from its parts."""
    part = {"wangjian/fields/jd/product/pages": 10, "wangjian/fields/jd/product/title": 10,
            "wangjian/fields/jd/product/price": 3, "wangjian/fields/jd/product/shop_name": 10}  # fmt: skip
    job = {
        "status": "running",
        "parts": {"jd-1": {"stats": part}, "jd-2": {"stats": {**part, "wangjian/drift/alerts": 1}}},
    }
    assert job_stats(job)["wangjian/fields/jd/product/pages"] == 20
    listed = task_list_fields(job)
    assert listed.startswith("jd price 30% shop_name 100% title 100% (n=20)") and listed.endswith(
        "1 layout drift alarm(s)"
    )
    closed = {**job, "status": "finished", "stats": {**part, "wangjian/fields/jd/product/price": 10}}
    assert task_list_fields(closed).startswith("jd price 100%")  # the recorded totals once closed
