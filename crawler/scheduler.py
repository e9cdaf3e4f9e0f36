"""Runs monitoring tasks by their cron expression inside their period.

State lives in MongoDB (collection `schedule_state`, one document per task) so a restart
loses nothing:

- `next_run`: the run the task is waiting for. When the scheduler finds it in the past
  (it was down, or busy), the task runs **once** and `next_run` moves to the first cron
  time after *now*: missed runs are coalesced, never replayed one by one.
- `lease`: `{owner: job_id, until}`. A run holds its task's lease and renews it while it
  works; a task whose lease is held is not started again (the due run is skipped and
  noted in `last_skip`). A lease whose holder died expires at `until`.
- `last_job`: the job id of the latest run the scheduler started.

Claiming a due run is a compare-and-set on `next_run`, so several schedulers on one
database start each run once. The clock and the launcher are injected: tests drive the
scheduler with a controllable clock and a launcher that does not crawl."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from pymongo import ReturnDocument
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import DuplicateKeyError

from crawler.jobs import JobLog, new_job_id
from crawler.tasks import MonitoringTask, TaskError, load_task, task_files

log = logging.getLogger(__name__)

LEASE_SECONDS = 120.0


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class Leases:
    """Single-run lock per task: a lease document field with an expiry."""

    def __init__(self, db: Database[dict[str, Any]], clock: Clock | None = None) -> None:
        self.state: Collection[dict[str, Any]] = db["schedule_state"]
        self.clock = clock or SystemClock()

    def acquire(self, task_id: str, owner: str, seconds: float = LEASE_SECONDS) -> bool:
        """Take the lease (or renew it when `owner` already holds it); False when another
        live owner holds it."""
        now = self.clock.now()
        free = {"$or": [{"lease": None}, {"lease.until": {"$lte": now}}, {"lease.owner": owner}]}
        lease = {"owner": owner, "until": now + timedelta(seconds=seconds), "taken_at": now}
        try:
            found = self.state.find_one_and_update(
                {"_id": task_id, **free}, {"$set": {"lease": lease}}, upsert=True, return_document=ReturnDocument.AFTER
            )
        except DuplicateKeyError:
            return False  # the document exists and its lease is held: the upsert collided
        return found is not None

    def renew(self, task_id: str, owner: str, seconds: float = LEASE_SECONDS) -> bool:
        until = self.clock.now() + timedelta(seconds=seconds)
        result = self.state.update_one({"_id": task_id, "lease.owner": owner}, {"$set": {"lease.until": until}})
        return result.matched_count == 1

    def release(self, task_id: str, owner: str) -> None:
        self.state.update_one({"_id": task_id, "lease.owner": owner}, {"$set": {"lease": None}})

    def holder(self, task_id: str) -> str | None:
        doc = self.state.find_one({"_id": task_id}, {"lease": 1}) or {}
        lease = doc.get("lease")
        if lease and lease["until"] > self.clock.now():
            return str(lease["owner"])
        return None


class Launcher(Protocol):
    def __call__(self, task: MonitoringTask, path: Path, job_id: str) -> Any:
        """Start one run of `task` as job `job_id`; return a handle with `poll()`."""


@dataclass
class SubprocessLauncher:
    """Runs `wangjian task run FILE --job-id ID` as a child process with the scheduler's
    database, so each run gets a fresh Twisted reactor."""

    mongo_uri: str
    database: str
    log_dir: Path | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    def __call__(self, task: MonitoringTask, path: Path, job_id: str) -> subprocess.Popen[bytes]:
        cmd = [sys.executable, "-m", "cli", "task", "run", str(path), "--job-id", job_id,
               "--trigger", "schedule", "--db", self.database, "--quiet"]  # fmt: skip
        env = {**os.environ, **self.extra_env, "MONGO_URI": self.mongo_uri}
        output: Any = subprocess.DEVNULL
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            output = open(self.log_dir / f"{job_id}.log", "wb")  # noqa: SIM115 - owned by the child
        try:
            return subprocess.Popen(cmd, env=env, stdout=output, stderr=subprocess.STDOUT)
        finally:
            if output is not subprocess.DEVNULL:
                output.close()


@dataclass
class Event:
    """What one tick did for a task (for the console and for tests)."""

    task_id: str
    action: str  # started | skipped-running | expired | waiting | invalid
    at: datetime
    job_id: str | None = None
    next_run: datetime | None = None
    detail: str = ""


class Scheduler:
    def __init__(
        self,
        db: Database[dict[str, Any]],
        tasks: Path,
        launcher: Launcher | Callable[..., Any],
        clock: Clock | None = None,
        lease_seconds: float = LEASE_SECONDS,
        context: dict[str, Any] | None = None,
    ) -> None:
        self.db = db
        self.tasks_path = tasks
        self.launcher = launcher
        self.clock = clock or SystemClock()
        self.lease_seconds = lease_seconds
        self.context = context
        self.state: Collection[dict[str, Any]] = db["schedule_state"]
        self.leases = Leases(db, self.clock)
        self.jobs = JobLog(db)
        self.running: dict[str, Any] = {}  # job id -> handle of runs this scheduler started
        self.problems: list[str] = []

    def load(self) -> list[tuple[MonitoringTask, Path]]:
        """Every valid task file; invalid ones are reported in `problems` and left out."""
        tasks, self.problems = [], []
        for path in task_files(self.tasks_path):
            try:
                tasks.append((load_task(path, self.context), path))
            except TaskError as exc:
                self.problems += exc.problems
        return tasks

    def plan(self, task: MonitoringTask, now: datetime) -> datetime | None:
        """The task's `next_run`, creating or refreshing its state when the task is new or
        its frequency or period changed."""
        signature = {"frequency": task.frequency, "timezone": task.timezone,
                     "period": [task.period.start.isoformat(), task.period.end.isoformat()]}  # fmt: skip
        doc = self.state.find_one({"_id": task.id})
        if doc is not None and doc.get("signature") == signature and "next_run" in doc:
            return doc["next_run"]
        next_run = task.next_run_after(now)
        self.state.update_one(
            {"_id": task.id},
            {"$set": {"signature": signature, "next_run": next_run, "name": task.name},
             "$setOnInsert": {"lease": None}},
            upsert=True,
        )  # fmt: skip
        return next_run

    def tick(self) -> list[Event]:
        """Reap finished runs, then start every task whose run is due."""
        self.reap()
        now = self.clock.now()
        events = []
        for task, path in self.load():
            events.append(self._consider(task, path, now))
        return events

    def _consider(self, task: MonitoringTask, path: Path, now: datetime) -> Event:
        due = self.plan(task, now)
        if due is None:
            return Event(task.id, "expired", now)
        if due > now:
            return Event(task.id, "waiting", now, next_run=due)
        following = task.next_run_after(now)
        claimed = self.state.find_one_and_update(
            {"_id": task.id, "next_run": due}, {"$set": {"next_run": following}}, return_document=ReturnDocument.AFTER
        )
        if claimed is None:
            return Event(task.id, "waiting", now, next_run=following, detail="claimed by another scheduler")
        job_id = new_job_id(now)
        if not self.leases.acquire(task.id, job_id, self.lease_seconds):
            holder = self.leases.holder(task.id)
            skip = {"at": now, "due": due, "running_job": holder}
            self.state.update_one({"_id": task.id}, {"$set": {"last_skip": skip}})
            log.warning("task %s due at %s skipped: job %s still running", task.id, due, holder)
            return Event(task.id, "skipped-running", now, next_run=following, detail=f"job {holder} still running")
        self.jobs.create(job_id, task.id, task_name=task.name, trigger="schedule", scheduled_for=due,
                         expected_parts=len(task.targets))  # fmt: skip
        self.state.update_one({"_id": task.id}, {"$set": {"last_job": job_id, "last_started": now}})
        try:
            self.running[job_id] = (task.id, self.launcher(task, path, job_id))
        except OSError as exc:
            self.leases.release(task.id, job_id)
            self.jobs.add_error(job_id, f"launch failed: {exc}")
            self.jobs.finish(job_id, "failed")
            return Event(task.id, "invalid", now, job_id=job_id, detail=str(exc))
        late = (now - due).total_seconds()
        detail = f"due {due.isoformat()}, {late:.0f}s late (missed runs coalesced)" if late > 60 else ""
        return Event(task.id, "started", now, job_id=job_id, next_run=following, detail=detail)

    def reap(self) -> list[str]:
        """Renew the leases of live runs and forget runs that have ended; a run that died
        without closing its job has its job marked failed and its lease released."""
        ended = []
        for job_id, (task_id, handle) in list(self.running.items()):
            code = handle.poll()
            if code is None:
                self.leases.renew(task_id, job_id, self.lease_seconds)  # alive: keep its task locked
                continue
            del self.running[job_id]
            ended.append(job_id)
            job = self.jobs.get(job_id) or {}
            if job.get("status") == "running":
                self.jobs.add_error(job_id, f"run exited with code {code} before closing its job")
                self.jobs.finish(job_id, "failed")
            self.leases.release(task_id, job_id)
        return ended

    def next_runs(self) -> list[tuple[str, str, datetime | None]]:
        """(task id, name, next run in the task's time zone) for every valid task, planning new ones."""
        now = self.clock.now()
        runs = [(task, self.plan(task, now)) for task, _ in self.load()]
        return [(task.id, task.name, when.astimezone(task.zone) if when else None) for task, when in runs]

    def sleep_seconds(self, ceiling: float = 30.0) -> float:
        """How long the loop may sleep: until the earliest next run, at most `ceiling`."""
        now = self.clock.now()
        upcoming = [d["next_run"] for d in self.state.find({"next_run": {"$ne": None}}, {"next_run": 1})]
        if not upcoming:
            return ceiling
        return max(0.5, min(ceiling, (min(upcoming) - now).total_seconds()))
