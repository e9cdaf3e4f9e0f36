"""Session-wide servers for the test suite: one embedded MongoDB (secantusdb) and one
fixture-platform server, each on a free port on 127.0.0.1, stopped at the end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from store.database import Store
from store.embedded_mongo import EmbeddedMongo

ROOT = Path(__file__).resolve().parent.parent

# Every crawl in the tests (in this process and in the subprocesses it starts) goes to the
# fixture platforms on 127.0.0.1: no politeness delays there (see crawler/local_settings.py).
os.environ["SCRAPY_SETTINGS_MODULE"] = "crawler.local_settings"


@pytest.fixture(scope="session")
def mongo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedMongo]:
    server = EmbeddedMongo(tmp_path_factory.mktemp("mongo") / "data").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def fixture_server() -> Iterator[Any]:
    from fixtures.server import FixtureServer

    with FixtureServer() as server:
        yield server


@pytest.fixture()
def store(mongo_server: EmbeddedMongo) -> Iterator[Store]:
    """A Store on a database of its own, dropped afterwards."""
    s = Store(mongo_server.uri, f"t_{uuid.uuid4().hex[:10]}")
    yield s
    s.client.drop_database(s.db.name)
    s.close()


def run_crawl(
    spider: str,
    store: Store,
    start_urls: list[str],
    tmp_path: Path,
    *extra: str,
    job_id: str | None = None,
    timeout: float = 600,
) -> dict[str, Any]:
    """Run `wangjian crawl` in a subprocess (a Twisted reactor cannot restart in-process)
    against `store`'s database; return the crawl stats. The timeout allows for OCR of the
    platform's pictures on a busy two-core machine."""
    stats_file = tmp_path / f"stats-{uuid.uuid4().hex[:8]}.json"
    uri = store.client.address
    cmd = [
        sys.executable, "-m", "cli", "crawl", spider,
        "-s", f"MONGO_URI=mongodb://{uri[0]}:{uri[1]}/", "-s", f"MONGO_DATABASE={store.db.name}",
        "--stats-json", str(stats_file), *extra,
    ]  # fmt: skip
    for url in start_urls:
        cmd += ["--start-url", url]
    if job_id:
        cmd += ["--job-id", job_id]
    env = {**os.environ, "WANGJIAN_VAR": str(tmp_path / "var")}
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    stats = json.loads(stats_file.read_text(encoding="utf-8")) if stats_file.exists() else {}
    assert "finish_reason" in stats, f"crawl did not run to its end (rc={proc.returncode}):\n{proc.stderr[-4000:]}"
    return stats
