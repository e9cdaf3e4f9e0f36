"""Administration: the audit log, users, and alert webhooks with their delivery log."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from console.accounts import ROLES, AccountError
from console.alerts import EVENTS, FORMATS
from console.guard import audit, checked_form, require, services
from console.render import page

router = APIRouter()


def _back(path: str, message: str) -> Response:
    return RedirectResponse(f"{path}?{urlencode({'message': message})}", status_code=303)


def shown_url(url: str) -> str:
    """A webhook URL without its query (robot access tokens live there)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" + ("?…" if parts.query else "")


@router.get("/audit")
def audit_page(request: Request) -> Response:
    require(request, "admin")
    user = request.query_params.get("user") or None
    entries = services(request).audit.entries.find({"user": user} if user else {}).sort("at", -1).limit(500)
    return page(request, "audit.html", entries=list(entries), user=user)


@router.get("/users")
def users_page(request: Request) -> Response:
    require(request, "admin")
    return page(request, "users.html", users=services(request).accounts.list_users(), roles=ROLES,
                message=request.query_params.get("message"))  # fmt: skip


@router.post("/users")
async def add_user(request: Request) -> Response:
    _, form = await checked_form(request, "admin")
    name, role = str(form.get("name") or "").strip(), str(form.get("role") or "")
    try:
        services(request).accounts.add_user(name, role, str(form.get("password") or ""), must_change=True)
    except AccountError as exc:
        return _back("/users", str(exc))
    audit(request, "user.add", name, {"role": role})
    return _back("/users", f"已添加用户 {name}（{role}），首次登录须修改密码")


@router.get("/alerts")
def alerts_page(request: Request) -> Response:
    require(request, "admin")
    alerts = services(request).alerts
    return page(request, "alerts.html", hooks=alerts.list_hooks(), deliveries=alerts.log(), formats=FORMATS,
                events=EVENTS, shown_url=shown_url, message=request.query_params.get("message"))  # fmt: skip


@router.post("/alerts/hooks")
async def add_hook(request: Request) -> Response:
    _, form = await checked_form(request, "admin")
    name = str(form.get("name") or "").strip()
    try:
        services(request).alerts.add_hook(
            name, str(form.get("url") or "").strip(), str(form.get("format") or ""),
            [str(e) for e in form.getlist("events")], str(form.get("secret") or "").strip() or None,
        )  # fmt: skip
    except ValueError as exc:
        return _back("/alerts", str(exc))
    audit(request, "alert.hook_saved", name, {"format": form.get("format"), "events": form.getlist("events")})
    return _back("/alerts", f"已保存 {name}")


@router.post("/alerts/hooks/{name}/delete")
async def remove_hook(request: Request, name: str) -> Response:
    await checked_form(request, "admin")
    removed = services(request).alerts.remove_hook(name)
    audit(request, "alert.hook_removed", name, ok=removed)
    return _back("/alerts", f"已删除 {name}" if removed else f"没有 {name}")
