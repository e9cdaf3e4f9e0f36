"""`wangjian schedule`: the long-running scheduler (crawler.scheduler) for a directory of
task files, with its state in MongoDB."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from cli import CliError
from cli.options import add_db_option


def register(sub: Any) -> None:
    parser = sub.add_parser("schedule", help="run tasks by their frequency within their period (long-running)")
    parser.add_argument("tasks", nargs="?", type=Path, default=Path("tasks"), help="task file or directory")
    add_db_option(parser)
    parser.add_argument("--show", action="store_true", help="print the next run of every task and exit")
    parser.add_argument("--once", action="store_true", help="start what is due now, wait for it, exit")
    parser.add_argument("--log-dir", type=Path, help="keep each run's output here (default: var/runs)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cli.options import mongo_uri
    from cli.task_cmd import validation_context
    from crawler.scheduler import Scheduler, SubprocessLauncher
    from store.database import Store, var_dir

    if not args.tasks.exists():
        raise CliError(f"no task file or directory {args.tasks}")
    uri = mongo_uri()
    store = Store(uri, args.db)
    launcher = SubprocessLauncher(uri, args.db, args.log_dir or var_dir() / "runs")
    scheduler = Scheduler(store.db, args.tasks, launcher, context=validation_context())
    try:
        show(scheduler)
        if args.show:
            return 0
        while True:
            for event in scheduler.tick():
                if event.action in ("started", "skipped-running", "invalid"):
                    when = f"next {event.next_run:%Y-%m-%d %H:%M %Z}" if event.next_run else "no further run"
                    print(f"{event.at:%Y-%m-%d %H:%M:%S} {event.task_id} {event.action} {event.job_id or ''} "
                          f"{event.detail} ({when})", flush=True)  # fmt: skip
            if args.once:
                while scheduler.running:
                    time.sleep(1)
                    scheduler.reap()
                return 0
            time.sleep(scheduler.sleep_seconds())
    except KeyboardInterrupt:
        return 130
    finally:
        store.close()


def show(scheduler: Any) -> None:
    for problem in scheduler.problems:
        print(f"invalid task file: {problem}")
    for task_id, name, next_run in scheduler.next_runs():
        when = next_run.strftime("%Y-%m-%d %H:%M %Z") if next_run else "period over"
        print(f"{task_id:<15} next run {when:<22} {name}", flush=True)
