"""The dashboard: clues by family, platform, severity, region and over time; open against
handled; the last crawls and their health."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pymongo import DESCENDING

from console.guard import services, session
from console.queries import dashboard, job_health
from console.render import page

router = APIRouter()
RECENT_JOBS = 10


@router.get("/")
def overview(request: Request) -> Response:
    session(request)
    store = services(request).store
    data = dashboard(store)
    jobs = list(store.crawl_jobs.find({}).sort("started_at", DESCENDING).limit(RECENT_JOBS))
    return page(request, "dashboard.html", data=data, jobs=[(job, job_health(job)) for job in jobs])
