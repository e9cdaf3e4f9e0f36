"""Alerts by webhook: new S1 clues and failed crawls, as DingTalk or WeCom robot messages
or plain JSON, queued in `alert_deliveries` (which is also the delivery log) and retried
with back-off until delivered or out of attempts.

DingTalk and WeCom robots answer HTTP 200 with `{"errcode": 0}` on success; any other
errcode is a failed attempt, like a non-2xx status or a network error."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from pymongo import ASCENDING, DESCENDING, ReturnDocument

from console.feed import clues_after
from store.database import Store
from store.models import utcnow
from store.redact import redact

Format = Literal["dingtalk", "wecom", "json"]
FORMATS: tuple[str, ...] = ("dingtalk", "wecom", "json")
EVENTS: dict[str, str] = {"s1_clue": "新增S1级线索", "crawl_failed": "采集任务失败"}
MAX_ATTEMPTS = 5
BACKOFF_SECONDS = 2.0
TIMEOUT_SECONDS = 10.0
CLUES_PER_MESSAGE = 20


@dataclass(frozen=True)
class Hook:
    name: str
    url: str
    format: str
    events: tuple[str, ...]
    secret: str | None = None  # DingTalk 加签 secret

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Hook:
        return cls(doc["_id"], doc["url"], doc["format"], tuple(doc.get("events") or ()), doc.get("secret"))

    def target_url(self, now_ms: int | None = None) -> str:
        if self.format != "dingtalk" or not self.secret:
            return self.url
        stamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
        digest = hmac.new(self.secret.encode(), f"{stamp}\n{self.secret}".encode(), hashlib.sha256).digest()
        sign = urllib.parse.quote_plus(base64.b64encode(digest))
        return f"{self.url}{'&' if '?' in self.url else '?'}timestamp={stamp}&sign={sign}"


def message(fmt: str, event: str, title: str, lines: list[str], data: dict[str, Any]) -> dict[str, Any]:
    """The request body for one alert in the hook's format."""
    text = f"### {title}\n\n" + "\n".join(f"- {line}" for line in lines)
    if fmt == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    if fmt == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": text}}
    return {"event": event, "title": title, **data}


def clue_line(clue: dict[str, Any]) -> str:
    rule, target, hit = clue["rule"], clue["target"], clue.get("hit") or {}
    who = target.get("shop_name") or target.get("shop_id") or target.get("item_id") or ""
    return f"[{rule['severity']}] {rule['title']}（{rule['id']}）{target['platform']} {who}：{hit.get('term') or ''}"


def clue_summary(clue: dict[str, Any]) -> dict[str, Any]:
    rule, target = clue["rule"], clue["target"]
    return {"id": clue["_id"], "rule": rule["id"], "family": rule["family"], "severity": rule["severity"],
            "title": rule["title"], "platform": target["platform"], "url": target["url"],
            "term": (clue.get("hit") or {}).get("term")}  # fmt: skip


class Alerts:
    def __init__(self, store: Store, settle: float) -> None:
        self.store = store
        self.hooks = store.db["alert_hooks"]
        self.deliveries = store.db["alert_deliveries"]
        self.state = store.db["alert_state"]
        self.settle = settle

    # -- hooks ----------------------------------------------------------------------------

    def add_hook(self, name: str, url: str, fmt: str, events: list[str], secret: str | None = None) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"format {fmt!r}: one of {', '.join(FORMATS)}")
        if not url.startswith(("http://", "https://")):
            raise ValueError("webhook URL must be http(s)")
        unknown = [e for e in events if e not in EVENTS]
        if unknown or not events:
            raise ValueError(f"events: one or more of {', '.join(EVENTS)}")
        self.hooks.update_one(
            {"_id": name},
            {"$set": {"url": url, "format": fmt, "events": events, "secret": secret or None, "updated_at": utcnow()}},
            upsert=True,
        )

    def remove_hook(self, name: str) -> bool:
        return self.hooks.delete_one({"_id": name}).deleted_count == 1

    def list_hooks(self) -> list[Hook]:
        return [Hook.from_doc(d) for d in self.hooks.find().sort("_id", ASCENDING)]

    def log(self, limit: int = 100) -> list[dict[str, Any]]:
        return list(self.deliveries.find().sort("at", DESCENDING).limit(limit))

    # -- events ---------------------------------------------------------------------------

    def start_cursors(self) -> None:
        """Alert only on what happens from now on: on first start the cursors are set to
        the newest clue and the current time, not to the start of history."""
        # A delivery caught mid-send by a stop is tried again rather than left hanging.
        self.deliveries.update_many({"status": "sending"}, {"$set": {"status": "pending"}})
        newest = self.store.clues.find_one({"seq": {"$ne": None}}, {"seq": 1}, sort=[("seq", DESCENDING)])
        self.state.update_one(
            {"_id": "cursor"},
            {"$setOnInsert": {"clue_seq": newest["seq"] if newest else None, "job_ended": utcnow()}},
            upsert=True,
        )

    def collect(self) -> int:
        """Queue deliveries for new S1 clues and newly failed crawls; returns how many."""
        state = self.state.find_one({"_id": "cursor"}) or {}
        hooks = self.list_hooks()
        queued = 0
        clues, cursor = clues_after(self.store, state.get("clue_seq"), CLUES_PER_MESSAGE, {"rule.severity": "S1"},
                                    settle=self.settle)  # fmt: skip
        if clues:
            lines = [clue_line(c) for c in clues]
            data = {"clues": [clue_summary(c) for c in clues]}
            queued += self._queue(hooks, "s1_clue", f"{EVENTS['s1_clue']} {len(clues)} 条", lines, data)
            self.state.update_one({"_id": "cursor"}, {"$set": {"clue_seq": cursor}})
        since = state.get("job_ended") or utcnow()
        failed = list(
            self.store.crawl_jobs.find({"status": "failed", "ended_at": {"$gt": since}}).sort("ended_at", 1).limit(20)
        )
        for job in failed:
            errors = [redact(str(e))[:200] for e in job.get("errors") or []][:5]
            lines = [f"任务 {job.get('task_id') or '—'} {job.get('task_name') or ''}", f"作业 {job['_id']}", *errors]
            data = {"job": {"id": job["_id"], "task_id": job.get("task_id"), "errors": errors,
                            "counts": job.get("counts") or {}}}  # fmt: skip
            queued += self._queue(hooks, "crawl_failed", f"{EVENTS['crawl_failed']} {job['_id']}", lines, data)
        if failed:
            self.state.update_one({"_id": "cursor"}, {"$set": {"job_ended": failed[-1]["ended_at"]}})
        return queued

    def _queue(self, hooks: list[Hook], event: str, title: str, lines: list[str], data: dict[str, Any]) -> int:
        now = utcnow()
        docs = [
            {"at": now, "hook": h.name, "event": event, "title": title, "status": "pending", "attempts": 0,
             "next_attempt_at": now, "body": message(h.format, event, title, lines, data), "results": []}
            for h in hooks
            if event in h.events
        ]  # fmt: skip
        if docs:
            self.deliveries.insert_many(docs)
        return len(docs)

    # -- delivery -------------------------------------------------------------------------

    def deliver_due(self, now: datetime | None = None) -> int:
        """Try every due delivery once; returns how many were delivered."""
        delivered = 0
        hooks = {h.name: h for h in self.list_hooks()}
        while True:
            doc = self.deliveries.find_one_and_update(
                {"status": "pending", "next_attempt_at": {"$lte": now or utcnow()}},
                {"$set": {"status": "sending"}},
                sort=[("next_attempt_at", ASCENDING)],
                return_document=ReturnDocument.AFTER,
            )
            if doc is None:
                return delivered
            hook = hooks.get(doc["hook"])
            ok, result = (False, "hook removed") if hook is None else post(hook, doc["body"])
            attempts = doc["attempts"] + 1
            entry = {"at": utcnow(), "ok": ok, "result": result}
            if ok:
                status, following = "delivered", None
                delivered += 1
            elif attempts >= MAX_ATTEMPTS or hook is None:
                status, following = "failed", None
            else:
                backoff = timedelta(seconds=BACKOFF_SECONDS * 2 ** (attempts - 1))
                status, following = "pending", (now or utcnow()) + backoff
            self.deliveries.update_one(
                {"_id": doc["_id"]},
                {
                    "$set": {"status": status, "attempts": attempts, "next_attempt_at": following},
                    "$push": {"results": entry},
                },
            )

    def tick(self) -> None:
        self.collect()
        self.deliver_due()


def post(hook: Hook, body: dict[str, Any]) -> tuple[bool, str]:
    """POST one message; (delivered, what happened)."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        hook.target_url(), data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - configured by an admin
            status, text = response.status, response.read(2000).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return False, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return False, redact(f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}")[:300]
    if hook.format in ("dingtalk", "wecom"):
        try:
            errcode = json.loads(text).get("errcode")
        except (ValueError, AttributeError):
            return False, f"HTTP {status}, not a robot reply: {text[:100]}"
        if errcode != 0:
            return False, f"HTTP {status}, errcode {errcode}: {text[:200]}"
    return True, f"HTTP {status}"
