"""Sign-in over HTTP against `wangjian serve`: the session cookie's attributes, the CSRF
token on the sign-in form, and the rate limit on failed attempts."""

from __future__ import annotations

import re

import httpx

from console.sessions import MAX_FAILURES_PER_USER
from tests.web.conftest import PASSWORD, Console


def login(client: httpx.Client, user: str, password: str) -> httpx.Response:
    form = client.get("login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)[1]
    return client.post("login", data={"username": user, "password": password, "csrf_token": token})


def test_the_session_cookie_is_httponly_and_samesite_strict(console: Console) -> None:
    with httpx.Client(base_url=console.url) as client:
        response = login(client, "watcher", PASSWORD)
        assert response.status_code == 303 and response.headers["location"] == "/"
        cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith("wj_session="))
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
        page = client.get("/")
        assert page.status_code == 200 and "frame-ancestors 'none'" in page.headers["content-security-policy"]
        stored = console.store.db["console_sessions"].find_one({"user": "watcher"})
        assert client.cookies["wj_session"] not in str(stored)  # only its hash is kept


def test_failed_sign_ins_are_rate_limited(console: Console) -> None:
    proc = console.cli("user", "add", "locked.out", "--role", "viewer", "--password-stdin", stdin=PASSWORD + "\n")
    assert proc.returncode == 0, proc.stderr
    with httpx.Client(base_url=console.url) as client:
        for _ in range(MAX_FAILURES_PER_USER):
            assert login(client, "locked.out", "not the password").status_code == 401
        response = login(client, "locked.out", PASSWORD)
        assert response.status_code == 429 and "wj_session" not in response.cookies
    assert console.store.db["audit_log"].count_documents({"user": "locked.out", "action": "login.failed"}) == 5
    assert console.store.db["audit_log"].count_documents({"user": "locked.out", "action": "login.throttled"}) == 1


def test_after_sign_in_only_paths_on_this_site_are_followed() -> None:
    from console.pages.auth import safe_next

    assert safe_next("/clues?status=new") == "/clues?status=new"
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "", None, "javascript:alert(1)"):
        assert safe_next(target) == "/"
