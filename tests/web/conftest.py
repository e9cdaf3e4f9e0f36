"""The console under test: one database seeded by real crawls of the fixture platforms
(douyin is rendered, so its clues carry screenshots), users made with `wangjian user add`,
`wangjian serve` started on a free port on 127.0.0.1 against the session's embedded
MongoDB, and one headless Chromium for the browser tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from store.database import Store
from tests.conftest import ROOT, run_crawl
from tests.tasks.conftest import free_port, task_document

PASSWORD = "correct-horse-42"
USERS = {"admin1": "admin", "officer": "reviewer", "watcher": "viewer", "runner": "operator"}
TASK_ID = "TASK-2026-150"


@dataclass
class Console:
    url: str
    store: Store
    tasks_dir: Path
    log: Path

    def cli(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return wangjian(self.store, *args, stdin=stdin)


def env_for(store: Store, var: Path | None = None) -> dict[str, str]:
    host, port = store.client.address
    env = {**os.environ, "MONGO_URI": f"mongodb://{host}:{port}/", "WANGJIAN_DB": store.db.name}
    if var is not None:
        env["WANGJIAN_VAR"] = str(var)
    return env


def wangjian(
    store: Store, *args: str, stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "cli", *args]
    return subprocess.run(cmd, cwd=ROOT, env=env_for(store), input=stdin, capture_output=True, text=True,
                          timeout=timeout)  # fmt: skip


def wait_http(url: str, proc: subprocess.Popen[Any], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"wangjian serve exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "login", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"wangjian serve did not answer within {timeout}s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def console_store(mongo_server: Any, fixture_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A database holding the clues of real crawls of two fixture platforms: all of jd, and
    three shops of the browser-rendered douyin (rendering is the slow part)."""
    store = Store(mongo_server.uri, f"console_{uuid.uuid4().hex[:8]}")
    work = tmp_path_factory.mktemp("console-crawls")
    run_crawl("jd", store, fixture_server.start_urls("jd"), work, job_id="JOB-SEED-jd")
    rendered = [fixture_server.shop_url(shop) for shop in fixture_server.world.shops["douyin"][:3]]
    run_crawl("douyin", store, rendered, work, job_id="JOB-SEED-douyin")
    yield store
    store.client.drop_database(store.db.name)
    store.close()


@pytest.fixture(scope="session")
def console(console_store: Store, fixture_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    work = tmp_path_factory.mktemp("console")
    tasks_dir = work / "tasks"
    shops = fixture_server.world.shops["jd"][:2]
    targets = [{"platform": "jd", "shop_urls": [fixture_server.shop_url(s) for s in shops]}]
    task = task_document(id=TASK_ID, period={"from": "2026-01-01", "to": "2027-12-31"}, targets=targets)
    task["name"] = "测试：控制台运行的监测任务"
    tasks_dir.mkdir()
    (tasks_dir / f"{TASK_ID}.yaml").write_text(yaml.safe_dump(task, allow_unicode=True, sort_keys=False), "utf-8")
    for name, role in USERS.items():
        proc = wangjian(console_store, "user", "add", name, "--role", role, "--password-stdin", stdin=PASSWORD + "\n")
        assert proc.returncode == 0, proc.stderr
    port = free_port()
    log = work / "serve.log"
    cmd = [sys.executable, "-m", "cli", "serve", "--port", str(port), "--tasks", str(tasks_dir),
           "--settle-seconds", "1"]  # fmt: skip
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env_for(console_store, work / "var"), stdout=out,
                                stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_http(url, proc, log)
        yield Console(url, console_store, tasks_dir, log)
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Closed after its module: a sync Playwright left running would stop later in-process
    users of Playwright (PDF printing) from starting their own."""
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
        )
        yield chromium
        chromium.close()


def sign_in(browser: Any, console: Console, user: str) -> Any:
    """A new browser context signed in as `user`; returns its page."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.goto(console.url)
    assert "/login" in page.url
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#whoami")
    return page
