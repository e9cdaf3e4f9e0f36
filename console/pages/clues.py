"""Clue review: the queue, one clue with its evidence, status changes (one or in bulk),
evidence verification and the Annex D notice."""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pymongo import DESCENDING

from console.guard import audit, checked_form, services, session
from console.queries import SEVERITIES, QueueFilter, facets
from console.render import page, split_snippet
from reports.documents import evidence_records, load_clue, render_annex_d
from review.workflow import TRANSITIONS, WorkflowError, set_status
from store.clue_query import STATUSES
from store.models import EvidenceRecord
from store.verify import check_record

router = APIRouter()
PAGE_SIZE = 50


@router.get("/clues")
def queue(request: Request) -> Response:
    session(request)
    store = services(request).store
    wanted = QueueFilter.from_params(request.query_params)
    try:
        query = wanted.query()
    except ValueError as exc:
        return page(request, "error.html", 400, message=str(exc))
    total = store.clues.count_documents(query)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    number = min(max(1, _int(request.query_params.get("page"), 1)), pages)
    clues = list(
        store.clues.find(query, {"history": 0, "evidence": 0})
        .sort([("last_seen", DESCENDING), ("_id", 1)])
        .skip((number - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    return page(
        request, "queue.html", clues=clues, total=total, number=number, pages=pages, filter=wanted,
        facets=facets(store), statuses=STATUSES, severities=SEVERITIES, query_string=urlencode(wanted.params()),
        message=request.query_params.get("message"),
    )  # fmt: skip


def _int(text: str | None, default: int) -> int:
    try:
        return int(text or default)
    except ValueError:
        return default


def _clue_page(request: Request, clue_id: str, status_code: int = 200, **extra: Any) -> Response:
    svc = services(request)
    try:
        clue = load_clue(svc.store, clue_id)
    except WorkflowError:
        return page(request, "error.html", 404, message=f"没有线索 {clue_id}")
    records = evidence_records(svc.store, clue, limit=len(clue.get("evidence") or []) or 1)
    shots = [(r, a) for r in records for a in r.artifacts if a.kind == "screenshot"]
    hit = clue.get("hit") or {}
    current = clue.get("status") or "new"
    return page(
        request, "clue.html", status_code, clue=clue, records=records, screenshot=shots[0] if shots else None,
        snippet=split_snippet(hit.get("snippet"), hit.get("term")), next_statuses=sorted(TRANSITIONS.get(current, ())),
        status=current, audit_entries=svc.audit.recent(50, target=clue_id), **extra,
    )  # fmt: skip


@router.get("/clues/{clue_id}")
def clue_page(request: Request, clue_id: str) -> Response:
    session(request)
    return _clue_page(request, clue_id, message=request.query_params.get("message"))


def change_status(request: Request, clue_id: str, to: str, note: str, expected: str | None, receiver: str) -> str:
    """Apply one status change as the signed-in user; returns what to tell them."""
    current = request.state.session
    if to == "dismissed" and not note:
        raise WorkflowError("不构成违法（dismiss）须填写理由")
    if to == "transferred":
        if not receiver:
            raise WorkflowError("移交须填写接收的属地市场监管部门")
        note = f"移交：{receiver}" + (f"；{note}" if note else "")
    entry = set_status(services(request).store, clue_id, to, current.user, note or None, expected=expected or None)  # type: ignore[arg-type]
    audit(request, "clue.status", clue_id, {"from": entry.from_, "to": entry.to, "note": entry.note})
    return f"{clue_id[:12]}：{entry.from_} → {entry.to}"


@router.post("/clues/{clue_id}/status")
async def clue_status(request: Request, clue_id: str) -> Response:
    _, form = await checked_form(request, "reviewer")
    to, note = str(form.get("to") or ""), str(form.get("note") or "").strip()
    receiver = str(form.get("receiver") or "").strip()
    try:
        message = change_status(request, clue_id, to, note, str(form.get("expected") or ""), receiver)
    except WorkflowError as exc:
        audit(request, "clue.status", clue_id, {"to": to, "error": str(exc)}, ok=False)
        return _clue_page(request, clue_id, 409, error=str(exc))
    query = {"message": message}
    if to == "transferred":
        query["receiver"] = receiver
    return RedirectResponse(f"/clues/{clue_id}?{urlencode(query)}", status_code=303)


@router.post("/clues/bulk")
async def bulk_status(request: Request) -> Response:
    _, form = await checked_form(request, "reviewer")
    ids = [str(i) for i in form.getlist("ids")]
    to, note = str(form.get("to") or ""), str(form.get("note") or "").strip()
    receiver = str(form.get("receiver") or "").strip()
    done, failed = 0, []
    for clue_id in ids:
        try:
            change_status(request, clue_id, to, note, None, receiver)
            done += 1
        except WorkflowError as exc:
            audit(request, "clue.status", clue_id, {"to": to, "error": str(exc)}, ok=False)
            failed.append(f"{clue_id[:12]}: {exc}")
    message = f"批量操作：{done} 条已改为 {to}" + (
        f"；{len(failed)} 条未改：" + "；".join(failed[:5]) if failed else ""
    )
    back = str(form.get("back") or "/clues")
    back = back if back.startswith("/clues") else "/clues"
    return RedirectResponse(f"{back}{'&' if '?' in back else '?'}{urlencode({'message': message})}", status_code=303)


@router.post("/clues/{clue_id}/verify")
async def verify(request: Request, clue_id: str) -> Response:
    current, _ = await checked_form(request, "viewer")
    store = services(request).store
    try:
        clue = load_clue(store, clue_id)
    except WorkflowError:
        return page(request, "error.html", 404, message=f"没有线索 {clue_id}")
    records = evidence_records(store, clue, limit=len(clue.get("evidence") or []) or 1)
    checked: dict[str, str | None] = {}
    results = [(record, list(check_record(store, record, checked))) for record in records]
    store.log_access("verify", [r.evidence_id for r in records], note=f"console {current.user}: clue {clue_id}")
    audit(request, "evidence.verify", clue_id, {"records": len(records), "mismatches": sum(len(m) for _, m in results)})
    return _clue_page(request, clue_id, verification=results, verification_ok=not any(m for _, m in results))


@router.get("/clues/{clue_id}/notice")
def notice(request: Request, clue_id: str) -> Response:
    session(request)
    receiver = request.query_params.get("receiver") or None
    try:
        document = render_annex_d(services(request).store, clue_id, receiver=receiver)
    except WorkflowError as exc:
        return page(request, "error.html", 404, message=str(exc))
    audit(request, "clue.notice", clue_id, {"receiver": receiver})
    return HTMLResponse(document)


@router.get("/evidence/{evidence_id}/screenshot")
def screenshot(request: Request, evidence_id: str) -> Response:
    session(request)
    store = services(request).store
    doc = store.evidence.find_one({"_id": evidence_id})
    shot = (
        next((a for a in EvidenceRecord.model_validate(doc).artifacts if a.kind == "screenshot"), None) if doc else None
    )
    if shot is None:
        return Response("no screenshot", status_code=404, media_type="text/plain")
    data = store.read_artifact(shot.file_id)
    return Response(data, media_type=shot.media_type, headers={"X-Content-SHA256": shot.sha256,
                                                               "Cache-Control": "private, max-age=3600"})  # fmt: skip
