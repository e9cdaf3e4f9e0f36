"""Console users (argon2id password hashes, one role each) and API tokens for downstream
systems (read-only; only the SHA-256 of a token is stored, the token is shown once)."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from store.database import Store
from store.models import utcnow

#: Roles in rising order; each may do what the ones before it may.
ROLES: tuple[str, ...] = ("viewer", "reviewer", "operator", "admin")
ROLE_LABELS = {"viewer": "查看", "reviewer": "研判", "operator": "任务运行", "admin": "管理"}
NAME_RE = re.compile(r"^[\w.@-]{2,64}$")
MIN_PASSWORD = 10

_hasher = PasswordHasher()


class AccountError(ValueError):
    """A user or token that cannot be created as asked."""


def may(role: str | None, needed: str) -> bool:
    """Whether `role` may act where `needed` is required."""
    return role in ROLES and ROLES.index(role) >= ROLES.index(needed)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Accounts:
    def __init__(self, store: Store) -> None:
        self.users = store.db["console_users"]
        self.tokens = store.db["api_tokens"]

    # -- users ----------------------------------------------------------------------------

    def add_user(
        self, name: str, role: str, password: str, *, replace: bool = False, must_change: bool = False
    ) -> None:
        if not NAME_RE.match(name):
            raise AccountError(f"user name {name!r}: 2-64 letters, digits, '.', '@', '_' or '-'")
        if role not in ROLES:
            raise AccountError(f"role {role!r}: one of {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"password: at least {MIN_PASSWORD} characters")
        doc = {"role": role, "password_hash": _hasher.hash(password), "must_change": must_change,
               "disabled": False, "updated_at": utcnow()}  # fmt: skip
        if replace:
            self.users.update_one({"_id": name}, {"$set": doc, "$setOnInsert": {"created_at": utcnow()}}, upsert=True)
        elif self.users.count_documents({"_id": name}, limit=1):
            raise AccountError(f"user {name!r} exists already")
        else:
            self.users.insert_one({"_id": name, "created_at": utcnow(), **doc})

    def authenticate(self, name: str, password: str) -> dict[str, Any] | None:
        """The user when the password is right and the account enabled, else None. The
        hash is checked even for unknown names, so timing does not tell which names exist."""
        user = self.users.find_one({"_id": name})
        stored = user["password_hash"] if user else _DUMMY_HASH
        try:
            _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if user is None or user.get("disabled"):
            return None
        if _hasher.check_needs_rehash(stored):
            self.users.update_one({"_id": name}, {"$set": {"password_hash": _hasher.hash(password)}})
        return user

    def set_password(self, name: str, password: str) -> None:
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"password: at least {MIN_PASSWORD} characters")
        self.users.update_one(
            {"_id": name},
            {"$set": {"password_hash": _hasher.hash(password), "must_change": False, "updated_at": utcnow()}},
        )

    def get(self, name: str) -> dict[str, Any] | None:
        return self.users.find_one({"_id": name}, {"password_hash": 0})

    def list_users(self) -> list[dict[str, Any]]:
        return list(self.users.find({}, {"password_hash": 0}).sort("_id", 1))

    # -- API tokens -----------------------------------------------------------------------

    def add_token(self, system: str, now: datetime | None = None) -> str:
        """A new read-only token for `system`; returned once, stored as its hash."""
        if not NAME_RE.match(system):
            raise AccountError(f"system name {system!r}: 2-64 letters, digits, '.', '@', '_' or '-'")
        token = "wjt_" + secrets.token_urlsafe(32)
        self.tokens.insert_one(
            {"_id": token_hash(token), "system": system, "scope": "read", "created_at": now or utcnow(),
             "revoked": False, "prefix": token[:10]}
        )  # fmt: skip
        return token

    def token_system(self, token: str) -> dict[str, Any] | None:
        doc = self.tokens.find_one({"_id": token_hash(token)})
        if doc is None or doc.get("revoked"):
            return None
        return doc

    def revoke_tokens(self, system: str) -> int:
        return self.tokens.update_many({"system": system, "revoked": False}, {"$set": {"revoked": True}}).modified_count


_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))
