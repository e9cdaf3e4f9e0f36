"""Downloader middlewares.

`FetchTimingMiddleware` stamps each fetch with its start and end time (UTC) in
`request.meta["fetch_start"]` / `["fetch_end"]`; it sits next to the downloader so retries and
redirects are timed per attempt, which is what an evidence record must state."""

from __future__ import annotations

from datetime import UTC, datetime

from scrapy import Request, Spider
from scrapy.http import Response


class FetchTimingMiddleware:
    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        request.meta["fetch_start"] = datetime.now(UTC)
        request.meta.pop("fetch_end", None)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        request.meta["fetch_end"] = datetime.now(UTC)
        return response
