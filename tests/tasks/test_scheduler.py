"""The scheduler, driven by a controllable clock and a launcher that records runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.scheduler import Leases, Scheduler
from store.database import Store
from tests.tasks.conftest import FakeClock, write_task

TASK = "TASK-2026-101"  # write_task's id: daily 09:00 Asia/Shanghai (01:00 UTC), 2026-03-01 … 03-31


@dataclass
class Run:
    job_id: str
    code: int | None = None

    def poll(self) -> int | None:
        return self.code


@dataclass
class RecordingLauncher:
    runs: list[Run] = field(default_factory=list)

    def __call__(self, task: Any, path: Path, job_id: str) -> Run:
        self.runs.append(Run(job_id))
        return self.runs[-1]


def make(store: Store, tasks: Path, clock: FakeClock, launcher: RecordingLauncher) -> Scheduler:
    return Scheduler(store.db, tasks, launcher, clock=clock, lease_seconds=600)


def finish(store: Store, scheduler: Scheduler, run: Run, clock: FakeClock) -> None:
    """What a run does at its end: close its job, release the lease, exit."""
    scheduler.jobs.finish(run.job_id, "finished")
    Leases(store.db, clock).release(TASK, run.job_id)
    run.code = 0


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def test_runs_on_its_cron_time_and_plans_the_next(store: Store, tmp_path: Path, clock: FakeClock) -> None:
    write_task(tmp_path)
    launcher = RecordingLauncher()
    scheduler = make(store, tmp_path, clock, launcher)
    clock.set(at(2, 0, 30))
    (event,) = scheduler.tick()
    assert event.action == "waiting" and event.next_run == at(2, 1)
    clock.set(at(2, 1))
    (event,) = scheduler.tick()
    assert event.action == "started" and event.next_run == at(3, 1)
    assert len(launcher.runs) == 1
    job = store.crawl_jobs.find_one({"_id": launcher.runs[0].job_id})
    assert job["task_id"] == TASK and job["trigger"] == "schedule" and job["scheduled_for"] == at(2, 1)
    clock.advance(minutes=30)
    assert scheduler.tick()[0].action == "waiting"
    assert len(launcher.runs) == 1


def test_runs_missed_while_down_run_once_after_restart(store: Store, tmp_path: Path, clock: FakeClock) -> None:
    write_task(tmp_path)
    launcher = RecordingLauncher()
    clock.set(at(2, 0))
    make(store, tmp_path, clock, launcher).tick()  # plans 03-02 01:00, then the scheduler goes down
    clock.set(at(6, 12))  # four daily runs missed
    restarted = make(store, tmp_path, clock, launcher)
    (event,) = restarted.tick()
    assert event.action == "started" and "coalesced" in event.detail
    assert event.next_run == at(7, 1)
    assert [e.action for e in restarted.tick()] == ["waiting"]
    assert len(launcher.runs) == 1
    state = store.db["schedule_state"].find_one({"_id": TASK})
    assert state["next_run"] == at(7, 1) and state["last_job"] == launcher.runs[0].job_id


def test_never_runs_twice_at_once(store: Store, tmp_path: Path, clock: FakeClock) -> None:
    write_task(tmp_path, frequency="*/10 * * * *")
    launcher = RecordingLauncher()
    scheduler = make(store, tmp_path, clock, launcher)
    clock.set(at(2, 0, 0))
    assert scheduler.tick()[0].next_run == at(2, 0, 10)
    clock.set(at(2, 0, 10))
    assert scheduler.tick()[0].action == "started"
    clock.advance(minutes=10)  # due again while the first run still works
    (event,) = scheduler.tick()
    assert event.action == "skipped-running" and launcher.runs[0].job_id in event.detail
    assert len(launcher.runs) == 1
    assert store.db["schedule_state"].find_one({"_id": TASK})["last_skip"]["due"] == at(2, 0, 20)
    finish(store, scheduler, launcher.runs[0], clock)
    clock.advance(minutes=10)
    assert scheduler.tick()[0].action == "started"
    assert len(launcher.runs) == 2


def test_a_dead_runs_lease_expires(store: Store, tmp_path: Path, clock: FakeClock) -> None:
    write_task(tmp_path, frequency="*/10 * * * *")
    leases = Leases(store.db, clock)
    clock.set(at(2, 0, 5))
    assert leases.acquire(TASK, "JOB-crashed", seconds=120)  # e.g. a manual run on a machine that then died
    assert not leases.acquire(TASK, "JOB-other", seconds=120)
    assert leases.acquire(TASK, "JOB-crashed", seconds=600)  # the holder renews, until 00:15
    launcher = RecordingLauncher()
    scheduler = make(store, tmp_path, clock, launcher)
    scheduler.tick()
    clock.set(at(2, 0, 10))
    assert scheduler.tick()[0].action == "skipped-running"
    clock.set(at(2, 0, 20))  # the holder stopped renewing
    assert scheduler.tick()[0].action == "started"
    assert leases.holder(TASK) == launcher.runs[0].job_id


def test_two_schedulers_start_a_run_once(store: Store, tmp_path: Path, clock: FakeClock) -> None:
    write_task(tmp_path)
    launcher = RecordingLauncher()
    first, second = make(store, tmp_path, clock, launcher), make(store, tmp_path, clock, launcher)
    clock.set(at(2, 0))
    first.tick()
    clock.set(at(2, 1, 1))
    actions = [first.tick()[0].action, second.tick()[0].action]
    assert actions == ["started", "waiting"]
    assert len(launcher.runs) == 1


def test_period_bounds_and_frequency_changes(store: Store, tmp_path: Path, clock: FakeClock) -> None:
    path = write_task(tmp_path)
    launcher = RecordingLauncher()
    scheduler = make(store, tmp_path, clock, launcher)
    clock.set(datetime(2026, 2, 1, tzinfo=UTC))
    assert scheduler.tick()[0].next_run == at(1, 1)  # the period starts 2026-03-01 (Shanghai)
    write_task(tmp_path, frequency="30 8 * * *")  # 08:30 Shanghai = 00:30 UTC
    assert path.exists() and scheduler.tick()[0].next_run == at(1, 0, 30)
    clock.set(datetime(2026, 4, 1, 12, tzinfo=UTC))
    assert scheduler.tick()[0].action == "started"  # the last run inside the period was missed: it runs once
    assert scheduler.tick()[0].action == "expired"
    assert len(launcher.runs) == 1


def test_invalid_files_are_reported_not_run(store: Store, tmp_path: Path, clock: FakeClock) -> None:
    write_task(tmp_path)
    (tmp_path / "broken.yaml").write_text("id: TASK-2026-102\nname: x\nfrequency: nonsense\n", encoding="utf-8")
    scheduler = make(store, tmp_path, clock, RecordingLauncher())
    assert [task_id for task_id, _, _ in scheduler.next_runs()] == [TASK]
    assert any("broken.yaml:3: frequency" in p for p in scheduler.problems)


def test_a_run_that_dies_is_marked_failed_and_unlocked(store: Store, tmp_path: Path, clock: FakeClock) -> None:
    write_task(tmp_path, frequency="*/10 * * * *")
    launcher = RecordingLauncher()
    scheduler = make(store, tmp_path, clock, launcher)
    clock.set(at(2, 0, 0))
    scheduler.tick()
    clock.set(at(2, 0, 10))
    scheduler.tick()
    launcher.runs[0].code = -9  # killed before it closed its job
    assert scheduler.reap() == [launcher.runs[0].job_id]
    job = store.crawl_jobs.find_one({"_id": launcher.runs[0].job_id})
    assert job["status"] == "failed" and "code -9" in job["errors"][0]
    assert Leases(store.db, clock).holder(TASK) is None
