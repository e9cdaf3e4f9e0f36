"""Browser rendering for the spiders that need it (scrapy-playwright, per-request meta).

A rendered request keeps its Playwright page (``playwright_include_page``) so the callback can
take the full-page screenshot; `finish` takes it and closes the page, `abandon` closes it from
an errback. Both count the close in ``playwright/page_count/closed`` (the handler counts only
the pages it closes itself), so ``playwright/page_count`` minus that stat is the number of pages
left open: zero after a clean crawl.

The navigation response's body is kept as it arrives, so the page capture holds the bytes as
served while extraction reads the rendered DOM.
"""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
from playwright.async_api import Response as PlaywrightResponse
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector
from scrapy_playwright.page import PageMethod
from twisted.python.failure import Failure

from crawler.capture import capture
from crawler.items import PageCapture

#: Milliseconds to wait for the selector that marks a page as rendered.
RENDER_TIMEOUT_MS = 15_000
_BODY_TIMEOUT_S = 10.0

# Page → (status, task reading the body or None) of its main document; weak so a page
# dropped anywhere is not kept alive here.
_documents: weakref.WeakKeyDictionary[Page, tuple[int, asyncio.Future[bytes] | None]] = weakref.WeakKeyDictionary()


def _main_document(response: PlaywrightResponse) -> bool:
    """The page's own document (not a frame's, not a redirect hop, whose body is gone)."""
    return (
        response.request.is_navigation_request()
        and response.frame.parent_frame is None
        and not 300 <= response.status < 400
    )


async def _note_status(response: PlaywrightResponse) -> None:
    if _main_document(response):
        _documents[response.frame.page] = (response.status, None)


async def _keep_document_body(response: PlaywrightResponse) -> None:
    if _main_document(response):
        future = asyncio.ensure_future(response.body())
        future.add_done_callback(lambda f: f.cancelled() or f.exception())  # failures are read, not logged
        _documents[response.frame.page] = (response.status, future)


#: Live state of every checkbox and radio (`checked` is a DOM property: scripts set it without
#: touching the attribute, so the serialised HTML does not show it).
FORM_STATE_JS = """() => Array.from(document.querySelectorAll('input[type=checkbox],input[type=radio]'))
  .map(i => ({name: i.name, id: i.id, value: i.value, checked: i.checked}))"""


async def _settle(page: Page, selector: str, read_form: bool) -> list[dict[str, Any]] | None:
    """Wait until `selector` is in the DOM, then read the form state if asked. An error page
    never renders: its status decides the request's fate, not a timeout, so no wait there."""
    status, _ = _documents.get(page, (200, None))
    if status >= 400:
        return None
    await page.wait_for_selector(selector, state="attached", timeout=RENDER_TIMEOUT_MS)
    return await page.evaluate(FORM_STATE_JS) if read_form else None


def render_meta(wait_for: str, keep_page: bool = True, form_state: bool = False, **extra: Any) -> dict[str, Any]:
    """Request meta for a page rendered in the browser, done when `wait_for` (CSS) is in the
    DOM. With `keep_page` the page is handed to the callback, which must call `finish`
    (errback: `abandon`); without, the handler closes it (no screenshot). `form_state` reads
    the live checked state of the page's inputs (see `form_state`)."""
    return {
        "playwright": True,
        "playwright_include_page": keep_page,
        "playwright_page_event_handlers": {"response": _keep_document_body if keep_page else _note_status},
        "playwright_page_methods": [PageMethod(_settle, wait_for, form_state)],
        **extra,
    }


def form_state(response: Response) -> dict[str, bool]:
    """Input name (or id) → live `checked`, as read in the browser after rendering."""
    for method in response.meta.get("playwright_page_methods") or ():
        if isinstance(method, PageMethod) and method.method is _settle:
            return {row["name"] or row["id"]: bool(row["checked"]) for row in method.result or ()}
    return {}


@dataclass
class Rendered:
    screenshot: bytes | None
    served_body: bytes | None
    browser_version: str | None


async def _served_body(page: Page) -> bytes | None:
    _, future = _documents.pop(page, (0, None))
    if future is None:
        return None
    try:
        return await asyncio.wait_for(future, _BODY_TIMEOUT_S)
    except (TimeoutError, PlaywrightError):
        return None


async def close_page(page: Page | None, stats: StatsCollector) -> None:
    if page is None or page.is_closed():
        return
    _, future = _documents.pop(page, (0, None))
    if future is not None and not future.done():
        future.cancel()
    try:
        await page.close()
    except PlaywrightError:
        return  # the browser went away with it
    stats.inc_value("playwright/page_count/closed")


async def finish(response: Response, stats: StatsCollector, screenshot: bool = True) -> Rendered:
    """Full-page screenshot, served bytes and browser version of a rendered response; the
    page is closed whatever happens."""
    page: Page | None = response.meta.get("playwright_page")
    if page is None:
        return Rendered(None, None, None)
    try:
        shot = await page.screenshot(full_page=True, type="png") if screenshot else None
        browser = page.context.browser
        version = f"{browser.browser_type.name} {browser.version}" if browser is not None else None
        return Rendered(shot, await _served_body(page), version)
    except PlaywrightError:
        stats.inc_value("wangjian/screenshot_failed")
        return Rendered(None, await _served_body(page), None)
    finally:
        await close_page(page, stats)


async def abandon(failure: Failure, stats: StatsCollector) -> None:
    """Errback half of `finish`: close the page a failed rendered request kept."""
    request = getattr(failure, "request", None)
    if request is not None:
        await close_page(request.meta.get("playwright_page"), stats)


def browser_capture(response: Response, rendered: Rendered) -> PageCapture:
    """The capture of a rendered page: bytes as served, the DOM the scripts built (what the
    extraction read), the screenshot, and the browser that rendered it. When the served bytes
    could not be read, the body is the rendered DOM and no separate copy is kept."""
    if rendered.served_body is None:
        return capture(
            response, method="browser", screenshot=rendered.screenshot, browser_version=rendered.browser_version
        )
    return capture(
        response.replace(body=rendered.served_body),
        method="browser",
        screenshot=rendered.screenshot,
        browser_version=rendered.browser_version,
        rendered_html=response.body,
    )
