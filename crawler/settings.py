"""Scrapy settings for wangjian. Scrapy's own defaults are kept where they serve a
monitoring crawl; politeness is stricter than Scrapy's (a monitoring crawl visits platforms
it has no agreement with); everything specific is wired here so components stay small and
replaceable."""

from __future__ import annotations

import os

BOT_NAME = "wangjian"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"

# Robots are obeyed by default; a monitoring task may switch it off for its own crawl.
ROBOTSTXT_OBEY = True
# The crawler says who it is: the project, and where a platform can reach the bureau running
# it (WANGJIAN_CONTACT_URL, e.g. the bureau's page about its monitoring).
CONTACT_URL = os.environ.get("WANGJIAN_CONTACT_URL", "")
_CONTACT = f"; +{CONTACT_URL}" if CONTACT_URL else ""
USER_AGENT = f"Mozilla/5.0 (compatible; wangjian/0.1; online-transaction monitoring{_CONTACT})"

# Polite defaults for real platforms: few requests in flight per site, at least a second
# between them, and AutoThrottle stretching the delay when the site answers slowly. A task
# may tighten these (crawler.tasks.Politeness); crawls of the fixture platforms on this
# machine use crawler.local_settings instead.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Retries with backoff on server errors and throttling (see crawler.middlewares): the n-th
# retry waits Retry-After when the server sent one, else BASE * 2**(n-1) seconds up to MAX.
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 0.5
RETRY_BACKOFF_MAX = 30.0
RETRY_AFTER_MAX = 120.0

# Fetch start/end per attempt for evidence records; next to the downloader (after retry/redirect).
# Charset repair sits below decompression (590) so it sees the decoded body.
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    "crawler.middlewares.CharsetMiddleware": 580,
    "crawler.middlewares.FetchTimingMiddleware": 950,
}

# Item pipelines: normalise -> evidence -> ocr -> detect -> clues (docs/architecture.md, "The flow").
ITEM_PIPELINES = {
    "pipelines.normalise.NormalisePipeline": 100,
    "pipelines.evidence.EvidencePipeline": 200,
    "pipelines.ocr.OcrPipeline": 250,
    "pipelines.detect.DetectPipeline": 300,
    "pipelines.clues.CluePipeline": 400,
}

# MongoDB: MONGO_URI wins; unset means the embedded server started by `wangjian` / tests.
MONGO_URI = os.environ.get("MONGO_URI", "")
MONGO_DATABASE = os.environ.get("WANGJIAN_DB", "wangjian")

# Rule packs: empty means the packs shipped with the package. A task may narrow the rules
# applied to some pack ids (RULE_PACKS) or families (RULE_FAMILIES); empty means all.
RULE_PACKS_DIR = os.environ.get("WANGJIAN_PACKS", "")
RULE_PACKS: list[str] = []
RULE_FAMILIES: list[str] = []
# Seconds of rule scanning one document may take (a normal page takes milliseconds); past it
# the hits found so far are kept and the page is counted in wangjian/detect/timed_out.
DETECT_TIME_BUDGET = 5.0
# Modules that register check kinds of their own (docs/adding-a-check.md), imported before
# the packs are loaded.
RULE_CHECK_MODULES: list[str] = []

# Evidence: by default only pages that produced a clue are stored; a task may keep all.
EVIDENCE_ALL_PAGES = False

# Clue store: clues and their evidence are written in bulk, in order, on one writer thread so
# the crawl never waits on the database; a batch is flushed at CLUE_BULK_SIZE clues,
# EVIDENCE_BUFFER_BYTES of artifacts or every CLUE_FLUSH_SECONDS. When the database is down,
# batches go to the append-only spool (SPOOL_DIR, default $WANGJIAN_VAR/spool) and are
# replayed every SPOOL_RETRY_SECONDS and at the next start.
CLUE_BULK_SIZE = 200
CLUE_FLUSH_SECONDS = 1.0
EVIDENCE_BUFFER_BYTES = 8 * 1024 * 1024
STORE_WRITER_THREAD = True
STORE_WRITER_QUEUE = 8
SPOOL_DIR = ""
SPOOL_RETRY_SECONDS = 2.0

# OCR of licence and detail pictures (pipelines.ocr): pictures are fetched through the crawl's
# downloader (same politeness), read in OCR_WORKERS processes of OCR_THREADS_PER_WORKER threads
# each, at most OCR_MAX_IMAGES_PER_ITEM per item and OCR_MAX_IMAGES_PER_CRAWL per crawl, and
# cached by SHA-256 in OCR_CACHE_DIR (default $WANGJIAN_VAR/ocr-cache, or WANGJIAN_OCR_CACHE).
OCR_ENABLED = True
OCR_WORKERS = 1
OCR_THREADS_PER_WORKER = 1
OCR_MAX_IMAGES_PER_ITEM = 8
OCR_MAX_IMAGES_PER_CRAWL = 2000
OCR_MAX_IMAGE_BYTES = 8 * 1024 * 1024
OCR_CACHE_DIR = os.environ.get("WANGJIAN_OCR_CACHE", "")

# pymongo logs every command at DEBUG; monitoring runs want Scrapy's INFO lines.
LOG_LEVEL = "INFO"

# Every crawl with a job id is recorded in `crawl_jobs` (crawler.jobs), its progress every
# JOB_PROGRESS_INTERVAL seconds.
JOB_PROGRESS_INTERVAL = 10.0
EXTENSIONS = {
    "crawler.drift.LayoutDrift": 490,  # before the job recorder: its end-of-crawl alarms reach the job
    "crawler.jobs.JobRecorder": 500,
    "crawler.redis_queue.RedisWorker": 510,
    "crawler.reactor_lag.ReactorLag": 520,
    "crawler.heap.HeapFreeze": 530,
}
# Freeze what is alive when the spider opens (rule packs, jieba, libraries) out of the cyclic
# garbage collector's walks for the crawl (crawler.heap).
GC_FREEZE_ON_OPEN = True
# How often the reactor's responsiveness is sampled (crawler.reactor_lag); 0 turns it off.
REACTOR_LAG_INTERVAL = 0.1

# Layout drift (crawler.drift): per platform, the share of product / shop pages where each
# watched field was found; below its threshold over the last DRIFT_WINDOW pages, or over the
# whole crawl once DRIFT_MIN_PAGES pages were seen, an error is logged and an alert written to
# the `alerts` collection. DRIFT_MIN_SHARE overrides per kind and field, e.g.
# -s 'DRIFT_MIN_SHARE={"product": {"price": 0.9}}'.
DRIFT_PRODUCT_FIELDS = ["title", "price", "shop_name"]
DRIFT_SHOP_FIELDS = ["shop_name"]
DRIFT_MIN_SHARE: dict[str, dict[str, float]] = {}
DRIFT_WINDOW = 40
DRIFT_MIN_PAGES = 20

# Scale-out: set REDIS_URL (e.g. -s REDIS_URL=redis://host:6379/0) and every worker started
# with the same job id shares one Redis request queue and dupefilter (crawler.redis_queue).
ADDONS = {"crawler.redis_queue.RedisAddon": 0}
REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_IDLE_CLOSE = 10.0
REDIS_KEY_TTL = 7 * 24 * 3600  # seconds the shared queue and dupefilter outlive their last use

# Browser rendering (scrapy-playwright): only requests with meta `playwright=True` use the
# browser; the handler passes every other request to Scrapy's HTTP/1.1 handler. Spiders that
# render pages install these handlers in their custom_settings (DOWNLOAD_HANDLERS): the
# handler starts the Playwright driver with every crawl (~0.5 s, one more process), which
# plain-HTTP crawls do not need. Debian's Chromium (WANGJIAN_CHROMIUM overrides the path).
# Open pages and contexts are bounded so a long crawl holds a fixed amount of browser memory.
PLAYWRIGHT_DOWNLOAD_HANDLERS = {
    "http": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
    "https": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
}
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "executable_path": os.environ.get("WANGJIAN_CHROMIUM", "/usr/bin/chromium"),
    "headless": True,
    "args": [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ],
    "timeout": 30_000,
}
PLAYWRIGHT_MAX_CONTEXTS = 2
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 4
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000
