"""`wangjian task run|list|validate` against the fixture platform and the test database."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from crawler.scheduler import Leases
from store.database import Store
from tests.tasks.conftest import ROOT, write_task

TASK = "TASK-2026-101"


def wangjian(store: Store, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    host, port = store.client.address
    var = Path(tempfile.gettempdir()) / "wangjian-test-tasks-var"  # spool only: the database is the test's
    env = {**os.environ, "MONGO_URI": f"mongodb://{host}:{port}/", "WANGJIAN_VAR": str(var)}
    cmd = [sys.executable, "-m", "cli", *args]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def shop_targets(fixture_server: Any, count: int = 2) -> list[dict[str, Any]]:
    shops = fixture_server.world.shops["jd"][:count]
    return [{"platform": "jd", "shop_urls": [fixture_server.shop_url(s) for s in shops]}]


@pytest.fixture()
def first_run(store: Store, fixture_server: Any, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    path = write_task(tmp_path, targets=shop_targets(fixture_server))
    proc = wangjian(store, "task", "run", str(path), "--db", store.db.name)
    assert proc.returncode == 0, proc.stderr[-3000:]
    job = store.crawl_jobs.find_one({"task_id": TASK})
    return path, {**job, "stdout": proc.stdout, "stderr": proc.stderr}


def test_a_run_is_a_job_and_tags_its_clues(store: Store, first_run: tuple[Path, dict[str, Any]]) -> None:
    _, job = first_run
    assert job["status"] == "finished" and job["trigger"] == "manual"
    assert job["started_at"] < job["ended_at"]
    assert job["counts"]["pages"] > 2 and job["counts"]["items"] > 2 and job["counts"]["errors"] == 0
    clues = list(store.clues.find())
    assert clues and job["counts"]["clues_new"] == len(clues)
    assert {(c["task_id"], c["job_id"]) for c in clues} == {(TASK, job["_id"])}
    (part,) = job["parts"].values()
    assert part["spider"] == "jd" and part["finish_reason"] == "finished"
    assert part["stats"]["item_scraped_count"] == job["counts"]["items"]
    assert f"{job['_id']} finished" in job["stdout"]
    assert "pages " in job["stderr"] and "elapsed" in job["stderr"]  # the progress display
    assert Leases(store.db).holder(TASK) is None


def test_a_second_run_updates_and_list_shows_it(store: Store, first_run: tuple[Path, dict[str, Any]]) -> None:
    path, job = first_run
    proc = wangjian(store, "task", "run", str(path), "--db", store.db.name, "--quiet")
    assert proc.returncode == 0, proc.stderr[-3000:]
    second = store.crawl_jobs.find_one({"task_id": TASK, "_id": {"$ne": job["_id"]}})
    assert second["counts"]["clues_new"] == 0 and second["counts"]["clues_updated"] == job["counts"]["clues_new"]
    assert all(c["seen_count"] == 2 and c["job_id"] == second["_id"] for c in store.clues.find())
    listing = wangjian(store, "task", "list", str(path.parent), "--db", store.db.name)
    assert listing.returncode == 0, listing.stderr
    row = next(line for line in listing.stdout.splitlines() if line.startswith(TASK))
    assert f"finished (0 new, {job['counts']['clues_new']} updated)" in row


def test_a_task_applies_only_its_families(store: Store, fixture_server: Any, tmp_path: Path) -> None:
    everything = write_task(tmp_path / "all", targets=shop_targets(fixture_server, 3))
    assert wangjian(store, "task", "run", str(everything), "--db", store.db.name, "--quiet").returncode == 0
    families = Counter(c["rule"]["family"] for c in store.clues.find())
    assert len(families) >= 2, families
    wanted = families.most_common()[-1][0]
    store.clues.delete_many({})
    only = write_task(tmp_path / "one", targets=shop_targets(fixture_server, 3), content={"families": [wanted]})
    assert wangjian(store, "task", "run", str(only), "--db", store.db.name, "--quiet").returncode == 0
    assert {c["rule"]["family"] for c in store.clues.find()} == {wanted}
    assert store.clues.count_documents({}) == families[wanted]


def test_a_running_task_is_not_started_again(store: Store, fixture_server: Any, tmp_path: Path) -> None:
    path = write_task(tmp_path, targets=shop_targets(fixture_server, 1))
    assert Leases(store.db).acquire(TASK, "JOB-elsewhere", seconds=600)
    proc = wangjian(store, "task", "run", str(path), "--db", store.db.name)
    assert proc.returncode == 2
    assert "already running as job JOB-elsewhere" in proc.stderr
    assert store.crawl_jobs.count_documents({}) == 0


def test_validate_reports_every_bad_file(store: Store, tmp_path: Path) -> None:
    write_task(tmp_path, "good.yaml")
    write_task(tmp_path, "bad.yaml", frequency="61 * * * *", targets=[{"platform": "nowhere", "shop_urls": ["x"]}])
    proc = wangjian(store, "task", "validate", str(tmp_path))
    assert proc.returncode == 1
    assert "good.yaml: ok  TASK-2026-101" in proc.stdout
    errors = proc.stderr.splitlines()
    assert any(e.startswith(f"{tmp_path / 'bad.yaml'}:") and ": frequency: " in e for e in errors)
    assert any(": targets.0.platform: no spider for platform 'nowhere'" in e for e in errors)
    assert any(": targets.0.shop_urls: 'x' is not an http(s) URL" in e for e in errors)


def test_the_scheduler_launches_a_real_run(store: Store, fixture_server: Any, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from crawler.scheduler import Scheduler, SubprocessLauncher
    from tests.tasks.conftest import FakeClock

    write_task(tmp_path / "tasks", targets=shop_targets(fixture_server, 1))
    host, port = store.client.address
    launcher = SubprocessLauncher(f"mongodb://{host}:{port}/", store.db.name, tmp_path / "runs")
    clock = FakeClock(datetime(2026, 3, 2, 0, 30, tzinfo=UTC))
    scheduler = Scheduler(store.db, tmp_path / "tasks", launcher, clock=clock)
    scheduler.tick()
    clock.set(datetime(2026, 3, 2, 1, 0, tzinfo=UTC))
    (event,) = scheduler.tick()
    assert event.action == "started"
    (job_id,) = scheduler.running
    scheduler.running[job_id][1].wait(timeout=180)
    assert scheduler.reap() == [job_id]
    job = store.crawl_jobs.find_one({"_id": job_id})
    assert job["status"] == "finished", (tmp_path / "runs" / f"{job_id}.log").read_text()
    assert job["trigger"] == "schedule" and job["scheduled_for"] == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert store.clues.count_documents({"job_id": job_id, "task_id": TASK}) == job["counts"]["clues_new"] > 0
