"""Stage 3: run the rule packs over the item's Document.

Scanning is CPU work of a few milliseconds per page, but a huge page costs more, so it runs
in one detection thread off the Twisted reactor: downloads and other items keep moving while
a page is scanned. A single thread keeps the order in which items finish detection (the
order they arrived) and never runs two scans of the shared rule set at once. Each document
has a time budget (DETECT_TIME_BUDGET seconds); a scan that runs past it keeps the hits
found so far and is counted in the `wangjian/detect/timed_out` stat and logged.
"""

from __future__ import annotations

import functools
import importlib
import logging
from pathlib import Path

from scrapy.crawler import Crawler

from pipelines.envelope import Envelope
from pipelines.threads import run_in_thread
from rules import RuleSet, load_ruleset
from rules.boundary import on_boundaries
from rules.budget import DetectionTimeout, time_budget
from rules.category import CategoryGuess
from rules.document import Document
from rules.hit import Hit

log = logging.getLogger(__name__)
DETECT_THREAD = "wangjian-detect"


@functools.cache
def shared_ruleset(packs_dir: str = "") -> RuleSet:
    """One compiled rule set per process and packs directory: compiling the automaton and
    loading jieba are the expensive parts, scanning is cheap. jieba's dictionary is loaded here
    (by a first word-boundary test), so no document's time budget pays for it."""
    ruleset = load_ruleset(Path(packs_dir)) if packs_dir else load_ruleset()
    on_boundaries("处方药", 0, 3)
    return ruleset


def scan_within_budget(
    ruleset: RuleSet, doc: Document, seconds: float | None
) -> tuple[list[Hit], CategoryGuess | None, bool]:
    """(hits, the category they were judged under (None when the budget ran out), whether the
    budget ran out first)."""
    with time_budget(seconds):
        try:
            hits, category = ruleset.scan_with_category(doc)
            return hits, category, False
        except DetectionTimeout as exc:
            return exc.hits, None, True


class DetectPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        # Check kinds from outside the project register themselves when imported.
        for module in crawler.settings.getlist("RULE_CHECK_MODULES"):
            importlib.import_module(module)
        self.ruleset = shared_ruleset(crawler.settings.get("RULE_PACKS_DIR") or "")
        # A monitoring task may apply only some families or packs (its Annex A 内容).
        self.families = set(crawler.settings.getlist("RULE_FAMILIES"))
        self.packs = set(crawler.settings.getlist("RULE_PACKS"))
        self.budget = crawler.settings.getfloat("DETECT_TIME_BUDGET") or None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DetectPipeline:
        return cls(crawler)

    async def process_item(self, envelope: Envelope) -> Envelope:
        doc = envelope.document
        hits, category, timed_out = await run_in_thread(
            DETECT_THREAD, scan_within_budget, self.ruleset, doc, self.budget
        )
        if category is not None:
            envelope.category = category
        stats = self.crawler.stats
        assert stats is not None
        if timed_out:
            stats.inc_value("wangjian/detect/timed_out")
            log.error(
                "detection timed out after %g s on %s (%s, %d characters): %d hit(s) kept, later rules not run",
                self.budget, envelope.item.url, doc.id, sum(len(t) for t in doc.fields.values()), len(hits),
            )  # fmt: skip
        if self.families:
            hits = [h for h in hits if h.family in self.families]
        if self.packs:
            hits = [h for h in hits if self.ruleset.rule(h.rule_id).pack in self.packs]
        envelope.hits = hits
        for hit in envelope.hits:
            stats.inc_value(f"wangjian/hits/{hit.family}")
        return envelope
