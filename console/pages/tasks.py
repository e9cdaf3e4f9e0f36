"""Monitoring tasks and crawl jobs: list, run now, schedule, cancel, live progress."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pymongo import DESCENDING

from console.guard import audit, checked_form, services, session
from console.queries import job_health
from console.render import beijing, page
from console.runs import RunError

router = APIRouter()


def _back(message: str, path: str = "/tasks") -> Response:
    return RedirectResponse(f"{path}?{urlencode({'message': message})}", status_code=303)


@router.get("/tasks")
def tasks(request: Request) -> Response:
    session(request)
    runs = services(request).runs
    rows = runs.rows()
    jobs = list(services(request).store.crawl_jobs.find({}).sort("started_at", DESCENDING).limit(20))
    return page(request, "tasks.html", rows=rows, problems=runs.problems, jobs=[(j, job_health(j)) for j in jobs],
                message=request.query_params.get("message"))  # fmt: skip


@router.post("/tasks/{task_id}/run")
async def run_now(request: Request, task_id: str) -> Response:
    await checked_form(request, "operator")
    try:
        job_id = services(request).runs.run_now(task_id)
    except RunError as exc:
        audit(request, "task.run", task_id, {"error": str(exc)}, ok=False)
        return _back(str(exc))
    audit(request, "task.run", task_id, {"job_id": job_id})
    return RedirectResponse(f"/jobs/{job_id}", status_code=303)


@router.post("/tasks/{task_id}/schedule")
async def schedule(request: Request, task_id: str) -> Response:
    _, form = await checked_form(request, "operator")
    text = str(form.get("at") or "")
    try:
        task, _ = services(request).runs.find(task_id)
        at = datetime.fromisoformat(text)
        at = at if at.tzinfo else at.replace(tzinfo=ZoneInfo(task.timezone))
        services(request).runs.schedule(task_id, at)
    except (RunError, ValueError) as exc:
        audit(request, "task.schedule", task_id, {"at": text, "error": str(exc)}, ok=False)
        return _back(f"未能安排：{exc}")
    audit(request, "task.schedule", task_id, {"at": at.isoformat()})
    return _back(f"{task_id} 将于 {beijing(at)} 运行（由 wangjian schedule 执行）")


@router.post("/tasks/{task_id}/unschedule")
async def unschedule(request: Request, task_id: str) -> Response:
    await checked_form(request, "operator")
    try:
        following = services(request).runs.unschedule(task_id)
    except RunError as exc:
        return _back(str(exc))
    audit(request, "task.unschedule", task_id, {"next_run": following.isoformat() if following else None})
    return _back(f"{task_id} 已取消手动安排，下次按频次运行：{beijing(following)}")


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: str) -> Response:
    session(request)
    job = services(request).store.crawl_jobs.find_one({"_id": job_id})
    if job is None:
        return page(request, "error.html", 404, message=f"没有作业 {job_id}")
    return page(request, "job.html", job=job, health=job_health(job), message=request.query_params.get("message"))


@router.get("/jobs/{job_id}/progress")
def progress(request: Request, job_id: str) -> Response:
    """The job's live counts, polled by the job page."""
    session(request)
    job = services(request).store.crawl_jobs.find_one({"_id": job_id})
    if job is None:
        return JSONResponse({"error": "no such job"}, status_code=404)
    health = job_health(job)
    return JSONResponse(
        {"id": job_id, "status": job.get("status"), "started_at": beijing(job.get("started_at"), seconds=True),
         "ended_at": beijing(job.get("ended_at"), seconds=True) if job.get("ended_at") else None,
         "pages": health["pages"], "items": health["items"], "clues_new": health["clues_new"],
         "clues_updated": health["clues_updated"], "errors": health["errors"],
         "problems": health["problems"], "error_messages": [str(e)[:300] for e in health["errors_list"]]},
        headers={"Cache-Control": "no-store"},
    )  # fmt: skip


@router.post("/jobs/{job_id}/cancel")
async def cancel(request: Request, job_id: str) -> Response:
    current, _ = await checked_form(request, "operator")
    try:
        services(request).runs.cancel(job_id, current.user)
    except RunError as exc:
        audit(request, "job.cancel", job_id, {"error": str(exc)}, ok=False)
        return _back(str(exc), f"/jobs/{job_id}")
    audit(request, "job.cancel", job_id)
    return _back("作业已取消", f"/jobs/{job_id}")
