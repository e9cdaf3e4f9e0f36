"""Crawl throughput: bare Scrapy (no item pipelines) against the full pipeline (normalise →
evidence → detect → clues into an embedded MongoDB this bench starts), in one run, on the
same 20,000+-page fixture platform served by its own process (so it does not compete with
the crawl for the GIL). Also reports the crawl process's peak RSS at pages 5,000 and
20,000: after warm-up it should stay flat (goal: < 10% growth).

Run: .venv/bin/python bench/bench_crawl.py [--platform pharmacy] [--scale 200] [--profile FILE]
(--profile records the full-pipeline crawl with py-spy, raw collapsed stacks, into FILE)."""

from __future__ import annotations

import argparse
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
PROBE_AT = (5_000, 20_000)
CLOSE_TIMEOUT = 180


class CrawlProbe:
    """Scrapy extension the bench installs in each crawl: counts responses, times the crawl
    from the first to the last response, records peak RSS at the probe points, and writes
    all that to BENCH_PROBE_FILE as soon as the crawl runs dry (before pipelines close)."""

    def __init__(self, crawler: Any) -> None:
        from scrapy import signals

        self.stats = crawler.stats
        self.path = Path(crawler.settings["BENCH_PROBE_FILE"])
        self.pages = 0
        self.first: float | None = None
        self.last = 0.0
        self.rss: dict[str, int] = {}
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlProbe:
        return cls(crawler)

    def response_received(self, **kwargs: Any) -> None:
        self.pages += 1
        self.last = time.monotonic()
        if self.first is None:
            self.first = self.last
        if self.pages in PROBE_AT:
            self.rss[str(self.pages)] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    def spider_idle(self, **kwargs: Any) -> None:
        if self.first is None:
            return
        data = {
            "pages": self.pages,
            "seconds": self.last - self.first,
            "items": self.stats.get_value("item_scraped_count", 0),
            "errors": self.stats.get_value("log_count/ERROR", 0),
            "peak_rss_kb": self.rss,
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
        cmd = [spy, "record", "--format", "raw", "-o", str(profile), "--", *cmd]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WANGJIAN_VAR": str(work / "var")}
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


def _report(name: str, data: dict) -> float:
    rate = data["pages"] / data["seconds"]
    rss = [data["peak_rss_kb"].get(str(n)) for n in PROBE_AT]
    growth = f"{(rss[1] / rss[0] - 1) * 100:+.1f}%" if all(rss) else "n/a"
    close = f"{data['close_seconds']:.0f} s" if data["close_seconds"] is not None else f"> {CLOSE_TIMEOUT} s (killed)"
    print(
        f"{name:>5}: {data['pages']} pages in {data['seconds']:.1f} s = {rate:.0f} pages/s, items {data['items']}, "
        f"errors {data['errors']}, peak RSS "
        + " / ".join(f"{(r or 0) / 1024:.0f} MB@{n}" for r, n in zip(rss, PROBE_AT, strict=True))
        + f" ({growth}), closing after the last page: {close}, CPU s "
        + ", ".join(f"{k} {v:.1f}" for k, v in data["cpu"].items())
    )
    return rate


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--platform", default="pharmacy")
    parser.add_argument("--scale", type=int, default=200)
    parser.add_argument("--profile", type=Path, metavar="FILE", help="py-spy the full-pipeline crawl into FILE (raw)")
    args = parser.parse_args()
    from store.embedded_mongo import EmbeddedMongo

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "fixtures.server", "--port", str(port), "--scale", str(args.scale)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_port(port, server)
        start_url = f"http://127.0.0.1:{port}/{args.platform}" + _start_path(args.platform)
        with tempfile.TemporaryDirectory() as tmp, EmbeddedMongo(Path(tmp) / "mongo") as mongo:
            (Path(tmp) / "bare").mkdir()
            (Path(tmp) / "full").mkdir()
            assert mongo.process is not None
            others = {"fixture": server.pid, "mongo": mongo.process.pid}
            bare = _crawl(args.platform, start_url, Path(tmp) / "bare", {"ITEM_PIPELINES": "{}"}, None, others)
            full = _crawl(
                args.platform, start_url, Path(tmp) / "full",
                {"MONGO_URI": mongo.uri, "MONGO_DATABASE": "bench_crawl"},
                args.profile, others,
            )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
    bare_rate = _report("bare", bare)
    full_rate = _report("full", full)
    print(f"bench crawl: pages_per_s={full_rate:.0f} ratio={full_rate / bare_rate:.2f} vs bare_scrapy")
    return 0


def _start_path(platform: str) -> str:
    from fixtures import platforms
    from fixtures.world import build_world

    return platforms.load()[platform].start_paths(build_world(scale=1))[0]


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
