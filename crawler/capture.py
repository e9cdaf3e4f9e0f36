"""Turn a Scrapy response into a `PageCapture`: the raw bytes as served plus everything an
evidence record states about the fetch (URLs, redirects, headers, times, method, agent)."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

from scrapy.exporters import JsonLinesItemExporter
from scrapy.http import Response, TextResponse
from scrapy.utils.serialize import ScrapyJSONEncoder

from crawler.items import PageCapture


def _decode(value: bytes | str) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def response_headers(response: Response) -> dict[str, list[str]]:
    return {_decode(k): [_decode(v) for v in vs] for k, vs in response.headers.items()}


def capture(
    response: Response,
    method: str | None = None,
    screenshot: bytes | None = None,
    browser_version: str | None = None,
    rendered_html: bytes | None = None,
) -> PageCapture:
    """The PageCapture of `response`. Fetch times come from `FetchTimingMiddleware`; when it
    did not run (a response built by hand), both default to now."""
    meta = response.meta if response.request is not None else {}
    now = datetime.now(UTC)
    redirects = [str(u) for u in meta.get("redirect_urls", [])]
    requested = redirects[0] if redirects else (response.request.url if response.request is not None else response.url)
    ua = response.request.headers.get("User-Agent") if response.request is not None else None
    return PageCapture(
        url=requested,
        final_url=response.url,
        redirect_chain=redirects,
        status=response.status,
        headers=response_headers(response),
        body=response.body,
        encoding=response.encoding if isinstance(response, TextResponse) else None,
        fetch_start=meta.get("fetch_start", now),
        fetch_end=meta.get("fetch_end", now),
        method=method or ("browser" if meta.get("playwright") else "http"),
        user_agent=_decode(ua) if ua else None,
        browser_version=browser_version,
        screenshot=screenshot,
        rendered_html=rendered_html,
    )


class _BytesJSONEncoder(ScrapyJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, bytes):
            return base64.b64encode(o).decode("ascii")
        return super().default(o)


class JsonLinesBytesExporter(JsonLinesItemExporter):
    """JSON Lines feed exporter that writes bytes (page bodies, screenshots) as base64, so
    items with captures can go to a feed: FEED_EXPORTERS = {"jsonl": "crawler.capture.JsonLinesBytesExporter"}."""

    def __init__(self, file: Any, **kwargs: Any) -> None:
        super().__init__(file, **kwargs)
        self.encoder = _BytesJSONEncoder(ensure_ascii=self.encoder.ensure_ascii)
