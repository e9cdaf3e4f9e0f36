"""The console's audit log: every state change, who made it, when, from where.

Append-only by construction: this module only ever inserts, and nothing in the console
updates or deletes an entry."""

from __future__ import annotations

from typing import Any

from pymongo import DESCENDING

from store.database import Store
from store.models import utcnow


class AuditLog:
    def __init__(self, store: Store) -> None:
        self.entries = store.db["audit_log"]

    def append(self, user: str, action: str, target: str | None = None, ip: str | None = None,
               detail: dict[str, Any] | None = None, ok: bool = True) -> None:  # fmt: skip
        self.entries.insert_one(
            {"at": utcnow(), "user": user, "action": action, "target": target, "ip": ip, "ok": ok,
             "detail": detail or {}}
        )  # fmt: skip

    def recent(self, limit: int = 200, target: str | None = None) -> list[dict[str, Any]]:
        query = {"target": target} if target else {}
        return list(self.entries.find(query).sort("at", DESCENDING).limit(limit))
