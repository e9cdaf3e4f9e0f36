"""The detect stage scans in its own thread, in arrival order, within a per-document budget.

Run under Scrapy's asyncio reactor in a child process (the reactor can be installed once
per process): the reactor must keep ticking while large pages are scanned.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import asyncio, json, sys, threading, time
from datetime import UTC, datetime
from scrapy.utils.reactor import install_reactor
install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
from twisted.internet import defer, reactor, task
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.test import get_crawler
from pipelines.detect import DetectPipeline, shared_ruleset
from tests.store.conftest import product_envelope

budget = float(sys.argv[1])
text = "欢迎光临本店，国家级最佳保温杯，全场包邮，客服在线。" * 6000  # ~150,000 characters
envelopes = [product_envelope(f"p{i}", datetime(2024, 6, 1, tzinfo=UTC), title=f"{i} {text}") for i in range(4)]
expected = [len(shared_ruleset().scan(e.document)) for e in envelopes]
crawler = get_crawler(settings_dict={"DETECT_TIME_BUDGET": budget})
pipe = DetectPipeline.from_crawler(crawler)
ticks, done, threads = [], [], set()
scan = pipe.ruleset.scan_with_category
def traced(doc, *a):
    threads.add(threading.current_thread().name)
    return scan(doc, *a)
pipe.ruleset.scan_with_category = traced

async def run():
    for e in envelopes:
        e.hits = []
    loop = task.LoopingCall(lambda: ticks.append(time.monotonic()))
    loop.start(0.002)
    dfds = []
    for e in envelopes:
        d = deferred_from_coro(pipe.process_item(e))
        d.addCallback(lambda env: done.append(env.item.item_id))
        dfds.append(d)
    await defer.DeferredList(dfds, fireOnOneErrback=True).asFuture(asyncio.get_event_loop())
    loop.stop()

def main():
    d = deferred_from_coro(run())
    d.addBoth(lambda r: (reactor.stop(), r)[1])
    d.addErrback(lambda f: (f.printTraceback(), sys.exit(3)))
reactor.callWhenRunning(main)
reactor.run()
print(json.dumps({
    "ticks": len(ticks), "done": done, "threads": sorted(threads),
    "hits": [len(e.hits) for e in envelopes], "expected": expected,
    "timed_out": crawler.stats.get_value("wangjian/detect/timed_out", 0),
}))
"""


def _probe(budget: float) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(budget)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_scans_run_off_the_reactor_in_arrival_order() -> None:
    r = _probe(60.0)
    assert len(r["threads"]) == 1 and "wangjian-detect" in r["threads"][0]
    assert r["done"] == ["p0", "p1", "p2", "p3"]
    assert r["hits"] == r["expected"] and all(r["hits"]) and r["timed_out"] == 0
    assert r["ticks"] >= 5  # the reactor kept running while 600,000 characters were scanned


def test_a_spent_budget_keeps_earlier_hits_and_is_counted() -> None:
    r = _probe(1e-9)
    assert r["timed_out"] == 4 and r["done"] == ["p0", "p1", "p2", "p3"]
    assert all(kept < full for kept, full in zip(r["hits"], r["expected"], strict=True))
