"""A job whose process died (kill -9, crash) is marked failed with the reason and frees
its task's lease; live jobs, and jobs running on another host, are left alone."""

from __future__ import annotations

import os
import socket
import subprocess

from crawler.jobs import FAILED, RUNNING, JobLog, process_start_time, this_process
from crawler.scheduler import Leases
from store.database import Store


def dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_dead_runner_fails_the_job_and_frees_the_lease(store: Store) -> None:
    jobs, leases = JobLog(store.db), Leases(store.db)
    jobs.create("JOB-DEAD", "TASK-1")
    assert leases.acquire("TASK-1", "JOB-DEAD")
    store.crawl_jobs.update_one({"_id": "JOB-DEAD"}, {"$set": {"runner.pid": dead_pid()}})
    jobs.create("JOB-ALIVE", "TASK-2")
    jobs.create("JOB-ELSEWHERE", "TASK-3")
    store.crawl_jobs.update_one({"_id": "JOB-ELSEWHERE"}, {"$set": {"runner.host": "another-" + socket.gethostname()}})
    assert not leases.acquire("TASK-1", "JOB-NEXT")  # before: the dead run still holds the task

    assert jobs.fail_dead_jobs() == ["JOB-DEAD"]
    dead = jobs.get("JOB-DEAD")
    assert dead["status"] == FAILED and "ended without closing the job (killed or crashed)" in dead["errors"][0]
    assert jobs.get("JOB-ALIVE")["status"] == RUNNING and jobs.get("JOB-ELSEWHERE")["status"] == RUNNING
    assert leases.acquire("TASK-1", "JOB-NEXT")  # after: the next run starts at once
    assert jobs.fail_dead_jobs() == []  # marked once


def test_recycled_pid_is_not_mistaken_for_the_runner(store: Store) -> None:
    jobs = JobLog(store.db)
    jobs.create("JOB-OLD", "TASK-1")
    me = this_process()
    assert me["pid_started"] == process_start_time(os.getpid())
    # Same host and pid as a live process, but that process started later: not the runner.
    store.crawl_jobs.update_one({"_id": "JOB-OLD"}, {"$set": {"runner.pid_started": me["pid_started"] - 3600}})
    assert jobs.fail_dead_jobs() == ["JOB-OLD"]


def test_unmanaged_job_counts_only_its_open_parts(store: Store) -> None:
    jobs = JobLog(store.db)
    jobs.create("JOB-SCRAPYD", "TASK-1", managed=False, expected_parts=2)  # launcher exits at once by design
    store.crawl_jobs.update_one({"_id": "JOB-SCRAPYD"}, {"$set": {"runner.pid": dead_pid()}})
    assert jobs.fail_dead_jobs() == []  # no part opened yet: nothing to judge
    jobs.part_opened("JOB-SCRAPYD", "jd-1", "jd", "TASK-1")
    assert jobs.fail_dead_jobs() == []  # its part runs (in this process)
    store.crawl_jobs.update_one({"_id": "JOB-SCRAPYD"}, {"$set": {"parts.jd-1.pid": dead_pid()}})
    assert jobs.fail_dead_jobs() == ["JOB-SCRAPYD"]
