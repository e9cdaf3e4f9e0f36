"""Whole crawls through faults: the database going away mid-crawl, and the crawl process
killed mid-run and resumed. Every expected clue must end up stored exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from store.database import Store
from store.embedded_mongo import EmbeddedMongo
from tests.conftest import ROOT, run_crawl

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def slow_jd() -> Iterator[Any]:
    """A fixture server of its own whose product pages answer slowly, so a crawl lasts
    long enough to be interrupted."""
    from fixtures.server import FixtureServer

    with FixtureServer() as server:
        server.inject("/jd/", "slow", delay=0.08)
        yield server


@pytest.fixture(scope="module")
def reference(slow_jd: Any, mongo_server: EmbeddedMongo, tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """Clue ids of an undisturbed crawl of the same pages."""
    store = Store(mongo_server.uri, "t_reference_crawl")
    try:
        run_crawl("jd", store, slow_jd.start_urls("jd"), tmp_path_factory.mktemp("ref"), "-s", "CONCURRENT_REQUESTS=8")
        ids = {d["_id"] for d in store.clues.find({}, {"_id": 1})}
    finally:
        store.client.drop_database(store.db.name)
        store.close()
    assert ids
    return ids


def crawl_process(uri: str, db: str, start_urls: list[str], var: Path, *extra: str) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable, "-m", "cli", "crawl", "jd", "-s", f"MONGO_URI={uri}", "-s", f"MONGO_DATABASE={db}",
        "-s", "CONCURRENT_REQUESTS=2", "-s", "CLUE_BULK_SIZE=5", "-s", "CLUE_FLUSH_SECONDS=0.2",
        "-s", "SPOOL_RETRY_SECONDS=0.5", "-s", "LOG_LEVEL=INFO", "--stats-json", str(var / "stats.json"), *extra,
    ]  # fmt: skip
    for url in start_urls:
        cmd += ["--start-url", url]
    env = {**os.environ, "WANGJIAN_VAR": str(var)}
    log = open(var / "crawl.log", "a")  # noqa: SIM115 - the child writes it; a pipe nobody reads would block it
    try:
        return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    finally:
        log.close()


def wait_for_clues(store: Store, at_least: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while store.clues.count_documents({}) < at_least:
        assert time.monotonic() < deadline, "crawl wrote no clues"
        time.sleep(0.1)


def assert_exactly_once(store: Store, expected: set[str]) -> None:
    stored = [d["_id"] for d in store.clues.find({}, {"_id": 1})]
    assert len(stored) == len(set(stored))
    assert set(stored) == expected
    assert all(c["seen_count"] == 1 for c in store.clues.find({}, {"seen_count": 1}))
    cited = {e["evidence_id"] for c in store.clues.find() for e in c["evidence"]}
    assert cited <= {d["_id"] for d in store.evidence.find({}, {"_id": 1})}  # no clue cites missing evidence


def test_database_stopped_mid_crawl_loses_nothing(slow_jd: Any, reference: set[str], tmp_path: Path) -> None:
    server = EmbeddedMongo(tmp_path / "mongo").start()
    try:
        store = Store(server.uri, "wangjian", serverSelectionTimeoutMS=20000)
        uri = f"{server.uri}?serverSelectionTimeoutMS=800"  # fail fast, so the outage reaches the spool
        proc = crawl_process(uri, "wangjian", slow_jd.start_urls("jd"), tmp_path)
        wait_for_clues(store, 3)
        server.stop()
        # The database stays away until a write has gone to the spool (on a loaded machine the
        # crawl may take a while to try one), then comes back while the crawl goes on.
        deadline = time.monotonic() + 90
        while not any(p.name == "journal.jsonl" and p.stat().st_size for p in (tmp_path / "spool").rglob("*")):
            assert proc.poll() is None, "the crawl should outlive the outage"
            assert time.monotonic() < deadline, "the outage did not hit a write"
            time.sleep(0.2)
        assert proc.poll() is None, "the crawl should outlive the outage"
        server = EmbeddedMongo(tmp_path / "mongo", port=server.port).start()
        proc.wait(timeout=180)
        stats = json.loads((tmp_path / "stats.json").read_text())
        assert stats["finish_reason"] == "finished", (tmp_path / "crawl.log").read_text()[-3000:]
        assert stats.get("wangjian/spool/batches_spooled", 0) > 0, "the outage did not hit a write"
        assert stats["wangjian/spool/batches_replayed"] == stats["wangjian/spool/batches_spooled"]
        assert_exactly_once(store, reference)
        assert not any((tmp_path / "spool").iterdir())
        store.close()
    finally:
        server.stop()


def test_kill_9_mid_crawl_then_resume_loses_and_duplicates_nothing(
    slow_jd: Any, reference: set[str], mongo_server: EmbeddedMongo, tmp_path: Path
) -> None:
    store = Store(mongo_server.uri, "t_crash_resume")
    jobdir = ["-s", f"JOBDIR={tmp_path / 'job'}"]
    try:
        proc = crawl_process(mongo_server.uri, store.db.name, slow_jd.start_urls("jd"), tmp_path, *jobdir)
        wait_for_clues(store, 10)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert 0 < store.clues.count_documents({}) < len(reference)
        proc = crawl_process(mongo_server.uri, store.db.name, slow_jd.start_urls("jd"), tmp_path, *jobdir)
        proc.wait(timeout=180)
        stats = json.loads((tmp_path / "stats.json").read_text())
        assert stats["finish_reason"] == "finished", (tmp_path / "crawl.log").read_text()[-3000:]
        stored = [d["_id"] for d in store.clues.find({}, {"_id": 1})]
        assert len(stored) == len(set(stored)) and set(stored) == reference
        # A page fetched again after the resume is a second sighting with its own evidence,
        # never a second clue.
        for clue in store.clues.find():
            evidence_ids = {e["evidence_id"] for e in clue["evidence"]}
            assert 1 <= clue["seen_count"] <= 2 and len(evidence_ids) >= clue["seen_count"]
        cited = {e["evidence_id"] for c in store.clues.find() for e in c["evidence"]}
        assert cited <= {d["_id"] for d in store.evidence.find({}, {"_id": 1})}
    finally:
        store.client.drop_database(store.db.name)
        store.close()
