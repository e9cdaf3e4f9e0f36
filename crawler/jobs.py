"""Crawl job records (collection `crawl_jobs`): one document per run of a task or crawl.

A job has one *part* per crawler process that worked on it (one per platform of a task
run; one per worker when several scrapy-redis workers share a job). `JobRecorder` is the
Scrapy extension that writes the parts, so a crawl started by `wangjian task run`, by
scrapyd or by a worker on another machine is recorded the same way. The job is finished
by whoever manages it: `wangjian task run` for its own runs, otherwise the last part to
close once the expected number of parts has closed.

Every job and part records the process working on it (host, pid and the process's start
time, so a recycled pid is not mistaken for it). A job still `running` whose processes on
this host are all gone was killed or crashed: `JobLog.fail_dead_jobs()` marks it failed
with that reason and frees its task's lease. It runs before a crawl starts, on every
scheduler tick and whenever jobs are listed."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from pymongo import DESCENDING
from pymongo.collection import Collection
from pymongo.database import Database
from pymongo.errors import PyMongoError
from scrapy.crawler import Crawler

from crawler.drift import field_shares
from store.models import utcnow

log = logging.getLogger(__name__)

# Scrapy stats behind the job's headline counts.
COUNTS = {
    "pages": "downloader/response_count",
    "items": "item_scraped_count",
    "clues_new": "wangjian/clues/new",
    "clues_updated": "wangjian/clues/updated",
    "errors": "log_count/ERROR",
}
RUNNING, FINISHED, FAILED = "running", "finished", "failed"
CLEAN_FINISH = ("finished", "closespider_itemcount", "closespider_pagecount", "closespider_timeout")


def process_start_time(pid: int) -> float | None:
    """When `pid` started (epoch seconds, from /proc), or None when it is not running."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = next(line for line in Path("/proc/stat").read_text().splitlines() if line.startswith("btime "))
    except (OSError, StopIteration):
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
    if fields[0] in ("Z", "X"):
        return None  # exited, not yet reaped
    return int(boot.split()[1]) + int(fields[19]) / os.sysconf("SC_CLK_TCK")


def this_process() -> dict[str, Any]:
    return {"host": socket.gethostname(), "pid": os.getpid(), "pid_started": process_start_time(os.getpid())}


def process_alive(record: dict[str, Any]) -> bool | None:
    """Whether the process a job or part recorded still runs: None when it ran on another
    host (not knowable from here)."""
    if record.get("host") != socket.gethostname() or not record.get("pid"):
        return None
    started = process_start_time(int(record["pid"]))
    if started is None:
        return False
    recorded = record.get("pid_started")
    return recorded is None or abs(started - float(recorded)) < 2.0


def new_job_id(now: datetime | None = None) -> str:
    return f"JOB-{(now or utcnow()):%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}"


def storable_stats(stats: dict[str, Any]) -> dict[str, Any]:
    """Scrapy stats as a MongoDB document: dots in keys (exception class paths) would read
    as sub-documents, so they become underscores; odd values become strings."""
    out: dict[str, Any] = {}
    for key, value in stats.items():
        if not isinstance(value, (int, float, str, bool, datetime, type(None))):
            value = str(value)
        out[key.replace(".", "_").replace("$", "_")] = value
    return out


def counts_of(stats: dict[str, Any]) -> dict[str, int]:
    return {name: int(stats.get(key, 0) or 0) for name, key in COUNTS.items()}


def _summed(parts: list[dict[str, Any]]) -> dict[str, Any]:
    total: dict[str, Any] = {}
    for part in parts:
        for key, value in (part.get("stats") or {}).items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                total[key] = total.get(key, 0) + value
    return total


def job_stats(job: dict[str, Any]) -> dict[str, Any]:
    """A job's crawl stats: the totals recorded when it closed, or, while it runs, the live
    sum of its parts' stats (so field shares and drift alarms show before the job ends)."""
    if job.get("stats") and job.get("status") != RUNNING:
        return job["stats"]
    return _summed(list((job.get("parts") or {}).values()))


class JobLog:
    """Reads and writes `crawl_jobs`."""

    def __init__(self, db: Database[dict[str, Any]]) -> None:
        self.jobs: Collection[dict[str, Any]] = db["crawl_jobs"]

    def ensure_indexes(self) -> None:
        self.jobs.create_index([("task_id", 1), ("started_at", DESCENDING)], name="task")
        self.jobs.create_index([("started_at", DESCENDING)], name="started_at")

    def create(
        self,
        job_id: str,
        task_id: str | None,
        *,
        task_name: str | None = None,
        trigger: str = "manual",
        managed: bool = True,
        expected_parts: int = 1,
        scheduled_for: datetime | None = None,
    ) -> None:
        """Create the job, or complete it when its launcher created it already (a scheduled
        run is created by the scheduler, then by the run itself)."""
        now = utcnow()
        runner = this_process()  # the latest process to take the job on (the run, after its scheduler)
        fields = {"task_id": task_id, "task_name": task_name, "trigger": trigger, "managed": managed,
                  "expected_parts": expected_parts, "scheduled_for": scheduled_for, "runner": runner}  # fmt: skip
        self.jobs.update_one(
            {"_id": job_id},
            {
                "$set": {k: v for k, v in fields.items() if v is not None},
                "$setOnInsert": {"status": RUNNING, "started_at": now, "host": runner["host"],
                                 "pid": runner["pid"], "parts": {}, "errors": []},
            },
            upsert=True,
        )  # fmt: skip

    def part_opened(self, job_id: str, part: str, spider: str, task_id: str | None) -> None:
        now, me = utcnow(), this_process()
        self.jobs.update_one(
            {"_id": job_id},
            {
                "$set": {f"parts.{part}": {"spider": spider, **me, "started_at": now, "ended_at": None,
                                           "finish_reason": None, "stats": {}},
                         "status": RUNNING, "ended_at": None},
                "$setOnInsert": {"task_id": task_id, "started_at": now, "trigger": "crawl", "managed": False,
                                 "expected_parts": 1, "errors": [], "host": me["host"], "pid": me["pid"]},
            },
            upsert=True,
        )  # fmt: skip

    def part_progress(self, job_id: str, part: str, stats: dict[str, Any]) -> None:
        self.jobs.update_one({"_id": job_id}, {"$set": {f"parts.{part}.stats": storable_stats(stats)}})

    def part_closed(self, job_id: str, part: str, stats: dict[str, Any], reason: str) -> None:
        self.jobs.update_one(
            {"_id": job_id},
            {"$set": {f"parts.{part}.stats": storable_stats(stats), f"parts.{part}.ended_at": utcnow(),
                      f"parts.{part}.finish_reason": reason}},
        )  # fmt: skip
        job = self.jobs.find_one({"_id": job_id}) or {}
        parts = list((job.get("parts") or {}).values())
        closed = [p for p in parts if p.get("ended_at")]
        if not job.get("managed") and len(closed) == len(parts) and len(closed) >= job.get("expected_parts", 1):
            self.finish(job_id)

    def add_error(self, job_id: str, message: str) -> None:
        self.jobs.update_one({"_id": job_id}, {"$push": {"errors": message}})

    def finish(self, job_id: str, status: str | None = None) -> dict[str, Any]:
        """Close the job: summed stats, headline counts, status (failed when a part did not
        finish cleanly or an error was recorded, unless `status` says otherwise)."""
        job = self.jobs.find_one({"_id": job_id})
        if job is None:
            raise KeyError(job_id)
        parts = list((job.get("parts") or {}).values())
        stats = _summed(parts)
        if status is None:
            clean = parts and all(p.get("finish_reason") in CLEAN_FINISH for p in parts)
            status = FINISHED if clean and not job.get("errors") else FAILED
        update = {"status": status, "ended_at": utcnow(), "stats": stats, "counts": counts_of(stats),
                  "field_shares": field_shares(stats)}  # fmt: skip
        self.jobs.update_one({"_id": job_id}, {"$set": update})
        return {**job, **update}

    def fail_dead_jobs(self) -> list[str]:
        """Mark failed every running job whose processes on this host have all died without
        closing it (kill -9, crash, power loss), and free its task's lease so the next run
        can start at once. A managed job counts its runner and its open parts; another
        job only its open parts (its launcher exits by design). Jobs with a process on
        another host, or none recorded yet, are left alone. Returns the ids marked."""
        failed = []
        for job in self.jobs.find({"status": RUNNING}, {"stats": 0}):
            open_parts = [p for p in (job.get("parts") or {}).values() if not p.get("ended_at")]
            processes = open_parts + ([job.get("runner") or job] if job.get("managed", True) else [])
            verdicts = [process_alive(p) for p in processes]
            if not verdicts or any(v is not False for v in verdicts):
                continue
            pids = ", ".join(sorted({str(p.get("pid")) for p in processes}))
            reason = f"process {pids} on {processes[0].get('host')} ended without closing the job (killed or crashed)"
            claimed = self.jobs.update_one(
                {"_id": job["_id"], "status": RUNNING}, {"$set": {"status": FAILED}, "$push": {"errors": reason}}
            )
            if claimed.modified_count:
                self.finish(job["_id"], FAILED)
                self.jobs.database["schedule_state"].update_many({"lease.owner": job["_id"]}, {"$set": {"lease": None}})
                failed.append(job["_id"])
                log.warning("crawl job %s marked failed: its process %s is gone", job["_id"], pids)
        return failed

    def get(self, job_id: str) -> dict[str, Any] | None:
        return self.jobs.find_one({"_id": job_id})

    def latest(self, task_id: str) -> dict[str, Any] | None:
        return self.jobs.find_one({"task_id": task_id}, sort=[("started_at", DESCENDING)])


class JobRecorder:
    """Scrapy extension: records this crawler as a part of the spider's job (spider
    argument `job_id`, set by the caller or by the clue pipeline). Crawls without a job id
    (e.g. extraction tests without pipelines) are not recorded. A database problem is
    logged, never allowed to stop the crawl."""

    def __init__(self, crawler: Crawler) -> None:
        from scrapy import signals

        self.crawler = crawler
        self.interval = crawler.settings.getfloat("JOB_PROGRESS_INTERVAL")
        self.part = f"{crawler.spidercls.name}-{uuid.uuid4().hex[:8]}"
        self.log: JobLog | None = None
        self.client: Any = None
        self.job_id: str | None = None
        self.loop: Any = None
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JobRecorder:
        return cls(crawler)

    def opened(self, spider: Any) -> None:
        from store.database import Store

        self.job_id = getattr(spider, "job_id", None)
        if not self.job_id:
            return
        try:
            store = Store.from_settings(self.crawler.settings)
            self.client, self.log = store.client, JobLog(store.db)
            self.log.fail_dead_jobs()
            self.log.part_opened(self.job_id, self.part, spider.name, getattr(spider, "task_id", None))
        except PyMongoError as exc:
            log.warning("crawl job %s not recorded: %s", self.job_id, exc)
            self.log = None
            return
        if self.interval > 0:
            from twisted.internet import task

            self.loop = task.LoopingCall(self._progress)
            self.loop.start(self.interval, now=False)

    def _progress(self) -> None:
        if self.log and self.job_id:
            try:
                self.log.part_progress(self.job_id, self.part, self.crawler.stats.get_stats())
            except PyMongoError as exc:
                log.warning("crawl job %s progress not recorded: %s", self.job_id, exc)

    def closed(self, spider: Any, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.log is None or not self.job_id:
            return
        stats = dict(self.crawler.stats.get_stats())
        stats.setdefault("finish_reason", reason)
        try:
            self.log.part_closed(self.job_id, self.part, stats, reason)
        except PyMongoError as exc:
            log.warning("crawl job %s end not recorded: %s", self.job_id, exc)
        finally:
            self.client.close()
