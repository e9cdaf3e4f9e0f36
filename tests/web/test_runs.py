"""Runs started from the console (console.runs) on the test database: a run that hangs
on an unresponsive site is cancelled, its job closed as cancelled and its task free again."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
import yaml

from console.runs import CANCELLED, RunError, TaskRuns
from crawler.scheduler import Leases
from store.database import Store
from tests.tasks.conftest import task_document


def test_a_hanging_run_is_cancelled(store: Store, tmp_path: Path) -> None:
    silent = socket.socket()  # accepts connections and never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    port = silent.getsockname()[1]
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    targets = [{"platform": "jd", "shop_urls": [f"http://127.0.0.1:{port}/jd/shop/1.html"]}]
    task = task_document(id="TASK-2026-151", period={"from": "2026-01-01", "to": "2027-12-31"}, targets=targets)
    (tasks / "hang.yaml").write_text(yaml.safe_dump(task, allow_unicode=True), "utf-8")
    host, mongo_port = store.client.address
    runs = TaskRuns(store, tasks, f"mongodb://{host}:{mongo_port}/", tmp_path / "runs")
    try:
        job_id = runs.run_now("TASK-2026-151")
        with pytest.raises(RunError, match="already running"):
            runs.run_now("TASK-2026-151")
        deadline = time.monotonic() + 90
        while not (store.crawl_jobs.find_one({"_id": job_id}) or {}).get("parts") and time.monotonic() < deadline:
            time.sleep(0.5)  # wait until the crawl is under way
        assert Leases(store.db).holder("TASK-2026-151") == job_id
        runs.cancel(job_id, "runner")
        job = store.crawl_jobs.find_one({"_id": job_id})
        assert job["status"] == CANCELLED and "cancelled by runner" in job["errors"]
        assert Leases(store.db).holder("TASK-2026-151") is None
        with pytest.raises(RunError, match="not running"):
            runs.cancel(job_id, "runner")
    finally:
        runs.stop_all()
        silent.close()
