"""A task file in the wrong encoding is a one-line error, and never stops the scheduler."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cli import main
from crawler.tasks import TaskError, load_task
from store.database import Store
from tests.tasks.conftest import FakeClock, task_document, write_task
from tests.tasks.test_scheduler import TASK, RecordingLauncher, at, finish, make


def _gbk_task(directory: Path) -> Path:
    doc = task_document(id="TASK-2026-102", name="GBK 编码的任务")
    path = directory / "gbk.yaml"
    path.write_bytes(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode("gbk"))
    return path


def test_a_gbk_task_file_is_a_not_utf8_error(tmp_path: Path) -> None:
    path = _gbk_task(tmp_path)
    with pytest.raises(TaskError) as err:
        load_task(path)
    assert str(err.value).startswith(f"{path}: not UTF-8 (byte 0x")


def test_validate_reports_gbk_and_binary_files_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _gbk_task(tmp_path)
    (tmp_path / "binary.yaml").write_bytes(bytes(range(256)) * 4)
    assert main(["task", "validate", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "binary.yaml: not UTF-8" in err and "gbk.yaml: not UTF-8" in err


def test_a_gbk_file_in_the_watched_directory_leaves_the_scheduler_running(
    store: Store, tmp_path: Path, clock: FakeClock
) -> None:
    write_task(tmp_path)
    launcher = RecordingLauncher()
    scheduler = make(store, tmp_path, clock, launcher)
    clock.set(at(2, 0, 30))
    scheduler.tick()
    _gbk_task(tmp_path)  # dropped in while the scheduler runs
    clock.set(at(2, 1))
    events = scheduler.tick()
    assert [(e.task_id, e.action) for e in events] == [(TASK, "started")] and len(launcher.runs) == 1
    assert any("gbk.yaml: not UTF-8" in p for p in scheduler.problems)
    finish(store, scheduler, launcher.runs[0], clock)
    clock.set(at(3, 1))
    assert [e.action for e in scheduler.tick()] == ["started"]
