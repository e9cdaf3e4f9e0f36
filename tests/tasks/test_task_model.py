"""Task files: the Annex A model, line-numbered errors, the shipped JSON Schema."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
import yaml

from crawler.tasks import SCHEMA_PATH, MonitoringTask, TaskError, generated_schema, load_task, parse_task
from tests.tasks.conftest import EXAMPLES, task_document

CONTEXT = {"platforms": {"jd"}, "families": {"ad.absolute", "drug.banned_online"}, "packs": {"ad-absolute-terms"}}


def test_shipped_schema_is_the_generated_one() -> None:
    assert json.loads(SCHEMA_PATH.read_text(encoding="utf-8")) == generated_schema()


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_examples_load_and_match_the_schema(path: Path) -> None:
    task = load_task(path)
    assert task.id in path.name
    # As editors see YAML: dates are strings in JSON.
    data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
    jsonschema.validate(data, generated_schema())


def test_annex_a_fields_survive_loading() -> None:
    task = load_task(EXAMPLES / "TASK-2026-001-drug-online.yaml")
    assert task.initiating_department == "药品安全监督管理科"
    assert task.method.means == "技术" and task.method.mode == "自主"
    assert str(task.period.start) == "2026-03-01" and str(task.period.end) == "2026-11-30"
    assert "drug.banned_online" in task.content.families
    assert task.keywords[0] == "处方药" and task.task_type == "专项"


def test_errors_name_file_line_and_field() -> None:
    text = yaml.safe_dump(
        task_document(frequency="every monday", targets=[{"platform": "pdd", "listing_urls": ["ftp://x"]}]),
        allow_unicode=True,
        sort_keys=False,
    )
    with pytest.raises(TaskError) as caught:
        parse_task(text, "t.yaml", CONTEXT)
    problems = caught.value.problems
    lines = text.splitlines()
    by_field = {p.split(": ")[1]: p for p in problems}
    assert set(by_field) == {"frequency", "targets.0.platform", "targets.0.listing_urls"}
    for field, problem in by_field.items():
        source, line = problem.split(":")[:2]
        assert source == "t.yaml"
        key = field.split(".")[-1]
        assert key + ":" in lines[int(line) - 1], (problem, lines[int(line) - 1])


def test_missing_and_unknown_fields_are_reported() -> None:
    doc = task_document(colour="red")
    del doc["period"]
    with pytest.raises(TaskError) as caught:
        parse_task(yaml.safe_dump(doc, allow_unicode=True), "t.yaml")
    text = str(caught.value)
    assert "period: Field required" in text and "colour: Extra inputs are not permitted" in text


def test_unknown_family_and_reversed_period() -> None:
    doc = task_document(
        content={"families": ["ad.absolute", "ad.nonsense"]}, period={"from": "2026-05-01", "to": "2026-04-01"}
    )
    with pytest.raises(TaskError) as caught:
        parse_task(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "t.yaml", CONTEXT)
    text = str(caught.value)
    assert "content.families: unknown rule family 'ad.nonsense'" in text
    assert "period: period 'to' is before 'from'" in text


def test_bad_yaml_points_at_its_line() -> None:
    with pytest.raises(TaskError, match=r"^t.yaml:3: not valid YAML"):
        parse_task("id: TASK-2026-001\nname: x\n  nested: [\n", "t.yaml")


def test_next_run_stays_inside_the_period() -> None:
    task = MonitoringTask.model_validate(task_document(frequency="0 9 * * *"))  # 09:00 Asia/Shanghai daily
    before = datetime(2026, 1, 15, tzinfo=UTC)
    assert task.next_run_after(before) == datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
    assert task.next_run_after(datetime(2026, 3, 10, 1, 0, tzinfo=UTC)) == datetime(2026, 3, 11, 1, 0, tzinfo=UTC)
    assert task.next_run_after(datetime(2026, 3, 31, 1, 0, tzinfo=UTC)) is None


def test_crawl_arguments_and_settings() -> None:
    task = MonitoringTask.model_validate(
        task_document(
            targets=[{"platform": "jd", "shop_urls": ["http://h/jd/shop/1.html"], "product_urls": ["http://h/jd/2.html"],
                      "base_url": "http://h/jd", "search_keywords": ["面霜", "药"]}],
            content={"families": ["ad.absolute"]},
            politeness={"concurrency": 1, "delay": 2.5, "robots": False},
            evidence_all_pages=True,
        )
    )  # fmt: skip
    args = task.spider_arguments(task.targets[0], "JOB-1")
    assert args == {"task_id": "TASK-2026-101", "start_urls": "http://h/jd/shop/1.html,http://h/jd/2.html",
                    "keywords": "面霜,药", "base_url": "http://h/jd", "job_id": "JOB-1"}  # fmt: skip
    settings = task.crawl_settings()
    assert settings["RULE_FAMILIES"] == "ad.absolute" and settings["ROBOTSTXT_OBEY"] is False
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 1 and settings["DOWNLOAD_DELAY"] == 2.5
    assert settings["EVIDENCE_ALL_PAGES"] is True


def test_target_needs_a_start_point() -> None:
    with pytest.raises(TaskError, match="targets.0: a target needs"):
        parse_task(yaml.safe_dump(task_document(targets=[{"platform": "jd"}])), "t.yaml")
    with pytest.raises(TaskError, match="search_keywords need base_url"):
        parse_task(yaml.safe_dump(task_document(targets=[{"platform": "jd", "search_keywords": ["x"]}])), "t.yaml")
