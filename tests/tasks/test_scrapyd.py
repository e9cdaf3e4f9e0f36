"""Deploy to a real scrapyd, schedule a task's crawl through its HTTP API, see the clues."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from crawler.scrapyd import ScrapydClient
from store.database import Store
from tests.tasks.conftest import ROOT, write_task


def test_deploy_schedule_and_clues_land(store: Store, scrapyd_url: str, fixture_server: Any, tmp_path: Path) -> None:
    client = ScrapydClient(scrapyd_url)
    deployed = client.deploy("wangjian", tmp_path / "egg", "1")
    assert deployed["spiders"] >= 1 and "jd" in client.spiders("wangjian")

    shop = fixture_server.world.shops["jd"][0]
    task = write_task(tmp_path, targets=[{"platform": "jd", "shop_urls": [fixture_server.shop_url(shop)]}])
    host, port = store.client.address
    uri = f"mongodb://{host}:{port}/"
    cmd = [sys.executable, "-m", "cli", "task", "run", str(task), "--db", store.db.name,
           "--scrapyd", scrapyd_url, "--job-id", "JOB-SCRAPYD-1", "-s", f"MONGO_URI={uri}"]  # fmt: skip
    proc = subprocess.run(cmd, cwd=ROOT, env={**os.environ, "MONGO_URI": uri}, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "jd scheduled on scrapyd as " in proc.stdout

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        job = store.crawl_jobs.find_one({"_id": "JOB-SCRAPYD-1"})
        if job and job["status"] != "running":
            break
        time.sleep(0.5)
    assert job and job["status"] == "finished", job
    assert job["trigger"] == "scrapyd" and job["counts"]["items"] > 1
    while time.monotonic() < deadline and not client.jobs("wangjian")["finished"]:
        time.sleep(0.2)  # the crawl process exits just after it closed its job
    assert [j["spider"] for j in client.jobs("wangjian")["finished"]] == ["jd"]

    clues = list(store.clues.find())
    assert clues and {(c["task_id"], c["job_id"]) for c in clues} == {("TASK-2026-101", "JOB-SCRAPYD-1")}
    assert {c["target"]["shop_id"] for c in clues} == {shop.shop_id}
