"""The embedded database as a shared local service: several wangjian processes at once,
nothing stranded by kill -9, access for the owner only. Every test runs wangjian with its
own state directory and no MONGO_URI, the way an installation runs it."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pymongo import MongoClient
from pymongo.errors import OperationFailure

from crawler.jobs import FAILED, FINISHED, JobLog
from store.database import Store
from store.db_service import LocalDatabase
from store.embedded_mongo import free_port
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def slow_jd() -> Iterator[Any]:
    """Product pages that answer slowly, so crawls overlap and can be killed mid-run."""
    from fixtures.server import FixtureServer

    with FixtureServer() as server:
        server.inject("/jd/", "slow", delay=0.08)
        yield server


@pytest.fixture()
def var(tmp_path: Path) -> Iterator[Path]:
    """A state directory whose service is stopped afterwards, whatever the test did."""
    path = tmp_path / "var"
    yield path
    service = LocalDatabase(path)
    service.stop()
    assert service.servers() == [], "a database server outlived its test"


def env_for(var: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MONGO_URI", "WANGJIAN_DB")}
    return {**env, "WANGJIAN_VAR": str(var)}


def wangjian(var: Path, *argv: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cli", *argv], cwd=ROOT, env=env_for(var),
                          capture_output=True, text=True, timeout=timeout)  # fmt: skip


def start_crawl(var: Path, server: Any, job_id: str, name: str) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "cli", "crawl", "jd", "--job-id", job_id, "-s", "CONCURRENT_REQUESTS=2",
           "-s", "CLUE_FLUSH_SECONDS=0.2", "--stats-json", str(var.parent / f"{name}.json")]  # fmt: skip
    for url in server.start_urls("jd"):
        cmd += ["--start-url", url]
    var.parent.mkdir(parents=True, exist_ok=True)
    log = open(var.parent / f"{name}.log", "ab")  # noqa: SIM115 - the child writes it
    try:
        return subprocess.Popen(cmd, cwd=ROOT, env=env_for(var), stdout=log, stderr=subprocess.STDOUT)
    finally:
        log.close()


def finished(var: Path, name: str, proc: subprocess.Popen[bytes]) -> dict[str, Any]:
    rc = proc.wait(timeout=240)
    log = (var.parent / f"{name}.log").read_text(errors="replace")
    stats_file = var.parent / f"{name}.json"
    assert rc == 0 and stats_file.exists(), f"{name} failed (rc={rc}):\n{log[-3000:]}"
    return json.loads(stats_file.read_text())


def open_store(var: Path) -> Store:
    return Store(LocalDatabase(var).ensure(), "wangjian")


def wait_until(check: Any, timeout: float = 90, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_service_is_private_and_refuses_unauthenticated_clients(var: Path) -> None:
    result = wangjian(var, "db", "start")
    assert result.returncode == 0, result.stderr
    service = LocalDatabase(var)
    state = service.status()
    assert state.running and state.healthy and f"pid {state.pid}" in result.stdout
    for path in (service.storage, *service.storage.rglob("*")):
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
    assert stat.S_IMODE(service.credentials_file.stat().st_mode) == 0o600
    with MongoClient(f"mongodb://127.0.0.1:{state.port}/", serverSelectionTimeoutMS=3000) as anonymous:
        with pytest.raises(OperationFailure, match="requires authentication"):
            anonymous.wangjian.list_collection_names()
        with pytest.raises(OperationFailure):
            anonymous.wangjian.clues.insert_one({"_id": "planted"})
    guessing = MongoClient(f"mongodb://wangjian:wrong@127.0.0.1:{state.port}/?authSource=admin",
                           serverSelectionTimeoutMS=3000)  # fmt: skip
    with guessing, pytest.raises(OperationFailure):
        guessing.wangjian.list_collection_names()
    status = wangjian(var, "db", "status")
    assert status.returncode == 0 and "database running" in status.stdout and "empty" in status.stdout
    assert wangjian(var, "db", "start").returncode == 0  # a second start reuses the server
    assert [s.pid for s in service.servers()] == [state.pid]
    stopped = wangjian(var, "db", "stop")
    assert stopped.returncode == 0 and str(state.pid) in stopped.stdout
    assert service.servers() == []
    assert "not running" in wangjian(var, "db", "status").stdout


def test_older_orphan_server_is_reclaimed(var: Path) -> None:
    """What a crawl killed with -9 used to leave: a server with no auth holding the storage."""
    storage = var / "mongo"
    storage.mkdir(parents=True)
    orphan = subprocess.Popen(
        [sys.executable, "-m", "secantus", "--host", "127.0.0.1", "--port", str(free_port()),
         "--storage-path", str(storage.resolve()), "--log-level", "WARNING"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        wait_until(lambda: (storage / "WiredTiger.lock").exists(), what="the orphan to open its storage")
        result = wangjian(var, "clues", "list")
        assert result.returncode == 0, result.stderr
        assert orphan.poll() is not None, "the orphan was not stopped"
        assert len(LocalDatabase(var).servers()) == 1
    finally:
        if orphan.poll() is None:
            orphan.kill()
        orphan.wait()


def test_killed_server_is_replaced(var: Path) -> None:
    service = LocalDatabase(var)
    assert wangjian(var, "db", "start").returncode == 0
    first = service.status().pid
    assert first is not None
    os.kill(first, signal.SIGKILL)
    result = wangjian(var, "clues", "list")
    assert result.returncode == 0, result.stderr
    state = service.status()
    assert state.healthy and state.pid != first


def test_kill_9_of_a_crawl_then_an_immediate_second_crawl(slow_jd: Any, var: Path) -> None:
    first = start_crawl(var, slow_jd, "JOB-KILLED", "first")
    wait_until(lambda: LocalDatabase(var).status().healthy, what="the database")
    store = open_store(var)
    try:
        wait_until(lambda: store.clues.count_documents({}) >= 3, what="the first crawl's clues")
        first.send_signal(signal.SIGKILL)
        first.wait()
        assert store.crawl_jobs.find_one({"_id": "JOB-KILLED"})["status"] == "running"
        second = start_crawl(var, slow_jd, "JOB-NEXT", "second")  # no manual step in between
        stats = finished(var, "second", second)
        assert stats["finish_reason"] == "finished" and stats.get("item_scraped_count", 0) > 0
        killed = store.crawl_jobs.find_one({"_id": "JOB-KILLED"})
        assert killed["status"] == FAILED
        assert any("ended without closing the job" in e for e in killed["errors"])
        assert store.crawl_jobs.find_one({"_id": "JOB-NEXT"})["status"] == FINISHED
    finally:
        store.close()


@pytest.fixture()
def slower_jd() -> Iterator[Any]:
    """Slower still, so two crawls outlast a `clues list` process."""
    from fixtures.server import FixtureServer

    with FixtureServer() as server:
        server.inject("/jd/", "slow", delay=0.3)
        yield server


def test_crawls_and_clue_listing_at_the_same_time(slower_jd: Any, var: Path) -> None:
    crawls = {name: start_crawl(var, slower_jd, f"JOB-{name.upper()}", name) for name in ("one", "two")}
    wait_until(lambda: LocalDatabase(var).status().healthy, what="the database")
    store = open_store(var)
    try:
        wait_until(lambda: store.clues.count_documents({}) > 0, what="clues")
        assert all(p.poll() is None for p in crawls.values())
        listing = wangjian(var, "clues", "list", "--limit", "3")
        assert listing.returncode == 0 and "clue(s)" in listing.stderr, listing.stderr
        assert any(p.poll() is None for p in crawls.values()), "the crawls ended before the listing did"
        for name, proc in crawls.items():
            assert finished(var, name, proc)["finish_reason"] == "finished"
        assert len(LocalDatabase(var).servers()) == 1
        jobs = JobLog(store.db)
        assert {jobs.get(f"JOB-{n.upper()}")["status"] for n in crawls} == {FINISHED}
    finally:
        store.close()


def test_garbage_spool_line_is_quarantined_and_the_next_crawl_works(slow_jd: Any, var: Path) -> None:
    from store.spool import QUARANTINE, Spool

    spool = Spool(var / "spool", {"server": LocalDatabase(var).identity, "database": "wangjian"})
    spool.append("batch", {"evidence": [], "clues": []})
    journal = spool.own.path / "journal.jsonl"
    spool.close()
    with open(journal, "ab") as fh:
        fh.write(b'{"kind": "batch", "clues": [ garbage\n')
    stats = finished(var, "crawl", start_crawl(var, slow_jd, "JOB-AFTER-GARBAGE", "crawl"))
    assert stats["finish_reason"] == "finished" and stats["wangjian/spool/quarantined"] == 1
    assert list((var / "spool" / QUARANTINE).glob("*.rejected"))
    assert Spool(var / "spool").segment_paths() == []
