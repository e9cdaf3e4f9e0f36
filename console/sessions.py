"""Server-side sign-in sessions in MongoDB, their CSRF tokens, and the sign-in rate limit.

The cookie holds a random token; the database keeps only its SHA-256, the user, the CSRF
token bound to the session and the expiry. Signing out or expiry deletes the session."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from console.accounts import token_hash
from store.database import Store
from store.models import utcnow

SESSION_COOKIE = "wj_session"
LOGIN_CSRF_COOKIE = "wj_login_csrf"
SESSION_HOURS = 8
#: Failed sign-ins allowed within the window, per user name and per client address (an
#: office behind one address has many users, so its limit is higher).
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_ADDRESS = 20
FAILURE_WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class Session:
    user: str
    role: str
    csrf: str
    must_change: bool = False


def same_token(expected: str | None, given: str | None) -> bool:
    return bool(expected and given) and hmac.compare_digest(str(expected), str(given))


class Sessions:
    def __init__(self, store: Store) -> None:
        self.sessions = store.db["console_sessions"]
        self.failures = store.db["login_failures"]
        self.users = store.db["console_users"]

    def create(self, user: str, ip: str | None, now: datetime | None = None) -> str:
        token = secrets.token_urlsafe(32)
        now = now or utcnow()
        self.sessions.insert_one(
            {"_id": token_hash(token), "user": user, "csrf": secrets.token_urlsafe(32), "ip": ip,
             "created_at": now, "expires_at": now + timedelta(hours=SESSION_HOURS)}
        )  # fmt: skip
        return token

    def get(self, token: str | None, now: datetime | None = None) -> Session | None:
        if not token:
            return None
        doc = self.sessions.find_one({"_id": token_hash(token)})
        if doc is None or doc["expires_at"] <= (now or utcnow()):
            return None
        user = self.users.find_one({"_id": doc["user"]}, {"role": 1, "disabled": 1, "must_change": 1})
        if user is None or user.get("disabled"):
            return None
        return Session(doc["user"], user["role"], doc["csrf"], bool(user.get("must_change")))

    def end(self, token: str | None) -> None:
        if token:
            self.sessions.delete_one({"_id": token_hash(token)})

    def end_all(self, user: str) -> None:
        self.sessions.delete_many({"user": user})

    # -- rate limit -------------------------------------------------------------------------

    def throttled(self, ip: str | None, user: str, now: datetime | None = None) -> bool:
        since = (now or utcnow()) - FAILURE_WINDOW
        by_ip = self.failures.count_documents({"ip": ip, "at": {"$gte": since}})
        by_user = self.failures.count_documents({"user": user, "at": {"$gte": since}})
        return by_ip >= MAX_FAILURES_PER_ADDRESS or by_user >= MAX_FAILURES_PER_USER

    def failed(self, ip: str | None, user: str, now: datetime | None = None) -> None:
        self.failures.insert_one({"ip": ip, "user": user, "at": now or utcnow()})

    def succeeded(self, user: str) -> None:
        self.failures.delete_many({"user": user})

    def purge(self, now: datetime | None = None) -> dict[str, Any]:
        now = now or utcnow()
        return {
            "sessions": self.sessions.delete_many({"expires_at": {"$lte": now}}).deleted_count,
            "failures": self.failures.delete_many({"at": {"$lt": now - FAILURE_WINDOW}}).deleted_count,
        }
