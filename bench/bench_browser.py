"""Browser rendering throughput: the douyin spider (scrapy-playwright, full-page screenshots,
page captures) against a bare Playwright loop over the same pages, same Chromium, same
launch options and the same number of pages open at once, in one run.

The spider crawls N product pages of the JS-rendered fixture shop (each also makes it render
the product's store page); the bare loop then renders exactly those pages: open a page, load
it, wait for the rendered marker, take the full-page screenshot, read the DOM, close. Pages/s
is rendered pages over wall time from the first page to the last (the spider's
`elapsed_time_seconds`, which includes its browser launch; the loop's time includes its
launch too). The spider's stats must show no page or context leak: every page opened was
closed, never more pages open than the bound, never more contexts than the bound.

Ends with: bench browser: pages_per_s=<spider> ratio=<spider/bare> vs bare_playwright
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.async_api import async_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler import settings  # noqa: E402
from crawler.spiders.douyin import RENDERED  # noqa: E402
from fixtures.server import FixtureServer  # noqa: E402
from fixtures.world import build_world  # noqa: E402


def run_spider(urls: list[str], workdir: Path) -> dict:
    """The douyin spider over `urls` in a subprocess (no pipelines, no feed); its stats."""
    url_file = workdir / "urls.txt"
    url_file.write_text(",".join(urls), encoding="utf-8")
    stats_file = workdir / "stats.json"
    code = (
        "import json,sys\n"
        "from scrapy.crawler import CrawlerProcess\n"
        "from scrapy.utils.project import get_project_settings\n"
        "s=get_project_settings(); s.set('ITEM_PIPELINES',{}); s.set('LOG_LEVEL','WARNING');"
        " s.set('TELNETCONSOLE_ENABLED',False)\n"
        "p=CrawlerProcess(s); c=p.create_crawler('douyin')\n"
        f"p.crawl(c, start_urls=open({str(url_file)!r}).read()); p.start()\n"
        f"open({str(stats_file)!r},'w').write(json.dumps(c.stats.get_stats(), default=str))\n"
    )
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.local_settings", "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
    return json.loads(stats_file.read_text(encoding="utf-8"))


async def bare_loop(urls: list[str], concurrency: int) -> tuple[float, int]:
    """Render every URL with plain Playwright: (seconds, screenshot bytes)."""
    start = time.perf_counter()
    total = 0
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(**settings.PLAYWRIGHT_LAUNCH_OPTIONS)
        context = await browser.new_context()
        gate = asyncio.Semaphore(concurrency)

        async def render(url: str) -> None:
            nonlocal total
            async with gate:
                page = await context.new_page()
                try:
                    await page.goto(url)
                    await page.wait_for_selector(RENDERED, state="attached")
                    total += len(await page.screenshot(full_page=True, type="png"))
                    await page.content()
                finally:
                    await page.close()

        await asyncio.gather(*(render(u) for u in urls))
        await context.close()
        await browser.close()
    return time.perf_counter() - start, total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=480, help="product pages (their stores come on top)")
    args = parser.parse_args(argv)
    world = build_world(scale=max(1, -(-args.products // 80)))
    with FixtureServer(world) as srv, tempfile.TemporaryDirectory() as tmp:
        products = list(world.products("douyin"))[: args.products]
        urls = [srv.item_url(p) for p in products]
        stores = list(dict.fromkeys(srv.shop_url(world.shop("douyin", p.shop_id)) for p in products))
        stats = run_spider(urls, Path(tmp))
        pages = int(stats.get("playwright/request_count/navigation", 0))
        spider_s = float(stats["elapsed_time_seconds"])
        bare_s, shot_bytes = asyncio.run(bare_loop(urls + stores, settings.PLAYWRIGHT_MAX_PAGES_PER_CONTEXT))

    opened = int(stats.get("playwright/page_count", 0))
    closed = int(stats.get("playwright/page_count/closed", 0))
    max_pages = int(stats.get("playwright/page_count/max_concurrent", 0))
    max_contexts = int(stats.get("playwright/context_count/max_concurrent", 0))
    items = int(stats.get("item_scraped_count", 0))
    spider_rate = pages / spider_s
    bare_rate = (len(urls) + len(stores)) / bare_s
    print(f"pages rendered: spider {pages} ({items} items), bare loop {len(urls) + len(stores)}")
    print(f"spider: {spider_s:.1f} s, {spider_rate:.1f} pages/s")
    print(f"bare playwright: {bare_s:.1f} s, {bare_rate:.1f} pages/s ({shot_bytes / 1e6:.0f} MB of screenshots)")
    print(f"pages opened {opened}, closed {closed}, max open {max_pages}, max contexts {max_contexts}")
    leak = opened != closed or max_pages > settings.PLAYWRIGHT_MAX_PAGES_PER_CONTEXT * settings.PLAYWRIGHT_MAX_CONTEXTS
    leak |= max_contexts > settings.PLAYWRIGHT_MAX_CONTEXTS
    if leak or pages != len(urls) + len(stores) or items != pages:
        print("FAILED: page/context leak or pages missing")
        return 1
    print(f"bench browser: pages_per_s={spider_rate:.2f} ratio={spider_rate / bare_rate:.2f} vs bare_playwright")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
