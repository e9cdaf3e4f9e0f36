"""Monitoring tasks from the console: list them with their last and next run, run one now,
schedule a run at a given time, cancel a run, and read a job's live progress.

A run started here is the same child process the scheduler starts (`wangjian task run`,
via crawler.scheduler.SubprocessLauncher) with progress recorded every second; the
scheduler's own bookkeeping (leases, reaping runs that died) keeps them honest."""

from __future__ import annotations

import subprocess
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from crawler.jobs import FAILED, JobLog, new_job_id
from crawler.scheduler import Leases, Scheduler, SubprocessLauncher
from crawler.tasks import MonitoringTask
from store.database import Store
from store.models import utcnow

CANCELLED = "cancelled"
PROGRESS_INTERVAL_SECONDS = 1.0


class RunError(Exception):
    """A run that cannot be started, scheduled or cancelled as asked."""


@dataclass
class TaskRow:
    task: MonitoringTask
    path: Path
    next_run: datetime | None
    last_job: dict[str, Any] | None
    running_job: str | None


class TaskRuns:
    def __init__(self, store: Store, tasks_dir: Path, mongo_uri: str, log_dir: Path) -> None:
        self.store = store
        self.jobs = JobLog(store.db)
        self.leases = Leases(store.db)
        launcher = SubprocessLauncher(
            mongo_uri, store.db.name, log_dir, trigger="console",
            settings={"JOB_PROGRESS_INTERVAL": str(PROGRESS_INTERVAL_SECONDS)},
        )  # fmt: skip
        self.scheduler = Scheduler(store.db, tasks_dir, launcher)
        self._lock = threading.Lock()

    @property
    def problems(self) -> list[str]:
        return self.scheduler.problems

    def rows(self) -> list[TaskRow]:
        now = utcnow()
        rows = []
        for task, path in self.scheduler.load():
            rows.append(TaskRow(task, path, self.scheduler.plan(task, now), self.jobs.latest(task.id),
                                self.leases.holder(task.id)))  # fmt: skip
        return rows

    def find(self, task_id: str) -> tuple[MonitoringTask, Path]:
        for task, path in self.scheduler.load():
            if task.id == task_id:
                return task, path
        raise RunError(f"no valid task {task_id!r}")

    def run_now(self, task_id: str) -> str:
        """Start a run now; returns its job id."""
        task, path = self.find(task_id)
        with self._lock:
            job_id = new_job_id()
            # Taken here, as the scheduler does, so a second click cannot start a second run;
            # the run renews the lease it finds held under its own job id.
            if not self.leases.acquire(task.id, job_id):
                raise RunError(f"task {task.id} is already running as job {self.leases.holder(task.id)}")
            self.jobs.create(job_id, task.id, task_name=task.name, trigger="console", expected_parts=len(task.targets))
            try:
                self.scheduler.running[job_id] = (task.id, self.scheduler.launcher(task, path, job_id))
            except OSError as exc:
                self.leases.release(task.id, job_id)
                self.jobs.add_error(job_id, f"launch failed: {exc}")
                self.jobs.finish(job_id, FAILED)
                raise RunError(f"could not start task {task.id}: {exc}") from exc
        return job_id

    def schedule(self, task_id: str, at: datetime) -> None:
        """Make `at` the task's next run (the `wangjian schedule` service starts it then)."""
        task, _ = self.find(task_id)
        now = utcnow()
        if at <= now:
            raise RunError("the scheduled time is in the past; use run now")
        start, end = task.window()
        if not start <= at < end:
            raise RunError(f"{at.isoformat()} is outside the task period {task.period.start} – {task.period.end}")
        self.scheduler.plan(task, now)
        self.store.db["schedule_state"].update_one({"_id": task.id}, {"$set": {"next_run": at}})

    def unschedule(self, task_id: str) -> datetime | None:
        """Drop a next run set by hand: back to the task's own frequency. Returns the next run."""
        task, _ = self.find(task_id)
        self.store.db["schedule_state"].update_one({"_id": task.id}, {"$unset": {"signature": ""}})
        return self.scheduler.plan(task, utcnow())

    def cancel(self, job_id: str, by: str) -> None:
        """Stop a run this console started and close its job as cancelled."""
        with self._lock:
            entry = self.scheduler.running.pop(job_id, None)
        if entry is None:
            job = self.jobs.get(job_id)
            if job is None:
                raise RunError(f"no job {job_id!r}")
            if job.get("status") != "running":
                raise RunError(f"job {job_id} is not running ({job.get('status')})")
            raise RunError(f"job {job_id} was not started by this console; stop it where it runs")
        task_id, handle = entry
        handle.terminate()
        try:
            handle.wait(20)
        except subprocess.TimeoutExpired:  # a child that ignores SIGTERM is killed
            handle.kill()
            handle.wait()
        self.jobs.add_error(job_id, f"cancelled by {by}")
        self.jobs.finish(job_id, CANCELLED)
        self.leases.release(task_id, job_id)

    def reap(self) -> list[str]:
        with self._lock:
            return self.scheduler.reap()

    def stop_all(self) -> None:
        for job_id in list(self.scheduler.running):
            self.cancel(job_id, "console shutdown")
