"""Webhook alerts against a receiver on 127.0.0.1: DingTalk / WeCom robot messages and
plain JSON for new S1 clues and failed crawls, retried after a failure, every attempt in
the delivery log."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from console.alerts import MAX_ATTEMPTS, Alerts
from crawler.jobs import JobLog
from store.database import ClueWrite, Store
from store.models import utcnow


class Receiver:
    """Records every POST; answers the first `fail_first` tries of each message with HTTP 500."""

    def __init__(self, fail_first: int = 0, errcode: int = 0) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.fail_first, self.errcode = fail_first, errcode
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                receiver.requests.append((self.path, body))
                tries = sum(
                    1 for p, b in receiver.requests if urlsplit(p).path == urlsplit(self.path).path and b == body
                )
                code = 500 if tries <= receiver.fail_first else 200
                reply = json.dumps({"errcode": receiver.errcode, "errmsg": "ok"}).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    r = Receiver(fail_first=1)
    yield r
    r.close()


def s1_clue(store: Store, key: str) -> None:
    now = utcnow()
    update = {
        "$setOnInsert": {"status": "new", "history": []}, "$min": {"first_seen": now}, "$max": {"last_seen": now},
        "$set": {"rule": {"id": "DRUG-BAN-001", "family": "drug.banned_online", "title": "网络禁售药品",
                          "severity": "S1", "pack": "drug", "pack_version": "1.0.0",
                          "legal_basis": ["药品管理法 第六十一条"]},
                 "target": {"kind": "product", "platform": "pharmacy", "shop_name": "某大药房", "item_id": "9",
                            "url": "http://127.0.0.1/item/9"},
                 "hit": {"field": "title", "term": "麻黄碱"}},
        "$inc": {"seen_count": 1},
    }  # fmt: skip
    store.apply_clue_writes([ClueWrite(key, {"_id": key}, update)])


def test_new_s1_clues_and_failed_crawls_reach_the_robots_with_retry(store: Store, receiver: Receiver) -> None:
    alerts = Alerts(store, settle=0)
    alerts.add_hook("duty-dingtalk", receiver.url + "/robot/send?access_token=abc", "dingtalk", ["s1_clue"], "SECx")
    alerts.add_hook("duty-wecom", receiver.url + "/cgi-bin/webhook/send?key=k", "wecom", ["crawl_failed"])
    alerts.add_hook("case-system", receiver.url + "/hooks/wangjian", "json", ["s1_clue", "crawl_failed"])
    s1_clue(store, "0" * 64)  # before the console started: not alerted
    alerts.start_cursors()
    time.sleep(1.1)
    assert alerts.collect() == 0

    s1_clue(store, "1" * 64)
    jobs = JobLog(store.db)
    jobs.create("JOB-FAIL-1", "TASK-2026-001", task_name="药品网络销售监测")
    jobs.add_error("JOB-FAIL-1", "pharmacy: connection refused")
    jobs.finish("JOB-FAIL-1", "failed")
    time.sleep(1.1)  # past the settle bound (whole seconds)
    assert alerts.collect() == 4  # S1: dingtalk + json; failure: wecom + json
    assert alerts.collect() == 0  # cursors moved on

    assert alerts.deliver_due() == 0  # the receiver fails each first attempt
    pending = list(store.db["alert_deliveries"].find({"status": "pending"}))
    assert len(pending) == 4 and all(d["attempts"] == 1 and d["next_attempt_at"] > utcnow() for d in pending)
    assert alerts.deliver_due() == 0  # not due yet
    assert alerts.deliver_due(now=utcnow() + timedelta(minutes=1)) == 4
    log = alerts.log()
    assert all(d["status"] == "delivered" and [r["ok"] for r in d["results"]] == [False, True] for d in log)

    delivered = {urlsplit(path).path: (path, body) for path, body in receiver.requests}
    path, ding = delivered["/robot/send"]
    assert ding["msgtype"] == "markdown" and "麻黄碱" in ding["markdown"]["text"] and "S1" in ding["markdown"]["title"]
    query = parse_qs(urlsplit(path).query)
    assert query["access_token"] == ["abc"] and query["timestamp"] and query["sign"]
    _, wecom = delivered["/cgi-bin/webhook/send"]
    assert wecom["msgtype"] == "markdown" and "JOB-FAIL-1" in wecom["markdown"]["content"]
    generic = [body for p, body in receiver.requests if p == "/hooks/wangjian"]
    assert {b["event"] for b in generic} == {"s1_clue", "crawl_failed"}
    clue_event = next(b for b in generic if b["event"] == "s1_clue")
    assert [c["id"] for c in clue_event["clues"]] == ["1" * 64]


def test_a_robot_that_keeps_refusing_is_given_up_after_the_last_attempt(store: Store) -> None:
    refusing = Receiver(errcode=310000)  # HTTP 200, but the robot says no (e.g. a bad signature)
    try:
        alerts = Alerts(store, settle=0)
        alerts.add_hook("bad-robot", refusing.url + "/robot/send?access_token=x", "dingtalk", ["crawl_failed"])
        alerts.start_cursors()
        jobs = JobLog(store.db)
        jobs.create("JOB-FAIL-2", None)
        jobs.finish("JOB-FAIL-2", "failed")
        assert alerts.collect() == 1
        later = utcnow()
        for _ in range(MAX_ATTEMPTS + 1):
            later += timedelta(hours=1)
            alerts.deliver_due(now=later)
        (delivery,) = alerts.log()
        assert delivery["status"] == "failed" and delivery["attempts"] == MAX_ATTEMPTS
        assert all("errcode 310000" in r["result"] for r in delivery["results"])
        assert len(refusing.requests) == MAX_ATTEMPTS
    finally:
        refusing.close()
