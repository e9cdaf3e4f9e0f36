"""`wangjian task validate|run|list|schema`: monitoring task files (Annex A form)."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cli import CliError
from cli.options import add_db_option, add_settings_option, mongo_uri, settings_from

DEFAULT_TASKS = "tasks"


def register(sub: Any) -> None:
    parser = sub.add_parser("task", help="monitoring tasks: validate, run now, list with last and next run")
    commands = parser.add_subparsers(dest="task_command", required=True, metavar="ACTION")

    p = commands.add_parser("validate", help="check task files (errors name file, line and field)")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="task file or directory of them")
    p.set_defaults(func=validate)

    p = commands.add_parser("run", help="run one task now, with progress")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--job-id", help="job id to record the run under (default: a new one)")
    p.add_argument("--trigger", default="manual", choices=["manual", "schedule", "console"], help=argparse.SUPPRESS)
    add_db_option(p)
    add_settings_option(p)
    p.add_argument("--scrapyd", metavar="URL", help="schedule the crawls on this scrapyd instead of running here")
    p.add_argument("--project", default="wangjian", help="scrapyd project name")
    p.add_argument("--quiet", action="store_true", help="no progress display")
    p.set_defaults(func=run)

    p = commands.add_parser("list", help="tasks with their last run, next run and last result")
    p.add_argument("tasks", nargs="?", type=Path, default=Path(DEFAULT_TASKS), help="task file or directory")
    add_db_option(p)
    p.set_defaults(func=list_tasks)

    p = commands.add_parser("schema", help="print the JSON Schema of task files")
    p.set_defaults(func=schema)


def validation_context() -> dict[str, Any]:
    """Known spiders, rule families and packs, so a task naming others fails validation."""
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    from rules import load_ruleset

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    settings = get_project_settings()
    ruleset = load_ruleset(Path(settings["RULE_PACKS_DIR"])) if settings.get("RULE_PACKS_DIR") else load_ruleset()
    return {
        "platforms": set(SpiderLoader.from_settings(settings).list()),
        "families": ruleset.families,
        "packs": {p.id for p in ruleset.packs},
    }


def load(path: Path, context: dict[str, Any] | None = None) -> Any:
    from crawler.tasks import TaskError, load_task

    try:
        return load_task(path, context if context is not None else validation_context())
    except TaskError as exc:
        raise CliError("invalid task file\n" + str(exc)) from None


def validate(args: argparse.Namespace) -> int:
    from crawler.tasks import TaskError, load_task, task_files

    context = validation_context()
    bad = 0
    for where in args.files:
        for path in task_files(where):
            try:
                task = load_task(path, context)
            except TaskError as exc:
                bad += 1
                print(exc, file=sys.stderr)
                continue
            print(f"{path}: ok  {task.id}  {task.name}")
    return 1 if bad else 0


def _database(name: str) -> Any:
    from store.database import Store

    return Store(mongo_uri(), name)


def run(args: argparse.Namespace) -> int:
    from crawler.jobs import new_job_id
    from crawler.runner import AlreadyRunning, Progress, run_task

    task = load(args.file)
    extra = settings_from(args.set)
    job_id = args.job_id or new_job_id()
    store = _database(args.db)
    try:
        if args.scrapyd:
            return _run_on_scrapyd(task, store, job_id, args, extra)
        # The crawl writes where this command reads: the same server and database.
        extra.setdefault("MONGO_URI", mongo_uri())
        extra.setdefault("MONGO_DATABASE", store.db.name)
        progress = None if args.quiet else Progress()
        if progress:
            print(f"{task.id} {task.name}: job {job_id}", file=sys.stderr)
        try:
            job = run_task(task, store.db, job_id, trigger=args.trigger, extra_settings=extra, progress=progress)
        except AlreadyRunning as exc:
            raise CliError(str(exc)) from None
    finally:
        store.close()
    counts = job.get("counts", {})
    print(
        f"{job_id} {job['status']}: {counts.get('pages', 0)} pages, {counts.get('items', 0)} items, "
        f"clues {counts.get('clues_new', 0)} new / {counts.get('clues_updated', 0)} updated, "
        f"{counts.get('errors', 0)} errors"
    )
    for error in job.get("errors", []):
        print(f"  error: {error}", file=sys.stderr)
    return 0 if job["status"] == "finished" else 1


def _run_on_scrapyd(task: Any, store: Any, job_id: str, args: argparse.Namespace, extra: dict[str, str]) -> int:
    from crawler.jobs import JobLog
    from crawler.scrapyd import ScrapydClient, ScrapydError

    settings = {**{k: str(v) for k, v in task.crawl_settings().items()}, **extra}
    settings.setdefault("MONGO_DATABASE", store.db.name)
    JobLog(store.db).create(job_id, task.id, task_name=task.name, trigger="scrapyd", managed=False,
                            expected_parts=len(task.targets))  # fmt: skip
    client = ScrapydClient(args.scrapyd)
    try:
        for target in task.targets:
            spider_args = task.spider_arguments(target, job_id)
            scrapyd_job = client.schedule(args.project, target.platform, spider_args, settings)
            print(f"{job_id}: {target.platform} scheduled on scrapyd as {scrapyd_job}")
    except ScrapydError as exc:
        raise CliError(str(exc)) from None
    return 0


def list_tasks(args: argparse.Namespace) -> int:
    from crawler.jobs import JobLog
    from crawler.tasks import TaskError, load_task, task_files

    if not args.tasks.exists():
        raise CliError(f"no task file or directory {args.tasks}")
    store = _database(args.db)
    try:
        jobs, state = JobLog(store.db), store.db["schedule_state"]
        jobs.fail_dead_jobs()
        now = datetime.now(UTC)
        print(f"{'task':<15} {'frequency':<15} {'last run':<17} {'next run':<17} last result  name")
        for path in task_files(args.tasks):
            try:
                task = load_task(path)
            except TaskError as exc:
                print(f"{path.name:<15} invalid: {exc.problems[0]}")
                continue
            job = jobs.latest(task.id)
            doc = state.find_one({"_id": task.id}) or {}
            next_run = doc["next_run"] if "next_run" in doc else task.next_run_after(now)
            print(
                f"{task.id:<15} {task.frequency:<15} {_when(job and job.get('started_at'), task):<17} "
                f"{_when(next_run, task) if next_run else '—':<17} {_result(job)}  {task.name}"
            )
            if shares := _field_shares(job):
                print(f"{'':<15} fields found: {shares}")
    finally:
        store.close()
    return 0


def _when(moment: datetime | None, task: Any) -> str:
    return moment.astimezone(task.zone).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _field_shares(job: dict[str, Any] | None) -> str:
    """Per platform, the share of product pages where title, price and shop were found in the
    last run, live while it runs (a drop is how a platform's markup change shows), with its
    drift alarms."""
    from crawler.drift import field_shares, format_shares
    from crawler.jobs import job_stats

    if not job:
        return ""
    stats = job_stats(job)
    shares = (job.get("status") != "running" and job.get("field_shares")) or field_shares(stats)
    alarms = int(stats.get("wangjian/drift/alerts", 0) or 0)
    text = format_shares(shares)
    return text + (f"  ⚠ {alarms} layout drift alarm(s)" if alarms and text else "")


def _result(job: dict[str, Any] | None) -> str:
    if not job:
        return "—"
    counts = job.get("counts") or {}
    if job.get("status") == "running":
        return "running"
    return f"{job.get('status')} ({counts.get('clues_new', 0)} new, {counts.get('clues_updated', 0)} updated)"


def schema(args: argparse.Namespace) -> int:
    from crawler.tasks import schema_text

    sys.stdout.write(schema_text())
    return 0
