"""Crawl throughput: bare Scrapy (no item pipelines) against the full pipeline (normalise →
evidence → OCR → detect → clues into an embedded MongoDB this bench starts), in one run, on
the same fixture platform served by its own process (so it does not compete with the crawl
for the GIL).

Three crawls: bare Scrapy; the full pipeline with OCR off; the full pipeline with OCR on
(licence and detail pictures fetched through the crawl's downloader and read in a worker
process). Bare Scrapy fetches no pictures and reads nothing, so both full-pipeline ratios
are printed; the `bench crawl:` line uses the one with OCR on. Pages are the spider's own
responses (picture downloads made by the OCR stage are counted apart), and each crawl is
rated over its first RATE_PAGES pages (the bare and OCR-off crawls stop there), timed to the
later of the RATE_PAGES-th page and the moment those pages' items left the pipelines. The OCR-on
crawl runs to the end and reports the crawl process's peak RSS at pages 5,000, 20,000 and
50,000 (goal: < 10% growth from 5k to 50k, the `bench crawl_memory:` line), the wall
milliseconds each pipeline stage took per item, and the OCR stats.

Run: .venv/bin/python bench/bench_crawl.py [--platform pharmacy] [--scale 520] [--profile FILE]
[--setting NAME=VALUE ...] (--setting gives a Scrapy setting to all three crawls; --profile
records the OCR-on crawl with py-spy into FILE: a flame graph when FILE ends in .svg, raw
collapsed stacks otherwise)."""

from __future__ import annotations

import argparse
import functools
import inspect
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PROBE_AT = (5_000, 20_000, 50_000)
RATE_PAGES = 20_000
CLOSE_TIMEOUT = 300


class CrawlProbe:
    """Scrapy extension the bench installs in each crawl: counts the spider's responses
    (not the pictures the OCR stage fetches), times the crawl from the first response to the
    RATE_PAGES-th (or the last) or to when their items were scraped if later, records peak
    RSS at the probe points, times every item pipeline stage, and writes all that to
    BENCH_PROBE_FILE as soon as the crawl runs dry (before pipelines close)."""

    def __init__(self, crawler: Any) -> None:
        from scrapy import signals

        self.crawler = crawler
        self.stats = crawler.stats
        self.path = Path(crawler.settings["BENCH_PROBE_FILE"])
        self.pages = 0
        self.pictures = 0
        self.first: float | None = None
        self.last = 0.0
        self.rated: tuple[int, float] | None = None
        self.item_times: list[float] = []
        self.rss: dict[str, int] = {}
        self.stage_seconds: dict[str, float] = {}
        self.stage_items: dict[str, int] = {}
        crawler.signals.connect(self.engine_started, signal=signals.engine_started)
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        # a crawl stopped at RATE_PAGES (CLOSESPIDER_PAGECOUNT) closes without running dry
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlProbe:
        return cls(crawler)

    def engine_started(self) -> None:
        methods = self.crawler.engine.scraper.itemproc.methods["process_item"]
        for i, method in enumerate(methods):
            methods[i] = self._timed(method)

    def _timed(self, method: Any) -> Any:
        """`method` timed from call to result (awaiting included, for the async stages)."""
        name = type(method.__self__).__name__.removesuffix("Pipeline")
        self.stage_seconds[name] = 0.0
        self.stage_items[name] = 0

        @functools.wraps(method)
        async def timed(item: Any, *args: Any) -> Any:
            started = time.perf_counter()
            result = method(item, *args)
            if inspect.isawaitable(result):
                result = await result
            self.stage_seconds[name] += time.perf_counter() - started
            self.stage_items[name] += 1
            return result

        return timed

    def response_received(self, request: Any = None, **kwargs: Any) -> None:
        if request is not None and request.meta.get("wangjian_picture"):
            self.pictures += 1
            return
        self.pages += 1
        self.last = time.monotonic()
        if self.first is None:
            self.first = self.last
        if self.pages == RATE_PAGES:
            self.rated = (self.pages, self.last - self.first)
        if self.pages in PROBE_AT:
            self.rss[str(self.pages)] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    def item_scraped(self, **kwargs: Any) -> None:
        self.item_times.append(time.monotonic())

    def spider_closed(self, **kwargs: Any) -> None:
        if not self.path.exists():
            self.spider_idle()

    def spider_idle(self, **kwargs: Any) -> None:
        if self.first is None:
            return
        rated = self.rated or (self.pages, self.last - self.first)
        # Pages arriving faster than their items leave the pipelines only fill the scraper:
        # the rated pages count as done when the items they yielded (the crawl's share of
        # items per page) have left the last stage, if that is later than the last page.
        if self.item_times and self.pages:
            share = round(len(self.item_times) * rated[0] / self.pages)
            done = self.item_times[max(0, share - 1)] - self.first
            if done > rated[1]:
                rated = (rated[0], done)
        stats = self.stats.get_stats()
        data = {
            "pages": self.pages,
            "pictures": self.pictures,
            "seconds": self.last - self.first,
            "rated_pages": rated[0],
            "rated_seconds": rated[1],
            "items": stats.get("item_scraped_count", 0),
            "errors": stats.get("log_count/ERROR", 0),
            "peak_rss_kb": self.rss,
            "stage_ms": {k: 1000 * v / max(1, self.stage_items[k]) for k, v in self.stage_seconds.items()},
            "stage_items": self.stage_items,
            "ocr": {k.removeprefix("wangjian/ocr/"): v for k, v in stats.items() if k.startswith("wangjian/ocr/")},
            "idle_at": time.time(),
        }
        self.path.write_text(json.dumps(data), encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, proc: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("fixture server exited")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("fixture server did not start")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process, from /proc/PID/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _crawl(
    platform: str, start_url: str, work: Path, settings: dict[str, str], profile: Path | None, others: dict[str, int]
) -> dict:
    """Run one crawl; return its probe data plus `close_seconds` (pipelines closing after the
    last page) and the CPU seconds the crawl and each of `others` (name: pid) used meanwhile,
    killing the crawl if closing takes longer than CLOSE_TIMEOUT."""
    from crawler import settings as project

    cpu_before = {name: _cpu_seconds(pid) for name, pid in others.items()}
    crawl_before = _children_cpu()

    probe = work / "probe.json"
    extensions = {**project.EXTENSIONS, "bench.bench_crawl.CrawlProbe": 900}
    cmd = [sys.executable, "-m", "cli", "crawl", platform, "--start-url", start_url,
           "-s", f"EXTENSIONS={json.dumps(extensions)}", "-s", f"BENCH_PROBE_FILE={probe}",
           "-s", "LOG_LEVEL=WARNING", "-s", "TELNETCONSOLE_ENABLED=0"]  # fmt: skip
    for k, v in settings.items():
        cmd += ["-s", f"{k}={v}"]
    if profile is not None:
        spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
        kind = "flamegraph" if profile.suffix == ".svg" else "raw"
        # --subprocesses: the OCR worker is part of the crawl's cost; --idle off (default).
        cmd = [spy, "record", "--subprocesses", "--rate", "50", "--format", kind, "-o", str(profile), "--", *cmd]
    # the fixture platforms' settings for both runs (no politeness delays on 127.0.0.1)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WANGJIAN_VAR": str(work / "var"),
           "SCRAPY_SETTINGS_MODULE": "crawler.local_settings"}  # fmt: skip
    with open(work / "crawl.log", "w") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        while proc.poll() is None and not probe.exists():
            time.sleep(1)
        try:
            proc.wait(timeout=CLOSE_TIMEOUT)
            killed = False
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            killed = True
    if not probe.exists():
        raise RuntimeError(f"crawl failed (rc={proc.returncode}):\n{(work / 'crawl.log').read_text()[-3000:]}")
    data = json.loads(probe.read_text(encoding="utf-8"))
    data["close_seconds"] = None if killed else max(0.0, time.time() - data["idle_at"])
    data["cpu"] = {"crawl": _children_cpu() - crawl_before}
    data["cpu"].update({name: _cpu_seconds(pid) - cpu_before[name] for name, pid in others.items()})
    return data


def _rss(data: dict) -> list[int | None]:
    return [data["peak_rss_kb"].get(str(n)) for n in PROBE_AT]


def _report(name: str, data: dict) -> float:
    rate = data["rated_pages"] / data["rated_seconds"]
    close = f"{data['close_seconds']:.0f} s" if data["close_seconds"] is not None else f"> {CLOSE_TIMEOUT} s (killed)"
    rss = [f"{r / 1024:.0f} MB@{n}" for r, n in zip(_rss(data), PROBE_AT, strict=True) if r]
    print(
        f"{name:>8}: {data['pages']} pages (+{data['pictures']} pictures) in {data['seconds']:.1f} s; "
        f"first {data['rated_pages']} pages at {rate:.0f} pages/s; items {data['items']}, errors {data['errors']}, "
        f"peak RSS {' / '.join(rss) or 'n/a'}, closing after the last page: {close}, CPU s "
        + ", ".join(f"{k} {v:.1f}" for k, v in data["cpu"].items())
    )
    if data["stage_ms"]:
        print(
            f"{'':>8}  stage wall ms per item: "
            + ", ".join(f"{k} {v:.2f} ({data['stage_items'][k]})" for k, v in data["stage_ms"].items())
        )
    if data["ocr"]:
        print(f"{'':>8}  OCR: " + ", ".join(f"{k} {v}" for k, v in sorted(data["ocr"].items())))
    return rate


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--platform", default="pharmacy")
    parser.add_argument("--scale", type=int, default=520, help="fixture world scale (520: about 61,000 pages)")
    parser.add_argument("--profile", type=Path, metavar="FILE", help="py-spy the OCR-on crawl into FILE")
    parser.add_argument(
        "--setting", action="append", default=[], metavar="NAME=VALUE",
        help="a Scrapy setting given to all three crawls (repeatable), to measure a setting's effect",
    )  # fmt: skip
    args = parser.parse_args()
    given = dict(item.split("=", 1) for item in args.setting)
    from store.embedded_mongo import EmbeddedMongo

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "fixtures.server", "--port", str(port), "--scale", str(args.scale)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    stop = {"CLOSESPIDER_PAGECOUNT": str(RATE_PAGES)}  # rated over the first RATE_PAGES pages only
    try:
        _wait_port(port, server)
        start_url = f"http://127.0.0.1:{port}/{args.platform}" + _start_path(args.platform)
        with tempfile.TemporaryDirectory() as tmp, EmbeddedMongo(Path(tmp) / "mongo") as mongo:
            assert mongo.process is not None
            others = {"fixture": server.pid, "mongo": mongo.process.pid}
            runs: dict[str, dict] = {}
            for name, settings, profile in (
                ("bare", {"ITEM_PIPELINES": "{}", **stop}, None),
                ("ocr off", {"OCR_ENABLED": "False", **stop}, None),
                ("ocr on", {}, args.profile),
            ):
                work = Path(tmp) / name.replace(" ", "_")
                work.mkdir()
                database = {"MONGO_URI": mongo.uri, "MONGO_DATABASE": f"bench_crawl_{work.name}"}
                runs[name] = _crawl(args.platform, start_url, work, {**database, **given, **settings}, profile, others)
    finally:
        server.terminate()
        server.wait(timeout=30)
    rates = {name: _report(name, data) for name, data in runs.items()}
    rss = _rss(runs["ocr on"])
    growth = f"{(rss[-1] / rss[0] - 1) * 100:.1f}" if rss[0] and rss[-1] else "n/a"
    print(
        f"bench crawl_memory: rss_mb_5k={(rss[0] or 0) / 1024:.0f} rss_mb_50k={(rss[-1] or 0) / 1024:.0f} "
        f"growth_pct={growth} vs 5k_pages (OCR on, goal < 10)"
    )
    # CPU per page is steadier than wall time on a shared machine (the crawl process with its
    # OCR worker, start-up and closing included)
    cpu = {name: 1000 * data["cpu"]["crawl"] / data["pages"] for name, data in runs.items()}
    print(
        "CPU ms per page: "
        + ", ".join(f"{name} {ms:.2f}" for name, ms in cpu.items())
        + f"; bare/full CPU ratio: ocr off {cpu['bare'] / cpu['ocr off']:.2f}, ocr on {cpu['bare'] / cpu['ocr on']:.2f}"
    )
    print(f"ocr off: ratio={rates['ocr off'] / rates['bare']:.2f} vs bare_scrapy (full pipeline, OCR off)")
    print(
        f"bench crawl: pages_per_s={rates['ocr on']:.0f} ratio={rates['ocr on'] / rates['bare']:.2f} "
        "vs bare_scrapy (full pipeline with OCR on; bare Scrapy fetches and reads no pictures)"
    )
    return 0


def _start_path(platform: str) -> str:
    from fixtures import platforms
    from fixtures.world import build_world

    return platforms.load()[platform].start_paths(build_world(scale=1))[0]


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
