"""One run of a monitoring task in this process: every target's spider in one Scrapy
process, under the task's lease, recorded as one job in `crawl_jobs`."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

from crawler.jobs import COUNTS, JobLog, counts_of
from crawler.scheduler import LEASE_SECONDS, Leases
from crawler.tasks import MonitoringTask


class AlreadyRunning(Exception):
    """The task's lease is held by another live run."""


@dataclass
class Progress:
    """Prints pages, items, clues, errors and elapsed time while a run works."""

    out: TextIO = sys.stderr
    interval: float = 1.0
    started: float = field(default_factory=time.monotonic)
    _last_line: float = 0.0

    def line(self, stats: dict[str, int]) -> str:
        elapsed = time.monotonic() - self.started
        return (
            f"pages {stats['pages']}  items {stats['items']}  clues {stats['clues_new']} new"
            f" {stats['clues_updated']} updated  errors {stats['errors']}  elapsed {elapsed:.0f}s"
        )

    def show(self, stats: dict[str, int], final: bool = False) -> None:
        now = time.monotonic()
        if self.out.isatty():
            self.out.write("\r" + self.line(stats) + ("\n" if final else ""))
        elif final or now - self._last_line >= 10:
            self.out.write(self.line(stats) + "\n")
            self._last_line = now
        self.out.flush()


def run_task(
    task: MonitoringTask,
    db: Any,
    job_id: str,
    *,
    trigger: str = "manual",
    extra_settings: dict[str, Any] | None = None,
    progress: Progress | None = None,
    on_job: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Crawl every target of `task` now; return the finished job document."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings
    from twisted.internet import task as twisted_task

    leases, jobs = Leases(db), JobLog(db)
    jobs.fail_dead_jobs()  # a killed earlier run must not hold the task's lease
    if not leases.acquire(task.id, job_id, LEASE_SECONDS):
        raise AlreadyRunning(f"task {task.id} is already running as job {leases.holder(task.id)}")
    try:
        jobs.create(job_id, task.id, task_name=task.name, trigger=trigger, expected_parts=len(task.targets))
        if on_job:
            on_job(job_id)
        os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
        settings = get_project_settings()
        if progress:
            settings.set("LOG_LEVEL", "WARNING", priority="cmdline")  # the progress line replaces the INFO log
        for name, value in {**task.crawl_settings(), **(extra_settings or {})}.items():
            settings.set(name, value, priority="cmdline")
        process = CrawlerProcess(settings)
        crawlers = []
        for target in task.targets:
            try:
                crawler = process.create_crawler(target.platform)
            except KeyError:
                jobs.add_error(job_id, f"no spider for platform {target.platform!r}")
                continue
            crawlers.append(crawler)
            deferred = process.crawl(crawler, **task.spider_arguments(target, job_id))
            deferred.addErrback(lambda failure, p=target.platform: jobs.add_error(job_id, f"{p}: {failure.value}"))

        def totals() -> dict[str, int]:
            summed = {name: 0 for name in COUNTS}
            for crawler in crawlers:
                for name, value in counts_of(crawler.stats.get_stats() if crawler.stats else {}).items():
                    summed[name] += value
            return summed

        last_renewal = time.monotonic()

        def heartbeat() -> None:
            nonlocal last_renewal
            if time.monotonic() - last_renewal >= LEASE_SECONDS / 4:
                leases.renew(task.id, job_id, LEASE_SECONDS)
                last_renewal = time.monotonic()
            if progress:
                progress.show(totals())

        loop = twisted_task.LoopingCall(heartbeat)
        if crawlers:
            loop.start(progress.interval if progress else 5.0, now=False)
            process.start()
        if loop.running:
            loop.stop()
        if progress:
            progress.show(totals(), final=True)
        return jobs.finish(job_id)
    finally:
        leases.release(task.id, job_id)
