"""`wangjian demo`: the main job on embedded defaults — serve the fixture platforms, crawl
each with every rule pack into MongoDB (embedded unless MONGO_URI is set), print a summary."""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

from crawler.cli import CliError


def register(sub: Any) -> None:
    parser = sub.add_parser("demo", help="crawl the fixture platforms with all packs and summarise the clues")
    parser.add_argument("--platform", action="append", help="only these platforms (default: all)")
    parser.add_argument("--scale", type=int, default=1, help="fixture world size (1 = test size)")
    parser.set_defaults(func=run)


def crawl_platforms(uri: str, server: Any, platforms: list[str], job_prefix: str) -> dict[str, dict[str, Any]]:
    """Crawl each platform with its spider in one Scrapy process; return stats per platform."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    settings = get_project_settings()
    settings.set("MONGO_URI", uri)
    settings.set("LOG_LEVEL", "WARNING")
    process = CrawlerProcess(settings)
    crawlers = {}
    for platform in platforms:
        crawler = process.create_crawler(platform)
        crawlers[platform] = crawler
        process.crawl(crawler, start_urls=",".join(server.start_urls(platform)), job_id=f"{job_prefix}-{platform}")
    process.start()
    return {platform: crawler.stats.get_stats() for platform, crawler in crawlers.items()}


def run(args: argparse.Namespace) -> int:
    from fixtures.server import FixtureServer
    from fixtures.world import build_world
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    from pipelines.embedded_mongo import EmbeddedMongoError, mongo_uri
    from pipelines.models import utcnow
    from pipelines.store import Store, var_dir
    from pipelines.summary import clue_counts

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    spiders = set(SpiderLoader.from_settings(get_project_settings()).list())
    world = build_world(scale=args.scale)
    wanted = args.platform or sorted(world.platforms)
    missing = [p for p in wanted if p not in spiders]
    if missing:
        raise CliError(f"no spider for platform(s): {', '.join(missing)}")
    job_prefix = f"DEMO-{utcnow():%Y%m%d%H%M%S}"
    started = time.monotonic()
    try:
        with mongo_uri(var_dir()) as uri, FixtureServer(world=world) as server:
            print(f"fixture platforms: {server.base_url}   database: {uri}")
            stats = crawl_platforms(uri, server, wanted, job_prefix)
            store = Store(uri)
            try:
                this_run = clue_counts(store, {"job_id": {"$regex": f"^{job_prefix}-"}})
                all_time = store.clues.count_documents({})
                evidence = store.evidence.count_documents({})
                artifacts = store.db["artifacts.files"].count_documents({})
            finally:
                store.close()
    except EmbeddedMongoError as exc:
        raise CliError(str(exc)) from exc
    print_summary(stats, this_run, all_time, evidence, artifacts, time.monotonic() - started)
    return 0


def print_summary(
    stats: dict[str, dict[str, Any]],
    counts: dict[str, dict[str, int]],
    all_time: int,
    evidence: int,
    artifacts: int,
    elapsed: float,
) -> None:
    print("\ncrawl                pages  items  clues(new/updated)  errors")
    for platform, s in stats.items():
        errors = sum(v for k, v in s.items() if k.startswith("log_count/ERROR") or k.startswith("spider_exceptions"))
        print(
            f"  {platform:<16} {s.get('response_received_count', 0):>6} {s.get('item_scraped_count', 0):>6}"
            f"   {s.get('wangjian/clues/new', 0):>6}/{s.get('wangjian/clues/updated', 0):<6}      {errors:>4}"
        )
    for axis, values in counts.items():
        print(f"\nclues seen this run by {axis}:")
        for value, n in sorted(values.items(), key=lambda kv: -kv[1]):
            print(f"  {value:<28} {n:>5}")
    db = "MONGO_URI" if os.environ.get("MONGO_URI") else f"embedded MongoDB in {os.path.join('var', 'mongo')}"
    print(
        f"\n{all_time} clues in total in collection `clues`; evidence: {evidence} records in `evidence`, "
        f"{artifacts} artifacts (raw bodies, headers, screenshots) in GridFS bucket `artifacts`, "
        f"all in {db}. Elapsed {elapsed:.1f}s."
    )
