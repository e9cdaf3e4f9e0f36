"""Scrapy settings for wangjian. Scrapy's own defaults are kept where they serve a
monitoring crawl (concurrency, no download delay); everything specific is wired here so
components stay small and replaceable."""

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
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36 wangjian/0.1"
)

# Retries with backoff on server errors and throttling (see crawler.middlewares).
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
AUTOTHROTTLE_ENABLED = False  # available per task: -s AUTOTHROTTLE_ENABLED=1

# Fetch start/end per attempt for evidence records; next to the downloader (after retry/redirect).
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.FetchTimingMiddleware": 950,
}

# Item pipelines: normalise -> evidence -> detect -> clues (design.md "Flow").
ITEM_PIPELINES = {
    "pipelines.normalise.NormalisePipeline": 100,
    "pipelines.evidence.EvidencePipeline": 200,
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

# pymongo logs every command at DEBUG; monitoring runs want Scrapy's INFO lines.
LOG_LEVEL = "INFO"
