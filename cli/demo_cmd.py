"""`wangjian demo`: the main job on embedded defaults — serve the fixture platforms, crawl
each with every rule pack into MongoDB (embedded unless MONGO_URI is set), print a summary and
the clues read from pictures, and write the monitoring report under $WANGJIAN_VAR/reports."""

from __future__ import annotations

import argparse
import os
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from cli import CliError


def register(sub: Any) -> None:
    parser = sub.add_parser("demo", help="crawl the fixture platforms with all packs and summarise the clues")
    parser.add_argument("--platform", action="append", help="only these platforms (default: all)")
    parser.add_argument("--scale", type=int, default=1, help="fixture world size (1 = test size)")
    parser.set_defaults(func=run)


def crawl_platforms(uri: str, server: Any, platforms: list[str], job_prefix: str) -> dict[str, dict[str, Any]]:
    """Crawl each platform with its spider in one Scrapy process; return stats per platform."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.project import get_project_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.local_settings")  # our own platforms: full speed
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
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    from fixtures.server import FixtureServer
    from fixtures.world import build_world
    from reports.summary import clue_counts
    from store.database import Store, var_dir
    from store.db_service import mongo_uri
    from store.embedded_mongo import EmbeddedMongoError
    from store.models import utcnow
    from store.redact import redact

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    spiders = set(SpiderLoader.from_settings(get_project_settings()).list())
    world = build_world(scale=args.scale)
    wanted = args.platform or list(world.shops)
    missing = [p for p in wanted if p not in spiders]
    if missing:
        raise CliError(f"no spider for platform(s): {', '.join(missing)}")
    job_prefix = f"DEMO-{utcnow():%Y%m%d%H%M%S}"
    started = time.monotonic()
    try:
        with mongo_uri(var_dir()) as uri, FixtureServer(world=world) as server:
            print(f"fixture platforms: {server.base_url}   database: {redact(uri)}")
            stats = crawl_platforms(uri, server, wanted, job_prefix)
            store = Store(uri)
            try:
                this_run_filter = {"job_id": {"$regex": f"^{job_prefix}-"}}
                this_run = clue_counts(store, this_run_filter)
                samples = sample_clues(store, this_run_filter)
                pictures = list(store.clues.find({**this_run_filter, "hit.image": {"$ne": None}}).limit(5))
                report = write_report(store, var_dir() / "reports" / f"{job_prefix}.html")
                all_time = store.clues.count_documents({})
                evidence = store.evidence.count_documents({})
                artifacts = store.db["artifacts.files"].count_documents({})
            finally:
                store.close()
    except EmbeddedMongoError as exc:
        raise CliError(str(exc)) from exc
    print_summary(stats, this_run, all_time, evidence, artifacts, time.monotonic() - started)
    print_samples(samples)
    print_pictures(pictures)
    print(f"\nMonitoring report (with the picture crops): {report}")
    return 0


def write_report(store: Any, path: Path) -> Path:
    """The monitoring report of the last two days as HTML, for the newcomer to open."""
    from reports.report import build_report
    from reports.report_output import render_html

    today = date.today()
    html = render_html(build_report(store, since=today - timedelta(days=1), until=today + timedelta(days=1)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path


def print_pictures(clues: list[dict[str, Any]]) -> None:
    """Clues whose words were read from a picture (OCR): the page's text does not have them."""
    if not clues:
        return
    print("\nclues read from pictures (OCR):")
    for clue in clues:
        rule, target, image = clue["rule"], clue["target"], clue["hit"]["image"]
        box = " ".join(f"{x},{y}" for x, y in image["box"])
        where = f"{target['platform']} {target['kind']} {target.get('item_id') or target.get('shop_id')}"
        print(f"  [{rule['severity']}] {rule['id']} {rule['title']}  {where}")
        print(f"       「{image['text']}」 confidence {image['confidence']:.2f} box [{box}]")
        print(f"       picture {image['url']} sha256={image['sha256'][:16]}… evidence {image['evidence_id']}")


SEVERITY_ORDER = {"S1": 0, "S2": 1, "S3": 2, "S4": 3}


def sample_clues(store: Any, match: dict[str, Any], per_family: int = 1) -> list[dict[str, Any]]:
    """The most severe clue of each family, for a first look at what was found."""
    best: dict[str, dict[str, Any]] = {}
    for clue in store.clues.find(match, {"rule": 1, "target": 1, "hit": 1, "evidence": {"$slice": -1}}):
        family = clue["rule"]["family"]
        rank = SEVERITY_ORDER.get(clue["rule"]["severity"], 9)
        if family not in best or rank < SEVERITY_ORDER.get(best[family]["rule"]["severity"], 9):
            best[family] = clue
    return sorted(best.values(), key=lambda c: (SEVERITY_ORDER.get(c["rule"]["severity"], 9), c["rule"]["family"]))


def print_samples(samples: list[dict[str, Any]]) -> None:
    if not samples:
        return
    print("\nexample clues (the most severe of each family):")
    for clue in samples:
        rule, target, hit = clue["rule"], clue["target"], clue["hit"]
        quoted = (hit.get("snippet") or hit.get("term") or "").replace("\n", " ")
        evidence = clue["evidence"][-1] if clue["evidence"] else None
        print(f"  [{rule['severity']}] {rule['id']} {rule['title']}")
        print(
            f"       {target['platform']} {target['kind']} {target.get('item_id') or target.get('shop_id')}"
            f" {target.get('shop_name') or ''}  {target['url']}"
        )
        print(f"       {hit['field']}: 「{quoted[:80]}」  依据: {'；'.join(rule['legal_basis'])}")
        if evidence:
            print(f"       evidence {evidence['evidence_id']} sha256={evidence['sha256'][:16]}…")
    print("\nMore: `wangjian clues list`, `wangjian clues show ID`, `wangjian evidence verify`.")
    print("Review them in the web console: `make serve` (http://127.0.0.1:8000/, prints a one-time admin password).")


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
