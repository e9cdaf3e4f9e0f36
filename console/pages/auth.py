"""Sign-in, sign-out and changing one's password."""

from __future__ import annotations

import secrets
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from console.accounts import AccountError
from console.guard import CSRF_FIELD, audit, checked_form, client_ip, services, session
from console.render import page
from console.sessions import LOGIN_CSRF_COOKIE, SESSION_COOKIE, SESSION_HOURS, same_token

router = APIRouter()


def safe_next(target: str | None) -> str:
    """Only paths on this site: never an absolute URL handed in by a link."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _login_page(request: Request, error: str | None = None, status_code: int = 200) -> Response:
    token = secrets.token_urlsafe(32)
    response = page(request, "login.html", status_code, login_csrf=token, error=error,
                    next=safe_next(request.query_params.get("next")))  # fmt: skip
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login",
                        secure=services(request).config.secure_cookies)  # fmt: skip
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    return _login_page(request)


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    name = str(form.get("username") or "").strip()
    password = str(form.get("password") or "")
    svc, ip = services(request), client_ip(request)
    if not same_token(request.cookies.get(LOGIN_CSRF_COOKIE), str(form.get(CSRF_FIELD) or "")):
        svc.audit.append(name or "-", "login.csrf_refused", None, ip, ok=False)
        return _login_page(request, "表单已过期或缺少校验令牌，请重新登录", 403)
    if svc.sessions.throttled(ip, name):
        svc.audit.append(name or "-", "login.throttled", None, ip, ok=False)
        return _login_page(request, "登录失败次数过多，请15分钟后再试", 429)
    user = svc.accounts.authenticate(name, password)
    if user is None:
        svc.sessions.failed(ip, name)
        svc.audit.append(name or "-", "login.failed", None, ip, ok=False)
        return _login_page(request, "用户名或密码错误", 401)
    svc.sessions.succeeded(name)
    token = svc.sessions.create(name, ip)
    svc.audit.append(name, "login", None, ip, {"user_agent": request.headers.get("user-agent", "")[:200]})
    target = "/account/password" if user.get("must_change") else safe_next(str(form.get("next") or "/"))
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, token, max_age=SESSION_HOURS * 3600, httponly=True, samesite="strict",
                        path="/", secure=svc.config.secure_cookies)  # fmt: skip
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    await checked_form(request, "viewer")
    services(request).sessions.end(request.cookies.get(SESSION_COOKIE))
    audit(request, "logout")
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/account/password")
def password_form(request: Request) -> Response:
    session(request)
    return page(request, "password.html")


@router.post("/account/password")
async def change_password(request: Request) -> Response:
    current, form = await checked_form(request, "viewer")
    svc = services(request)
    if svc.accounts.authenticate(current.user, str(form.get("current") or "")) is None:
        return page(request, "password.html", 400, error="当前密码不正确")
    new = str(form.get("new") or "")
    if new != str(form.get("repeat") or ""):
        return page(request, "password.html", 400, error="两次输入的新密码不一致")
    try:
        svc.accounts.set_password(current.user, new)
    except AccountError as exc:
        return page(request, "password.html", 400, error=str(exc))
    svc.sessions.end_all(current.user)
    audit(request, "user.password_changed", current.user)
    response = RedirectResponse("/login?next=" + quote("/"), status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
