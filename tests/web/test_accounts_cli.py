"""`wangjian user` and `wangjian token` with no terminal (as in CI), and what the account
store keeps: argon2id hashes, token hashes, never the secrets themselves."""

from __future__ import annotations

from store.database import Store
from tests.web.conftest import wangjian


def test_user_add_reads_the_password_from_stdin_and_stores_only_an_argon2_hash(store: Store) -> None:
    proc = wangjian(store, "user", "add", "zhang.san", "--role", "reviewer", "--password-stdin",
                    stdin="s3cret-passphrase\n")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    user = store.db["console_users"].find_one({"_id": "zhang.san"})
    assert user["role"] == "reviewer" and user["password_hash"].startswith("$argon2id$")
    assert "s3cret-passphrase" not in str(user)
    again = wangjian(store, "user", "add", "zhang.san", "--role", "admin", "--password-stdin", stdin="another-pass-1\n")
    assert again.returncode == 2 and "exists already" in again.stderr
    listing = wangjian(store, "user", "list")
    assert "zhang.san" in listing.stdout and "reviewer" in listing.stdout
    assert store.db["audit_log"].find_one({"action": "user.add", "target": "zhang.san"})["user"].startswith("cli")


def test_without_a_terminal_the_password_must_come_on_stdin(store: Store) -> None:
    proc = wangjian(store, "user", "add", "li.si", "--role", "viewer")
    assert proc.returncode == 2 and "--password-stdin" in proc.stderr
    short = wangjian(store, "user", "add", "li.si", "--role", "viewer", "--password-stdin", stdin="short\n")
    assert short.returncode == 2 and "at least 10" in short.stderr
    assert store.db["console_users"].count_documents({}) == 0


def test_tokens_are_shown_once_and_stored_as_hashes(store: Store) -> None:
    proc = wangjian(store, "token", "add", "city-case-system")
    assert proc.returncode == 0, proc.stderr
    token = proc.stdout.strip()
    assert token.startswith("wjt_") and len(token) > 40
    (doc,) = store.db["api_tokens"].find()
    assert token not in str(doc) and doc["scope"] == "read" and doc["system"] == "city-case-system"
    revoked = wangjian(store, "token", "revoke", "city-case-system")
    assert revoked.returncode == 0 and "1 token(s)" in revoked.stdout
    assert store.db["api_tokens"].find_one()["revoked"] is True
