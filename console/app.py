"""The console application: pages, the read API under /api/v1, static files, security
headers, and a background loop that reaps finished runs and delivers alerts."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from pymongo.errors import PyMongoError

from console.api import create_api
from console.db import prepare
from console.guard import Forbidden, NotSignedIn
from console.pages import admin, auth, clues, dashboard, rules, tasks
from console.render import page
from console.services import ConsoleConfig, Services

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


class Background:
    """Every `interval` seconds: reap the runs this console started, collect and deliver alerts."""

    def __init__(self, services: Services, interval: float) -> None:
        self.services = services
        self.interval = interval
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="console-background", daemon=True)

    def start(self) -> None:
        self.services.alerts.start_cursors()
        self.thread.start()

    def _loop(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                self.services.runs.reap()
                self.services.alerts.tick()
                self.services.sessions.purge()
            except PyMongoError as exc:  # the database being away is retried on the next round
                log.warning("console background work failed: %s", exc)

    def stop(self) -> None:
        self.stopped.set()
        if self.thread.is_alive():
            self.thread.join(30)


def create_app(config: ConsoleConfig) -> FastAPI:
    services = Services(config)
    prepare(config.store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        background = Background(services, config.background_seconds) if config.background_seconds > 0 else None
        if background:
            background.start()
        try:
            yield
        finally:
            if background:
                background.stop()
            services.runs.stop_all()

    app = FastAPI(title="wangjian console", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.services = services
    for module in (auth, dashboard, clues, tasks, rules, admin):
        app.include_router(module.router)
    app.mount("/api/v1", create_api(services))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            target = "/"
        return RedirectResponse("/login?next=" + quote(target), status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return page(request, "error.html", 403, message=exc.message)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app
