"""Crawls are civil to real platforms by default, say who they are, and a task can only be gentler."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.settings import Settings

from crawler.tasks import TaskError, load_task
from tests.conftest import ROOT
from tests.tasks.conftest import write_task


def _production() -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    return settings


def test_defaults_throttle_and_name_the_project() -> None:
    s = _production()
    assert s.getbool("AUTOTHROTTLE_ENABLED") and s.getfloat("AUTOTHROTTLE_MAX_DELAY") >= 30
    assert s.getfloat("DOWNLOAD_DELAY") >= 1.0 and s.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert s.getbool("ROBOTSTXT_OBEY") and "wangjian/" in s["USER_AGENT"] and s["USER_AGENT"].isascii()


def test_the_contact_url_goes_into_the_user_agent() -> None:
    env = {**os.environ, "WANGJIAN_CONTACT_URL": "https://scjg.example.gov.cn/wangjian"}
    code = "from crawler import settings; print(settings.USER_AGENT)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("; +https://scjg.example.gov.cn/wangjian)")


def test_a_task_may_tighten_the_defaults(tmp_path: Path) -> None:
    task = load_task(write_task(tmp_path, politeness={"concurrency": 1, "delay": 5}))
    settings = task.crawl_settings()
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 1 and settings["DOWNLOAD_DELAY"] == 5
    plain = load_task(write_task(tmp_path, "plain.yaml")).crawl_settings()
    assert "DOWNLOAD_DELAY" not in plain and "CONCURRENT_REQUESTS_PER_DOMAIN" not in plain  # the defaults apply


@pytest.mark.parametrize(("politeness", "field"), [({"concurrency": 16}, "concurrency"), ({"delay": 0}, "delay")])
def test_a_task_cannot_be_harder_on_a_platform(tmp_path: Path, politeness: dict, field: str) -> None:
    with pytest.raises(TaskError) as err:
        load_task(write_task(tmp_path, politeness=politeness))
    assert f"politeness.{field}" in str(err.value) and "task.yaml:" in str(err.value)
