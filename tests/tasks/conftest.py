"""Fixtures for task, scheduler and scale-out tests: a controllable clock, task files
written against the session fixture server, and redis-server / scrapyd processes started
on free ports on 127.0.0.1 once per session."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "tasks" / "examples"


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current

    def set(self, moment: datetime) -> None:
        self.current = moment


@pytest.fixture()
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 2, 0, 0, tzinfo=UTC))  # a Monday, 08:00 in Shanghai


def task_document(**overrides: Any) -> dict[str, Any]:
    """A valid task as a dict, Annex A fields filled, targets replaced by overrides."""
    doc: dict[str, Any] = {
        "id": "TASK-2026-101",
        "name": "测试：网店广告用语监测",
        "source": "年度监测计划",
        "legal_basis": ["中华人民共和国广告法 第九条"],
        "initiating_department": "广告监督管理科",
        "executing_department": "网络交易监督管理科",
        "goal": "发现绝对化用语",
        "method": {"means": "技术", "mode": "自主"},
        "period": {"from": "2026-03-01", "to": "2026-03-31"},
        "frequency": "0 9 * * *",
        "objects": ["经营客体"],
        "keywords": ["国家级"],
        "targets": [{"platform": "jd", "listing_urls": ["http://127.0.0.1:1/jd/shops.html"]}],
    }
    doc.update(overrides)
    return doc


def write_task(directory: Path, name: str = "task.yaml", **overrides: Any) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(yaml.safe_dump(task_document(**overrides), allow_unicode=True, sort_keys=False), "utf-8")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[Any], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


def stop(proc: subprocess.Popen[Any]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Debian's redis-server on a free port, no persistence, stopped after the session."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).exists():
        pytest.skip("redis-server is not installed")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    args = ["--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(workdir)]
    proc = subprocess.Popen([binary, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, proc)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def scrapyd_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """scrapyd from the venv with eggs, logs and queues in a temporary directory."""
    port = free_port()
    home = tmp_path_factory.mktemp("scrapyd")
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        f"bind_address = 127.0.0.1\nhttp_port = {port}\n"
        f"eggs_dir = {home / 'eggs'}\nlogs_dir = {home / 'logs'}\ndbs_dir = {home / 'dbs'}\n"
        "items_dir =\njobs_to_keep = 5\nmax_proc = 2\npoll_interval = 0.2\n",
        encoding="utf-8",
    )
    env = {**os.environ, "WANGJIAN_VAR": str(home / "var")}
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    log = open(home / "scrapyd.log", "wb")  # noqa: SIM115 - closed after the server stops
    proc = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=home, env=env, stdout=log, stderr=log)
    try:
        wait_for_port(port, proc)
        url = f"http://127.0.0.1:{port}/"
        with urllib.request.urlopen(url + "daemonstatus.json", timeout=10) as response:
            assert json.loads(response.read())["status"] == "ok"
        yield url
    finally:
        stop(proc)
        log.close()
