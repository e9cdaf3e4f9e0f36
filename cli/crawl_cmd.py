"""`wangjian crawl SPIDER`: one crawl with the full pipeline, like `scrapy crawl`, plus the
options a monitoring run needs (start points, ids, a machine-readable stats file)."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

from cli import CliError
from cli.options import add_settings_option, settings_from


def register(sub: Any) -> None:
    parser = sub.add_parser("crawl", help="crawl one platform with its spider into the clue store")
    parser.add_argument("spider", help="spider name (see `scrapy list`)")
    parser.add_argument("--start-url", action="append", default=[], help="shop, product or listing URL")
    parser.add_argument("--keyword", action="append", default=[], help="search keyword (needs --base-url)")
    parser.add_argument("--base-url", help="platform base URL for keyword search")
    parser.add_argument("--task-id")
    parser.add_argument("--job-id")
    add_settings_option(parser)
    parser.add_argument("--stats-json", type=Path, help="write the final crawl stats here as JSON")
    parser.set_defaults(func=run)


def spider_arguments(args: argparse.Namespace) -> dict[str, str]:
    kwargs = {}
    if args.start_url:
        kwargs["start_urls"] = ",".join(args.start_url)
    if args.keyword:
        kwargs["keywords"] = ",".join(args.keyword)
    for name in ("base_url", "task_id", "job_id"):
        if getattr(args, name):
            kwargs[name] = getattr(args, name)
    return kwargs


def run(args: argparse.Namespace) -> int:
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    settings = get_project_settings()
    settings.setdict(settings_from(args.set), priority="cmdline")
    process = CrawlerProcess(settings)
    try:
        crawler = process.create_crawler(args.spider)
    except KeyError:
        raise CliError(f"unknown spider {args.spider!r}") from None
    process.crawl(crawler, **spider_arguments(args))
    process.start()
    stats = crawler.stats.get_stats()
    if args.stats_json:
        args.stats_json.write_text(json.dumps(stats, default=str, ensure_ascii=False, indent=1), encoding="utf-8")
    return 1 if stats.get("finish_reason") not in ("finished", "closespider_itemcount") else 0
