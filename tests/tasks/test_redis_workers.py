"""Scale-out: two workers share one Redis queue and dupefilter over a fixture platform."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import redis

from store.database import Store
from tests.tasks.conftest import ROOT

JOB = "JOB-REDIS-TWO-WORKERS"


def start_worker(store: Store, redis_url: str, start_urls: list[str], tmp_path: Path, n: int) -> subprocess.Popen[str]:
    host, port = store.client.address
    cmd = [
        sys.executable, "-m", "cli", "crawl", "jd", "--job-id", JOB, "--task-id", "TASK-2026-900",
        "-s", f"MONGO_URI=mongodb://{host}:{port}/", "-s", f"MONGO_DATABASE={store.db.name}",
        "-s", f"REDIS_URL={redis_url}", "-s", "REDIS_IDLE_CLOSE=2", "-s", "CONCURRENT_REQUESTS=2",
        "-s", "JOB_PROGRESS_INTERVAL=1", "--stats-json", str(tmp_path / f"worker{n}.json"),
    ]  # fmt: skip
    for url in start_urls:
        cmd += ["--start-url", url]
    env = {**os.environ, "WANGJIAN_VAR": str(tmp_path / f"var{n}")}
    log = open(tmp_path / f"worker{n}.log", "w")  # noqa: SIM115 - closed when the worker is reaped
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)


def test_two_workers_crawl_every_page_once(store: Store, redis_url: str, fixture_server: Any, tmp_path: Path) -> None:
    before = Counter(fixture_server.hits)
    start_urls = fixture_server.start_urls("jd")
    # Product pages answer slowly, like real ones, so the crawl outlasts an idle worker's
    # poll of the shared queue (Scrapy checks an idle engine every 5 s).
    fixture_server.inject("/jd/item/", "slow", delay=0.2)
    try:
        workers = [start_worker(store, redis_url, start_urls, tmp_path, n) for n in (1, 2)]
        started = time.monotonic()
        for worker in workers:
            worker.wait(timeout=180)
        elapsed = time.monotonic() - started
    finally:
        fixture_server.clear_faults()
    logs = [(tmp_path / f"worker{n}.log").read_text(encoding="utf-8") for n in (1, 2)]
    stats = [json.loads((tmp_path / f"worker{n}.json").read_text(encoding="utf-8")) for n in (1, 2)]
    assert [w.returncode for w in workers] == [0, 0], logs[0][-3000:] + logs[1][-3000:]

    # Both workers closed on their own once the shared queue stayed empty, and both worked.
    assert [s["finish_reason"] for s in stats] == ["finished", "finished"]
    assert elapsed < 120
    assert all(s.get("scheduler/dequeued/redis", 0) > 0 for s in stats), [
        s.get("scheduler/dequeued/redis") for s in stats
    ]

    # Every page of the platform was fetched exactly once across both workers.
    hits = Counter(fixture_server.hits)
    hits.subtract(before)
    pages = {path: n for path, n in hits.items() if n and path.startswith("/jd/") and not path.endswith("robots.txt")}
    world = fixture_server.world
    item_paths = {fixture_server.item_url(p).split(fixture_server.base_url, 1)[1] for p in world.products("jd")}
    assert item_paths <= set(pages)
    repeated = {path: n for path, n in pages.items() if n != 1 and "/prices/" not in path}
    assert not repeated
    fetched = sum(s.get("downloader/response_count", 0) - s.get("robotstxt/response_count", 0) for s in stats)
    assert fetched == sum(pages.values())

    # No clue twice: each was seen once, by this job; items were not processed twice.
    clues = list(store.clues.find())
    assert clues and all(c["seen_count"] == 1 and c["job_id"] == JOB for c in clues)
    assert sum(s.get("wangjian/clues/new", 0) for s in stats) == len(clues)
    items = sum(s.get("item_scraped_count", 0) for s in stats)
    assert items == len(world.shops["jd"]) + len(item_paths)

    # One job, one part per worker, finished when the last worker closed.
    job = store.crawl_jobs.find_one({"_id": JOB})
    assert job["status"] == "finished" and len(job["parts"]) == 2
    assert job["counts"]["items"] == items and job["counts"]["clues_new"] == len(clues)

    # The queue is drained; the fingerprints stay (to expire) so a late worker adds nothing.
    r = redis.Redis.from_url(redis_url)
    assert r.zcard(f"wangjian:jd:{JOB}:requests") == 0
    assert r.scard(f"wangjian:jd:{JOB}:dupefilter") > 0 and r.ttl(f"wangjian:jd:{JOB}:dupefilter") > 0
