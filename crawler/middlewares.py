"""Downloader middlewares.

`FetchTimingMiddleware` stamps each fetch with its start and end time (UTC) in
`request.meta["fetch_start"]` / `["fetch_end"]`; it sits next to the downloader so retries and
redirects are timed per attempt, which is what an evidence record must state.

`BackoffRetryMiddleware` replaces Scrapy's RetryMiddleware: the same retry decisions and
`retry/*` stats, but each retry waits first — the server's Retry-After when it sent one,
otherwise exponential backoff — without blocking the reactor.

`CharsetMiddleware` settles a Content-Type charset that contradicts the page (see
`crawler.charset`) so spiders read the text the platform wrote.

Malformed pages (truncated, undecodable, missing the structure a spider expects) never stop
a crawl: they are logged and counted as `wangjian/malformed/<reason>`.
"""

from __future__ import annotations

import logging
import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.exceptions import ResponseDataLossError
from scrapy.http import Response, TextResponse
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message
from w3lib.encoding import http_content_type_encoding

from crawler import charset

logger = logging.getLogger(__name__)


class FetchTimingMiddleware:
    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        request.meta["fetch_start"] = datetime.now(UTC)
        request.meta.pop("fetch_end", None)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        request.meta["fetch_end"] = datetime.now(UTC)
        return response


def count_malformed(crawler: Crawler, reason: str, url: str, detail: str = "") -> None:
    """Log a malformed page and count it under `wangjian/malformed/<reason>`."""
    assert crawler.stats is not None
    crawler.stats.inc_value(f"wangjian/malformed/{reason}")
    logger.warning("malformed page (%s) %s%s", reason, url, f": {detail}" if detail else "")


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date); None if absent
    or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Retry 5xx/429 responses and network failures after a delay.

    Delay of the n-th retry: the Retry-After header if the response has one (capped at
    RETRY_AFTER_MAX), else RETRY_BACKOFF_BASE * 2**(n-1) capped at RETRY_BACKOFF_MAX, with up
    to 25% jitter so parallel retries do not arrive together. The wait is a reactor timer, so
    other downloads go on meanwhile."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE")
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX")
        self.retry_after_cap = settings.getfloat("RETRY_AFTER_MAX")

    def retry_request(self, request: Request, reason: str | Exception | type[Exception]) -> Request | None:
        """The next attempt at `request`, or None once its retries are used up; honours the
        `max_retry_times`, `priority_adjust` and `give_up_log_level` request meta keys."""
        assert self.crawler.spider is not None
        return get_retry_request(
            request,
            spider=self.crawler.spider,
            reason=reason,
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
            give_up_log_level=request.meta.get("give_up_log_level", self.give_up_log_level),
        )

    def backoff(self, attempt: int) -> float:
        delay = min(self.cap, self.base * 2 ** max(0, attempt - 1))
        return delay * (1 + random.random() / 4)

    async def _wait(self, seconds: float) -> None:
        if seconds > 0:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("wangjian/retry/wait_ms", int(seconds * 1000))
            await sleep(seconds)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if request.meta.get("dont_retry", False):
            return response
        if "dataloss" in response.flags:  # DOWNLOAD_FAIL_ON_DATALOSS off: partial body kept
            count_malformed(self.crawler, "truncated", response.url)
            retried = self.retry_request(request, "dataloss")
            if retried is not None:
                await self._wait(self.backoff(retried.meta["retry_times"]))
            return retried or response
        if response.status not in self.retry_http_codes:
            return response
        retried = self.retry_request(request, response_status_message(response.status))
        if retried is None:
            return response
        asked = retry_after_seconds(response.headers.get("Retry-After"))
        delay = min(asked, self.retry_after_cap) if asked is not None else self.backoff(retried.meta["retry_times"])
        await self._wait(delay)
        return retried

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Spider | None = None
    ) -> Request | Response | None:
        if isinstance(exception, ResponseDataLossError):
            count_malformed(self.crawler, "truncated", request.url, "connection closed before the whole body")
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry", False):
            return None
        retried = self.retry_request(request, exception)
        if retried is not None:
            await self._wait(self.backoff(retried.meta["retry_times"]))
        return retried


class CharsetMiddleware:
    """Re-read a text response in the encoding its bytes and <meta> agree on when the
    Content-Type header says otherwise; count the lie (`wangjian/malformed/wrong_charset`)
    or a body nothing decodes (`wangjian/malformed/undecodable`). The raw body is untouched:
    evidence keeps the bytes as served."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CharsetMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if not isinstance(response, TextResponse) or not response.body:
            return response
        declared = http_content_type_encoding(response.headers.get(b"Content-Type", b"").decode("latin-1"))
        encoding, verdict = charset.sniff(response.body, declared)
        if verdict == charset.OK:
            return response
        count_malformed(self.crawler, verdict, response.url, f"header says {declared}, page is {encoding}")
        if verdict == charset.WRONG:
            return response.replace(encoding=encoding)
        return response
