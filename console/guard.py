"""Who is asking and whether they may: the session behind a request, its role, the CSRF
token every state-changing form carries, and the audit entry each change leaves."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.datastructures import FormData

from console.accounts import may
from console.services import Services
from console.sessions import SESSION_COOKIE, Session, same_token

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class NotSignedIn(Exception):
    """No valid session: HTML pages send the visitor to the sign-in page."""


class Forbidden(Exception):
    """Signed in, but the role, or the CSRF token, does not allow this."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def services(request: Request) -> Services:
    return request.app.state.services


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def session(request: Request) -> Session:
    """The signed-in session (FastAPI dependency for every console page)."""
    found = services(request).sessions.get(request.cookies.get(SESSION_COOKIE))
    if found is None:
        raise NotSignedIn()
    request.state.session = found
    return found


def require(request: Request, role: str) -> Session:
    current = session(request)
    if not may(current.role, role):
        raise Forbidden(f"角色 {current.role} 无权执行此操作（需要 {role}）")
    return current


async def checked_form(request: Request, role: str) -> tuple[Session, FormData]:
    """The posted form of a signed-in user holding `role`, after its CSRF token is checked
    against the session's (a form field, or the X-CSRF-Token header for scripts)."""
    current = session(request)
    form = await request.form()
    given = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    if not same_token(current.csrf, str(given) if given else None):
        services(request).audit.append(current.user, "csrf.refused", request.url.path, client_ip(request), ok=False)
        raise Forbidden("CSRF 校验失败：表单缺少有效的令牌，请刷新页面后重试")
    if not may(current.role, role):
        services(request).audit.append(current.user, "role.refused", request.url.path, client_ip(request),
                                       {"needed": role}, ok=False)  # fmt: skip
        raise Forbidden(f"角色 {current.role} 无权执行此操作（需要 {role}）")
    return current, form


def audit(request: Request, action: str, target: str | None = None, detail: dict[str, Any] | None = None,
          ok: bool = True) -> None:  # fmt: skip
    current: Session | None = getattr(request.state, "session", None)
    detail = {**(detail or {}), "user_agent": request.headers.get("user-agent", "")[:200]}
    services(request).audit.append(current.user if current else "-", action, target, client_ip(request), detail, ok)
